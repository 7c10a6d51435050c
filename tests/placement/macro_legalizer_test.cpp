// The macro legalizer: hand-checked moves, invariants on random placements, exactness against a
// brute-force search, and the ariane133 initial placement (18 hard macros outside the canvas).
#include "macroplace/placement/macro_legalizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/legality.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using netlist::NodeKind;

constexpr double kNear = 1e-9;

CostSettings square_canvas(const netlist::Netlist& design, double side) {
  CostSettings settings = settings_for(design, nullptr);
  settings.canvas_width = settings.canvas_height = side;
  return settings;
}

// The gap between the footprints of two hard macros, in x and in y (negative when they overlap).
void gaps(const ProxyCost& cost, NodeId a, NodeId b, double* gap_x, double* gap_y) {
  const netlist::Netlist& design = cost.netlist();
  const auto half = [&](NodeId node, bool along_x) {
    const bool turned = netlist::swaps_width_and_height(cost.orientation(node));
    return (along_x != turned ? design.width(node) : design.height(node)) / 2;
  };
  *gap_x = std::abs(cost.x(a) - cost.x(b)) - half(a, true) - half(b, true);
  *gap_y = std::abs(cost.y(a) - cost.y(b)) - half(a, false) - half(b, false);
}

// Every pair of placed hard macros at least `spacing` apart in x or in y.
void expect_spaced(const ProxyCost& cost, double spacing) {
  const netlist::Netlist& design = cost.netlist();
  for (NodeId a = 0; a < design.num_nodes(); ++a) {
    if (design.kind(a) != NodeKind::kHardMacro || !cost.placed(a)) continue;
    for (NodeId b = a + 1; b < design.num_nodes(); ++b) {
      if (design.kind(b) != NodeKind::kHardMacro || !cost.placed(b)) continue;
      double gap_x, gap_y;
      gaps(cost, a, b, &gap_x, &gap_y);
      EXPECT_TRUE(gap_x >= spacing - 1e-6 || gap_y >= spacing - 1e-6)
          << design.name(a) << " and " << design.name(b) << ": gaps " << gap_x << ", " << gap_y;
    }
  }
}

TEST(MacroLegalizer, OptionsValidate) {
  EXPECT_TRUE(LegalizerOptions{}.validate().ok());
  LegalizerOptions options;
  options.spacing = -0.1;
  EXPECT_FALSE(options.validate().ok());
  options.spacing = std::nan("");
  EXPECT_FALSE(options.validate().ok());
}

TEST(MacroLegalizer, SmallerOfTwoOverlappingMacrosMovesTheMinimumDistance) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "big", 20, 20, 50, 50);    // [40,60]^2
  design.add_node(NodeKind::kHardMacro, "small", 10, 10, 62, 50);  // [57,67]: 3 um into big
  ProxyCost cost(design, square_canvas(design, 100));
  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  // Pushed right until its left edge is 0.1 um past big's right edge: 60.1 + 5 = 65.1. Up or down
  // would take 15.1 um, left 20.9 um.
  EXPECT_TRUE(result.unplaced.empty());
  EXPECT_EQ(result.moved, 1);
  EXPECT_DOUBLE_EQ(cost.x(0), 50);
  EXPECT_DOUBLE_EQ(cost.y(0), 50);
  EXPECT_NEAR(cost.x(1), 65.1, kNear);
  EXPECT_NEAR(cost.y(1), 50, kNear);
  EXPECT_NEAR(result.total_displacement, 3.1, kNear);
  EXPECT_NEAR(result.max_displacement, 3.1, kNear);
  EXPECT_GE(result.seconds, 0.0);
  EXPECT_TRUE(check_legality(cost).legal());
}

