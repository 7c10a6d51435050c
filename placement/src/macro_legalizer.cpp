#include "macroplace/placement/macro_legalizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <queue>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "macro_space.h"
#include "macroplace/placement/grid_selection.h"
#include "macroplace/placement/placement_file.h"

namespace macroplace::placement {

namespace {

using netlist::NodeKind;

// Slack for rounding in the snapped coordinates (um); far below the overlap threshold.
constexpr double kTolerance = 1e-9;

struct Box {
  double x0, y0, x1, y1;
};

Box box_at(double x, double y, double width, double height) {
  return {x - width / 2, y - height / 2, x + width / 2, y + height / 2};
}

// Hard macros already in place, bucketed on a uniform grid over the canvas. Each box is filed in
// every bin its spacing-inflated footprint meets (boxes off the canvas land in the border bins),
// so a query only visits the bins its own footprint meets.
class ObstacleIndex {
 public:
  ObstacleIndex(double width, double height, std::size_t expected, double spacing)
      : spacing_(spacing) {
    const int side = std::clamp(static_cast<int>(std::ceil(std::sqrt(double(expected)))), 1, 128);
    columns_ = rows_ = side;
    bin_width_ = std::max(width, 1e-9) / side;
    bin_height_ = std::max(height, 1e-9) / side;
    bins_.resize(static_cast<std::size_t>(columns_) * rows_);
  }

  void add(const Box& box) {
    const int index = static_cast<int>(boxes_.size());
    boxes_.push_back(box);
    const Box grown{box.x0 - spacing_, box.y0 - spacing_, box.x1 + spacing_, box.y1 + spacing_};
    for (int r = row(grown.y0); r <= row(grown.y1); ++r) {
      for (int c = column(grown.x0); c <= column(grown.x1); ++c) {
        bins_[r * columns_ + c].push_back(index);
      }
    }
  }

  // True when `box` keeps at least `spacing` from every filed box, in x or in y.
  bool clear(const Box& box) const {
    for (int r = row(box.y0); r <= row(box.y1); ++r) {
      for (int c = column(box.x0); c <= column(box.x1); ++c) {
        for (int index : bins_[r * columns_ + c]) {
          const Box& other = boxes_[index];
          const double gap_x = std::max(other.x0 - box.x1, box.x0 - other.x1);
          const double gap_y = std::max(other.y0 - box.y1, box.y0 - other.y1);
          if (gap_x < spacing_ - kTolerance && gap_y < spacing_ - kTolerance) return false;
        }
      }
    }
    return true;
  }

  const std::vector<Box>& boxes() const { return boxes_; }

 private:
  int column(double x) const {
    return static_cast<int>(std::clamp(std::floor(x / bin_width_), 0.0, columns_ - 1.0));
  }
  int row(double y) const {
    return static_cast<int>(std::clamp(std::floor(y / bin_height_), 0.0, rows_ - 1.0));
  }

  double spacing_;
  int columns_ = 1, rows_ = 1;
  double bin_width_ = 1, bin_height_ = 1;
  std::vector<std::vector<int>> bins_;
  std::vector<Box> boxes_;
};

// Finds the legal centre nearest to a point for a width x height footprint.
//
// Why the lattice is exact: the free centres are the canvas range minus open rectangles (each
// obstacle grown by spacing + half the footprint, each blockage grown by half the footprint).
// If the point is not free, the nearest free centre lies on an edge line of one of them (or of
// the canvas range), and along that line either level with the point or at an end of a free
// interval, itself on an edge of another rectangle. Both rectangles reach that centre, so within
// a search radius R only those meeting the square of half-side R around the point contribute.
// The lattice of their edge coordinates is visited in order of distance (a spiral), R doubling
// until it covers the canvas.
class NearestFreeCentre {
 public:
  NearestFreeCentre(const ObstacleIndex& index, const std::vector<Box>& blockages, double width,
                    double height, double spacing)
      : index_(index),
        blockages_(blockages),
        canvas_width_(width),
        canvas_height_(height),
        spacing_(spacing) {}

  bool find(double width, double height, double cx, double cy, double* out_x, double* out_y) {
    const double x_low = width / 2, x_high = canvas_width_ - width / 2;
    const double y_low = height / 2, y_high = canvas_height_ - height / 2;
    if (x_low > x_high + kTolerance || y_low > y_high + kTolerance) return false;
    const double reach = std::hypot(std::max(std::abs(cx), std::abs(cx - canvas_width_)),
                                    std::max(std::abs(cy), std::abs(cy - canvas_height_)));
    double radius =
        std::max(0.5 * std::max(width, height) + spacing_, 1e-3 * (canvas_width_ + canvas_height_));
    for (;;) {
      const bool last = radius >= reach;
      collect(width, height, cx, cy, radius);
      keep_in_range(&xs_, &dx2_, x_low, x_high, cx);
      keep_in_range(&ys_, &dy2_, y_low, y_high, cy);
      if (spiral(width, height, radius, out_x, out_y)) return true;
      if (last) return false;
      radius = std::min(2 * radius, reach);
    }
  }

