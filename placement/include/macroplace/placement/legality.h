// Legality of a placement as the cost report states it: hard macros overlapping each other and
// nodes not fully inside the canvas.
//
// Contract: two hard macros overlap when their footprints (orientation applied) intersect with an
// area above the settings' overlap threshold (um^2). A node is outside the canvas when its centre
// lies outside [0, W] x [0, H] (the count Circuit Training's tools report); a macro or std cell
// whose centre is inside but whose footprint is not (1e-6 um tolerance) crosses the canvas edge.
// With a macro spacing in the settings (a floorplan's halos), two hard macros nearer than it in
// both x and y are too close. A placement is legal when no hard macros overlap or are too close
// and none is outside or crossing the edge.
// Unplaced nodes are ignored.
//
//   LegalityReport report = check_legality(cost);
//   if (!report.legal()) std::cout << report.overlapping_macro_pairs.size() << " overlaps\n";
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct LegalityReport {
  std::vector<std::pair<NodeId, NodeId>> overlapping_macro_pairs;  // hard macros, a < b
  // Not overlapping, but nearer than the settings' macro_spacing in both x and y (a < b).
  std::vector<std::pair<NodeId, NodeId>> too_close_macro_pairs;
  std::vector<NodeId> outside_canvas;        // centre outside, any kind but pins
  std::vector<NodeId> crossing_canvas_edge;  // centre inside, footprint partly outside
  bool hard_macro_off_canvas = false;        // a hard macro is in either list
  // Hard macros in an orientation their cell does not allow (Netlist::allowed_orientations).
  std::vector<NodeId> disallowed_orientations;
  bool legal() const {
    return overlapping_macro_pairs.empty() && too_close_macro_pairs.empty() &&
           !hard_macro_off_canvas && disallowed_orientations.empty();
  }
};

LegalityReport check_legality(const ProxyCost& placement);

// Why a placement is not legal, in one line that names the first offenders: "2 overlapping
// hard-macro pairs (first: a and b), 1 hard macro off the canvas (first: c)". Empty when legal.
std::string describe_illegality(const LegalityReport& report, const netlist::Netlist& netlist);

}  // namespace macroplace::placement
