// Clustering flat netlists into soft macros: each step on hand-worked netlists (Circuit
// Training's own grouping tests where they exist), the METIS flow on designs whose right answer
// is known, determinism, and a written clustered design that reads back and validates.
#include "macroplace/netlist/clustering.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

Netlist read_simple() {
  Netlist netlist;
  const Status status = read_ct_netlist(example_path("ct/grouping/simple.pb.txt"), &netlist);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return netlist;
}

NodeId node(const Netlist& netlist, const std::string& name) {
  const auto found = netlist.find(name);
  EXPECT_TRUE(found.has_value()) << name;
  return found.value_or(kNoNode);
}

ClusteringOptions options_for(double canvas, std::int32_t grid) {
  ClusteringOptions options;
  options.canvas_width = options.canvas_height = canvas;
  options.columns = options.rows = grid;
  return options;
}

// Each net as "driver>sink,sink*weight" with sinks sorted, all sorted: nets compared as a set.
std::vector<std::string> net_strings(const Netlist& netlist) {
  std::vector<std::string> nets;
  for (NetId net = 0; net < netlist.num_nets(); ++net) {
    std::vector<std::string> sinks;
    for (const NodeId* t = netlist.net_terminals_begin(net) + 1;
         t != netlist.net_terminals_end(net); ++t) {
      sinks.emplace_back(netlist.name(*t));
    }
    std::sort(sinks.begin(), sinks.end());
    std::string text = std::string(netlist.name(netlist.net_driver(net))) + ">";
    for (std::size_t i = 0; i < sinks.size(); ++i) text += (i > 0 ? "," : "") + sinks[i];
    char weight[32];
    std::snprintf(weight, sizeof weight, "*%g", netlist.net_weight(net));
    nets.push_back(text + weight);
  }
  std::sort(nets.begin(), nets.end());
  return nets;
}

std::vector<std::string> node_names(const Netlist& netlist) {
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(netlist.num_nodes()));
  for (NodeId i = 0; i < netlist.num_nodes(); ++i) names.emplace_back(netlist.name(i));
  return names;
}

NodeId add_cell(Netlist* netlist, const std::string& name, double width, double height, double x,
                double y) {
  return netlist->add_node(NodeKind::kStdCell, name, width, height, x, y);
}

void add_net(Netlist* netlist, std::vector<NodeId> terminals, double weight = 1.0) {
  netlist->add_net(terminals.data(), terminals.size(), weight);
}

// ---- fixed groups (CT grouping_test.py, test_port_place_group_ungroup_sequences) ----

TEST(FixedGroups, MacroPinsThenPortsBySideAndDistance) {
  Netlist flat = read_simple();
  ClusteringOptions options = options_for(100, 10);
  options.fixed_logic_levels = 0;
  const NodeId p0 = node(flat, "P0"), p1 = node(flat, "P1");
  // P0 at the bottom, P1 on the left: each its own group after the two macros' groups.
  flat.set_position(p0, 10, 0);
  flat.set_position(p1, 0, 10);
  std::vector<std::int32_t> group = fixed_groups(flat, options);
  EXPECT_EQ(group, (std::vector<std::int32_t>{2, 3, -1, -1, -1, -1, 0, 0, 1, 1}));
  // Both on the left, 4 um apart (a grid cell is 10 um): one group.
  flat.set_position(p0, 0, 19);
  flat.set_position(p1, 0, 15);
  group = fixed_groups(flat, options);
  EXPECT_EQ(group[p0], 2);
  EXPECT_EQ(group[p1], 2);
  // Both at the bottom, 25 um apart: sorted by x, P1 first.
  flat.set_position(p0, 35, 0);
  flat.set_position(p1, 10, 0);
  group = fixed_groups(flat, options);
  EXPECT_EQ(group[p1], 2);
  EXPECT_EQ(group[p0], 3);
  EXPECT_EQ(group[node(flat, "S0")], -1);
  // One logic level: S0 is driven by P0; S1 is driven by M0's pin P1_M0 (and drives M1's
  // P0_M1), and P1_M0 comes first in node order.
  options.fixed_logic_levels = 1;
  group = fixed_groups(flat, options);
  EXPECT_EQ(group[node(flat, "S0")], 3);
  EXPECT_EQ(group[node(flat, "S1")], 0);
  // A net with more sinks than max_fanout is not followed.
  options.max_fanout = 1;
  group = fixed_groups(flat, options);
  EXPECT_EQ(group[node(flat, "S0")], -1);  // P0 drives two sinks
  EXPECT_EQ(group[node(flat, "S1")], 0);
}

// ---- the clustered netlist ----