TEST(MacroLegalizer, MacrosOutsideTheCanvasComeInsideNextToTheEdge) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "right", 10, 10, 120, 50);
  design.add_node(NodeKind::kHardMacro, "corner", 10, 10, -3, -4);
  design.add_node(NodeKind::kHardMacro, "turned", 4, 10, 50, 101);  // E: 10 wide, 4 tall
  design.set_orientation(2, netlist::Orientation::kE);
  ProxyCost cost(design, square_canvas(design, 100));
  ASSERT_FALSE(check_legality(cost).legal());
  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_TRUE(result.unplaced.empty());
  EXPECT_EQ(result.moved, 3);
  EXPECT_NEAR(cost.x(0), 95, kNear);
  EXPECT_NEAR(cost.y(0), 50, kNear);
  EXPECT_NEAR(cost.x(1), 5, kNear);
  EXPECT_NEAR(cost.y(1), 5, kNear);
  EXPECT_NEAR(cost.x(2), 50, kNear);
  EXPECT_NEAR(cost.y(2), 98, kNear);  // half of the turned height (4) below the top edge
  EXPECT_EQ(cost.orientation(2), netlist::Orientation::kE);
  EXPECT_NEAR(result.total_displacement, 25 + std::hypot(8, 9) + 3, kNear);
  EXPECT_TRUE(check_legality(cost).legal());
}

// A macro in an orientation its cell does not allow is illegal, and the legalizer turns it into
// the nearest allowed one: a mirror when one is allowed (same footprint), else the first allowed
// (here a quarter turn back to N, so the footprint changes before the macro is placed). A fixed
// macro keeps its orientation, and stays illegal.
TEST(MacroLegalizer, DisallowedOrientationsTurnIntoTheNearestAllowed) {
  using netlist::Orientation;
  using netlist::orientation_bit;
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "flipped", 10, 10, 20, 20);
  design.add_node(NodeKind::kHardMacro, "turned", 4, 10, 50, 98);  // E: 10 wide, 4 tall
  design.add_node(NodeKind::kHardMacro, "fixed", 10, 10, 80, 20);
  design.add_node(NodeKind::kHardMacro, "free", 10, 10, 20, 80);
  design.set_orientation(0, Orientation::kFN);
  design.set_allowed_orientations(
      0, orientation_bit(Orientation::kN) | orientation_bit(Orientation::kFS));
  design.set_orientation(1, Orientation::kE);
  design.set_allowed_orientations(
      1, orientation_bit(Orientation::kN) | orientation_bit(Orientation::kFN));
  design.set_orientation(2, Orientation::kS);
  design.set_allowed_orientations(2, orientation_bit(Orientation::kN));
  design.set_fixed(2, true);
  design.set_orientation(3, Orientation::kFW);  // every orientation allowed: kept
  ProxyCost cost(design, square_canvas(design, 100));
  LegalityReport before = check_legality(cost);
  EXPECT_EQ(before.disallowed_orientations, (std::vector<NodeId>{0, 1, 2}));
  EXPECT_FALSE(before.legal());
  EXPECT_NE(describe_illegality(before, design)
                .find("3 hard macros in an orientation the cell does not allow (first: "
                      "flipped, allowed N FS)"),
            std::string::npos)
      << describe_illegality(before, design);

  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_EQ(result.reoriented, 2);
  EXPECT_EQ(cost.orientation(0), Orientation::kFS);  // FN's mirrors in order: S, FS, N
  EXPECT_EQ(cost.orientation(1), Orientation::kN);   // no allowed mirror of E: N, 4 wide
  EXPECT_EQ(cost.orientation(2), Orientation::kS);
  EXPECT_EQ(cost.orientation(3), Orientation::kFW);
  // Upright now, 10 tall: its centre comes down from 98 to 95 to stay on the canvas.
  EXPECT_NEAR(cost.x(1), 50, kNear);
  EXPECT_NEAR(cost.y(1), 95, kNear);
  const LegalityReport after = check_legality(cost);
  EXPECT_EQ(after.disallowed_orientations, (std::vector<NodeId>{2}));
  EXPECT_TRUE(after.overlapping_macro_pairs.empty());
  EXPECT_FALSE(after.hard_macro_off_canvas);
}

TEST(MacroLegalizer, FixedMacroNeverMovesAndOthersAvoidIt) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "fixed", 20, 20, 50, 50);  // [40,60]^2
  design.add_node(NodeKind::kHardMacro, "large", 30, 30, 50, 52);  // larger, yet it must yield
  design.set_fixed(0, true);
  ProxyCost cost(design, square_canvas(design, 100));
  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_TRUE(result.unplaced.empty());
  EXPECT_DOUBLE_EQ(cost.x(0), 50);
  EXPECT_DOUBLE_EQ(cost.y(0), 50);
  // Nearest: up, bottom edge at 60.1, centre 75.1 (23.1 um); sideways would be 25.1 um.
  EXPECT_NEAR(cost.x(1), 50, kNear);
  EXPECT_NEAR(cost.y(1), 75.1, kNear);
  EXPECT_NEAR(result.total_displacement, 23.1, kNear);
  EXPECT_TRUE(check_legality(cost).legal());
}

