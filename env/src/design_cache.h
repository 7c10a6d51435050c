// Internal: what make_env_design() precomputes for the environments of one design.
#pragma once

#include <memory>
#include <vector>

#include "action_mask.h"
#include "macroplace/env/observation.h"
#include "macroplace/netlist/netlist.h"
#include "wire_mask.h"

namespace macroplace::env::internal {

using netlist::NodeId;

struct DesignCache {
  MaskRules rules;
  std::vector<netlist::Rect> fixed_obstacles;  // fixed hard macros' footprints
  std::vector<netlist::Rect> blockages;        // empty unless avoid_blockages
  std::vector<NodeId> movable_macros;          // netlist order
  std::vector<NodeId> soft_macros;             // netlist order
  std::vector<double> soft_start_x, soft_start_y;
  // What reset() moves back, and where to: the movable hard macros to their input positions,
  // the soft macros to their start.
  std::vector<NodeId> reset_nodes;
  std::vector<double> reset_x, reset_y;
  std::unique_ptr<WireMaskModel> wire;  // when the observation asks for the wire mask
  // The observation after reset() without the per-step parts (mask, current node, spatial
  // features): metadata, edges, static node features and every node's initial position.
  Observation initial;
  float length_scale = 1;  // 1 / (W + H)
};

// A node's footprint at (x, y), orientation from the netlist (the environment keeps it).
inline netlist::Rect footprint_at(const netlist::Netlist& netlist, NodeId node, double x,
                                  double y) {
  const double w = netlist.placed_width(node), h = netlist.placed_height(node);
  return {x - w / 2, y - h / 2, x + w / 2, y + h / 2};
}

}  // namespace macroplace::env::internal
