// Simulated annealing: never worse than its start, always legal (soft macros' whole footprints
// on the canvas too), reproducible from a seed at any thread count, every chain given its share
// of a time limit, and fixed macros stay put.
#include "macroplace/placement/simulated_annealing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

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

  std::vector<NodeId> soft_macros() const {
    std::vector<NodeId> soft;
    for (NodeId node = 0; node < design_.num_nodes(); ++node) {
      if (design_.kind(node) == NodeKind::kSoftMacro) soft.push_back(node);
    }
    return soft;
  }

  std::vector<double> soft_macro_positions(const ProxyCost& cost) const {
    std::vector<double> positions;
    for (const NodeId node : soft_macros()) {
      positions.push_back(cost.x(node));
      positions.push_back(cost.y(node));
    }
    return positions;
  }

  // Soft macros whose footprint is not wholly inside the canvas, as the legality check sees it.
  static std::vector<NodeId> soft_macros_off_canvas(const ProxyCost& cost) {
    const LegalityReport legality = check_legality(cost);
    std::vector<NodeId> off;
    for (const std::vector<NodeId>* list :
         {&legality.crossing_canvas_edge, &legality.outside_canvas}) {
      for (const NodeId node : *list) {
        if (cost.netlist().kind(node) == NodeKind::kSoftMacro) off.push_back(node);
      }
    }
    return off;
  }

  // Puts soft macro i against edge i % 4 (left, right, bottom, top), spread along it; `inset` is
  // how far the centre sits from the edge as a fraction of the half size (1: touching the edge
  // from inside, 0: centre on the edge, half the footprint over it).
  void line_soft_macros_along_edges(double inset, ProxyCost* cost) const {
    const std::vector<NodeId> soft = soft_macros();
    const std::size_t macros_per_edge = (soft.size() + 3) / 4;  // rounded up
    const double per_edge = static_cast<double>(macros_per_edge);
    std::vector<double> x(soft.size()), y(soft.size());
    const double width = settings_.canvas_width, height = settings_.canvas_height;
    for (std::size_t i = 0; i < soft.size(); ++i) {
      const double half_w = design_.width(soft[i]) / 2, half_h = design_.height(soft[i]) / 2;
      const std::size_t slot = i / 4;  // place along its edge
      const double along = (static_cast<double>(slot) + 0.5) / per_edge;
      const double along_x = half_w + along * (width - 2 * half_w);
      const double along_y = half_h + along * (height - 2 * half_h);
      const bool upright_edge = i % 4 < 2;  // left or right
      x[i] = upright_edge ? (i % 4 == 0 ? inset * half_w : width - inset * half_w) : along_x;
      y[i] = upright_edge ? along_y : (i % 4 == 2 ? inset * half_h : height - inset * half_h);
    }
    cost->set_positions(soft, x, y);
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
  EXPECT_EQ(result.chain_moves, std::vector<std::int64_t>(2, options_.max_moves));
  EXPECT_GT(result.accepted, 0);
  // The evaluator now holds the best placement, and its costs are what the result says.
  EXPECT_NEAR(cost.costs().proxy, result.best.proxy, 1e-12);
  EXPECT_NEAR(cost.recompute().proxy, result.best.proxy, 1e-9);
  const LegalityReport legality = check_legality(cost);
  EXPECT_TRUE(legality.overlapping_macro_pairs.empty());
  EXPECT_FALSE(legality.hard_macro_off_canvas);
}

