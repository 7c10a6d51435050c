// Circuit Training netlist reader and writer: real designs with published counts, hand-worked
// small cases, every malformed-input error with its location, and round trips.
#include "macroplace/netlist/ct_netlist.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

Netlist parse_ok(const std::string& text) {
  Netlist netlist;
  const Status status = parse_ct_netlist(text, "test.pb.txt", &netlist);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return netlist;
}

std::string node_text(const std::string& name, const std::string& type,
                      const std::string& extra = "") {
  return "node {\n  name: \"" + name + "\"\n" + extra +
         "  attr {\n    key: \"type\"\n    value {\n      placeholder: \"" + type +
         "\"\n    }\n  }\n}\n";
}

std::string number_attr(const std::string& key, const std::string& value) {
  return "  attr { key: \"" + key + "\" value { f: " + value + " } }\n";
}

std::string string_attr(const std::string& key, const std::string& value) {
  return "  attr { key: \"" + key + "\" value { placeholder: \"" + value + "\" } }\n";
}

TEST(CtNetlistReader, ClusteredArianeHasThePublishedCounts) {
  Netlist netlist;
  const Status status = read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  const NetlistCounts counts = netlist.counts();
  EXPECT_EQ(counts.hard_macros, 133);
  EXPECT_EQ(counts.soft_macros, 782);
  EXPECT_EQ(counts.ports, 495);
  EXPECT_EQ(counts.std_cells, 0);
  EXPECT_EQ(counts.hard_macro_pins, 7847);
  EXPECT_EQ(counts.soft_macro_pins, 10630);
  EXPECT_EQ(counts.hard_macro_pins + counts.soft_macro_pins, 18477);  // PROXY_COST.md
  EXPECT_EQ(counts.nets, 12422);                                      // issue 3
  // The .plc header states the area Google's tool computed: 1447227.522542122.
  EXPECT_NEAR(counts.total_area(), 1447227.522542122, 0.01);
  ASSERT_EQ(netlist.metadata.size(), 1u);
  EXPECT_EQ(netlist.metadata[0].key, "soft_macro_area_bloating_ratio");
  EXPECT_TRUE(netlist.validate().ok());
}

