// Grid-size selection: Circuit Training's published test vectors, hand-worked grids, invariants
// on random macro sets (with a naive packer as reference) and the ariane133 design.
#include "macroplace/placement/grid_selection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "macroplace/netlist/ct_netlist.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;
using netlist::NodeKind;

// ---- Circuit Training's grid_size_selection_test.py vectors ----

TEST(GridSelection, SegmentSpanMatchesCircuitTraining) {
  struct Case {
    double segment, cell;
    int span;
    double piece;
  };
  const Case cases[] = {{1.0, 1.0, 1, 1.0},  {1.5, 1.0, 3, 0.25}, {1.5, 2.0, 1, 1.75},
                        {3.3, 1.0, 5, 0.15}, {3.0, 1.0, 3, 1.0},  {20.0, 4.0, 5, 4.0},
                        {20.1, 4.0, 7, 0.05}};
  for (const Case& c : cases) {
    const SegmentSpan span = segment_span(c.segment, c.cell);
    EXPECT_EQ(span.span, c.span) << c.segment << " on " << c.cell;
    EXPECT_NEAR(span.extra_piece, c.piece, 1e-9) << c.segment << " on " << c.cell;
  }
}

TEST(GridSelection, WasteRatioMatchesCircuitTraining) {
  struct Case {
    std::vector<double> segments;
    double cell, waste;
  };
  const Case cases[] = {
      {{1, 2}, 1, 0.25},       {{2, 3}, 3, 1.0 / 6},   {{1, 2, 3}, 3, 1.0 / 3},
      {{1, 5, 1}, 3, 2.0 / 9}, {{3}, 2, 0.5},          {{6, 10}, 4, 0.2},
      {{10, 6}, 4, 0.2},       {{1, 1, 1, 1}, 2, 0.5}, {{2, 2, 2, 2}, 1, 1.0 / 9}};
  for (const Case& c : cases) {
    EXPECT_NEAR(waste_ratio(c.segments, c.cell), c.waste, 1e-12) << "cell " << c.cell;
  }
}

// test_get_grid_choices: nine abutted 1 x 1 macros (3 x 3), sweep 1..9, 5..100 cells, aspect 2,
// select_from_grid_choices' default tolerance 0.1; CT expects 3x3, 4x4 and 3x3.
TEST(GridSelection, MacroTilesGoldenChoicesOfCircuitTraining) {
  netlist::Netlist design;
  ASSERT_TRUE(netlist::read_ct_netlist(
                  example_path("ct/grouping/macro_tiles_3rows_3cols_1pins.pb.txt"), &design)
                  .ok());
  ASSERT_EQ(design.counts().hard_macros, 9);
  struct Case {
    double canvas, add_size;
    int cols, rows;
    bool also_without_boundary_check;
  };
  // The third vector holds only with the boundary check on (what CT's test gets from a bare
  // PlacementCost): with macros allowed over the edge, 8x9 on the 4 um canvas scores 2.061 (36%
  // of cells empty), which puts 3x3's 1.8 outside the 10% tolerance and 8x6 wins.
  const Case cases[] = {{3, 0, 3, 3, true}, {4, 0, 4, 4, true}, {4, 0.2, 3, 3, false}};
  for (bool keep_inside : {true, false}) {
    for (const Case& c : cases) {
      if (!keep_inside && !c.also_without_boundary_check) continue;
      GridSelectionOptions options;
      options.min_cols = options.min_rows = 1;
      options.max_cols = options.max_rows = 10;
      options.min_cells = 5;
      options.max_cells = 100;
      options.max_aspect_ratio = 2;
      options.add_size = c.add_size;
      options.tolerance = 0.1;
      options.keep_inside_canvas = keep_inside;
      ASSERT_TRUE(options.validate().ok());
      const GridChoice choice = select_grid(design, c.canvas, c.canvas, options);
      ASSERT_TRUE(choice.found);
      EXPECT_EQ(choice.cols, c.cols) << "canvas " << c.canvas << " add " << c.add_size;
      EXPECT_EQ(choice.rows, c.rows) << "canvas " << c.canvas << " add " << c.add_size;
    }
  }
}

// ---- hand-worked grids ----