// A run that starts part-way into the cooling schedule is colder from its first move: it accepts
// fewer moves for the same seed and move count, and still never ends above its start.
TEST_F(AnnealAriane, ALaterScheduleStartAcceptsFewerMoves) {
  std::int64_t accepted[2] = {0, 0};
  for (const int cold : {0, 1}) {
    ProxyCost cost(design_, settings_);
    AnnealingOptions options = options_;
    options.schedule_start = cold == 1 ? 0.9 : 0.0;
    const AnnealingResult result = anneal_macros(&cost, options);
    EXPECT_LE(result.best.proxy, result.initial.proxy);
    EXPECT_TRUE(check_legality(cost).overlapping_macro_pairs.empty());
    accepted[cold] = result.accepted;
  }
  EXPECT_LT(accepted[1], accepted[0] * 0.8) << accepted[0] << " vs " << accepted[1];
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

// Waves of chains (three chains on one or two threads) change nothing in a move-budget run, soft
// shifts and the initial pull of soft macros onto the canvas included.
TEST_F(AnnealAriane, SameSeedSameResultWithChainsInWaves) {
  options_.chains = 3;
  options_.soft_shift_weight = 0.3;
  options_.soft_shift_temperature = 1.0;
  ProxyCost one(design_, settings_), two(design_, settings_);
  line_soft_macros_along_edges(0.0, &one);
  line_soft_macros_along_edges(0.0, &two);
  options_.threads = 1;
  const AnnealingResult a = anneal_macros(&one, options_);
  options_.threads = 2;
  const AnnealingResult b = anneal_macros(&two, options_);
  EXPECT_EQ(a.best.proxy, b.best.proxy);
  EXPECT_EQ(a.best_chain, b.best_chain);
  EXPECT_EQ(a.chain_moves, std::vector<std::int64_t>(3, options_.max_moves));
  EXPECT_EQ(a.chain_moves, b.chain_moves);
  EXPECT_EQ(a.accepted, b.accepted);
  EXPECT_EQ(hard_macro_positions(one), hard_macro_positions(two));
  EXPECT_EQ(soft_macro_positions(one), soft_macro_positions(two));
}

// With more chains than threads the chains run in waves; each still gets its share of the time
// limit (here half of it), not whatever the earlier waves left over.
TEST_F(AnnealAriane, EveryChainGetsItsShareOfTheTimeLimit) {
  ProxyCost cost(design_, settings_);
  options_.max_moves = 0;
  options_.time_limit_seconds = 1.0;
  options_.threads = 1;
  options_.chains = 2;
  const AnnealingResult result = anneal_macros(&cost, options_);
  ASSERT_EQ(result.chain_moves.size(), 2u);
  std::printf("chain moves: %lld, %lld in %.2f s\n", static_cast<long long>(result.chain_moves[0]),
              static_cast<long long>(result.chain_moves[1]), result.seconds);
  const std::int64_t fewer = std::min(result.chain_moves[0], result.chain_moves[1]);
  const std::int64_t more = std::max(result.chain_moves[0], result.chain_moves[1]);
  EXPECT_GT(fewer, 0);
  EXPECT_GE(3 * fewer, more) << "the second wave should anneal as long as the first";
  EXPECT_EQ(result.moves, result.chain_moves[0] + result.chain_moves[1]);
  EXPECT_LT(result.seconds, 2 * options_.time_limit_seconds) << "the waves share one time limit";
}

// Mirror moves only into orientations a macro's cell allows: a third of the macros may keep only
// their own orientation, a third one mirror more, the rest any. Mirrors alone, hot: many are
// taken, and none leaves its macro's set.
TEST_F(AnnealAriane, MirrorsOnlyIntoAllowedOrientations) {
  using netlist::Orientation;
  using netlist::orientation_bit;
  std::vector<NodeId> hard;
  for (NodeId node = 0; node < design_.num_nodes(); ++node) {
    if (design_.kind(node) == NodeKind::kHardMacro) hard.push_back(node);
  }
  for (std::size_t i = 0; i < hard.size(); ++i) {
    const Orientation now = design_.orientation(hard[i]);
    ASSERT_FALSE(netlist::swaps_width_and_height(now));
    const Orientation other = now == Orientation::kN ? Orientation::kFS : Orientation::kN;
    if (i % 3 == 0) design_.set_allowed_orientations(hard[i], orientation_bit(now));
    if (i % 3 == 1) {
      design_.set_allowed_orientations(hard[i], orientation_bit(now) | orientation_bit(other));
    }
  }
  options_.shift_weight = options_.swap_weight = options_.jump_weight = 0;
  options_.shuffle_weight = 0;
  options_.mirror_weight = 1;
  ASSERT_TRUE(options_.validate().ok());
  ProxyCost cost(design_, settings_);
  anneal_macros(&cost, options_);
  int turned[3] = {0, 0, 0};
  for (std::size_t i = 0; i < hard.size(); ++i) {
    const NodeId node = hard[i];
    EXPECT_TRUE(netlist::allows(design_.allowed_orientations(node), cost.orientation(node)))
        << design_.name(node) << " in " << netlist::orientation_name(cost.orientation(node));
    turned[i % 3] += cost.orientation(node) != design_.orientation(node) ? 1 : 0;
  }
  EXPECT_EQ(turned[0], 0);
  EXPECT_GT(turned[1], 0);
  EXPECT_GT(turned[2], 0);
  EXPECT_TRUE(check_legality(cost).legal());
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

// Soft shifts keep a soft macro's whole footprint on the canvas, not just its centre: clusters
// lined up against the edges, shifted from the first move, never hang over them.
TEST_F(AnnealAriane, SoftShiftsKeepSoftFootprintsOnTheCanvas) {
  ProxyCost cost(design_, settings_);
  options_.soft_shift_weight = 2.0;
  options_.soft_shift_temperature = 1.0;
  options_.max_moves = 3000;
  line_soft_macros_along_edges(1.0, &cost);
  ASSERT_TRUE(soft_macros_off_canvas(cost).empty());
  const std::vector<double> before = soft_macro_positions(cost);
  const AnnealingResult result = anneal_macros(&cost, options_);
  const std::vector<NodeId> off = soft_macros_off_canvas(cost);
  std::printf("%zu of %zu soft macros off the canvas, %lld accepted\n", off.size(),
              soft_macros().size(), static_cast<long long>(result.accepted));
  EXPECT_TRUE(off.empty()) << off.size() << " soft macros cross the canvas edge";
  EXPECT_NE(soft_macro_positions(cost), before);  // the shifts did run
  EXPECT_LE(result.best.proxy, result.initial.proxy);
  EXPECT_NEAR(cost.recompute().proxy, result.best.proxy, 1e-9);
  EXPECT_TRUE(check_legality(cost).legal());
}

// Soft macros that start half over the edge are pulled onto the canvas before annealing, even
// when the run ends before soft shifts begin (default soft-shift temperature).
TEST_F(AnnealAriane, SoftMacrosStartingOverTheEdgeArePulledIn) {
  ProxyCost cost(design_, settings_);
  options_.soft_shift_weight = 0.2;
  line_soft_macros_along_edges(0.0, &cost);
  ASSERT_EQ(soft_macros_off_canvas(cost).size(), soft_macros().size());
  const AnnealingResult result = anneal_macros(&cost, options_);
  const std::vector<NodeId> off = soft_macros_off_canvas(cost);
  std::printf("%zu of %zu soft macros off the canvas after annealing\n", off.size(),
              soft_macros().size());
  EXPECT_TRUE(off.empty()) << off.size() << " soft macros cross the canvas edge";
  EXPECT_LE(result.best.proxy, result.initial.proxy);  // `initial` is after the pull
  EXPECT_NEAR(cost.recompute().proxy, result.best.proxy, 1e-9);
}

// A soft macro wider than the canvas sits centred across it; in the other dimension it fits and
// stays inside. A 100 x 100 canvas, one hard macro, a 150 x 30 and a 10 x 10 cluster, both
// starting over the edge.
TEST(Annealing, SoftMacroWiderThanTheCanvasIsCentred) {
  netlist::Netlist design;
  const NodeId hard = design.add_node(NodeKind::kHardMacro, "ram", 10, 10, 20, 20);
  const NodeId hard_pin = design.add_pin(hard, NodeKind::kHardMacroPin, "ram/q", 0, 0);
  const NodeId wide = design.add_node(NodeKind::kSoftMacro, "wide", 150, 30, 90, 95);
  const NodeId wide_pin = design.add_pin(wide, NodeKind::kSoftMacroPin, "wide/p", 0, 0);
  const NodeId small = design.add_node(NodeKind::kSoftMacro, "small", 10, 10, 99, 1);
  const NodeId small_pin = design.add_pin(small, NodeKind::kSoftMacroPin, "small/p", 0, 0);
  const NodeId net[] = {hard_pin, wide_pin, small_pin};
  design.add_net(net, 3);
  CostSettings settings;
  settings.canvas_width = settings.canvas_height = 100;
  ProxyCost cost(design, settings);
  AnnealingOptions options;
  options.time_limit_seconds = 0;
  options.max_moves = 500;
  options.chains = 1;
  options.soft_shift_weight = 1.0;
  options.soft_shift_temperature = 1.0;
  ASSERT_TRUE(options.validate().ok());
  const AnnealingResult result = anneal_macros(&cost, options);
  EXPECT_GT(result.accepted, 0);
  EXPECT_EQ(cost.x(wide), 50);
  EXPECT_GE(cost.y(wide), 15);
  EXPECT_LE(cost.y(wide), 85);
  EXPECT_GE(cost.x(small), 5);
  EXPECT_LE(cost.x(small), 95);
  EXPECT_GE(cost.y(small), 5);
  EXPECT_LE(cost.y(small), 95);
  EXPECT_FALSE(check_legality(cost).hard_macro_off_canvas);
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
  options.schedule_start = 1;
  EXPECT_NE(options.validate().message().find("schedule start"), std::string::npos);
  options.schedule_start = 0;
  options.soft_shift_temperature = 2;
  EXPECT_NE(options.validate().message().find("soft-shift"), std::string::npos);
  options.soft_shift_temperature = 1e-2;
  options.shift_weight = options.swap_weight = options.mirror_weight = options.jump_weight =
      options.shuffle_weight = 0;
  EXPECT_NE(options.validate().message().find("weight"), std::string::npos);
}

}  // namespace
}  // namespace macroplace::placement