TEST(BuildClusteredNetlist, CircuitTrainingSimpleGroupedLayout) {
  // CT's grouping_test.py test_write_grouped_netlist: S0 and S1 in one group, utilisation 1;
  // the expected file is CT's simple_grouped_soft_macro_not_bloated.pb.txt (whose soft-macro
  // width is its own default canvas's column, 17.128; here the column is 100 / 10 = 10 um).
  Netlist flat = read_simple();
  flat.set_position(node(flat, "S0"), 10, 60);
  flat.set_position(node(flat, "S1"), 30, 30);
  ClusterAssignment assignment;
  assignment.cluster_of.assign(static_cast<std::size_t>(flat.num_nodes()), -1);
  assignment.cluster_of[node(flat, "S0")] = assignment.cluster_of[node(flat, "S1")] = 0;
  assignment.num_clusters = 1;
  ClusteringOptions options = options_for(100, 10);
  options.bloating_ratio = 1.0;
  Netlist clustered;
  ClusteredNetlistStats stats;
  const Status status = build_clustered_netlist(flat, assignment, options, &clustered, &stats);
  ASSERT_TRUE(status.ok()) << status.to_string();

  EXPECT_EQ(node_names(clustered),
            (std::vector<std::string>{"P0", "P1", "M0", "M1", "P0_M0", "P1_M0", "P0_M1", "P1_M1",
                                      "Grp_0", "Grp_0/Poutput_single_0", "Grp_0/Pinput"}));
  const NodeId group = node(clustered, "Grp_0");
  EXPECT_EQ(clustered.kind(group), NodeKind::kSoftMacro);
  EXPECT_DOUBLE_EQ(clustered.width(group), 10.0);
  EXPECT_DOUBLE_EQ(clustered.height(group), 2 * 2.208 * 0.48 / 10.0);
  EXPECT_DOUBLE_EQ(clustered.x(group), 20.0);  // area-weighted centroid, as CT's (20, 45)
  EXPECT_DOUBLE_EQ(clustered.y(group), 45.0);
  for (const char* pin : {"Grp_0/Poutput_single_0", "Grp_0/Pinput"}) {
    EXPECT_EQ(clustered.kind(node(clustered, pin)), NodeKind::kSoftMacroPin);
    EXPECT_EQ(clustered.pin_owner(node(clustered, pin)), group);
    EXPECT_EQ(clustered.pin_offset_x(node(clustered, pin)), 0.0);
  }
  EXPECT_EQ(clustered.pin_owner(node(clustered, "P1_M1")), node(clustered, "M1"));
  EXPECT_EQ(clustered.pin_offset_x(node(clustered, "P1_M1")), 40.0);
  // CT's expected nets; S0 -> S1 lies inside the group and is gone.
  EXPECT_EQ(net_strings(clustered),
            (std::vector<std::string>{"Grp_0/Poutput_single_0>P0_M1*1", "P0>Grp_0/Pinput,P0_M0*1",
                                      "P1_M0>Grp_0/Pinput*1", "P1_M1>P1*1"}));
  EXPECT_EQ(stats.internal_nets, 1);
  EXPECT_EQ(stats.cut_weight, 1.0);
  EXPECT_EQ(soft_macro_cut_weight(clustered), 1.0);
  ASSERT_EQ(clustered.metadata.size(), 1u);
  EXPECT_EQ(clustered.metadata[0].key, "soft_macro_area_bloating_ratio");
  EXPECT_EQ(clustered.metadata[0].value, "1");
  ASSERT_TRUE(clustered.canvas.has_value());
  EXPECT_EQ(clustered.canvas->x1, 100.0);
}

// Two ports, a macro with two pins, six cells in three clusters (worked by hand below).
struct HandDesign {
  Netlist flat;
  ClusterAssignment assignment;
};

HandDesign hand_design() {
  HandDesign d;
  Netlist& n = d.flat;
  const NodeId in = n.add_node(NodeKind::kPort, "IN", 0, 0, 0, 50);
  const NodeId out = n.add_node(NodeKind::kPort, "OUT", 0, 0, 100, 50);
  const NodeId macro = n.add_node(NodeKind::kHardMacro, "M", 20, 20, 50, 80);
  const NodeId pin_a = n.add_pin(macro, NodeKind::kHardMacroPin, "M/a", -5, 0);
  const NodeId pin_b = n.add_pin(macro, NodeKind::kHardMacroPin, "M/b", 5, 0);
  const NodeId a1 = add_cell(&n, "a1", 1, 2, 10, 10);
  const NodeId a2 = add_cell(&n, "a2", 1, 2, 12, 10);
  const NodeId a3 = add_cell(&n, "a3", 1, 2, 14, 12);
  const NodeId b1 = add_cell(&n, "b1", 2, 2, 60, 20);
  const NodeId b2 = add_cell(&n, "b2", 2, 2, 62, 22);
  const NodeId c1 = add_cell(&n, "c1", 3, 1, 90, 90);
  add_net(&n, {in, a1, b1});         // port -> clusters 0 and 1
  add_net(&n, {a1, a2});             // inside cluster 0: dropped
  add_net(&n, {a2, b1});             // cluster 0 -> 1, weight 1 ...
  add_net(&n, {a3, b2}, 2.0);        // ... and 2: one single pin of weight 3
  add_net(&n, {b1, c1, out, b2});    // cluster 1 -> {2, OUT}: a multi pin
  add_net(&n, {b2, pin_a});          // cluster 1 -> M/a: a single pin
  add_net(&n, {pin_b, a1, a3, c1});  // macro pin -> clusters 0 and 2
  add_net(&n, {c1, a1}, 1.5);        // cluster 2 -> 0, weight 1.5
  d.assignment.cluster_of = {-1, -1, -1, -1, -1, 0, 0, 0, 1, 1, 2};
  d.assignment.num_clusters = 3;
  return d;
}

