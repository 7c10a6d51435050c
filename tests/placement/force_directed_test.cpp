// The force-directed soft-macro placer: hand-checkable small cases, then Ariane (clustered).
#include "macroplace/placement/force_directed.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "macroplace/netlist/plc.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using netlist::Netlist;
using netlist::NodeKind;

// A 100 x 100 canvas, 10 x 10 grid: max_move = 1 um per step with the default fraction.
CostSettings square_settings(double side = 100) {
  CostSettings settings;
  settings.canvas_width = settings.canvas_height = side;
  return settings;
}

NodeId add_soft(Netlist* design, const char* name, double side, double x, double y, NodeId* pin) {
  const NodeId macro = design->add_node(NodeKind::kSoftMacro, name, side, side, x, y);
  *pin = design->add_pin(macro, NodeKind::kSoftMacroPin, std::string(name) + "/p", 0, 0);
  return macro;
}

void connect(Netlist* design, NodeId driver, NodeId sink) {
  const NodeId terminals[] = {driver, sink};
  design->add_net(terminals, 2);
}

ForceDirectedOptions single_stage(double attraction, double repulsion, int steps) {
  ForceDirectedOptions options;
  options.attraction = {attraction};
  options.repulsion = {repulsion};
  options.steps_per_stage = steps;
  return options;
}

TEST(ForceDirectedOptions, DefaultsAreCircuitTrainingsSchedule) {
  const ForceDirectedOptions options;
  EXPECT_TRUE(options.validate().ok());
  EXPECT_EQ(options.steps_per_stage, 100);
  EXPECT_EQ(options.attraction, (std::vector<double>{100, 1e-3, 1e-5}));
  EXPECT_EQ(options.repulsion, (std::vector<double>{0, 1e6, 1e7}));
  EXPECT_EQ(options.max_move_fraction, 0.01);
  EXPECT_TRUE(options.start_at_centre);
}

TEST(ForceDirectedOptions, ValidateNamesBadValues) {
  ForceDirectedOptions options;
  options.repulsion = {0, 1};
  EXPECT_FALSE(options.validate().ok());
  options = ForceDirectedOptions();
  options.attraction[1] = -1;
  EXPECT_FALSE(options.validate().ok());
  options = ForceDirectedOptions();
  options.steps_per_stage = 0;
  EXPECT_FALSE(options.validate().ok());
  options = ForceDirectedOptions();
  options.max_move_fraction = 0;
  EXPECT_FALSE(options.validate().ok());
  options = ForceDirectedOptions();
  options.io_factor = NAN;
  EXPECT_FALSE(options.validate().ok());
}

TEST(ForceDirected, InvalidOptionsMoveNothing) {
  Netlist design;
  NodeId pin = 0;
  const NodeId macro = add_soft(&design, "s", 10, 20, 30, &pin);
  const NodeId port = design.add_node(NodeKind::kPort, "p", 0, 0, 90, 90);
  connect(&design, port, pin);
  ProxyCost cost(design, square_settings());
  ForceDirectedOptions options;
  options.attraction.clear();
  const ForceDirectedResult result = place_soft_macros(&cost, options);
  EXPECT_FALSE(result.status.ok());
  EXPECT_EQ(cost.x(macro), 20);
  EXPECT_EQ(cost.y(macro), 30);
}

