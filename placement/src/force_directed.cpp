#include "macroplace/placement/force_directed.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace macroplace::placement {

namespace {

using netlist::NodeKind;

bool finite_non_negative(double value) {
  return std::isfinite(value) && value >= 0;
}

// Where a net terminal sits for the springs: on a movable soft macro (slot >= 0; soft-macro pins
// sit at the cluster centre, PROXY_COST.md) or at a fixed point.
struct Endpoint {
  bool valid = false;
  std::int32_t slot = -1;
  double x = 0, y = 0;
  bool port = false;
};

// The attraction of every soft macro, built once: force_s = a x (anchor_s - stiffness_s x p_s +
// sum_j k_sj p_j). Summing the springs per macro (a gather, not a scatter over nets) is what makes
// a step cheap; springs between the same two soft macros are merged.
struct Springs {
  std::vector<double> anchor_x, anchor_y;  // sum of k x fixed-end position
  std::vector<double> stiffness;           // sum of k over every spring of the macro
  std::vector<std::int32_t> begin;         // CSR over soft macros
  std::vector<std::int32_t> neighbour;     // the other soft macro of a spring
  std::vector<double> constant;            // its k
};

// Every placed macro that repulsion sees. The first `movable` entries are the soft macros the
// placer moves (entry s = slot s); the rest are obstacles that stay put.
struct Rects {
  std::vector<double> x, y, half_width, half_height;
  std::vector<NodeId> node;
  std::int32_t movable = 0;
};

struct Placer {
  ProxyCost& cost;
  const netlist::Netlist& design;
  const ForceDirectedOptions& options;
  double width = 0, height = 0, max_move = 0;

  std::vector<NodeId> soft;           // slot -> node
  std::vector<std::int32_t> slot_of;  // node -> slot or -1
  Springs springs;
  Rects rects;

  // Per-step scratch.
  std::vector<double> force_x, force_y, left, right, bottom, top;
  std::vector<std::int32_t> column0, column1, row0, row1;  // bins each footprint covers
  double bin_side = 1;
  std::int32_t bin_columns = 1, bin_rows = 1;
  std::vector<std::int32_t> bin_begin, bin_next, bin_items;          // CSR: bin -> rects
  std::vector<double> item_left, item_right, item_bottom, item_top;  // per bin item
  std::vector<std::int32_t> item_row, item_column, item_static;      // first bin; 1: not moving
  std::vector<std::int32_t> candidates;

  Placer(ProxyCost& evaluator, const ForceDirectedOptions& opts)
      : cost(evaluator), design(evaluator.netlist()), options(opts) {}

  void half_size(NodeId node, double* half_width, double* half_height) const {
    const bool swap = netlist::swaps_width_and_height(cost.orientation(node));
    const double w = design.width(node), h = design.height(node);
    *half_width = 0.5 * (swap ? h : w);
    *half_height = 0.5 * (swap ? w : h);
  }

  Endpoint resolve(NodeId terminal) const {
    Endpoint end;
    const NodeKind kind = design.kind(terminal);
    const bool pin = netlist::is_pin(kind);
    const NodeId owner = pin ? design.pin_owner(terminal) : terminal;
    if (owner < 0 || !cost.placed(owner)) return end;
    end.valid = true;
    end.port = kind == NodeKind::kPort;
    end.slot = slot_of[owner];
    if (end.slot >= 0) return end;
    end.x = cost.x(owner);
    end.y = cost.y(owner);
    if (pin && design.kind(owner) == NodeKind::kHardMacro) {
      double dx = 0, dy = 0;
      netlist::rotate_offset(cost.orientation(owner), design.pin_offset_x(terminal),
                             design.pin_offset_y(terminal), &dx, &dy);
      end.x += dx;
      end.y += dy;
    }
    return end;
  }

