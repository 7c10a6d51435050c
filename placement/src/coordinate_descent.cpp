#include "macroplace/placement/coordinate_descent.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "macro_space.h"

namespace macroplace::placement {

Status CoordinateDescentOptions::validate() const {
  if (radius_cells < 0 || radius_cells > 128)
    return Status::error("radius must be in 0..128 cells");
  if (!(min_relative_gain >= 0)) return Status::error("minimum gain must be non-negative");
  if (max_passes < 1) return Status::error("at least one pass");
  if (!(spacing >= 0)) return Status::error("spacing must be non-negative");
  return Status();
}

CoordinateDescentResult refine_macros(ProxyCost* cost, const CoordinateDescentOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  CoordinateDescentResult result;
  result.initial = cost->costs();
  const internal::MacroSpace space(*cost, options.spacing);
  const std::vector<NodeId> order = space.movable_by_area();
  const kernels::GridGeometry& grid = cost->grid();
  std::vector<NodeId> moved(1);
  std::vector<internal::Box> boxes(1);
  double current = result.initial.proxy;
  for (result.passes = 1; result.passes <= options.max_passes; ++result.passes) {
    const double pass_start = current;
    for (const NodeId node : order) {
      const double x0 = cost->x(node), y0 = cost->y(node);
      const Orientation o0 = cost->orientation(node);
      double best = current, best_x = x0, best_y = y0;
      Orientation best_o = o0;
      auto try_candidate = [&](double x, double y, Orientation o) {
        moved[0] = node;
        boxes[0] = space.footprint(node, x, y, o);
        if (!space.legal(moved, boxes)) return;
        ++result.candidates_tried;
        if (o != cost->orientation(node)) cost->set_orientation(node, o);
        cost->move(node, x, y);
        const double proxy = cost->costs().proxy;
        if (proxy < best) {
          best = proxy;
          best_x = x;
          best_y = y;
          best_o = o;
        }
      };
      const std::int32_t col = kernels::column_of(grid, x0), row = kernels::row_of(grid, y0);
      for (std::int32_t r = std::max(0, row - options.radius_cells);
           r <= std::min(grid.rows - 1, row + options.radius_cells); ++r) {
        for (std::int32_t c = std::max(0, col - options.radius_cells);
             c <= std::min(grid.cols - 1, col + options.radius_cells); ++c) {
          try_candidate((c + 0.5) * grid.cell_width, (r + 0.5) * grid.cell_height, o0);
        }
      }
      if (options.try_orientations) {
        Orientation mirrors[3];
        const int count =
            internal::allowed_mirrors(o0, cost->netlist().allowed_orientations(node), mirrors);
        for (int i = 0; i < count; ++i) try_candidate(x0, y0, mirrors[i]);
      }
      // Keep the best (possibly the original) placement of this macro.
      if (best_o != cost->orientation(node)) cost->set_orientation(node, best_o);
      cost->move(node, best_x, best_y);
      if (best_x != x0 || best_y != y0 || best_o != o0) ++result.moves_kept;
      current = best;
    }
    if (options.replace_soft_macros) {
      options.replace_soft_macros(cost);
      current = cost->costs().proxy;
    }
    if (pass_start - current < options.min_relative_gain * pass_start) break;
  }
  result.passes = std::min(result.passes, options.max_passes);
  result.final = cost->costs();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace macroplace::placement