// Canvas 4 x 4; macro A 2 x 2 (index 0) and B 2 x 1 (index 1); sweep 2..4, aspect 2.
//   2x2 (cells 2 x 2): A in cell 0, B abuts it in cell 1; 2 of 4 cells empty.
//       horizontal: widths [2,2] on 2 -> spans 1+1, waste 0; vertical: [2,1] on 2 -> B's piece
//       1.5 cannot share A's cell: spans 2 cells = 4, used 3, waste 0.25.
//       key = 0.5 + 1 + 0.75 = 2.25.
//   2x4 (2 x 1 cells): A at (col 0,row 1), B at (1,0); 4 of 8 empty. Same waste -> 2.25.
//   2x3 (2 x 4/3): A at (0,1), B at (1,0); 2 of 6 empty; vertical: A spans 3 (piece 1/3), B's
//       piece 7/6 cannot share, 4 cells = 16/3 for 3 used: 7/16. key = 1/3 + 1 + 9/16.
//   4x2 (1 x 2): A at (1,0), B at (1,1); 2 of 8 empty; horizontal [2,2] on 1 -> 0.2. key = 1.8.
//   4x4 (1 x 1): A at (1,1), B at (1,3); 4 of 16 empty; h 0.2, v 0.25. key = 1.8.
//   3x2, 3x4: nothing empty, horizontal 0.4, vertical 0.25 -> 1.35.
//   3x3, 4x3: B finds no cell clear of A inside the canvas: infeasible.
class HandWorked : public ::testing::Test {
 protected:
  void SetUp() override {
    design_.add_node(NodeKind::kHardMacro, "A", 2, 2);
    design_.add_node(NodeKind::kHardMacro, "B", 2, 1);
    options_.min_cols = options_.min_rows = 2;
    options_.max_cols = options_.max_rows = 5;
    options_.min_cells = 4;
    options_.max_cells = 16;
    options_.max_aspect_ratio = 2;
  }
  const GridCandidate* find(const std::vector<GridCandidate>& all, int cols, int rows) {
    for (const GridCandidate& c : all) {
      if (c.cols == cols && c.rows == rows) return &c;
    }
    return nullptr;
  }
  netlist::Netlist design_;
  GridSelectionOptions options_;
};

TEST_F(HandWorked, MetricsOfEachGrid) {
  int candidates = 0;
  const std::vector<GridCandidate> all = evaluate_grids(design_, 4, 4, options_, &candidates);
  EXPECT_EQ(candidates, 9);
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(find(all, 3, 3), nullptr);
  EXPECT_EQ(find(all, 4, 3), nullptr);
  struct Expected {
    int cols, rows;
    double empty, horizontal, vertical;
  };
  const Expected expected[] = {{2, 2, 0.5, 0, 0.25},         {2, 4, 0.5, 0, 0.25},
                               {2, 3, 1.0 / 3, 0, 7.0 / 16}, {4, 2, 0.25, 0.2, 0.25},
                               {4, 4, 0.25, 0.2, 0.25},      {3, 2, 0, 0.4, 0.25},
                               {3, 4, 0, 0.4, 0.25}};
  for (const Expected& e : expected) {
    const GridCandidate* c = find(all, e.cols, e.rows);
    ASSERT_NE(c, nullptr) << e.cols << "x" << e.rows;
    EXPECT_NEAR(c->empty_ratio, e.empty, 1e-12) << e.cols << "x" << e.rows;
    EXPECT_NEAR(c->horizontal_waste, e.horizontal, 1e-12) << e.cols << "x" << e.rows;
    EXPECT_NEAR(c->vertical_waste, e.vertical, 1e-12) << e.cols << "x" << e.rows;
    EXPECT_NEAR(c->key_metric, e.empty + 2 - e.horizontal - e.vertical, 1e-12);
  }
  const MacroPacking packing = pack_hard_macros(design_, 4, 4, 4, 4, options_);
  ASSERT_TRUE(packing.packed);
  EXPECT_EQ(packing.order, (std::vector<NodeId>{0, 1}));
  EXPECT_EQ(packing.cells, (std::vector<int>{5, 13}));
  EXPECT_FALSE(pack_hard_macros(design_, 4, 4, 3, 3, options_).packed);
}

