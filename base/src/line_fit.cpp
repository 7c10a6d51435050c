#include "macroplace/base/line_fit.h"

#include <cstddef>

namespace macroplace {

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y) {
  LineFit line;
  const std::size_t n = x.size() < y.size() ? x.size() : y.size();
  if (n < 2) return line;
  const auto count = static_cast<double>(n);
  double mean_x = 0, mean_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= count;
  mean_y /= count;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mean_x;
    sxx += dx * dx;
    sxy += dx * (y[i] - mean_y);
  }
  if (!(sxx > 0)) return line;
  line.slope = sxy / sxx;
  line.intercept = mean_y - line.slope * mean_x;
  line.ok = true;
  return line;
}

}  // namespace macroplace
