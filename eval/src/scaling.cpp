#include "macroplace/eval/scaling.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "macroplace/base/line_fit.h"

namespace macroplace::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();

// The asymptote is searched at distances d below min(best) on a geometric grid from
// kSmallestDistance to kLargestDistance times the span of best, then refined.
constexpr double kSmallestDistance = 1e-12;
constexpr double kLargestDistance = 100.0;
constexpr int kGridPoints = 1401;
constexpr int kGoldenIterations = 200;

struct Point {
  double log_k = 0;  // log k
  double k = 0;
  double best = 0;
};

struct PowerLaw {
  double asymptote = 0, scale = 0, exponent = 0;
  double residual = kInfinity;  // sum of squared residuals of best; infinite when not a fit
};

// For a given asymptote a: b and c from the least-squares line through (log k, log(best - a)),
// and the squared residuals of best under a + b k^-c.
PowerLaw fit_given_asymptote(const std::vector<Point>& points, double asymptote) {
  PowerLaw law;
  law.asymptote = asymptote;
  std::vector<double> xs, ys;
  xs.reserve(points.size());
  ys.reserve(points.size());
  for (const Point& point : points) {
    const double gap = point.best - asymptote;
    if (!(gap > 0)) return law;
    xs.push_back(point.log_k);
    ys.push_back(std::log(gap));
  }
  const LineFit line = fit_line(xs, ys);
  if (!line.ok) return law;
  law.exponent = -line.slope;
  law.scale = std::exp(line.intercept);
  if (!(law.exponent > 0) || !(law.scale > 0) || !std::isfinite(law.scale)) return law;
  double residual = 0;
  for (const Point& point : points) {
    const double error = point.best - (asymptote + law.scale * std::pow(point.k, -law.exponent));
    residual += error * error;
  }
  law.residual = residual;
  return law;
}

}  // namespace

std::vector<double> expected_best_of_k(std::vector<double> samples,
                                       const std::vector<std::int64_t>& k) {
  samples.erase(std::remove_if(samples.begin(), samples.end(),
                               [](double sample) { return !std::isfinite(sample); }),
                samples.end());
  std::sort(samples.begin(), samples.end());
  const auto n = static_cast<std::int64_t>(samples.size());
  std::vector<double> expected;
  expected.reserve(k.size());
  for (const std::int64_t draws : k) {
    if (draws < 1 || draws > n) {
      expected.push_back(kNaN);
      continue;
    }
    // Weight of x_(i) (1-based): w_i = C(n-i, k-1) / C(n, k). w_1 = k / n and
    // w_{i+1} / w_i = (n-i-k+1) / (n-i): a product of ratios below one, so nothing overflows
    // and the tail that underflows to zero weighs nothing anyway. Offsetting by x_(1) keeps the
    // result >= the minimum to the last bit.
    const double lowest = samples.front();
    double weight = static_cast<double>(draws) / static_cast<double>(n);
    double sum = 0;
    const std::int64_t last = n - draws + 1;
    for (std::int64_t i = 1; i <= last && weight > 0; ++i) {
      sum += weight * (samples[static_cast<std::size_t>(i - 1)] - lowest);
      if (i < last) {
        weight *= static_cast<double>(n - i - draws + 1) / static_cast<double>(n - i);
      }
    }
    expected.push_back(lowest + sum);
  }
  return expected;
}

void fit_power_law(const std::vector<std::int64_t>& k, const std::vector<double>& best,
                   ScalingCurve* curve) {
  curve->fitted = false;
  curve->asymptote = curve->scale = curve->exponent = 0;
  std::vector<Point> points;
  const std::size_t count = std::min(k.size(), best.size());
  points.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (k[i] >= 1 && std::isfinite(best[i])) {
      const auto draws = static_cast<double>(k[i]);
      points.push_back(Point{std::log(draws), draws, best[i]});
    }
  }
  if (points.size() < 3) return;
  double lowest = kInfinity, highest = -kInfinity;
  double k_min = kInfinity, k_max = -kInfinity;
  for (const Point& point : points) {
    lowest = std::min(lowest, point.best);
    highest = std::max(highest, point.best);
    k_min = std::min(k_min, point.k);
    k_max = std::max(k_max, point.k);
  }
  const double span = highest - lowest;
  if (!(span > 1e-12 * std::max(1.0, std::fabs(highest))) || !(k_max > k_min)) return;

  // Profile the residual over log(distance below the minimum).
  const double log_low = std::log(kSmallestDistance * span);
  const double log_high = std::log(kLargestDistance * span);
  const double step = (log_high - log_low) / (kGridPoints - 1);
  auto evaluate = [&](double log_distance) {
    return fit_given_asymptote(points, lowest - std::exp(log_distance));
  };
  int best_index = -1;
  PowerLaw best_law;
  for (int i = 0; i < kGridPoints; ++i) {
    const PowerLaw law = evaluate(log_low + step * i);
    if (law.residual < best_law.residual) {
      best_law = law;
      best_index = i;
    }
  }
  if (best_index < 0) return;

  // Golden-section search between the grid neighbours of the best grid point.
  double left = log_low + step * std::max(0, best_index - 1);
  double right = log_low + step * std::min(kGridPoints - 1, best_index + 1);
  const double ratio = (std::sqrt(5.0) - 1) / 2;
  double inner_left = right - ratio * (right - left);
  double inner_right = left + ratio * (right - left);
  PowerLaw law_left = evaluate(inner_left), law_right = evaluate(inner_right);
  for (int iteration = 0; iteration < kGoldenIterations && right - left > 1e-15; ++iteration) {
    if (law_left.residual <= law_right.residual) {
      right = inner_right;
      inner_right = inner_left;
      law_right = law_left;
      inner_left = right - ratio * (right - left);
      law_left = evaluate(inner_left);
    } else {
      left = inner_left;
      inner_left = inner_right;
      law_left = law_right;
      inner_right = left + ratio * (right - left);
      law_right = evaluate(inner_right);
    }
  }
  for (const PowerLaw* law : {&law_left, &law_right}) {
    if (law->residual < best_law.residual) best_law = *law;
  }
  curve->asymptote = best_law.asymptote;
  curve->scale = best_law.scale;
  curve->exponent = best_law.exponent;
  curve->fitted = true;
}

ScalingCurve scaling_curve(const std::string& design, const std::string& method,
                           const std::vector<double>& samples, std::int64_t max_k) {
  ScalingCurve curve;
  curve.design = design;
  curve.method = method;
  curve.samples = static_cast<std::int64_t>(
      std::count_if(samples.begin(), samples.end(), [](double x) { return std::isfinite(x); }));
  const std::int64_t limit = std::min(max_k, curve.samples);
  for (std::int64_t k = 1; k <= limit; k *= 2) curve.k.push_back(k);
  curve.best = expected_best_of_k(samples, curve.k);
  fit_power_law(curve.k, curve.best, &curve);
  return curve;
}

}  // namespace macroplace::eval