TEST(CtNetlistReader, FlatArianeHasThePublishedCountsAndCanvas) {
  Netlist netlist;
  const Status status = read_ct_netlist(example_path("ariane133-ng45/flat.pb.txt.gz"), &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  const NetlistCounts counts = netlist.counts();
  EXPECT_EQ(counts.hard_macros, 133);
  EXPECT_EQ(counts.std_cells, 88411);
  EXPECT_EQ(counts.ports, 495);
  EXPECT_EQ(counts.hard_macro_pins, 7847);
  EXPECT_EQ(counts.soft_macros, 0);
  ASSERT_TRUE(netlist.canvas.has_value());  // "# FP bbox: {0.0 0.0 1599.99 1600.06}"
  EXPECT_DOUBLE_EQ(netlist.canvas->x1, 1599.99);
  EXPECT_DOUBLE_EQ(netlist.canvas->y1, 1600.06);
  // Std cells keep the coordinates of the prior placement and their library cell.
  const auto cell = netlist.find("commit_stage_i/FE_OFC4552_commit_instr_o_288");
  ASSERT_TRUE(cell.has_value());
  EXPECT_EQ(netlist.kind(*cell), NodeKind::kStdCell);
  EXPECT_EQ(netlist.ref_name(*cell), "INV_X1");
  EXPECT_DOUBLE_EQ(netlist.width(*cell), 0.38);
}

TEST(CtNetlistReader, MacroTilesHasOneHundredHardMacrosAnd540TwoPinNets) {
  Netlist netlist;
  ASSERT_TRUE(read_ct_netlist(example_path("ct/macro_tiles_10x10/netlist.pb.txt"), &netlist).ok());
  const NetlistCounts counts = netlist.counts();
  // Lower-case `macro` without a Grp_ prefix is a hard macro (PROXY_COST.md golden case 1).
  EXPECT_EQ(counts.hard_macros, 100);
  EXPECT_EQ(counts.soft_macros, 0);
  EXPECT_EQ(counts.hard_macro_pins, 1200);
  EXPECT_EQ(counts.nets, 540);
  for (NetId net = 0; net < netlist.num_nets(); ++net) EXPECT_EQ(netlist.net_degree(net), 2);
  EXPECT_DOUBLE_EQ(counts.total_area(), 250000.0);  // PROXY_COST.md: area 250000
}

TEST(CtNetlistReader, ResolvesKindsOwnersAndNetsByHand) {
  // The pin comes before its owner; names the driver's sinks before they are defined.
  const std::string text =
      "# proto-file: tensorflow/core/framework/graph.proto\n"
      "# FP bbox: {0 0} {200 100}\n"
      "# Blockage : 1 2 3 4 0.5\n"
      "node { name: \"__metadata__\" attr { key: \"ratio\" value { f: 2.0 } } }\n" +
      node_text("Grp_1/Pout", "macro_pin",
                "  input: \"ram/A\"\n  input: \"out\"\n" + string_attr("macro_name", "Grp_1") +
                    number_attr("x_offset", "5") + number_attr("y_offset", "-1") +
                    number_attr("weight", "2.5")) +
      node_text("Grp_1", "macro",
                number_attr("width", "10") + number_attr("height", "4") + number_attr("x", "50") +
                    number_attr("y", "60")) +
      node_text("ram", "macro",
                number_attr("width", "30") + number_attr("height", "20") + number_attr("x", "100") +
                    number_attr("y", "40") + string_attr("orientation", "R270")) +
      node_text("ram/A", "MACRO_PIN",
                string_attr("macro_name", "ram") + number_attr("x_offset", "1") +
                    number_attr("y_offset", "2")) +
      node_text("out", "PORT",
                number_attr("x", "0") + number_attr("y", "7.5") + string_attr("side", "LEFT")) +
      node_text("in\\\"q\\101", "port", "  input: \"ram/A\"\n" + number_attr("x", "1e1"));
  Netlist netlist = parse_ok(text);
  ASSERT_EQ(netlist.num_nodes(), 6);                    // __metadata__ is not a node
  EXPECT_EQ(netlist.kind(0), NodeKind::kSoftMacroPin);  // owner Grp_1 is soft
  EXPECT_EQ(netlist.kind(1), NodeKind::kSoftMacro);
  EXPECT_EQ(netlist.kind(2), NodeKind::kHardMacro);  // lower-case macro, not Grp_
  EXPECT_EQ(netlist.kind(3), NodeKind::kHardMacroPin);
  EXPECT_EQ(netlist.kind(4), NodeKind::kPort);
  EXPECT_EQ(netlist.name(5), "in\"qA");  // C escapes, octal \101 = 'A'
  EXPECT_EQ(netlist.pin_owner(0), 1);
  EXPECT_EQ(netlist.pin_owner(3), 2);
  EXPECT_EQ(netlist.orientation(2), Orientation::kE);  // R270 is an alias of E
  EXPECT_EQ(netlist.port_side(4), "LEFT");
  EXPECT_DOUBLE_EQ(netlist.x(5), 10.0);
  // E maps the N-frame offset (1,2) to (2,-1): pin at (102, 39).
  double px = 0, py = 0;
  netlist.terminal_position(3, &px, &py);
  EXPECT_DOUBLE_EQ(px, 102.0);
  EXPECT_DOUBLE_EQ(py, 39.0);
  // E swaps the footprint.
  EXPECT_DOUBLE_EQ(netlist.placed_width(2), 20.0);
  EXPECT_DOUBLE_EQ(netlist.placed_height(2), 30.0);

  ASSERT_EQ(netlist.num_nets(), 2);
  EXPECT_EQ(netlist.net_driver(0), 0);
  ASSERT_EQ(netlist.net_degree(0), 3);
  EXPECT_EQ(netlist.net_terminals_begin(0)[1], 3);
  EXPECT_EQ(netlist.net_terminals_begin(0)[2], 4);
  EXPECT_DOUBLE_EQ(netlist.net_weight(0), 2.5);
  EXPECT_EQ(netlist.net_driver(1), 5);
  EXPECT_DOUBLE_EQ(netlist.net_weight(1), 1.0);

  ASSERT_TRUE(netlist.canvas.has_value());  // {x0 y0} {W H} form
  EXPECT_DOUBLE_EQ(netlist.canvas->x1, 200.0);
  EXPECT_DOUBLE_EQ(netlist.canvas->y1, 100.0);
  ASSERT_EQ(netlist.blockages.size(), 1u);
  EXPECT_DOUBLE_EQ(netlist.blockages[0].rate, 0.5);
  ASSERT_EQ(netlist.metadata.size(), 1u);
  EXPECT_EQ(netlist.metadata[0].value, "2.0");
  EXPECT_TRUE(netlist.validate().ok());
}

struct BadInput {
  const char* what;
  std::string text;
  std::uint64_t line, column;
  const char* message_fragment;
};

class CtNetlistReaderErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(CtNetlistReaderErrors, ReportsFileLineColumnAndWhatWasExpected) {
  const BadInput& bad = GetParam();
  Netlist netlist;
  const Status status = parse_ct_netlist(bad.text, "bad.pb.txt", &netlist);
  ASSERT_FALSE(status.ok()) << bad.what;
  EXPECT_EQ(status.where().file, "bad.pb.txt");
  EXPECT_EQ(status.where().line, bad.line) << status.to_string();
  EXPECT_EQ(status.where().column, bad.column) << status.to_string();
  EXPECT_NE(status.message().find(bad.message_fragment), std::string::npos) << status.to_string();
  EXPECT_EQ(status.to_string().rfind("bad.pb.txt:" + std::to_string(bad.line) + ":", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CtNetlistReaderErrors,
    ::testing::Values(
        BadInput{
            "unknown type",
            "node {\n  name: \"a\"\n  attr { key: \"type\" value { placeholder: \"GATE\" } }\n}\n",
            3, 43, "unknown node type 'GATE'"},
        BadInput{
            "pin of unknown macro",
            "node { name: \"p\"\n attr { key: \"type\" value { placeholder: \"MACRO_PIN\" } }\n"
            " attr { key: \"macro_name\" value { placeholder: \"nope\" } } }\n",
            3, 48, "unknown macro 'nope'"},
        BadInput{
            "pin owned by a port",
            "node { name: \"p\"\n attr { key: \"type\" value { placeholder: \"MACRO_PIN\" } }\n"
            " attr { key: \"macro_name\" value { placeholder: \"q\" } } }\n"
            "node { name: \"q\" attr { key: \"type\" value { placeholder: \"PORT\" } } }\n",
            3, 48, "expected a macro"},
        BadInput{"input naming an unknown node",
                 "node { name: \"a\"\n  input: \"ghost\"\n attr { key: \"type\" value { "
                 "placeholder: \"PORT\" } } }\n",
                 2, 10, "unknown node 'ghost'"},
        BadInput{"duplicate name",
                 "node { name: \"a\" attr { key: \"type\" value { placeholder: \"PORT\" } } }\n"
                 "node { name: \"a\" attr { key: \"type\" value { placeholder: \"PORT\" } } }\n",
                 2, 14, "duplicate node name 'a'"},
        BadInput{"negative size",
                 "node { name: \"m\" attr { key: \"type\" value { placeholder: \"MACRO\" } }\n"
                 " attr { key: \"width\" value { f: -3 } } }\n",
                 1, 1, "negative size"},
        BadInput{"NaN coordinate",
                 "node { name: \"m\" attr { key: \"type\" value { placeholder: \"MACRO\" } }\n"
                 " attr { key: \"x\" value { f: nan } } }\n",
                 2, 29, "not finite"},
        BadInput{"infinite coordinate",
                 "node { name: \"m\"\n attr { key: \"y\" value { f: inf } } }\n", 2, 29,
                 "not finite"},
        BadInput{"truncated file",
                 "node { name: \"m\" attr { key: \"type\" value { placeholder: \"MACRO\" } }\n  ",
                 2, 3, "unexpected end of file inside node 'm'"},
        BadInput{"unterminated string", "node { name: \"abc\n}\n", 1, 14, "unterminated string"},
        BadInput{"string at end of file", "node { name: \"abc", 1, 14, "unterminated string"},
        BadInput{"not a number", "node { name: \"m\"\n attr { key: \"x\" value { f: 12abc } } }\n",
                 2, 29, "expected a number, found '12abc'"},
        BadInput{"number for a string attribute",
                 "node { name: \"m\"\n attr { key: \"type\" value { f: 1 } } }\n", 2, 32,
                 "expects a string"},
        BadInput{"bad top-level word", "nodes {\n}\n", 1, 1, "expected 'node', found 'nodes'"},
        BadInput{"bad field", "node {\n  nam: \"x\"\n}\n", 2, 3, "found 'nam'"},
        BadInput{"missing brace", "node name: \"x\" }\n", 1, 6, "expected '{' after 'node'"},
        BadInput{"bad escape", "node { name: \"a\\qb\" }\n", 1, 18, "unknown escape \\q"},
        BadInput{"node without a type", "# header\n\nnode { name: \"a\" }\n", 3, 1, "has no type"},
        BadInput{"bad orientation",
                 "node { name: \"m\" attr { key: \"type\" value { placeholder: \"MACRO\" } }\n"
                 " attr { key: \"orientation\" value { placeholder: \"UP\" } } }\n",
                 2, 49, "unknown orientation 'UP'"},
        BadInput{"zero weight",
                 "node { name: \"m\" attr { key: \"type\" value { placeholder: \"PORT\" } }\n"
                 " attr { key: \"weight\" value { f: 0 } } }\n",
                 2, 34, "weight must be positive"},
        BadInput{"bad FP bbox", "# FP bbox: {0 0 1}\n", 1, 1, "FP bbox"},
        BadInput{"attr without key (found by fuzzing)", "node { name: \"m\"\n  attr { }\n}\n", 2, 3,
                 "attr without a key"},
        BadInput{"attr without value", "node { name: \"m\"\n  attr { key: \"x\" }\n}\n", 2, 3,
                 "attr 'x' without a value"}));

TEST(CtNetlistReader, RefusesOverlongStringsInsteadOfBufferingThem) {
  const std::string text = "node { name: \"" + std::string(70000, 'x') + "\" }\n";
  Netlist netlist;
  const Status status = parse_ct_netlist(text, "long.pb.txt", &netlist);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("longer than"), std::string::npos) << status.to_string();
}

TEST(CtNetlistReader, MissingFileIsAnErrorNamingIt) {
  Netlist netlist;
  const Status status = read_ct_netlist("/nonexistent/x.pb.txt", &netlist);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().file, "/nonexistent/x.pb.txt");
}

void expect_round_trip(const std::string& source, const std::string& copy_name) {
  Netlist original;
  ASSERT_TRUE(read_ct_netlist(source, &original).ok());
  const std::string copy = make_temp_dir("ct_round_trip") + "/" + copy_name;
  const Status written = write_ct_netlist(original, copy);
  ASSERT_TRUE(written.ok()) << written.to_string();
  Netlist again;
  const Status read_back = read_ct_netlist(copy, &again);
  ASSERT_TRUE(read_back.ok()) << read_back.to_string();
  const Status same = compare_netlists(original, again, 0.0);  // exact: shortest round-trip digits
  EXPECT_TRUE(same.ok()) << same.to_string();
  EXPECT_EQ(again.metadata.size(), original.metadata.size());
  EXPECT_EQ(again.canvas.has_value(), original.canvas.has_value());
  for (NodeId node = 0; node < original.num_nodes(); ++node) {
    ASSERT_EQ(original.ref_name(node), again.ref_name(node));
    ASSERT_EQ(original.port_side(node), again.port_side(node));
  }
}

TEST(CtNetlistWriter, ClusteredArianeRoundTripsExactly) {
  expect_round_trip(example_path("ariane133-ng45/netlist.pb.txt.gz"), "ariane.pb.txt");
}

TEST(CtNetlistWriter, GzipOutputRoundTrips) {
  expect_round_trip(example_path("ct/sample_clustered/netlist.pb.txt"), "sample.pb.txt.gz");
}

TEST(CtNetlistWriter, EveryBundledCtDesignRoundTrips) {
  for (const char* design :
       {"macro_tiles_10x10", "simple_with_coords", "simple_grouped_with_coords",
        "simple_grouped_with_coords_with_blockage", "toy_macro_stdcell"}) {
    SCOPED_TRACE(design);
    expect_round_trip(example_path(std::string("ct/") + design + "/netlist.pb.txt"),
                      std::string(design) + ".pb.txt");
  }
}

TEST(CtNetlistWriter, NodeDrivingSeveralNetsRoundTripsThroughTheExtension) {
  // Bookshelf designs have cells that drive several nets; Circuit Training's format has one
  // `input:` list per node, so the extra nets travel as macroplace.extra_net.* attributes.
  Netlist netlist;
  const NodeId a = netlist.add_node(NodeKind::kStdCell, "a", 1, 1);
  const NodeId b = netlist.add_node(NodeKind::kPort, "b");
  const NodeId c = netlist.add_node(NodeKind::kPort, "c");
  const NodeId d = netlist.add_node(NodeKind::kPort, "d");
  const NodeId first[] = {a, b};
  const NodeId second[] = {a, c, d};
  const NodeId third[] = {b, a};
  netlist.add_net(first, 2);
  netlist.add_net(second, 3, 4.5);
  netlist.add_net(third, 2);
  const std::string path = make_temp_dir("ct_writer") + "/several.pb.txt";
  ASSERT_TRUE(write_ct_netlist(netlist, path).ok());
  const std::string text = macroplace::testing::read_file(path);
  EXPECT_NE(
      text.find("key: \"macroplace.extra_net.1.input.1\"\n    value {\n      placeholder: \"d\""),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("key: \"macroplace.extra_net.1.weight\"\n    value {\n      f: 4.5"),
            std::string::npos);
  Netlist again;
  const Status status = read_ct_netlist(path, &again);
  ASSERT_TRUE(status.ok()) << status.to_string();
  const Status same = compare_netlists(netlist, again, 0.0);
  EXPECT_TRUE(same.ok()) << same.to_string();
}

TEST(CtNetlistReader, MalformedExtraNetAttributesAreErrors) {
  const std::string base =
      "node { name: \"a\" attr { key: \"type\" value { placeholder: \"PORT\" } }\n";
  for (const char* bad : {"macroplace.extra_net.0.input.0", "macroplace.extra_net.1.inputs.0",
                          "macroplace.extra_net.x.input.0", "macroplace.extra_net.1.input.0z"}) {
    Netlist netlist;
    const Status status =
        parse_ct_netlist(base + " attr { key: \"" + bad + "\" value { placeholder: \"a\" } } }\n",
                         "x.pb.txt", &netlist);
    ASSERT_FALSE(status.ok()) << bad;
    EXPECT_EQ(status.where().line, 2u);
    EXPECT_EQ(status.where().column, 14u);  // the key's opening quote
  }
  Netlist netlist;
  const Status unknown = parse_ct_netlist(
      base + " attr { key: \"macroplace.extra_net.1.input.0\" value { placeholder: \"zz\" } } }\n",
      "x.pb.txt", &netlist);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("unknown node 'zz'"), std::string::npos);
}

}  // namespace
}  // namespace macroplace::netlist
