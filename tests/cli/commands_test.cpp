// The `macroplace` subcommands, run in-process: outputs, exit codes and error messages.
#include "macroplace/cli/commands.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "macroplace/netlist/bookshelf.h"
#include "macroplace/netlist/design.h"
#include "macroplace/netlist/plc.h"
#include "run_command.h"
#include "testing/testing.h"

namespace macroplace::cli {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

using command_testing::Result;
using command_testing::run;

void expect_json_field(const std::string& json, const std::string& field) {
  EXPECT_NE(json.find(field), std::string::npos) << "missing " << field << " in " << json;
}

TEST(InfoCommand, ClusteredArianeJsonWithCanvasAndGridFromThePlacement) {
  const Result result = run({"info", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                             example_path("ariane133-ng45/legalized.plc"), "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  const std::string& json = result.out;
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.substr(json.size() - 2), "}\n");
  expect_json_field(json, "\"hard_macros\":133,");
  expect_json_field(json, "\"soft_macros\":782,");
  expect_json_field(json, "\"ports\":495,");
  expect_json_field(json, "\"std_cells\":0,");
  expect_json_field(json, "\"hard_macro_pins\":7847,");
  expect_json_field(json, "\"soft_macro_pins\":10630,");
  expect_json_field(json, "\"nets\":12422,");
  expect_json_field(json, "\"pins\":");
  expect_json_field(json, "\"total_area\":1447227.52");
  expect_json_field(json, "\"canvas\":{\"width\":1433.406,\"height\":1433.406}");
  expect_json_field(json, "\"grid\":{\"cols\":24,\"rows\":21}");
}

TEST(InfoCommand, FlatArianeCountsAndCanvasFromTheNetlistHeader) {
  const Result result = run({"info", example_path("ariane133-ng45/flat.pb.txt.gz"), "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  expect_json_field(result.out, "\"hard_macros\":133,");
  expect_json_field(result.out, "\"std_cells\":88411,");
  expect_json_field(result.out, "\"ports\":495,");
  expect_json_field(result.out, "\"hard_macro_pins\":7847,");
  expect_json_field(result.out, "\"canvas\":{\"width\":1599.99,\"height\":1600.06}");
  EXPECT_EQ(result.out.find("\"grid\""), std::string::npos);  // no placement header, no grid
}

TEST(InfoCommand, Ibm01BookshelfCounts) {
  const Result result = run({"info", example_path("ibm01/ibm01.aux"), "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  expect_json_field(result.out, "\"hard_macros\":246,");
  expect_json_field(result.out, "\"std_cells\":12260,");
  expect_json_field(result.out, "\"ports\":246,");
  expect_json_field(result.out, "\"nets\":14111,");
  expect_json_field(result.out, "\"pins\":50566,");
  expect_json_field(result.out, "\"canvas\":{");
}

TEST(InfoCommand, TableForPeople) {
  const Result result = run({"info", example_path("ct/macro_tiles_10x10/netlist.pb.txt")});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_NE(result.out.find("hard macros               100"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("nets                      540"), std::string::npos) << result.out;
}

TEST(InfoCommand, MalformedInputExitsOneWithFileLineColumn) {
  const std::string path = make_temp_dir("cli") + "/bad.pb.txt";
  macroplace::testing::write_file(path, "node {\n  name: \"a\"\n  bogus: 1\n}\n");
  const Result result = run({"info", path});
  EXPECT_EQ(result.status, kExitFailure);
  EXPECT_TRUE(result.out.empty());
  EXPECT_NE(result.err.find(path + ":3:3: error: expected 'name', 'input', 'attr' or '}'"),
            std::string::npos)
      << result.err;
}

TEST(InfoCommand, BadPlacementIndexExitsOneWithItsLine) {
  const std::string path = make_temp_dir("cli") + "/bad.plc";
  macroplace::testing::write_file(path, "# Columns : 2  Rows : 2\n0 1 1 N 0\n99999 1 1 N 0\n");
  const Result result =
      run({"info", example_path("ct/macro_tiles_10x10/netlist.pb.txt"), "--plc", path});
  EXPECT_EQ(result.status, kExitFailure);
  EXPECT_NE(result.err.find(path + ":3:1: error: node index 99999 is out of range"),
            std::string::npos)
      << result.err;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run({}).status, kExitUsage);
  EXPECT_EQ(run({"frobnicate"}).status, kExitUsage);
  const Result missing = run({"info"});
  EXPECT_EQ(missing.status, kExitUsage);
  EXPECT_NE(missing.err.find("missing FILE"), std::string::npos) << missing.err;
  const Result unknown = run({"info", "x.pb.txt", "--frob"});
  EXPECT_EQ(unknown.status, kExitUsage);
  EXPECT_NE(unknown.err.find("unknown option --frob"), std::string::npos);
  EXPECT_EQ(run({"info", "x.pb.txt", "--plc"}).status, kExitUsage);  // value missing
  EXPECT_EQ(run({"convert", "a.aux", "b.txt"}).status, kExitUsage);  // unknown output format
}

TEST(Cli, EveryCommandHasHelp) {
  for (const char* command : {"info", "convert", "cost", "place"}) {
    const Result result = run({command, "--help"});
    EXPECT_EQ(result.status, kExitSuccess);
    EXPECT_NE(result.out.find(std::string("Usage: macroplace ") + command), std::string::npos);
    EXPECT_NE(result.out.find("Exit status"), std::string::npos);
  }
  const Result overview = run({"--help"});
  EXPECT_EQ(overview.status, kExitSuccess);
  EXPECT_NE(overview.out.find("convert"), std::string::npos);
}

TEST(ConvertCommand, Ibm01ToCircuitTrainingAndBackIsTheSameDesign) {
  const std::string dir = make_temp_dir("convert");
  const Result to_ct = run({"convert", example_path("ibm01/ibm01.aux"), dir + "/ibm01.pb.txt"});
  ASSERT_EQ(to_ct.status, kExitSuccess) << to_ct.err;
  const Result back =
      run({"convert", dir + "/ibm01.pb.txt", dir + "/back/ibm01.aux", "--plc", dir + "/ibm01.plc"});
  // Checked before any work: a usage error naming the missing folder.
  ASSERT_EQ(back.status, kExitUsage) << "the output folder does not exist yet";
  EXPECT_NE(back.err.find(dir + "/back"), std::string::npos) << back.err;
  std::filesystem::create_directories(dir + "/back");
  const Result back_again =
      run({"convert", dir + "/ibm01.pb.txt", dir + "/back/ibm01.aux", "--plc", dir + "/ibm01.plc"});
  ASSERT_EQ(back_again.status, kExitSuccess) << back_again.err;

  netlist::Netlist original, round_tripped;
  ASSERT_TRUE(netlist::read_design(example_path("ibm01/ibm01.aux"), &original).ok());
  const Status status = netlist::read_design(dir + "/back/ibm01.aux", &round_tripped);
  ASSERT_TRUE(status.ok()) << status.to_string();
  const Status same = netlist::compare_netlists(original, round_tripped, 1e-9);
  EXPECT_TRUE(same.ok()) << same.to_string();
}

TEST(ConvertCommand, CircuitTrainingWithPlacementKeepsPositions) {
  const std::string dir = make_temp_dir("convert");
  const Result result =
      run({"convert", example_path("ariane133-ng45/netlist.pb.txt.gz"), dir + "/ariane.pb.txt",
           "--plc", example_path("ariane133-ng45/legalized.plc")});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  netlist::Netlist original, copy;
  netlist::PlacementFile original_plc, copy_plc;
  ASSERT_TRUE(
      netlist::read_design(example_path("ariane133-ng45/netlist.pb.txt.gz"), &original).ok());
  ASSERT_TRUE(netlist::read_plc(example_path("ariane133-ng45/legalized.plc"), &original_plc).ok());
  ASSERT_TRUE(netlist::apply_placement(original_plc, &original).ok());
  ASSERT_TRUE(netlist::read_design(dir + "/ariane.pb.txt", &copy).ok());
  ASSERT_TRUE(netlist::read_plc(dir + "/ariane.plc", &copy_plc).ok());
  ASSERT_TRUE(netlist::apply_placement(copy_plc, &copy).ok());
  const Status same = netlist::compare_netlists(original, copy, 0.0);
  EXPECT_TRUE(same.ok()) << same.to_string();
  EXPECT_EQ(copy_plc.settings.columns, 24);
  EXPECT_EQ(copy_plc.settings.smoothing_range, 0.0);
}

}  // namespace
}  // namespace macroplace::cli

namespace macroplace::cli {
namespace {

TEST(CostCommand, ArianeLegalizedJsonMatchesTheGoldenValues) {
  const Result result = run({"cost", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                             example_path("ariane133-ng45/legalized.plc"), "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  const std::string& json = result.out;
  expect_json_field(json, "\"wirelength_cost\":0.07356822");
  expect_json_field(json, "\"density_cost\":0.49881790");
  expect_json_field(json, "\"congestion_cost\":0.72591488");
  expect_json_field(json, "\"proxy\":0.6859346");
  expect_json_field(json, "\"overlapping_macro_pairs\":0,");
  expect_json_field(json, "\"nodes_outside_canvas\":0,");
  expect_json_field(json, "\"grid\":{\"cols\":24,\"rows\":21}");
  expect_json_field(json, "\"smoothing\":0,");
}

TEST(CostCommand, OverridesAreAppliedAndShown) {
  const Result result = run({"cost", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                             example_path("ariane133-ng45/legalized.plc"), "--smoothing", "2",
                             "--preset", "circuit-training", "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  expect_json_field(result.out, "\"congestion_cost\":0.72105");  // PROXY_COST.md: 0.7210525
  expect_json_field(result.out, "\"weights\":{\"wirelength\":1,\"density\":1,\"congestion\":0.5}");
  const Result table = run({"cost", example_path("ct/macro_tiles_10x10/netlist.pb.txt")});
  ASSERT_EQ(table.status, kExitSuccess) << table.err;
  EXPECT_NE(table.out.find("wirelength        5400 um"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("grid 10 x 10"), std::string::npos) << table.out;
}

TEST(CostCommand, InitialPlacementReportsNodesOutsideWithoutCrashing) {
  const Result result = run({"cost", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                             example_path("ariane133-ng45/initial.plc"), "--json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  expect_json_field(result.out, "\"nodes_outside_canvas\":27,");
  expect_json_field(result.out, "\"legal\":false");
  expect_json_field(result.out, "\"wirelength_cost\":0.0497");  // the header's 0.0497
}

TEST(CostCommand, BadSettingsAreUsageErrors) {
  const std::string design = example_path("ct/macro_tiles_10x10/netlist.pb.txt");
  EXPECT_EQ(run({"cost", design, "--smoothing", "x"}).status, kExitUsage);
  EXPECT_EQ(run({"cost", design, "--grid", "0", "4"}).status, kExitUsage);
  EXPECT_EQ(run({"cost", design, "--canvas", "-1", "4"}).status, kExitUsage);
  EXPECT_EQ(run({"cost", design, "--congestion-grid", "fine"}).status, kExitUsage);
  EXPECT_EQ(run({"cost", design, "--preset", "mine"}).status, kExitUsage);
  const Result separate = run({"cost", design, "--congestion-grid", "separate", "--json"});
  ASSERT_EQ(separate.status, kExitSuccess) << separate.err;
  // Cell side 2000 / (70.33 + 74.51) = 13.8 um on a 645.5 um canvas: 46 x 46 cells.
  expect_json_field(separate.out, "\"congestion_grid_size\":{\"cols\":46,\"rows\":46}");
}

}  // namespace
}  // namespace macroplace::cli

namespace macroplace::cli {
namespace {

TEST(PlaceCommand, LegalizesTheOutOfCanvasInitialPlacement) {
  const std::string dir = make_temp_dir("place");
  const Result result = run({"place", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                             example_path("ariane133-ng45/initial.plc"), "--method", "legalize",
                             "-o", dir + "/out.plc", "--report", dir + "/report.json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_NE(result.out.find("legality: legal"), std::string::npos) << result.out;
  // The written placement reads back, and `cost` finds it legal too.
  const Result cost = run({"cost", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                           dir + "/out.plc", "--json"});
  ASSERT_EQ(cost.status, kExitSuccess) << cost.err;
  expect_json_field(cost.out, "\"overlapping_macro_pairs\":0,");
  expect_json_field(cost.out, "\"grid\":{\"cols\":24,\"rows\":21}");  // header carried over
  const std::string report = macroplace::testing::read_file(dir + "/report.json");
  expect_json_field(report, "\"legal\":true");
  expect_json_field(report, "\"method\":\"legalize\"");
}

TEST(PlaceCommand, AnnealingWithAMoveBudgetIsReproducible) {
  const std::string dir = make_temp_dir("place");
  auto place = [&](const std::string& name) {
    return run({"place", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
                example_path("ariane133-ng45/legalized.plc"), "--max-moves", "300", "--seed", "3",
                "-o", dir + "/" + name, "--quiet"});
  };
  ASSERT_EQ(place("a.plc").status, kExitSuccess);
  ASSERT_EQ(place("b.plc").status, kExitSuccess);
  auto body = [](const std::string& text) { return text.substr(text.find("# node_index")); };
  EXPECT_EQ(body(macroplace::testing::read_file(dir + "/a.plc")),
            body(macroplace::testing::read_file(dir + "/b.plc")));
}

TEST(PlaceCommand, GreedyWithRefinementIsLegal) {
  const std::string dir = make_temp_dir("place");
  const Result result =
      run({"place", example_path("ariane133-ng45/netlist.pb.txt.gz"), "--plc",
           example_path("ariane133-ng45/legalized.plc"), "--method", "greedy", "--refine", "cd",
           "-o", dir + "/greedy.plc", "--report", dir + "/greedy.json"});
  ASSERT_EQ(result.status, kExitSuccess) << result.err;
  EXPECT_NE(result.out.find("legality: legal"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("coordinate descent:"), std::string::npos) << result.out;
}

// The search options are checked before any work: at least one candidate, no more refined than
// candidates. (A placer that draws one placement finishes it alone: greedy with --candidates 3.)
TEST(PlaceCommand, CandidateOptionsAreChecked) {
  const std::string dir = make_temp_dir("place_candidates");
  const auto place = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args = {
        "place",       example_path("ct/sample_clustered/netlist.pb.txt"),
        "--plc",       example_path("ct/sample_clustered/initial.plc"),
        "--method",    "greedy",
        "--max-moves", "300",
        "-o",          dir + "/out.plc",
        "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run(args);
  };
  const Result more = place({"--candidates", "2", "--refine-candidates", "3"});
  EXPECT_EQ(more.status, kExitUsage);
  EXPECT_NE(more.err.find("--refine-candidates must be at most --candidates"), std::string::npos)
      << more.err;
  EXPECT_EQ(place({"--candidates", "0"}).status, kExitUsage);
  EXPECT_EQ(place({"--candidates", "x"}).status, kExitUsage);
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.plc"));
  const Result one = place({"--candidates", "3", "--refine-candidates", "2"});
  EXPECT_EQ(one.status, kExitSuccess) << one.err;
}

// Synthetic designs: N folders of netlist + initial.plc, the statistics beside a real design's,
// bad values refused before anything is written, and a generated design places legally.
TEST(GenerateCommand, WritesDesignsThatPlace) {
  const std::string dir = make_temp_dir("generate") + "/corpus";
  const Result bad = run({"generate", "-o", dir, "--hard-area", "0.9"});
  EXPECT_EQ(bad.status, kExitUsage);
  EXPECT_NE(bad.err.find("--hard-area expects numbers in [0.001, 0.7]"), std::string::npos)
      << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir));
  const Result made =
      run({"generate", "-o", dir, "--count", "2", "--seed", "4", "--hard-macros", "20",
           "--soft-macros", "150", "--compare", example_path("ariane133-ng45/netlist.pb.txt.gz")});
  ASSERT_EQ(made.status, kExitSuccess) << made.err;
  EXPECT_NE(made.out.find("wrote 2 designs"), std::string::npos) << made.out;
  EXPECT_NE(made.out.find("ariane133-ng45"), std::string::npos) << made.out;
  EXPECT_NE(made.out.find("synthetic mean"), std::string::npos) << made.out;
  for (const char* name : {"synthetic-4", "synthetic-5"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + name + "/netlist.pb.txt")) << name;
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + name + "/initial.plc")) << name;
  }
  const Result placed = run({"place", dir + "/synthetic-5/netlist.pb.txt", "--method", "greedy",
                             "-o", dir + "/placed.plc"});
  EXPECT_EQ(placed.status, kExitSuccess) << placed.err;
  EXPECT_NE(placed.out.find("legality: legal"), std::string::npos) << placed.out;

  // Few, large macros (47% of the canvas): nearest free spots from the generated start leave one
  // without a place (this failed: "1 hard macros found no legal spot"); the legalizer packs
  // them onto a grid, as the generator's check did.
  const Result large = run({"generate", "-o", dir + "/large", "--count", "1", "--hard-macros", "6",
                            "--soft-macros", "40", "--ports", "16"});
  ASSERT_EQ(large.status, kExitSuccess) << large.err;
  const Result packed = run({"place", dir + "/large/synthetic-1/netlist.pb.txt", "--method",
                             "greedy", "-o", dir + "/large.plc"});
  EXPECT_EQ(packed.status, kExitSuccess) << packed.err;
  EXPECT_NE(packed.out.find("legality: legal"), std::string::npos) << packed.out;
}

// A variant for a corpus: mirrored with half the hard macros, written whole; it places legally;
// bad or missing options are usage errors before anything is written.
TEST(AugmentCommand, WritesAVariantThatPlaces) {
  const std::string dir = make_temp_dir("augment");
  ASSERT_EQ(run({"generate", "-o", dir + "/corpus", "--hard-macros", "20", "--soft-macros", "150"})
                .status,
            kExitSuccess);
  const std::string design = dir + "/corpus/synthetic-1/netlist.pb.txt";
  const Result bad = run({"augment", design, "-o", dir + "/bad", "--mirror", "z"});
  EXPECT_EQ(bad.status, kExitUsage);
  EXPECT_NE(bad.err.find("--mirror expects x, y or xy"), std::string::npos) << bad.err;
  const Result idle = run({"augment", design, "-o", dir + "/idle"});
  EXPECT_EQ(idle.status, kExitUsage);
  EXPECT_FALSE(std::filesystem::exists(dir + "/bad"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/idle"));
  const Result made = run({"augment", design, "-o", dir + "/variant", "--mirror", "xy",
                           "--hard-macro-share", "0.5", "--seed", "3"});
  ASSERT_EQ(made.status, kExitSuccess) << made.err;
  EXPECT_NE(made.out.find(": 10 hard macros, 150 soft macros"), std::string::npos) << made.out;
  const Result placed = run(
      {"place", dir + "/variant/netlist.pb.txt", "--method", "greedy", "-o", dir + "/placed.plc"});
  EXPECT_EQ(placed.status, kExitSuccess) << placed.err;
  EXPECT_NE(placed.out.find("legality: legal"), std::string::npos) << placed.out;
}

// A dataset from a corpus of two generated designs: built whole, inspected (every array read
// back), a truncated copy refused with its name, an unknown action a usage error.
TEST(DatasetCommand, BuildInspectAndRefuseDamage) {
  const std::string dir = make_temp_dir("dataset_command");
  ASSERT_EQ(run({"generate", "-o", dir + "/corpus", "--count", "2", "--hard-macros", "16",
                 "--soft-macros", "120"})
                .status,
            kExitSuccess);
  const Result built = run({"dataset", "build", dir + "/corpus", "-o", dir + "/data.h5",
                            "--samples", "2", "--methods", "random,greedy", "--time-limit", "5"});
  ASSERT_EQ(built.status, kExitSuccess) << built.err;
  EXPECT_NE(built.out.find("wrote " + dir + "/data.h5: 2 designs, 8 samples"), std::string::npos)
      << built.out;
  const Result inspected = run({"dataset", "inspect", dir + "/data.h5"});
  ASSERT_EQ(inspected.status, kExitSuccess) << inspected.err;
  EXPECT_NE(inspected.out.find("schema version 1"), std::string::npos) << inspected.out;
  EXPECT_NE(inspected.out.find("synthetic-1"), std::string::npos) << inspected.out;
  EXPECT_NE(inspected.out.find("every array read back"), std::string::npos) << inspected.out;

  const std::string bytes = macroplace::testing::read_file(dir + "/data.h5");
  macroplace::testing::write_file(dir + "/cut.h5", bytes.substr(0, bytes.size() / 2));
  const Result cut = run({"dataset", "inspect", dir + "/cut.h5"});
  EXPECT_EQ(cut.status, kExitFailure);
  EXPECT_NE(cut.err.find("cut.h5"), std::string::npos) << cut.err;
  EXPECT_EQ(run({"dataset", "frobnicate", dir + "/data.h5"}).status, kExitUsage);
  EXPECT_EQ(
      run({"dataset", "build", dir + "/corpus", "-o", dir + "/x.h5", "--methods", "nope"}).status,
      kExitUsage);
  EXPECT_FALSE(std::filesystem::exists(dir + "/x.h5"));
}

// Two fixed hard macros that overlap: no placer may move them, so no method makes the design
// legal. The result is not written unless asked for, the reason is printed even with --quiet,
// and the exit status is 1 either way.
TEST(PlaceCommand, IllegalResultIsNotWrittenUnlessAllowed) {
  const std::string dir = make_temp_dir("place_illegal");
  std::string plc = macroplace::testing::read_file(example_path("ct/sample_clustered/initial.plc"));
  const std::string movable = "\n2 125 375 N 0\n3 375 375 N 0\n";
  plc.replace(plc.find(movable), movable.size(), "\n2 200 200 N 1\n3 210 210 N 1\n");
  macroplace::testing::write_file(dir + "/small.plc", plc);
  const std::string design = example_path("ct/sample_clustered/netlist.pb.txt");
  const Result refused = run({"place", design, "--plc", dir + "/small.plc", "--method", "legalize",
                              "-o", dir + "/out.plc", "--report", dir + "/report.json", "--quiet"});
  EXPECT_EQ(refused.status, kExitFailure);
  EXPECT_EQ(refused.out, "");
  EXPECT_NE(refused.err.find("the result is not legal: "), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("1 overlapping hard-macro pair (first: M0 and M1)"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("out.plc not written (--allow-illegal writes it)"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.plc"));
  const std::string report = macroplace::testing::read_file(dir + "/report.json");
  expect_json_field(report, "\"legal\":false");
  expect_json_field(report, "\"output\":null");

  const Result allowed = run({"place", design, "--plc", dir + "/small.plc", "--method", "legalize",
                              "-o", dir + "/out.plc", "--allow-illegal"});
  EXPECT_EQ(allowed.status, kExitFailure);
  EXPECT_NE(allowed.out.find("legality: NOT legal"), std::string::npos) << allowed.out;
  EXPECT_NE(allowed.err.find("written anyway to " + dir + "/out.plc"), std::string::npos)
      << allowed.err;
  EXPECT_TRUE(std::filesystem::exists(dir + "/out.plc"));
}

// Outputs that are not regular files are refused before any work, with exit status 2, and left
// as they were.
TEST(PlaceCommand, SpecialFileOutputsAreRefusedUpFront) {
  const std::string dir = make_temp_dir("place_special");
  const std::string design = example_path("ct/sample_clustered/netlist.pb.txt");
  ASSERT_EQ(::mkfifo((dir + "/fifo").c_str(), 0644), 0);
  macroplace::testing::write_file(dir + "/target.plc", "keep me");
  std::filesystem::create_symlink(dir + "/target.plc", dir + "/link.plc");
  for (const std::string& output : {dir + "/fifo", dir + "/link.plc", dir, std::string("/dev/null"),
                                    dir + "/no_such_folder/out.plc"}) {
    const Result result =
        run({"place", design, "--method", "sa", "--time-limit", "600", "-o", output, "--quiet"});
    EXPECT_EQ(result.status, kExitUsage) << output;
    EXPECT_NE(result.err.find(output), std::string::npos) << result.err;
  }
  const Result report = run({"place", design, "--method", "legalize", "-o", dir + "/out.plc",
                             "--report", dir + "/fifo", "--quiet"});
  EXPECT_EQ(report.status, kExitUsage);
  EXPECT_FALSE(std::filesystem::exists(dir + "/out.plc"));
  EXPECT_EQ(std::filesystem::status(dir + "/fifo").type(), std::filesystem::file_type::fifo);
  EXPECT_TRUE(std::filesystem::is_symlink(dir + "/link.plc"));
  EXPECT_EQ(macroplace::testing::read_file(dir + "/target.plc"), "keep me");
}

TEST(PlaceCommand, UsageErrors) {
  const std::string design = example_path("ct/macro_tiles_10x10/netlist.pb.txt");
  EXPECT_EQ(run({"place", design}).status, kExitUsage);  // no -o
  EXPECT_EQ(run({"place", design, "-o", "x.plc", "--method", "magic"}).status, kExitUsage);
  EXPECT_EQ(run({"place", design, "-o", "x.plc", "--time-limit", "-3"}).status, kExitUsage);
  EXPECT_EQ(run({"place", design, "-o", "x.plc", "--chains", "0"}).status, kExitUsage);
  EXPECT_EQ(run({"place", design, "-o", "x.plc", "--method", "greedy:x"}).status, kExitUsage);
  EXPECT_EQ(run({"place", design, "-o", "x.plc", "--soft-macros", "springs"}).status, kExitUsage);
}

}  // namespace
}  // namespace macroplace::cli