 private:
  void collect(double width, double height, double cx, double cy, double radius) {
    xs_.assign({cx, width / 2, canvas_width_ - width / 2});
    ys_.assign({cy, height / 2, canvas_height_ - height / 2});
    const auto add_grown = [&](const Box& box, double grow_x, double grow_y) {
      const Box grown{box.x0 - grow_x, box.y0 - grow_y, box.x1 + grow_x, box.y1 + grow_y};
      if (grown.x0 > cx + radius || grown.x1 < cx - radius || grown.y0 > cy + radius ||
          grown.y1 < cy - radius) {
        return;
      }
      xs_.insert(xs_.end(), {grown.x0, grown.x1});
      ys_.insert(ys_.end(), {grown.y0, grown.y1});
    };
    for (const Box& box : index_.boxes()) {
      add_grown(box, spacing_ + width / 2, spacing_ + height / 2);
    }
    for (const Box& box : blockages_) add_grown(box, width / 2, height / 2);
  }

  // Drops coordinates outside [low, high] (clamping those within the tolerance), removes
  // duplicates, orders the rest by distance to `centre` and fills their squared distances.
  static void keep_in_range(std::vector<double>* values, std::vector<double>* squared, double low,
                            double high, double centre) {
    high = std::max(low, high);
    std::size_t kept = 0;
    for (double value : *values) {
      if (value < low - kTolerance || value > high + kTolerance) continue;
      (*values)[kept++] = std::clamp(value, low, high);
    }
    values->resize(kept);
    std::sort(values->begin(), values->end());
    values->erase(std::unique(values->begin(), values->end()), values->end());
    std::stable_sort(values->begin(), values->end(), [centre](double a, double b) {
      return std::abs(a - centre) < std::abs(b - centre);
    });
    squared->resize(values->size());
    for (std::size_t i = 0; i < values->size(); ++i) {
      (*squared)[i] = ((*values)[i] - centre) * ((*values)[i] - centre);
    }
  }

  // Visits the lattice xs_ x ys_ nearest first (ties by lattice index, so the result is
  // deterministic) up to `radius`; stops at the first free centre.
  bool spiral(double width, double height, double radius, double* out_x, double* out_y) {
    if (xs_.empty() || ys_.empty()) return false;
    using Entry = std::tuple<double, std::size_t, std::size_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> frontier;
    frontier.emplace(dx2_[0] + dy2_[0], 0, 0);
    const double limit = radius * radius;
    while (!frontier.empty()) {
      const auto [distance, i, j] = frontier.top();
      frontier.pop();
      if (distance > limit) return false;
      if (is_free(box_at(xs_[i], ys_[j], width, height))) {
        *out_x = xs_[i];
        *out_y = ys_[j];
        return true;
      }
      // Every pair is reached once: (i, j + 1) from (i, j), and (i + 1, 0) from (i, 0).
      if (j + 1 < ys_.size()) frontier.emplace(dx2_[i] + dy2_[j + 1], i, j + 1);
      if (j == 0 && i + 1 < xs_.size()) frontier.emplace(dx2_[i + 1] + dy2_[0], i + 1, 0);
    }
    return false;
  }

  bool is_free(const Box& box) const {
    for (const Box& blockage : blockages_) {
      if (std::min(box.x1, blockage.x1) - std::max(box.x0, blockage.x0) > kTolerance &&
          std::min(box.y1, blockage.y1) - std::max(box.y0, blockage.y0) > kTolerance) {
        return false;
      }
    }
    return index_.clear(box);
  }

