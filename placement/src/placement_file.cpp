#include "macroplace/placement/placement_file.h"

namespace macroplace::placement {

netlist::PlacementSettings header_for(const CostSettings& settings,
                                      netlist::PlacementSettings base) {
  base.width = settings.canvas_width;
  base.height = settings.canvas_height;
  base.columns = settings.columns;
  base.rows = settings.rows;
  base.routes_per_micron_horizontal = settings.routes_per_micron_horizontal;
  base.routes_per_micron_vertical = settings.routes_per_micron_vertical;
  base.macro_routes_horizontal = settings.macro_routes_horizontal;
  base.macro_routes_vertical = settings.macro_routes_vertical;
  base.smoothing_range = settings.smoothing_range;
  base.overlap_threshold = settings.overlap_threshold;
  if (settings.macro_spacing > 0) base.macro_spacing = settings.macro_spacing;
  base.blockages = settings.blockages;
  return base;
}

netlist::Netlist placed_netlist(const ProxyCost& cost) {
  netlist::Netlist placed = cost.netlist();
  for (NodeId node = 0; node < placed.num_nodes(); ++node) {
    if (netlist::is_pin(placed.kind(node))) continue;
    placed.set_position(node, cost.x(node), cost.y(node));
    placed.set_orientation(node, cost.orientation(node));
  }
  return placed;
}

Status write_placement(const ProxyCost& cost, const netlist::PlacementSettings& header,
                       const std::string& source, const std::string& path) {
  return netlist::write_plc(placed_netlist(cost), header, source, path);
}

}  // namespace macroplace::placement
