// The row legalizer: hand-worked Abacus placements, the violation checker on hand-made bad
// placements, derived row heights and site widths, invariants on random designs, and the flat
// ariane133 netlist (88,411 standard cells around 133 macros).
#include "macroplace/placement/row_legalizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;
using netlist::NodeId;
using netlist::NodeKind;

constexpr double kNear = 1e-9;

netlist::Netlist design_with_canvas(double width, double height) {
  netlist::Netlist design;
  design.canvas = netlist::Rect{0, 0, width, height};
  return design;
}

NodeId add_cell(netlist::Netlist* design, double width, double height, double x, double y) {
  return design->add_node(NodeKind::kStdCell, "c" + std::to_string(design->num_nodes()), width,
                          height, x, y);
}

RowLegalizerOptions rows_of(double row_height, double site_width) {
  RowLegalizerOptions options;
  options.row_height = row_height;
  options.site_width = site_width;
  return options;
}

struct Positions {
  std::vector<double> x, y;
};

Positions positions_of(const netlist::Netlist& design) {
  return {design.xs(), design.ys()};
}

// ---- options and input ----

TEST(RowLegalizer, OptionsValidate) {
  EXPECT_TRUE(RowLegalizerOptions{}.validate().ok());
  EXPECT_TRUE(rows_of(1.4, 0.19).validate().ok());
  EXPECT_FALSE(rows_of(-1, 0).validate().ok());
  EXPECT_FALSE(rows_of(0, -0.19).validate().ok());
  EXPECT_FALSE(rows_of(std::nan(""), 0).validate().ok());
  EXPECT_FALSE(rows_of(0, INFINITY).validate().ok());
  RowLegalizerOptions options;
  options.max_row_search = -1;
  EXPECT_FALSE(options.validate().ok());
}

TEST(RowLegalizer, InvalidOptionsOrInputLeavePositionsAlone) {
  netlist::Netlist design = design_with_canvas(10, 10);
  add_cell(&design, 1, 1, 3.3, 3.3);
  Positions p = positions_of(design);
  EXPECT_FALSE(legalize_rows(design, rows_of(-1, 1), &p.x, &p.y).status.ok());
  EXPECT_EQ(p.x[0], 3.3);
  // A row higher than the canvas: no row possible.
  EXPECT_FALSE(legalize_rows(design, rows_of(11, 1), &p.x, &p.y).status.ok());
  EXPECT_EQ(p.y[0], 3.3);
  // Positions of the wrong size.
  std::vector<double> short_x;
  EXPECT_FALSE(legalize_rows(design, rows_of(1, 1), &short_x, &p.y).status.ok());
  // No canvas.
  design.canvas.reset();
  EXPECT_FALSE(legalize_rows(design, rows_of(1, 1), &p.x, &p.y).status.ok());
  EXPECT_EQ(p.x[0], 3.3);
  EXPECT_EQ(count_row_violations(design, 1, 1, p.x, p.y), 1);
}

// ---- hand-worked placements ----

