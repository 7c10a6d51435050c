#include "macroplace/placement/legality.h"

#include <algorithm>
#include <string>

namespace macroplace::placement {

namespace {

using netlist::NodeKind;

struct Box {
  double x0, y0, x1, y1;
  NodeId node;
};

Box footprint(const ProxyCost& placement, NodeId node) {
  const netlist::Netlist& netlist = placement.netlist();
  const bool turned = netlist.kind(node) == NodeKind::kHardMacro &&
                      netlist::swaps_width_and_height(placement.orientation(node));
  const double w = turned ? netlist.height(node) : netlist.width(node);
  const double h = turned ? netlist.width(node) : netlist.height(node);
  return {placement.x(node) - w / 2, placement.y(node) - h / 2, placement.x(node) + w / 2,
          placement.y(node) + h / 2, node};
}

}  // namespace

LegalityReport check_legality(const ProxyCost& placement) {
  constexpr double kTolerance = 1e-6;
  const netlist::Netlist& netlist = placement.netlist();
  const CostSettings& settings = placement.settings();
  LegalityReport report;
  std::vector<Box> macros;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const NodeKind kind = netlist.kind(node);
    if (netlist::is_pin(kind) || !placement.placed(node)) continue;
    const Box box = footprint(placement, node);
    const double x = placement.x(node), y = placement.y(node);
    const bool centre_outside =
        x < 0 || y < 0 || x > settings.canvas_width || y > settings.canvas_height;
    const bool crossing = !centre_outside && kind != NodeKind::kPort &&
                          (box.x0 < -kTolerance || box.y0 < -kTolerance ||
                           box.x1 > settings.canvas_width + kTolerance ||
                           box.y1 > settings.canvas_height + kTolerance);
    if (centre_outside) report.outside_canvas.push_back(node);
    if (crossing) report.crossing_canvas_edge.push_back(node);
    if ((centre_outside || crossing) && kind == NodeKind::kHardMacro) {
      report.hard_macro_off_canvas = true;
    }
    if (kind == NodeKind::kHardMacro) {
      macros.push_back(box);
      if (!netlist::allows(netlist.allowed_orientations(node), placement.orientation(node))) {
        report.disallowed_orientations.push_back(node);
      }
    }
  }
  // Sweep along x: only macros whose x ranges (grown by the spacing) meet are compared.
  const double spacing = settings.macro_spacing;
  std::sort(macros.begin(), macros.end(), [](const Box& a, const Box& b) { return a.x0 < b.x0; });
  for (std::size_t i = 0; i < macros.size(); ++i) {
    for (std::size_t j = i + 1; j < macros.size() && macros[j].x0 < macros[i].x1 + spacing; ++j) {
      const double w = std::min(macros[i].x1, macros[j].x1) - macros[j].x0;
      const double h = std::min(macros[i].y1, macros[j].y1) - std::max(macros[i].y0, macros[j].y0);
      const auto pair = std::pair{std::min(macros[i].node, macros[j].node),
                                  std::max(macros[i].node, macros[j].node)};
      if (w > 0 && h > 0 && w * h > settings.overlap_threshold) {
        report.overlapping_macro_pairs.push_back(pair);
      } else if (spacing > 0 && w > kTolerance - spacing && h > kTolerance - spacing) {
        report.too_close_macro_pairs.push_back(pair);  // nearer than the design's spacing
      }
    }
  }
  std::sort(report.overlapping_macro_pairs.begin(), report.overlapping_macro_pairs.end());
  std::sort(report.too_close_macro_pairs.begin(), report.too_close_macro_pairs.end());
  return report;
}

std::string describe_illegality(const LegalityReport& report, const netlist::Netlist& netlist) {
  std::string text;
  const auto name = [&netlist](NodeId node) { return std::string(netlist.name(node)); };
  const std::size_t pairs = report.overlapping_macro_pairs.size();
  if (pairs > 0) {
    const auto& [a, b] = report.overlapping_macro_pairs.front();
    text = std::to_string(pairs) + " overlapping hard-macro pair" + (pairs == 1 ? "" : "s") +
           " (first: " + name(a) + " and " + name(b) + ")";
  }
  const std::size_t close = report.too_close_macro_pairs.size();
  if (close > 0) {
    const auto& [a, b] = report.too_close_macro_pairs.front();
    if (!text.empty()) text += ", ";
    text += std::to_string(close) + " hard-macro pair" + (close == 1 ? "" : "s") +
            " nearer than the design's macro spacing (first: " + name(a) + " and " + name(b) + ")";
  }
  std::vector<NodeId> off;
  for (const auto* list : {&report.outside_canvas, &report.crossing_canvas_edge}) {
    for (const NodeId node : *list) {
      if (netlist.kind(node) == NodeKind::kHardMacro) off.push_back(node);
    }
  }
  if (!off.empty()) {
    std::sort(off.begin(), off.end());
    if (!text.empty()) text += ", ";
    text += std::to_string(off.size()) + " hard macro" + (off.size() == 1 ? "" : "s") +
            " not inside the canvas (first: " + name(off.front()) + ")";
  }
  const std::size_t turned = report.disallowed_orientations.size();
  if (turned > 0) {
    const NodeId first = report.disallowed_orientations.front();
    if (!text.empty()) text += ", ";
    text += std::to_string(turned) + " hard macro" + (turned == 1 ? "" : "s") +
            " in an orientation the cell does not allow (first: " + name(first) + ", allowed " +
            netlist::orientation_set_name(netlist.allowed_orientations(first)) + ")";
  }
  return text;
}

}  // namespace macroplace::placement
