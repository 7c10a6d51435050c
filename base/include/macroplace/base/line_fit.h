// The least-squares line through points (x[i], y[i]); shared by the fits of power laws in
// log-log space (Rent's rule in netlist/, best-of-k scaling in eval/).
//
//   const LineFit line = fit_line(log_sizes, log_counts);
//   if (line.ok) exponent = line.slope;
#pragma once

#include <vector>

namespace macroplace {

struct LineFit {
  double slope = 0, intercept = 0;
  bool ok = false;  // false for fewer than 2 points or every x equal
};

LineFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace macroplace
