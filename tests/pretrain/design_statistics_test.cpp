// Design statistics on a hand-built netlist, every figure worked out by hand.
#include "macroplace/pretrain/design_statistics.h"

#include <gtest/gtest.h>

namespace macroplace::pretrain {
namespace {

using netlist::NodeId;
using netlist::NodeKind;

// Canvas 100 x 50. Hard macros A (20 x 10) and B (10 x 20: the same footprint turned), soft
// macro C (10 x 10), ports P and Q. Nets: P -> A/p0, C/p0 (3 terminals, 3 owners);
// B/p0 -> C/p1 (2); C/p2 -> Q (2); A/p1 -> B/p1, C/p3, Q ... Q is a port sink (4 terminals).
TEST(DesignStatistics, HandWorkedNetlist) {
  netlist::Netlist n;
  const NodeId p = n.add_node(NodeKind::kPort, "P");
  const NodeId q = n.add_node(NodeKind::kPort, "Q");
  const NodeId a = n.add_node(NodeKind::kHardMacro, "A", 20, 10);
  const NodeId a0 = n.add_pin(a, NodeKind::kHardMacroPin, "A/p0", 0, 0);
  const NodeId a1 = n.add_pin(a, NodeKind::kHardMacroPin, "A/p1", 0, 0);
  const NodeId b = n.add_node(NodeKind::kHardMacro, "B", 10, 20);
  const NodeId b0 = n.add_pin(b, NodeKind::kHardMacroPin, "B/p0", 0, 0);
  const NodeId b1 = n.add_pin(b, NodeKind::kHardMacroPin, "B/p1", 0, 0);
  const NodeId c = n.add_node(NodeKind::kSoftMacro, "Grp_C", 10, 10);
  NodeId cp[4];
  for (int i = 0; i < 4; ++i) {
    cp[i] = n.add_pin(c, NodeKind::kSoftMacroPin, "Grp_C/p" + std::to_string(i), 0, 0);
  }
  const NodeId net0[] = {p, a0, cp[0]};
  const NodeId net1[] = {b0, cp[1]};
  const NodeId net2[] = {cp[2], q};
  const NodeId net3[] = {a1, b1, cp[3], q};
  n.add_net(net0, 3);
  n.add_net(net1, 2);
  n.add_net(net2, 2);
  n.add_net(net3, 4);
  ASSERT_TRUE(n.validate().ok());

  const DesignStatistics s = design_statistics(n, 100, 50);
  EXPECT_EQ(s.hard_macros, 2);
  EXPECT_EQ(s.soft_macros, 1);
  EXPECT_EQ(s.ports, 2);
  EXPECT_EQ(s.nets, 4);
  EXPECT_DOUBLE_EQ(s.canvas_aspect, 2);
  EXPECT_DOUBLE_EQ(s.hard_macro_area_share, 400.0 / 5000);
  EXPECT_DOUBLE_EQ(s.soft_macro_area_share, 100.0 / 5000);
  EXPECT_EQ(s.hard_macro_footprints, 1);  // 20 x 10 and 10 x 20 are one footprint turned
  EXPECT_DOUBLE_EQ(s.hard_macro_aspect_max, 2);
  EXPECT_DOUBLE_EQ(s.net_degree_mean, 11.0 / 4);
  EXPECT_DOUBLE_EQ(s.two_pin_net_share, 0.5);
  EXPECT_DOUBLE_EQ(s.large_net_share, 0);
  EXPECT_EQ(s.net_degree_max, 4);
  EXPECT_DOUBLE_EQ(s.nets_per_hard_macro, 2);  // A: nets 0 and 3; B: nets 1 and 3
  EXPECT_DOUBLE_EQ(s.nets_per_soft_macro, 4);  // C is on every net
  EXPECT_DOUBLE_EQ(s.nets_per_port, 1.5);      // P: net 0; Q: nets 2 and 3
  EXPECT_DOUBLE_EQ(s.hard_macro_net_share, 0.75);
  EXPECT_DOUBLE_EQ(s.port_net_share, 0.75);
  EXPECT_EQ(s.rent_exponent, 0);  // 3 cells: too few to bisect

  // The mean of a design with itself is the design; the table names every figure.
  const DesignStatistics mean = mean_statistics({s, s}, "mean");
  for (std::size_t i = 0; i < s.figures().size(); ++i) {
    EXPECT_DOUBLE_EQ(mean.figures()[i].second, s.figures()[i].second) << s.figures()[i].first;
  }
  const std::string table = statistics_table({s, mean});
  EXPECT_NE(table.find("net degree, mean"), std::string::npos) << table;
  EXPECT_NE(table.find("2.750"), std::string::npos) << table;
}

}  // namespace
}  // namespace macroplace::pretrain