// One soft macro on springs to two fixed ports settles at their midpoint (40, 40); with one macro
// the normalised force is +-1 per axis, so it ends within one max move (1 um) of it.
TEST(ForceDirected, SoftMacroBetweenTwoPortsGoesToTheirMidpoint) {
  Netlist design;
  NodeId pin = 0;
  const NodeId macro = add_soft(&design, "s", 10, 0, 0, &pin);
  const NodeId west = design.add_node(NodeKind::kPort, "west", 0, 0, 10, 20);
  const NodeId east = design.add_node(NodeKind::kPort, "east", 0, 0, 70, 60);
  connect(&design, west, pin);
  connect(&design, east, pin);
  ProxyCost cost(design, square_settings());
  const ForceDirectedResult result = place_soft_macros(&cost, ForceDirectedOptions());
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.soft_macros, 1);
  EXPECT_NEAR(cost.x(macro), 40, 1.0);
  EXPECT_NEAR(cost.y(macro), 40, 1.0);
  EXPECT_EQ(cost.x(west), 10);
  EXPECT_EQ(cost.x(east), 70);
  // The evaluator is up to date: HPWL of the two nets with the pin at the macro centre.
  const double expected = std::fabs(cost.x(macro) - 10) + std::fabs(cost.y(macro) - 20) +
                          std::fabs(cost.x(macro) - 70) + std::fabs(cost.y(macro) - 60);
  EXPECT_NEAR(cost.costs().wirelength, expected, 1e-9);
}

// A hard-macro pin attracts at the macro centre plus its (rotated) offset.
TEST(ForceDirected, HardMacroPinsAttractAtTheirOffset) {
  Netlist design;
  NodeId pin = 0;
  const NodeId macro = add_soft(&design, "s", 4, 0, 0, &pin);
  const NodeId hard = design.add_node(NodeKind::kHardMacro, "ram", 20, 20, 20, 50);
  const NodeId hard_pin = design.add_pin(hard, NodeKind::kHardMacroPin, "ram/q", 5, 8);
  design.set_orientation(hard, netlist::Orientation::kS);  // offset becomes (-5, -8)
  connect(&design, hard_pin, pin);
  ProxyCost cost(design, square_settings());
  ASSERT_TRUE(place_soft_macros(&cost, single_stage(100, 0, 100)).status.ok());
  EXPECT_NEAR(cost.x(macro), 15, 1.0);
  EXPECT_NEAR(cost.y(macro), 42, 1.0);
  EXPECT_EQ(cost.x(hard), 20);
  EXPECT_EQ(cost.y(hard), 50);
}

// Two overlapping 20 x 20 soft macros, centres 10 apart in x: each step pushes both by the full
// max move (1 um) apart along x only, until they just touch after 5 steps.
TEST(ForceDirected, OverlappingSoftMacrosSeparate) {
  Netlist design;
  NodeId pin_a = 0, pin_b = 0;
  const NodeId a = add_soft(&design, "a", 20, 45, 50, &pin_a);
  const NodeId b = add_soft(&design, "b", 20, 55, 50, &pin_b);
  ProxyCost cost(design, square_settings());
  ForceDirectedOptions options = single_stage(0, 1, 100);
  options.start_at_centre = false;
  const ForceDirectedResult result = place_soft_macros(&cost, options);
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(cost.x(a), 40);
  EXPECT_EQ(cost.x(b), 60);
  EXPECT_EQ(cost.y(a), 50);
  EXPECT_EQ(cost.y(b), 50);
  EXPECT_EQ(result.steps, 6);  // five moves, then a step with no force ends the stage
}

// Stacked at the centre, coincident macros are pushed apart along the diagonal (the lower node
// index towards (-1, -1)) until they no longer overlap.
TEST(ForceDirected, CoincidentSoftMacrosSeparateFromTheCentre) {
  Netlist design;
  std::vector<NodeId> macros;
  for (int i = 0; i < 3; ++i) {
    NodeId pin = 0;
    macros.push_back(add_soft(&design, i == 0 ? "a" : i == 1 ? "b" : "c", 10, 0, 0, &pin));
  }
  ProxyCost cost(design, square_settings());
  ASSERT_TRUE(place_soft_macros(&cost, ForceDirectedOptions()).status.ok());
  for (std::size_t i = 0; i < macros.size(); ++i) {
    for (std::size_t j = i + 1; j < macros.size(); ++j) {
      const bool overlap = std::fabs(cost.x(macros[i]) - cost.x(macros[j])) < 10 &&
                           std::fabs(cost.y(macros[i]) - cost.y(macros[j])) < 10;
      EXPECT_FALSE(overlap) << i << " " << j;
    }
  }
  EXPECT_LT(cost.x(macros[0]), cost.x(macros[2]));
  EXPECT_LT(cost.y(macros[0]), cost.y(macros[2]));
}

