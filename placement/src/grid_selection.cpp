#include "macroplace/placement/grid_selection.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <unordered_map>

#include "macroplace/netlist/clustering.h"

namespace macroplace::placement {

namespace {

using netlist::NodeKind;

// Footprints closer than this (um) are not counted as overlapping: abutting macros pack.
constexpr double kTolerance = 1e-6;
// A cell whose macro density is below this is empty (CT's get_empty_cells_ratio threshold).
constexpr double kUsedDensity = 1e-5;

// An axis-aligned box by centre and size, with the gap it wants from a packed macro.
struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  double spacing = 0;
  bool counts_as_macro = false;  // adds to cell density (fixed macros, not blockages)
};

bool wants_packing(const netlist::Netlist& netlist, NodeId node,
                   const GridSelectionOptions& options) {
  return netlist.kind(node) == NodeKind::kHardMacro &&
         (options.include_fixed_macros || !netlist.fixed(node));
}

// What packing must avoid besides the macros it has placed: fixed macros left in place and
// blockages.
std::vector<Box> obstacles_of(const netlist::Netlist& netlist,
                              const GridSelectionOptions& options) {
  std::vector<Box> boxes;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (netlist.kind(node) != NodeKind::kHardMacro || wants_packing(netlist, node, options)) {
      continue;
    }
    boxes.push_back({netlist.x(node), netlist.y(node), netlist.placed_width(node),
                     netlist.placed_height(node), options.macro_spacing, true});
  }
  for (const netlist::Blockage& blockage : netlist.blockages) {
    const netlist::Rect& r = blockage.rect;
    boxes.push_back({(r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2, r.width(), r.height(), 0.0, false});
  }
  return boxes;
}

// Along one axis: does a segment of length `size` centred at `centre` come closer than the box
// allows? (The box wants `spacing` of free space; touching is fine when spacing is 0.)
bool too_close(double centre, double size, double box_centre, double box_size, double spacing) {
  return std::fabs(centre - box_centre) - (size + box_size) / 2 < spacing - kTolerance;
}

// Packs `order` into the grid; fills `cells` (one per macro) and returns whether all packed.
// `placed` receives the boxes of the packed macros.
bool pack(const netlist::Netlist& netlist, const std::vector<NodeId>& order,
          const std::vector<Box>& obstacles, double canvas_width, double canvas_height, int cols,
          int rows, const GridSelectionOptions& options, std::vector<int>* cells,
          std::vector<Box>* placed) {
  const double cell_width = canvas_width / cols, cell_height = canvas_height / rows;
  std::vector<double> centre_x(cols), centre_y(rows);
  for (int c = 0; c < cols; ++c) centre_x[c] = (c + 0.5) * cell_width;
  for (int r = 0; r < rows; ++r) centre_y[r] = (r + 0.5) * cell_height;

  cells->assign(order.size(), -1);
  placed->clear();
  // Obstacles and packed macros, and their indices sorted by centre y, so that a row looks only
  // at the boxes within reach of it.
  std::vector<Box> boxes(obstacles);
  boxes.reserve(obstacles.size() + order.size());
  std::vector<int> by_y(boxes.size());
  std::iota(by_y.begin(), by_y.end(), 0);
  std::sort(by_y.begin(), by_y.end(), [&](int a, int b) { return boxes[a].y < boxes[b].y; });
  double max_reach_y = 0;  // the largest box height / 2 + spacing
  for (const Box& box : boxes) max_reach_y = std::max(max_reach_y, box.h / 2 + box.spacing);
  auto y_below = [&](int index, double y) { return boxes[index].y < y; };

  // Boxes are only ever added, so a cell too close for a macro stays too close for it and for
  // any macro at least as wide and as tall: a macro's search starts where such an earlier one
  // was placed. (Equal sizes come in runs in area order; this makes packing them linear.)
  struct Frontier {
    double w, h;
    int cell;
  };
  std::vector<Frontier> frontiers;

  std::vector<char> column_ok(cols), blocked(cols);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const NodeId node = order[i];
    const double w = netlist.placed_width(node), h = netlist.placed_height(node);
    int start = 0;
    for (const Frontier& f : frontiers) {
      if (f.w <= w && f.h <= h) start = std::max(start, f.cell);
    }
    for (int c = 0; c < cols; ++c) {
      column_ok[c] =
          !options.keep_inside_canvas ||
          (centre_x[c] - w / 2 >= -kTolerance && centre_x[c] + w / 2 <= canvas_width + kTolerance);
    }
    int found = -1;
    for (int r = start / cols; r < rows && found < 0; ++r) {
      const double y = centre_y[r];
      if (options.keep_inside_canvas &&
          (y - h / 2 < -kTolerance || y + h / 2 > canvas_height + kTolerance)) {
        continue;
      }
      for (int c = 0; c < cols; ++c) blocked[c] = !column_ok[c] || r * cols + c < start;
      const double reach_y = h / 2 + max_reach_y;
      auto it = std::lower_bound(by_y.begin(), by_y.end(), y - reach_y, y_below);
      for (; it != by_y.end() && boxes[*it].y <= y + reach_y; ++it) {
        const Box& box = boxes[*it];
        if (!too_close(y, h, box.y, box.h, box.spacing)) continue;
        // Columns whose centre is within `reach` of the box centre are too close; find them
        // roughly by division, then decide each with the exact test.
        const double reach = (w + box.w) / 2 + box.spacing - kTolerance;
        if (reach <= 0) continue;
        const int lo =
            std::max(0, static_cast<int>(std::floor((box.x - reach) / cell_width - 0.5)) - 1);
        const int hi =
            std::min(cols - 1, static_cast<int>(std::ceil((box.x + reach) / cell_width - 0.5)) + 1);
        for (int c = lo; c <= hi; ++c) {
          if (too_close(centre_x[c], w, box.x, box.w, box.spacing)) blocked[c] = 1;
        }
      }
      for (int c = 0; c < cols; ++c) {
        if (blocked[c]) continue;
        found = r * cols + c;
        const Box box{centre_x[c], y, w, h, options.macro_spacing, true};
        boxes.push_back(box);
        max_reach_y = std::max(max_reach_y, h / 2 + box.spacing);
        const int index = static_cast<int>(boxes.size()) - 1;
        by_y.insert(std::upper_bound(by_y.begin(), by_y.end(), box.y,
                                     [&](double value, int b) { return value < boxes[b].y; }),
                    index);
        break;
      }
    }
    if (found < 0) return false;
    (*cells)[i] = found;
    bool known_size = false;
    for (Frontier& f : frontiers) {
      if (f.w == w && f.h == h) {
        f.cell = found;
        known_size = true;
      }
    }
    if (!known_size) frontiers.push_back({w, h, found});
  }
  placed->assign(boxes.begin() + static_cast<std::ptrdiff_t>(obstacles.size()), boxes.end());
  return true;
}

