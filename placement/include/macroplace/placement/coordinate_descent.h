// CoordinateDescent: Circuit Training's refinement of a legal macro placement.
//
// Contract: refine_macros() visits the movable hard macros (largest first, stable by index) and
// tries, for each, the centres of the grid cells within `radius_cells` of its own cell and the
// other orientations of its family (mirrors keep the footprint); it keeps the legal candidate
// that lowers the proxy cost most (incremental evaluation; legal as in simulated_annealing.h).
// Between passes it calls `replace_soft_macros` when given. It stops when a pass gains less
// than `min_relative_gain` of the proxy cost, or after `max_passes`. Deterministic.
//
//   CoordinateDescentOptions options;
//   CoordinateDescentResult result = refine_macros(&cost, options);
#pragma once

#include <cstdint>
#include <functional>

#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct CoordinateDescentOptions {
  int radius_cells = 2;
  bool try_orientations = true;
  double min_relative_gain = 0.001;  // 0.1%
  int max_passes = 20;
  double spacing = 0.1;
  std::function<void(ProxyCost*)> replace_soft_macros;

  Status validate() const;
};

struct CoordinateDescentResult {
  CostBreakdown initial, final;
  int passes = 0;
  std::int64_t candidates_tried = 0, moves_kept = 0;
  double seconds = 0;
};

CoordinateDescentResult refine_macros(ProxyCost* cost, const CoordinateDescentOptions& options);

}  // namespace macroplace::placement
