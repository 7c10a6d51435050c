// Internal: where a hard macro may go (shared by the search-based placers).
#pragma once

#include <algorithm>
#include <vector>

#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement::internal {

using netlist::NodeKind;

struct Box {
  double x0, y0, x1, y1;
};

// Where a macro may go: inside the canvas, out of blockages, `spacing` clear of other hard
// macros. Checks are linear in the number of hard macros, which is small (hundreds).
class MacroSpace {
 public:
  // The design's macro spacing (a floorplan's halos) is a floor under the placer's own.
  MacroSpace(const ProxyCost& cost, double spacing)
      : cost_(cost), spacing_(std::max(spacing, cost.settings().macro_spacing)) {
    const netlist::Netlist& netlist = cost.netlist();
    for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
      if (netlist.kind(node) == NodeKind::kHardMacro) hard_macros_.push_back(node);
    }
  }

  const std::vector<NodeId>& hard_macros() const { return hard_macros_; }

  // The placed, movable hard macros, largest area first (stable by index): the order the
  // sequential placers visit them in.
  std::vector<NodeId> movable_by_area() const {
    const netlist::Netlist& netlist = cost_.netlist();
    std::vector<NodeId> order;
    for (const NodeId node : hard_macros_) {
      if (cost_.placed(node) && !cost_.fixed(node)) order.push_back(node);
    }
    std::stable_sort(order.begin(), order.end(), [&netlist](NodeId a, NodeId b) {
      return netlist.width(a) * netlist.height(a) > netlist.width(b) * netlist.height(b);
    });
    return order;
  }

  Box footprint(NodeId node, double x, double y, Orientation orientation) const {
    const netlist::Netlist& netlist = cost_.netlist();
    const bool turned = netlist::swaps_width_and_height(orientation);
    const double w = turned ? netlist.height(node) : netlist.width(node);
    const double h = turned ? netlist.width(node) : netlist.height(node);
    return {x - w / 2, y - h / 2, x + w / 2, y + h / 2};
  }

  bool apart(const Box& a, const Box& b) const {
    return a.x1 + spacing_ <= b.x0 || b.x1 + spacing_ <= a.x0 || a.y1 + spacing_ <= b.y0 ||
           b.y1 + spacing_ <= a.y0;
  }

  bool inside(const Box& box) const {
    const CostSettings& s = cost_.settings();
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > s.canvas_width || box.y1 > s.canvas_height) {
      return false;
    }
    for (const netlist::Blockage& blockage : s.blockages) {
      const netlist::Rect& r = blockage.rect;
      if (box.x0 < r.x1 && r.x0 < box.x1 && box.y0 < r.y1 && r.y0 < box.y1) return false;
    }
    return true;
  }

  // True when `moved` (proposed boxes for some macros) are inside and clear of every other
  // placed hard macro and of each other.
  bool legal(const std::vector<NodeId>& moved, const std::vector<Box>& boxes) const {
    for (std::size_t i = 0; i < moved.size(); ++i) {
      if (!inside(boxes[i])) return false;
      for (std::size_t j = i + 1; j < moved.size(); ++j) {
        if (!apart(boxes[i], boxes[j])) return false;
      }
    }
    for (const NodeId other : hard_macros_) {
      if (!cost_.placed(other) || std::find(moved.begin(), moved.end(), other) != moved.end()) {
        continue;
      }
      const Box box = footprint(other, cost_.x(other), cost_.y(other), cost_.orientation(other));
      for (const Box& proposed : boxes) {
        if (!apart(proposed, box)) return false;
      }
    }
    return true;
  }

 private:
  const ProxyCost& cost_;
  double spacing_;
  std::vector<NodeId> hard_macros_;
};

// The macros that keep their footprint under a mirror: N, FN, S, FS stay upright, E.. turned.
inline Orientation mirrored(Orientation o, int which) {
  static constexpr Orientation kUpright[] = {Orientation::kN, Orientation::kFN, Orientation::kS,
                                             Orientation::kFS};
  static constexpr Orientation kTurned[] = {Orientation::kE, Orientation::kFE, Orientation::kW,
                                            Orientation::kFW};
  const bool turned = netlist::swaps_width_and_height(o);
  const Orientation* family = turned ? kTurned : kUpright;
  int index = 0;
  while (family[index] != o) ++index;
  return family[(index + 1 + which % 3) % 4];
}

// The mirrors of `o` (mirrored(o, 0..2), in that order) the macro's cell allows: how many, into
// `out`. All three for an unrestricted macro, so a placer's random choice among them draws the
// same numbers as before restrictions existed.
inline int allowed_mirrors(Orientation o, netlist::OrientationSet allowed, Orientation out[3]) {
  int count = 0;
  for (int which = 0; which < 3; ++which) {
    const Orientation m = mirrored(o, which);
    if (netlist::allows(allowed, m)) out[count++] = m;
  }
  return count;
}

// An orientation the cell allows, as near `o` as can be: `o` itself, else a mirror (same
// footprint), else the first allowed (N when nothing is).
inline Orientation nearest_allowed(Orientation o, netlist::OrientationSet allowed) {
  if (netlist::allows(allowed, o)) return o;
  Orientation mirrors[3];
  if (allowed_mirrors(o, allowed, mirrors) > 0) return mirrors[0];
  for (int i = 0; i < 8; ++i) {
    if (netlist::allows(allowed, static_cast<Orientation>(i))) return static_cast<Orientation>(i);
  }
  return Orientation::kN;
}

// The soft macros (clusters) a placer may move: placed and not fixed.
inline std::vector<NodeId> movable_soft_macros(const ProxyCost& cost) {
  std::vector<NodeId> soft;
  for (NodeId node = 0; node < cost.netlist().num_nodes(); ++node) {
    if (cost.netlist().kind(node) == netlist::NodeKind::kSoftMacro && cost.placed(node) &&
        !cost.fixed(node)) {
      soft.push_back(node);
    }
  }
  return soft;
}

// The centre coordinate nearest `centre` that keeps a footprint of half size `half` within
// [0, side]; the middle when it cannot fit.
inline double clamp_centre(double centre, double half, double side) {
  if (2 * half > side) return side / 2;
  return std::clamp(centre, half, side - half);
}

// Where a soft macro may sit: its whole footprint on the canvas. The footprint is the one the
// evaluator and the legality check use, which orientation never turns for a soft macro.
inline void keep_soft_macro_inside(const ProxyCost& cost, NodeId soft, double* x, double* y) {
  const CostSettings& s = cost.settings();
  *x = clamp_centre(*x, cost.netlist().width(soft) / 2, s.canvas_width);
  *y = clamp_centre(*y, cost.netlist().height(soft) / 2, s.canvas_height);
}

// Moves every soft macro of `soft` that hangs over the canvas edge onto the canvas, by the
// shortest way.
inline void pull_soft_macros_inside(const std::vector<NodeId>& soft, ProxyCost* cost) {
  for (const NodeId node : soft) {
    double x = cost->x(node), y = cost->y(node);
    keep_soft_macro_inside(*cost, node, &x, &y);
    if (x != cost->x(node) || y != cost->y(node)) cost->move(node, x, y);
  }
}

}  // namespace macroplace::placement::internal