TEST_F(HandWorked, FewestCellsWithinToleranceWins) {
  // 2x2 and 2x4 share the best key (2.25); 2x2 has fewer cells.
  GridChoice choice = select_grid(design_, 4, 4, options_);
  ASSERT_TRUE(choice.found);
  EXPECT_EQ(choice.cols, 2);
  EXPECT_EQ(choice.rows, 2);
  EXPECT_NEAR(choice.waste, 0.75, 1e-12);
  EXPECT_EQ(choice.candidates, 9);
  EXPECT_EQ(choice.feasible, 7);
  // Without 2x2 only 2x4 is within 5% of 2.25; at 16% 2x3 (key 1.896 >= 1.89) qualifies and has
  // the better key per cell (0.316 against 0.281).
  options_.min_cells = 5;
  choice = select_grid(design_, 4, 4, options_);
  EXPECT_EQ(choice.cols, 2);
  EXPECT_EQ(choice.rows, 4);
  options_.tolerance = 0.16;
  choice = select_grid(design_, 4, 4, options_);
  EXPECT_EQ(choice.cols, 2);
  EXPECT_EQ(choice.rows, 3);
}

TEST_F(HandWorked, FixedMacrosBlockAndBlockagesBlock) {
  // A fixed 4 x 1 macro along the bottom edge: A cannot use row 0 of the 2x2 grid.
  const NodeId wall = design_.add_node(NodeKind::kHardMacro, "wall", 4, 1, 2, 0.5);
  design_.set_fixed(wall, true);
  EXPECT_EQ(hard_macros_to_pack(design_, options_), (std::vector<NodeId>{0, 1}));
  // Row 0 hits the wall: A goes to cell 2 and B abuts it in cell 3. The wall counts as used.
  MacroPacking packing = pack_hard_macros(design_, 4, 4, 2, 2, options_);
  ASSERT_TRUE(packing.packed);
  EXPECT_EQ(packing.cells, (std::vector<int>{2, 3}));
  EXPECT_EQ(packing.empty_ratio, 0.0);
  // Packed too, the wall ties with A on area and comes after it (netlist order).
  options_.include_fixed_macros = true;
  EXPECT_EQ(hard_macros_to_pack(design_, options_), (std::vector<NodeId>{0, 2, 1}));

  netlist::Netlist blocked;
  blocked.add_node(NodeKind::kHardMacro, "A", 2, 2);
  blocked.blockages.push_back({{0, 0, 1, 1}, 1.0});
  packing = pack_hard_macros(blocked, 4, 4, 2, 2, GridSelectionOptions{});
  ASSERT_TRUE(packing.packed);
  EXPECT_EQ(packing.cells[0], 1);
}

TEST(GridSelection, OptionsValidate) {
  EXPECT_TRUE(GridSelectionOptions{}.validate().ok());
  GridSelectionOptions options;
  options.max_cols = options.min_cols;
  EXPECT_FALSE(options.validate().ok());
  options = {};
  options.max_cells = 100;
  EXPECT_FALSE(options.validate().ok());
  options = {};
  options.max_aspect_ratio = 0.9;
  EXPECT_FALSE(options.validate().ok());
  options = {};
  options.tolerance = -0.1;
  EXPECT_FALSE(options.validate().ok());
  // Invalid options or canvas, or no hard macro: nothing found.
  netlist::Netlist design;
  EXPECT_FALSE(select_grid(design, 100, 100).found);
  design.add_node(NodeKind::kHardMacro, "m", 10, 10);
  EXPECT_FALSE(select_grid(design, 0, 100).found);
  options.tolerance = 1.0;
  EXPECT_FALSE(select_grid(design, 100, 100, options).found);
  EXPECT_TRUE(select_grid(design, 100, 100).found);
}

// ---- invariants on random macro sets ----

struct NaiveBox {
  double x, y, w, h, spacing;
};

bool naive_conflict(double x, double y, double w, double h, const NaiveBox& b) {
  const double gap_x = std::fabs(x - b.x) - (w + b.w) / 2;
  const double gap_y = std::fabs(y - b.y) - (h + b.h) / 2;
  return gap_x < b.spacing - 1e-6 && gap_y < b.spacing - 1e-6;
}

