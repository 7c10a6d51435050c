#include "macroplace/eval/scaling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace macroplace::eval {
namespace {

// E[min of k of the samples] by enumerating every k-subset (small n only).
double brute_force_best_of_k(const std::vector<double>& samples, int k) {
  const int n = static_cast<int>(samples.size());
  std::vector<bool> chosen(static_cast<std::size_t>(n), false);
  std::fill(chosen.begin(), chosen.begin() + k, true);
  double sum = 0;
  std::int64_t subsets = 0;
  do {
    double lowest = HUGE_VAL;
    for (int i = 0; i < n; ++i) {
      if (chosen[static_cast<std::size_t>(i)]) {
        lowest = std::min(lowest, samples[static_cast<std::size_t>(i)]);
      }
    }
    sum += lowest;
    ++subsets;
  } while (std::prev_permutation(chosen.begin(), chosen.end()));
  return sum / static_cast<double>(subsets);
}

TEST(ExpectedBestOfK, HandWorkedThreeSamples) {
  // {1, 2, 3}: k = 1 is the mean, 2. k = 2: the subsets {1,2} {1,3} {2,3} have minima 1, 1, 2,
  // so 4/3. k = 3: the minimum, 1. The order of the samples does not matter.
  const std::vector<double> best = expected_best_of_k({3, 1, 2}, {1, 2, 3});
  ASSERT_EQ(best.size(), 3U);
  EXPECT_DOUBLE_EQ(best[0], 2.0);
  EXPECT_DOUBLE_EQ(best[1], 4.0 / 3.0);
  EXPECT_DOUBLE_EQ(best[2], 1.0);
}

TEST(ExpectedBestOfK, HandWorkedFourSamplesWithTies) {
  // {5, 5, 7, 9}, k = 2: six pairs with minima 5 (55), 5 (57), 5 (59), 5 (57), 5 (59), 7 (79)
  // -> 32/6 = 16/3. k = 3: four triples with minima 5, 5, 5, 5 (every triple holds a 5) -> 5.
  const std::vector<double> best = expected_best_of_k({9, 5, 7, 5}, {2, 3});
  EXPECT_DOUBLE_EQ(best[0], 16.0 / 3.0);
  EXPECT_DOUBLE_EQ(best[1], 5.0);
}

TEST(ExpectedBestOfK, OutOfRangeKIsNaNAndNonFiniteSamplesAreDropped) {
  const std::vector<double> best = expected_best_of_k({2, NAN, 4, INFINITY}, {0, 1, 2, 3, -1});
  ASSERT_EQ(best.size(), 5U);
  EXPECT_TRUE(std::isnan(best[0]));
  EXPECT_DOUBLE_EQ(best[1], 3.0);  // the two finite samples
  EXPECT_DOUBLE_EQ(best[2], 2.0);
  EXPECT_TRUE(std::isnan(best[3]));  // only two finite samples
  EXPECT_TRUE(std::isnan(best[4]));
  EXPECT_TRUE(expected_best_of_k({}, {}).empty());
}

TEST(ExpectedBestOfK, MatchesEnumerationOnRandomSamples) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> proxy(0.7, 0.05);
  for (int n = 1; n <= 12; ++n) {
    std::vector<double> samples(static_cast<std::size_t>(n));
    for (double& sample : samples) sample = proxy(random);
    std::vector<std::int64_t> ks;
    for (int k = 1; k <= n; ++k) ks.push_back(k);
    const std::vector<double> best = expected_best_of_k(samples, ks);
    for (int k = 1; k <= n; ++k) {
      EXPECT_NEAR(best[static_cast<std::size_t>(k - 1)], brute_force_best_of_k(samples, k), 1e-12)
          << "n " << n << " k " << k;
    }
    // More runs can only help.
    for (std::size_t i = 1; i < best.size(); ++i) EXPECT_LE(best[i], best[i - 1] + 1e-15);
  }
}

TEST(ExpectedBestOfK, MatchesMonteCarloOnManySamples) {
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> proxy(0.6, 0.9);
  std::vector<double> samples(200);
  for (double& sample : samples) sample = proxy(random);
  const std::vector<std::int64_t> ks = {1, 4, 16, 64};
  const std::vector<double> best = expected_best_of_k(samples, ks);
  for (std::size_t j = 0; j < ks.size(); ++j) {
    // Draw k without replacement (a partial shuffle) many times.
    constexpr int kTrials = 40000;
    std::vector<double> pool = samples;
    double sum = 0;
    for (int trial = 0; trial < kTrials; ++trial) {
      double lowest = HUGE_VAL;
      for (std::int64_t i = 0; i < ks[j]; ++i) {
        std::uniform_int_distribution<std::size_t> pick(static_cast<std::size_t>(i),
                                                        pool.size() - 1);
        std::swap(pool[static_cast<std::size_t>(i)], pool[pick(random)]);
        lowest = std::min(lowest, pool[static_cast<std::size_t>(i)]);
      }
      sum += lowest;
    }
    EXPECT_NEAR(best[j], sum / kTrials, 2e-3) << "k " << ks[j];
  }
}