// A soft macro overlapping a hard macro is pushed out; the hard macro stays.
TEST(ForceDirected, HardMacrosRepelButStay) {
  Netlist design;
  NodeId pin = 0;
  const NodeId hard = design.add_node(NodeKind::kHardMacro, "ram", 30, 30, 50, 50);
  const NodeId macro = add_soft(&design, "s", 10, 0, 0, &pin);
  ProxyCost cost(design, square_settings());
  ForceDirectedOptions options = single_stage(0, 1, 100);
  options.start_at_centre = false;
  cost.move(macro, 60, 50);
  ASSERT_TRUE(place_soft_macros(&cost, options).status.ok());
  EXPECT_EQ(cost.x(hard), 50);
  EXPECT_EQ(cost.y(hard), 50);
  EXPECT_GE(cost.x(macro), 70);
  EXPECT_EQ(cost.y(macro), 50);
}

class LoneMacro : public ::testing::Test {
 protected:
  void SetUp() override {
    NodeId pin = 0;
    macro_ = add_soft(&design_, "s", 10, 0, 0, &pin);
    const NodeId port = design_.add_node(NodeKind::kPort, "p", 0, 0, 50, 0);
    connect(&design_, port, pin);
  }
  Netlist design_;
  NodeId macro_ = 0;
};

TEST_F(LoneMacro, ZeroAttractionLeavesItAtTheCentre) {
  ProxyCost cost(design_, square_settings());
  ForceDirectedOptions options;
  options.attraction = {0, 0, 0};
  const ForceDirectedResult result = place_soft_macros(&cost, options);
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(cost.x(macro_), 50);
  EXPECT_EQ(cost.y(macro_), 50);
  EXPECT_EQ(result.steps, 2);  // stage 1 skipped (both factors 0); stages 2, 3 stop at once
}

// Pulled straight down, the macro moves exactly max_move per step: the number of steps and the
// move limit are visible in its final y. With CT's factors, stages 2 and 3 only spread (their
// attraction is below 1e-4 of their repulsion), so a lone macro moves in stage 1 only.
TEST_F(LoneMacro, StepsAndMoveLimitAreHonoured) {
  ProxyCost cost(design_, square_settings());
  ForceDirectedOptions options;
  options.steps_per_stage = 3;
  ASSERT_TRUE(place_soft_macros(&cost, options).status.ok());
  EXPECT_EQ(cost.x(macro_), 50);
  EXPECT_EQ(cost.y(macro_), 47);

  options.max_move_fraction = 0.02;
  ASSERT_TRUE(place_soft_macros(&cost, options).status.ok());
  EXPECT_EQ(cost.y(macro_), 44);

  options.negligible_force_ratio = 0;  // attraction in every stage: 3 x 3 steps of 2 um
  ASSERT_TRUE(place_soft_macros(&cost, options).status.ok());
  EXPECT_EQ(cost.y(macro_), 32);

  options = single_stage(0, 0, 3);  // nothing to do: skipped
  EXPECT_EQ(place_soft_macros(&cost, options).steps, 0);
  EXPECT_EQ(cost.y(macro_), 50);  // but it starts at the centre
}

TEST_F(LoneMacro, StaysInsideTheCanvas) {
  for (CanvasBoundary boundary : {CanvasBoundary::kClamp, CanvasBoundary::kRejectMove}) {
    ProxyCost cost(design_, square_settings());
    ForceDirectedOptions options;
    options.boundary = boundary;
    options.max_move_fraction = 0.04;  // 4 um steps: 50 -> 6 in 11 steps, then the edge at 5
    ASSERT_TRUE(place_soft_macros(&cost, options).status.ok());
    EXPECT_EQ(cost.x(macro_), 50);
    if (boundary == CanvasBoundary::kClamp) {
      EXPECT_EQ(cost.y(macro_), 5);  // slides to the edge
    } else {
      EXPECT_NEAR(cost.y(macro_), 6, 1e-9);  // a move that would cross the edge is refused
    }
  }
}