// Cell by cell, every placed box checked: the definition, without the fast path's shortcuts.
std::vector<int> naive_pack(const netlist::Netlist& design, double width, double height, int cols,
                            int rows, const GridSelectionOptions& options) {
  std::vector<NaiveBox> boxes;
  for (NodeId n = 0; n < design.num_nodes(); ++n) {
    if (design.kind(n) == NodeKind::kHardMacro && design.fixed(n) &&
        !options.include_fixed_macros) {
      boxes.push_back(
          {design.x(n), design.y(n), design.width(n), design.height(n), options.macro_spacing});
    }
  }
  for (const netlist::Blockage& b : design.blockages) {
    boxes.push_back({(b.rect.x0 + b.rect.x1) / 2, (b.rect.y0 + b.rect.y1) / 2, b.rect.width(),
                     b.rect.height(), 0});
  }
  std::vector<int> cells;
  for (NodeId n : hard_macros_to_pack(design, options)) {
    const double w = design.width(n), h = design.height(n);
    int found = -1;
    for (int cell = 0; cell < cols * rows && found < 0; ++cell) {
      const int cell_col = cell % cols, cell_row = cell / cols;
      const double x = (cell_col + 0.5) * (width / cols);
      const double y = (cell_row + 0.5) * (height / rows);
      if (options.keep_inside_canvas && (x - w / 2 < -1e-6 || x + w / 2 > width + 1e-6 ||
                                         y - h / 2 < -1e-6 || y + h / 2 > height + 1e-6)) {
        continue;
      }
      bool clear = true;
      for (const NaiveBox& b : boxes) clear = clear && !naive_conflict(x, y, w, h, b);
      if (clear) found = cell;
    }
    cells.push_back(found);
    if (found < 0) break;
    const int found_col = found % cols, found_row = found / cols;
    boxes.push_back({(found_col + 0.5) * (width / cols), (found_row + 0.5) * (height / rows), w, h,
                     options.macro_spacing});
  }
  return cells;
}

TEST(GridSelection, RandomMacroSetsRespectTheRule) {
  std::mt19937_64 rng(20240611);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  int found = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const double width = 100 + 200 * unit(rng), height = 100 + 200 * unit(rng);
    netlist::Netlist design;
    const int macros = 1 + static_cast<int>(unit(rng) * 25);
    for (int i = 0; i < macros; ++i) {
      // Some macros share a size, so ties in the packing order matter.
      const double w = i % 4 == 3 ? 12.0 : 2 + unit(rng) * width / 5;
      const double h = i % 4 == 3 ? 12.0 : 2 + unit(rng) * height / 5;
      const NodeId node = design.add_node(NodeKind::kHardMacro, "m" + std::to_string(i), w, h,
                                          unit(rng) * width, unit(rng) * height);
      if (i == 5) design.set_fixed(node, true);
    }
    design.add_node(NodeKind::kSoftMacro, "soft", width / 2, height / 2);  // ignored
    if (trial % 3 == 0) {
      design.blockages.push_back({{0.6 * width, 0.6 * height, 0.8 * width, 0.9 * height}, 1.0});
    }
    GridSelectionOptions options;
    options.min_cols = 4 + trial % 3;
    options.min_rows = 5;
    options.max_cols = options.max_rows = 40;
    options.min_cells = 40;
    options.max_cells = 600;
    options.macro_spacing = trial % 4 == 1 ? 0.5 : 0.0;
    options.keep_inside_canvas = trial % 5 != 4;
    options.include_fixed_macros = trial % 7 == 0;
    ASSERT_TRUE(options.validate().ok());

    int candidates = 0;
    const std::vector<GridCandidate> all =
        evaluate_grids(design, width, height, options, &candidates);
    const GridChoice choice = select_grid(design, width, height, options);
    EXPECT_EQ(choice.candidates, candidates);
    EXPECT_EQ(choice.feasible, static_cast<int>(all.size()));
    ASSERT_EQ(choice.found, !all.empty());
    // The fast packer agrees with the naive one on a few grids, feasible or not.
    for (int k = 0; k < 3; ++k) {
      const int cols = options.min_cols + static_cast<int>(unit(rng) * 30);
      const int rows = options.min_rows + static_cast<int>(unit(rng) * 30);
      const MacroPacking fast = pack_hard_macros(design, width, height, cols, rows, options);
      std::vector<int> naive = naive_pack(design, width, height, cols, rows, options);
      naive.resize(fast.cells.size(), -1);
      EXPECT_EQ(fast.cells, naive) << "trial " << trial << " grid " << cols << "x" << rows;
    }
    if (!choice.found) continue;
    ++found;
    const int cols = choice.cols, rows = choice.rows;
    EXPECT_GE(cols, options.min_cols);
    EXPECT_LT(cols, options.max_cols);
    EXPECT_GE(rows, options.min_rows);
    EXPECT_LT(rows, options.max_rows);
    EXPECT_GE(cols * rows, options.min_cells);
    EXPECT_LE(cols * rows, options.max_cells);
    const double gw = width / cols, gh = height / rows;
    EXPECT_LE(std::max(gw / gh, gh / gw), options.max_aspect_ratio);
    // Every hard macro packs, inside the canvas when asked, clear of each other.
    const MacroPacking packing = pack_hard_macros(design, width, height, cols, rows, options);
    ASSERT_TRUE(packing.packed);
    EXPECT_NEAR(packing.empty_ratio, choice.metrics.empty_ratio, 1e-12);
    for (std::size_t i = 0; i < packing.order.size(); ++i) {
      const NodeId a = packing.order[i];
      const int col_a = packing.cells[i] % cols, row_a = packing.cells[i] / cols;
      const double ax = (col_a + 0.5) * gw;
      const double ay = (row_a + 0.5) * gh;
      if (options.keep_inside_canvas) {
        EXPECT_GE(ax - design.width(a) / 2, -1e-6);
        EXPECT_LE(ax + design.width(a) / 2, width + 1e-6);
        EXPECT_GE(ay - design.height(a) / 2, -1e-6);
        EXPECT_LE(ay + design.height(a) / 2, height + 1e-6);
      }
      for (std::size_t j = 0; j < i; ++j) {
        const NodeId b = packing.order[j];
        const int col_b = packing.cells[j] % cols, row_b = packing.cells[j] / cols;
        const NaiveBox other{(col_b + 0.5) * gw, (row_b + 0.5) * gh, design.width(b),
                             design.height(b), options.macro_spacing};
        EXPECT_FALSE(naive_conflict(ax, ay, design.width(a), design.height(a), other));
      }
    }
    // The choice is the best key per cell among candidates within tolerance of the best key.
    double best_key = 0;
    for (const GridCandidate& c : all) best_key = std::max(best_key, c.key_metric);
    EXPECT_GE(choice.metrics.key_metric, best_key * (1 - options.tolerance));
    for (const GridCandidate& c : all) {
      if (c.key_metric >= best_key * (1 - options.tolerance)) {
        EXPECT_LE(c.key_metric / c.cells(), choice.metrics.key_metric / (cols * rows) + 1e-15);
      }
    }
  }
  EXPECT_GT(found, 20);  // the sets are not all infeasible
}