// Share of cells that no macro (packed, or fixed and left in place) covers.
double empty_ratio(const std::vector<Box>& placed, const std::vector<Box>& obstacles,
                   double canvas_width, double canvas_height, int cols, int rows) {
  const double cell_width = canvas_width / cols, cell_height = canvas_height / rows;
  std::vector<double> area(static_cast<std::size_t>(cols) * rows, 0.0);
  auto add = [&](const Box& box) {
    const double x0 = std::max(0.0, box.x - box.w / 2),
                 x1 = std::min(canvas_width, box.x + box.w / 2);
    const double y0 = std::max(0.0, box.y - box.h / 2),
                 y1 = std::min(canvas_height, box.y + box.h / 2);
    if (x1 <= x0 || y1 <= y0) return;
    const int c0 = std::max(0, static_cast<int>(std::floor(x0 / cell_width)));
    const int c1 = std::min(cols - 1, static_cast<int>(std::floor(x1 / cell_width)));
    const int r0 = std::max(0, static_cast<int>(std::floor(y0 / cell_height)));
    const int r1 = std::min(rows - 1, static_cast<int>(std::floor(y1 / cell_height)));
    for (int r = r0; r <= r1; ++r) {
      const double dy = std::min(y1, (r + 1) * cell_height) - std::max(y0, r * cell_height);
      if (dy <= 0) continue;
      for (int c = c0; c <= c1; ++c) {
        const double dx = std::min(x1, (c + 1) * cell_width) - std::max(x0, c * cell_width);
        if (dx > 0) area[static_cast<std::size_t>(r) * cols + c] += dx * dy;
      }
    }
  };
  for (const Box& box : placed) add(box);
  for (const Box& box : obstacles) {
    if (box.counts_as_macro) add(box);
  }
  const double cell_area = cell_width * cell_height;
  const auto empty = std::count_if(area.begin(), area.end(),
                                   [&](double a) { return a / cell_area < kUsedDensity; });
  return static_cast<double>(empty) / static_cast<double>(area.size());
}

bool canvas_ok(double width, double height) {
  return std::isfinite(width) && std::isfinite(height) && width > 0 && height > 0;
}

}  // namespace