  void build() {
    width = cost.settings().canvas_width;
    height = cost.settings().canvas_height;
    max_move = options.max_move_fraction * std::max(width, height);
    const std::int32_t nodes = design.num_nodes();
    slot_of.assign(static_cast<std::size_t>(nodes), -1);
    for (NodeId node = 0; node < nodes; ++node) {
      if (design.kind(node) == NodeKind::kSoftMacro && cost.placed(node) && !cost.fixed(node)) {
        slot_of[node] = static_cast<std::int32_t>(soft.size());
        soft.push_back(node);
      }
    }
    const auto count = static_cast<std::int32_t>(soft.size());
    build_springs(count);

    for (NodeId node : soft) add_rect(node);
    for (NodeId node = 0; node < nodes; ++node) {
      if (netlist::is_macro(design.kind(node)) && cost.placed(node) && slot_of[node] < 0) {
        add_rect(node);
      }
    }
    rects.movable = count;
    const std::size_t total = rects.node.size();
    for (std::int32_t s = 0; s < count; ++s) {
      double x = options.start_at_centre ? 0.5 * width : cost.x(soft[s]);
      double y = options.start_at_centre ? 0.5 * height : cost.y(soft[s]);
      rects.x[s] = clamp(x, rects.half_width[s], width);
      rects.y[s] = clamp(y, rects.half_height[s], height);
    }
    force_x.resize(static_cast<std::size_t>(count));
    force_y.resize(static_cast<std::size_t>(count));
    for (auto* v : {&left, &right, &bottom, &top}) v->resize(total);
    for (auto* v : {&column0, &column1, &row0, &row1}) v->resize(total);
    build_bins();
  }

  void add_rect(NodeId node) {
    double half_width = 0, half_height = 0;
    half_size(node, &half_width, &half_height);
    rects.x.push_back(cost.x(node));
    rects.y.push_back(cost.y(node));
    rects.half_width.push_back(half_width);
    rects.half_height.push_back(half_height);
    rects.node.push_back(node);
  }

  void build_springs(std::int32_t count) {
    springs.anchor_x.assign(static_cast<std::size_t>(count), 0.0);
    springs.anchor_y.assign(static_cast<std::size_t>(count), 0.0);
    springs.stiffness.assign(static_cast<std::size_t>(count), 0.0);
    // (lower slot << 32 | higher slot, k): one integer key sorts much faster than a tuple.
    std::vector<std::pair<std::uint64_t, double>> soft_pairs;
    std::vector<Endpoint> ends;
    for (netlist::NetId net = 0; net < design.num_nets(); ++net) {
      // The evaluator's net weight: a port driver counts 1 (PROXY_COST.md).
      const double weight =
          design.kind(design.net_driver(net)) == NodeKind::kPort ? 1.0 : design.net_weight(net);
      ends.clear();
      for (const NodeId* t = design.net_terminals_begin(net); t != design.net_terminals_end(net);
           ++t) {
        Endpoint end = resolve(*t);
        if (end.valid) ends.push_back(end);
      }
      if (ends.size() < 2) continue;
      // Star model from the driver (the first placed terminal).
      const Endpoint& source = ends[0];
      for (std::size_t i = 1; i < ends.size(); ++i) {
        const Endpoint& sink = ends[i];
        const double k = weight * (source.port || sink.port ? options.io_factor : 1.0);
        if (k == 0) continue;
        if (source.slot >= 0 && sink.slot >= 0) {
          if (source.slot != sink.slot) {
            const auto low = static_cast<std::uint64_t>(std::min(source.slot, sink.slot));
            const auto high = static_cast<std::uint64_t>(std::max(source.slot, sink.slot));
            soft_pairs.emplace_back(low << 32 | high, k);
          }
        } else if (source.slot >= 0 || sink.slot >= 0) {
          const Endpoint& moving = source.slot >= 0 ? source : sink;
          const Endpoint& anchor = source.slot >= 0 ? sink : source;
          springs.anchor_x[moving.slot] += k * anchor.x;
          springs.anchor_y[moving.slot] += k * anchor.y;
          springs.stiffness[moving.slot] += k;
        }
      }
    }
    // Merge parallel springs (sorted, so the sums are deterministic), then store them both ways.
    std::sort(soft_pairs.begin(), soft_pairs.end());
    std::vector<std::tuple<std::int32_t, std::int32_t, double>> merged;
    for (const auto& [key, k] : soft_pairs) {
      const auto a = static_cast<std::int32_t>(key >> 32);
      const auto b = static_cast<std::int32_t>(key & 0xffffffffu);
      if (!merged.empty() && std::get<0>(merged.back()) == a && std::get<1>(merged.back()) == b) {
        std::get<2>(merged.back()) += k;
      } else {
        merged.emplace_back(a, b, k);
      }
    }
    springs.begin.assign(static_cast<std::size_t>(count) + 1, 0);
    for (const auto& [a, b, k] : merged) {
      ++springs.begin[a + 1];
      ++springs.begin[b + 1];
    }
    for (std::int32_t s = 0; s < count; ++s) springs.begin[s + 1] += springs.begin[s];
    springs.neighbour.resize(2 * merged.size());
    springs.constant.resize(2 * merged.size());
    std::vector<std::int32_t> next(springs.begin.begin(), springs.begin.end() - 1);
    for (const auto& [a, b, k] : merged) {
      springs.neighbour[next[a]] = b;
      springs.constant[next[a]++] = k;
      springs.neighbour[next[b]] = a;
      springs.constant[next[b]++] = k;
      springs.stiffness[a] += k;
      springs.stiffness[b] += k;
    }
  }

