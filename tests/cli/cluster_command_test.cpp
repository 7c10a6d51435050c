// `macroplace cluster`, run in-process: what it writes, where canvas and grid come from, and
// that the result is a design the other commands accept.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "run_command.h"
#include "testing/testing.h"

namespace macroplace::cli {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

using command_testing::Result;
using command_testing::run;

const std::string kToy = "ct/toy_macro_stdcell/netlist.pb.txt";  // flat: 12 cells, FP bbox

TEST(ClusterCommand, WritesAClusteredDesignTheOtherCommandsAccept) {
  const std::string dir = make_temp_dir("cluster") + "/out";  // created by the command
  const Result result = run({"cluster", example_path(kToy), "-o", dir, "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  EXPECT_NE(result.out.find("\"canvas\":{\"width\":200,\"height\":100,\"source\":\"FP bbox\"}"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("\"source\":\"grid-size selection\""), std::string::npos);

  netlist::Netlist clustered;
  const Status read = netlist::read_ct_netlist(dir + "/netlist.pb.txt", &clustered);
  ASSERT_TRUE(read.ok()) << read.to_string();
  ASSERT_TRUE(clustered.validate().ok());
  const netlist::NetlistCounts counts = clustered.counts();
  EXPECT_EQ(counts.std_cells, 0);
  EXPECT_EQ(counts.hard_macros, 2);
  EXPECT_EQ(counts.ports, 12);
  EXPECT_GT(counts.soft_macros, 0);
  EXPECT_DOUBLE_EQ(counts.soft_macro_area, 2 * 24.0);  // twelve 2 um^2 cells, bloated x2
  netlist::PlacementFile plc;
  ASSERT_TRUE(netlist::read_plc(dir + "/initial.plc", &plc).ok());
  EXPECT_EQ(plc.settings.width, 200.0);
  EXPECT_EQ(plc.settings.height, 100.0);
  ASSERT_TRUE(plc.settings.columns.has_value());
  EXPECT_TRUE(netlist::apply_placement(plc, &clustered).ok());
  // One line per flat node (30): macros, pins and ports (the first 18) are in no cluster.
  const std::string groups = macroplace::testing::read_file(dir + "/clusters.txt");
  EXPECT_EQ(std::count(groups.begin(), groups.end(), '\n'), 30);
  EXPECT_EQ(groups.substr(0, 4), "-1\n-");

  const Result cost = run({"cost", dir + "/netlist.pb.txt", "--plc", dir + "/initial.plc"});
  EXPECT_EQ(cost.status, kExitSuccess) << cost.err;
  EXPECT_NE(cost.out.find("proxy"), std::string::npos);
}

TEST(ClusterCommand, CanvasGridAndSettingsFromTheCommandLineOrAPlacementHeader) {
  const std::string dir = make_temp_dir("cluster");
  Result result = run({"cluster", example_path(kToy), "-o", dir, "--canvas", "300", "250", "--grid",
                       "12", "10", "--clusters", "2", "--seed", "3", "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_NE(result.out.find("\"grid\":{\"cols\":12,\"rows\":10,\"source\":\"--grid\"}"),
            std::string::npos)
      << result.out;
  netlist::Netlist clustered;
  ASSERT_TRUE(netlist::read_ct_netlist(dir + "/netlist.pb.txt", &clustered).ok());
  ASSERT_TRUE(clustered.canvas.has_value());
  EXPECT_EQ(clustered.canvas->width(), 300.0);
  // Soft macros are one grid column (300 / 12 um) wide, or square on request.
  for (netlist::NodeId node = 0; node < clustered.num_nodes(); ++node) {
    if (clustered.kind(node) == netlist::NodeKind::kSoftMacro) {
      EXPECT_DOUBLE_EQ(clustered.width(node), 25.0);
    }
  }
  result = run({"cluster", example_path(kToy), "-o", dir, "--canvas", "300", "250", "--grid", "12",
                "10", "--clusters", "2", "--shape", "square"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  ASSERT_TRUE(netlist::read_ct_netlist(dir + "/netlist.pb.txt", &clustered).ok());
  int squares = 0;
  for (netlist::NodeId node = 0; node < clustered.num_nodes(); ++node) {
    if (clustered.kind(node) != netlist::NodeKind::kSoftMacro) continue;
    EXPECT_DOUBLE_EQ(clustered.width(node), clustered.height(node));
    ++squares;
  }
  EXPECT_GT(squares, 0);

  // The clustered Ariane's header: canvas, grid and routing settings carried into initial.plc.
  const std::string header = make_temp_dir("cluster_header") + "/header.plc";
  macroplace::testing::write_file(header,
                                  "# Columns : 8  Rows : 6\n# Width : 240  Height : 180\n"
                                  "# Routes per micron, hor : 57.031  ver : 56.818\n"
                                  "# Smoothing factor : 0\n");
  result = run({"cluster", example_path(kToy), "-o", dir, "--settings-from", header});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  netlist::PlacementFile plc;
  ASSERT_TRUE(netlist::read_plc(dir + "/initial.plc", &plc).ok());
  EXPECT_EQ(plc.settings.columns, 8);
  EXPECT_EQ(plc.settings.rows, 6);
  EXPECT_EQ(plc.settings.width, 240.0);
  EXPECT_EQ(plc.settings.routes_per_micron_horizontal, 57.031);
  EXPECT_EQ(plc.settings.smoothing_range, 0.0);
  EXPECT_NE(result.out.find("grid 8 x 6 (--settings-from)"), std::string::npos) << result.out;
}

TEST(ClusterCommand, UsageAndInputErrors) {
  const std::string dir = make_temp_dir("cluster");
  Result result = run({"cluster", example_path(kToy)});
  EXPECT_EQ(result.status, kExitUsage);
  EXPECT_NE(result.err.find("-o OUTDIR is required"), std::string::npos) << result.err;
  EXPECT_EQ(run({"cluster", example_path(kToy), "-o", dir, "--clusters", "0"}).status, kExitUsage);
  EXPECT_EQ(run({"cluster", example_path(kToy), "-o", dir, "--clusters", "2.5"}).status,
            kExitUsage);
  EXPECT_EQ(run({"cluster", example_path(kToy), "-o", dir, "--grid", "0", "4"}).status, kExitUsage);
  EXPECT_EQ(run({"cluster", example_path(kToy), "-o", dir, "--canvas", "100"}).status, kExitUsage);
  EXPECT_EQ(run({"cluster", example_path(kToy), "-o", dir, "--shape", "round"}).status, kExitUsage);
  EXPECT_EQ(run({"cluster", dir + "/missing.pb.txt", "-o", dir}).status, kExitFailure);
  // An already clustered design is refused, and nothing is written.
  result = run(
      {"cluster", example_path("ct/sample_clustered/netlist.pb.txt"), "-o", dir + "/clustered"});
  EXPECT_EQ(result.status, kExitFailure);
  EXPECT_NE(result.err.find("already has soft macros"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/clustered/netlist.pb.txt"));
  const Result help = run({"cluster", "--help"});
  EXPECT_EQ(help.status, kExitSuccess);
  EXPECT_NE(help.out.find("Usage: macroplace cluster"), std::string::npos);
  EXPECT_NE(help.out.find("--settings-from"), std::string::npos);
}

}  // namespace
}  // namespace macroplace::cli
