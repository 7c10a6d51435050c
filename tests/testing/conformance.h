// The conformance checks every registered placement method must pass (as OpenSpiel checks every
// game): run through the placement flow on a design, the result is legal (no hard-macro overlap,
// every macro whole inside the canvas, fixed macros unmoved, hard macros out of blockages),
// deterministic for a seed under a move budget, and the written .plc re-reads to the same cost.
// Shared by the placement tests (built-in methods) and the rl tests (the `rl` method).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/placement_flow.h"
#include "macroplace/placement/proxy_cost.h"
#include "testing/testing.h"

namespace macroplace::testing {

struct ConformanceRun {
  double proxy = 0;
  std::vector<double> positions;  // x, y of every node
};

// Runs `flow_options` (with a move budget and `seed`) on `design`; checks the result's legality
// and that its written file re-reads to the same cost.
inline ConformanceRun run_conformant(const placement::LoadedDesign& design,
                                     placement::FlowOptions flow_options, std::uint64_t seed) {
  ConformanceRun run;
  flow_options.budget.seed = seed;
  placement::PreparedFlow flow;
  const Status prepared = placement::prepare_flow(flow_options, &flow);
  EXPECT_TRUE(prepared.ok()) << prepared.message();
  if (!prepared.ok()) return run;
  placement::ProxyCost cost(design.netlist, design.settings);
  const placement::FlowResult result = flow.run(&cost);
  EXPECT_TRUE(result.status.ok()) << result.status.message();
  run.proxy = result.final.proxy;
  EXPECT_NEAR(result.final.proxy, cost.recompute().proxy, 1e-9 * (1 + result.final.proxy))
      << "the flow's costs are not the evaluator's";

  // Legal: no overlaps, no macro (hard or soft) off or across the canvas edge.
  const placement::LegalityReport legality = placement::check_legality(cost);
  EXPECT_TRUE(legality.overlapping_macro_pairs.empty())
      << legality.overlapping_macro_pairs.size() << " overlapping hard-macro pairs";
  const netlist::Netlist& netlist = design.netlist;
  int macros_off = 0;
  for (const std::vector<netlist::NodeId>* list :
       {&legality.outside_canvas, &legality.crossing_canvas_edge}) {
    for (const netlist::NodeId node : *list) {
      const netlist::NodeKind kind = netlist.kind(node);
      if (kind == netlist::NodeKind::kHardMacro || kind == netlist::NodeKind::kSoftMacro) {
        ++macros_off;
      }
    }
  }
  EXPECT_EQ(macros_off, 0) << "macros outside or across the canvas edge";
  for (netlist::NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (netlist::is_pin(netlist.kind(node))) continue;
    run.positions.push_back(cost.x(node));
    run.positions.push_back(cost.y(node));
    if (netlist.fixed(node)) {
      EXPECT_EQ(cost.x(node), netlist.x(node)) << "fixed node " << node << " moved";
      EXPECT_EQ(cost.y(node), netlist.y(node)) << "fixed node " << node << " moved";
    }
    if (netlist.kind(node) != netlist::NodeKind::kHardMacro || !cost.placed(node)) continue;
    const bool swap = netlist::swaps_width_and_height(cost.orientation(node));
    const double w = swap ? netlist.height(node) : netlist.width(node);
    const double h = swap ? netlist.width(node) : netlist.height(node);
    for (const netlist::Blockage& blockage : design.settings.blockages) {
      const double dx = std::min(cost.x(node) + w / 2, blockage.rect.x1) -
                        std::max(cost.x(node) - w / 2, blockage.rect.x0);
      const double dy = std::min(cost.y(node) + h / 2, blockage.rect.y1) -
                        std::max(cost.y(node) - h / 2, blockage.rect.y0);
      EXPECT_FALSE(dx > 1e-6 && dy > 1e-6) << "hard macro " << node << " in a blockage";
    }
  }

  // The written file, read back into a fresh copy of the design, evaluates the same.
  const std::string file = make_temp_dir("conformance") + "/placed.plc";
  const Status written = placement::write_placement(cost, design.header, design.path, file);
  EXPECT_TRUE(written.ok()) << written.message();
  netlist::Netlist reread = design.netlist;
  netlist::PlacementFile plc;
  EXPECT_TRUE(netlist::read_plc(file, &plc).ok());
  EXPECT_TRUE(netlist::apply_placement(plc, &reread).ok());
  const placement::ProxyCost again(reread, design.settings);
  EXPECT_NEAR(again.costs().proxy, result.final.proxy, 1e-6 * (1 + result.final.proxy))
      << "the written placement evaluates differently";
  return run;
}

}  // namespace macroplace::testing