TEST(ExpectedBestOfK, StableForLargeN) {
  // n = 10^5 with every k up to n: the weights never overflow, each estimate lies between the
  // minimum and the mean, and the curve is non-increasing.
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> proxy(1.0, 2.0);
  std::vector<double> samples(100000);
  double mean = 0;
  for (double& sample : samples) {
    sample = proxy(random);
    mean += sample;
  }
  mean /= static_cast<double>(samples.size());
  const double lowest = *std::min_element(samples.begin(), samples.end());
  const std::vector<std::int64_t> ks = {1, 2, 10, 1000, 50000, 99999, 100000};
  const std::vector<double> best = expected_best_of_k(samples, ks);
  EXPECT_NEAR(best[0], mean, 1e-12);
  EXPECT_DOUBLE_EQ(best.back(), lowest);
  for (std::size_t i = 0; i < best.size(); ++i) {
    ASSERT_TRUE(std::isfinite(best[i]));
    EXPECT_GE(best[i], lowest);
    EXPECT_LE(best[i], mean + 1e-12);
    if (i > 0) {
      EXPECT_LE(best[i], best[i - 1]);
    }
  }
  // Uniform on [1, 2]: E[min of k] is close to 1 + 1/(k+1) for k << n.
  EXPECT_NEAR(best[2], 1.0 + 1.0 / 11.0, 5e-3);
}

struct PowerLawCase {
  double asymptote, scale, exponent;
};

class FitPowerLaw : public ::testing::TestWithParam<PowerLawCase> {};

TEST_P(FitPowerLaw, RecoversExactSyntheticData) {
  const PowerLawCase& truth = GetParam();
  std::vector<std::int64_t> ks;
  std::vector<double> best;
  for (std::int64_t k = 1; k <= 1024; k *= 2) {
    ks.push_back(k);
    best.push_back(truth.asymptote +
                   truth.scale * std::pow(static_cast<double>(k), -truth.exponent));
  }
  ScalingCurve curve;
  fit_power_law(ks, best, &curve);
  ASSERT_TRUE(curve.fitted);
  EXPECT_NEAR(curve.asymptote, truth.asymptote, 1e-3);
  EXPECT_NEAR(curve.scale, truth.scale, 1e-3);
  EXPECT_NEAR(curve.exponent, truth.exponent, 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Cases, FitPowerLaw,
                         ::testing::Values(PowerLawCase{0.65, 0.05, 0.5},
                                           PowerLawCase{0.9, 0.2, 1.0},
                                           PowerLawCase{1.2, 0.3, 0.25},
                                           PowerLawCase{0.0, 1.0, 2.0}));

TEST(FitPowerLawDegenerate, TooFewPointsOrFlatIsNotFitted) {
  ScalingCurve curve;
  curve.fitted = true;
  curve.asymptote = 1;
  fit_power_law({1, 2}, {0.8, 0.7}, &curve);
  EXPECT_FALSE(curve.fitted);
  EXPECT_EQ(curve.asymptote, 0);
  fit_power_law({1, 2, 4, 8}, {0.7, 0.7, 0.7, 0.7}, &curve);
  EXPECT_FALSE(curve.fitted);
  // Increasing with k: no decreasing power law fits.
  fit_power_law({1, 2, 4, 8}, {0.6, 0.7, 0.8, 0.9}, &curve);
  EXPECT_FALSE(curve.fitted);
  // Only one distinct k.
  fit_power_law({4, 4, 4}, {0.6, 0.7, 0.8}, &curve);
  EXPECT_FALSE(curve.fitted);
}

TEST(ScalingCurve, PowersOfTwoUpToTheSamplesAndTheFit) {
  std::mt19937_64 random(5);
  std::lognormal_distribution<double> noise(0.0, 0.5);
  std::vector<double> samples(100);
  for (double& sample : samples) sample = 0.6 + 0.05 * noise(random);
  const ScalingCurve curve = scaling_curve("ariane", "sa", samples, 1000);
  EXPECT_EQ(curve.design, "ariane");
  EXPECT_EQ(curve.method, "sa");
  EXPECT_EQ(curve.samples, 100);
  EXPECT_EQ(curve.k, (std::vector<std::int64_t>{1, 2, 4, 8, 16, 32, 64}));
  ASSERT_EQ(curve.best.size(), curve.k.size());
  EXPECT_EQ(curve.best, expected_best_of_k(samples, curve.k));
  ASSERT_TRUE(curve.fitted);
  EXPECT_GT(curve.scale, 0);
  EXPECT_GT(curve.exponent, 0);
  EXPECT_LT(curve.asymptote, curve.best.back());
  // The fit follows the estimates closely.
  for (std::size_t i = 0; i < curve.k.size(); ++i) {
    const double fitted =
        curve.asymptote + curve.scale * std::pow(static_cast<double>(curve.k[i]), -curve.exponent);
    EXPECT_NEAR(fitted, curve.best[i], 2e-3) << "k " << curve.k[i];
  }

  const ScalingCurve capped = scaling_curve("ariane", "sa", samples, 10);
  EXPECT_EQ(capped.k, (std::vector<std::int64_t>{1, 2, 4, 8}));
  const ScalingCurve one = scaling_curve("ariane", "greedy", {0.7}, 64);
  EXPECT_EQ(one.k, (std::vector<std::int64_t>{1}));
  EXPECT_FALSE(one.fitted);
}

}  // namespace
}  // namespace macroplace::eval