TEST(MacroLegalizer, BlockagesAreAvoided) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "a", 10, 10, 45, 50);
  CostSettings settings = square_canvas(design, 100);
  settings.blockages.push_back({{0, 0, 50, 100}, 1.0});  // left half
  ProxyCost cost(design, settings);
  LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_NEAR(cost.x(0), 55, kNear);  // touching the blockage is allowed (no spacing)
  EXPECT_NEAR(cost.y(0), 50, kNear);
  EXPECT_NEAR(result.total_displacement, 10, kNear);

  // Unless told to ignore them.
  ProxyCost ignoring(design, settings);
  LegalizerOptions options;
  options.avoid_blockages = false;
  result = legalize_macros(&ignoring, options);
  EXPECT_EQ(result.moved, 0);
  EXPECT_DOUBLE_EQ(ignoring.x(0), 45);
}

TEST(MacroLegalizer, SpacingIsRespectedExactly) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "a", 10, 10, 20, 20);    // [15,25]^2
  design.add_node(NodeKind::kHardMacro, "b", 10, 10, 30.2, 20);  // 0.2 um right of a
  design.add_node(NodeKind::kHardMacro, "c", 10, 10, 20, 30.5);  // exactly 0.5 um above a
  {
    ProxyCost cost(design, square_canvas(design, 100));
    LegalizerOptions options;
    options.spacing = 0.5;
    const LegalizerResult result = legalize_macros(&cost, options);
    EXPECT_EQ(result.moved, 1);
    EXPECT_NEAR(cost.x(1), 30.5, kNear);  // b out to a gap of 0.5
    EXPECT_NEAR(cost.y(1), 20, kNear);
    EXPECT_DOUBLE_EQ(cost.x(2), 20);  // c already exactly far enough
    EXPECT_DOUBLE_EQ(cost.y(2), 30.5);
    EXPECT_NEAR(result.total_displacement, 0.3, kNear);
    expect_spaced(cost, 0.5);
  }
  {
    // The default 0.1 um: 0.2 and 0.5 um gaps are fine as they are.
    ProxyCost cost(design, square_canvas(design, 100));
    EXPECT_EQ(legalize_macros(&cost, LegalizerOptions{}).moved, 0);
  }
  {
    // Touching macros are not legal with spacing: one moves 0.1 um away.
    netlist::Netlist touching;
    touching.add_node(NodeKind::kHardMacro, "a", 10, 10, 20, 20);
    touching.add_node(NodeKind::kHardMacro, "b", 10, 10, 30, 20);
    ProxyCost cost(touching, square_canvas(touching, 100));
    const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
    EXPECT_EQ(result.moved, 1);
    EXPECT_NEAR(cost.x(1), 30.1, kNear);
    EXPECT_NEAR(result.total_displacement, 0.1, kNear);
  }
}

// Four 45 x 45 macros all at the centre of a 100 x 100 canvas: the first keeps the centre and
// leaves no 45 um square free for the others, but they pack two by two. The legalizer falls back
// to grid selection's packing: on the settings' 10 x 10 grid, centres on the cell centres 25 and
// 75 (worked by hand: the first cell whose centre keeps the macro inside and 0.1 um apart).
TEST(MacroLegalizer, NearestSpotsThatCannotFitAllFallBackToAPacking) {
  netlist::Netlist design;
  for (int i = 0; i < 4; ++i) {
    design.add_node(NodeKind::kHardMacro, "m" + std::to_string(i), 45, 45, 50, 50);
  }
  ProxyCost cost(design, square_canvas(design, 100));
  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_TRUE(result.unplaced.empty());
  EXPECT_TRUE(result.packed_onto_grid);
  EXPECT_EQ(result.moved, 4);
  std::vector<std::pair<double, double>> centres(4);
  for (NodeId node = 0; node < 4; ++node) centres[node] = {cost.x(node), cost.y(node)};
  std::sort(centres.begin(), centres.end());
  const std::vector<std::pair<double, double>> expected = {{25, 25}, {25, 75}, {75, 25}, {75, 75}};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(centres[i].first, expected[i].first, kNear);
    EXPECT_NEAR(centres[i].second, expected[i].second, kNear);
  }
  EXPECT_NEAR(result.total_displacement, 4 * std::hypot(25.0, 25.0), kNear);
  expect_spaced(cost, 0.1);
  EXPECT_TRUE(check_legality(cost).legal());
  // Where nearest spots fit everything, no packing.
  netlist::Netlist easy;
  easy.add_node(NodeKind::kHardMacro, "a", 45, 45, 30, 30);
  easy.add_node(NodeKind::kHardMacro, "b", 45, 45, 40, 40);
  ProxyCost easy_cost(easy, square_canvas(easy, 100));
  EXPECT_FALSE(legalize_macros(&easy_cost, LegalizerOptions{}).packed_onto_grid);
}

