// The one design loader: placement files that are almost right (a node far outside the canvas,
// a node listed twice, a partial file) and real designs that must load without a word.
#include "macroplace/placement/design_loader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

// The sample design's initial.plc (canvas 500 x 500) with its entry lines replaced.
std::string sample_plc(const std::string& entries) {
  std::ifstream in(example_path("ct/sample_clustered/initial.plc"));
  std::string header, line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') header += line + "\n";
  }
  std::string path = make_temp_dir("design_loader") + "/placement.plc";
  std::ofstream(path) << header << entries;
  return path;
}

Status load_sample(const std::string& entries, LoadedDesign* design) {
  DesignSource source;
  source.netlist = example_path("ct/sample_clustered/netlist.pb.txt");
  source.plc = sample_plc(entries);
  return load_design(source, design);
}

constexpr const char* kEntries = "0 0 100 - 1\n1 499 499 - 1\n2 125 375 N 0\n3 375 375 N 0\n";

TEST(DesignLoader, TheSampleLoadsWithoutWarnings) {
  LoadedDesign design;
  const Status status = load_sample(std::string(kEntries) + "8 170 310 N 0\n", &design);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_TRUE(design.warnings.empty());
  EXPECT_EQ(design.netlist.x(8), 170);
}

TEST(DesignLoader, ANodeFarOutsideTheCanvasIsAnInputErrorAtItsLine) {
  for (const char* far : {"8 1e300 310 N 0\n", "8 170 -600 N 0\n", "8 1001 310 N 0\n"}) {
    LoadedDesign design;
    const Status status = load_sample(std::string(kEntries) + far, &design);
    ASSERT_FALSE(status.ok()) << far;
    EXPECT_NE(status.where().file.find("placement.plc"), std::string::npos);
    // The header has 31 lines; the fifth entry is line 36.
    EXPECT_EQ(status.where().line, 36u);
    EXPECT_NE(status.message().find("far outside the 500 x 500 canvas"), std::string::npos)
        << status.to_string();
  }
  // Just outside is a placement to legalize, not a broken file.
  LoadedDesign design;
  EXPECT_TRUE(load_sample(std::string(kEntries) + "8 990 -400 N 0\n", &design).ok());
}

TEST(DesignLoader, APartialPlacementIsAcceptedWithAWarning) {
  LoadedDesign design;
  const Status status = load_sample(kEntries, &design);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(design.warnings.size(), 1u);
  EXPECT_NE(design.warnings[0].find("lists 4 of 5 ports, macros and std cells; 1 keep"),
            std::string::npos)
      << design.warnings[0];
}

TEST(DesignLoader, ANodeListedTwiceIsAnError) {
  LoadedDesign design;
  const Status status = load_sample(std::string(kEntries) + "8 1 1 N 0\n2 2 2 N 0\n", &design);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("listed twice"), std::string::npos) << status.to_string();
}

TEST(DesignLoader, RealDesignsLoadWithoutWarnings) {
  for (const char* netlist : {"ariane133-ng45/netlist.pb.txt.gz", "ibm01/ibm01.aux",
                              "ct/toy_macro_stdcell/netlist.pb.txt"}) {
    DesignSource source;
    source.netlist = example_path(netlist);
    source.plc_beside = true;
    LoadedDesign design;
    const Status status = load_design(source, &design);
    ASSERT_TRUE(status.ok()) << netlist << ": " << status.to_string();
    EXPECT_TRUE(design.warnings.empty()) << netlist << ": " << design.warnings[0];
  }
}

// The fingerprint a run manifest records: the same design gives the same one, and anything an
// optimisation would see differently (a position, a fixed flag, a size, a net, a setting) another.
TEST(DesignLoader, FingerprintChangesWithWhatTheCostSees) {
  LoadedDesign design;
  ASSERT_TRUE(load_sample(std::string(kEntries) + "8 170 310 N 0\n", &design).ok());
  const std::string base = design_fingerprint(design.netlist, design.settings);
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(base.find_first_not_of("0123456789abcdef"), std::string::npos);
  LoadedDesign again;
  ASSERT_TRUE(load_sample(std::string(kEntries) + "8 170 310 N 0\n", &again).ok());
  EXPECT_EQ(design_fingerprint(again.netlist, again.settings), base);

  std::vector<std::string> seen = {base};
  const auto differs = [&](const netlist::Netlist& netlist, const CostSettings& settings) {
    const std::string fingerprint = design_fingerprint(netlist, settings);
    for (const std::string& other : seen) EXPECT_NE(fingerprint, other);
    seen.push_back(fingerprint);
  };
  LoadedDesign moved;
  ASSERT_TRUE(load_sample(std::string(kEntries) + "8 171 310 N 0\n", &moved).ok());
  differs(moved.netlist, moved.settings);
  LoadedDesign fixed;
  ASSERT_TRUE(load_sample("0 0 100 - 1\n1 499 499 - 1\n2 125 375 N 1\n3 375 375 N 0\n"
                          "8 170 310 N 0\n",
                          &fixed)
                  .ok());
  differs(fixed.netlist, fixed.settings);
  netlist::Netlist resized = design.netlist;
  resized.set_size(2, resized.width(2) + 1, resized.height(2));
  differs(resized, design.settings);
  CostSettings routes = design.settings;
  routes.routes_per_micron_horizontal += 0.01;
  differs(design.netlist, routes);
  CostSettings grid = design.settings;
  grid.columns += 1;
  differs(design.netlist, grid);
}

}  // namespace
}  // namespace macroplace::placement
