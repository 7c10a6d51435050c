// The design graph (nodes, port clusters, adjacency counts) and the macro orders, on hand-made
// netlists and Circuit Training's sample_clustered design, worked out by hand.
#include "macroplace/env/design_graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "macroplace/env/macro_order.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "testing/testing.h"

namespace macroplace::env {
namespace {

using netlist::NodeKind;

// A(10x10) B(20x5) C(30x30) D(40x40, fixed) E(5x5) F(6x6) hard macros, S a soft macro.
//   A -> B  weight 3     S -> A  weight 2     B -> S  weight 1
//   C -> S  weight 1     S -> E  weight 5     (F and D unconnected)
struct HandMade {
  netlist::Netlist design;
  placement::CostSettings settings;
  HandMade() {
    design.add_node(NodeKind::kHardMacro, "A", 10, 10, 50, 50);    // 0
    design.add_node(NodeKind::kHardMacro, "B", 20, 5, 50, 50);     // 1
    design.add_node(NodeKind::kHardMacro, "C", 30, 30, 50, 50);    // 2
    design.add_node(NodeKind::kHardMacro, "D", 40, 40, 150, 150);  // 3
    design.add_node(NodeKind::kHardMacro, "E", 5, 5, 50, 50);      // 4
    design.add_node(NodeKind::kHardMacro, "F", 6, 6, 50, 50);      // 5
    design.add_node(NodeKind::kSoftMacro, "Grp_S", 8, 8, 60, 60);  // 6
    design.set_fixed(3, true);
    const auto net = [&](std::vector<NodeId> terminals, double weight) {
      design.add_net(terminals.data(), terminals.size(), weight);
    };
    net({0, 1}, 3);
    net({6, 0}, 2);
    net({1, 6}, 1);
    net({2, 6}, 1);
    net({6, 4}, 5);
    settings = placement::settings_for(design, nullptr);
    settings.canvas_width = settings.canvas_height = 200;
  }
};

TEST(DesignGraph, HandMadeEdgesAreStarCountsNormalisedByTheirMean) {
  const HandMade hand;
  const DesignGraph graph = build_design_graph(hand.design, hand.settings);
  EXPECT_EQ(graph.num_hard_macros, 6);
  EXPECT_EQ(graph.num_soft_macros, 1);
  EXPECT_EQ(graph.num_port_clusters(), 0);
  EXPECT_EQ(graph.macro_nodes, (std::vector<NodeId>{0, 1, 2, 3, 4, 5, 6}));
  // Pairs (src < dst) sorted: A-B 3, A-S 2, B-S 1, C-S 1, E-S 5. Mean 12 / 5 = 2.4.
  EXPECT_EQ(graph.edge_src, (std::vector<std::int32_t>{0, 0, 1, 2, 4}));
  EXPECT_EQ(graph.edge_dst, (std::vector<std::int32_t>{1, 6, 6, 6, 6}));
  EXPECT_EQ(graph.edge_count, (std::vector<double>{3, 2, 1, 1, 5}));
  ASSERT_EQ(graph.edge_weight.size(), 5u);
  EXPECT_DOUBLE_EQ(graph.edge_weight[0], 3 / 2.4);
  EXPECT_DOUBLE_EQ(graph.edge_weight[1], 2 / 2.4);
  EXPECT_DOUBLE_EQ(graph.edge_weight[4], 5 / 2.4);
  EXPECT_DOUBLE_EQ(graph.total_edge_count(), 12);
  EXPECT_EQ(graph.degree, (std::vector<std::int32_t>{2, 2, 1, 0, 1, 0, 4}));
  // S's neighbours by decreasing count, then index: E(5), A(2), B(1), C(1).
  const std::vector<std::int32_t> s_neighbours(graph.neighbours.begin() + graph.neighbour_begin[6],
                                               graph.neighbours.begin() + graph.neighbour_begin[7]);
  EXPECT_EQ(s_neighbours, (std::vector<std::int32_t>{4, 0, 1, 2}));
}

TEST(MacroOrder, HandMadeOrders) {
  const HandMade hand;
  const DesignGraph graph = build_design_graph(hand.design, hand.settings);
  // Areas: A 100, B 100, C 900, E 25, F 36; D is fixed and never placed.
  EXPECT_EQ(macro_order(hand.design, graph, MacroOrder::kDescendingArea, 0),
            (std::vector<NodeId>{2, 0, 1, 5, 4}));
  // From C (largest): C, then through S to E (count 5), A (2), B (1); F is unreachable and
  // comes last, from the restart.
  EXPECT_EQ(macro_order(hand.design, graph, MacroOrder::kConnectivityBfs, 0),
            (std::vector<NodeId>{2, 4, 0, 1, 5}));
  EXPECT_EQ(macro_order(hand.design, graph, MacroOrder::kFile, 0),
            (std::vector<NodeId>{0, 1, 2, 4, 5}));
  // Random: a permutation of the movable macros, a function of the seed alone.
  std::vector<std::vector<NodeId>> seen;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    std::vector<NodeId> order = macro_order(hand.design, graph, MacroOrder::kRandom, seed);
    EXPECT_EQ(order, macro_order(hand.design, graph, MacroOrder::kRandom, seed));
    std::vector<NodeId> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, (std::vector<NodeId>{0, 1, 2, 4, 5}));
    if (std::find(seen.begin(), seen.end(), order) == seen.end()) seen.push_back(order);
  }
  EXPECT_GE(seen.size(), 10u);  // 120 permutations: 20 seeds give many different ones
  EXPECT_EQ(parse_macro_order("bfs"), MacroOrder::kConnectivityBfs);
  EXPECT_EQ(parse_macro_order(macro_order_name(MacroOrder::kRandom)), MacroOrder::kRandom);
  EXPECT_FALSE(parse_macro_order("largest").has_value());
}