TEST(BuildClusteredNetlist, PinsWeightsAndAreasWorkedByHand) {
  const HandDesign d = hand_design();
  ClusteringOptions options = options_for(100, 10);
  options.shape = SoftMacroShape::kSquare;
  Netlist clustered;
  ClusteredNetlistStats stats;
  ASSERT_TRUE(build_clustered_netlist(d.flat, d.assignment, options, &clustered, &stats).ok());
  EXPECT_EQ(node_names(clustered),
            (std::vector<std::string>{
                "IN", "OUT", "M", "M/a", "M/b", "Grp_0", "Grp_0/Poutput_single_0", "Grp_0/Pinput",
                "Grp_1", "Grp_1/Poutput_multi_0", "Grp_1/Poutput_single_0", "Grp_1/Pinput", "Grp_2",
                "Grp_2/Poutput_single_0", "Grp_2/Pinput"}));
  EXPECT_EQ(net_strings(clustered), (std::vector<std::string>{
                                        "Grp_0/Poutput_single_0>Grp_1/Pinput*3",
                                        "Grp_1/Poutput_multi_0>Grp_2/Pinput,OUT*1",
                                        "Grp_1/Poutput_single_0>M/a*1",
                                        "Grp_2/Poutput_single_0>Grp_0/Pinput*1.5",
                                        "IN>Grp_0/Pinput,Grp_1/Pinput*1",
                                        "M/b>Grp_0/Pinput,Grp_2/Pinput*1",
                                    }));
  EXPECT_EQ(stats.internal_nets, 1);
  EXPECT_EQ(stats.dropped_high_fanout_nets, 0);
  EXPECT_DOUBLE_EQ(stats.cut_weight, 3 + 1 + 1 + 1.5);
  EXPECT_DOUBLE_EQ(soft_macro_cut_weight(clustered), 6.5);
  // Areas: cells x 2, squares.
  const NodeId g0 = node(clustered, "Grp_0"), g1 = node(clustered, "Grp_1"),
               g2 = node(clustered, "Grp_2");
  EXPECT_DOUBLE_EQ(clustered.width(g0), std::sqrt(12.0));
  EXPECT_DOUBLE_EQ(clustered.height(g1), 4.0);
  EXPECT_DOUBLE_EQ(clustered.width(g2) * clustered.height(g2), 6.0);
  EXPECT_DOUBLE_EQ(clustered.x(g0), 12.0);
  EXPECT_DOUBLE_EQ(clustered.y(g0), 32.0 / 3.0);
  EXPECT_DOUBLE_EQ(clustered.x(g1), 61.0);
  EXPECT_DOUBLE_EQ(clustered.y(g2), 90.0);
  // Hard macro, its pins and the ports are kept as they were.
  EXPECT_EQ(clustered.kind(node(clustered, "M")), NodeKind::kHardMacro);
  EXPECT_DOUBLE_EQ(clustered.pin_offset_x(node(clustered, "M/a")), -5.0);
  EXPECT_DOUBLE_EQ(clustered.y(node(clustered, "IN")), 50.0);
  const NetlistCounts counts = clustered.counts();
  EXPECT_EQ(counts.std_cells, 0);
  EXPECT_DOUBLE_EQ(counts.soft_macro_area, 2 * (6 + 8 + 3));

  // Circuit Training's shape: one grid column wide.
  options.shape = SoftMacroShape::kGridColumnWidth;
  ASSERT_TRUE(build_clustered_netlist(d.flat, d.assignment, options, &clustered).ok());
  EXPECT_DOUBLE_EQ(clustered.width(node(clustered, "Grp_1")), 10.0);
  EXPECT_DOUBLE_EQ(clustered.height(node(clustered, "Grp_1")), 1.6);
}

TEST(BuildClusteredNetlist, NetsAboveTheFanoutLimitAreDropped) {
  HandDesign d = hand_design();
  ClusteringOptions options = options_for(100, 10);
  options.max_fanout = 2;  // the port net (2 sinks) stays; b1's (3 sinks) and M/b's (3) go
  Netlist clustered;
  ClusteredNetlistStats stats;
  ASSERT_TRUE(build_clustered_netlist(d.flat, d.assignment, options, &clustered, &stats).ok());
  EXPECT_EQ(stats.dropped_high_fanout_nets, 2);
  EXPECT_EQ(clustered.num_nets(), 4);
  EXPECT_EQ(node_names(clustered)[9], "Grp_1/Poutput_single_0");  // no multi pin left
}

TEST(BuildClusteredNetlist, RejectsIncompleteOrClashingInput) {
  HandDesign d = hand_design();
  const ClusteringOptions options = options_for(100, 10);
  Netlist clustered;
  ClusterAssignment missing = d.assignment;
  missing.cluster_of[6] = -1;
  EXPECT_FALSE(build_clustered_netlist(d.flat, missing, options, &clustered).ok());
  ClusterAssignment empty = d.assignment;
  empty.num_clusters = 4;  // cluster 3 has no cell
  EXPECT_FALSE(build_clustered_netlist(d.flat, empty, options, &clustered).ok());
  d.flat.add_node(NodeKind::kPort, "Grp_0");
  d.assignment.cluster_of.push_back(-1);
  const Status clash = build_clustered_netlist(d.flat, d.assignment, options, &clustered);
  EXPECT_FALSE(clash.ok());
  EXPECT_NE(clash.message().find("Grp_0"), std::string::npos);
}

