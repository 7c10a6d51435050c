#include "macroplace/netlist/bookshelf.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "macroplace/netlist/netlist.h"
#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;
using macroplace::testing::read_file;
using macroplace::testing::write_file;

// Nets whose driver already drove an earlier net (CT allows one net per driver).
int count_driver_conflicts(const Netlist& netlist) {
  std::set<NodeId> drivers;
  int conflicts = 0;
  for (NetId n = 0; n < netlist.num_nets(); ++n) {
    if (!drivers.insert(netlist.net_driver(n)).second) ++conflicts;
  }
  return conflicts;
}

TEST(BookshelfTest, Ibm01Counts) {
  Netlist netlist;
  const Status status = read_bookshelf(example_path("ibm01/ibm01.aux"), &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_TRUE(netlist.validate().ok()) << netlist.validate().to_string();
  const NetlistCounts counts = netlist.counts();
  EXPECT_EQ(counts.hard_macros, 246);
  EXPECT_EQ(counts.std_cells, 12260);
  EXPECT_EQ(counts.ports, 246);
  EXPECT_EQ(counts.soft_macros, 0);
  EXPECT_EQ(counts.nets, 14111);
  EXPECT_EQ(counts.pins, 50566);
  // Every connection to a macro is a pin node, appended after the 12,752 .nodes nodes.
  EXPECT_EQ(netlist.num_nodes(), 12752 + counts.hard_macro_pins);
  for (NodeId i = 0; i < 12752; ++i) ASSERT_FALSE(is_pin(netlist.kind(i))) << i;
  for (NodeId i = 12752; i < netlist.num_nodes(); ++i) {
    ASSERT_EQ(netlist.kind(i), NodeKind::kHardMacroPin) << i;
  }
  // Pads are the terminals p1..p246, fixed; everything else is movable.
  const auto p1 = netlist.find("p1");
  ASSERT_TRUE(p1.has_value());
  EXPECT_EQ(netlist.kind(*p1), NodeKind::kPort);
  EXPECT_TRUE(netlist.fixed(*p1));
  // `p1 0 2336 : FS`, a 1x1 pad: centre (0.5, 2336.5).
  EXPECT_DOUBLE_EQ(netlist.x(*p1), 0.5);
  EXPECT_DOUBLE_EQ(netlist.y(*p1), 2336.5);
  EXPECT_EQ(netlist.orientation(*p1), Orientation::kFS);
  std::int64_t fixed = 0;
  for (NodeId i = 0; i < 12752; ++i) fixed += netlist.fixed(i) ? 1 : 0;
  EXPECT_EQ(fixed, 246);
  EXPECT_EQ(netlist.rows.size(), 144u);
  // Repeated drivers, counted independently from the .nets text: 13,636 of ibm01's 14,111 nets
  // have an `O` terminal, which drives; in 993 of them that terminal is a std cell or pad that
  // already drove an earlier net (multi-output cells). The 475 nets without `O` all find a
  // terminal that drives nothing else, so the matching adds no repeat.
  EXPECT_EQ(count_driver_conflicts(netlist), 993);
}

TEST(BookshelfTest, Ibm01CanvasIsTheRowsBoundingBox) {
  Netlist netlist;
  ASSERT_TRUE(read_bookshelf(example_path("ibm01/ibm01.aux"), &netlist).ok());
  ASSERT_TRUE(netlist.canvas.has_value());
  // Independently from the .scl text: rows are `Coordinate`, `Height`, `Sitespacing`,
  // `SubrowOrigin : x Numsites : n`.
  std::istringstream scl(read_file(example_path("ibm01/ibm01.scl")));
  std::string line;
  double y = 0, height = 0, spacing = 1;
  double x0 = std::numeric_limits<double>::infinity(), y0 = x0, x1 = -x0, y1 = -x0;
  int rows = 0;
  while (std::getline(scl, line)) {
    std::istringstream in(line);
    std::string key, colon, sites_key;
    in >> key >> colon;
    if (key == "Coordinate") in >> y;
    if (key == "Height") in >> height;
    if (key == "Sitespacing") in >> spacing;
    if (key == "SubrowOrigin") {
      double origin = 0, sites = 0;
      in >> origin >> sites_key >> colon >> sites;
      x0 = std::min(x0, origin);
      x1 = std::max(x1, origin + sites * spacing);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y + height);
      ++rows;
    }
  }
  EXPECT_EQ(rows, 144);
  EXPECT_DOUBLE_EQ(netlist.canvas->x0, x0);
  EXPECT_DOUBLE_EQ(netlist.canvas->y0, y0);
  EXPECT_DOUBLE_EQ(netlist.canvas->x1, x1);
  EXPECT_DOUBLE_EQ(netlist.canvas->y1, y1);
  // By hand: 144 rows of height 16 from 0, each 2295 sites of 1 from 0.
  EXPECT_DOUBLE_EQ(netlist.canvas->x0, 0);
  EXPECT_DOUBLE_EQ(netlist.canvas->y0, 0);
  EXPECT_DOUBLE_EQ(netlist.canvas->x1, 2295);
  EXPECT_DOUBLE_EQ(netlist.canvas->y1, 2304);
}