TEST(MacroLegalizer, ImpossibleMacrosAreReportedNotPlaced) {
  netlist::Netlist design;
  design.add_node(NodeKind::kHardMacro, "too_wide", 60, 10, 25, 25);
  design.add_node(NodeKind::kHardMacro, "first", 40, 40, 25, 25);
  design.add_node(NodeKind::kHardMacro, "second", 40, 40, 30, 30);  // no room left for it
  design.add_node(NodeKind::kHardMacro, "small", 4, 4, 25, 25);     // fits beside first
  ProxyCost cost(design, square_canvas(design, 50));
  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_EQ(result.unplaced, (std::vector<NodeId>{0, 2}));
  EXPECT_DOUBLE_EQ(cost.x(0), 25);  // left where they were
  EXPECT_DOUBLE_EQ(cost.x(2), 30);
  EXPECT_DOUBLE_EQ(cost.y(2), 30);
  EXPECT_NEAR(cost.x(1), 25, kNear);
  double gap_x, gap_y;
  gaps(cost, 1, 3, &gap_x, &gap_y);
  EXPECT_TRUE(gap_x >= 0.1 - 1e-9 || gap_y >= 0.1 - 1e-9);
  EXPECT_LT(result.seconds, 1.0);
}

TEST(MacroLegalizer, RandomOverlappingPlacementsBecomeLegal) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> size(4, 30), where(-30, 230), unit(0, 1);
    netlist::Netlist design;
    for (int i = 0; i < 50; ++i) {
      design.add_node(NodeKind::kHardMacro, "m" + std::to_string(i), size(random), size(random),
                      where(random), where(random));
      if (unit(random) < 0.3) design.set_orientation(i, netlist::Orientation::kE);
    }
    // Two fixed macros inside the canvas, apart from each other.
    design.add_node(NodeKind::kHardMacro, "fixed0", 25, 15, 60, 60);
    design.add_node(NodeKind::kHardMacro, "fixed1", 15, 25, 140, 140);
    design.set_fixed(50, true);
    design.set_fixed(51, true);
    design.add_node(NodeKind::kSoftMacro, "Grp_soft", 40, 40, 100, 100);  // ignored
    CostSettings settings = square_canvas(design, 200);
    settings.blockages.push_back({{0, 180, 30, 200}, 1.0});
    ProxyCost cost(design, settings);
    const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_TRUE(result.unplaced.empty());
    EXPECT_TRUE(check_legality(cost).legal());
    expect_spaced(cost, 0.1);
    for (NodeId node = 0; node < 50; ++node) {
      EXPECT_EQ(cost.orientation(node), design.orientation(node));
      const bool turned = netlist::swaps_width_and_height(cost.orientation(node));
      const double w = turned ? design.height(node) : design.width(node);
      const double h = turned ? design.width(node) : design.height(node);
      const bool clear_of_blockage =
          cost.x(node) - w / 2 >= 30 - 1e-9 || cost.y(node) + h / 2 <= 180 + 1e-9;
      EXPECT_TRUE(clear_of_blockage) << design.name(node);
    }
    EXPECT_DOUBLE_EQ(cost.x(50), 60);
    EXPECT_DOUBLE_EQ(cost.y(51), 140);
    EXPECT_DOUBLE_EQ(cost.x(52), 100);  // the soft macro stays
    // The evaluator's incremental state agrees with a full rebuild after the moves.
    const double proxy = cost.costs().proxy;
    EXPECT_NEAR(cost.recompute().proxy, proxy, 1e-9);
  }
}