// ---- ariane133 (NanGate45): its .plc uses 24 x 21 on a 1433.406 um square ----
// That .plc comes from CT's grouping flow (output folder "24cols_21rows", named by the grouper
// after auto grid selection; boundary check off, max_num_grid_cells then 2500): the rule must
// give 24 x 21 for these 133 macros whatever the boundary check and either cell limit.

TEST(GridSelection, Ariane133) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), &design).ok());
  ASSERT_EQ(design.counts().hard_macros, 133);
  const double side = 1433.406;
  for (int max_cells : {4096, 2500}) {
    for (bool keep_inside : {true, false}) {
      GridSelectionOptions options;
      options.max_cells = max_cells;
      options.keep_inside_canvas = keep_inside;
      const auto start = std::chrono::steady_clock::now();
      const GridChoice choice = select_grid(design, side, side, options);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      ASSERT_TRUE(choice.found);
      std::printf(
          "ariane133 (max_cells=%d, keep_inside_canvas=%d): %d cols x %d rows = %d cells, key %.4f "
          "(empty %.4f, "
          "h waste %.4f, v waste %.4f); %d candidates, %d feasible; %.3f s\n",
          max_cells, keep_inside ? 1 : 0, choice.cols, choice.rows, choice.cols * choice.rows,
          choice.metrics.key_metric, choice.metrics.empty_ratio, choice.metrics.horizontal_waste,
          choice.metrics.vertical_waste, choice.candidates, choice.feasible, seconds);
      EXPECT_GE(choice.cols, 10);
      EXPECT_LT(choice.cols, 128);
      EXPECT_GE(choice.rows, 10);
      EXPECT_LT(choice.rows, 128);
      EXPECT_GE(choice.cols * choice.rows, 500);
      EXPECT_LE(choice.cols * choice.rows, 4096);
      EXPECT_LE(std::max(choice.cols, choice.rows), 1.5 * std::min(choice.cols, choice.rows));
      EXPECT_TRUE(pack_hard_macros(design, side, side, choice.cols, choice.rows, options).packed);
      EXPECT_EQ(choice.cols, 24);
      EXPECT_EQ(choice.rows, 21);
    }
  }
}

}  // namespace
}  // namespace macroplace::placement