TEST(BookshelfTest, Ibm01RoundTrip) {
  Netlist a;
  ASSERT_TRUE(read_bookshelf(example_path("ibm01/ibm01.aux"), &a).ok());
  const std::string dir = make_temp_dir("bookshelf_ibm01");
  Status status = write_bookshelf(a, dir + "/copy.aux");
  ASSERT_TRUE(status.ok()) << status.to_string();
  Netlist b;
  status = read_bookshelf(dir + "/copy.aux", &b);
  ASSERT_TRUE(status.ok()) << status.to_string();
  status = compare_netlists(a, b, 1e-9);
  EXPECT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(a.rows.size(), b.rows.size());
  ASSERT_TRUE(b.canvas.has_value());
  EXPECT_DOUBLE_EQ(b.canvas->x1, a.canvas->x1);
  EXPECT_DOUBLE_EQ(b.canvas->y1, a.canvas->y1);
  EXPECT_EQ(count_driver_conflicts(b), count_driver_conflicts(a));
}

// ---------------------------------------------------------------------------------------------
// A tiny hand-written design.

std::map<std::string, std::string> tiny_files() {
  std::map<std::string, std::string> files;
  files["aux"] = "RowBasedPlacement :  tiny.nodes tiny.nets tiny.wts tiny.pl tiny.scl\n";
  files["nodes"] =
      "UCLA nodes 1.0\n"
      "# a comment\n"
      "\n"
      "NumNodes : 6\n"
      "NumTerminals:2\n"
      "  p0 1 1 terminal\n"
      "  M0\t30 20\tterminal\n"
      "  M1 20 40\n"
      "  c0 4 10\n"
      "  c1 6 10\n"
      "  W 50 5\n";
  files["pl"] =
      "UCLA pl 1.0\n"
      "\n"
      "p0 0 50 : N\n"
      "M0 60 0 : N /FIXED\n"
      "M1 10 10 :E\n"
      "c0 2 0 : N\n"
      "c1 8 10 : FS /FIXED\n"
      "W 0 20 : N\n";
  files["nets"] =
      "UCLA nets 1.0\n"
      "NumNets : 5\n"
      "NumPins : 11\n"
      "NetDegree : 3 netA\n"
      "  c0 I\n"
      "  M1 O : 5 -10\n"
      "  p0 B\n"
      "NetDegree : 2 netB\n"
      "  c0 O : 1 1\n"
      "  M1 I : -5 10\n"
      "NetDegree:3\n"
      "  M0 B : 0 0\n"
      "  M1 I : 1.5 2\n"
      "  c0 B\n"
      "NetDegree : 2 netD\n"
      "  c0 I\n"
      "  c1 B\n"
      "NetDegree : 1 netE\n"
      "  c1 O\n";
  files["wts"] =
      "UCLA wts 1.0\n"
      "netA 2.5\n"
      "c0 3\n";
  files["scl"] =
      "UCLA scl 1.0\n"
      "NumRows : 3\n"
      "CoreRow Horizontal\n"
      "  Coordinate : 0\n"
      "  Height : 10\n"
      "  Sitewidth : 1\n"
      "  Sitespacing : 1\n"
      "  Siteorient : N\n"
      "  Sitesymmetry : Y\n"
      "  SubrowOrigin : 0 NumSites : 100\n"
      "End\n"
      "CoreRow Horizontal\n"
      "  Coordinate : 10\n"
      "  Height : 10\n"
      "  SubrowOrigin : 0 Numsites : 100\n"
      "End\n"
      "CoreRow Horizontal\n"
      "  Coordinate : 20\n"
      "  Height : 12\n"
      "  Sitewidth : 2\n"
      "  Sitespacing : 2\n"
      "  Siteorient : FS\n"
      "  Sitesymmetry : X\n"
      "  SubrowOrigin:5 NumSites:50\n"
      "End\n";
  return files;
}