// One movable macro among fixed obstacles: the legalizer's spot is at least as near as the best
// point of a fine lattice found by brute force (so the search misses no closer free spot).
TEST(MacroLegalizer, NoCloserFreeSpotThanTheOneFound) {
  for (unsigned seed = 1; seed <= 10; ++seed) {
    std::mt19937 random(100 + seed);
    std::uniform_real_distribution<double> size(5, 25), where(0, 100);
    netlist::Netlist design;
    for (int i = 0; i < 15; ++i) {
      design.add_node(NodeKind::kHardMacro, "f" + std::to_string(i), size(random), size(random),
                      where(random), where(random));
      design.set_fixed(i, true);
    }
    const double w = size(random), h = size(random), x = where(random), y = where(random);
    const NodeId movable = design.add_node(NodeKind::kHardMacro, "m", w, h, x, y);
    ProxyCost cost(design, square_canvas(design, 100));
    const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
    SCOPED_TRACE("seed " + std::to_string(seed));
    const auto is_free = [&](double cx, double cy) {
      if (cx < w / 2 || cy < h / 2 || cx > 100 - w / 2 || cy > 100 - h / 2) return false;
      for (NodeId node = 0; node < 15; ++node) {
        const double gap_x = std::abs(cx - cost.x(node)) - (w + design.width(node)) / 2;
        const double gap_y = std::abs(cy - cost.y(node)) - (h + design.height(node)) / 2;
        if (gap_x < 0.1 && gap_y < 0.1) return false;
      }
      return true;
    };
    double best = 1e300;
    for (double cx = 0; cx <= 100; cx += 0.1) {
      for (double cy = 0; cy <= 100; cy += 0.1) {
        if (is_free(cx, cy)) best = std::min(best, std::hypot(cx - x, cy - y));
      }
    }
    if (best == 1e300) {
      EXPECT_EQ(result.unplaced, (std::vector<NodeId>{movable}));
      continue;
    }
    ASSERT_TRUE(result.unplaced.empty());
    EXPECT_LE(result.total_displacement, best + 1e-9);
    double nudged = 1e300;  // the found spot is free up to rounding
    for (double dx : {-1e-7, 0.0, 1e-7}) {
      for (double dy : {-1e-7, 0.0, 1e-7}) {
        if (is_free(cost.x(movable) + dx, cost.y(movable) + dy)) nudged = 0;
      }
    }
    EXPECT_EQ(nudged, 0);
  }
}

TEST(MacroLegalizer, ArianeInitialPlacementBecomesLegalWithEveryMacroPlaced) {
  netlist::Netlist design;
  netlist::PlacementFile plc;
  ASSERT_TRUE(macroplace::testing::load_ariane("initial.plc", &design, &plc).ok());
  ProxyCost cost(design, settings_for(design, &plc.settings));
  const LegalityReport before = check_legality(cost);
  ASSERT_FALSE(before.legal());
  std::vector<NodeId> fixed_nodes;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) == NodeKind::kHardMacro && cost.fixed(node)) fixed_nodes.push_back(node);
  }
  const LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
  EXPECT_TRUE(result.unplaced.empty());
  const LegalityReport after = check_legality(cost);
  EXPECT_TRUE(after.legal()) << after.overlapping_macro_pairs.size() << " overlaps";
  expect_spaced(cost, 0.1);
  for (NodeId node : fixed_nodes) {
    EXPECT_DOUBLE_EQ(cost.x(node), design.x(node));
    EXPECT_DOUBLE_EQ(cost.y(node), design.y(node));
  }
  std::cout << "ariane133 initial.plc: " << before.overlapping_macro_pairs.size()
            << " overlapping pairs before; moved " << result.moved << " hard macros, total "
            << result.total_displacement << " um, max " << result.max_displacement << " um, in "
            << result.seconds * 1e3 << " ms; proxy " << cost.costs().proxy << "\n";
}

}  // namespace
}  // namespace macroplace::placement
