// Internal: the grid mask of a macro: the cells where its centre may go.
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/netlist/netlist.h"

namespace macroplace::env::internal {

// The cell centres of the grid (increasing) and the rules of the mask.
struct MaskRules {
  std::vector<double> cell_x, cell_y;  // (col + 0.5) * W / cols, (row + 0.5) * H / rows
  double canvas_width = 0, canvas_height = 0;
  double spacing = 0.1;
  bool keep_inside_canvas = true;
};

// Fills `mask` (rows * cols, row-major) for a width x height footprint: 1 where the footprint
// centred on the cell keeps `spacing` from every obstacle in x or in y, meets no blockage with
// positive area and (keep_inside_canvas) lies inside the canvas. Each obstacle and blockage
// forbids an open rectangle of centres, found by binary search on the sorted cell centres, so the
// cost is O(obstacles x log(rows + cols) + covered cells). Returns the number of legal cells.
std::int32_t compute_grid_mask(const MaskRules& rules, double width, double height,
                               const std::vector<netlist::Rect>& obstacles,
                               const std::vector<netlist::Rect>& blockages,
                               std::vector<std::uint8_t>* mask);

}  // namespace macroplace::env::internal
