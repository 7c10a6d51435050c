// Simulated annealing: never worse than its start, always legal, reproducible from a seed at
// any thread count, and fixed macros stay put.
#include "macroplace/placement/simulated_annealing.h"

#include <gtest/gtest.h>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/legality.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using netlist::NodeKind;

class AnnealAriane : public ::testing::Test {
 protected:
  void SetUp() override {
    netlist::PlacementFile plc;
    ASSERT_TRUE(macroplace::testing::load_ariane("legalized.plc", &design_, &plc).ok());
    settings_ = settings_for(design_, &plc.settings);
    // Start from a worse but still legal placement: swap same-sized hard macros around.
    std::vector<NodeId> macros;
    for (NodeId node = 0; node < design_.num_nodes(); ++node) {
      if (design_.kind(node) == NodeKind::kHardMacro) macros.push_back(node);
    }
    for (std::size_t i = 0; i < macros.size(); ++i) {
      const NodeId a = macros[i], b = macros[(i * 37 + 11) % macros.size()];
      if (a == b || design_.width(a) != design_.width(b) ||
          design_.height(a) != design_.height(b) ||
          design_.orientation(a) != design_.orientation(b)) {
        continue;
      }
      const double ax = design_.x(a), ay = design_.y(a);
      design_.set_position(a, design_.x(b), design_.y(b));
      design_.set_position(b, ax, ay);
    }
    options_.time_limit_seconds = 0;
    options_.max_moves = 1500;
    options_.chains = 2;
    options_.seed = 7;
  }

  std::vector<double> hard_macro_positions(const ProxyCost& cost) const {
    std::vector<double> positions;
    for (NodeId node = 0; node < design_.num_nodes(); ++node) {
      if (design_.kind(node) != NodeKind::kHardMacro) continue;
      positions.push_back(cost.x(node));
      positions.push_back(cost.y(node));
      positions.push_back(static_cast<double>(cost.orientation(node)));
    }
    return positions;
  }

  netlist::Netlist design_;
  CostSettings settings_;
  AnnealingOptions options_;
};

TEST_F(AnnealAriane, ImprovesAndStaysLegal) {
  ProxyCost cost(design_, settings_);
  ASSERT_TRUE(options_.validate().ok());
  const AnnealingResult result = anneal_macros(&cost, options_);
  EXPECT_LE(result.best.proxy, result.initial.proxy);
  EXPECT_LT(result.best.proxy, result.initial.proxy - 1e-4) << "1500 moves should find something";
  EXPECT_EQ(result.moves, 2 * options_.max_moves);
  EXPECT_GT(result.accepted, 0);
  // The evaluator now holds the best placement, and its costs are what the result says.
  EXPECT_NEAR(cost.costs().proxy, result.best.proxy, 1e-12);
  EXPECT_NEAR(cost.recompute().proxy, result.best.proxy, 1e-9);
  const LegalityReport legality = check_legality(cost);
  EXPECT_TRUE(legality.overlapping_macro_pairs.empty());
  EXPECT_FALSE(legality.hard_macro_off_canvas);
}

TEST_F(AnnealAriane, SameSeedSameResultAtAnyThreadCount) {
  ProxyCost one(design_, settings_), two(design_, settings_);
  options_.threads = 1;
  const AnnealingResult a = anneal_macros(&one, options_);
  options_.threads = 2;
  const AnnealingResult b = anneal_macros(&two, options_);
  EXPECT_EQ(a.best.proxy, b.best.proxy);
  EXPECT_EQ(hard_macro_positions(one), hard_macro_positions(two));
  ProxyCost other(design_, settings_);
  options_.seed = 8;
  anneal_macros(&other, options_);
  EXPECT_NE(hard_macro_positions(one), hard_macro_positions(other));
}

TEST_F(AnnealAriane, FixedMacrosNeverMove) {
  NodeId fixed = netlist::kNoNode;
  for (NodeId node = 0; node < design_.num_nodes() && fixed == netlist::kNoNode; ++node) {
    if (design_.kind(node) == NodeKind::kHardMacro) fixed = node;
  }
  design_.set_fixed(fixed, true);
  ProxyCost cost(design_, settings_);
  const double x = cost.x(fixed), y = cost.y(fixed);
  options_.chains = 1;
  anneal_macros(&cost, options_);
  EXPECT_EQ(cost.x(fixed), x);
  EXPECT_EQ(cost.y(fixed), y);
}

TEST_F(AnnealAriane, SoftMacroShiftsKeepHardMacrosLegal) {
  ProxyCost cost(design_, settings_);
  options_.soft_shift_weight = 1.0;
  options_.soft_shift_temperature = 1.0;  // from the first move, so this short run uses them
  // Clusters all stacked at the canvas centre: plenty for soft shifts to improve.
  std::vector<NodeId> soft;
  for (NodeId node = 0; node < design_.num_nodes(); ++node) {
    if (design_.kind(node) == NodeKind::kSoftMacro) soft.push_back(node);
  }
  cost.set_positions(soft, std::vector<double>(soft.size(), settings_.canvas_width / 2),
                     std::vector<double>(soft.size(), settings_.canvas_height / 2));
  std::vector<double> soft_before(soft.size());
  for (std::size_t i = 0; i < soft.size(); ++i) soft_before[i] = cost.x(soft[i]);
  const AnnealingResult result = anneal_macros(&cost, options_);
  std::printf("soft shifts: %.6f -> %.6f, %lld accepted\n", result.initial.proxy, result.best.proxy,
              static_cast<long long>(result.accepted));
  EXPECT_LT(result.best.proxy, result.initial.proxy - 1e-3);
  std::vector<double> soft_after;
  for (NodeId node = 0; node < design_.num_nodes(); ++node) {
    if (design_.kind(node) != NodeKind::kSoftMacro) continue;
    soft_after.push_back(cost.x(node));
    EXPECT_GE(cost.x(node), 0.0);  // centres stay on the canvas
    EXPECT_LE(cost.x(node), settings_.canvas_width);
  }
  EXPECT_NE(soft_before, soft_after);  // some clusters moved
  EXPECT_NEAR(cost.recompute().proxy, result.best.proxy, 1e-9);
  const LegalityReport legality = check_legality(cost);
  EXPECT_TRUE(legality.overlapping_macro_pairs.empty());
  EXPECT_FALSE(legality.hard_macro_off_canvas);
}

TEST(AnnealingOptions, ValidateNamesTheProblem) {
  AnnealingOptions options;
  EXPECT_TRUE(options.validate().ok());
  options.time_limit_seconds = 0;
  EXPECT_NE(options.validate().message().find("time limit"), std::string::npos);
  options.max_moves = 10;
  options.cooling_span = 0;
  EXPECT_NE(options.validate().message().find("cooling"), std::string::npos);
  options.cooling_span = 1e-3;
  options.soft_shift_temperature = 2;
  EXPECT_NE(options.validate().message().find("soft-shift"), std::string::npos);
  options.soft_shift_temperature = 1e-2;
  options.shift_weight = options.swap_weight = options.mirror_weight = options.jump_weight =
      options.shuffle_weight = 0;
  EXPECT_NE(options.validate().message().find("weight"), std::string::npos);
}

}  // namespace
}  // namespace macroplace::placement
