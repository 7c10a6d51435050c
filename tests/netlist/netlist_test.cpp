// The netlist model: orientation algebra, counts, validation, comparison.
#include "macroplace/netlist/netlist.h"

#include <gtest/gtest.h>

#include <random>

namespace macroplace::netlist {
namespace {

TEST(Orientation, OffsetsFollowTheProxyCostTable) {
  // PROXY_COST.md, Geometry: offset (dx,dy) = (3,5).
  struct Row {
    Orientation orientation;
    double dx, dy;
  };
  const Row table[] = {{Orientation::kN, 3, 5},   {Orientation::kFN, -3, 5},
                       {Orientation::kS, -3, -5}, {Orientation::kFS, 3, -5},
                       {Orientation::kE, 5, -3},  {Orientation::kFE, -5, -3},
                       {Orientation::kW, -5, 3},  {Orientation::kFW, 5, 3}};
  for (const Row& row : table) {
    double dx = 0, dy = 0;
    rotate_offset(row.orientation, 3, 5, &dx, &dy);
    EXPECT_EQ(dx, row.dx) << orientation_name(row.orientation);
    EXPECT_EQ(dy, row.dy) << orientation_name(row.orientation);
  }
}

TEST(Orientation, NamesAndAliasesParse) {
  for (int i = 0; i < 8; ++i) {
    const auto orientation = static_cast<Orientation>(i);
    EXPECT_EQ(parse_orientation(orientation_name(orientation)), orientation);
  }
  EXPECT_EQ(parse_orientation("R0"), Orientation::kN);
  EXPECT_EQ(parse_orientation("MY"), Orientation::kFN);
  EXPECT_EQ(parse_orientation("R180"), Orientation::kS);
  EXPECT_EQ(parse_orientation("MX"), Orientation::kFS);
  EXPECT_EQ(parse_orientation("R270"), Orientation::kE);
  EXPECT_EQ(parse_orientation("MX90"), Orientation::kFE);
  EXPECT_EQ(parse_orientation("R90"), Orientation::kW);
  EXPECT_EQ(parse_orientation("MY90"), Orientation::kFW);
  EXPECT_FALSE(parse_orientation("n").has_value());
  EXPECT_FALSE(parse_orientation("").has_value());
}

TEST(Orientation, RotationsPreserveLengthOnRandomOffsets) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> uniform(-100, 100);
  for (int trial = 0; trial < 1000; ++trial) {
    const double dx = uniform(random), dy = uniform(random);
    for (int i = 0; i < 8; ++i) {
      double rx = 0, ry = 0;
      rotate_offset(static_cast<Orientation>(i), dx, dy, &rx, &ry);
      EXPECT_EQ(rx * rx + ry * ry, dx * dx + dy * dy);
      // Quarter turns exchange the axes; the others keep them.
      if (swaps_width_and_height(static_cast<Orientation>(i))) {
        EXPECT_EQ(std::abs(rx), std::abs(dy));
      } else {
        EXPECT_EQ(std::abs(rx), std::abs(dx));
      }
    }
  }
}

Netlist small_design() {
  Netlist netlist;
  const NodeId macro = netlist.add_node(NodeKind::kHardMacro, "m", 10, 4, 50, 60);
  const NodeId soft = netlist.add_node(NodeKind::kSoftMacro, "Grp_0", 3, 3, 5, 5);
  const NodeId pin = netlist.add_pin(macro, NodeKind::kHardMacroPin, "m/a", 1, 2);
  const NodeId soft_pin = netlist.add_pin(soft, NodeKind::kSoftMacroPin, "Grp_0/b", 0, 0);
  const NodeId port = netlist.add_node(NodeKind::kPort, "p", 0, 0, 0, 7);
  const NodeId cell = netlist.add_node(NodeKind::kStdCell, "c", 0.5, 2, 9, 9);
  const NodeId net0[] = {pin, soft_pin, port};
  const NodeId net1[] = {cell, pin};
  netlist.add_net(net0, 3, 2.0);
  netlist.add_net(net1, 2);
  return netlist;
}

TEST(Netlist, CountsEveryKindAndArea) {
  const NetlistCounts counts = small_design().counts();
  EXPECT_EQ(counts.hard_macros, 1);
  EXPECT_EQ(counts.soft_macros, 1);
  EXPECT_EQ(counts.ports, 1);
  EXPECT_EQ(counts.std_cells, 1);
  EXPECT_EQ(counts.hard_macro_pins, 1);
  EXPECT_EQ(counts.soft_macro_pins, 1);
  EXPECT_EQ(counts.nets, 2);
  EXPECT_EQ(counts.pins, 5);
  EXPECT_DOUBLE_EQ(counts.total_area(), 40 + 9 + 1);
}

TEST(Netlist, FindsNodesByNameAfterGrowth) {
  Netlist netlist = small_design();
  EXPECT_EQ(netlist.find("p"), 4);
  netlist.add_node(NodeKind::kPort, "late");
  EXPECT_EQ(netlist.find("late"), 6);
  EXPECT_FALSE(netlist.find("nope").has_value());
}

TEST(Netlist, ValidateCatchesBrokenInvariants) {
  EXPECT_TRUE(small_design().validate().ok());
  {
    Netlist netlist = small_design();
    netlist.set_kind(2, NodeKind::kSoftMacroPin);  // owner is hard
    EXPECT_NE(netlist.validate().message().find("does not match its owner"), std::string::npos);
  }
  {
    Netlist netlist = small_design();
    netlist.set_size(0, -1, 4);
    EXPECT_NE(netlist.validate().message().find("non-negative"), std::string::npos);
  }
  {
    Netlist netlist = small_design();
    netlist.set_position(5, std::nan(""), 0);
    EXPECT_NE(netlist.validate().message().find("not finite"), std::string::npos);
  }
  {
    Netlist netlist = small_design();
    const NodeId bad[] = {0, 99};
    netlist.add_net(bad, 2);
    EXPECT_NE(netlist.validate().message().find("out of range"), std::string::npos);
  }
  {
    Netlist netlist = small_design();
    const NodeId ok[] = {0, 1};
    netlist.add_net(ok, 2, 0.0);
    EXPECT_NE(netlist.validate().message().find("weight"), std::string::npos);
  }
}

TEST(Netlist, CompareFindsTheFirstDifference) {
  const Netlist a = small_design();
  Netlist b = small_design();
  EXPECT_TRUE(compare_netlists(a, b, 0).ok());
  b.set_position(0, 50 + 1e-12, 60);
  EXPECT_FALSE(compare_netlists(a, b, 0).ok());
  EXPECT_TRUE(compare_netlists(a, b, 1e-9).ok());
  b.set_orientation(0, Orientation::kS);
  EXPECT_NE(compare_netlists(a, b, 1e-9).message().find("orientation"), std::string::npos);
}

TEST(Netlist, PinPositionsFollowTheOwnerAndItsOrientation) {
  Netlist netlist = small_design();
  double x = 0, y = 0;
  netlist.terminal_position(2, &x, &y);
  EXPECT_EQ(x, 51);
  EXPECT_EQ(y, 62);
  netlist.set_orientation(0, Orientation::kS);
  netlist.set_position(0, 10, 10);
  netlist.terminal_position(2, &x, &y);
  EXPECT_EQ(x, 9);
  EXPECT_EQ(y, 8);
  netlist.terminal_position(4, &x, &y);  // a port is its own terminal
  EXPECT_EQ(x, 0);
  EXPECT_EQ(y, 7);
}

}  // namespace
}  // namespace macroplace::netlist
