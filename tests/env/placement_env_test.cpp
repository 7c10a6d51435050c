// Episodes: final costs against a fresh evaluator and `macroplace cost` on the written .plc,
// reward modes, determinism, infeasible episodes, soft-macro placers, misuse and bad designs.
#include "macroplace/env/placement_env.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "env_testing.h"
#include "macroplace/cli/commands.h"
#include "macroplace/placement/legality.h"

namespace macroplace::env {
namespace {

using netlist::NodeKind;

// Runs one episode with a random policy seeded by `seed`; returns the rewards.
std::vector<double> random_episode(PlacementEnv* env, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  env->reset(seed);
  std::vector<double> rewards;
  while (!env->done()) {
    rewards.push_back(env->step(testing::random_legal_action(env->observation(), &random)).reward);
  }
  return rewards;
}

// A fresh evaluator on the environment's positions.
placement::CostBreakdown fresh_costs(const PlacementEnv& env) {
  netlist::Netlist copy = *env.design().netlist;
  for (NodeId node = 0; node < copy.num_nodes(); ++node) {
    if (netlist::is_pin(copy.kind(node))) continue;
    copy.set_position(node, env.cost().x(node), env.cost().y(node));
    copy.set_orientation(node, env.cost().orientation(node));
  }
  placement::ProxyCost fresh(copy, env.design().settings);
  return fresh.costs();
}

double json_number(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const std::size_t at = json.find(needle);
  EXPECT_NE(at, std::string::npos) << key << " missing in " << json;
  return at == std::string::npos ? NAN : std::stod(json.substr(at + needle.size()));
}

TEST(PlacementEnv, FinalCostEqualsAFreshEvaluatorAndMacroplaceCost) {
  PlacementEnv env(testing::ariane());
  const std::vector<double> rewards = random_episode(&env, 7);
  ASSERT_TRUE(env.done());
  ASSERT_FALSE(env.info().infeasible);
  EXPECT_EQ(rewards.size(), 133u);
  const placement::CostBreakdown& final_costs = env.info().costs;
  EXPECT_DOUBLE_EQ(rewards.back(), -final_costs.proxy);
  EXPECT_GT(final_costs.proxy, 0.5);  // a random placement: worse than legalized.plc's 0.686
  EXPECT_TRUE(placement::check_legality(env.cost()).legal());
  EXPECT_GT(env.info().soft_macro_seconds, 0);

  const placement::CostBreakdown fresh = fresh_costs(env);
  EXPECT_NEAR(fresh.proxy, final_costs.proxy, 1e-9);
  EXPECT_NEAR(fresh.wirelength_cost, final_costs.wirelength_cost, 1e-9);
  EXPECT_NEAR(fresh.density_cost, final_costs.density_cost, 1e-9);
  EXPECT_NEAR(fresh.congestion_cost, final_costs.congestion_cost, 1e-9);

  const std::string plc = macroplace::testing::make_temp_dir("env") + "/episode.plc";
  const Status written = env.write_plc(plc);
  ASSERT_TRUE(written.ok()) << written.to_string();
  std::ostringstream out, err;
  const int status = cli::run_command(
      {"cost", macroplace::testing::example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc", plc,
       "--json"},
      out, err);
  ASSERT_EQ(status, cli::kExitSuccess) << err.str();
  EXPECT_NEAR(json_number(out.str(), "proxy"), final_costs.proxy, 1e-9);
  EXPECT_NEAR(json_number(out.str(), "wirelength_cost"), final_costs.wirelength_cost, 1e-9);
  EXPECT_NEAR(json_number(out.str(), "density_cost"), final_costs.density_cost, 1e-9);
  EXPECT_NEAR(json_number(out.str(), "congestion_cost"), final_costs.congestion_cost, 1e-9);
  EXPECT_NE(out.str().find("\"legal\":true"), std::string::npos);
}

TEST(PlacementEnv, DenseRewardsTelescopeToTheTerminalValue) {
  EnvOptions options;
  options.reward = RewardMode::kDense;
  PlacementEnv dense(testing::ariane(options));
  PlacementEnv terminal(testing::ariane());
  for (const std::uint64_t seed : {4, 5}) {
    std::mt19937_64 random(seed);
    dense.reset(seed);
    double sum = 0, previous_proxy = 0;
    while (!dense.done()) {
      const StepResult step =
          dense.step(testing::random_legal_action(dense.observation(), &random));
      if (!step.done) {
        // -(proxy_t - proxy_(t-1)) of the partial placement, with proxy_(-1) = 0.
        EXPECT_NEAR(step.reward, -(step.info.costs.proxy - previous_proxy), 1e-12);
        EXPECT_NEAR(step.info.costs.proxy, dense.cost().costs().proxy, 1e-12);
        previous_proxy = step.info.costs.proxy;
      }
      sum += step.reward;
    }
    EXPECT_NEAR(sum, -dense.info().costs.proxy, 1e-9);
    // The same actions under terminal rewards: zeros, then the same total.
    const std::vector<double> rewards = random_episode(&terminal, seed);
    for (std::size_t t = 0; t + 1 < rewards.size(); ++t) ASSERT_EQ(rewards[t], 0);
    EXPECT_NEAR(rewards.back(), sum, 1e-9);
    EXPECT_EQ(terminal.info().costs.proxy, dense.info().costs.proxy);
  }
}

TEST(PlacementEnv, SameSeedSameEpisodeAndResetRestoresTheStart) {
  EnvOptions options;
  options.order = MacroOrder::kRandom;
  const auto design = testing::ariane(options);
  PlacementEnv a(design), b(design), fresh(design);
  const std::vector<double> first = random_episode(&a, 21);
  // a: a second episode with another seed, then 21 again; b: 21 once.
  random_episode(&a, 22);
  const std::vector<NodeId> order_22 = a.order();
  const std::vector<double> again = random_episode(&a, 21);
  const std::vector<double> other = random_episode(&b, 21);
  EXPECT_EQ(first, again);
  EXPECT_EQ(first, other);
  EXPECT_EQ(a.order(), b.order());
  EXPECT_NE(a.order(), order_22);
  EXPECT_EQ(a.observation().node_features, b.observation().node_features);
  EXPECT_EQ(a.info().costs.proxy, b.info().costs.proxy);
  // After episodes, reset gives exactly what a fresh environment's reset gives.
  const Observation& reset_a = a.reset(30);
  const Observation& reset_fresh = fresh.reset(30);
  EXPECT_EQ(reset_a.node_features, reset_fresh.node_features);
  EXPECT_EQ(reset_a.mask, reset_fresh.mask);
  EXPECT_EQ(reset_a.current_node, reset_fresh.current_node);
  EXPECT_NEAR(a.cost().costs().proxy, fresh.cost().costs().proxy, 1e-12);
}

// Canvas 26 x 26, grid 2 x 2 (centres 6.5 and 19.5), five 6 x 6 macros: the four cells take
// four of them, the fifth has no legal cell. Off the grid, the strip x (or y) in
// [12.6, 13.4] between the placed macros' grown footprints is still free.
std::shared_ptr<const EnvDesign> crowded_design(const EnvOptions& options) {
  auto design = std::make_shared<netlist::Netlist>();
  for (int i = 0; i < 4; ++i) {
    design->add_node(NodeKind::kHardMacro, "m" + std::to_string(i), 6, 6, 13, 13);
  }
  design->add_node(NodeKind::kHardMacro, "last", 6, 6, 13, 10);
  placement::CostSettings settings = placement::settings_for(*design, nullptr);
  settings.canvas_width = settings.canvas_height = 26;
  settings.columns = settings.rows = 2;
  std::shared_ptr<const EnvDesign> out;
  const Status status = make_env_design(design, settings, options, &out);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return out;
}

TEST(PlacementEnv, InfeasibleEpisodeEndsWithThePenalty) {
  for (const RewardMode mode : {RewardMode::kTerminal, RewardMode::kDense}) {
    EnvOptions options;
    options.reward = mode;
    PlacementEnv env(crowded_design(options));
    env.reset(0);
    const ActionSpace& space = env.design().action_space;
    double sum = 0;
    for (std::int32_t cell = 0; cell < 3; ++cell) {
      const StepResult step = env.step(space.action_of_cell(cell));
      ASSERT_FALSE(step.done);
      sum += step.reward;
    }
    EXPECT_EQ(env.legal_action_count(), 1);
    const StepResult last = env.step(space.action_of_cell(3));
    sum += last.reward;
    EXPECT_TRUE(last.done);
    EXPECT_TRUE(last.info.infeasible);
    EXPECT_EQ(last.info.placed_macros, 4);
    EXPECT_EQ(last.info.unplaced_macros, 1);
    EXPECT_DOUBLE_EQ(sum, -4.0);
    if (mode == RewardMode::kTerminal) {
      EXPECT_EQ(last.reward, -4.0);
    }
    EXPECT_FALSE(env.cost().placed(4));
    EXPECT_TRUE(placement::check_legality(env.cost()).legal());
  }
}

TEST(PlacementEnv, InfeasibleEpisodeCanBeCompletedOffTheGrid) {
  EnvOptions options;
  options.infeasible = InfeasiblePolicy::kComplete;
  PlacementEnv env(crowded_design(options));
  env.reset(0);
  const ActionSpace& space = env.design().action_space;
  StepResult step;
  for (std::int32_t cell = 0; cell < 4; ++cell) step = env.step(space.action_of_cell(cell));
  EXPECT_TRUE(step.done);
  EXPECT_TRUE(step.info.infeasible);
  EXPECT_EQ(step.info.completed_macros, 1);
  EXPECT_EQ(step.info.unplaced_macros, 0);
  // Its input position (13, 10) is free: x = 13 lies between the grown footprints.
  EXPECT_TRUE(env.cost().placed(4));
  EXPECT_EQ(env.cost().x(4), 13);
  EXPECT_EQ(env.cost().y(4), 10);
  // The agent's macros did not move.
  EXPECT_EQ(env.cost().x(0), 6.5);
  EXPECT_EQ(env.cost().y(3), 19.5);
  EXPECT_TRUE(placement::check_legality(env.cost()).legal());
  EXPECT_DOUBLE_EQ(step.reward, -step.info.costs.proxy);
}

TEST(PlacementEnv, MisuseThrows) {
  PlacementEnv env(
      testing::load_example("ct/sample_clustered", "netlist.pb.txt", "initial.plc", EnvOptions{}));
  EXPECT_THROW(env.step(8255), std::logic_error);  // before reset
  env.reset(0);
  EXPECT_FALSE(env.legal(0));  // padding
  EXPECT_THROW(env.step(0), std::invalid_argument);
  EXPECT_THROW(env.step(-3), std::invalid_argument);
  env.step(8255);
  EXPECT_THROW(env.step(8255), std::invalid_argument);  // M1 may not go where M0 is
  env.step(8128);
  EXPECT_TRUE(env.done());
  EXPECT_EQ(env.current_macro(), netlist::kNoNode);
  EXPECT_THROW(env.step(8127), std::logic_error);
}

TEST(PlacementEnv, SoftMacroPlacersAndWeights) {
  const auto run = [](const EnvOptions& options) {
    PlacementEnv env(
        testing::load_example("ct/sample_clustered", "netlist.pb.txt", "initial.plc", options));
    env.reset(0);
    env.step(8255);
    const StepResult last = env.step(8128);
    EXPECT_TRUE(last.done);
    EXPECT_NEAR(fresh_costs(env).proxy, last.info.costs.proxy, 1e-12);
    return std::make_pair(last.info.costs, std::make_pair(env.cost().x(8), env.cost().y(8)));
  };
  EnvOptions options;
  options.soft_macro_placer = SoftMacroPlacer::kKeep;
  const auto kept = run(options);
  EXPECT_EQ(kept.second, std::make_pair(170.0, 310.0));  // Grp_2 where the .plc put it
  options.soft_macro_placer = SoftMacroPlacer::kForceDirected;
  const auto force_directed = run(options);
  EXPECT_NE(force_directed.second, kept.second);
  options.soft_macro_placer = SoftMacroPlacer::kAnalytical;
  const auto analytical = run(options);
  EXPECT_NE(analytical.second, kept.second);
  // CT's weights 1 / 1 / 0.5 instead of the published 1 / 0.5 / 0.5.
  options.soft_macro_placer = SoftMacroPlacer::kKeep;
  options.weights = placement::CostWeights::circuit_training();
  const placement::CostBreakdown ct = run(options).first;
  EXPECT_NEAR(ct.proxy, ct.wirelength_cost + ct.density_cost + 0.5 * ct.congestion_cost, 1e-12);
  EXPECT_NEAR(
      kept.first.proxy,
      kept.first.wirelength_cost + 0.5 * kept.first.density_cost + 0.5 * kept.first.congestion_cost,
      1e-12);
}

TEST(PlacementEnv, DesignsThatCannotWorkAreRefused) {
  auto design = std::make_shared<netlist::Netlist>();
  design->add_node(NodeKind::kHardMacro, "big", 30, 30, 10, 10);
  placement::CostSettings settings = placement::settings_for(*design, nullptr);
  settings.canvas_width = settings.canvas_height = 20;  // the macro cannot fit
  settings.columns = settings.rows = 2;
  std::shared_ptr<const EnvDesign> out;
  Status status = make_env_design(design, settings, EnvOptions{}, &out);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'big'"), std::string::npos) << status.message();
  // 40 x 40 with one cell: centre (20, 20), the footprint [5, 35]^2 fits.
  settings.canvas_width = settings.canvas_height = 40;
  settings.columns = settings.rows = 1;
  EXPECT_TRUE(make_env_design(design, settings, EnvOptions{}, &out).ok());
  settings.columns = 200;  // wider than the 128-cell action space
  EXPECT_FALSE(make_env_design(design, settings, EnvOptions{}, &out).ok());
  settings.columns = 1;
  EnvOptions options;
  options.observation.max_nodes = 0;
  EXPECT_FALSE(make_env_design(design, settings, options, &out).ok());
  options = EnvOptions{};
  options.spacing = -1;
  EXPECT_FALSE(make_env_design(design, settings, options, &out).ok());
  design->set_fixed(0, true);  // nothing left to place
  EXPECT_FALSE(make_env_design(design, settings, EnvOptions{}, &out).ok());
  EXPECT_FALSE(make_env_design(nullptr, settings, EnvOptions{}, &out).ok());
}

}  // namespace
}  // namespace macroplace::env