  // The centre coordinate closest to `value` that keeps a footprint of half size `half` inside
  // [0, extent] (the middle when the footprint is larger than the canvas).
  static double clamp(double value, double half, double extent) {
    if (2 * half >= extent) return 0.5 * extent;
    return std::min(std::max(value, half), extent - half);
  }

  void add_attraction(double factor) {
    const std::int32_t count = rects.movable;
    const double* x = rects.x.data();
    const double* y = rects.y.data();
    for (std::int32_t s = 0; s < count; ++s) {
      double sum_x = springs.anchor_x[s] - springs.stiffness[s] * x[s];
      double sum_y = springs.anchor_y[s] - springs.stiffness[s] * y[s];
      for (std::int32_t e = springs.begin[s]; e < springs.begin[s + 1]; ++e) {
        const std::int32_t other = springs.neighbour[e];
        sum_x += springs.constant[e] * x[other];
        sum_y += springs.constant[e] * y[other];
      }
      force_x[s] += factor * sum_x;
      force_y[s] += factor * sum_y;
    }
  }

  // Bins for finding overlapping pairs: about two average soft macros wide, so that a macro
  // covers few bins and a bin holds few macros.
  void build_bins() {
    double side = 0;
    for (std::int32_t s = 0; s < rects.movable; ++s) {
      side += rects.half_width[s] + rects.half_height[s];
    }
    side = rects.movable > 0 ? 2 * side / rects.movable : 0;
    side = std::max(side, std::max(width, height) / 256);
    bin_side = side;
    bin_columns = std::clamp(static_cast<std::int32_t>(std::ceil(width / side)), 1, 256);
    bin_rows = std::clamp(static_cast<std::int32_t>(std::ceil(height / side)), 1, 256);
    bin_begin.assign(static_cast<std::size_t>(bin_columns) * bin_rows + 1, 0);
  }

  std::int32_t bin_column(double x) const {
    return std::clamp(static_cast<std::int32_t>(std::floor(x / bin_side)), 0, bin_columns - 1);
  }
  std::int32_t bin_row(double y) const {
    return std::clamp(static_cast<std::int32_t>(std::floor(y / bin_side)), 0, bin_rows - 1);
  }