std::string write_design(const std::string& dir, const std::map<std::string, std::string>& files) {
  for (const auto& [extension, text] : files) write_file(dir + "/tiny." + extension, text);
  return dir + "/tiny.aux";
}

std::string to_crlf(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(BookshelfTest, TinyDesign) {
  Netlist netlist;
  const Status status = read_bookshelf(write_design(make_temp_dir("tiny"), tiny_files()), &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_TRUE(netlist.validate().ok()) << netlist.validate().to_string();
  ASSERT_EQ(netlist.num_nodes(), 10);
  const NodeKind kinds[] = {NodeKind::kPort,         NodeKind::kHardMacro,
                            NodeKind::kHardMacro,    NodeKind::kStdCell,
                            NodeKind::kStdCell,      NodeKind::kStdCell,
                            NodeKind::kHardMacroPin, NodeKind::kHardMacroPin,
                            NodeKind::kHardMacroPin, NodeKind::kHardMacroPin};
  const char* names[] = {"p0", "M0", "M1", "c0", "c1", "W", "M1/P0", "M1/P1", "M0/P0", "M1/P2"};
  for (NodeId i = 0; i < 10; ++i) {
    EXPECT_EQ(netlist.kind(i), kinds[i]) << i;
    EXPECT_EQ(netlist.name(i), names[i]) << i;
  }
  // Fixed: the terminals, and c1 (/FIXED). M0 is a terminal anyway.
  const bool fixed[] = {true, true, false, false, true, false};
  for (NodeId i = 0; i < 6; ++i) EXPECT_EQ(netlist.fixed(i), fixed[i]) << i;

  // Centres from lower-left corners; M1 (20 x 40) turned E occupies 40 x 20 from (10, 10).
  const double centres[][2] = {{0.5, 50.5}, {75, 10}, {30, 20}, {4, 5}, {11, 15}, {25, 22.5}};
  for (NodeId i = 0; i < 6; ++i) {
    EXPECT_DOUBLE_EQ(netlist.x(i), centres[i][0]) << i;
    EXPECT_DOUBLE_EQ(netlist.y(i), centres[i][1]) << i;
  }
  EXPECT_EQ(netlist.orientation(2), Orientation::kE);
  EXPECT_EQ(netlist.orientation(4), Orientation::kFS);
  EXPECT_DOUBLE_EQ(netlist.placed_width(2), 40);

  // Pins: owners and N-frame offsets from .nets.
  const NodeId owners[] = {2, 2, 1, 2};
  const double offsets[][2] = {{5, -10}, {-5, 10}, {0, 0}, {1.5, 2}};
  for (NodeId k = 0; k < 4; ++k) {
    EXPECT_EQ(netlist.pin_owner(6 + k), owners[k]) << k;
    EXPECT_DOUBLE_EQ(netlist.pin_offset_x(6 + k), offsets[k][0]) << k;
    EXPECT_DOUBLE_EQ(netlist.pin_offset_y(6 + k), offsets[k][1]) << k;
  }
  // M1/P0 at offset (5, -10) turned E: (dy, -dx) = (-10, -5) from (30, 20).
  double px = 0, py = 0;
  netlist.terminal_position(6, &px, &py);
  EXPECT_DOUBLE_EQ(px, 20);
  EXPECT_DOUBLE_EQ(py, 15);

  // Nets: driver first (the first O; without one, a terminal that drives nothing else, by a
  // maximum matching that prefers earlier terminals), the rest in file order.
  ASSERT_EQ(netlist.num_nets(), 5);
  const std::vector<std::vector<NodeId>> nets = {
      {6, 3, 0},  // netA: M1 O (a new pin) drives; c0 and p0 follow
      {3, 7},     // netB: c0 O drives (its offset is dropped)
      {8, 9, 3},  // no O: the first free terminal, M0's new pin
      {3, 4},     // netD: c0 drives netB and c1 netE (their O): no free terminal, so c0 again
      {4},        // netE: c1 O drives
  };
  for (NetId n = 0; n < 5; ++n) {
    EXPECT_EQ(std::vector<NodeId>(netlist.net_terminals_begin(n), netlist.net_terminals_end(n)),
              nets[n])
        << n;
  }
  EXPECT_EQ(count_driver_conflicts(netlist), 1);
  EXPECT_EQ(netlist.net_name(0), "netA");
  EXPECT_EQ(netlist.net_name(2), "");
  EXPECT_DOUBLE_EQ(netlist.net_weight(0), 2.5);  // from .wts; `c0 3` is a node weight
  EXPECT_DOUBLE_EQ(netlist.net_weight(1), 1);
  const NetlistCounts counts = netlist.counts();
  EXPECT_EQ(counts.pins, 11);
  EXPECT_EQ(counts.hard_macros, 2);
  EXPECT_EQ(counts.ports, 1);
  EXPECT_EQ(counts.std_cells, 3);
  EXPECT_EQ(counts.hard_macro_pins, 4);

  // Rows and canvas: the third row spans 5 + 50 * 2 = 105 and tops out at 32.
  ASSERT_EQ(netlist.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(netlist.rows[2].site_spacing, 2);
  EXPECT_EQ(netlist.rows[2].num_sites, 50);
  EXPECT_EQ(netlist.rows[2].site_orient, "FS");
  EXPECT_EQ(netlist.rows[2].site_symmetry, "X");
  ASSERT_TRUE(netlist.canvas.has_value());
  EXPECT_DOUBLE_EQ(netlist.canvas->x0, 0);
  EXPECT_DOUBLE_EQ(netlist.canvas->y0, 0);
  EXPECT_DOUBLE_EQ(netlist.canvas->x1, 105);
  EXPECT_DOUBLE_EQ(netlist.canvas->y1, 32);
}

TEST(BookshelfTest, TinyDesignCrlfParsesIdentically) {
  Netlist lf, crlf;
  ASSERT_TRUE(read_bookshelf(write_design(make_temp_dir("lf"), tiny_files()), &lf).ok());
  std::map<std::string, std::string> files = tiny_files();
  for (auto& [extension, text] : files) text = to_crlf(text);
  const Status status = read_bookshelf(write_design(make_temp_dir("crlf"), files), &crlf);
  ASSERT_TRUE(status.ok()) << status.to_string();
  const Status same = compare_netlists(lf, crlf, 0);
  EXPECT_TRUE(same.ok()) << same.to_string();
  EXPECT_EQ(crlf.rows.size(), 3u);
  EXPECT_EQ(crlf.rows[2].site_orient, "FS");
  EXPECT_EQ(crlf.net_name(3), "netD");
}

TEST(BookshelfTest, TinyDesignRoundTrip) {
  Netlist a;
  ASSERT_TRUE(read_bookshelf(write_design(make_temp_dir("tiny_in"), tiny_files()), &a).ok());
  const std::string out = make_temp_dir("tiny_out");
  Status status = write_bookshelf(a, out + "/again.aux");
  ASSERT_TRUE(status.ok()) << status.to_string();
  for (const char* extension : {".aux", ".nodes", ".nets", ".wts", ".pl", ".scl"}) {
    EXPECT_FALSE(read_file(out + "/again" + extension).empty()) << extension;
  }
  Netlist b;
  status = read_bookshelf(out + "/again.aux", &b);
  ASSERT_TRUE(status.ok()) << status.to_string();
  status = compare_netlists(a, b, 1e-9);
  EXPECT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(b.net_name(0), "netA");
  EXPECT_EQ(b.net_name(2), "n2");  // unnamed nets get names on writing
  EXPECT_DOUBLE_EQ(b.net_weight(0), 2.5);
  ASSERT_EQ(b.rows.size(), 3u);
  EXPECT_EQ(b.rows[2].site_orient, "FS");
  EXPECT_DOUBLE_EQ(b.canvas->x1, 105);
  EXPECT_DOUBLE_EQ(b.canvas->y1, 32);
}

TEST(BookshelfTest, WriterSynthesisesRowsFromTheCanvas) {
  Netlist a;
  a.add_node(NodeKind::kHardMacro, "m", 10, 30, 20, 20);
  a.add_node(NodeKind::kStdCell, "c", 2, 5, 50, 50);
  a.add_node(NodeKind::kPort, "p", 0, 0, 0, 40);
  a.set_fixed(2, true);
  const NodeId net[] = {1, 2};
  a.add_net(net, 2);
  a.canvas = Rect{0, 0, 100, 100};
  const std::string out = make_temp_dir("synth");
  ASSERT_TRUE(write_bookshelf(a, out + "/s.aux").ok());
  Netlist b;
  const Status status = read_bookshelf(out + "/s.aux", &b);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(b.rows.size(), 20u);  // height 5 = the std cell's
  ASSERT_TRUE(b.canvas.has_value());
  EXPECT_DOUBLE_EQ(b.canvas->x1, 100);
  EXPECT_DOUBLE_EQ(b.canvas->y1, 100);
  const Status same = compare_netlists(a, b, 1e-9);
  EXPECT_TRUE(same.ok()) << same.to_string();
}

TEST(BookshelfTest, WriterRejectsUnwritableNames) {
  Netlist a;
  a.add_node(NodeKind::kStdCell, "has space", 1, 1);
  EXPECT_FALSE(write_bookshelf(a, make_temp_dir("badname") + "/x.aux").ok());
}

// ---------------------------------------------------------------------------------------------
// Malformed inputs: each replaces one file of the tiny design.

struct BadCase {
  const char* label;
  const char* extension;  // the file replaced
  const char* text;
  std::uint64_t line;
  const char* fragment;  // of the message
};

const BadCase kBadCases[] = {
    {"aux_without_nodes", "aux", "RowBasedPlacement : tiny.nets tiny.pl\n", 1,
     "expected a .nodes file"},
    {"aux_missing_file", "aux", "RowBasedPlacement : gone.nodes tiny.nets tiny.pl tiny.scl\n", 1,
     "cannot read 'gone.nodes'"},
    {"aux_empty", "aux", "", 1, "expected 'RowBasedPlacement"},
    {"aux_no_colon", "aux", "RowBasedPlacement tiny.nodes\n", 1, "expected ':'"},
    {"nodes_bad_width", "nodes", "UCLA nodes 1.0\nNumNodes : 1\nNumTerminals : 0\nc0 abc 10\n", 4,
     "expected a number for the width, found 'abc'"},
    {"nodes_nan_height", "nodes", "NumNodes : 1\nNumTerminals : 0\nc0 4 nan\n", 3,
     "expected a number for the height, found 'nan'"},
    {"nodes_inf_width", "nodes", "NumNodes : 1\nNumTerminals : 0\nc0 inf 4\n", 3,
     "expected a number for the width, found 'inf'"},
    {"nodes_negative", "nodes", "NumNodes : 1\nNumTerminals : 0\nc0 4 -1\n", 3,
     "expected a non-negative height, found '-1'"},
    {"nodes_duplicate", "nodes", "NumNodes : 2\nNumTerminals : 0\nc0 4 10\nc0 4 10\n", 4,
     "duplicate node name 'c0'"},
    {"nodes_too_few", "nodes", "NumNodes : 3\nNumTerminals : 0\nc0 4 10\nc1 4 10\n", 4,
     "file ends after 2 nodes, NumNodes : 3"},
    {"nodes_too_many", "nodes", "NumNodes : 1\nNumTerminals : 0\nc0 4 10\nc1 4 10\n", 4,
     "more nodes than NumNodes : 1"},
    {"nodes_huge_count", "nodes", "NumNodes : 1000000000000\nNumTerminals : 0\nc0 4 10\n", 1,
     "too many nodes"},
    {"nodes_large_count_truncated", "nodes", "NumNodes : 100000000\nNumTerminals : 0\nc0 4 10\n", 3,
     "file ends after 1 nodes, NumNodes : 100000000"},
    {"nodes_terminal_count", "nodes", "NumNodes : 1\nNumTerminals : 1\nc0 4 10\n", 3,
     "file lists 0 terminals, NumTerminals : 1"},
    {"nodes_bad_flag", "nodes", "NumNodes : 1\nNumTerminals : 0\nc0 4 10 fixed\n", 3,
     "expected 'terminal', 'terminal_NI' or the end of the line, found 'fixed'"},
    {"nodes_no_count", "nodes", "UCLA nodes 1.0\nc0 4 10\n", 2,
     "expected NumNodes before the first node"},
    {"nodes_bad_count", "nodes", "NumNodes : -3\n", 1,
     "expected a non-negative integer for the number of nodes, found '-3'"},
    {"nodes_empty", "nodes", "", 1, "expected NumNodes"},
    {"nets_unknown_node", "nets", "NumNets : 1\nNumPins : 2\nNetDegree : 2\n  c0 I\n  zz O\n", 5,
     "unknown node 'zz'"},
    {"nets_degree_short", "nets",
     "NumNets : 2\nNumPins : 4\nNetDegree : 3\n  c0 I\n  c1 O\nNetDegree : 1\n  c0 I\n", 6,
     "has 2 of its NetDegree 3 pins, found NetDegree"},
    {"nets_truncated", "nets", "NumNets : 1\nNumPins : 3\nNetDegree : 3\n  c0 I\n  c1 O\n", 5,
     "file ends: net on line 3 has 2 of its NetDegree 3 pins"},
    {"nets_pin_count", "nets", "NumNets : 1\nNumPins : 3\nNetDegree : 2\n  c0 I\n  c1 O\n", 5,
     "file lists 2 pins, NumPins : 3"},
    {"nets_more_pins_than_declared", "nets",
     "NumNets : 1\nNumPins : 2\nNetDegree : 1000000000000\n  c0 I\n", 3,
     "more pins than NumPins : 2"},
    {"nets_net_count", "nets", "NumNets : 2\nNumPins : 2\nNetDegree : 2\n  c0 I\n  c1 O\n", 5,
     "file ends after 1 nets, NumNets : 2"},
    {"nets_too_many_nets", "nets",
     "NumNets : 1\nNumPins : 3\nNetDegree : 2\n  c0 I\n  c1 O\nNetDegree : 1\n  c0 I\n", 6,
     "more nets than NumNets : 1"},
    {"nets_bad_direction", "nets", "NumNets : 1\nNumPins : 1\nNetDegree : 1\n  c0 X\n", 4,
     "expected a pin direction I, O or B, found 'X'"},
    {"nets_bad_offset", "nets", "NumNets : 1\nNumPins : 1\nNetDegree : 1\n  M1 I : 1 zz\n", 4,
     "expected a number for the pin's y offset, found 'zz'"},
    {"nets_missing_offset", "nets", "NumNets : 1\nNumPins : 1\nNetDegree : 1\n  M1 I : 1\n", 4,
     "expected a number for the pin's y offset, found the end of the line"},
    {"nets_zero_degree", "nets", "NumNets : 1\nNumPins : 0\nNetDegree : 0\n", 3,
     "expected a positive net degree"},
    {"nets_bad_degree", "nets", "NumNets : 1\nNumPins : 1\nNetDegree : x\n", 3,
     "expected a non-negative integer for the net degree, found 'x'"},
    {"nets_no_counts", "nets", "NetDegree : 1\n  c0 I\n", 1,
     "expected NumNets before the first net"},
    {"nets_stray_line", "nets", "NumNets : 1\nNumPins : 1\n  c0 I\n", 3,
     "expected NetDegree, found 'c0'"},
    {"pl_unknown_node", "pl", "UCLA pl 1.0\nzz 0 0 : N\n", 2, "unknown node 'zz'"},
    {"pl_bad_orientation", "pl", "c0 0 0 : Q\n", 1,
     "expected an orientation (N, S, E, W, FN, FS, FE, FW), found 'Q'"},
    {"pl_missing_orientation", "pl", "c0 0 0 :\n", 1, "expected an orientation"},
    {"pl_bad_x", "pl", "c0 1e999 0 : N\n", 1, "expected a number for the x coordinate"},
    {"pl_bad_y", "pl", "c0 0\n", 1, "expected a number for the y coordinate, found the end"},
    {"pl_duplicate", "pl", "c0 0 0 : N\nc0 1 1 : N\n", 2, "a second position for node 'c0'"},
    {"pl_bad_flag", "pl", "c0 0 0 : N /MOVABLE\n", 1, "found '/MOVABLE'"},
    {"scl_missing_end", "scl",
     "NumRows : 1\nCoreRow Horizontal\n Coordinate : 0\n Height : 10\n SubrowOrigin : 0 NumSites : "
     "5\n",
     5, "file ends inside a CoreRow block (expected End)"},
    {"scl_row_count", "scl",
     "NumRows : 2\nCoreRow Horizontal\n Coordinate : 0\n Height : 10\n SubrowOrigin : 0 NumSites : "
     "5\nEnd\n",
     6, "file ends after 1 rows, NumRows : 2"},
    {"scl_bad_height", "scl", "NumRows : 1\nCoreRow Horizontal\n Coordinate : 0\n Height : -10\n",
     4, "expected a positive number for Height, found '-10'"},
    {"scl_vertical", "scl", "NumRows : 1\nCoreRow Vertical\n", 2, "expected 'Horizontal'"},
    {"scl_unknown_field", "scl", "NumRows : 1\nCoreRow Horizontal\n Colour : red\n", 3,
     "expected a row field"},
    {"scl_no_sites", "scl", "NumRows : 1\nCoreRow Horizontal\n SubrowOrigin : 0\n", 3,
     "expected NumSites, found the end of the line"},
    {"scl_no_height", "scl",
     "NumRows : 1\nCoreRow Horizontal\n Coordinate : 0\n SubrowOrigin : 0 NumSites : 5\nEnd\n", 5,
     "row has no Height"},
    {"scl_overflow", "scl",
     "NumRows : 1\nCoreRow Horizontal\n Coordinate : 0\n Height : 10\n Sitespacing : 1e300\n"
     " SubrowOrigin : 0 NumSites : 9000000000000000000\nEnd\n",
     7, "row extends beyond the range of numbers"},
    {"wts_bad_weight", "wts", "UCLA wts 1.0\nnetA heavy\n", 2,
     "expected a number for the net weight, found 'heavy'"},
    {"wts_zero_weight", "wts", "netA 0\n", 1, "expected a positive net weight"},
};

class BookshelfBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BookshelfBadInputTest, ReportsWhereAndWhat) {
  const BadCase& bad = GetParam();
  std::map<std::string, std::string> files = tiny_files();
  files[bad.extension] = bad.text;
  Netlist netlist;
  netlist.add_node(NodeKind::kStdCell, "untouched");
  const Status status = read_bookshelf(write_design(make_temp_dir(bad.label), files), &netlist);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().line, bad.line) << status.to_string();
  EXPECT_NE(status.message().find(bad.fragment), std::string::npos) << status.to_string();
  EXPECT_NE(status.where().file.find(std::string("tiny.") + bad.extension), std::string::npos)
      << status.to_string();
  EXPECT_EQ(netlist.num_nodes(), 1);  // the output is left alone on error
}

INSTANTIATE_TEST_SUITE_P(Table, BookshelfBadInputTest, ::testing::ValuesIn(kBadCases),
                         [](const ::testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.label);
                         });

TEST(BookshelfTest, MissingAuxFile) {
  Netlist netlist;
  const Status status = read_bookshelf(make_temp_dir("noaux") + "/none.aux", &netlist);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot open"), std::string::npos) << status.to_string();
}

TEST(BookshelfTest, OptionalWtsAndScl) {
  std::map<std::string, std::string> files = tiny_files();
  files["aux"] = "RowBasedPlacement : tiny.pl tiny.nets tiny.nodes\n";  // any order
  Netlist netlist;
  const Status status = read_bookshelf(write_design(make_temp_dir("optional"), files), &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_TRUE(netlist.rows.empty());
  EXPECT_FALSE(netlist.canvas.has_value());
  // Row height = the smallest non-terminal height (W's 5): c0 and c1 (height 10) are now macros.
  EXPECT_EQ(netlist.kind(3), NodeKind::kHardMacro);
  EXPECT_EQ(netlist.kind(5), NodeKind::kStdCell);
  EXPECT_EQ(netlist.kind(0), NodeKind::kPort);
  EXPECT_DOUBLE_EQ(netlist.net_weight(0), 1);
}

}  // namespace
}  // namespace macroplace::netlist
