#include "macroplace/pretrain/augment.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace macroplace::pretrain {

namespace {

using netlist::NodeId;
using netlist::NodeKind;

std::string mirrored_side(std::string_view side, bool mirror_x, bool mirror_y) {
  if (mirror_x && side == "LEFT") return "RIGHT";
  if (mirror_x && side == "RIGHT") return "LEFT";
  if (mirror_y && side == "TOP") return "BOTTOM";
  if (mirror_y && side == "BOTTOM") return "TOP";
  return std::string(side);
}

}  // namespace

Status AugmentOptions::validate() const {
  if (!(hard_macro_share > 0 && hard_macro_share <= 1)) {
    return Status::error("augment: the hard-macro share must be in (0, 1]");
  }
  return {};
}

Status augment_design(const netlist::Netlist& in, const netlist::PlacementSettings& header,
                      const AugmentOptions& options, netlist::Netlist* out,
                      netlist::PlacementSettings* out_header) {
  if (Status s = options.validate(); !s.ok()) return s;
  const bool mirror = options.mirror_x || options.mirror_y;
  if (mirror && (!header.width || !header.height)) {
    return Status::error("augment: mirroring needs the canvas size (a placement header)");
  }
  const double width = header.width.value_or(0), height = header.height.value_or(0);

  // Which hard macros stay: a seeded draw without replacement.
  std::vector<NodeId> hard;
  for (NodeId node = 0; node < in.num_nodes(); ++node) {
    if (in.kind(node) == NodeKind::kHardMacro) hard.push_back(node);
  }
  std::vector<char> kept(static_cast<std::size_t>(in.num_nodes()), 1);
  if (options.hard_macro_share < 1 && !hard.empty()) {
    const auto keep = static_cast<std::size_t>(std::max<double>(
        1, std::round(options.hard_macro_share * static_cast<double>(hard.size()))));
    std::mt19937_64 random(options.seed);
    std::shuffle(hard.begin(), hard.end(), random);
    for (std::size_t i = keep; i < hard.size(); ++i) kept[hard[i]] = 0;
  }
  for (NodeId node = 0; node < in.num_nodes(); ++node) {
    if (netlist::is_pin(in.kind(node)) && in.pin_owner(node) != netlist::kNoNode &&
        !kept[in.pin_owner(node)]) {
      kept[node] = 0;  // a pin of a dropped macro
    }
  }
  // New ids in the old order (a pin may come before its owner in the file).
  std::vector<NodeId> id(static_cast<std::size_t>(in.num_nodes()), netlist::kNoNode);
  NodeId next = 0;
  for (NodeId node = 0; node < in.num_nodes(); ++node) {
    if (kept[node]) id[node] = next++;
  }

  netlist::Netlist result;
  for (NodeId node = 0; node < in.num_nodes(); ++node) {
    if (!kept[node]) continue;
    const NodeKind kind = in.kind(node);
    if (netlist::is_pin(kind)) {
      double dx = in.pin_offset_x(node), dy = in.pin_offset_y(node);
      const NodeId owner = in.pin_owner(node);
      // The owner's orientation turns the N-frame offset: under a quarter turn the N-frame y
      // offset becomes the absolute x one, so that is the one a mirror in x negates.
      const bool swaps =
          owner != netlist::kNoNode && netlist::swaps_width_and_height(in.orientation(owner));
      if (options.mirror_x) (swaps ? dy : dx) = -(swaps ? dy : dx);
      if (options.mirror_y) (swaps ? dx : dy) = -(swaps ? dx : dy);
      result.add_pin(owner == netlist::kNoNode ? netlist::kNoNode : id[owner], kind, in.name(node),
                     dx, dy);
    } else {
      result.add_node(kind, in.name(node), in.width(node), in.height(node),
                      options.mirror_x ? width - in.x(node) : in.x(node),
                      options.mirror_y ? height - in.y(node) : in.y(node));
    }
    const NodeId made = id[node];
    if (netlist::is_pin(kind)) {  // a pin's stored position (files carry one), mirrored alike
      result.set_position(made, options.mirror_x ? width - in.x(node) : in.x(node),
                          options.mirror_y ? height - in.y(node) : in.y(node));
    }
    result.set_orientation(made, in.orientation(node));
    result.set_fixed(made, in.fixed(node));
    if (!in.ref_name(node).empty()) result.set_ref_name(made, in.ref_name(node));
    if (!in.port_side(node).empty()) {
      result.set_port_side(made,
                           mirrored_side(in.port_side(node), options.mirror_x, options.mirror_y));
    }
  }
  std::vector<NodeId> terminals;
  for (netlist::NetId net = 0; net < in.num_nets(); ++net) {
    terminals.clear();
    for (const NodeId* t = in.net_terminals_begin(net); t != in.net_terminals_end(net); ++t) {
      if (kept[*t]) terminals.push_back(id[*t]);
    }
    if (terminals.size() < 2) continue;
    result.add_net(terminals.data(), terminals.size(), in.net_weight(net), in.net_name(net));
  }
  const auto mirror_rect = [&](netlist::Rect rect) {
    if (options.mirror_x) rect = {width - rect.x1, rect.y0, width - rect.x0, rect.y1};
    if (options.mirror_y) rect = {rect.x0, height - rect.y1, rect.x1, height - rect.y0};
    return rect;
  };
  if (in.canvas) result.canvas = mirror_rect(*in.canvas);
  for (netlist::Blockage blockage : in.blockages) {
    blockage.rect = mirror_rect(blockage.rect);
    result.blockages.push_back(blockage);
  }
  result.block_name = in.block_name;
  result.metadata = in.metadata;
  if (Status s = result.validate(); !s.ok()) return s;
  netlist::PlacementSettings settings = header;
  for (netlist::Blockage& blockage : settings.blockages) blockage.rect = mirror_rect(blockage.rect);
  *out = std::move(result);
  *out_header = std::move(settings);
  return {};
}

}  // namespace macroplace::pretrain
