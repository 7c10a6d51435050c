// Legality as `macroplace cost` reports it, and robustness on the out-of-canvas initial.plc.
#include "macroplace/placement/legality.h"

#include <gtest/gtest.h>

#include "macroplace/netlist/plc.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using netlist::NodeKind;

TEST(Legality, HandMadeOverlapsAndOutsideNodes) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "a", 10, 10, 10, 10);     // [5,15]^2
  design.add_node(NodeKind::kHardMacro, "b", 10, 10, 14, 14);     // overlaps a by 1 x 1
  design.add_node(NodeKind::kHardMacro, "c", 10, 10, 30, 10);     // clear of both
  design.add_node(NodeKind::kHardMacro, "d", 10, 10, 39.95, 10);  // overlaps c by 0.05 x 10
  design.add_node(NodeKind::kHardMacro, "e", 4, 10, 50, 50);  // E turns it to 10 x 4: reaches x=55
  design.add_node(NodeKind::kSoftMacro, "Grp_f", 4, 4, 1, 20);   // sticks out left
  design.add_node(NodeKind::kPort, "p", 0, 0, 0, 30);            // on the edge: inside
  design.add_node(NodeKind::kSoftMacro, "Grp_g", 4, 4, 70, 20);  // centre outside
  design.set_orientation(4, netlist::Orientation::kE);
  CostSettings settings = settings_for(design, nullptr);
  settings.canvas_width = 54;
  settings.canvas_height = 60;
  settings.overlap_threshold = 0.004;
  ProxyCost cost(design, settings);
  LegalityReport report = check_legality(cost);
  ASSERT_EQ(report.overlapping_macro_pairs.size(), 2u);
  EXPECT_EQ(report.overlapping_macro_pairs[0], std::make_pair(0, 1));
  EXPECT_EQ(report.overlapping_macro_pairs[1], std::make_pair(2, 3));
  EXPECT_EQ(report.outside_canvas, (std::vector<NodeId>{7}));
  EXPECT_EQ(report.crossing_canvas_edge, (std::vector<NodeId>{4, 5}));
  EXPECT_TRUE(report.hard_macro_off_canvas);  // e
  EXPECT_FALSE(report.legal());
  // Touching edges are not overlaps; an overlap below the threshold is tolerated.
  cost.move(1, 20, 14);
  cost.move(3, 39.9998, 10);  // 0.0002 x 10 = 0.002 um^2 < 0.004
  cost.set_orientation(4, netlist::Orientation::kN);
  cost.move(5, 3, 20);
  report = check_legality(cost);
  EXPECT_TRUE(report.overlapping_macro_pairs.empty());
  EXPECT_TRUE(report.crossing_canvas_edge.empty());
  EXPECT_EQ(report.outside_canvas.size(), 1u);  // the soft macro, which does not make it illegal
  EXPECT_TRUE(report.legal());
}

TEST(Legality, ArianeInitialPlacementHas27NodesOutsideAndStillEvaluates) {
  netlist::Netlist design;
  netlist::PlacementFile plc;
  ASSERT_TRUE(macroplace::testing::load_ariane("initial.plc", &design, &plc).ok());
  ProxyCost cost(design, settings_for(design, &plc.settings));
  const LegalityReport report = check_legality(cost);
  int hard = 0, soft = 0;
  for (NodeId node : report.outside_canvas) {
    hard += design.kind(node) == NodeKind::kHardMacro;
    soft += design.kind(node) == NodeKind::kSoftMacro;
  }
  // PROXY_COST.md golden case 3: 27 objects outside, 18 hard and 9 soft macros (centres
  // outside); 9 more soft macros stick out across the edge.
  EXPECT_EQ(report.outside_canvas.size(), 27u);
  EXPECT_EQ(hard, 18);
  EXPECT_EQ(soft, 9);
  EXPECT_EQ(report.crossing_canvas_edge.size(), 9u);
  EXPECT_FALSE(report.legal());
  const CostBreakdown result = cost.costs();
  // The header's wirelength cost (Google's binary): 0.0497; pins are used where they are.
  EXPECT_NEAR(result.wirelength_cost, 0.0497, 0.00005);
  EXPECT_GT(result.density_cost, 0.0);
  EXPECT_GT(result.congestion_cost, 0.0);
}

}  // namespace
}  // namespace macroplace::placement