// A small random design: ports on the edges, a few fixed hard macros, 40 soft macros.
struct RandomDesign {
  Netlist design;
  std::vector<NodeId> soft, fixed;
  explicit RandomDesign(unsigned seed) {
    unsigned state = seed;
    auto next = [&state](double range) {
      state = state * 1664525u + 1013904223u;
      return range * static_cast<double>(state >> 8) / static_cast<double>(1u << 24);
    };
    std::vector<NodeId> pins;
    for (int i = 0; i < 4; ++i) {
      const int column = i % 2, row = i / 2;  // a 2-wide array of hard macros
      const NodeId hard = design.add_node(NodeKind::kHardMacro, "h" + std::to_string(i), 30, 20,
                                          20 + 60.0 * column, 20 + 60.0 * row);
      fixed.push_back(hard);
      pins.push_back(
          design.add_pin(hard, NodeKind::kHardMacroPin, "h" + std::to_string(i) + "/p", 5, -3));
    }
    for (int i = 0; i < 8; ++i) {
      const NodeId port = design.add_node(NodeKind::kPort, "port" + std::to_string(i), 0, 0,
                                          i < 4 ? 0.0 : 100.0, 10 + next(80));
      fixed.push_back(port);
      pins.push_back(port);
    }
    for (int i = 0; i < 40; ++i) {
      NodeId pin = 0;
      const std::string name = "s" + std::to_string(i);
      soft.push_back(add_soft(&design, name.c_str(), 4 + next(6), next(100), next(100), &pin));
      pins.push_back(pin);
    }
    for (int n = 0; n < 80; ++n) {
      std::vector<NodeId> terminals;
      const int degree = 2 + static_cast<int>(next(4));
      terminals.reserve(static_cast<std::size_t>(degree));
      for (int k = 0; k < degree; ++k) {
        terminals.push_back(pins[static_cast<std::size_t>(next(static_cast<double>(pins.size())))]);
      }
      design.add_net(terminals.data(), terminals.size(), 1 + static_cast<int>(next(3)));
    }
  }
};

TEST(ForceDirected, RandomDesignStaysInCanvasAndMovesOnlySoftMacros) {
  RandomDesign random(7);
  ProxyCost cost(random.design, square_settings());
  std::vector<double> fixed_x, fixed_y;
  for (NodeId node : random.fixed) {
    fixed_x.push_back(cost.x(node));
    fixed_y.push_back(cost.y(node));
  }
  const ForceDirectedResult result = place_soft_macros(&cost, ForceDirectedOptions());
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.soft_macros, 40);
  for (std::size_t i = 0; i < random.fixed.size(); ++i) {
    EXPECT_EQ(cost.x(random.fixed[i]), fixed_x[i]);
    EXPECT_EQ(cost.y(random.fixed[i]), fixed_y[i]);
  }
  for (NodeId node : random.soft) {
    const double half = 0.5 * random.design.width(node);
    EXPECT_GE(cost.x(node) - half, 0);
    EXPECT_LE(cost.x(node) + half, 100);
    EXPECT_GE(cost.y(node) - half, 0);
    EXPECT_LE(cost.y(node) + half, 100);
  }
  const CostBreakdown after = cost.costs();
  EXPECT_TRUE(std::isfinite(after.proxy));
  EXPECT_NEAR(cost.recompute().proxy, after.proxy, 1e-12);
}

TEST(ForceDirected, FixedAndUnplacedSoftMacrosStay) {
  RandomDesign random(11);
  random.design.set_fixed(random.soft[0], true);
  ProxyCost cost(random.design, square_settings());
  cost.set_placed(random.soft[1], false);
  const double x0 = cost.x(random.soft[0]), y0 = cost.y(random.soft[0]);
  const double x1 = cost.x(random.soft[1]), y1 = cost.y(random.soft[1]);
  const ForceDirectedResult result = place_soft_macros(&cost, ForceDirectedOptions());
  EXPECT_EQ(result.soft_macros, 38);
  EXPECT_EQ(cost.x(random.soft[0]), x0);
  EXPECT_EQ(cost.y(random.soft[0]), y0);
  EXPECT_EQ(cost.x(random.soft[1]), x1);
  EXPECT_EQ(cost.y(random.soft[1]), y1);
  EXPECT_FALSE(cost.placed(random.soft[1]));
}

