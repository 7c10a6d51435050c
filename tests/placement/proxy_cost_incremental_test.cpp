// Incremental updates equal a full recomputation after thousands of random edits, and a fresh
// evaluator built on the same positions agrees too.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/proxy_cost.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;
using netlist::NodeKind;

void expect_same(const CostBreakdown& a, const CostBreakdown& b, double tolerance) {
  auto near = [tolerance](double x, double y) {
    return std::fabs(x - y) <= tolerance * std::max(1.0, std::max(std::fabs(x), std::fabs(y)));
  };
  EXPECT_TRUE(near(a.wirelength, b.wirelength)) << a.wirelength << " vs " << b.wirelength;
  EXPECT_TRUE(near(a.wirelength_cost, b.wirelength_cost));
  EXPECT_TRUE(near(a.density_cost, b.density_cost)) << a.density_cost << " vs " << b.density_cost;
  EXPECT_TRUE(near(a.congestion_cost, b.congestion_cost))
      << a.congestion_cost << " vs " << b.congestion_cost;
  EXPECT_TRUE(near(a.proxy, b.proxy));
}

class IncrementalAriane : public ::testing::TestWithParam<double> {
 protected:
  void SetUp() override {
    netlist::PlacementFile plc;
    ASSERT_TRUE(macroplace::testing::load_ariane("legalized.plc", &design_, &plc).ok());
    settings_ = settings_for(design_, &plc.settings);
    settings_.smoothing_range = GetParam();
    for (NodeId node = 0; node < design_.num_nodes(); ++node) {
      if (netlist::is_macro(design_.kind(node))) macros_.push_back(node);
    }
  }
  netlist::Netlist design_;
  CostSettings settings_;
  std::vector<NodeId> macros_;
};

TEST_P(IncrementalAriane, ThousandsOfRandomEditsMatchAFullRecomputation) {
  ProxyCost cost(design_, settings_);
  std::mt19937 random(12345);
  std::uniform_int_distribution<std::size_t> pick(0, macros_.size() - 1);
  // Positions range a little beyond the canvas so clipping and clamping are exercised too.
  std::uniform_real_distribution<double> along_x(-50, settings_.canvas_width + 50);
  std::uniform_real_distribution<double> along_y(-50, settings_.canvas_height + 50);
  std::uniform_int_distribution<int> action(0, 9), orientation(0, 7);
  for (int step = 0; step < 3000; ++step) {
    const NodeId a = macros_[pick(random)];
    const int what = action(random);
    if (what < 6) {
      cost.move(a, along_x(random), along_y(random));
    } else if (what < 8) {
      cost.swap(a, macros_[pick(random)]);
    } else if (what < 9) {
      cost.set_orientation(a, static_cast<netlist::Orientation>(orientation(random)));
    } else {
      cost.set_placed(a, !cost.placed(a));
    }
    if (step % 500 == 499) {
      const CostBreakdown incremental = cost.costs();
      const CostBreakdown full = cost.recompute();
      expect_same(incremental, full, 1e-9);
    }
  }
  // A fresh evaluator on a netlist holding the same positions agrees (everything placed).
  for (NodeId node : macros_) cost.set_placed(node, true);
  const CostBreakdown incremental = cost.costs();
  netlist::Netlist copy = design_;
  for (NodeId node = 0; node < copy.num_nodes(); ++node) {
    copy.set_position(node, cost.x(node), cost.y(node));
    copy.set_orientation(node, cost.orientation(node));
  }
  ProxyCost fresh(copy, settings_);
  expect_same(incremental, fresh.costs(), 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Smoothing, IncrementalAriane, ::testing::Values(0.0, 2.0, 5.0));

TEST(Incremental, MovingAMacroAndBackRestoresTheCosts) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ct/macro_tiles_10x10/netlist.pb.txt"), &design).ok());
  ProxyCost cost(design, settings_for(design, nullptr));
  const CostBreakdown before = cost.costs();
  const double x = cost.x(0), y = cost.y(0);
  cost.move(0, 300, 300);
  EXPECT_NE(cost.costs().wirelength, before.wirelength);
  cost.move(0, x, y);
  expect_same(cost.costs(), before, 1e-12);
}

TEST(Incremental, UnplacedMacrosContributeNothing) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ct/macro_tiles_10x10/netlist.pb.txt"), &design).ok());
  ProxyCost cost(design, settings_for(design, nullptr));
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) == NodeKind::kHardMacro) cost.set_placed(node, false);
  }
  const CostBreakdown empty = cost.costs();
  EXPECT_EQ(empty.wirelength, 0.0);
  // What was added and then removed leaves rounding residue at most.
  EXPECT_NEAR(empty.density_cost, 0.0, 1e-12);
  EXPECT_NEAR(empty.congestion_cost, 0.0, 1e-12);
  const CostBreakdown full = cost.recompute();
  EXPECT_EQ(full.wirelength, 0.0);
  EXPECT_EQ(full.density_cost, 0.0);
  EXPECT_EQ(full.congestion_cost, 0.0);
}

}  // namespace
}  // namespace macroplace::placement

namespace macroplace::placement {
namespace {

TEST(Incremental, BulkPositionsAndClonesAgreeWithSingleMoves) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ct/macro_tiles_10x10/netlist.pb.txt"), &design).ok());
  ProxyCost single(design, settings_for(design, nullptr));
  ProxyCost bulk(design, settings_for(design, nullptr));
  std::vector<NodeId> nodes;
  std::vector<double> xs, ys;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != NodeKind::kHardMacro) continue;
    const double x = 40.0 + (node * 37) % 500, y = 60.0 + (node * 53) % 500;
    single.move(node, x, y);
    nodes.push_back(node);
    xs.push_back(x);
    ys.push_back(y);
  }
  bulk.set_positions(nodes, xs, ys);
  expect_same(single.costs(), bulk.costs(), 1e-9);
  single.set_orientation(nodes[3], netlist::Orientation::kFS);
  single.set_placed(nodes[4], false);
  const std::unique_ptr<ProxyCost> copy = single.clone();
  expect_same(single.costs(), copy->costs(), 1e-12);
  EXPECT_EQ(copy->orientation(nodes[3]), netlist::Orientation::kFS);
  EXPECT_FALSE(copy->placed(nodes[4]));
  copy->move(nodes[0], 1, 1);  // independent of the original
  EXPECT_EQ(single.x(nodes[0]), xs[0]);
}

TEST(CostSettings, BlockagesComeFromTheNetlistAndTheHeaderOnce) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(
          example_path("ct/simple_grouped_with_coords_with_blockage/netlist.pb.txt"), &design)
          .ok());
  netlist::PlacementFile plc;
  ASSERT_TRUE(netlist::read_plc(
                  example_path("ct/simple_grouped_with_coords_with_blockage/initial.plc"), &plc)
                  .ok());
  const CostSettings settings = settings_for(design, &plc.settings);
  ASSERT_EQ(settings.blockages.size(), 2u);  // both files list the same two
  EXPECT_EQ(settings.blockages[1].rect.x0, 490.0);
}

}  // namespace
}  // namespace macroplace::placement