  const ObstacleIndex& index_;
  const std::vector<Box>& blockages_;
  double canvas_width_, canvas_height_, spacing_;
  std::vector<double> xs_, ys_, dx2_, dy2_;
};

}  // namespace

Status LegalizerOptions::validate() const {
  if (!std::isfinite(spacing) || spacing < 0) {
    return Status::error("legalizer spacing must be finite and non-negative (got " +
                         std::to_string(spacing) + ")");
  }
  return Status();
}

namespace {

// Grid selection's packing (largest first, each into the first cell where it fits) of every
// movable hard macro: on the design's grid, else on the grid select_grid() finds. Moves them
// and fills `result` (displacements from where they are: the legalizer has not moved them yet)
// when every one packs; false (nothing moved) otherwise.
bool pack_onto_grid(ProxyCost* cost, double spacing, const LegalizerOptions& options,
                    LegalizerResult* result) {
  netlist::Netlist design = placed_netlist(*cost);
  const CostSettings& settings = cost->settings();
  design.blockages =
      options.avoid_blockages ? settings.blockages : std::vector<netlist::Blockage>{};
  GridSelectionOptions packing;
  packing.macro_spacing = spacing;
  MacroPacking packed = pack_hard_macros(design, settings.canvas_width, settings.canvas_height,
                                         settings.columns, settings.rows, packing);
  int cols = settings.columns, rows = settings.rows;
  if (!packed.packed) {
    const GridChoice choice =
        select_grid(design, settings.canvas_width, settings.canvas_height, packing);
    if (!choice.found) return false;
    cols = choice.cols;
    rows = choice.rows;
    packed = pack_hard_macros(design, settings.canvas_width, settings.canvas_height, cols, rows,
                              packing);
    if (!packed.packed) return false;
  }
  const double cell_width = settings.canvas_width / cols,
               cell_height = settings.canvas_height / rows;
  std::vector<double> xs, ys;
  result->moved = 0;
  result->total_displacement = result->max_displacement = 0;
  for (std::size_t i = 0; i < packed.order.size(); ++i) {
    const NodeId node = packed.order[i];
    const int col = packed.cells[i] % cols, row = packed.cells[i] / cols;  // cell = row*cols+col
    const double x = (col + 0.5) * cell_width;
    const double y = (row + 0.5) * cell_height;
    xs.push_back(x);
    ys.push_back(y);
    const double displacement = std::hypot(x - design.x(node), y - design.y(node));
    result->moved += displacement > 0 ? 1 : 0;
    result->total_displacement += displacement;
    result->max_displacement = std::max(result->max_displacement, displacement);
  }
  cost->set_positions(packed.order, xs, ys);
  result->packed_onto_grid = true;
  return true;
}

}  // namespace

LegalizerResult legalize_macros(ProxyCost* cost, const LegalizerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (const Status status = options.validate(); !status.ok()) {
    throw std::invalid_argument(status.message());
  }
  const netlist::Netlist& design = cost->netlist();
  const CostSettings& settings = cost->settings();
  // The design's macro spacing (a floorplan's halos) is a floor under the legalizer's own.
  const double spacing = std::max(options.spacing, settings.macro_spacing);
  const auto footprint = [&](NodeId node) {
    const bool turned = netlist::swaps_width_and_height(cost->orientation(node));
    const double width = turned ? design.height(node) : design.width(node);
    const double height = turned ? design.width(node) : design.height(node);
    return box_at(cost->x(node), cost->y(node), width, height);
  };

  LegalizerResult result;
  std::vector<NodeId> fixed, movable;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != NodeKind::kHardMacro || !cost->placed(node)) continue;
    (cost->fixed(node) ? fixed : movable).push_back(node);
    // A movable macro in an orientation its cell does not allow (a .plc made before a
    // floorplan's LEF restricted it) turns into the nearest allowed one before it is placed.
    const Orientation allowed =
        internal::nearest_allowed(cost->orientation(node), design.allowed_orientations(node));
    if (!cost->fixed(node) && allowed != cost->orientation(node)) {
      cost->set_orientation(node, allowed);
      ++result.reoriented;
    }
  }
  const auto area = [&](NodeId node) { return design.width(node) * design.height(node); };
  std::stable_sort(movable.begin(), movable.end(),
                   [&](NodeId a, NodeId b) { return area(a) > area(b); });

  ObstacleIndex index(settings.canvas_width, settings.canvas_height, fixed.size() + movable.size(),
                      spacing);
  for (NodeId node : fixed) index.add(footprint(node));
  std::vector<Box> blockages;
  if (options.avoid_blockages) {
    for (const netlist::Blockage& blockage : settings.blockages) {
      blockages.push_back({blockage.rect.x0, blockage.rect.y0, blockage.rect.x1, blockage.rect.y1});
    }
  }
  NearestFreeCentre search(index, blockages, settings.canvas_width, settings.canvas_height,
                           spacing);

  std::vector<NodeId> moved_nodes;
  std::vector<double> moved_x, moved_y;
  for (NodeId node : movable) {
    const Box box = footprint(node);
    const double x = cost->x(node), y = cost->y(node);
    double new_x = x, new_y = y;
    if (!search.find(box.x1 - box.x0, box.y1 - box.y0, x, y, &new_x, &new_y)) {
      result.unplaced.push_back(node);
      continue;
    }
    index.add(box_at(new_x, new_y, box.x1 - box.x0, box.y1 - box.y0));
    if (new_x == x && new_y == y) continue;
    const double displacement = std::hypot(new_x - x, new_y - y);
    ++result.moved;
    result.total_displacement += displacement;
    result.max_displacement = std::max(result.max_displacement, displacement);
    moved_nodes.push_back(node);
    moved_x.push_back(new_x);
    moved_y.push_back(new_y);
  }
  // Nearest spots, largest macro first, can cut the free space into pieces none of the last
  // macros fits, where a packing exists (generated designs are drawn so that grid selection's
  // packing fits them). Then every movable macro is packed onto a grid instead: legal, if far
  // from where they were; the placers that follow move them on. The nearest spots are applied
  // only otherwise.
  if (!result.unplaced.empty() && pack_onto_grid(cost, spacing, options, &result)) {
    result.unplaced.clear();
  } else if (!moved_nodes.empty()) {
    cost->set_positions(moved_nodes, moved_x, moved_y);
  }
  std::sort(result.unplaced.begin(), result.unplaced.end());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace macroplace::placement
