// The baseline runners and the evaluation loop, on Circuit Training's small example designs.
#include "macroplace/eval/baselines.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "macroplace/eval/evaluation.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/proxy_cost.h"
#include "testing/testing.h"

namespace macroplace::eval {
namespace {

using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

TEST(Methods, NamesRoundTrip) {
  for (const Method method : {Method::kRandom, Method::kGreedy, Method::kSimulatedAnnealing,
                              Method::kAnalytical, Method::kReference}) {
    const auto parsed = parse_method(method_name(method));
    ASSERT_TRUE(parsed.has_value()) << method_name(method);
    EXPECT_EQ(*parsed, method);
  }
  EXPECT_EQ(method_name(Method::kSimulatedAnnealing), "sa");
  EXPECT_FALSE(parse_method("annealing").has_value());
}

TEST(BaselineOptions, ValidateNamesBadValues) {
  EXPECT_TRUE(BaselineOptions().validate().ok());
  BaselineOptions options;
  options.time_limit_seconds = 0;
  EXPECT_FALSE(options.validate().ok());  // no budget at all
  options.max_moves = 100;
  EXPECT_TRUE(options.validate().ok());
  options.chains = 0;
  EXPECT_FALSE(options.validate().ok());
}

class BaselineTest : public ::testing::TestWithParam<Method> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        load_eval_design(example_path("ct/simple_grouped_with_coords/netlist.pb.txt"), &design_)
            .ok());
  }
  // Runs the method from the design's start; returns every node's position.
  std::vector<double> run(std::uint64_t seed, BaselineRun* result) {
    placement::ProxyCost cost(design_.netlist, design_.settings);
    BaselineOptions options;
    options.seed = seed;
    options.time_limit_seconds = 0;
    options.max_moves = 3000;
    *result = run_baseline(GetParam(), &cost, options);
    std::vector<double> positions;
    for (netlist::NodeId node = 0; node < design_.netlist.num_nodes(); ++node) {
      positions.push_back(cost.x(node));
      positions.push_back(cost.y(node));
    }
    // The costs it reports are the evaluator's, recomputed from scratch.
    EXPECT_NEAR(result->costs.proxy, cost.recompute().proxy, 1e-9);
    return positions;
  }
  EvalDesign design_;
};

TEST_P(BaselineTest, LegalDeterministicAndHonestAboutItsCosts) {
  BaselineRun first, second;
  const std::vector<double> a = run(7, &first);
  const std::vector<double> b = run(7, &second);
  ASSERT_TRUE(first.status.ok()) << first.status.message();
  EXPECT_EQ(a, b) << "same seed, different placement";
  EXPECT_EQ(first.costs.proxy, second.costs.proxy);
  if (GetParam() != Method::kReference) {
    EXPECT_TRUE(first.legal);
    EXPECT_EQ(first.overlapping_macro_pairs, 0);
  }
  EXPECT_TRUE(std::isfinite(first.costs.proxy));
  EXPECT_GT(first.costs.proxy, 0.0);
}

INSTANTIATE_TEST_SUITE_P(Methods, BaselineTest,
                         ::testing::Values(Method::kRandom, Method::kGreedy,
                                           Method::kSimulatedAnnealing, Method::kAnalytical,
                                           Method::kReference),
                         [](const ::testing::TestParamInfo<Method>& info) {
                           return std::string(method_name(info.param));
                         });

TEST(BaselineTest, RandomSeedsGiveDifferentPlacements) {
  EvalDesign design;
  ASSERT_TRUE(
      load_eval_design(example_path("ct/simple_grouped_with_coords/netlist.pb.txt"), &design).ok());
  std::set<double> proxies;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    placement::ProxyCost cost(design.netlist, design.settings);
    BaselineOptions options;
    options.seed = seed;
    const BaselineRun run = run_baseline(Method::kRandom, &cost, options);
    ASSERT_TRUE(run.status.ok());
    proxies.insert(run.costs.proxy);
  }
  EXPECT_GE(proxies.size(), 3u);
}

TEST(LoadEvalDesign, NamesSettingsAndReference) {
  EvalDesign design;
  ASSERT_TRUE(load_eval_design(example_path("ariane133-ng45/netlist.pb.txt.gz"), &design).ok());
  EXPECT_EQ(design.name, "ariane133-ng45");
  EXPECT_EQ(design.settings.columns, 24);  // from initial.plc's header
  EXPECT_EQ(design.settings.rows, 21);
  EXPECT_NEAR(design.settings.canvas_width, 1433.406, 1e-9);
  EXPECT_EQ(design.settings.weights.density, 0.5);
  EXPECT_EQ(std::filesystem::path(design.reference_plc).filename(), "legalized.plc");
  EvalDesign ibm01;
  ASSERT_TRUE(load_eval_design(example_path("ibm01/ibm01.aux"), &ibm01).ok());
  EXPECT_EQ(ibm01.name, "ibm01");
  EXPECT_TRUE(ibm01.reference_plc.empty());
  ASSERT_TRUE(ibm01.netlist.canvas.has_value());
  EXPECT_EQ(ibm01.settings.canvas_width, ibm01.netlist.canvas->x1);  // the rows' extent
  EXPECT_GE(ibm01.settings.columns, 10);  // chosen by grid-size selection
}

// The whole loop on two small designs: records, pictures, placements that re-evaluate to the
// recorded costs, full-design HPWL where there are standard cells, the scaling curve.
TEST(RunEvaluation, WritesEveryRunAndItsPlacement) {
  std::vector<EvalDesign> designs(2);
  ASSERT_TRUE(
      load_eval_design(example_path("ct/simple_grouped_with_coords/netlist.pb.txt"), &designs[0])
          .ok());
  ASSERT_TRUE(
      load_eval_design(example_path("ct/toy_macro_stdcell/netlist.pb.txt"), &designs[1]).ok());
  EvalOptions options;
  options.seeds = 2;
  options.time_limit_seconds = 0;
  options.max_moves = 2000;
  options.scaling_samples = 8;
  options.out_dir = make_temp_dir("eval_run");
  EvalReport report;
  const netlist::Status status = run_evaluation(designs, options, &report);
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
    const EvalDesign& design = run.design == designs[0].name ? designs[0] : designs[1];
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
