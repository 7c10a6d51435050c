// External methods in the evaluation loop (how `macroplace eval` runs the RL policy without eval/
// linking LibTorch): a fake placer's files are read back and evaluated exactly as an independent
// `macroplace cost` would, recorded, drawn and reported; its samples make a best-of-k curve; its
// training curve reaches the report.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "macroplace/eval/baselines.h"
#include "macroplace/eval/evaluation.h"
#include "macroplace/netlist/design.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/proxy_cost.h"
#include "testing/testing.h"

namespace macroplace::eval {
namespace {

namespace fs = std::filesystem;
using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

// `macroplace cost NETLIST --plc FILE` with the published weights: the design read afresh, the
// file applied, the settings from its header.
struct IndependentCost {
  double proxy = 0;
  bool legal = false;
};
IndependentCost evaluate_file(const std::string& netlist_path, const std::string& plc_path) {
  netlist::Netlist design;
  EXPECT_TRUE(netlist::read_design(netlist_path, &design).ok());
  netlist::PlacementFile plc;
  EXPECT_TRUE(netlist::read_plc(plc_path, &plc).ok()) << plc_path;
  EXPECT_TRUE(netlist::apply_placement(plc, &design).ok());
  placement::CostSettings settings = placement::settings_for(design, &plc.settings);
  settings.weights = placement::CostWeights::published();
  const placement::ProxyCost cost(design, settings);
  return {cost.costs().proxy, placement::check_legality(cost).legal()};
}

struct FakeCalls {
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> outputs;
  std::vector<std::int64_t> sample_counts;
};

// A placer that writes a random placement of the design (seed + 100, unlike the table's random
// runs), keeps a copy of exactly what it wrote under `kept`, and says it took 0.25 s per seed.
ExternalMethod fake_method(const std::string& kept, FakeCalls* calls) {
  ExternalMethod method;
  method.name = "fake";
  method.place = [kept, calls](const EvalDesign& design, std::uint64_t seed,
                               const std::string& output_plc, double* seconds) {
    calls->seeds.push_back(seed);
    calls->outputs.push_back(output_plc);
    placement::ProxyCost cost(design.netlist, design.settings);
    BaselineOptions options;
    options.seed = seed + 100;
    const BaselineRun run = run_baseline(Method::kRandom, &cost, options);
    if (!run.status.ok()) return run.status;
    if (netlist::Status s = placement::write_placement(cost, design.header, "fake", output_plc);
        !s.ok()) {
      return s;
    }
    fs::copy_file(output_plc, kept + "/seed-" + std::to_string(seed) + ".plc",
                  fs::copy_options::overwrite_existing);
    *seconds = 0.25 * static_cast<double>(seed);
    return netlist::Status();
  };
  method.sample = [calls](const EvalDesign&, std::int64_t samples, std::vector<double>* proxies) {
    calls->sample_counts.push_back(samples);
    *proxies = {0.9, 0.7, std::nan(""), 0.8, 0.6};  // one failed sample
    return netlist::Status();
  };
  TrainingCurve training;
  training.label = "fake (run)";
  training.source = "run/metrics.jsonl";
  training.points.push_back(TrainingPoint{1, 2.5, 0.9, 0.8, 0.85, 0.8});
  method.training = training;
  return method;
}

TEST(ExternalMethod, RunsAreEvaluatedLikeAnIndependentCostOfTheirFiles) {
  std::vector<EvalDesign> designs(1);
  const std::string netlist_path = example_path("ct/sample_clustered/netlist.pb.txt");
  ASSERT_TRUE(load_eval_design(netlist_path, &designs[0]).ok());
  const std::string kept = make_temp_dir("eval_external_kept");
  FakeCalls calls;
  EvalOptions options;
  options.methods = {Method::kGreedy};
  options.seeds = 2;
  options.scaling_samples = 5;
  options.out_dir = make_temp_dir("eval_external");
  options.external_methods.push_back(fake_method(kept, &calls));
  std::vector<std::string> progress;
  options.progress = [&progress](const std::string& line) { progress.push_back(line); };
  EvalReport report;
  const netlist::Status status = run_evaluation(designs, options, &report);
  ASSERT_TRUE(status.ok()) << status.to_string();

  // place() ran once per seed, after the built-in methods, into the run's placement file.
  EXPECT_EQ(calls.seeds, (std::vector<std::uint64_t>{1, 2}));
  ASSERT_EQ(calls.outputs.size(), 2U);
  EXPECT_EQ(calls.outputs[0], options.out_dir + "/placements/sample_clustered-fake-s1.plc");
  ASSERT_EQ(report.runs.size(), 4U);  // greedy x 2, then fake x 2
  EXPECT_EQ(report.runs[0].method, "greedy");
  double best_fake = HUGE_VAL;
  for (std::size_t i = 2; i < 4; ++i) {
    const RunRecord& run = report.runs[i];
    const auto seed = static_cast<std::uint64_t>(i - 1);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_EQ(run.design, "sample_clustered");
    EXPECT_EQ(run.method, "fake");
    EXPECT_EQ(run.seed, seed);
    EXPECT_EQ(run.runtime_s, 0.25 * static_cast<double>(seed));
    EXPECT_FALSE(run.full_hpwl.has_value());  // no standard cells
    // The record is the independent evaluation of the file the placer wrote...
    const IndependentCost expected =
        evaluate_file(netlist_path, kept + "/seed-" + std::to_string(seed) + ".plc");
    EXPECT_NEAR(run.costs.proxy, expected.proxy, 1e-12);
    EXPECT_EQ(run.legal, expected.legal);
    // ... and the file the runner rewrote in its place says the same.
    EXPECT_EQ(run.placement_file,
              "placements/sample_clustered-fake-s" + std::to_string(seed) + ".plc");
    EXPECT_NEAR(evaluate_file(netlist_path, options.out_dir + "/" + run.placement_file).proxy,
                expected.proxy, 1e-12);
    best_fake = std::min(best_fake, run.costs.proxy);
  }
  // Its best seed is drawn.
  ASSERT_EQ(report.pictures.size(), 2U);
  EXPECT_EQ(report.pictures[1].method, "fake");
  EXPECT_EQ(report.pictures[1].proxy, best_fake);
  // Its samples make a best-of-k curve: the failed one is left out, k = 1 is their mean.
  EXPECT_EQ(calls.sample_counts, (std::vector<std::int64_t>{5}));
  ASSERT_EQ(report.scaling.size(), 2U);
  EXPECT_EQ(report.scaling[0].method, "random");
  const ScalingCurve& curve = report.scaling[1];
  EXPECT_EQ(curve.design, "sample_clustered");
  EXPECT_EQ(curve.method, "fake");
  EXPECT_EQ(curve.samples, 4);
  ASSERT_EQ(curve.k, (std::vector<std::int64_t>{1, 2, 4}));
  EXPECT_NEAR(curve.best[0], (0.9 + 0.7 + 0.8 + 0.6) / 4, 1e-12);
  // Pairs of {0.6, 0.7, 0.8, 0.9}: the minimum is 0.6 three times, 0.7 twice, 0.8 once.
  EXPECT_NEAR(curve.best[1], (3 * 0.6 + 2 * 0.7 + 0.8) / 6, 1e-12);
  EXPECT_NEAR(curve.best[2], 0.6, 1e-12);
  // The training curve is passed through.
  ASSERT_EQ(report.training.size(), 1U);
  EXPECT_EQ(report.training[0].label, "fake (run)");
  ASSERT_EQ(report.training[0].points.size(), 1U);
  EXPECT_EQ(report.training[0].points[0].seconds, 2.5);
  // Progress lines name the method.
  int fake_lines = 0;
  for (const std::string& line : progress) {
    if (line.find(" fake ") != std::string::npos) ++fake_lines;
  }
  EXPECT_EQ(fake_lines, 3);  // two runs and the best-of-k line
}

// On a design with standard cells the external placement gets the same std-cell flow as the
// built-in methods: full-design HPWL, and the written file re-evaluates to the record.
TEST(ExternalMethod, StandardCellsArePlacedAroundTheMacros) {
  std::vector<EvalDesign> designs(1);
  const std::string netlist_path = example_path("ct/toy_macro_stdcell/netlist.pb.txt");
  ASSERT_TRUE(load_eval_design(netlist_path, &designs[0]).ok());
  ASSERT_FALSE(designs[0].settings_plc.empty());
  ExternalMethod method;
  method.name = "copy";
  method.place = [](const EvalDesign& design, std::uint64_t, const std::string& output_plc,
                    double* seconds) {
    fs::copy_file(design.settings_plc, output_plc, fs::copy_options::overwrite_existing);
    *seconds = 0;
    return netlist::Status();
  };
  EvalOptions options;
  options.methods.clear();  // external methods alone are enough
  options.seeds = 1;
  options.scaling_samples = 0;
  options.out_dir = make_temp_dir("eval_external_cells");
  options.external_methods.push_back(method);
  EvalReport report;
  const netlist::Status status = run_evaluation(designs, options, &report);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(report.runs.size(), 1U);
  const RunRecord& run = report.runs[0];
  EXPECT_EQ(run.method, "copy");
  ASSERT_TRUE(run.full_hpwl.has_value());
  const IndependentCost written =
      evaluate_file(netlist_path, options.out_dir + "/" + run.placement_file);
  EXPECT_NEAR(written.proxy, run.costs.proxy, 1e-9);
  EXPECT_TRUE(report.scaling.empty());
  EXPECT_TRUE(report.training.empty());
}

TEST(ExternalMethod, FailuresNameTheDesignAndMethod) {
  std::vector<EvalDesign> designs(1);
  ASSERT_TRUE(
      load_eval_design(example_path("ct/sample_clustered/netlist.pb.txt"), &designs[0]).ok());
  ExternalMethod method;
  method.name = "broken";
  method.place = [](const EvalDesign&, std::uint64_t, const std::string&, double*) {
    return netlist::Status::error("no policy today");
  };
  EvalOptions options;
  options.methods.clear();
  options.seeds = 1;
  options.scaling_samples = 0;
  options.out_dir = make_temp_dir("eval_external_broken");
  options.external_methods.push_back(method);
  EvalReport report;
  const netlist::Status status = run_evaluation(designs, options, &report);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("sample_clustered, broken: "), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("no policy today"), std::string::npos) << status.message();
}

TEST(ExternalMethod, ValidateRejectsBadMethods) {
  EvalOptions options;
  options.out_dir = "out";
  ExternalMethod method;
  method.name = "rl";
  method.place = [](const EvalDesign&, std::uint64_t, const std::string&, double*) {
    return netlist::Status();
  };
  options.external_methods = {method};
  EXPECT_TRUE(options.validate().ok());
  options.methods.clear();
  EXPECT_TRUE(options.validate().ok());  // an external method alone
  options.external_methods = {method, method};
  EXPECT_FALSE(options.validate().ok());  // the same name twice
  ExternalMethod renamed = method;
  renamed.name = "greedy";
  options.external_methods = {renamed};
  EXPECT_FALSE(options.validate().ok());  // a built-in method's name
  renamed.name = "a/b";
  options.external_methods = {renamed};
  EXPECT_FALSE(options.validate().ok());  // not a file name
  ExternalMethod no_place;
  no_place.name = "none";
  options.external_methods = {no_place};
  EXPECT_FALSE(options.validate().ok());
}

TEST(LoadEvalDesign, SettingsPlcIsTheInitialPlcBesideTheNetlist) {
  EvalDesign design;
  ASSERT_TRUE(load_eval_design(example_path("ct/sample_clustered/netlist.pb.txt"), &design).ok());
  EXPECT_EQ(design.settings_plc, example_path("ct/sample_clustered/initial.plc"));
  EvalDesign bare;  // no initial.plc beside it
  ASSERT_TRUE(load_eval_design(example_path("ct/grouping/simple.pb.txt"), &bare).ok());
  EXPECT_TRUE(bare.settings_plc.empty());
}

}  // namespace
}  // namespace macroplace::eval
