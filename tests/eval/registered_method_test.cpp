// Methods registered from outside eval/ (how `macroplace eval` runs the RL policy without eval/
// linking LibTorch): a fake hard-macro placer registered in the placement registry runs through
// the flow like a built-in method; its written placements evaluate as an independent
// `macroplace cost` of the file would; its own sampler makes a best-of-k curve.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "macroplace/eval/evaluation.h"
#include "macroplace/netlist/design.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/placer.h"
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

// Hard macros at random (the built-in random placer with seed + 100), and a sampler of fixed
// proxies with one failure; counts its calls.
struct FakeCalls {
  std::vector<std::uint64_t> seeds;
  std::vector<std::int64_t> sample_counts;
};
FakeCalls* fake_calls = nullptr;
std::uint64_t fail_seed = 0;  // the fake placer fails for this seed (0: never)

class FakePlacer final : public placement::Placer {
 public:
  Status place(placement::ProxyCost* cost, const placement::PlacerContext& context,
               placement::StageReport* report) override {
    if (fake_calls) fake_calls->seeds.push_back(context.budget.seed);
    if (context.budget.seed == fail_seed) return Status::error("no policy today");
    placement::PlacerContext shifted = context;
    shifted.budget.seed += 100;
    std::unique_ptr<placement::Placer> random;
    EXPECT_TRUE(placement::PlacerRegistry::global()
                    .placer(placement::Stage::kHardMacros, "random")
                    ->create({}, &random)
                    .ok());
    return random->place(cost, shifted, report);
  }
  bool has_sampler() const override { return true; }
  Status sample(const placement::ProxyCost&, std::int64_t samples, const placement::PlacerContext&,
                std::vector<double>* proxies) override {
    if (fake_calls) fake_calls->sample_counts.push_back(samples);
    *proxies = {0.9, 0.7, std::nan(""), 0.8, 0.6};  // one failed sample
    return Status();
  }
};

void register_fake() {
  placement::PlacerInfo placer;
  placer.name = "fake";
  placer.stage = placement::Stage::kHardMacros;
  placer.create = [](const placement::PlacerParameters&, std::unique_ptr<placement::Placer>* out) {
    *out = std::make_unique<FakePlacer>();
    return Status();
  };
  placement::PlacerRegistry::global().add(placer);
  placement::PlacerRegistry::global().add(
      placement::MethodInfo{"fake", "a test placer", "fake", "analytical", "none", ""});
}

TEST(RegisteredMethod, RunsAreEvaluatedLikeAnIndependentCostOfTheirFiles) {
  register_fake();
  FakeCalls calls;
  fake_calls = &calls;
  std::vector<placement::LoadedDesign> designs(1);
  const std::string netlist_path = example_path("ct/sample_clustered/netlist.pb.txt");
  ASSERT_TRUE(load_eval_design(netlist_path, &designs[0]).ok());
  EvalOptions options;
  options.methods = {eval_method("greedy"), eval_method("fake")};
  options.seeds = 2;
  options.scaling_samples = 5;
  options.out_dir = make_temp_dir("eval_registered");
  TrainingCurve training;
  training.label = "fake (run)";
  training.points.push_back(TrainingPoint{1, 2.5, 0.9, 0.8, 0.85, 0.8});
  options.training = {training};
  std::vector<std::string> progress;
  options.progress = [&progress](const std::string& line) { progress.push_back(line); };
  EvalReport report;
  const Status status = run_evaluation(designs, options, &report);
  fake_calls = nullptr;
  ASSERT_TRUE(status.ok()) << status.to_string();

  EXPECT_EQ(calls.seeds, (std::vector<std::uint64_t>{1, 2}));
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
    EXPECT_TRUE(run.legal);
    EXPECT_FALSE(run.full_hpwl.has_value());  // no standard cells
    EXPECT_EQ(run.placement_file,
              "placements/sample_clustered-fake-s" + std::to_string(seed) + ".plc");
    // The record is what an independent evaluation of the written file says.
    const IndependentCost expected =
        evaluate_file(netlist_path, options.out_dir + "/" + run.placement_file);
    EXPECT_NEAR(run.costs.proxy, expected.proxy, 1e-9);
    EXPECT_EQ(run.legal, expected.legal);
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
  // Progress lines name the method.
  int fake_lines = 0;
  for (const std::string& line : progress) {
    if (line.find(" fake ") != std::string::npos) ++fake_lines;
  }
  EXPECT_EQ(fake_lines, 3);  // two runs and the best-of-k line
}

// On a design with standard cells a registered method gets the same std-cell flow as the
// built-in ones: full-design HPWL, and the written file re-evaluates to the record.
TEST(RegisteredMethod, StandardCellsArePlacedAroundTheMacros) {
  register_fake();
  std::vector<placement::LoadedDesign> designs(1);
  const std::string netlist_path = example_path("ct/toy_macro_stdcell/netlist.pb.txt");
  ASSERT_TRUE(load_eval_design(netlist_path, &designs[0]).ok());
  EvalOptions options;
  options.methods = {eval_method("fake")};
  options.seeds = 1;
  options.scaling_samples = 0;
  options.out_dir = make_temp_dir("eval_registered_cells");
  EvalReport report;
  const Status status = run_evaluation(designs, options, &report);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(report.runs.size(), 1U);
  const RunRecord& run = report.runs[0];
  ASSERT_TRUE(run.full_hpwl.has_value());
  const IndependentCost written =
      evaluate_file(netlist_path, options.out_dir + "/" + run.placement_file);
  EXPECT_NEAR(written.proxy, run.costs.proxy, 1e-9);
  EXPECT_TRUE(report.scaling.empty());
}

TEST(RegisteredMethod, FailuresNameTheDesignAndMethod) {
  register_fake();
  placement::PlacerRegistry::global().add(
      placement::MethodInfo{"broken", "fails", "fake", "keep", "none", ""});
  std::vector<placement::LoadedDesign> designs(1);
  ASSERT_TRUE(
      load_eval_design(example_path("ct/sample_clustered/netlist.pb.txt"), &designs[0]).ok());
  EvalOptions options;
  options.methods = {eval_method("broken")};
  options.seeds = 1;
  options.scaling_samples = 0;
  options.out_dir = make_temp_dir("eval_registered_broken");
  fail_seed = 1;
  EvalReport report;
  const Status status = run_evaluation(designs, options, &report);
  fail_seed = 0;
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("sample_clustered, broken: "), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("no policy today"), std::string::npos) << status.message();
}

TEST(LoadEvalDesign, SettingsPlcIsTheInitialPlcBesideTheNetlist) {
  placement::LoadedDesign design;
  ASSERT_TRUE(load_eval_design(example_path("ct/sample_clustered/netlist.pb.txt"), &design).ok());
  EXPECT_EQ(design.settings_plc, example_path("ct/sample_clustered/initial.plc"));
  placement::LoadedDesign bare;  // no initial.plc beside it
  ASSERT_TRUE(load_eval_design(example_path("ct/grouping/simple.pb.txt"), &bare).ok());
  EXPECT_TRUE(bare.settings_plc.empty());
}

}  // namespace
}  // namespace macroplace::eval
