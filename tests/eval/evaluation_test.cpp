// The evaluation loop on Circuit Training's small example designs.
#include "macroplace/eval/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/proxy_cost.h"
#include "testing/testing.h"

namespace macroplace::eval {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

TEST(EvalOptions, ValidateNamesBadValues) {
  EvalOptions options;
  options.out_dir = "out";
  EXPECT_TRUE(options.validate().ok());
  options.time_limits_seconds = {60, 0};
  EXPECT_FALSE(options.validate().ok());  // one budget of nothing
  options.time_limits_seconds.clear();
  EXPECT_FALSE(options.validate().ok());
  options.time_limits_seconds = {0};
  EXPECT_FALSE(options.validate().ok());  // no budget at all
  options.max_moves = 100;
  EXPECT_TRUE(options.validate().ok());
  options.methods.push_back(eval_method("greedy"));
  EXPECT_FALSE(options.validate().ok());  // listed twice
  options.methods = {eval_method("annealing")};
  EXPECT_FALSE(options.validate().ok());  // no such method
  options.methods = {eval_method("sa")};
  options.methods[0].flow.parameters["--chains"] = "0";
  EXPECT_FALSE(options.validate().ok());  // a bad placer option
  options.methods = {eval_method("sa")};
  options.methods[0].name = "a/b";
  EXPECT_FALSE(options.validate().ok());  // not part of a file name
  options.methods.clear();
  EXPECT_FALSE(options.validate().ok());
}

// Two budgets: every method runs at each, named NAME@Ts with its budget recorded, side by side;
// the reference once, as it is; a method's runs keep to their budget.
TEST(RunEvaluation, EveryMethodRunsAtEveryBudget) {
  std::vector<placement::LoadedDesign> designs(1);
  ASSERT_TRUE(
      load_eval_design(example_path("ct/simple_grouped_with_coords/netlist.pb.txt"), &designs[0])
          .ok());
  EvalOptions options;
  options.methods = {eval_method("greedy"), eval_method("sa"), eval_method("reference")};
  options.seeds = 1;
  options.time_limits_seconds = {0.2, 0.6};
  options.scaling_samples = 0;
  options.out_dir = make_temp_dir("eval_budgets");
  EvalReport report;
  const Status status = run_evaluation(designs, options, &report);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(report.time_limits_s, (std::vector<double>{0.2, 0.6}));
  std::vector<std::string> names;
  for (const RunRecord& run : report.runs) {
    names.push_back(run.method);
    if (run.method == "reference") {
      EXPECT_EQ(run.time_limit_s, 0);
      continue;
    }
    const double budget = run.method.substr(run.method.find('@')) == "@0.2s" ? 0.2 : 0.6;
    EXPECT_EQ(run.time_limit_s, budget) << run.method;
    EXPECT_LE(run.runtime_s, budget + 0.5) << run.method;
    EXPECT_TRUE(run.legal) << run.method;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"greedy@0.2s", "greedy@0.6s", "sa@0.2s", "sa@0.6s",
                                             "reference"}));
}

// The whole loop on two small designs: records, pictures, placements that re-evaluate to the
// recorded costs, full-design HPWL where there are standard cells, the scaling curve.
TEST(RunEvaluation, WritesEveryRunAndItsPlacement) {
  std::vector<placement::LoadedDesign> designs(2);
  ASSERT_TRUE(
      load_eval_design(example_path("ct/simple_grouped_with_coords/netlist.pb.txt"), &designs[0])
          .ok());
  ASSERT_TRUE(
      load_eval_design(example_path("ct/toy_macro_stdcell/netlist.pb.txt"), &designs[1]).ok());
  EvalOptions options;
  options.seeds = 2;
  options.time_limits_seconds = {0};
  options.max_moves = 2000;
  options.scaling_samples = 8;
  options.out_dir = make_temp_dir("eval_run");
  EvalReport report;
  const Status status = run_evaluation(designs, options, &report);
  ASSERT_TRUE(status.ok()) << status.message();
  // 4 methods x 2 seeds + 1 reference per design.
  ASSERT_EQ(report.runs.size(), 2u * (4 * 2 + 1));
  EXPECT_EQ(report.pictures.size(), 2u * 5);
  EXPECT_EQ(report.scaling.size(), 2u);
  EXPECT_TRUE(report.published.empty());  // no published numbers for these designs
  for (const RunRecord& run : report.runs) {
    SCOPED_TRACE(run.design + " " + run.method + " seed " + std::to_string(run.seed));
    EXPECT_EQ(run.full_hpwl.has_value(), run.design == "toy_macro_stdcell");
    // The written placement evaluates to the recorded costs (std cells included).
    const placement::LoadedDesign& design = run.design == designs[0].name ? designs[0] : designs[1];
    netlist::Netlist copy = design.netlist;
    netlist::PlacementFile plc;
    ASSERT_TRUE(netlist::read_plc(options.out_dir + "/" + run.placement_file, &plc).ok());
    ASSERT_TRUE(netlist::apply_placement(plc, &copy).ok());
    const placement::ProxyCost cost(copy, design.settings);
    EXPECT_NEAR(cost.costs().proxy, run.costs.proxy, 1e-6);
    if (run.full_hpwl) {
      EXPECT_NEAR(cost.costs().wirelength, *run.full_hpwl, 1e-6 * *run.full_hpwl);
    }
  }
  for (const ScalingCurve& curve : report.scaling) {
    ASSERT_FALSE(curve.best.empty());
    for (std::size_t i = 1; i < curve.best.size(); ++i) {
      EXPECT_LE(curve.best[i], curve.best[i - 1] + 1e-12);  // more samples never hurt
    }
  }
}

TEST(PublishedResults, ArianeRowsAreCited) {
  const std::vector<PublishedResult> rows = published_results();
  ASSERT_EQ(rows.size(), 6u);
  for (const PublishedResult& row : rows) {
    EXPECT_EQ(row.design, "ariane133-ng45");
    EXPECT_FALSE(row.source.empty());
  }
  EXPECT_EQ(rows[0].proxy, 0.848);
}

}  // namespace
}  // namespace macroplace::eval
