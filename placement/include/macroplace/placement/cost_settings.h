// CostSettings: every number the proxy cost depends on, with Circuit Training's defaults and the
// rule that a `.plc` header's values win over defaults and explicit overrides win over both.
//
// Contract: settings_for() fills a CostSettings from the netlist (default canvas: a square of
// side sqrt(total_area / 0.6); default grid 10 x 10) and an optional placement header; callers
// then override fields and call validate(), which names the first bad value.
//
//   CostSettings settings = settings_for(netlist, &plc.settings);
//   settings.weights = CostWeights::circuit_training();
//   if (Status s = settings.validate(); !s.ok()) ...
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::placement {

// proxy = wirelength * wirelength_cost + density * density_cost + congestion * congestion_cost.
struct CostWeights {
  double wirelength = 1.0, density = 0.5, congestion = 0.5;
  // The weights published comparison tables use (the default).
  static CostWeights published() { return {1.0, 0.5, 0.5}; }
  // The open-source Circuit Training environment's weights.
  static CostWeights circuit_training() { return {1.0, 1.0, 0.5}; }
};

// Where congestion is computed: on the placement grid (what every published number uses) or on
// a separate grid of cell side 2000 / (h_routes + v_routes) um (newer Circuit Training).
enum class CongestionGrid { kLegacy, kSeparate };

struct CostSettings {
  double canvas_width = 0, canvas_height = 0;
  std::int32_t columns = 10, rows = 10;
  double routes_per_micron_horizontal = 70.33, routes_per_micron_vertical = 74.51;
  double macro_routes_horizontal = 51.79, macro_routes_vertical = 51.79;
  double smoothing_range = 5;
  double overlap_threshold = 0.004;
  // um every placer keeps clear between hard macros, at the least (a floorplan's halos, from the
  // .plc's `# Macro spacing`); it does not change the cost, only legality and what placers do.
  double macro_spacing = 0;
  CongestionGrid congestion_grid = CongestionGrid::kLegacy;
  CostWeights weights;
  // Regions hard macros must stay out of (from the netlist and the .plc header); they do not
  // change the cost, only legality and what placers may do.
  std::vector<netlist::Blockage> blockages;

  Status validate() const;
};

// Settings from a netlist and (optionally) a placement header; see the file comment.
CostSettings settings_for(const netlist::Netlist& netlist,
                          const netlist::PlacementSettings* header);

}  // namespace macroplace::placement
