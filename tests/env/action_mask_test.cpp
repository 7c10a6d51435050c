// Action masks: hand-worked cells on a tiny design, Circuit Training's macro_tiles_10x10, and an
// independent per-cell geometric check plus placement::check_legality on random Ariane episodes.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "env_testing.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/placement/legality.h"

namespace macroplace::env {
namespace {

using netlist::NodeKind;

// Canvas 40 x 40, grid 4 x 4 (cells 10 x 10, centres at 5, 15, 25, 35), a blockage over
// [0, 10] x [30, 40] (the top-left cell), a fixed hard macro F 8 x 8 at (35, 35), i.e.
// [31, 39] x [31, 39], and two movable hard macros: A 16 x 6 (placed first, larger) and B 6 x 6.
std::shared_ptr<const EnvDesign> tiny_design(const EnvOptions& options) {
  auto design = std::make_shared<netlist::Netlist>();
  design->add_node(NodeKind::kHardMacro, "F", 8, 8, 35, 35);
  design->add_node(NodeKind::kHardMacro, "A", 16, 6, 20, 20);
  design->add_node(NodeKind::kHardMacro, "B", 6, 6, 20, 20);
  design->set_fixed(0, true);
  placement::CostSettings settings = placement::settings_for(*design, nullptr);
  settings.canvas_width = settings.canvas_height = 40;
  settings.columns = settings.rows = 4;
  settings.blockages.push_back({{0, 30, 10, 40}, 1.0});
  std::shared_ptr<const EnvDesign> out;
  const Status status = make_env_design(design, settings, options, &out);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

// The mask as a 4 x 4 grid (row 0 first), after checking the padding is all zero.
std::vector<int> grid_of(const PlacementEnv& env) {
  const ActionSpace& space = env.design().action_space;
  EXPECT_EQ(space.up_pad, 62);
  EXPECT_EQ(space.right_pad, 62);
  std::vector<int> grid(16, 0);
  const std::vector<std::uint8_t>& mask = env.observation().mask;
  for (std::int32_t a = 0; a < space.size(); ++a) {
    std::int32_t row = 0, col = 0;
    if (space.cell_of(a, &row, &col)) {
      grid[row * 4 + col] = mask[a];
    } else {
      EXPECT_EQ(mask[a], 0) << "padding action " << a;
    }
  }
  return grid;
}

TEST(ActionMask, TinyDesignByHand) {
  PlacementEnv env(tiny_design(EnvOptions{}));
  env.reset(0);
  ASSERT_EQ(env.current_macro(), 1);  // A
  // A (half size 8 x 3): inside the canvas only for x in [8, 32]: columns 1 and 2. F forbids
  // centres with x in (31 - 0.1 - 8, 39 + 0.1 + 8) = (22.9, 47.1) and y in (27.9, 42.1): cell
  // (3, 2). The blockage forbids x in (-8, 18), y in (27, 43): cells (3, 0), (3, 1).
  EXPECT_EQ(grid_of(env), (std::vector<int>{0, 1, 1, 0,  //
                                            0, 1, 1, 0,  //
                                            0, 1, 1, 0,  //
                                            0, 0, 0, 0}));
  EXPECT_EQ(env.legal_action_count(), 6);
  EXPECT_FALSE(env.legal(env.design().action_space.action_of(3, 1)));
  // A at cell (1, 1): centre (15, 15), footprint [7, 23] x [12, 18].
  env.step(env.design().action_space.action_of(1, 1));
  ASSERT_EQ(env.current_macro(), 2);  // B
  // B (half size 3 x 3): A forbids x in (3.9, 26.1), y in (8.9, 21.1): row 1, columns 0-2.
  // F forbids x, y in (27.9, 42.1): cell (3, 3). The blockage x in (-3, 13), y in (27, 43):
  // cell (3, 0). Every centre keeps B inside the canvas.
  EXPECT_EQ(grid_of(env), (std::vector<int>{1, 1, 1, 1,  //
                                            0, 0, 0, 1,  //
                                            1, 1, 1, 1,  //
                                            0, 1, 1, 0}));
  EXPECT_EQ(env.legal_action_count(), 11);
}

TEST(ActionMask, ExactSpacingIsAllowedAndOneMoreIsNot) {
  EnvOptions options;
  options.spacing = 4;
  PlacementEnv env(tiny_design(options));
  env.reset(0);
  env.step(env.design().action_space.action_of(1, 1));  // A at (15, 15): [7, 23] x [12, 18]
  // B with spacing 4: A forbids y in (12 - 4 - 3, 18 + 4 + 3) = (5, 25), open: rows 0 (y = 5)
  // and 2 (y = 25) keep exactly 4 um from A and stay legal; x in (0, 30): columns 0-2.
  // F forbids x, y in (31 - 7, 39 + 7) = (24, 46): columns and rows 2, 3.
  EXPECT_EQ(grid_of(env), (std::vector<int>{1, 1, 1, 1,  //
                                            0, 0, 0, 1,  //
                                            1, 1, 0, 0,  //
                                            0, 1, 0, 0}));
  // B at (15, 5) is exactly 4 um below A: no overlap.
  env.step(env.design().action_space.action_of(0, 1));
  EXPECT_TRUE(placement::check_legality(env.cost()).legal());

  options.spacing = 4.5;
  PlacementEnv wider(tiny_design(options));
  wider.reset(0);
  wider.step(wider.design().action_space.action_of(1, 1));
  // Now y in (4.5, 25.5): rows 0-2 lose columns 0-2 (and F takes more too: (23.5, 46.5)).
  EXPECT_EQ(grid_of(wider), (std::vector<int>{0, 0, 0, 1,  //
                                              0, 0, 0, 1,  //
                                              0, 0, 0, 0,  //
                                              0, 1, 0, 0}));
}

TEST(ActionMask, CanvasEdgeCheckIsAnOption) {
  EnvOptions options;
  options.keep_inside_canvas = false;  // CT's default: macros may hang over the edge
  PlacementEnv env(tiny_design(options));
  env.reset(0);
  // A may now sit in columns 0 and 3 too; row 3 stays taken by the blockage and F.
  EXPECT_EQ(grid_of(env), (std::vector<int>{1, 1, 1, 1,  //
                                            1, 1, 1, 1,  //
                                            1, 1, 1, 1,  //
                                            0, 0, 0, 0}));
}

TEST(ActionMask, MacroTilesEachPlacedMacroTakesExactlyItsOwnCell) {
  // 100 macros of 50 x 50 on a 20 x 20 grid of 60 um cells: two macros in neighbouring cells
  // are 10 um apart, so a placed macro masks only its own cell, and every centre keeps a macro
  // inside the canvas (30 - 25 >= 0). After k steps exactly 400 - k cells are legal.
  PlacementEnv env(
      testing::load_example("ct/macro_tiles_10x10", "netlist.pb.txt", "initial.plc", EnvOptions{}));
  std::mt19937_64 random(5);
  env.reset(0);
  ASSERT_EQ(env.order().size(), 100u);
  std::vector<std::int32_t> taken;
  for (int k = 0; k < 100; ++k) {
    ASSERT_EQ(env.legal_action_count(), 400 - k);
    for (const std::int32_t action : taken) EXPECT_FALSE(env.legal(action));
    const std::int32_t action = testing::random_legal_action(env.observation(), &random);
    taken.push_back(action);
    env.step(action);
  }
  EXPECT_TRUE(env.done());
  const placement::LegalityReport report = placement::check_legality(env.cost());
  EXPECT_TRUE(report.legal());
}

// The rule of the mask, checked cell by cell with plain geometry (independent of the
// environment's interval arithmetic): inside the canvas, no blockage overlap, and `spacing`
// from every placed hard macro in x or in y.
std::vector<std::uint8_t> reference_grid_mask(const PlacementEnv& env, NodeId macro) {
  const netlist::Netlist& design = *env.design().netlist;
  const placement::CostSettings& settings = env.design().settings;
  const double spacing = env.design().options.spacing;
  const double gw = settings.canvas_width / settings.columns;
  const double gh = settings.canvas_height / settings.rows;
  const double w = design.placed_width(macro), h = design.placed_height(macro);
  std::vector<netlist::Rect> placed;
  for (NodeId other = 0; other < design.num_nodes(); ++other) {
    if (design.kind(other) != NodeKind::kHardMacro || !env.cost().placed(other)) continue;
    const double ow = design.placed_width(other), oh = design.placed_height(other);
    const double ox0 = env.cost().x(other) - ow / 2, oy0 = env.cost().y(other) - oh / 2;
    placed.push_back({ox0, oy0, ox0 + ow, oy0 + oh});
  }
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(settings.rows) * settings.columns, 1);
  for (std::int32_t r = 0; r < settings.rows; ++r) {
    for (std::int32_t c = 0; c < settings.columns; ++c) {
      const double x0 = (c + 0.5) * gw - w / 2, x1 = x0 + w;
      const double y0 = (r + 0.5) * gh - h / 2, y1 = y0 + h;
      bool ok = x0 >= -1e-9 && y0 >= -1e-9 && x1 <= settings.canvas_width + 1e-9 &&
                y1 <= settings.canvas_height + 1e-9;
      for (const netlist::Blockage& b : settings.blockages) {
        if (x0 < b.rect.x1 && b.rect.x0 < x1 && y0 < b.rect.y1 && b.rect.y0 < y1) ok = false;
      }
      for (const netlist::Rect& o : placed) {
        const bool apart = x1 + spacing <= o.x0 || o.x1 + spacing <= x0 || y1 + spacing <= o.y0 ||
                           o.y1 + spacing <= y0;
        if (!apart) ok = false;
      }
      grid[r * settings.columns + c] = ok ? 1 : 0;
    }
  }
  return grid;
}

TEST(ActionMask, RandomArianeEpisodesMatchTheGeometryAndNeverOverlap) {
  PlacementEnv env(testing::ariane());
  const ActionSpace& space = env.design().action_space;
  for (const std::uint64_t seed : {1, 2, 3}) {
    std::mt19937_64 random(seed);
    env.reset(seed);
    int steps = 0;
    while (!env.done()) {
      const std::vector<std::uint8_t> expected = reference_grid_mask(env, env.current_macro());
      for (std::int32_t cell = 0; cell < space.rows * space.cols; ++cell) {
        ASSERT_EQ(env.observation().mask[space.action_of_cell(cell)], expected[cell])
            << "seed " << seed << " step " << steps << " cell " << cell;
      }
      env.step(testing::random_legal_action(env.observation(), &random));
      ++steps;
      const placement::LegalityReport report = placement::check_legality(env.cost());
      ASSERT_TRUE(report.overlapping_macro_pairs.empty()) << "seed " << seed << " step " << steps;
      ASSERT_FALSE(report.hard_macro_off_canvas) << "seed " << seed << " step " << steps;
    }
    // Every episode either places all 133 macros or stops early as infeasible.
    if (env.info().infeasible) {
      EXPECT_LT(steps, 133);
      EXPECT_GT(env.info().unplaced_macros, 0);
    } else {
      EXPECT_EQ(steps, 133);
      EXPECT_TRUE(placement::check_legality(env.cost()).legal());
    }
  }
}

}  // namespace
}  // namespace macroplace::env
