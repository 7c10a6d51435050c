// `.plc` placement files: header settings of real files, applying to netlists, errors with
// locations, and write/read round trips.
#include "macroplace/netlist/plc.h"

#include <gtest/gtest.h>

#include <string>

#include "macroplace/netlist/ct_netlist.h"
#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

TEST(PlcReader, ArianeLegalizedHeaderSettings) {
  PlacementFile plc;
  const Status status = read_plc(example_path("ariane133-ng45/legalized.plc"), &plc);
  ASSERT_TRUE(status.ok()) << status.to_string();
  const PlacementSettings& s = plc.settings;
  EXPECT_EQ(s.columns, 24);
  EXPECT_EQ(s.rows, 21);
  EXPECT_EQ(s.width, 1433.406);
  EXPECT_EQ(s.height, 1433.406);
  EXPECT_EQ(s.routes_per_micron_horizontal, 57.031);
  EXPECT_EQ(s.routes_per_micron_vertical, 56.818);
  EXPECT_EQ(s.macro_routes_horizontal, 39.583);
  EXPECT_EQ(s.macro_routes_vertical, 30.303);
  EXPECT_EQ(s.smoothing_range, 0.0);
  EXPECT_FALSE(s.overlap_threshold.has_value());  // this header does not state one
  EXPECT_EQ(s.project, "unset_project");
  EXPECT_EQ(s.block, "unset_block");
  // One line per port, hard macro and soft macro: 495 + 133 + 782.
  EXPECT_EQ(plc.entries.size(), 1410u);
  // Its last line is "19882 268.764 1126.25 N 0".
  EXPECT_EQ(plc.entries.back().node, 19882);
  EXPECT_EQ(plc.entries.back().x, 268.764);
  EXPECT_EQ(plc.entries.back().y, 1126.25);
  EXPECT_EQ(plc.entries.back().orientation, Orientation::kN);
  EXPECT_FALSE(plc.entries.back().fixed);
}

TEST(PlcReader, Blockages) {
  PlacementFile plc;
  ASSERT_TRUE(
      read_plc(example_path("ct/simple_grouped_with_coords_with_blockage/initial.plc"), &plc).ok());
  ASSERT_EQ(plc.settings.blockages.size(), 2u);  // "# Blockage : 490 490 500 500 1.0"
  EXPECT_EQ(plc.settings.blockages[1].rect.x0, 490.0);
  EXPECT_EQ(plc.settings.blockages[1].rect.y1, 500.0);
  EXPECT_EQ(plc.settings.blockages[1].rate, 1.0);
  EXPECT_EQ(plc.settings.columns, 2);
  EXPECT_EQ(plc.settings.width, 500.0);
  EXPECT_EQ(plc.settings.project, "sample");
  EXPECT_FALSE(plc.settings.smoothing_range.has_value());  // not stated: no silent default
}

TEST(PlcReader, SmoothingAndOverlapThreshold) {
  PlacementFile plc;
  ASSERT_TRUE(read_plc(example_path("ct/macro_tiles_10x10/initial.plc"), &plc).ok());
  EXPECT_EQ(plc.settings.overlap_threshold, 0.004);  // "# Overlap threshold : 0.004"
  EXPECT_EQ(plc.settings.smoothing_range, 2.0);      // "# Smoothing factor : 2"
  EXPECT_EQ(plc.settings.routes_per_micron_horizontal, 70.33);
  EXPECT_EQ(plc.settings.block, "macro_tiles_10x10");
}

TEST(PlcReader, PortsHaveNoOrientationAndCanBeFixed) {
  PlacementFile plc;
  ASSERT_TRUE(read_plc(example_path("ct/ariane/initial.plc"), &plc).ok());
  ASSERT_FALSE(plc.entries.empty());
  EXPECT_EQ(plc.entries[0].node, 0);  // "0 155.268 0.1975 - 1"
  EXPECT_FALSE(plc.entries[0].orientation.has_value());
  EXPECT_TRUE(plc.entries[0].fixed);
}

TEST(PlcReader, AppliesPositionsToTheClusteredAriane) {
  Netlist netlist;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), &netlist).ok());
  PlacementFile plc;
  ASSERT_TRUE(read_plc(example_path("ariane133-ng45/legalized.plc"), &plc).ok());
  const Status status = apply_placement(plc, &netlist);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(netlist.x(19882), 268.764);
  EXPECT_EQ(netlist.y(19882), 1126.25);
  EXPECT_TRUE(is_macro(netlist.kind(19882)));
}