// ---- break-up and merge (CT grouping_test.py) ----

Netlist column_of_cells(const std::vector<double>& ys) {
  Netlist flat;
  for (std::size_t i = 0; i < ys.size(); ++i) {
    add_cell(&flat, "c" + std::to_string(i), 1, 1, 0, ys[i]);
  }
  return flat;
}

TEST(BreakUp, ClustersWiderThanTheDistanceAreCut) {
  const Netlist flat = column_of_cells({0, 100});
  ClusterAssignment assignment{{0, 0}, 1};
  EXPECT_EQ(break_up_clusters(flat, 100, &assignment), 0);
  EXPECT_EQ(assignment.cluster_of, (std::vector<std::int32_t>{0, 0}));
  // CT's test_breakup_groups: at 90 um both cells leave the centre bucket.
  EXPECT_EQ(break_up_clusters(flat, 90, &assignment), 2);
  EXPECT_EQ(assignment.cluster_of, (std::vector<std::int32_t>{1, 2}));
  EXPECT_EQ(assignment.num_clusters, 3);

  // Three cells: the middle one sits in the centre bucket and stays.
  const Netlist three = column_of_cells({0, 50, 100});
  ClusterAssignment again{{0, 0, 0}, 1};
  EXPECT_EQ(break_up_clusters(three, 90, &again), 2);
  EXPECT_EQ(again.cluster_of, (std::vector<std::int32_t>{1, 0, 2}));
}

TEST(Merge, SmallClustersJoinTheirNeighbourWhenClose) {
  // CT's test_merge_groups: S0 and S1 (a net between them) 200 um apart (Manhattan).
  Netlist flat = read_simple();
  const NodeId s0 = node(flat, "S0"), s1 = node(flat, "S1");
  flat.set_position(s0, 100, 0);
  flat.set_position(s1, 0, 100);
  ClusterAssignment assignment;
  assignment.cluster_of.assign(static_cast<std::size_t>(flat.num_nodes()), -1);
  assignment.cluster_of[s0] = 0;
  assignment.cluster_of[s1] = 1;
  assignment.num_clusters = 2;
  EXPECT_EQ(merge_small_clusters(flat, 5, 50.0, 500, &assignment), 0);
  EXPECT_EQ(assignment.num_clusters, 2);
  EXPECT_EQ(merge_small_clusters(flat, 5, 500.0, 500, &assignment), 1);
  EXPECT_EQ(assignment.num_clusters, 1);
  EXPECT_EQ(assignment.cluster_of[s0], assignment.cluster_of[s1]);
  // Without positions, no distance limit.
  assignment.cluster_of[s1] = 1;
  assignment.num_clusters = 2;
  EXPECT_EQ(merge_small_clusters(flat, 5, std::nullopt, 500, &assignment), 1);
}

TEST(Merge, IntoTheMostConnectedCluster) {
  Netlist flat;
  std::vector<NodeId> a, b;
  for (int i = 0; i < 4; ++i) a.push_back(add_cell(&flat, "a" + std::to_string(i), 1, 1, 0, 0));
  for (int i = 0; i < 4; ++i) b.push_back(add_cell(&flat, "b" + std::to_string(i), 1, 1, 0, 0));
  const NodeId x = add_cell(&flat, "x", 1, 1, 0, 0);
  add_net(&flat, {x, a[0]});
  add_net(&flat, {b[0], x});
  add_net(&flat, {b[1], x, a[1]});
  add_net(&flat, {a[2], a[3]});
  ClusterAssignment assignment{{2, 2, 2, 2, 0, 0, 0, 0, 1}, 3};
  // x shares 2 nets with a's cluster and 2 with b's (the 3-terminal net counts for both)...
  // ... so a tie: the lower cluster id (b's, 0) wins. Then ids follow the first cell: a's is 0.
  EXPECT_EQ(merge_small_clusters(flat, 1, std::nullopt, 500, &assignment), 1);
  EXPECT_EQ(assignment.num_clusters, 2);
  EXPECT_EQ(assignment.cluster_of, (std::vector<std::int32_t>{0, 0, 0, 0, 1, 1, 1, 1, 1}));
  // One more net to a's cells breaks the tie their way.
  add_net(&flat, {a[3], x}, 0.5);
  ClusterAssignment weighted{{2, 2, 2, 2, 0, 0, 0, 0, 1}, 3};
  EXPECT_EQ(merge_small_clusters(flat, 1, std::nullopt, 500, &weighted), 1);
  EXPECT_EQ(weighted.cluster_of[8], weighted.cluster_of[0]);
}

// ---- the whole flow ----

// Four blocks of `size` cells, each densely wired inside (every cell drives a net to the next
// three cells of its block), chained by single 2-pin nets.
Netlist four_blocks(int size) {
  Netlist flat;
  for (int block = 0; block < 4; ++block) {
    for (int i = 0; i < size; ++i) {
      add_cell(&flat, "b" + std::to_string(block) + "_" + std::to_string(i), 1, 1, 0, 0);
    }
  }
  for (int block = 0; block < 4; ++block) {
    for (int i = 0; i < size; ++i) {
      const NodeId base = block * size;
      add_net(&flat,
              {base + i, base + (i + 1) % size, base + (i + 2) % size, base + (i + 5) % size});
    }
  }
  for (int block = 0; block + 1 < 4; ++block) {
    add_net(&flat, {block * size + 7, (block + 1) * size + 3});
  }
  return flat;
}

