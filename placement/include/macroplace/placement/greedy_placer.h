// GreedyPlacer: hard macros placed one at a time, largest first, each on the grid cell whose
// centre gives the lowest proxy cost so far: the sequential decision an RL episode makes, taken
// greedily (a baseline, and a starting point for annealing).
//
// Contract: place_macros_greedily() unplaces every movable hard macro, then for each (largest
// area first, stable by index) tries the centres of all grid cells (or `max_candidates` of them,
// evenly strided, on large grids), keeps those where the macro is legal (inside the canvas, out
// of blockages, `spacing` clear of placed hard macros) and places it at the cheapest. Macros with
// no legal cell go back where they were and are listed. Deterministic.
//
//   GreedyResult result = place_macros_greedily(&cost, GreedyOptions{});
#pragma once

#include <vector>

#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct GreedyOptions {
  double spacing = 0.1;
  int max_candidates = 4096;  // per macro

  Status validate() const;
};

struct GreedyResult {
  std::vector<NodeId> without_cell;  // left at their original position
  std::int64_t candidates_tried = 0;
  double seconds = 0;
};

GreedyResult place_macros_greedily(ProxyCost* cost, const GreedyOptions& options);

}  // namespace macroplace::placement
