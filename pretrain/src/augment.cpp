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
  if (!(aspect >= 0.01 && aspect <= 100)) {
    return Status::error("augment: the aspect factor must be in [0.01, 100]");
  }
  return {};
}

Status augment_design(const netlist::Netlist& in, const netlist::PlacementSettings& header,
                      const AugmentOptions& options, netlist::Netlist* out,
                      netlist::PlacementSettings* out_header) {
  if (Status s = options.validate(); !s.ok()) return s;
  const bool mirror = options.mirror_x || options.mirror_y;
  const bool stretch = options.aspect != 1;
  if ((mirror || stretch) && (!header.width || !header.height)) {
    return Status::error(
        "augment: mirroring and stretching need the canvas size (a placement "
        "header)");
  }
  const double width = header.width.value_or(0), height = header.height.value_or(0);
  // Stretching: x times `sx`, y times 1 / sx, so the area (and the macros' share of it) stays.
  const double sx = std::sqrt(options.aspect), sy = 1 / sx;
  const double new_width = width * sx, new_height = height * sy;
  const auto moved_x = [&](double x) { return (options.mirror_x ? width - x : x) * sx; };
  const auto moved_y = [&](double y) { return (options.mirror_y ? height - y : y) * sy; };

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

  // Where each node's centre goes. A stretched macro keeps its size: one that would hang over
  // the new canvas is moved in (its initial position only), one that cannot fit is an error.
  std::vector<double> new_x(static_cast<std::size_t>(in.num_nodes()));
  std::vector<double> new_y(new_x.size());
  for (NodeId node = 0; node < in.num_nodes(); ++node) {
    new_x[node] = moved_x(in.x(node));
    new_y[node] = moved_y(in.y(node));
    const NodeKind kind = in.kind(node);
    if (!kept[node] || !stretch || (kind != NodeKind::kHardMacro && kind != NodeKind::kSoftMacro)) {
      continue;
    }
    const bool swaps = netlist::swaps_width_and_height(in.orientation(node));
    const double w = swaps ? in.height(node) : in.width(node);
    const double h = swaps ? in.width(node) : in.height(node);
    if (kind == NodeKind::kHardMacro && (w > new_width || h > new_height)) {
      return Status::error("augment: hard macro '" + std::string(in.name(node)) + "' (" +
                           std::to_string(w) + " x " + std::to_string(h) +
                           ") does not fit the stretched canvas (" + std::to_string(new_width) +
                           " x " + std::to_string(new_height) + "): use an aspect closer to 1");
    }
    if (w <= new_width) new_x[node] = std::clamp(new_x[node], w / 2, new_width - w / 2);
    if (h <= new_height) new_y[node] = std::clamp(new_y[node], h / 2, new_height - h / 2);
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
      result.add_node(kind, in.name(node), in.width(node), in.height(node), new_x[node],
                      new_y[node]);
    }
    const NodeId made = id[node];
    if (netlist::is_pin(kind)) {
      // A pin's stored position (files carry one): its owner's new centre plus the (mirrored)
      // offset, so it stays on its macro however the macro moved.
      const NodeId owner = in.pin_owner(node);
      if (owner == netlist::kNoNode) {
        result.set_position(made, new_x[node], new_y[node]);
      } else {
        const double dx = (in.x(node) - in.x(owner)) * (options.mirror_x ? -1 : 1);
        const double dy = (in.y(node) - in.y(owner)) * (options.mirror_y ? -1 : 1);
        result.set_position(made, new_x[owner] + dx, new_y[owner] + dy);
      }
    }
    result.set_orientation(made, in.orientation(node));
    result.set_allowed_orientations(made, in.allowed_orientations(node));
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
  const auto moved_rect = [&](netlist::Rect rect) {
    if (options.mirror_x) rect = {width - rect.x1, rect.y0, width - rect.x0, rect.y1};
    if (options.mirror_y) rect = {rect.x0, height - rect.y1, rect.x1, height - rect.y0};
    return netlist::Rect{rect.x0 * sx, rect.y0 * sy, rect.x1 * sx, rect.y1 * sy};
  };
  if (in.canvas) result.canvas = moved_rect(*in.canvas);
  for (netlist::Blockage blockage : in.blockages) {
    blockage.rect = moved_rect(blockage.rect);
    result.blockages.push_back(blockage);
  }
  result.block_name = in.block_name;
  result.metadata = in.metadata;
  if (Status s = result.validate(); !s.ok()) return s;
  netlist::PlacementSettings settings = header;
  for (netlist::Blockage& blockage : settings.blockages) blockage.rect = moved_rect(blockage.rect);
  if (stretch) {
    // The grid stretches with the canvas, so its cells keep about their shape.
    settings.width = new_width;
    settings.height = new_height;
    const auto cells = [](std::int32_t count, double scale) {
      return std::max<std::int32_t>(
          1, static_cast<std::int32_t>(std::lround(static_cast<double>(count) * scale)));
    };
    if (settings.columns) settings.columns = cells(*settings.columns, sx);
    if (settings.rows) settings.rows = cells(*settings.rows, sy);
  }
  *out = std::move(result);
  *out_header = std::move(settings);
  return {};
}

}  // namespace macroplace::pretrain
