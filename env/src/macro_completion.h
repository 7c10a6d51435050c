// Internal: the legal centre nearest to a point, off the grid, for finishing an infeasible
// episode (InfeasiblePolicy::kComplete) without moving what the agent placed.
#pragma once

#include <vector>

#include "macroplace/netlist/netlist.h"

namespace macroplace::env::internal {

// The free centre nearest to (x, y) for a width x height footprint: inside the canvas,
// `spacing` from every obstacle in x or in y, no positive-area overlap with a blockage. The
// nearest free centre lies on the lattice of the canvas range's ends, the point's own
// coordinates and the edges of the obstacles (grown by spacing + half the footprint) and
// blockages (grown by half the footprint); the lattice is searched exhaustively in order of
// distance, ties by (x, y). O(n^2 log n) for n obstacles: meant for the rare infeasible episode.
// False when no centre is free.
bool nearest_free_centre(double width, double height, double x, double y,
                         const std::vector<netlist::Rect>& obstacles,
                         const std::vector<netlist::Rect>& blockages, double canvas_width,
                         double canvas_height, double spacing, double* out_x, double* out_y);

}  // namespace macroplace::env::internal