void expect_blocks_are_clusters(const Netlist& flat, const ClusterAssignment& assignment,
                                int size) {
  ASSERT_EQ(assignment.num_clusters, 4);
  for (NodeId cell = 0; cell < flat.num_nodes(); ++cell) {
    if (flat.kind(cell) != NodeKind::kStdCell) continue;
    const int block = std::stoi(std::string(flat.name(cell)).substr(1, 1));
    EXPECT_EQ(assignment.cluster_of[cell], assignment.cluster_of[block * size]) << flat.name(cell);
    if (block > 0) {
      EXPECT_NE(assignment.cluster_of[cell], assignment.cluster_of[(block - 1) * size]);
    }
  }
}

TEST(ClusterNetlist, DenseBlocksBecomeTheClusters) {
  const Netlist flat = four_blocks(30);
  ClusteringOptions options = options_for(100, 10);
  options.target_clusters = 4;
  const ClusteringResult result = cluster_netlist(flat, options);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  expect_blocks_are_clusters(flat, result.assignment, 30);
  EXPECT_EQ(result.report.clusters, 4);
  EXPECT_EQ(result.report.fixed_groups, 0);
  EXPECT_FALSE(result.report.used_positions);  // all cells at (0, 0)
  // Only the three chain nets cross clusters.
  EXPECT_DOUBLE_EQ(result.report.cut_weight, 3.0);
  EXPECT_EQ(result.report.internal_nets, 4 * 30);
  EXPECT_EQ(result.clustered.num_nets(), 3);
  EXPECT_EQ(result.clustered.counts().soft_macros, 4);
  EXPECT_DOUBLE_EQ(result.clustered.counts().soft_macro_area, 2.0 * 120);
}

TEST(ClusterNetlist, FixedGroupsSeedTheClustersOfTheirBlocks) {
  Netlist flat = four_blocks(30);
  const NodeId macro = flat.add_node(NodeKind::kHardMacro, "ram", 10, 10, 50, 50);
  const NodeId pin = flat.add_pin(macro, NodeKind::kHardMacroPin, "ram/d", 0, 0);
  const NodeId port = flat.add_node(NodeKind::kPort, "in", 0, 0, 0, 40);
  add_net(&flat, {pin, 2 * 30 + 11});
  add_net(&flat, {port, 3 * 30 + 17});
  ClusteringOptions options = options_for(100, 10);
  options.target_clusters = 2;  // + 2 fixed groups = 4 METIS parts
  const ClusteringResult result = cluster_netlist(flat, options);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  EXPECT_EQ(result.report.fixed_groups, 2);
  EXPECT_EQ(result.report.metis_parts, 4);
  expect_blocks_are_clusters(flat, result.assignment, 30);
  // The macro pin and the port each drive one net into one cluster.
  EXPECT_EQ(net_strings(result.clustered).size(), 5u);
  EXPECT_DOUBLE_EQ(result.report.cut_weight, 3.0);
}

// A random netlist with macros, ports and placed cells, big enough for METIS to have choices.
Netlist random_design(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> where(0, 400), size(0.5, 3);
  Netlist flat;
  flat.canvas = Rect{0, 0, 400, 400};
  std::vector<NodeId> pins;
  for (int m = 0; m < 4; ++m) {
    const NodeId macro =
        flat.add_node(NodeKind::kHardMacro, "ram" + std::to_string(m), 40, 30, 60 + 90 * m, 300);
    for (int p = 0; p < 3; ++p) {
      pins.push_back(flat.add_pin(macro, NodeKind::kHardMacroPin,
                                  "ram" + std::to_string(m) + "/p" + std::to_string(p), 0, -15));
    }
  }
  std::vector<NodeId> ports;
  ports.reserve(8);
  for (int p = 0; p < 8; ++p) {
    // On the left, 5 um apart: runs of at most one grid cell (20 um) make two groups.
    ports.push_back(
        flat.add_node(NodeKind::kPort, "io" + std::to_string(p), 0, 0, 0, 100.0 + 5.0 * p));
  }
  const int cells = 1500;
  const NodeId first = flat.num_nodes();
  for (int i = 0; i < cells; ++i) {
    // Cells of a neighbourhood (i / 50) sit near each other.
    const int neighbourhood = i / 50, column = neighbourhood % 6, row = neighbourhood / 6;
    const double cx = 40.0 + 60 * column, cy = 40.0 + 60 * row;
    add_cell(&flat, "u" + std::to_string(i), size(rng), 1.4, cx + where(rng) / 20,
             cy + where(rng) / 20);
  }
  std::uniform_int_distribution<int> near(-20, 20), any(0, cells - 1), fanout(1, 4);
  for (int i = 0; i < cells; ++i) {
    std::vector<NodeId> net{first + i};
    for (int k = fanout(rng); k > 0; --k) {
      const int j = (rng() % 10 == 0) ? any(rng) : std::clamp(i + near(rng), 0, cells - 1);
      if (j != i) net.push_back(first + j);
    }
    if (net.size() > 1) add_net(&flat, net);
  }
  for (const NodeId pin : pins) add_net(&flat, {pin, first + any(rng), first + any(rng)});
  for (const NodeId port : ports) add_net(&flat, {port, first + any(rng)});
  std::vector<NodeId> big{ports[0]};  // a reset-like net, above the fanout limit
  for (int i = 0; i < 600; ++i) big.push_back(first + i);
  flat.add_net(big.data(), big.size(), 1.0);
  return flat;
}

