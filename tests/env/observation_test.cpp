// Observation shapes and values on Circuit Training's sample_clustered design, by hand, and the
// optional spatial features against the proxy-cost evaluator.
#include "macroplace/env/observation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "env_testing.h"
#include "macroplace/env/placement_env.h"

namespace macroplace::env {
namespace {

std::shared_ptr<const EnvDesign> sample_clustered(const EnvOptions& options = EnvOptions{}) {
  return testing::load_example("ct/sample_clustered", "netlist.pb.txt", "initial.plc", options);
}

// Node v's six features.
std::vector<float> node(const Observation& obs, int v) {
  return std::vector<float>(obs.node_features.begin() + v * kNodeFeatures,
                            obs.node_features.begin() + (v + 1) * kNodeFeatures);
}

void expect_features(const Observation& obs, int v, std::vector<float> expected) {
  const std::vector<float> actual = node(obs, v);
  for (int f = 0; f < kNodeFeatures; ++f) {
    EXPECT_FLOAT_EQ(actual[f], expected[f]) << "node " << v << " feature " << f;
  }
}

std::vector<std::int32_t> legal_actions(const Observation& obs) {
  std::vector<std::int32_t> actions;
  for (std::size_t a = 0; a < obs.mask.size(); ++a) {
    if (obs.mask[a] != 0) actions.push_back(static_cast<std::int32_t>(a));
  }
  return actions;
}

TEST(Observation, ShapesFollowTheConfig) {
  ObservationConfig config;
  config.max_nodes = 7;
  config.max_edges = 11;
  config.side = 5;
  config.density = true;
  Observation obs;
  obs.allocate(config);
  EXPECT_EQ(obs.metadata.size(), 12u);
  EXPECT_EQ(obs.node_features.size(), 7u * 6u);
  EXPECT_EQ(obs.edge_src.size(), 11u);
  EXPECT_EQ(obs.edge_dst.size(), 11u);
  EXPECT_EQ(obs.edge_weight.size(), 11u);
  EXPECT_EQ(obs.mask.size(), 25u);
  EXPECT_EQ(obs.density.size(), 25u);
  EXPECT_TRUE(obs.wire_mask.empty());
  EXPECT_TRUE(obs.congestion.empty());
  config.side = 0;
  EXPECT_FALSE(config.validate().ok());
}

TEST(Observation, SampleClusteredByHand) {
  PlacementEnv env(sample_clustered());
  const Observation& obs = env.reset(0);
  // Sizes: CT's defaults (5000 nodes, 70000 edges, 128 x 128 actions).
  EXPECT_EQ(obs.node_features.size(), 5000u * 6u);
  EXPECT_EQ(obs.edge_src.size(), 70000u);
  EXPECT_EQ(obs.mask.size(), 128u * 128u);
  EXPECT_EQ(obs.num_nodes, 5);
  EXPECT_EQ(obs.num_edges, 5);

  // Metadata: 5 edges of count 1 / 70000; 2 hard, 1 soft macro, 2 port clusters / 5000;
  // routes 70.33 x 500 / 1000 and 74.51 x 500 / 1000; macro allocation 51.79 x 500 / 1000 both;
  // grid 2 / 128 twice; canvas 500 / 1000 twice.
  const std::vector<float> expected_metadata{5.0F / 70000, 2.0F / 5000, 1.0F / 5000, 2.0F / 5000,
                                             35.165F,      37.255F,     25.895F,     25.895F,
                                             2.0F / 128,   2.0F / 128,  0.5F,        0.5F};
  for (int i = 0; i < kMetadataSize; ++i) EXPECT_FLOAT_EQ(obs.metadata[i], expected_metadata[i]);

  // Edges (graph nodes M0 0, M1 1, Grp_2 2, port clusters 3 and 4), then zero padding.
  EXPECT_EQ(std::vector<std::int32_t>(obs.edge_src.begin(), obs.edge_src.begin() + 6),
            (std::vector<std::int32_t>{0, 0, 1, 1, 2, 0}));
  EXPECT_EQ(std::vector<std::int32_t>(obs.edge_dst.begin(), obs.edge_dst.begin() + 6),
            (std::vector<std::int32_t>{2, 3, 2, 4, 3, 0}));
  EXPECT_EQ(std::vector<float>(obs.edge_weight.begin(), obs.edge_weight.begin() + 6),
            (std::vector<float>{1, 1, 1, 1, 1, 0}));

  // Nodes, lengths / (W + H) = / 1000. The hard macros are unplaced and show the .plc's
  // positions (125, 375) and (375, 375); Grp_2 sits at (170, 310); the port clusters at the
  // corners (0, 0) and (500, 500).
  expect_features(obs, 0, {0.125F, 0.375F, 0.12F, 0.12F, 1, 0});
  expect_features(obs, 1, {0.375F, 0.375F, 0.08F, 0.04F, 1, 0});
  expect_features(obs, 2, {0.17F, 0.31F, 0, 0, 2, 1});
  expect_features(obs, 3, {0, 0, 0, 0, 3, 1});
  expect_features(obs, 4, {0.5F, 0.5F, 0, 0, 3, 1});
  expect_features(obs, 5, {0, 0, 0, 0, 0, 0});  // padding
  EXPECT_TRUE(std::all_of(obs.node_features.begin() + 5 * kNodeFeatures, obs.node_features.end(),
                          [](float f) { return f == 0; }));

  // M0 (120 x 120, the larger) goes first; each of the four cell centres (125 or 375) keeps it
  // inside. The 2 x 2 grid sits at square rows and columns 63 and 64.
  EXPECT_EQ(obs.current_node, 0);
  EXPECT_EQ(legal_actions(obs), (std::vector<std::int32_t>{8127, 8128, 8255, 8256}));

  // M0 to cell (1, 0), centre (125, 375): footprint [65, 185] x [315, 435]. M1 (80 x 40) must
  // then avoid centres with x in (24.9, 225.1) and y in (294.9, 455.1): only cell (1, 0).
  StepResult step = env.step(8255);
  EXPECT_FALSE(step.done);
  EXPECT_EQ(step.reward, 0);
  EXPECT_EQ(step.observation, &env.observation());
  expect_features(obs, 0, {0.125F, 0.375F, 0.12F, 0.12F, 1, 1});
  EXPECT_EQ(obs.current_node, 1);
  EXPECT_EQ(legal_actions(obs), (std::vector<std::int32_t>{8127, 8128, 8256}));

  // M1 to cell (0, 1), centre (375, 125): the last macro; the soft macro moves (force-directed).
  step = env.step(8128);
  EXPECT_TRUE(step.done);
  EXPECT_DOUBLE_EQ(step.reward, -step.info.costs.proxy);
  expect_features(obs, 1, {0.375F, 0.125F, 0.08F, 0.04F, 1, 1});
  expect_features(obs, 2,
                  {static_cast<float>(env.cost().x(8) / 1000),
                   static_cast<float>(env.cost().y(8) / 1000), 0, 0, 2, 1});
  EXPECT_TRUE(legal_actions(obs).empty());
  EXPECT_EQ(obs.current_node, 0);
}

TEST(Observation, UnplacedMacrosAtTheCanvasCentreWhenAsked) {
  EnvOptions options;
  options.unplaced_location = UnplacedLocation::kCanvasCentre;
  PlacementEnv env(sample_clustered(options));
  const Observation& obs = env.reset(0);
  expect_features(obs, 0, {0.25F, 0.25F, 0.12F, 0.12F, 1, 0});
  expect_features(obs, 1, {0.25F, 0.25F, 0.08F, 0.04F, 1, 0});
}

TEST(Observation, ArianeMetadataAndCtAllocationQuirk) {
  // Ariane: 24 x 21 grid, canvas 1433.406 square, routes 57.031 / 56.818, macro allocation
  // 39.583 / 30.303; 133 hard and 782 soft macros.
  EnvOptions options;
  PlacementEnv env(testing::ariane(options));
  const Observation& obs = env.reset(0);
  const double side = 1433.406;
  EXPECT_FLOAT_EQ(obs.metadata[kMetaHardMacros], 133.0F / 5000);
  EXPECT_FLOAT_EQ(obs.metadata[kMetaSoftMacros], 782.0F / 5000);
  EXPECT_FLOAT_EQ(obs.metadata[kMetaHorizontalRoutes], static_cast<float>(57.031 * side / 1000));
  EXPECT_FLOAT_EQ(obs.metadata[kMetaVerticalRoutes], static_cast<float>(56.818 * side / 1000));
  EXPECT_FLOAT_EQ(obs.metadata[kMetaHorizontalMacroRoutes],
                  static_cast<float>(39.583 * side / 1000));
  EXPECT_FLOAT_EQ(obs.metadata[kMetaVerticalMacroRoutes], static_cast<float>(30.303 * side / 1000));
  EXPECT_FLOAT_EQ(obs.metadata[kMetaColumns], 24.0F / 128);
  EXPECT_FLOAT_EQ(obs.metadata[kMetaRows], 21.0F / 128);
  EXPECT_EQ(obs.num_nodes, 133 + 782 + env.design().graph.num_port_clusters());
  EXPECT_EQ(obs.metadata[kMetaPortClusters],
            static_cast<float>(env.design().graph.num_port_clusters() / 5000.0));
  options.ct_macro_allocation_quirk = true;
  PlacementEnv quirky(testing::ariane(options));
  EXPECT_FLOAT_EQ(quirky.reset(0).metadata[kMetaVerticalMacroRoutes],
                  static_cast<float>(39.583 * side / 1000));
}

TEST(Observation, DensityAndCongestionMapsAreTheEvaluatorsPadded) {
  EnvOptions options;
  options.observation.density = options.observation.congestion = true;
  PlacementEnv env(testing::ariane(options));
  std::mt19937_64 random(3);
  env.reset(3);
  for (int step = 0; step < 40; ++step) {
    env.step(testing::random_legal_action(env.observation(), &random));
  }
  const Observation& obs = env.observation();
  const ActionSpace& space = env.design().action_space;
  const std::vector<double> density = env.cost().density_map();
  std::vector<double> horizontal, vertical;
  env.cost().congestion_maps(&horizontal, &vertical);
  for (std::int32_t a = 0; a < space.size(); ++a) {
    std::int32_t row = 0, col = 0;
    if (!space.cell_of(a, &row, &col)) {
      ASSERT_EQ(obs.density[a], 0);
      ASSERT_EQ(obs.congestion[a], 0);
      continue;
    }
    const std::size_t cell = static_cast<std::size_t>(row) * space.cols + col;
    ASSERT_FLOAT_EQ(obs.density[a], static_cast<float>(density[cell]));
    ASSERT_FLOAT_EQ(obs.congestion[a],
                    static_cast<float>(std::max(horizontal[cell], vertical[cell])));
  }
  EXPECT_GT(*std::max_element(obs.density.begin(), obs.density.end()), 0);
}

TEST(Observation, WireMaskIsTheWirelengthEachCellWouldAdd) {
  EnvOptions options;
  options.observation.wire_mask = true;
  options.observation.normalize_wire_mask = false;
  PlacementEnv env(testing::ariane(options));
  std::mt19937_64 random(11);
  env.reset(11);
  int checked = 0;
  while (!env.done()) {
    const std::int32_t action = testing::random_legal_action(env.observation(), &random);
    const double expected = env.observation().wire_mask[action];
    const double before = env.cost().costs().wirelength;
    env.step(action);
    if (env.done()) break;  // the last step also moves the soft macros
    const double after = env.cost().costs().wirelength;
    // The mask holds floats: compare to float precision.
    ASSERT_NEAR(after - before, expected, 1e-6 * std::abs(expected) + 1e-3)
        << "step " << env.steps_taken();
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(Observation, NormalisedWireMaskSpansZeroToOneOnTheGrid) {
  EnvOptions options;
  options.observation.wire_mask = true;
  PlacementEnv env(testing::ariane(options));
  std::mt19937_64 random(12);
  env.reset(12);
  for (int step = 0; step < 20; ++step) {
    env.step(testing::random_legal_action(env.observation(), &random));
  }
  const std::vector<float>& wire = env.observation().wire_mask;
  const ActionSpace& space = env.design().action_space;
  float low = 2, high = -1;
  for (std::int32_t cell = 0; cell < space.rows * space.cols; ++cell) {
    low = std::min(low, wire[space.action_of_cell(cell)]);
    high = std::max(high, wire[space.action_of_cell(cell)]);
  }
  EXPECT_FLOAT_EQ(low, 0);
  EXPECT_FLOAT_EQ(high, 1);
  EXPECT_EQ(wire[0], 0);  // padding
}

}  // namespace
}  // namespace macroplace::env
