#include "macroplace/placement/greedy_placer.h"

#include <algorithm>
#include <chrono>

#include "macro_space.h"

namespace macroplace::placement {

Status GreedyOptions::validate() const {
  if (!(spacing >= 0)) return Status::error("spacing must be non-negative");
  if (max_candidates < 1) return Status::error("at least one candidate cell per macro");
  return Status();
}

GreedyResult place_macros_greedily(ProxyCost* cost, const GreedyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  GreedyResult result;
  const internal::MacroSpace space(*cost, options.spacing);
  const std::vector<NodeId> order = space.movable_by_area();
  std::vector<double> original_x, original_y;
  for (const NodeId node : order) {
    original_x.push_back(cost->x(node));
    original_y.push_back(cost->y(node));
    cost->set_placed(node, false);
  }
  const kernels::GridGeometry& grid = cost->grid();
  const std::int64_t cells = static_cast<std::int64_t>(grid.rows) * grid.cols;
  const std::int64_t stride = std::max<std::int64_t>(1, cells / options.max_candidates);
  std::vector<NodeId> moved(1);
  std::vector<internal::Box> boxes(1);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const NodeId node = order[i];
    double best = INFINITY, best_x = original_x[i], best_y = original_y[i];
    for (std::int64_t cell = 0; cell < cells; cell += stride) {
      const std::int64_t column = cell % grid.cols, row = cell / grid.cols;
      const double x = (static_cast<double>(column) + 0.5) * grid.cell_width;
      const double y = (static_cast<double>(row) + 0.5) * grid.cell_height;
      moved[0] = node;
      boxes[0] = space.footprint(node, x, y, cost->orientation(node));
      if (!space.legal(moved, boxes)) continue;
      ++result.candidates_tried;
      cost->move(node, x, y);  // unplaced: only the position changes
      cost->set_placed(node, true);
      const double proxy = cost->costs().proxy;
      cost->set_placed(node, false);
      if (proxy < best) {
        best = proxy;
        best_x = x;
        best_y = y;
      }
    }
    if (best == INFINITY) result.without_cell.push_back(node);
    cost->move(node, best_x, best_y);
    cost->set_placed(node, true);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace macroplace::placement
