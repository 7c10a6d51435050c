// `macroplace eval` and `place` share one method vocabulary, run in-process: the same name gives
// the same proxy for the same seed and budget, help lists the registry, unknown names are usage
// errors, and a method this program only declares is handed over to the program that has it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"
#include "macroplace/placement/placer.h"
#include "run_command.h"
#include "testing/testing.h"

namespace macroplace::cli {
namespace {

using command_testing::lines_with;
using command_testing::number_after;
using command_testing::Result;
using command_testing::run;
using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

const std::string kDesign = "ct/sample_clustered/netlist.pb.txt";

TEST(EvalCommand, UnknownMethodIsAUsageErrorAndWritesNothing) {
  const std::string out = make_temp_dir("cli_eval_usage");
  for (const char* methods : {"annealing", "greedy,annealing", "greedy:arg"}) {
    SCOPED_TRACE(methods);
    const Result result = run(
        {"eval", "--designs", example_path(kDesign), "--methods", methods, "--out", out + "/eval"});
    EXPECT_EQ(result.status, kExitUsage);
    EXPECT_FALSE(result.err.empty());
  }
  const Result unknown = run({"eval", "--designs", example_path(kDesign), "--methods", "annealing",
                              "--out", out + "/eval"});
  EXPECT_NE(unknown.err.find("unknown method 'annealing' (methods: sa, greedy"), std::string::npos)
      << unknown.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/eval"));  // nothing written
}

TEST(EvalCommand, HelpOfPlaceAndEvalListsEveryRegisteredMethod) {
  const Result eval = run({"eval", "--help"});
  const Result place = run({"place", "--help"});
  ASSERT_EQ(eval.status, kExitSuccess);
  ASSERT_EQ(place.status, kExitSuccess);
  for (const placement::MethodInfo& method : placement::PlacerRegistry::global().methods()) {
    EXPECT_NE(eval.out.find("\n  " + method.name + " "), std::string::npos) << method.name;
    EXPECT_NE(place.out.find("\n  " + method.name + " "), std::string::npos) << method.name;
  }
  for (const placement::PlacerOption& option : placement::PlacerRegistry::global().options()) {
    EXPECT_NE(eval.out.find(option.name), std::string::npos) << option.name;
    EXPECT_NE(place.out.find(option.name), std::string::npos) << option.name;
  }
  EXPECT_NE(eval.out.find("  reference "), std::string::npos);
}

// The promise: `place --method X` and `eval --methods X` give the same proxy for the same
// seed and budget on Ariane, for every registered method.
TEST(EvalCommand, PlaceAndEvalGiveTheSameProxyForEveryMethod) {
  const std::string dir = make_temp_dir("cli_place_eval_same");
  const std::string netlist = example_path("ariane133-ng45/netlist.pb.txt.gz");
  for (const placement::MethodInfo& method : placement::PlacerRegistry::global().methods()) {
    SCOPED_TRACE(method.name);
    const Result place = run({"place", netlist, "--plc", example_path("ariane133-ng45/initial.plc"),
                              "--method", method.name, "--seed", "1", "--max-moves", "400", "-o",
                              dir + "/" + method.name + ".plc", "--report",
                              dir + "/" + method.name + ".json", "--quiet"});
    ASSERT_EQ(place.status, kExitSuccess) << place.err;
    const std::string report = macroplace::testing::read_file(dir + "/" + method.name + ".json");
    const double place_proxy = number_after(report.substr(report.find("\"final\"")), "\"proxy\":");
    const Result eval =
        run({"eval", "--designs", netlist, "--methods", method.name, "--seeds", "1", "--max-moves",
             "400", "--scaling-samples", "0", "--out", dir + "/eval-" + method.name, "--quiet"});
    ASSERT_EQ(eval.status, kExitSuccess) << eval.err;
    const std::string json =
        macroplace::testing::read_file(dir + "/eval-" + method.name + "/results.json");
    const std::vector<std::string> runs =
        lines_with(json, {"\"method\": \"" + method.name + "\"", "\"placement_file\""});
    ASSERT_EQ(runs.size(), 1U) << json;
    EXPECT_EQ(number_after(runs[0], "\"proxy\": "), place_proxy);
  }
}

// A method whose placer this program only declares is handed over to the program named.
TEST(EvalCommand, DeclaredMethodsAreHandedOver) {
  placement::PlacerInfo declared;
  declared.name = "elsewhere";
  declared.stage = placement::Stage::kHardMacros;
  declared.provider = "macroplace-elsewhere";
  placement::PlacerRegistry::global().add(declared);
  placement::PlacerRegistry::global().add(
      placement::MethodInfo{"elsewhere", "test", "elsewhere", "keep", "none", ""});
  std::vector<std::string> handed;
  set_handover([&handed](const std::string& provider) {
    handed.push_back(provider);
    return 7;
  });
  const std::string design = example_path(kDesign);
  EXPECT_EQ(run({"place", design, "--method", "elsewhere", "-o", "x.plc"}).status, 7);
  EXPECT_EQ(run({"eval", "--designs", design, "--methods", "greedy,elsewhere", "--out",
                 make_temp_dir("cli_handover") + "/eval"})
                .status,
            7);
  declare_command("elsewhere-train", "a declared command", "macroplace-elsewhere");
  EXPECT_EQ(run({"elsewhere-train", "--out", "x"}).status, 7);
  EXPECT_EQ(handed, std::vector<std::string>(3, "macroplace-elsewhere"));
  set_handover(nullptr);
  const Result alone = run({"place", design, "--method", "elsewhere", "-o", "x.plc"});
  EXPECT_EQ(alone.status, kExitFailure);
  EXPECT_NE(alone.err.find("this needs macroplace-elsewhere"), std::string::npos) << alone.err;
}

}  // namespace
}  // namespace macroplace::cli