ClusteringOptions random_design_options() {
  ClusteringOptions options = options_for(400, 20);
  options.target_clusters = 30;
  return options;
}

TEST(ClusterNetlist, SameSeedSameClustering) {
  const Netlist flat = random_design(7);
  ClusteringOptions options = random_design_options();
  const ClusteringResult first = cluster_netlist(flat, options);
  const ClusteringResult second = cluster_netlist(flat, options);
  ASSERT_TRUE(first.status.ok()) << first.status.to_string();
  ASSERT_TRUE(second.status.ok());
  EXPECT_EQ(first.assignment.cluster_of, second.assignment.cluster_of);
  const std::string dir = make_temp_dir("clustering");
  ASSERT_TRUE(write_ct_netlist(first.clustered, dir + "/a.pb.txt").ok());
  ASSERT_TRUE(write_ct_netlist(second.clustered, dir + "/b.pb.txt").ok());
  EXPECT_EQ(macroplace::testing::read_file(dir + "/a.pb.txt"),
            macroplace::testing::read_file(dir + "/b.pb.txt"));
  options.seed = 2;
  EXPECT_TRUE(cluster_netlist(flat, options).status.ok());
}

std::atomic<int> terminations{0};
void count_termination(int /*signal*/) {
  terminations.fetch_add(1);
}

