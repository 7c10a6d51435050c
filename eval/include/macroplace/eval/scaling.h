// Best-of-k scaling: how the best proxy improves when a method is run k times (k seeds) and the
// best run is kept, estimated from n independent runs, and a power law fitted to it.
//
// Contract: expected_best_of_k() is the unbiased estimate of E[min of k runs drawn without
// replacement from the n samples] (the U-statistic over all k-subsets), exact for every k <= n
// and O(n) per k, stable for n up to 10^5 and beyond; it returns NaN for k < 1 or k > n.
// Non-finite samples (failed runs) are dropped first. fit_power_law() fits
// best(k) ~ asymptote + scale * k^-exponent with scale, exponent > 0 and the asymptote below
// min(best); it leaves fitted = false (and the three numbers 0) when there are fewer than three
// points, the points are all equal, or no decreasing power law fits.
//
//   ScalingCurve curve = scaling_curve("ariane133-ng45", "sa", proxies, 64);
//   // curve.k = {1, 2, 4, ...}, curve.best = expected best proxy of k runs
//   if (curve.fitted) std::printf("%g + %g k^-%g\n", curve.asymptote, curve.scale, curve.exponent);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "macroplace/eval/results.h"

namespace macroplace::eval {

// For each entry of `k`, the expected minimum of k samples drawn without replacement from
// `samples`: with x_(1) <= ... <= x_(n) sorted, E = sum_i C(n-i, k-1) / C(n, k) x_(i).
std::vector<double> expected_best_of_k(std::vector<double> samples,
                                       const std::vector<std::int64_t>& k);

// Least-squares fit of best(k) ~ a + b k^-c: the asymptote a is profiled (a geometric grid of
// distances below min(best), then a golden-section refinement), b and c come from the linear
// least-squares fit of log(best - a) against log k, and the profile minimizes the squared
// residuals of best itself. Writes asymptote, scale, exponent and fitted into `curve` (its k,
// best and names are left alone).
void fit_power_law(const std::vector<std::int64_t>& k, const std::vector<double>& best,
                   ScalingCurve* curve);

// The convenience the runner uses: k = 1, 2, 4, ... up to min(max_k, n) (n = finite samples),
// the estimate at each k, and the fit.
ScalingCurve scaling_curve(const std::string& design, const std::string& method,
                           const std::vector<double>& samples, std::int64_t max_k);

}  // namespace macroplace::eval
