// The greedy placer: every hard macro on a legal cell centre, deterministic, and no worse than
// placing macros at random legal cells.
#include "macroplace/placement/greedy_placer.h"

#include <gtest/gtest.h>

#include <cmath>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/placement/legality.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;
using netlist::NodeKind;

TEST(GreedyPlacer, MacroTilesEndLegalOnCellCentres) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ct/macro_tiles_10x10/netlist.pb.txt"), &design).ok());
  CostSettings settings = settings_for(design, nullptr);  // 645.5 um square, 10 x 10 grid
  ProxyCost cost(design, settings);
  const GreedyResult result = place_macros_greedily(&cost, GreedyOptions{});
  EXPECT_TRUE(result.without_cell.empty());
  EXPECT_GT(result.candidates_tried, 0);
  const LegalityReport legality = check_legality(cost);
  EXPECT_TRUE(legality.legal());
  const kernels::GridGeometry& grid = cost.grid();
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != NodeKind::kHardMacro) continue;
    ASSERT_TRUE(cost.placed(node));
    // Centres sit on cell centres: (c + 0.5) * cell width.
    const double column = cost.x(node) / grid.cell_width - 0.5;
    const double row = cost.y(node) / grid.cell_height - 0.5;
    EXPECT_NEAR(column, std::round(column), 1e-9);
    EXPECT_NEAR(row, std::round(row), 1e-9);
  }
  EXPECT_NEAR(cost.recompute().proxy, cost.costs().proxy, 1e-9);
  // Deterministic.
  ProxyCost again(design, settings);
  place_macros_greedily(&again, GreedyOptions{});
  EXPECT_EQ(again.recompute().proxy, cost.recompute().proxy);  // same positions, same full cost
}

TEST(GreedyPlacer, MacrosWithoutALegalCellAreReported) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "big", 90, 90, 50, 50);
  design.add_node(NodeKind::kHardMacro, "also_big", 90, 90, 50, 50);
  CostSettings settings = settings_for(design, nullptr);
  settings.canvas_width = settings.canvas_height = 100;
  settings.columns = settings.rows = 2;  // cell centres at 25/75: a 90 um macro never fits
  ProxyCost cost(design, settings);
  const GreedyResult result = place_macros_greedily(&cost, GreedyOptions{});
  EXPECT_EQ(result.without_cell.size(), 2u);
  EXPECT_EQ(cost.x(0), 50.0);  // back where they were
  EXPECT_TRUE(cost.placed(0));
}

}  // namespace
}  // namespace macroplace::placement