// METIS (GKlib) catches SIGTERM while it partitions and jumps out of whatever it was doing: a
// SIGTERM then deadlocked the process in free(). With SIGTERM showered on the clustering thread
// every 100 us, clustering still completes with the same result, and every signal reaches the
// process's own handler.
TEST(ClusterNetlist, SigtermDuringMetisReachesTheProcessHandler) {
  const Netlist flat = random_design(7);
  const ClusteringOptions options = random_design_options();
  const ClusteringResult reference = cluster_netlist(flat, options);
  ASSERT_TRUE(reference.status.ok());
  struct sigaction handler {
  }, previous{};
  handler.sa_handler = count_termination;
  sigemptyset(&handler.sa_mask);
  ASSERT_EQ(sigaction(SIGTERM, &handler, &previous), 0);
  const pthread_t clustering = pthread_self();
  std::atomic<bool> done{false};
  int sent = 0;
  std::thread sender([&] {
    while (!done.load()) {
      // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread): a handler counts it, the point here
      pthread_kill(clustering, SIGTERM);
      ++sent;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  for (int run = 0; run < 3; ++run) {
    const ClusteringResult result = cluster_netlist(flat, options);
    ASSERT_TRUE(result.status.ok()) << result.status.to_string();
    EXPECT_EQ(result.assignment.cluster_of, reference.assignment.cluster_of);
  }
  done = true;
  sender.join();
  sigaction(SIGTERM, &previous, nullptr);
  EXPECT_GT(sent, 0);
  EXPECT_GT(terminations.load(), 0);
}

TEST(ClusterNetlist, RandomDesignInvariants) {
  const Netlist flat = random_design(11);
  const ClusteringOptions options = random_design_options();
  const ClusteringResult result = cluster_netlist(flat, options);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  const ClusteringReport& report = result.report;
  EXPECT_TRUE(report.used_positions);
  EXPECT_EQ(report.fixed_groups, 4 + 2);  // four macros, two runs of ports
  EXPECT_EQ(report.dropped_high_fanout_nets, 1);
  EXPECT_DOUBLE_EQ(report.break_up_distance, 100.0);
  // Every std cell in a cluster, nothing else; soft-macro areas from their cells.
  const NetlistCounts flat_counts = flat.counts();
  std::vector<double> area(static_cast<std::size_t>(report.clusters), 0);
  for (NodeId cell = 0; cell < flat.num_nodes(); ++cell) {
    const std::int32_t c = result.assignment.cluster_of[cell];
    if (flat.kind(cell) != NodeKind::kStdCell) {
      EXPECT_EQ(c, -1);
      continue;
    }
    ASSERT_GE(c, 0);
    ASSERT_LT(c, report.clusters);
    area[c] += flat.width(cell) * flat.height(cell);
  }
  const Netlist& clustered = result.clustered;
  const NetlistCounts counts = clustered.counts();
  EXPECT_EQ(counts.soft_macros, report.clusters);
  EXPECT_EQ(counts.hard_macros, 4);
  EXPECT_EQ(counts.hard_macro_pins, 12);
  EXPECT_EQ(counts.ports, 8);
  EXPECT_NEAR(counts.soft_macro_area, 2 * flat_counts.std_cell_area, 1e-9);
  for (std::int32_t c = 0; c < report.clusters; ++c) {
    const NodeId macro = node(clustered, "Grp_" + std::to_string(c));
    EXPECT_NEAR(clustered.width(macro) * clustered.height(macro), 2 * area[c], 1e-9);
    EXPECT_DOUBLE_EQ(clustered.width(macro), 20.0);  // one grid column
  }
  EXPECT_DOUBLE_EQ(report.cut_weight, soft_macro_cut_weight(clustered));
  // Every flat net is dropped (fanout, inside one cluster) or carried: the soft-macro nets'
  // weights add up to the flat std-cell nets that leave their cluster.
  double crossing = 0;
  std::int64_t inside = 0;
  for (NetId net = 0; net < flat.num_nets(); ++net) {
    const NodeId driver = flat.net_driver(net);
    if (flat.kind(driver) != NodeKind::kStdCell || flat.net_degree(net) - 1 > 500) continue;
    bool leaves = false;
    for (const NodeId* t = flat.net_terminals_begin(net) + 1; t != flat.net_terminals_end(net);
         ++t) {
      leaves |= result.assignment.cluster_of[*t] != result.assignment.cluster_of[driver];
    }
    if (leaves) {
      crossing += flat.net_weight(net);
    } else {
      ++inside;
    }
  }
  EXPECT_DOUBLE_EQ(report.cut_weight, crossing);
  EXPECT_EQ(report.internal_nets, inside);
  EXPECT_TRUE(clustered.validate().ok());
}

TEST(ClusterNetlist, WrittenDesignReadsBackAndValidates) {
  const Netlist flat = random_design(3);
  const ClusteringOptions options = random_design_options();
  const ClusteringResult result = cluster_netlist(flat, options);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  const std::string dir = make_temp_dir("clustering");
  ASSERT_TRUE(write_ct_netlist(result.clustered, dir + "/netlist.pb.txt").ok());
  PlacementSettings settings;
  settings.width = settings.height = 400.0;
  settings.columns = settings.rows = 20;
  ASSERT_TRUE(write_plc(result.clustered, settings, "flat", dir + "/initial.plc").ok());

  Netlist back;
  const Status read = read_ct_netlist(dir + "/netlist.pb.txt", &back);
  ASSERT_TRUE(read.ok()) << read.to_string();
  EXPECT_TRUE(back.validate().ok());
  const Status same = compare_netlists(result.clustered, back, 1e-12);
  EXPECT_TRUE(same.ok()) << same.to_string();
  EXPECT_EQ(back.counts().soft_macros, result.report.clusters);
  EXPECT_EQ(back.counts().std_cells, 0);
  ASSERT_FALSE(back.metadata.empty());
  EXPECT_EQ(back.metadata.back().key, "soft_macro_area_bloating_ratio");
  EXPECT_EQ(back.metadata.back().value, "2");
  ASSERT_TRUE(back.canvas.has_value());
  EXPECT_EQ(back.canvas->x1, 400.0);

  PlacementFile plc;
  ASSERT_TRUE(read_plc(dir + "/initial.plc", &plc).ok());
  EXPECT_EQ(plc.settings.columns, 20);
  EXPECT_EQ(plc.settings.width, 400.0);
  EXPECT_EQ(plc.entries.size(),
            static_cast<std::size_t>(4 + 8 + result.report.clusters));  // no pins, no cells
  EXPECT_TRUE(apply_placement(plc, &back).ok());
}

TEST(ClusterNetlist, MeshSplitsIntoCompactQuarters) {
  // A 16 x 16 mesh of unit cells 10 um apart (like CT's macro_tiles, but std cells), 2-pin nets
  // between neighbours: four clusters of 64, each a compact region, cutting few mesh edges.
  Netlist flat;
  const int side = 16;
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      add_cell(&flat, "m" + std::to_string(r) + "_" + std::to_string(c), 1, 1, 5 + 10 * c,
               5 + 10 * r);
    }
  }
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      if (c + 1 < side) add_net(&flat, {r * side + c, r * side + c + 1});
      if (r + 1 < side) add_net(&flat, {r * side + c, (r + 1) * side + c});
    }
  }
  ClusteringOptions options = options_for(160, 16);
  options.target_clusters = 4;
  options.imbalance = 0.05;  // parts of at most 67.2 cells
  options.break_up = false;
  options.merge_distance = 1000;
  const ClusteringResult result = cluster_netlist(flat, options);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  ASSERT_EQ(result.report.clusters, 4);
  std::vector<int> count(4, 0);
  std::vector<Rect> box(4, Rect{1e9, 1e9, -1e9, -1e9});
  for (NodeId cell = 0; cell < flat.num_nodes(); ++cell) {
    const std::int32_t c = result.assignment.cluster_of[cell];
    ++count[c];
    box[c].x0 = std::min(box[c].x0, flat.x(cell));
    box[c].x1 = std::max(box[c].x1, flat.x(cell));
    box[c].y0 = std::min(box[c].y0, flat.y(cell));
    box[c].y1 = std::max(box[c].y1, flat.y(cell));
  }
  for (int c = 0; c < 4; ++c) {
    EXPECT_GE(count[c], 60);
    EXPECT_LE(count[c], 67);
    // A quarter of the mesh spans 70 um one way; a stripe would span 150.
    EXPECT_LT(std::min(box[c].width(), box[c].height()), 100.0);
  }
  // A perfect cut into quarters crosses 32 mesh edges; allow METIS some slack.
  EXPECT_LE(result.report.cut_weight, 48.0);
  EXPECT_GE(result.report.cut_weight, 32.0);
}