Status GridSelectionOptions::validate() const {
  if (min_cols < 1 || max_cols <= min_cols) {
    return Status::error("grid selection: need 1 <= min_cols < max_cols, got " +
                         std::to_string(min_cols) + " and " + std::to_string(max_cols));
  }
  if (min_rows < 1 || max_rows <= min_rows) {
    return Status::error("grid selection: need 1 <= min_rows < max_rows, got " +
                         std::to_string(min_rows) + " and " + std::to_string(max_rows));
  }
  if (min_cells < 0 || max_cells < min_cells) {
    return Status::error("grid selection: need 0 <= min_cells <= max_cells, got " +
                         std::to_string(min_cells) + " and " + std::to_string(max_cells));
  }
  if (!std::isfinite(max_aspect_ratio) || max_aspect_ratio < 1.0) {
    return Status::error("grid selection: max_aspect_ratio must be finite and at least 1");
  }
  if (!(tolerance >= 0.0 && tolerance < 1.0)) {
    return Status::error("grid selection: tolerance must be in [0, 1)");
  }
  if (!std::isfinite(add_size) || add_size < 0) {
    return Status::error("grid selection: add_size must be finite and non-negative");
  }
  if (!std::isfinite(macro_spacing) || macro_spacing < 0) {
    return Status::error("grid selection: macro_spacing must be finite and non-negative");
  }
  return Status();
}

SegmentSpan segment_span(double segment, double cell) {
  // Grow an odd span around the centre cell until the segment fits; counting instead of
  // dividing keeps exact fits exact (a segment of 3 cells spans 3, not 5).
  SegmentSpan result;
  double extra_space = -1.0;
  for (int i = 0; extra_space < 0.0; ++i) {
    result.span = 2 * i + 1;
    extra_space = (result.span * cell - segment) / 2.0;
  }
  result.extra_piece = cell - extra_space;
  return result;
}

double waste_ratio(const std::vector<double>& segments, double cell) {
  const double total = std::accumulate(segments.begin(), segments.end(), 0.0);
  long long index = 0;  // cell index of the last segment's far end, from 0
  double previous_piece = 0.0;
  for (double segment : segments) {
    const SegmentSpan span = segment_span(segment, cell);
    index += span.span;
    if (span.extra_piece + previous_piece <= cell) --index;  // shares a cell with the previous
    previous_piece = span.extra_piece;
  }
  const double spanned = static_cast<double>(index + 1) * cell;
  return (spanned - total) / spanned;
}

std::vector<NodeId> hard_macros_to_pack(const netlist::Netlist& netlist,
                                        const GridSelectionOptions& options) {
  std::vector<NodeId> macros;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (wants_packing(netlist, node, options)) macros.push_back(node);
  }
  std::stable_sort(macros.begin(), macros.end(), [&](NodeId a, NodeId b) {
    return netlist.width(a) * netlist.height(a) > netlist.width(b) * netlist.height(b);
  });
  return macros;
}

MacroPacking pack_hard_macros(const netlist::Netlist& netlist, double canvas_width,
                              double canvas_height, int cols, int rows,
                              const GridSelectionOptions& options) {
  MacroPacking result;
  result.order = hard_macros_to_pack(netlist, options);
  if (!canvas_ok(canvas_width, canvas_height) || cols < 1 || rows < 1) {
    result.cells.assign(result.order.size(), -1);
    return result;
  }
  const std::vector<Box> obstacles = obstacles_of(netlist, options);
  std::vector<Box> placed;
  result.packed = pack(netlist, result.order, obstacles, canvas_width, canvas_height, cols, rows,
                       options, &result.cells, &placed);
  if (result.packed) {
    result.empty_ratio = empty_ratio(placed, obstacles, canvas_width, canvas_height, cols, rows);
  }
  return result;
}