  // A push of `magnitude` between every two overlapping macros, along the line from the other's
  // centre to this one's; the lower node index is pushed towards (-1, -1) when the centres
  // coincide (TILOS' reading of CT). Every macro goes into the bins its footprint covers; a pair
  // is handled in the bin holding the lower-left corner of its intersection, so exactly once.
  void add_repulsion(double magnitude) {
    const auto total = static_cast<std::int32_t>(rects.node.size());
    const std::int32_t movable = rects.movable;
    std::fill(bin_begin.begin(), bin_begin.end(), 0);
    for (std::int32_t i = 0; i < total; ++i) {
      left[i] = rects.x[i] - rects.half_width[i];
      right[i] = rects.x[i] + rects.half_width[i];
      bottom[i] = rects.y[i] - rects.half_height[i];
      top[i] = rects.y[i] + rects.half_height[i];
      column0[i] = bin_column(left[i]);
      column1[i] = bin_column(right[i]);
      row0[i] = bin_row(bottom[i]);
      row1[i] = bin_row(top[i]);
      for (std::int32_t r = row0[i]; r <= row1[i]; ++r) {
        for (std::int32_t c = column0[i]; c <= column1[i]; ++c)
          ++bin_begin[r * bin_columns + c + 1];
      }
    }
    for (std::size_t b = 1; b < bin_begin.size(); ++b) bin_begin[b] += bin_begin[b - 1];
    bin_items.resize(static_cast<std::size_t>(bin_begin.back()));
    bin_next.assign(bin_begin.begin(), bin_begin.end() - 1);
    for (std::int32_t i = 0; i < total; ++i) {
      for (std::int32_t r = row0[i]; r <= row1[i]; ++r) {
        for (std::int32_t c = column0[i]; c <= column1[i]; ++c) {
          bin_items[bin_next[r * bin_columns + c]++] = i;
        }
      }
    }
    // The footprints again in bin order, contiguous, so that the candidate scan below streams
    // through memory and tests each pair without a hard-to-predict branch. A pair overlapping in
    // several bins counts only in the bin of its intersection's lower-left corner, the bin
    // (max of the two first rows, max of the two first columns).
    const std::size_t items = bin_items.size();
    for (auto* v : {&item_left, &item_right, &item_bottom, &item_top}) v->resize(items);
    for (auto* v : {&item_row, &item_column, &item_static}) v->resize(items);
    for (std::size_t k = 0; k < items; ++k) {
      const std::int32_t i = bin_items[k];
      item_left[k] = left[i];
      item_right[k] = right[i];
      item_bottom[k] = bottom[i];
      item_top[k] = top[i];
      item_row[k] = row0[i];
      item_column[k] = column0[i];
      item_static[k] = i >= movable ? 1 : 0;
    }
    candidates.resize(items);
    for (std::int32_t row = 0; row < bin_rows; ++row) {
      for (std::int32_t column = 0; column < bin_columns; ++column) {
        const std::int32_t bin = row * bin_columns + column;
        const std::int32_t end = bin_begin[bin + 1];
        for (std::int32_t a = bin_begin[bin]; a < end; ++a) {
          const double l = item_left[a], r = item_right[a], b = item_bottom[a], t = item_top[a];
          const std::int32_t first_row = item_row[a], first_column = item_column[a];
          const std::int32_t fixed = item_static[a];
          std::size_t found = 0;
          for (std::int32_t k = a + 1; k < end; ++k) {
            const bool hit = (item_left[k] < r) & (l < item_right[k]) & (item_bottom[k] < t) &
                             (b < item_top[k]) & ((fixed & item_static[k]) == 0) &
                             (std::max(first_row, item_row[k]) == row) &
                             (std::max(first_column, item_column[k]) == column);
            candidates[found] = k;
            found += hit ? 1 : 0;
          }
          for (std::size_t c = 0; c < found; ++c) {
            push_apart(bin_items[a], bin_items[candidates[c]], magnitude);
          }
        }
      }
    }
  }

  void push_apart(std::int32_t i, std::int32_t j, double magnitude) {
    const std::int32_t movable = rects.movable;
    const bool i_first = rects.node[i] < rects.node[j];
    const std::int32_t source = i_first ? i : j;
    const std::int32_t target = i_first ? j : i;
    double dir_x = rects.x[source] - rects.x[target];
    double dir_y = rects.y[source] - rects.y[target];
    if (dir_x == 0 && dir_y == 0) {
      dir_x = -1;
      dir_y = -1;
    } else {
      const double scale = 1 / std::sqrt(dir_x * dir_x + dir_y * dir_y);
      dir_x *= scale;
      dir_y *= scale;
    }
    dir_x *= magnitude;
    dir_y *= magnitude;
    if (source < movable) {
      force_x[source] += dir_x;
      force_y[source] += dir_y;
    }
    if (target < movable) {
      force_x[target] -= dir_x;
      force_y[target] -= dir_y;
    }
  }

