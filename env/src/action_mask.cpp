#include "action_mask.h"

#include <algorithm>

namespace macroplace::env::internal {

namespace {

// A footprint touching the canvas edge within this much still counts as inside (legality
// tolerates 1e-6 um); it absorbs the rounding of (col + 0.5) * cell width.
constexpr double kEdgeTolerance = 1e-9;

// Indices [first, last) of the centres strictly inside the open interval (low, high).
std::pair<std::int32_t, std::int32_t> open_range(const std::vector<double>& centres, double low,
                                                 double high) {
  const auto first = std::upper_bound(centres.begin(), centres.end(), low);
  const auto last = std::lower_bound(first, centres.end(), high);
  return {static_cast<std::int32_t>(first - centres.begin()),
          static_cast<std::int32_t>(last - centres.begin())};
}

void forbid(const std::vector<double>& cell_x, const std::vector<double>& cell_y,
            const netlist::Rect& grown, std::vector<std::uint8_t>* mask) {
  const auto [col0, col1] = open_range(cell_x, grown.x0, grown.x1);
  if (col0 >= col1) return;
  const auto [row0, row1] = open_range(cell_y, grown.y0, grown.y1);
  const auto cols = static_cast<std::int32_t>(cell_x.size());
  for (std::int32_t r = row0; r < row1; ++r) {
    std::fill(mask->begin() + r * cols + col0, mask->begin() + r * cols + col1, 0);
  }
}

}  // namespace

std::int32_t compute_grid_mask(const MaskRules& rules, double width, double height,
                               const std::vector<netlist::Rect>& obstacles,
                               const std::vector<netlist::Rect>& blockages,
                               std::vector<std::uint8_t>* mask) {
  const auto cols = static_cast<std::int32_t>(rules.cell_x.size());
  const auto rows = static_cast<std::int32_t>(rules.cell_y.size());
  const double half_w = width / 2, half_h = height / 2;
  mask->assign(static_cast<std::size_t>(rows) * cols, 0);
  // Centres whose footprint stays inside the canvas form one closed rectangle of cells.
  std::int32_t col0 = 0, col1 = cols, row0 = 0, row1 = rows;
  if (rules.keep_inside_canvas) {
    const auto& xs = rules.cell_x;
    const auto& ys = rules.cell_y;
    col0 = static_cast<std::int32_t>(
        std::lower_bound(xs.begin(), xs.end(), half_w - kEdgeTolerance) - xs.begin());
    col1 = static_cast<std::int32_t>(
        std::upper_bound(xs.begin(), xs.end(), rules.canvas_width - half_w + kEdgeTolerance) -
        xs.begin());
    row0 = static_cast<std::int32_t>(
        std::lower_bound(ys.begin(), ys.end(), half_h - kEdgeTolerance) - ys.begin());
    row1 = static_cast<std::int32_t>(
        std::upper_bound(ys.begin(), ys.end(), rules.canvas_height - half_h + kEdgeTolerance) -
        ys.begin());
  }
  for (std::int32_t r = row0; r < row1; ++r) {
    std::fill(mask->begin() + r * cols + col0, mask->begin() + r * cols + col1, 1);
  }
  // Another hard macro forbids the centres closer than (sum of half sizes + spacing) in x and
  // in y at once; a blockage those closer than the half sizes.
  const double grow_x = half_w + rules.spacing, grow_y = half_h + rules.spacing;
  for (const netlist::Rect& box : obstacles) {
    forbid(rules.cell_x, rules.cell_y,
           {box.x0 - grow_x, box.y0 - grow_y, box.x1 + grow_x, box.y1 + grow_y}, mask);
  }
  for (const netlist::Rect& box : blockages) {
    forbid(rules.cell_x, rules.cell_y,
           {box.x0 - half_w, box.y0 - half_h, box.x1 + half_w, box.y1 + half_h}, mask);
  }
  return static_cast<std::int32_t>(std::count(mask->begin(), mask->end(), 1));
}

}  // namespace macroplace::env::internal
