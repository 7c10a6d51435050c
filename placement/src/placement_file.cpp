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
  base.blockages = settings.blockages;
  return base;
}

Status write_placement(const ProxyCost& cost, const netlist::PlacementSettings& header,
                       const std::string& source, const std::string& path) {
  netlist::Netlist placed = cost.netlist();
  for (NodeId node = 0; node < placed.num_nodes(); ++node) {
    if (netlist::is_pin(placed.kind(node))) continue;
    placed.set_position(node, cost.x(node), cost.y(node));
    placed.set_orientation(node, cost.orientation(node));
  }
  return netlist::write_plc(placed, header, source, path);
}

}  // namespace macroplace::placement