TEST(ForceDirected, DeterministicBitForBit) {
  for (bool at_centre : {true, false}) {
    RandomDesign first(3), second(3);
    ProxyCost a(first.design, square_settings()), b(second.design, square_settings());
    ForceDirectedOptions options;
    options.start_at_centre = at_centre;
    place_soft_macros(&a, options);
    place_soft_macros(&b, options);
    for (NodeId node : first.soft) {
      const double ax = a.x(node), bx = b.x(node), ay = a.y(node), by = b.y(node);
      EXPECT_EQ(ax, bx);  // exactly equal, not just close
      EXPECT_EQ(ay, by);
    }
    const double pa = a.costs().proxy, pb = b.costs().proxy;
    EXPECT_EQ(pa, pb);
  }
}

class ArianeForceDirected : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(macroplace::testing::load_ariane("legalized.plc", &design_, &plc_).ok());
    for (NodeId node = 0; node < design_.num_nodes(); ++node) {
      if (design_.kind(node) == NodeKind::kHardMacro) design_.set_fixed(node, true);
    }
  }
  Netlist design_;
  netlist::PlacementFile plc_;
};

void print(const char* label, const CostBreakdown& costs) {
  std::cout << label << ": proxy " << costs.proxy << " wirelength_cost " << costs.wirelength_cost
            << " density_cost " << costs.density_cost << " congestion_cost "
            << costs.congestion_cost << "\n";
}

TEST_F(ArianeForceDirected, SpreadsBetterThanStackedAtCentreAndReportsTheReference) {
  const CostSettings settings = settings_for(design_, &plc_.settings);
  ProxyCost cost(design_, settings);
  const CostBreakdown reference = cost.costs();

  std::vector<NodeId> soft;
  std::vector<NodeId> hard;
  for (NodeId node = 0; node < design_.num_nodes(); ++node) {
    if (design_.kind(node) == NodeKind::kSoftMacro) soft.push_back(node);
    if (design_.kind(node) == NodeKind::kHardMacro) hard.push_back(node);
  }
  ProxyCost stacked(design_, settings);
  stacked.set_positions(soft, std::vector<double>(soft.size(), 0.5 * settings.canvas_width),
                        std::vector<double>(soft.size(), 0.5 * settings.canvas_height));
  const CostBreakdown centre = stacked.costs();

  const ForceDirectedResult result = place_soft_macros(&cost, ForceDirectedOptions());
  ASSERT_TRUE(result.status.ok());
  EXPECT_EQ(result.soft_macros, static_cast<int>(soft.size()));
  const CostBreakdown placed = cost.costs();
  EXPECT_TRUE(std::isfinite(placed.proxy));
  // Stacked at the centre, every net between two soft macros has zero length, so its wirelength
  // cost (0.0437) is below both the reference (0.0736) and any spread placement: spreading is
  // what FD is for, and what the proxy cost rewards (density 1.52 stacked).
  EXPECT_LT(placed.proxy, centre.proxy);
  EXPECT_LT(placed.density_cost, centre.density_cost);
  for (NodeId node : hard) {
    EXPECT_EQ(cost.x(node), design_.x(node));
    EXPECT_EQ(cost.y(node), design_.y(node));
  }
  EXPECT_NEAR(cost.recompute().proxy, placed.proxy, 1e-9);

  print("soft macros as in legalized.plc", reference);
  print("soft macros stacked at the centre", centre);
  print("force-directed", placed);
  std::cout << "force-directed: " << result.steps << " steps, " << result.soft_macros
            << " soft macros, " << result.seconds * 1e3 << " ms\n";
}

}  // namespace
}  // namespace macroplace::placement