  // Normalises the forces by their largest x and y magnitudes and moves; false when no soft
  // macro feels any force (then no later step of the stage can move anything either).
  bool move() {
    const std::int32_t count = rects.movable;
    double max_x = 0, max_y = 0;
    for (std::int32_t s = 0; s < count; ++s) {
      max_x = std::max(max_x, std::fabs(force_x[s]));
      max_y = std::max(max_y, std::fabs(force_y[s]));
    }
    if (max_x == 0 && max_y == 0) return false;
    const bool reject = options.boundary == CanvasBoundary::kRejectMove;
    for (std::int32_t s = 0; s < count; ++s) {
      const double step_x = max_x > 0 ? force_x[s] / max_x * max_move : 0.0;
      const double step_y = max_y > 0 ? force_y[s] / max_y * max_move : 0.0;
      const double x = rects.x[s] + step_x;
      const double y = rects.y[s] + step_y;
      const double half_width = rects.half_width[s], half_height = rects.half_height[s];
      if (reject) {
        if (x - half_width >= 0 && x + half_width <= width && y - half_height >= 0 &&
            y + half_height <= height) {
          rects.x[s] = x;
          rects.y[s] = y;
        }
      } else {
        rects.x[s] = clamp(x, half_width, width);
        rects.y[s] = clamp(y, half_height, height);
      }
    }
    return true;
  }

  int run() {
    int steps = 0;
    const double ratio = options.negligible_force_ratio;
    for (std::size_t stage = 0; stage < options.attraction.size(); ++stage) {
      const double attraction = options.attraction[stage];
      const double repulsion = options.repulsion[stage];
      const bool attract = attraction > 0 && !(repulsion > 0 && attraction <= ratio * repulsion);
      const bool repel = repulsion > 0 && !(attraction > 0 && repulsion <= ratio * attraction);
      if (!attract && !repel) continue;
      for (int step = 0; step < options.steps_per_stage; ++step) {
        std::fill(force_x.begin(), force_x.end(), 0.0);
        std::fill(force_y.begin(), force_y.end(), 0.0);
        if (attract) add_attraction(attraction);
        if (repel) add_repulsion(repulsion * max_move);
        ++steps;
        if (!move()) break;
      }
    }
    return steps;
  }
};

}  // namespace

Status ForceDirectedOptions::validate() const {
  if (steps_per_stage < 1) {
    return Status::error("steps per stage must be at least 1 (got " +
                         std::to_string(steps_per_stage) + ")");
  }
  if (attraction.empty() || attraction.size() != repulsion.size()) {
    return Status::error(
        "attraction and repulsion need one entry per stage, the same number (got " +
        std::to_string(attraction.size()) + " and " + std::to_string(repulsion.size()) + ")");
  }
  for (std::size_t i = 0; i < attraction.size(); ++i) {
    if (!finite_non_negative(attraction[i]) || !finite_non_negative(repulsion[i])) {
      return Status::error(
          "attraction and repulsion factors must be finite and non-negative "
          "(stage " +
          std::to_string(i) + ")");
    }
  }
  if (!std::isfinite(max_move_fraction) || max_move_fraction <= 0) {
    return Status::error("max move fraction must be positive");
  }
  if (!finite_non_negative(io_factor)) return Status::error("io factor must be non-negative");
  if (!finite_non_negative(negligible_force_ratio)) {
    return Status::error("negligible force ratio must be non-negative");
  }
  if (boundary != CanvasBoundary::kClamp && boundary != CanvasBoundary::kRejectMove) {
    return Status::error("unknown canvas boundary mode");
  }
  return Status();
}

ForceDirectedResult place_soft_macros(ProxyCost* cost, const ForceDirectedOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ForceDirectedResult result;
  result.status = options.validate();
  if (!result.status.ok()) return result;

  Placer placer(*cost, options);
  placer.build();
  result.steps = placer.run();
  result.soft_macros = static_cast<int>(placer.soft.size());

  const std::size_t count = placer.soft.size();
  std::vector<double> x(placer.rects.x.begin(), placer.rects.x.begin() + count);
  std::vector<double> y(placer.rects.y.begin(), placer.rects.y.begin() + count);
  cost->set_positions(placer.soft, x, y);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace macroplace::placement
