#include "macro_completion.h"

#include <algorithm>
#include <tuple>

namespace macroplace::env::internal {

namespace {

// Slack for rounding in lattice coordinates (um); far below any overlap threshold.
constexpr double kTolerance = 1e-9;

void keep_in_range(std::vector<double>* values, double low, double high) {
  std::vector<double> kept;
  kept.reserve(values->size());
  for (const double value : *values) {
    if (value >= low - kTolerance && value <= high + kTolerance) {
      kept.push_back(std::clamp(value, low, high));
    }
  }
  std::sort(kept.begin(), kept.end());
  kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
  *values = std::move(kept);
}

}  // namespace

bool nearest_free_centre(double width, double height, double x, double y,
                         const std::vector<netlist::Rect>& obstacles,
                         const std::vector<netlist::Rect>& blockages, double canvas_width,
                         double canvas_height, double spacing, double* out_x, double* out_y) {
  const double half_w = width / 2, half_h = height / 2;
  const double x_low = half_w, x_high = canvas_width - half_w;
  const double y_low = half_h, y_high = canvas_height - half_h;
  if (x_low > x_high + kTolerance || y_low > y_high + kTolerance) return false;
  std::vector<double> xs{std::clamp(x, x_low, std::max(x_low, x_high)), x_low, x_high};
  std::vector<double> ys{std::clamp(y, y_low, std::max(y_low, y_high)), y_low, y_high};
  xs.reserve(2 * (obstacles.size() + blockages.size()) + 3);
  ys.reserve(2 * (obstacles.size() + blockages.size()) + 3);
  for (const netlist::Rect& box : obstacles) {
    xs.insert(xs.end(), {box.x0 - spacing - half_w, box.x1 + spacing + half_w});
    ys.insert(ys.end(), {box.y0 - spacing - half_h, box.y1 + spacing + half_h});
  }
  for (const netlist::Rect& box : blockages) {
    xs.insert(xs.end(), {box.x0 - half_w, box.x1 + half_w});
    ys.insert(ys.end(), {box.y0 - half_h, box.y1 + half_h});
  }
  keep_in_range(&xs, x_low, std::max(x_low, x_high));
  keep_in_range(&ys, y_low, std::max(y_low, y_high));

  std::vector<std::tuple<double, double, double>> candidates;
  candidates.reserve(xs.size() * ys.size());
  for (const double cx : xs) {
    for (const double cy : ys) {
      candidates.emplace_back((cx - x) * (cx - x) + (cy - y) * (cy - y), cx, cy);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& [distance, cx, cy] : candidates) {
    const double x0 = cx - half_w, x1 = cx + half_w, y0 = cy - half_h, y1 = cy + half_h;
    const auto clear = [&](const netlist::Rect& box) {
      const double gap_x = std::max(box.x0 - x1, x0 - box.x1);
      const double gap_y = std::max(box.y0 - y1, y0 - box.y1);
      return gap_x >= spacing - kTolerance || gap_y >= spacing - kTolerance;
    };
    const auto outside = [&](const netlist::Rect& box) {
      return std::min(x1, box.x1) - std::max(x0, box.x0) <= kTolerance ||
             std::min(y1, box.y1) - std::max(y0, box.y0) <= kTolerance;
    };
    if (std::all_of(obstacles.begin(), obstacles.end(), clear) &&
        std::all_of(blockages.begin(), blockages.end(), outside)) {
      *out_x = cx;
      *out_y = cy;
      return true;
    }
  }
  return false;
}

}  // namespace macroplace::env::internal