std::vector<GridCandidate> evaluate_grids(const netlist::Netlist& netlist, double canvas_width,
                                          double canvas_height, const GridSelectionOptions& options,
                                          int* candidates) {
  std::vector<GridCandidate> result;
  if (candidates != nullptr) *candidates = 0;
  const std::vector<NodeId> order = hard_macros_to_pack(netlist, options);
  if (order.empty() || !canvas_ok(canvas_width, canvas_height)) return result;
  const std::vector<Box> obstacles = obstacles_of(netlist, options);

  // The waste ratios take the macros in netlist order, as CT's get_macro_widths_heights() does.
  std::vector<double> widths, heights;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (!wants_packing(netlist, node, options)) continue;
    widths.push_back(netlist.placed_width(node) + options.add_size);
    heights.push_back(netlist.placed_height(node) + options.add_size);
  }
  const bool has_width = std::accumulate(widths.begin(), widths.end(), 0.0) > 0;
  const bool has_height = std::accumulate(heights.begin(), heights.end(), 0.0) > 0;
  std::unordered_map<int, double> horizontal_waste, vertical_waste;

  std::vector<int> cells;
  std::vector<Box> placed;
  for (int rows = options.min_rows; rows < options.max_rows; ++rows) {
    for (int cols = options.min_cols; cols < options.max_cols; ++cols) {
      const double cell_width = canvas_width / cols, cell_height = canvas_height / rows;
      const long long num_cells = static_cast<long long>(cols) * rows;
      if (num_cells < options.min_cells || num_cells > options.max_cells) continue;
      const double aspect =
          cell_width > cell_height ? cell_width / cell_height : cell_height / cell_width;
      if (aspect > options.max_aspect_ratio) continue;
      if (candidates != nullptr) ++*candidates;
      if (!pack(netlist, order, obstacles, canvas_width, canvas_height, cols, rows, options, &cells,
                &placed)) {
        continue;
      }
      GridCandidate candidate;
      candidate.cols = cols;
      candidate.rows = rows;
      candidate.empty_ratio =
          empty_ratio(placed, obstacles, canvas_width, canvas_height, cols, rows);
      auto h = horizontal_waste.find(cols);
      if (h == horizontal_waste.end()) {
        h = horizontal_waste.emplace(cols, has_width ? waste_ratio(widths, cell_width) : 0.0).first;
      }
      auto v = vertical_waste.find(rows);
      if (v == vertical_waste.end()) {
        v = vertical_waste.emplace(rows, has_height ? waste_ratio(heights, cell_height) : 0.0)
                .first;
      }
      candidate.horizontal_waste = h->second;
      candidate.vertical_waste = v->second;
      candidate.key_metric = candidate.empty_ratio + (1.0 - candidate.horizontal_waste) +
                             (1.0 - candidate.vertical_waste);
      result.push_back(candidate);
    }
  }
  return result;
}

GridChoice choose_grid(const std::vector<GridCandidate>& candidates, double tolerance) {
  GridChoice choice;
  choice.feasible = static_cast<int>(candidates.size());
  if (candidates.empty()) return choice;
  std::vector<std::size_t> ranked(candidates.size());
  std::iota(ranked.begin(), ranked.end(), std::size_t{0});
  std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) {
    return candidates[a].key_metric > candidates[b].key_metric;
  });
  const double threshold = candidates[ranked[0]].key_metric * (1.0 - tolerance);
  const GridCandidate* best = nullptr;
  double best_ratio = 0;
  for (std::size_t index : ranked) {
    const GridCandidate& candidate = candidates[index];
    if (candidate.key_metric < threshold) break;  // ranked: the rest are below too
    const double ratio = candidate.key_metric / candidate.cells();
    if (best == nullptr || ratio > best_ratio) {
      best = &candidate;
      best_ratio = ratio;
    }
  }
  choice.found = true;
  choice.cols = best->cols;
  choice.rows = best->rows;
  choice.waste = 3.0 - best->key_metric;
  choice.metrics = *best;
  return choice;
}

GridChoice select_grid(const netlist::Netlist& netlist, double canvas_width, double canvas_height,
                       const GridSelectionOptions& options) {
  if (!options.validate().ok()) return GridChoice();
  int candidates = 0;
  GridChoice choice =
      choose_grid(evaluate_grids(netlist, canvas_width, canvas_height, options, &candidates),
                  options.tolerance);
  choice.candidates = candidates;
  return choice;
}

Status choose_canvas_and_grid(const netlist::Netlist& netlist,
                              const netlist::PlacementSettings& settings, double utilization,
                              CanvasAndGrid* out) {
  CanvasAndGrid result;
  if (settings.width && settings.height) {
    result.width = *settings.width;
    result.height = *settings.height;
    result.canvas_source = "settings";
  } else {
    const netlist::Rect rect = netlist::default_canvas(netlist, utilization);
    result.width = rect.width();
    result.height = rect.height();
    result.canvas_source = netlist.canvas ? "FP bbox" : "area / utilization";
  }
  if (settings.columns && settings.rows) {
    result.columns = *settings.columns;
    result.rows = *settings.rows;
    result.grid_source = "settings";
  } else if (netlist.counts().hard_macros == 0) {
    result.columns = result.rows = 10;  // Circuit Training's default grid
    result.grid_source = "default (no hard macros)";
  } else {
    const GridChoice choice = select_grid(netlist, result.width, result.height);
    if (!choice.found) {
      char text[160];
      std::snprintf(text, sizeof text, "%.6g x %.6g um canvas", result.width, result.height);
      return Status::error("grid-size selection found no grid where the hard macros fit the " +
                           std::string(text) + "; give a grid (or a larger canvas)");
    }
    result.columns = choice.cols;
    result.rows = choice.rows;
    result.grid_source = "grid-size selection";
  }
  *out = result;
  return {};
}

}  // namespace macroplace::placement