TEST(PlcReader, CrlfFilesReadLikeLfFiles) {
  const std::string lf = "# Columns : 2  Rows : 3\n0 1.5 2.5 N 1\n";
  const std::string crlf = "# Columns : 2  Rows : 3\r\n0 1.5 2.5 N 1\r\n";
  PlacementFile a, b;
  ASSERT_TRUE(parse_plc(lf, "lf.plc", &a).ok());
  ASSERT_TRUE(parse_plc(crlf, "crlf.plc", &b).ok());
  EXPECT_EQ(a.settings.rows, b.settings.rows);
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].y, 2.5);
  EXPECT_TRUE(b.entries[0].fixed);
}

struct BadPlc {
  const char* what;
  std::string text;
  std::uint64_t line, column;
  const char* fragment;
};

class PlcErrors : public ::testing::TestWithParam<BadPlc> {};

TEST_P(PlcErrors, PointAtTheLineAndColumn) {
  const BadPlc& bad = GetParam();
  PlacementFile plc;
  Status status = parse_plc(bad.text, "bad.plc", &plc);
  if (status.ok()) {
    // Index errors are found when the placement meets a netlist: two ports, a macro and its pin.
    Netlist netlist;
    netlist.add_node(NodeKind::kPort, "p0");
    netlist.add_node(NodeKind::kPort, "p1");
    const NodeId macro = netlist.add_node(NodeKind::kHardMacro, "m", 2, 2);
    netlist.add_pin(macro, NodeKind::kHardMacroPin, "m/a", 0, 0);
    status = apply_placement(plc, &netlist);
  }
  ASSERT_FALSE(status.ok()) << bad.what;
  EXPECT_EQ(status.where().file, "bad.plc");
  EXPECT_EQ(status.where().line, bad.line) << status.to_string();
  EXPECT_EQ(status.where().column, bad.column) << status.to_string();
  EXPECT_NE(status.message().find(bad.fragment), std::string::npos) << status.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlcErrors,
    ::testing::Values(
        BadPlc{"too few fields", "# x\n0 1 2\n", 2, 1,
               "expected 'node_index x y orientation fixed'"},
        BadPlc{"bad index", "0 1 2 N 0\n-4 1 2 N 0\n", 2, 1, "expected a node index, found '-4'"},
        BadPlc{"bad x", "0  abc 2 N 0\n", 1, 4, "expected a finite x coordinate"},
        BadPlc{"NaN y", "0 1 nan N 0\n", 1, 5, "expected a finite y coordinate"},
        BadPlc{"bad orientation", "0 1 2 Q 0\n", 1, 7, "expected an orientation"},
        BadPlc{"bad fixed flag", "0 1 2 N 7\n", 1, 9, "fixed flag 0 or 1"},
        BadPlc{"bad columns header", "# Columns : 24  Rows : x\n", 1, 1, "Columns : C  Rows : R"},
        BadPlc{"zero columns", "# Columns : 0  Rows : 4\n", 1, 1, "whole numbers"},
        BadPlc{"negative canvas", "# Width : -5  Height : 4\n", 1, 1, "positive"},
        BadPlc{"short blockage", "# Blockage : 1 2 3\n", 1, 1, "Blockage : minx"},
        BadPlc{"index out of range", "# header\n\n7 1 2 N 0\n", 3, 1, "out of range"},
        BadPlc{"index names a pin", "3 1 2 N 0\n", 1, 1, "is the pin 'm/a'"},
        BadPlc{"node listed twice", "0 1 2 - 0\n2 5 5 N 0\n# x\n2 6 6 N 0\n", 4, 1,
               "index 2 ('m') is listed twice; first at line 2"},
        BadPlc{"unknown allowed orientation", "# Allowed orientations : N Q : 2\n", 1, 28,
               "expected an orientation (N FN S FS E FE W FW), found 'Q'"},
        BadPlc{"allowed orientations without nodes", "# Allowed orientations : N FS\n", 1, 1,
               "expected '# Allowed orientations : N FS ... : index index ...'"},
        BadPlc{"allowed orientations, bad index", "# Allowed orientations : N : 2 x\n", 1, 32,
               "expected a node index, found 'x'"},
        BadPlc{"allowed orientations for a port", "# x\n# Allowed orientations : N : 2 0\n", 2, 1,
               "node index 0, which is not a macro"},
        BadPlc{"empty file", "", 1, 1, "the placement file is empty"},
        BadPlc{"blank lines only", "\n  \n\t\n", 1, 1, "the placement file is empty"}));

