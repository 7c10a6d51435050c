// Writing an evaluator's placement as a Circuit Training .plc, with a header that reproduces its
// cost settings: what every placer's command, the environment and the evaluation write.
//
// Contract: header_for() keeps `base`'s fields that CostSettings does not describe (project,
// block) and sets every cost setting (canvas, grid, routing, smoothing, overlap threshold,
// blockages) from `settings`. write_placement() writes a copy of the evaluator's netlist with
// its positions and orientations (the netlist itself is untouched), atomically.
//
//   netlist::PlacementSettings header = header_for(cost.settings(), plc.settings);
//   Status status = write_placement(cost, header, "macroplace place", "out.plc");
#pragma once

#include <string>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

netlist::PlacementSettings header_for(const CostSettings& settings,
                                      netlist::PlacementSettings base = {});

// A copy of the evaluator's netlist with its positions and orientations.
netlist::Netlist placed_netlist(const ProxyCost& cost);

Status write_placement(const ProxyCost& cost, const netlist::PlacementSettings& header,
                       const std::string& source, const std::string& path);

}  // namespace macroplace::placement
