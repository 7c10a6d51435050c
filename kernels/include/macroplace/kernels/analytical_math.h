// Per-element math of the analytical placer (ePlace / DREAMPlace style), written once for the
// CPU and CUDA backends of AnalyticalKernels.
//
// Contract: pure inline functions callable from host and device code (MACROPLACE_HD). The
// weighted-average (WA) wirelength of one net along one axis, and its gradient per net terminal;
// the bin span and overlap of a density-smoothed object. Bins are indexed row * cols + col, row
// 0 at the bottom, like the proxy-cost grids.
//
//   double value = wa_net_axis(pos, begin, end, gamma, grad, scratch);  // grad per terminal
//   SmoothedRect r = smoothed_rect(bins, x, y, width, height);
//   double area = r.scale * overlap_length(r.x0, r.x1, bx0, bx1) * overlap_length(...);
#pragma once

#include <cmath>
#include <cstdint>

#include "macroplace/kernels/cost_math.h"

namespace macroplace::kernels {

// The density bins of the electrostatic system: a cols x rows grid over the canvas
// [x0, x0 + width] x [y0, y0 + height].
struct DensityBins {
  std::int32_t cols = 1, rows = 1;
  double x0 = 0, y0 = 0, width = 0, height = 0;
  double bin_width() const { return width / cols; }
  double bin_height() const { return height / rows; }
};

// Weighted-average wirelength of one net along one axis (Hsu et al., DAC 2011):
//   WA = sum x_i e^(x_i/g) / sum e^(x_i/g) - sum x_i e^(-x_i/g) / sum e^(-x_i/g),
// evaluated with the exponents shifted by the net's max (min) so that nothing overflows. `pos`
// holds the terminals' coordinates [begin, end); grad[k - begin] receives dWA/dpos[k];
// scratch[k - begin] is working storage (each exponential is taken once). WA lies in
// (0, max - min] and tends to max - min as gamma -> 0.
MACROPLACE_HD double wa_net_axis(const double* pos, std::int32_t begin, std::int32_t end,
                                 double gamma, double* grad, double* scratch) {
  double high = pos[begin];
  double low = pos[begin];
  for (std::int32_t k = begin + 1; k < end; ++k) {
    high = max2(high, pos[k]);
    low = min2(low, pos[k]);
  }
  const double inverse_gamma = 1.0 / gamma;
  double sum_plus = 0, weighted_plus = 0, sum_minus = 0, weighted_minus = 0;
  for (std::int32_t k = begin; k < end; ++k) {
    const double plus = exp((pos[k] - high) * inverse_gamma);
    const double minus = exp((low - pos[k]) * inverse_gamma);
    grad[k - begin] = plus;
    scratch[k - begin] = minus;
    sum_plus += plus;
    weighted_plus += pos[k] * plus;
    sum_minus += minus;
    weighted_minus += pos[k] * minus;
  }
  const double mean_plus = weighted_plus / sum_plus;
  const double mean_minus = weighted_minus / sum_minus;
  const double inverse_plus = 1.0 / sum_plus;
  const double inverse_minus = 1.0 / sum_minus;
  for (std::int32_t k = begin; k < end; ++k) {
    const double plus = grad[k - begin] * inverse_plus;
    const double minus = scratch[k - begin] * inverse_minus;
    grad[k - begin] = plus * (1.0 + (pos[k] - mean_plus) * inverse_gamma) -
                      minus * (1.0 - (pos[k] - mean_minus) * inverse_gamma);
  }
  return mean_plus - mean_minus;
}

// Half-perimeter of the terminals [begin, end) of one net (entry arrays hold their positions).
MACROPLACE_HD double entries_hpwl(const double* x, const double* y, std::int32_t begin,
                                  std::int32_t end) {
  double x0 = x[begin], x1 = x0, y0 = y[begin], y1 = y0;
  for (std::int32_t k = begin + 1; k < end; ++k) {
    x0 = min2(x0, x[k]);
    x1 = max2(x1, x[k]);
    y0 = min2(y0, y[k]);
    y1 = max2(y1, y[k]);
  }
  return (x1 - x0) + (y1 - y0);
}

// An object's footprint as the density sees it. ePlace's local smoothing: a side shorter than
// sqrt(2) bins is stretched to sqrt(2) bins and the density scaled down to keep the area, so
// that small cells feel a smooth field instead of a bin-sized step.
struct SmoothedRect {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double scale = 1;  // density per unit overlap area
};

MACROPLACE_HD SmoothedRect smoothed_rect(const DensityBins& bins, double x, double y, double width,
                                         double height) {
  const double min_width = 1.4142135623730951 * bins.width / bins.cols;
  const double min_height = 1.4142135623730951 * bins.height / bins.rows;
  SmoothedRect r;
  const double w = max2(width, min_width);
  const double h = max2(height, min_height);
  r.scale = (w > 0 && h > 0) ? (width * height) / (w * h) : 0.0;
  r.x0 = x - 0.5 * w;
  r.x1 = x + 0.5 * w;
  r.y0 = y - 0.5 * h;
  r.y1 = y + 0.5 * h;
  return r;
}

// A fixed object as the density sees it: its true footprint, its charge scaled by the target
// density (DREAMPlace's rule, so that a fixed macro never counts as overflow).
MACROPLACE_HD SmoothedRect fixed_rect(double x, double y, double width, double height,
                                      double target_density) {
  SmoothedRect r;
  r.x0 = x - 0.5 * width;
  r.x1 = x + 0.5 * width;
  r.y0 = y - 0.5 * height;
  r.y1 = y + 0.5 * height;
  r.scale = target_density;
  return r;
}

// The bins [first, last] a span [low, high] touches along one axis, clipped to the grid; false
// when the span misses the grid.
MACROPLACE_HD bool bin_span(double low, double high, double origin, double bin, std::int32_t count,
                            std::int32_t* first, std::int32_t* last) {
  const double a = (low - origin) / bin;
  const double b = (high - origin) / bin;
  if (!(b > 0) || !(a < count)) return false;
  *first = a <= 0 ? 0 : min2i(static_cast<std::int32_t>(a), count - 1);
  *last = b >= count ? count - 1 : max2i(static_cast<std::int32_t>(ceil(b)) - 1, 0);
  return *first <= *last;
}

// Calls visit(bin_index, overlap_area x scale) for every bin a smoothed rectangle overlaps.
template <typename Visit>
MACROPLACE_HD void for_each_bin_overlap(const DensityBins& bins, const SmoothedRect& r,
                                        Visit&& visit) {
  const double bw = bins.width / bins.cols;
  const double bh = bins.height / bins.rows;
  std::int32_t c0 = 0, c1 = 0, r0 = 0, r1 = 0;
  if (!bin_span(r.x0, r.x1, bins.x0, bw, bins.cols, &c0, &c1)) return;
  if (!bin_span(r.y0, r.y1, bins.y0, bh, bins.rows, &r0, &r1)) return;
  for (std::int32_t row = r0; row <= r1; ++row) {
    const double by0 = bins.y0 + row * bh;
    const double oy = overlap_length(r.y0, r.y1, by0, by0 + bh);
    if (oy <= 0) continue;
    for (std::int32_t col = c0; col <= c1; ++col) {
      const double bx0 = bins.x0 + col * bw;
      const double ox = overlap_length(r.x0, r.x1, bx0, bx0 + bw);
      if (ox > 0) visit(row * bins.cols + col, ox * oy * r.scale);
    }
  }
}

}  // namespace macroplace::kernels