TEST(DesignGraph, SampleClusteredByHand) {
  netlist::Netlist design;
  ASSERT_TRUE(netlist::read_ct_netlist(
                  macroplace::testing::example_path("ct/sample_clustered/netlist.pb.txt"), &design)
                  .ok());
  netlist::PlacementFile plc;
  ASSERT_TRUE(
      netlist::read_plc(macroplace::testing::example_path("ct/sample_clustered/initial.plc"), &plc)
          .ok());
  ASSERT_TRUE(netlist::apply_placement(plc, &design).ok());
  const DesignGraph graph =
      build_design_graph(design, placement::settings_for(design, &plc.settings));
  // Nodes: P0 0, P1 1, M0 2, M1 3, pins 4-7, Grp_2 8, its pins 9-10. Graph: M0 0, M1 1,
  // Grp_2 2, then the port clusters: P0 at (0, 100) in cell 0 and P1 at (499, 499) in cell 3
  // of the 2 x 2 grid over 500 x 500.
  EXPECT_EQ(graph.macro_nodes, (std::vector<NodeId>{2, 3, 8}));
  EXPECT_EQ(graph.num_hard_macros, 2);
  EXPECT_EQ(graph.num_soft_macros, 1);
  EXPECT_EQ(graph.port_cluster_cell, (std::vector<std::int32_t>{0, 3}));
  EXPECT_EQ(graph.port_cluster_size, (std::vector<std::int32_t>{1, 1}));
  EXPECT_EQ(graph.node_of[0], 3);
  EXPECT_EQ(graph.node_of[1], 4);
  EXPECT_EQ(graph.node_of[5], -1);  // a pin is not a node
  // CT's cluster positions: both cells are corners, (0, 0) and (500, 500).
  EXPECT_EQ(graph.port_cluster_x, (std::vector<double>{0, 500}));
  EXPECT_EQ(graph.port_cluster_y, (std::vector<double>{0, 500}));
  // Nets (driver -> sinks): P0 -> {Grp_2, M0}; P1_M1 (M1) -> P1; P1_M0 (M0) -> Grp_2;
  // Grp_2/Poutput (Grp_2) -> P0_M1 (M1). Pairs: (0,2) (0,3) (1,2) (1,4) (2,3), count 1 each.
  EXPECT_EQ(graph.edge_src, (std::vector<std::int32_t>{0, 0, 1, 1, 2}));
  EXPECT_EQ(graph.edge_dst, (std::vector<std::int32_t>{2, 3, 2, 4, 3}));
  EXPECT_EQ(graph.edge_weight, (std::vector<double>(5, 1.0)));
}

}  // namespace
}  // namespace macroplace::env