TEST(RowLegalizer, ThreeCellsWantingOneSpotAbutAroundIt) {
  // One row [0,100] x [0,2], sites 1 um. A (2 wide), B (4 wide) and C (2 wide) all want their
  // centre at x = 50: desired left edges A 49, B 48, C 49, so Abacus takes B, A, C (ties by
  // index). Weights are widths (sites): e = 4, 2, 2. With B, A, C abutting at offsets 0, 4, 6
  // the cluster's quadratic optimum is
  //   x = (4 * (48 - 0) + 2 * (49 - 4) + 2 * (49 - 6)) / 8 = (192 + 90 + 86) / 8 = 46,
  // so B = [46,50], A = [50,52], C = [52,54]: centres 48, 51, 53, the run [46,54] centred on 50.
  // Moves: B 2, A 1, C 3 (total 6, max 3); the width-weighted mean move is 0.
  netlist::Netlist design = design_with_canvas(100, 2);
  const NodeId a = add_cell(&design, 2, 2, 50, 1);
  const NodeId b = add_cell(&design, 4, 2, 50, 1);
  const NodeId c = add_cell(&design, 2, 2, 50, 1);
  Positions p = positions_of(design);
  const RowLegalizerResult result = legalize_rows(design, rows_of(2, 1), &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_EQ(result.cells, 3);
  EXPECT_EQ(result.unplaced, 0);
  EXPECT_NEAR(p.x[b], 48, kNear);
  EXPECT_NEAR(p.x[a], 51, kNear);
  EXPECT_NEAR(p.x[c], 53, kNear);
  for (NodeId node : {a, b, c}) EXPECT_EQ(p.y[node], 1);
  EXPECT_NEAR(result.total_displacement, 6, kNear);
  EXPECT_NEAR(result.max_displacement, 3, kNear);
  EXPECT_EQ(count_row_violations(design, 2, 1, p.x, p.y), 0);
}

TEST(RowLegalizer, CellInsideAMacroGoesToTheNearestLegalSite) {
  // Rows 2 um high on [0,100] x [0,20], sites 1 um; a hard macro covers [40,60] x [0,10].
  netlist::Netlist design = design_with_canvas(100, 20);
  const NodeId macro = design.add_node(NodeKind::kHardMacro, "ram", 20, 10, 50, 5);
  // Wants [42,44] x [2,4]: its row (y = 2) is free on [0,40] and [60,100]; the left piece needs a
  // 4 um move (to [38,40]), the right one 18 um, any other row at least 2 um more. -> (39, 3).
  const NodeId low = add_cell(&design, 2, 2, 43, 3);
  // Wants [49,51] x [8.5,10.5]: the nearest row (y = 8, 0.5 away) is cut by the macro around x
  // 40..60 (11 um to either side), the next one (y = 10, 1.5 away) is free. -> (50, 11).
  const NodeId high = add_cell(&design, 2, 2, 50, 9.5);
  Positions p = positions_of(design);
  const RowLegalizerResult result = legalize_rows(design, rows_of(2, 1), &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_NEAR(p.x[low], 39, kNear);
  EXPECT_NEAR(p.y[low], 3, kNear);
  EXPECT_NEAR(p.x[high], 50, kNear);
  EXPECT_NEAR(p.y[high], 11, kNear);
  EXPECT_EQ(p.x[macro], 50);
  EXPECT_EQ(p.y[macro], 5);
  EXPECT_NEAR(result.total_displacement, 4 + 1.5, kNear);
  EXPECT_NEAR(result.max_displacement, 4, kNear);
  EXPECT_EQ(count_row_violations(design, 2, 1, p.x, p.y), 0);
}

TEST(RowLegalizer, LegalCellsStayExactlyWhereTheyAre) {
  // NanGate45-like rows (1.4) and sites (0.19); cells on sites and rows, two of them abutting.
  netlist::Netlist design = design_with_canvas(50, 14);
  const double site = 0.19;
  const double row = 1.4;
  const auto at = [&](int sites, double width, int row_index) {
    return add_cell(&design, width, row, sites * site + width / 2, row_index * row + row / 2);
  };
  at(7, 0.38, 0);
  at(9, 0.57, 0);  // abuts the first: 7 + 2 = 9
  at(3, 1.14, 3);
  at(200, 0.76, 9);
  at(0, 0.19, 5);  // on the canvas edge
  at(8, 0.0, 0);   // zero width, inside the first cell's span: overlaps nothing
  // Off its site by 1e-7 um: within the slack, so it keeps its coordinates too.
  add_cell(&design, 0.38, row, 40 * site + 0.19 + 1e-7, 2 * row + row / 2);
  // An illegal cell elsewhere (between sites 150 and 151, row 7) is the only one to move.
  const NodeId off = add_cell(&design, 0.38, row, 150.4 * site + 0.19, 7 * row + row / 2);
  Positions p = positions_of(design);
  const Positions before = p;
  const RowLegalizerResult result = legalize_rows(design, rows_of(row, site), &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_EQ(result.cells, 8);
  for (NodeId node = 0; node < off; ++node) {
    EXPECT_EQ(p.x[node], before.x[node]) << node;  // bit for bit
    EXPECT_EQ(p.y[node], before.y[node]) << node;
  }
  EXPECT_NEAR(p.x[off], 150 * site + 0.19, kNear);  // 0.4 of a site left
  EXPECT_EQ(p.y[off], before.y[off]);
  EXPECT_NEAR(result.total_displacement, 0.4 * site, kNear);
  EXPECT_EQ(count_row_violations(design, row, site, p.x, p.y), 0);
}

TEST(RowLegalizer, SnapsToSites) {
  // One row [0,20] x [0,2] with 0.5 um sites.
  netlist::Netlist design = design_with_canvas(20, 2);
  const NodeId up = add_cell(&design, 1, 2, 10.8, 1);        // left 10.3 -> 10.5
  const NodeId down = add_cell(&design, 1, 2, 3.7, 1);       // left 3.2 -> 3.0
  const NodeId off_edge = add_cell(&design, 1, 2, -0.2, 1);  // left -0.7 -> 0 (canvas edge)
  // 0.7 um wide: takes 2 sites. With its neighbour (2 sites, wants 15.6), in sites from 0:
  // desired 30.2 and 31.2, cluster at (2 * 30.2 + 2 * (31.2 - 2)) / 4 = 29.7 -> site 30.
  // So [15.0,15.7] (centre 15.35) and [16.0,17.0] (centre 16.5): snapping keeps them apart.
  const NodeId narrow = add_cell(&design, 0.7, 2, 15.45, 1);
  const NodeId next = add_cell(&design, 1, 2, 16.1, 1);
  Positions p = positions_of(design);
  const RowLegalizerResult result = legalize_rows(design, rows_of(2, 0.5), &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_NEAR(p.x[up], 11.0, kNear);
  EXPECT_NEAR(p.x[down], 3.5, kNear);
  EXPECT_NEAR(p.x[off_edge], 0.5, kNear);
  EXPECT_NEAR(p.x[narrow], 15.35, kNear);
  EXPECT_NEAR(p.x[next], 16.5, kNear);
  EXPECT_EQ(count_row_violations(design, 2, 0.5, p.x, p.y), 0);
}

TEST(RowLegalizer, UsesTheNetlistRowsAndTheirSiteOrigin) {
  // Bookshelf-like rows: five rows 2 high from y = 1, sites 0.5 from x = 0.25, 38 sites wide.
  netlist::Netlist design = design_with_canvas(20, 12);
  for (int r = 0; r < 5; ++r) {
    netlist::Row row;
    row.y = 1 + 2 * r;
    row.height = 2;
    row.site_width = row.site_spacing = 0.5;
    row.origin_x = 0.25;
    row.num_sites = 38;
    design.rows.push_back(row);
  }
  const NodeId edge = add_cell(&design, 1, 2, 0.3, 1.2);  // left -0.2 -> 0.25, bottom 0.2 -> 1
  const NodeId mid = add_cell(&design, 1, 2, 8.1, 6.3);   // left 7.6 -> 7.75, bottom 5.3 -> 5
  Positions p = positions_of(design);
  const RowLegalizerResult result = legalize_rows(design, RowLegalizerOptions{}, &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_EQ(result.row_height, 2);
  EXPECT_EQ(result.site_width, 0.5);
  EXPECT_NEAR(p.x[edge], 0.75, kNear);
  EXPECT_NEAR(p.y[edge], 2, kNear);
  EXPECT_NEAR(p.x[mid], 8.25, kNear);
  EXPECT_NEAR(p.y[mid], 6, kNear);
  EXPECT_EQ(count_row_violations(design, 0, 0, p.x, p.y), 0);
  EXPECT_EQ(count_row_violations(design, result.row_height, result.site_width, p.x, p.y), 0);
  // Site 0.5 from 0.25: a cell at left 1.0 is off-site there.
  p.x[mid] = 1.5;
  EXPECT_EQ(count_row_violations(design, 0, 0, p.x, p.y), 1);

  // Another row height replaces the netlist's rows: rows 4 high from y = 0, sites from x = 0.
  p = positions_of(design);
  const RowLegalizerResult own = legalize_rows(design, rows_of(4, 0.5), &p.x, &p.y);
  ASSERT_TRUE(own.status.ok()) << own.status.to_string();
  EXPECT_NEAR(p.x[edge], 0.5, kNear);  // left -0.2 -> 0
  EXPECT_NEAR(p.y[edge], 1, kNear);    // bottom 0.2 -> 0
  EXPECT_NEAR(p.x[mid], 8, kNear);     // left 7.6 -> 7.5
  EXPECT_NEAR(p.y[mid], 5, kNear);     // bottom 5.3 -> 4 (1.3 away; 8 is 2.7 away)
  EXPECT_EQ(count_row_violations(design, 4, 0.5, p.x, p.y), 0);
}

TEST(RowLegalizer, CellsWithNoRoomStayAndAreCounted) {
  // One row [0,20] x [0,1]; macros take [0,6] and [10,20]: the free piece [6,10] holds 4 um.
  netlist::Netlist design = design_with_canvas(20, 1);
  design.add_node(NodeKind::kHardMacro, "m0", 6, 1, 3, 0.5);
  design.add_node(NodeKind::kHardMacro, "m1", 10, 1, 15, 0.5);
  const NodeId wide = add_cell(&design, 5, 1, 2.5, 0.5);  // wider than every segment
  const NodeId fits = add_cell(&design, 3, 1, 8, 0.5);
  const NodeId tall = add_cell(&design, 1, 2, 3, 1);  // taller than the row
  Positions p = positions_of(design);
  const RowLegalizerResult result = legalize_rows(design, rows_of(1, 1), &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_EQ(result.cells, 1);
  EXPECT_EQ(result.unplaced, 2);
  EXPECT_EQ(p.x[wide], 2.5);  // left where they were
  EXPECT_EQ(p.x[tall], 3);
  EXPECT_EQ(p.y[tall], 1);
  EXPECT_NEAR(p.x[fits], 8.5, kNear);  // desired left 6.5 is half-way: rounds up to site 7
  EXPECT_EQ(count_row_violations(design, 1, 1, p.x, p.y), 2);  // wide and tall
}

// ---- the checker ----

TEST(RowViolations, DetectsEachRule) {
  // Rows 2 high on [0,20] x [0,10], sites 0.5; a macro on [10,14] x [0,4]; a blockage with
  // rate 0.5 on [16,18] x [6,8] and one with rate 0 on [0,2] x [8,10] (not an obstacle).
  netlist::Netlist design = design_with_canvas(20, 10);
  design.add_node(NodeKind::kHardMacro, "m", 4, 4, 12, 2);
  design.blockages.push_back({{16, 6, 18, 8}, 0.5});
  design.blockages.push_back({{0, 8, 2, 10}, 0.0});
  const NodeId cell = add_cell(&design, 1, 2, 0, 0);
  const auto violations_at = [&](double left, double bottom) {
    std::vector<double> x = design.xs();
    std::vector<double> y = design.ys();
    x[cell] = left + 0.5;
    y[cell] = bottom + 1;
    return count_row_violations(design, 2, 0.5, x, y);
  };
  EXPECT_EQ(violations_at(1, 2), 0);         // legal
  EXPECT_EQ(violations_at(1, 2.3), 1);       // off-row
  EXPECT_EQ(violations_at(1.2, 2), 1);       // off-site
  EXPECT_EQ(violations_at(11, 2), 1);        // inside the macro
  EXPECT_EQ(violations_at(9.5, 2), 1);       // half a site into the macro
  EXPECT_EQ(violations_at(9, 2), 0);         // abutting the macro
  EXPECT_EQ(violations_at(16.5, 6), 1);      // in the rate-0.5 blockage
  EXPECT_EQ(violations_at(0.5, 8), 0);       // in the rate-0 blockage: allowed
  EXPECT_EQ(violations_at(-1, 2), 1);        // left of the canvas
  EXPECT_EQ(violations_at(19.5, 2), 1);      // across the right edge
  EXPECT_EQ(violations_at(19, 8), 0);        // top-right corner, inside
  EXPECT_EQ(violations_at(1, 10), 1);        // above the canvas
  EXPECT_EQ(violations_at(1, 2 + 1e-7), 0);  // within the 1e-6 um tolerance
}

TEST(RowViolations, DetectsOverlapsAndTallCells) {
  netlist::Netlist design = design_with_canvas(20, 10);
  const NodeId a = add_cell(&design, 1, 2, 2.5, 1);  // [2,3] x [0,2]
  const NodeId b = add_cell(&design, 1, 2, 3.5, 1);  // [3,4]: abuts a
  std::vector<double> x = design.xs();
  std::vector<double> y = design.ys();
  EXPECT_EQ(count_row_violations(design, 2, 0.5, x, y), 0);
  x[b] = 3.0;  // [2.5,3.5]: overlaps a, both count
  EXPECT_EQ(count_row_violations(design, 2, 0.5, x, y), 2);
  x[b] = 2.5;  // on top of a
  EXPECT_EQ(count_row_violations(design, 2, 0.5, x, y), 2);
  // A fixed cell is an obstacle: only the movable one counts.
  design.set_fixed(a, true);
  EXPECT_EQ(count_row_violations(design, 2, 0.5, x, y), 1);
  design.set_fixed(a, false);
  x[b] = 3.5;
  // A cell two rows high: a violation on 2-high rows, legal on 4-high ones (where a and b, 2
  // high, sit on the bottom row too).
  add_cell(&design, 1, 4, 8.5, 2);
  x = design.xs();
  y = design.ys();
  EXPECT_EQ(count_row_violations(design, 2, 0.5, x, y), 1);
  EXPECT_EQ(count_row_violations(design, 4, 0.5, x, y), 0);
}

// ---- derived rows and sites ----

TEST(RowLegalizer, DerivesSiteWidthAndRowHeight) {
  netlist::Netlist design = design_with_canvas(20, 14);
  for (double width : {0.38, 0.57, 0.76, 1.14}) add_cell(&design, width, 1.4, 5, 5);
  Positions p = positions_of(design);
  RowLegalizerResult result = legalize_rows(design, RowLegalizerOptions{}, &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_NEAR(result.site_width, 0.19, 1e-12);  // 0.38 / 2: 0.38 itself does not divide 0.57
  EXPECT_NEAR(result.row_height, 1.4, 1e-12);
  EXPECT_EQ(count_row_violations(design, 0, 0, p.x, p.y), 0);

  // Widths with no common divisor of at least 0.001 um: 0.001.
  netlist::Netlist odd = design_with_canvas(20, 14);
  add_cell(&odd, 0.3, 1, 5, 5);
  add_cell(&odd, 0.4001, 1, 5, 5);
  p = positions_of(odd);
  result = legalize_rows(odd, RowLegalizerOptions{}, &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_DOUBLE_EQ(result.site_width, 0.001);
  EXPECT_EQ(count_row_violations(odd, 0, 0, p.x, p.y), 0);
}

TEST(RowLegalizer, RowHeightIsTheMostCommonCellHeight) {
  netlist::Netlist design = design_with_canvas(20, 14);
  for (double height : {1.4, 2.0, 1.4, 1.2, 2.0, 1.4}) add_cell(&design, 0.5, height, 5, 5);
  Positions p = positions_of(design);
  RowLegalizerResult result = legalize_rows(design, RowLegalizerOptions{}, &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_NEAR(result.row_height, 1.4, 1e-12);
  EXPECT_EQ(result.cells, 4);     // three 1.4 high, one 1.2 high
  EXPECT_EQ(result.unplaced, 2);  // the 2.0-high cells span two rows
  // A tie goes to the smaller height.
  netlist::Netlist tie = design_with_canvas(20, 14);
  add_cell(&tie, 0.5, 1.4, 5, 5);
  add_cell(&tie, 0.5, 1.2, 5, 5);
  p = positions_of(tie);
  result = legalize_rows(tie, RowLegalizerOptions{}, &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_NEAR(result.row_height, 1.2, 1e-12);
}

// ---- invariants on random designs ----

struct RandomDesign {
  netlist::Netlist design;
  std::vector<NodeId> cells;
};

// A 60 x 28 canvas (20 rows of 1.4), two fixed macros, a blockage, `count` cells 2..8 sites wide
// (0.19 um) wanting random spots, some of them off the canvas or inside obstacles.
RandomDesign random_design(unsigned seed, int count) {
  RandomDesign out;
  out.design = design_with_canvas(60, 28);
  netlist::Netlist& design = out.design;
  const NodeId m0 = design.add_node(NodeKind::kHardMacro, "m0", 10, 7, 15, 10);
  const NodeId m1 = design.add_node(NodeKind::kHardMacro, "m1", 8, 5.6, 40.05, 18.3);
  design.set_fixed(m0, true);
  design.set_fixed(m1, true);
  design.blockages.push_back({{30, 0, 34, 4.2}, 1.0});
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> sites(2, 8);
  std::uniform_real_distribution<double> along_x(-2, 62);
  std::uniform_real_distribution<double> along_y(-2, 30);
  out.cells.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double x = along_x(rng);
    const double y = along_y(rng);
    out.cells.push_back(add_cell(&design, sites(rng) * 0.19, 1.4, x, y));
  }
  return out;
}

TEST(RowLegalizer, RandomDesignsAreLegalDeterministicAndStable) {
  for (unsigned seed : {1U, 2U, 3U, 4U, 5U}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const RandomDesign random = random_design(seed, 500);
    const netlist::Netlist& design = random.design;
    for (int limit : {0, 1}) {
      SCOPED_TRACE("max_row_search " + std::to_string(limit));
      RowLegalizerOptions options;
      options.max_row_search = limit;
      Positions p = positions_of(design);
      const RowLegalizerResult result = legalize_rows(design, options, &p.x, &p.y);
      ASSERT_TRUE(result.status.ok()) << result.status.to_string();
      EXPECT_NEAR(result.row_height, 1.4, 1e-12);
      EXPECT_NEAR(result.site_width, 0.19, 1e-12);
      EXPECT_EQ(result.cells, 500);
      EXPECT_EQ(result.unplaced, 0);
      EXPECT_EQ(count_row_violations(design, result.row_height, result.site_width, p.x, p.y), 0);
      // Displacements recomputed here; macros untouched.
      double total = 0;
      double largest = 0;
      for (NodeId node : random.cells) {
        const double moved =
            std::abs(p.x[node] - design.x(node)) + std::abs(p.y[node] - design.y(node));
        ASSERT_TRUE(std::isfinite(moved));
        total += moved;
        largest = std::max(largest, moved);
      }
      EXPECT_NEAR(result.total_displacement, total, 1e-9 * total);
      EXPECT_DOUBLE_EQ(result.max_displacement, largest);
      for (NodeId macro : {0, 1}) {
        EXPECT_EQ(p.x[macro], design.x(macro));
        EXPECT_EQ(p.y[macro], design.y(macro));
      }
      // Deterministic: the same input gives the same output, bit for bit.
      Positions again = positions_of(design);
      legalize_rows(design, options, &again.x, &again.y);
      EXPECT_EQ(again.x, p.x);
      EXPECT_EQ(again.y, p.y);
      // Stable: a legal, overlap-free placement is left exactly as it is.
      Positions twice = p;
      const RowLegalizerResult second = legalize_rows(design, options, &twice.x, &twice.y);
      ASSERT_TRUE(second.status.ok());
      EXPECT_EQ(second.total_displacement, 0);
      EXPECT_EQ(twice.x, p.x);
      EXPECT_EQ(twice.y, p.y);
    }
  }
}

TEST(RowLegalizer, CellsGoToTheCheaperRowAsTheirRowFills) {
  // Two rows 2 high on [0,10] x [0,4], sites 1 um. Six cells 2 wide (c0..c5, weight 2) all want
  // [4,6] x [0.2,2.2]: row 0 is 0.2 away, row 1 is 1.8 away. In index order, trial costs
  // (row 0 | row 1), the cell's own |dx| + |dy|:
  //   c0: 0 + 0.2 | -                        -> row 0, cluster {c0} at 4
  //   c1: {c0,c1} at (8 + 4) / 4 = 3, c1 at 5: 1.2 | 1.8   -> row 0
  //   c2: {c0,c1,c2} at (12 + 0) / 6 = 2, c2 at 6: 2.2 | 1.8  -> row 1, {c2} at 4
  //   c3: 2.2 (as c2) | {c2,c3} at 3, c3 at 5: 2.8            -> row 0, {c0,c1,c3} at 2
  //   c4: {c0,c1,c3,c4} at (12 - 4) / 8 = 1, c4 at 7: 3.2 | 2.8 -> row 1, {c2,c4} at 3
  //   c5: 3.2 (as c4) | {c2,c4,c5} at (12 + 0) / 6 = 2, c5 at 6: 3.8 -> row 0, cluster at 1
  // Final centres: row 0 (y 1): c0 2, c1 4, c3 6, c5 8; row 1 (y 3): c2 4, c4 6.
  netlist::Netlist design = design_with_canvas(10, 4);
  for (int i = 0; i < 6; ++i) add_cell(&design, 2, 2, 5, 1.2);
  Positions p = positions_of(design);
  const RowLegalizerResult result = legalize_rows(design, rows_of(2, 1), &p.x, &p.y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  const double expected_x[] = {2, 4, 4, 6, 6, 8};
  const double expected_y[] = {1, 1, 3, 1, 3, 1};
  for (NodeId node = 0; node < 6; ++node) {
    EXPECT_NEAR(p.x[node], expected_x[node], kNear) << node;
    EXPECT_NEAR(p.y[node], expected_y[node], kNear) << node;
  }
  // |dx| + |dy|: 3.2 + 1.2 + 2.8 + 1.2 + 2.8 + 3.2.
  EXPECT_NEAR(result.total_displacement, 14.4, kNear);
  EXPECT_NEAR(result.max_displacement, 3.2, kNear);
  EXPECT_EQ(count_row_violations(design, 2, 1, p.x, p.y), 0);
}

// ---- flat ariane133: 88,411 standard cells spread at random around 133 macros ----

TEST(RowLegalizer, FlatAriane) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ariane133-ng45/flat.pb.txt.gz"), &design).ok());
  ASSERT_TRUE(design.canvas.has_value());
  const netlist::Rect canvas = *design.canvas;
  std::vector<double> x = design.xs();
  std::vector<double> y = design.ys();
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> along_x(canvas.x0, canvas.x1);
  std::uniform_real_distribution<double> along_y(canvas.y0, canvas.y1);
  std::int64_t std_cells = 0;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != NodeKind::kStdCell) continue;
    x[node] = along_x(rng);
    y[node] = along_y(rng);
    ++std_cells;
  }
  ASSERT_EQ(std_cells, 88411);
  const RowLegalizerResult result = legalize_rows(design, RowLegalizerOptions{}, &x, &y);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_NEAR(result.row_height, 1.4, 1e-9);
  EXPECT_NEAR(result.site_width, 0.19, 1e-9);
  EXPECT_EQ(result.cells, std_cells);
  EXPECT_EQ(result.unplaced, 0);
  EXPECT_EQ(count_row_violations(design, result.row_height, result.site_width, x, y), 0);
  ::testing::Test::RecordProperty("seconds", std::to_string(result.seconds));
  std::cout << "flat ariane133: " << result.cells << " cells in " << result.seconds
            << " s, displacement total " << result.total_displacement << " um, mean "
            << result.total_displacement / static_cast<double>(result.cells) << " um, max "
            << result.max_displacement << " um\n";
}

}  // namespace
}  // namespace macroplace::placement