// Circuit Training's tools keep the netlist's positions for nodes a .plc does not list; so do we,
// and the coverage says how many so that a caller can warn.
TEST(PlcReader, APartialFileMovesWhatItListsAndCountsTheRest) {
  Netlist netlist;
  netlist.add_node(NodeKind::kPort, "p0", 0, 0, 1, 1);
  const NodeId macro = netlist.add_node(NodeKind::kHardMacro, "m", 2, 2, 3, 4);
  netlist.add_pin(macro, NodeKind::kHardMacroPin, "m/a", 0, 0);
  netlist.add_node(NodeKind::kSoftMacro, "s", 2, 2, 7, 8);
  PlacementFile plc;
  ASSERT_TRUE(parse_plc("1 10 20 FN 1\n", "part.plc", &plc).ok());
  PlacementCoverage coverage;
  ASSERT_TRUE(apply_placement(plc, &netlist, &coverage).ok());
  EXPECT_EQ(coverage.listed, 1);
  EXPECT_EQ(coverage.missing, 2);  // p0 and s; the pin is not counted
  EXPECT_EQ(coverage.first_missing, 0);
  EXPECT_EQ(netlist.x(macro), 10);
  EXPECT_TRUE(netlist.fixed(macro));
  EXPECT_EQ(netlist.x(3), 7);  // s kept its position
  // A header-only file (Circuit Training's test designs have them) gives settings alone.
  PlacementFile header_only;
  ASSERT_TRUE(parse_plc("# Columns : 2  Rows : 3\n", "h.plc", &header_only).ok());
  EXPECT_TRUE(header_only.entries.empty());
  ASSERT_TRUE(apply_placement(header_only, &netlist, &coverage).ok());
  EXPECT_EQ(coverage.listed, 0);
  EXPECT_EQ(coverage.missing, 3);
}

TEST(PlcWriter, RoundTripsPositionsOrientationsAndSettings) {
  Netlist netlist;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), &netlist).ok());
  PlacementFile plc;
  ASSERT_TRUE(read_plc(example_path("ariane133-ng45/legalized.plc"), &plc).ok());
  ASSERT_TRUE(apply_placement(plc, &netlist).ok());
  netlist.set_orientation(19882, Orientation::kFW);  // something the file did not say
  netlist.set_fixed(0, true);
  // Orientation rules (a floorplan's LEF SYMMETRY): two macros limited alike, one otherwise.
  std::vector<NodeId> hard;
  for (NodeId node = 0; node < netlist.num_nodes() && hard.size() < 3; ++node) {
    if (netlist.kind(node) == NodeKind::kHardMacro) hard.push_back(node);
  }
  ASSERT_EQ(hard.size(), 3u);
  const OrientationSet flips = orientation_bit(Orientation::kN) |
                               orientation_bit(Orientation::kFS) |
                               orientation_bit(Orientation::kFN) | orientation_bit(Orientation::kS);
  netlist.set_allowed_orientations(hard[0], flips);
  netlist.set_allowed_orientations(hard[2], flips);
  netlist.set_allowed_orientations(hard[1], orientation_bit(Orientation::kN));
  plc.settings.overlap_threshold = 0.004;
  plc.settings.blockages.push_back({{1, 2, 3, 4}, 0.25});

  const std::string path = make_temp_dir("plc_writer") + "/out.plc";
  const Status written = write_plc(netlist, plc.settings, "netlist.pb.txt.gz", path);
  ASSERT_TRUE(written.ok()) << written.to_string();

  Netlist again;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), &again).ok());
  PlacementFile back;
  ASSERT_TRUE(read_plc(path, &back).ok());
  ASSERT_TRUE(apply_placement(back, &again).ok());
  const Status same = compare_netlists(netlist, again, 0.0);
  EXPECT_TRUE(same.ok()) << same.to_string();
  EXPECT_EQ(back.entries.size(), 1410u);
  EXPECT_EQ(back.settings.columns, 24);
  EXPECT_EQ(back.settings.rows, 21);
  EXPECT_EQ(back.settings.width, 1433.406);
  EXPECT_EQ(back.settings.routes_per_micron_vertical, 56.818);
  EXPECT_EQ(back.settings.macro_routes_horizontal, 39.583);
  EXPECT_EQ(back.settings.smoothing_range, 0.0);
  EXPECT_EQ(back.settings.overlap_threshold, 0.004);
  ASSERT_EQ(back.settings.blockages.size(), 1u);
  EXPECT_EQ(back.settings.blockages[0].rate, 0.25);
  // Circuit Training's layout: the count lines and the column legend are there.
  const std::string text = macroplace::testing::read_file(path);
  EXPECT_NE(text.find("# HARD_MACROs     :       133"), std::string::npos);
  EXPECT_NE(text.find("# node_index x y orientation fixed\n"), std::string::npos);
  EXPECT_NE(text.find("# Allowed orientations : N FN S FS : " + std::to_string(hard[0]) + " " +
                      std::to_string(hard[2]) + "\n"),
            std::string::npos)
      << text.substr(0, 2000);
  EXPECT_NE(text.find("# Allowed orientations : N : " + std::to_string(hard[1]) + "\n"),
            std::string::npos);
  EXPECT_EQ(again.allowed_orientations(hard[1]), orientation_bit(Orientation::kN));
  EXPECT_EQ(again.allowed_orientations(hard[0]), flips);
}

}  // namespace
}  // namespace macroplace::netlist