TEST(ClusterNetlist, MorePartsThanTheDesignHoldsStaysQuiet) {
  // METIS prints to stdout and leaves parts empty when asked for nearly as many parts as
  // vertices; the flow asks for at most one part per ten vertices.
  Netlist toy;
  ASSERT_TRUE(read_ct_netlist(example_path("ct/toy_macro_stdcell/netlist.pb.txt"), &toy).ok());
  const Netlist flat = random_design(5);
  ClusteringOptions options = random_design_options();
  options.target_clusters = 5000;
  ::testing::internal::CaptureStdout();
  const ClusteringResult small = cluster_netlist(toy, options_for(200, 10));
  const ClusteringResult large = cluster_netlist(flat, options);
  const std::string printed = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(printed, "");
  ASSERT_TRUE(small.status.ok()) << small.status.to_string();
  ASSERT_TRUE(large.status.ok()) << large.status.to_string();
  EXPECT_EQ(small.clustered.counts().std_cells, 0);
  EXPECT_LE(large.report.metis_parts, (1500 + 6) / 10);
}

TEST(ClusterNetlist, RefusesClusteredOrEmptyInput) {
  Netlist clustered;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), &clustered).ok());
  const ClusteringOptions options = options_for(1433.406, 24);
  EXPECT_FALSE(cluster_netlist(clustered, options).status.ok());
  Netlist no_cells;
  ASSERT_TRUE(
      read_ct_netlist(example_path("ct/grouping/macro_tiles_3rows_3cols_1pins.pb.txt"), &no_cells)
          .ok());
  const ClusteringResult result = cluster_netlist(no_cells, options);
  EXPECT_FALSE(result.status.ok());
  EXPECT_NE(result.status.message().find("no standard cells"), std::string::npos);
}

TEST(ClusteringOptions, ValidateNamesBadValues) {
  EXPECT_FALSE(ClusteringOptions().validate().ok());  // no canvas, no grid
  ClusteringOptions options = options_for(100, 10);
  EXPECT_TRUE(options.validate().ok());
  options.target_clusters = 0;
  EXPECT_FALSE(options.validate().ok());
  options = options_for(100, 10);
  options.imbalance = 0;
  EXPECT_FALSE(options.validate().ok());
  options = options_for(100, 10);
  options.bloating_ratio = -1;
  EXPECT_FALSE(options.validate().ok());
  options = options_for(100, 10);
  options.clique_max_terminals = 1;
  EXPECT_FALSE(options.validate().ok());
  options = options_for(100, 10);
  options.rows = 0;
  EXPECT_FALSE(options.validate().ok());
  EXPECT_FALSE(cluster_netlist(four_blocks(10), options).status.ok());
}

TEST(DefaultCanvas, FloorplanBoxElseAreaAtTheUtilisation) {
  Netlist flat = four_blocks(10);  // 40 unit cells
  const Rect square = default_canvas(flat, 0.4);
  EXPECT_DOUBLE_EQ(square.width(), 10.0);
  EXPECT_DOUBLE_EQ(square.height(), 10.0);
  flat.canvas = Rect{0, 0, 30, 20};
  EXPECT_DOUBLE_EQ(default_canvas(flat, 0.4).width(), 30.0);
  EXPECT_FALSE(has_cell_positions(flat));
  flat.set_position(3, 1, 0);
  EXPECT_TRUE(has_cell_positions(flat));
}

TEST(ClusterNetlist, FlatAriane) {
  Netlist flat;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/flat.pb.txt.gz"), &flat).ok());
  ClusteringOptions options = options_for(1433.406, 24);
  options.rows = 21;
  options.metis_runs = 1;
  const ClusteringResult result = cluster_netlist(flat, options);
  ASSERT_TRUE(result.status.ok()) << result.status.to_string();
  const ClusteringReport& report = result.report;
  EXPECT_GE(report.clusters, 500);
  EXPECT_LE(report.clusters, 900);
  EXPECT_EQ(report.fixed_groups, 133 + 14);       // every macro, and 14 port groups
  EXPECT_EQ(report.dropped_high_fanout_nets, 1);  // clk_i
  const NetlistCounts counts = result.clustered.counts();
  EXPECT_EQ(counts.hard_macros, 133);
  EXPECT_EQ(counts.hard_macro_pins, 7847);
  EXPECT_EQ(counts.ports, 495);
  EXPECT_EQ(counts.std_cells, 0);
  EXPECT_NEAR(counts.soft_macro_area, 2 * flat.counts().std_cell_area, 1e-6);
  EXPECT_TRUE(result.clustered.validate().ok());
  // The hMETIS clustering shipped with the design cuts 20,010 (782 clusters).
  EXPECT_LT(report.cut_weight, 23000);
  std::cout << "flat ariane133: " << report.clusters << " clusters, cut " << report.cut_weight
            << ", " << report.total_seconds << " s\n";
}

}  // namespace
}  // namespace macroplace::netlist
