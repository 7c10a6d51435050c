// OpenROAD interop through the commands, on the bundled Ariane: a floorplan DEF converted onto
// the clustered netlist carries its canvas, IO pins and macro spacing; a placement written back
// as DEF is legal there (checked by the checker the library tests against hand-worked cases),
// changes nothing but the macros' placements, and comes with one place_macro per macro; an
// illegal placement writes nothing; missing inputs are usage errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"
#include "macroplace/netlist/def.h"
#include "macroplace/netlist/floorplan.h"
#include "macroplace/netlist/lef.h"
#include "macroplace/netlist/plc.h"
#include "run_command.h"
#include "testing/testing.h"

namespace macroplace::cli {
namespace {

using command_testing::Result;
using command_testing::run;
using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

std::vector<std::string> lef_options() {
  return {"--lef", example_path("lef-ng45/NangateOpenCellLibrary.tech.lef"),
          "--lef", example_path("lef-ng45/NangateOpenCellLibrary.macro.mod.lef"),
          "--lef", example_path("lef-ng45/fakeram45_256x16.lef")};
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

const std::string kFloorplan = "ariane133-ng45/def/ariane133_fp.def";
const std::string kNetlist = "ariane133-ng45/netlist.pb.txt.gz";

TEST(OpenroadCommands, FloorplanPlacedAndWrittenBackLegally) {
  const std::string dir = make_temp_dir("openroad_round_trip");
  const Result converted =
      run(with({"convert", example_path(kFloorplan), dir + "/fp.plc", "--netlist",
                example_path(kNetlist), "--plc", example_path("ariane133-ng45/initial.plc")},
               lef_options()));
  ASSERT_EQ(converted.status, kExitSuccess) << converted.err;
  EXPECT_NE(converted.out.find("133 macros (0 placed, 0 fixed), 495 IO pins"), std::string::npos)
      << converted.out;
  const std::string plc = macroplace::testing::read_file(dir + "/fp.plc");
  EXPECT_NE(plc.find("# Width : 1357.36  Height : 1356.88"), std::string::npos);
  EXPECT_NE(plc.find("# Macro spacing : 1.4"), std::string::npos);      // a row: no halos here
  EXPECT_NE(plc.find("# Columns : 24  Rows : 21"), std::string::npos);  // from initial.plc

  const Result placed =
      run(with({"place", example_path(kNetlist), "--plc", dir + "/fp.plc", "--method", "legalize",
                "-o", dir + "/placed.plc", "--def-in", example_path(kFloorplan), "--def-out",
                dir + "/placed.def", "--tcl-out", dir + "/placed.tcl"},
               lef_options()));
  ASSERT_EQ(placed.status, kExitSuccess) << placed.err;
  EXPECT_NE(placed.out.find("133 macros placed on the site grid"), std::string::npos) << placed.out;

  netlist::DefFloorplan original, def;
  ASSERT_TRUE(netlist::read_def(example_path(kFloorplan), &original).ok());
  ASSERT_TRUE(netlist::read_def(dir + "/placed.def", &def).ok());
  netlist::LefLibrary lef;
  for (std::size_t i = 1; i < lef_options().size(); i += 2) {
    ASSERT_TRUE(netlist::read_lef(lef_options()[i], &lef).ok());
  }
  std::map<std::string, netlist::DefPlacementChange, std::less<>> placements;
  for (const netlist::DefComponent& c : def.components) {
    EXPECT_EQ(c.status, netlist::DefPlacement::kPlaced) << c.name;
    placements[c.name] = {c.status, c.x, c.y, c.orientation};
  }
  ASSERT_EQ(placements.size(), 133u);
  const std::vector<std::string> problems = netlist::check_def_placements(def, lef, placements);
  EXPECT_TRUE(problems.empty()) << problems.front();
  // Only the placements differ: the same DEF with the original's (absent) clauses.
  EXPECT_EQ(def.rows.size(), original.rows.size());
  EXPECT_EQ(def.pins.size(), original.pins.size());
  const std::string tcl = macroplace::testing::read_file(dir + "/placed.tcl");
  EXPECT_EQ(command_testing::lines_with(tcl, {"place_macro -macro_name {"}).size(), 133u);
}

// The SRAM's LEF cut down to SYMMETRY X (N and FS only): the floorplan's .plc says so, and
// annealing -- from that .plc, or with the LEF at place time -- turns macros only into N or FS,
// so the DEF is written. Without the limit the same run flips macros into FN or S.
TEST(OpenroadCommands, AnnealingKeepsTheOrientationsTheLefAllows) {
  const std::string dir = make_temp_dir("openroad_symmetry");
  std::string sram = macroplace::testing::read_file(example_path("lef-ng45/fakeram45_256x16.lef"));
  const std::size_t at = sram.find("SYMMETRY X Y ;");
  ASSERT_NE(at, std::string::npos);
  sram.replace(at, 14, "SYMMETRY X ;");
  macroplace::testing::write_file(dir + "/sram_x.lef", sram);
  std::vector<std::string> lef = lef_options();
  lef.back() = dir + "/sram_x.lef";

  const Result converted =
      run(with({"convert", example_path(kFloorplan), dir + "/fp.plc", "--netlist",
                example_path(kNetlist), "--plc", example_path("ariane133-ng45/initial.plc")},
               lef));
  ASSERT_EQ(converted.status, kExitSuccess) << converted.err;
  EXPECT_NE(converted.out.find("133 macros limited to the orientations their LEF SYMMETRY allows"),
            std::string::npos)
      << converted.out;
  const std::string fp = macroplace::testing::read_file(dir + "/fp.plc");
  const std::size_t rule = fp.find("# Allowed orientations : N FS : ");
  ASSERT_NE(rule, std::string::npos);
  std::string free_fp = fp;
  free_fp.erase(rule, fp.find('\n', rule) + 1 - rule);
  macroplace::testing::write_file(dir + "/free.plc", free_fp);

  const auto orientations = [](const std::string& path) {
    netlist::PlacementFile placed;
    EXPECT_TRUE(netlist::read_plc(path, &placed).ok());
    std::map<std::string, int, std::less<>> count;
    for (const netlist::PlacementEntry& entry : placed.entries) {
      if (entry.orientation) ++count[std::string(netlist::orientation_name(*entry.orientation))];
    }
    return count;
  };
  const std::vector<std::string> anneal = {"--method", "sa", "--max-moves", "3000",
                                           "--seed",   "3",  "--quiet"};
  // Unlimited: some macro ends flipped about the y axis (FN or S).
  const Result free = run(with(
      {"place", example_path(kNetlist), "--plc", dir + "/free.plc", "-o", dir + "/free_out.plc"},
      anneal));
  ASSERT_EQ(free.status, kExitSuccess) << free.err;
  auto seen = orientations(dir + "/free_out.plc");
  EXPECT_GT(seen["FN"] + seen["S"], 0);

  // Limited by the .plc: only N and FS among the macros, and the rule carried into the output.
  const Result limited = run(
      with({"place", example_path(kNetlist), "--plc", dir + "/fp.plc", "-o", dir + "/limited.plc"},
           anneal));
  ASSERT_EQ(limited.status, kExitSuccess) << limited.err;
  seen = orientations(dir + "/limited.plc");
  EXPECT_EQ(seen["FN"] + seen["S"] + seen["E"] + seen["W"] + seen["FE"] + seen["FW"], 0);
  EXPECT_GT(seen["FS"], 0);
  EXPECT_NE(
      macroplace::testing::read_file(dir + "/limited.plc").find("# Allowed orientations : N FS : "),
      std::string::npos);

  // Limited by the LEF given to place (the .plc without the rule): the DEF is written, every
  // macro N or FS.
  const Result written = run(with(
      with({"place", example_path(kNetlist), "--plc", dir + "/free.plc", "-o", dir + "/placed.plc",
            "--def-in", example_path(kFloorplan), "--def-out", dir + "/placed.def"},
           anneal),
      lef));
  ASSERT_EQ(written.status, kExitSuccess) << written.err;
  netlist::DefFloorplan def;
  ASSERT_TRUE(netlist::read_def(dir + "/placed.def", &def).ok());
  int flipped = 0;
  for (const netlist::DefComponent& c : def.components) {
    EXPECT_TRUE(c.orientation == netlist::Orientation::kN ||
                c.orientation == netlist::Orientation::kFS)
        << c.name << " " << netlist::orientation_name(c.orientation);
    flipped += c.orientation == netlist::Orientation::kFS ? 1 : 0;
  }
  EXPECT_GT(flipped, 0);
}

TEST(OpenroadCommands, IllegalPlacementWritesNothing) {
  // The clustered netlist on its own 1433 um canvas: macros beyond the 1357 um die.
  const std::string dir = make_temp_dir("openroad_illegal");
  const Result result = run(
      with({"place", example_path(kNetlist), "--plc", example_path("ariane133-ng45/initial.plc"),
            "--method", "legalize", "-o", dir + "/placed.plc", "--def-in", example_path(kFloorplan),
            "--def-out", dir + "/placed.def", "--tcl-out", dir + "/placed.tcl", "--quiet"},
           lef_options()));
  EXPECT_EQ(result.status, kExitFailure);
  EXPECT_NE(result.err.find("is not legal in"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("outside the die"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/placed.def"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/placed.tcl"));
}

TEST(OpenroadCommands, MissingInputsAreUsageErrors) {
  const std::string dir = make_temp_dir("openroad_usage");
  const std::string netlist = example_path(kNetlist);
  const std::string floorplan = example_path(kFloorplan);
  // --def-out without the floorplan or without LEF.
  EXPECT_EQ(run({"place", netlist, "-o", dir + "/p.plc", "--def-out", dir + "/p.def"}).status,
            kExitUsage);
  EXPECT_EQ(run({"place", netlist, "-o", dir + "/p.plc", "--def-in", floorplan, "--def-out",
                 dir + "/p.def"})
                .status,
            kExitUsage);
  // A floorplan to place into, but nothing to write there.
  EXPECT_EQ(run({"place", netlist, "-o", dir + "/p.plc", "--def-in", floorplan}).status,
            kExitUsage);
  // A floorplan without --lef, or to what its form does not write (.plc with --netlist,
  // .pb.txt without).
  EXPECT_EQ(run(with({"convert", floorplan, dir + "/fp.plc"}, lef_options())).status, kExitUsage);
  EXPECT_EQ(run({"convert", floorplan, dir + "/fp.plc", "--netlist", netlist}).status, kExitUsage);
  EXPECT_EQ(
      run(with({"convert", floorplan, dir + "/fp.pb.txt", "--netlist", netlist}, lef_options()))
          .status,
      kExitUsage);
  // A DEF output without the floorplan to place into.
  EXPECT_EQ(run(with({"convert", netlist, dir + "/p.def"}, lef_options())).status, kExitUsage);
  // A LEF that does not exist is a failure naming it.
  const Result missing = run(
      {"convert", floorplan, dir + "/fp.plc", "--netlist", netlist, "--lef", dir + "/none.lef"});
  EXPECT_EQ(missing.status, kExitFailure);
  EXPECT_NE(missing.err.find("none.lef"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/fp.plc"));
}

}  // namespace
}  // namespace macroplace::cli
