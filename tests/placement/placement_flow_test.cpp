// The placement flow and the registry: every registered method passes the conformance checks
// (tests/testing/conformance.h) on a Circuit Training toy with a blockage, Ariane and ibm01, is
// deterministic for a seed with a move budget and is not worse on average than random; stage
// overrides, parameter checks, declared-only placers and the cheap quality claims of
// docs/PERFORMANCE.md.
#include "macroplace/placement/placement_flow.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/macro_legalizer.h"
#include "macroplace/placement/placer.h"
#include "testing/conformance.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;

LoadedDesign load(const std::string& relative) {
  LoadedDesign design;
  DesignSource source;
  source.netlist = example_path(relative);
  source.plc_beside = true;
  const Status status = load_design(source, &design);
  EXPECT_TRUE(status.ok()) << status.message();
  return design;
}

FlowOptions budgeted(const std::string& method) {
  FlowOptions options;
  options.method = method;
  options.budget.time_limit_seconds = 0;
  options.budget.max_moves = 20000;  // per annealing chain: the result depends on the seed only
  return options;
}

// Conformance and determinism of every registered method; its mean proxy over two seeds against
// that of random hard macros finished by the same soft-macro and refinement stages (methods that
// leave the hard macros where the input put them, legalized, are not compared: their quality is
// the input's).
void check_every_method(const std::string& relative) {
  const LoadedDesign design = load(relative);
  for (const MethodInfo& method : PlacerRegistry::global().methods()) {
    SCOPED_TRACE(relative + ", method " + method.name);
    const auto first = macroplace::testing::run_conformant(design, budgeted(method.name), 1);
    const auto again = macroplace::testing::run_conformant(design, budgeted(method.name), 1);
    EXPECT_EQ(first.positions, again.positions) << "same seed, different placement";
    const auto second = macroplace::testing::run_conformant(design, budgeted(method.name), 2);
    if (method.hard_macros == "none") continue;
    FlowOptions random = budgeted(method.name);
    random.hard_macros = "random";
    double random_mean = 0;
    for (const std::uint64_t seed : {1, 2}) {
      random_mean += macroplace::testing::run_conformant(design, random, seed).proxy / 2;
    }
    EXPECT_LE((first.proxy + second.proxy) / 2, random_mean * (1 + 1e-9))
        << "worse on average than random hard macros with the same finishing stages";
  }
}

TEST(PlacementFlowConformance, ToyDesignWithBlockage) {
  check_every_method("ct/simple_grouped_with_coords_with_blockage/netlist.pb.txt");
}

TEST(PlacementFlowConformance, ToyDesignWithStandardCells) {
  check_every_method("ct/toy_macro_stdcell/netlist.pb.txt");
}

TEST(PlacementFlowConformance, Ariane) {
  check_every_method("ariane133-ng45/netlist.pb.txt.gz");
}

TEST(PlacementFlowConformance, Ibm01) {
  check_every_method("ibm01/ibm01.aux");
}

TEST(PlacementFlow, UnknownNamesAndBadValuesFailBeforeAnyWork) {
  PreparedFlow flow;
  FlowOptions options = budgeted("annealing");
  Status status = prepare_flow(options, &flow);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("sa, greedy"), std::string::npos) << status.message();
  options = budgeted("sa");
  options.soft_macros = "springs";
  status = prepare_flow(options, &flow);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("keep, fd, analytical"), std::string::npos) << status.message();
  options = budgeted("sa");
  options.parameters["--chains"] = "two";
  status = prepare_flow(options, &flow);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--chains"), std::string::npos) << status.message();
  options = budgeted("greedy");
  options.parameters["--target-density"] = "1.5";
  EXPECT_FALSE(prepare_flow(options, &flow).ok());
  options = budgeted("sa");
  options.budget.time_limit_seconds = -1;
  EXPECT_FALSE(prepare_flow(options, &flow).ok());
}

TEST(PlacementFlow, StageOverridesReplaceTheRecipe) {
  PreparedFlow flow;
  FlowOptions options = budgeted("greedy");
  options.soft_macros = "fd";
  options.refine = "cd";
  ASSERT_TRUE(prepare_flow(options, &flow).ok());
  EXPECT_EQ(flow.recipe().hard_macros, "greedy");
  EXPECT_EQ(flow.recipe().soft_macros, "fd");
  EXPECT_EQ(flow.recipe().refine, "cd");
  const LoadedDesign design = load("ct/simple_grouped_with_coords/netlist.pb.txt");
  ProxyCost cost(design.netlist, design.settings);
  const FlowResult result = flow.run(&cost);
  ASSERT_TRUE(result.status.ok()) << result.status.message();
  ASSERT_EQ(result.stages.size(), 4u);  // legalize, hard macros, soft macros, refine
  EXPECT_EQ(result.stages[0].placer, "legalize");
  EXPECT_EQ(result.stages[2].placer, "fd");
  EXPECT_EQ(result.stages[3].placer, "cd");
  EXPECT_LE(result.final.proxy, result.stages[2].after.proxy + 1e-12);  // descent never worsens
}

// The annealing refiner finishes any method: from greedy hard macros and analytical soft macros
// it lowers the proxy (best kept, so never above its start), moves soft macros too, and leaves a
// legal placement.
TEST(PlacementFlow, AnnealingRefinerFinishesFromThePlacementSoFar) {
  FlowOptions options = budgeted("greedy");
  options.refine = "sa";
  options.budget.max_moves = 5000;
  PreparedFlow flow;
  ASSERT_TRUE(prepare_flow(options, &flow).ok());
  const LoadedDesign design = load("ariane133-ng45/netlist.pb.txt.gz");
  ProxyCost cost(design.netlist, design.settings);
  const FlowResult result = flow.run(&cost);
  ASSERT_TRUE(result.status.ok()) << result.status.message();
  ASSERT_EQ(result.stages.size(), 4u);
  EXPECT_EQ(result.stages[3].placer, "sa");
  const double before = result.stages[2].after.proxy;
  EXPECT_LT(result.final.proxy, before - 1e-3);
  EXPECT_NE(result.stages[3].summary.find("finishing annealing"), std::string::npos);
  EXPECT_TRUE(result.legality.legal());
  PlacerParameters bad = {{"--schedule-start", "1"}};
  options.parameters = bad;
  EXPECT_FALSE(prepare_flow(options, &flow).ok());
}

// A placer declared without a factory names the program that has it; the flow refuses to run it.
TEST(PlacementFlow, DeclaredPlacerNamesItsProvider) {
  PlacerRegistry& registry = PlacerRegistry::global();
  PlacerInfo declared;
  declared.name = "elsewhere";
  declared.stage = Stage::kHardMacros;
  declared.provider = "macroplace-elsewhere";
  registry.add(declared);
  registry.add(MethodInfo{"elsewhere", "test", "elsewhere", "keep", "none", ""});
  FlowOptions options = budgeted("elsewhere");
  const auto provider = placement::provider(options);
  ASSERT_TRUE(provider.has_value());
  EXPECT_EQ(*provider, "macroplace-elsewhere");
  PreparedFlow flow;
  const Status status = prepare_flow(options, &flow);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("macroplace-elsewhere"), std::string::npos);
  EXPECT_FALSE(placement::provider(budgeted("sa")).has_value());
}

// docs/PERFORMANCE.md: greedy beats random on Ariane, and coordinate descent strictly improves
// the legalized Ariane placement.
TEST(PlacementFlowQuality, GreedyBeatsRandomAndDescentImprovesOnAriane) {
  const LoadedDesign design = load("ariane133-ng45/netlist.pb.txt.gz");
  const auto proxy_of = [&design](const FlowOptions& options) {
    PreparedFlow flow;
    EXPECT_TRUE(prepare_flow(options, &flow).ok());
    ProxyCost cost(design.netlist, design.settings);
    FlowResult result = flow.run(&cost);
    EXPECT_TRUE(result.status.ok()) << result.status.message();
    return result;
  };
  const double greedy = proxy_of(budgeted("greedy")).final.proxy;
  const double random = proxy_of(budgeted("random")).final.proxy;
  EXPECT_LT(greedy, random);
  FlowOptions descent = budgeted("legalize");
  descent.refine = "cd";
  const FlowResult refined = proxy_of(descent);
  EXPECT_LT(refined.final.proxy, refined.after_legalizer.proxy);
}

// `sa` keeps the design's soft macros and shifts them by small steps: bunched at the centre (as
// clustering a flat design can leave them) they would stay bunched. The analytical placer spreads
// them once first, kept because the exact proxy is lower; --no-soft-spread is the old behaviour.
TEST(PlacementFlowQuality, AnnealingSpreadsBunchedSoftMacrosFirst) {
  LoadedDesign design = load("ariane133-ng45/netlist.pb.txt.gz");
  for (NodeId node = 0; node < design.netlist.num_nodes(); ++node) {
    if (design.netlist.kind(node) == netlist::NodeKind::kSoftMacro) {
      design.netlist.set_position(node, design.settings.canvas_width / 2,
                                  design.settings.canvas_height / 2);
    }
  }
  const auto run = [&design](const FlowOptions& options, double* spread) {
    PreparedFlow flow;
    EXPECT_TRUE(prepare_flow(options, &flow).ok());
    ProxyCost cost(design.netlist, design.settings);
    const FlowResult result = flow.run(&cost);
    EXPECT_TRUE(result.status.ok()) << result.status.message();
    EXPECT_TRUE(result.legality.legal());
    *spread = -1;
    for (const StageReport& stage : result.stages) {
      for (const auto& [name, value] : stage.figures) {
        if (name == "soft_macros_spread") *spread = value;
      }
    }
    return result.final.proxy;
  };
  FlowOptions options = budgeted("sa");
  options.budget.max_moves = 3000;
  double spread = 0, kept = 0;
  const double with_spread = run(options, &spread);
  options.parameters["--no-soft-spread"] = "";
  const double without = run(options, &kept);
  EXPECT_EQ(spread, 1.0);
  EXPECT_EQ(kept, 0.0);
  EXPECT_LT(with_spread, without - 0.1) << with_spread << " vs " << without;
}

TEST(PlacementFlow, SamplesAreIndependentPlacements) {
  const LoadedDesign design = load("ct/simple_grouped_with_coords/netlist.pb.txt");
  PreparedFlow flow;
  ASSERT_TRUE(prepare_flow(budgeted("random"), &flow).ok());
  EXPECT_FALSE(flow.has_own_sampler());
  const ProxyCost start(design.netlist, design.settings);
  std::vector<double> proxies;
  ASSERT_TRUE(flow.sample(start, 4, &proxies).ok());
  ASSERT_EQ(proxies.size(), 4u);
  // Sample i is the whole method with seed 1000000 + i.
  ProxyCost cost(design.netlist, design.settings);
  EXPECT_EQ(flow.run(&cost, 1000002).final.proxy, proxies[2]);
}

// A hard-macro placer that draws several placements (random hard macros with seeds s, s + 1,
// ..., s + 3), leaves the best in the evaluator and hands back the other three, best first,
// whatever the flow asked for (the flow must keep only candidates - 1 of them).
class DrawingPlacer final : public Placer {
 public:
  static constexpr int kDraws = 4;
  static std::unique_ptr<ProxyCost> draw(const ProxyCost& start, std::uint64_t seed) {
    std::unique_ptr<Placer> random;
    EXPECT_TRUE(
        PlacerRegistry::global().placer(Stage::kHardMacros, "random")->create({}, &random).ok());
    std::unique_ptr<ProxyCost> drawn = start.clone();
    PlacerContext context;
    context.budget.seed = seed;
    StageReport ignored;
    EXPECT_TRUE(random->place(drawn.get(), context, &ignored).ok());
    return drawn;
  }
  Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) override {
    asked = context.candidates;
    std::vector<std::unique_ptr<ProxyCost>> drawn;
    drawn.reserve(kDraws);
    for (int i = 0; i < kDraws; ++i) drawn.push_back(draw(*cost, context.budget.seed + i));
    std::stable_sort(drawn.begin(), drawn.end(), [](const auto& a, const auto& b) {
      return a->costs().proxy < b->costs().proxy;
    });
    cost->copy_placement(*drawn[0]);
    for (int i = 1; i < kDraws; ++i) report->alternatives.push_back(std::move(drawn[i]));
    return {};
  }
  static inline std::int32_t asked = 0;
};

// The drawing placer's placements in its order (best first).
std::vector<std::unique_ptr<ProxyCost>> drawn_placements(const LoadedDesign& design,
                                                         std::uint64_t seed) {
  ProxyCost start(design.netlist, design.settings);
  (void)legalize_macros(&start, {});
  std::vector<std::unique_ptr<ProxyCost>> drawn;
  drawn.reserve(DrawingPlacer::kDraws);
  for (int i = 0; i < DrawingPlacer::kDraws; ++i) {
    drawn.push_back(DrawingPlacer::draw(start, seed + i));
  }
  std::stable_sort(drawn.begin(), drawn.end(), [](const auto& a, const auto& b) {
    return a->costs().proxy < b->costs().proxy;
  });
  return drawn;
}

void register_drawing_placer() {
  PlacerInfo info;
  info.name = "test-drawing";
  info.stage = Stage::kHardMacros;
  info.create = [](const PlacerParameters&, std::unique_ptr<Placer>* out) {
    *out = std::make_unique<DrawingPlacer>();
    return Status();
  };
  PlacerRegistry::global().add(info);
}

// The recipe under test: drawn hard macros, analytical soft macros, annealing refiner with a
// move budget (so each candidate's finish depends on its placement and the seed only).
FlowOptions drawing_flow(std::int32_t candidates, std::int32_t refined) {
  FlowOptions options = budgeted("greedy");
  options.hard_macros = "test-drawing";
  options.refine = "sa";
  options.budget.max_moves = 3000;
  options.candidates = candidates;
  options.refine_candidates = refined;
  return options;
}

// Each drawn placement finished alone: hard macros kept ("none"), the same soft-macro and
// refinement stages and seed. `refine` false: the soft-macro stage only.
double finished_alone(const ProxyCost& candidate, bool refine) {
  FlowOptions options = drawing_flow(1, 1);
  options.hard_macros = "none";
  if (!refine) options.refine = "none";
  PreparedFlow flow;
  EXPECT_TRUE(prepare_flow(options, &flow).ok());
  std::unique_ptr<ProxyCost> cost = candidate.clone();
  const FlowResult result = flow.run(cost.get());
  EXPECT_TRUE(result.status.ok()) << result.status.message();
  return result.final.proxy;
}

// With M candidates and all M refined, the flow's result is the best of the M placements each
// finished alone; the placer is told M and its extra alternatives are not finished.
TEST(PlacementFlowCandidates, EveryCandidateFinishedAndTheBestKept) {
  register_drawing_placer();
  const LoadedDesign design = load("ct/simple_grouped_with_coords/netlist.pb.txt");
  const auto drawn = drawn_placements(design, 1);
  std::vector<double> alone;
  alone.reserve(3);
  for (int i = 0; i < 3; ++i) alone.push_back(finished_alone(*drawn[i], true));
  const double best_of_three = *std::min_element(alone.begin(), alone.end());
  // On this design finishing reorders the draws (0.435, 0.398, 0.371): the choice matters.
  EXPECT_LT(best_of_three, alone[0] - 1e-3);
  const double best_of_four = std::min(best_of_three, finished_alone(*drawn[3], true));

  PreparedFlow flow;
  ASSERT_TRUE(prepare_flow(drawing_flow(3, 3), &flow).ok());
  ProxyCost cost(design.netlist, design.settings);
  const FlowResult result = flow.run(&cost);
  ASSERT_TRUE(result.status.ok()) << result.status.message();
  EXPECT_EQ(DrawingPlacer::asked, 3);
  EXPECT_NEAR(result.final.proxy, best_of_three, 1e-12);
  EXPECT_NEAR(cost.costs().proxy, best_of_three, 1e-12);  // the evaluator holds the winner
  EXPECT_TRUE(result.legality.legal());
  ASSERT_EQ(result.stages.size(), 4u);  // one report per stage, every candidate's proxy in it
  EXPECT_NE(result.stages[2].summary.find("3 candidates: "), std::string::npos);
  EXPECT_NE(result.stages[3].summary.find("3 refined: "), std::string::npos);
  if (best_of_four < best_of_three - 1e-9) {
    ADD_FAILURE() << "the fourth alternative was finished although only 3 were asked for";
  }

  // One candidate: the drawn best finished alone, exactly the flow without a search.
  ASSERT_TRUE(prepare_flow(drawing_flow(1, 1), &flow).ok());
  ProxyCost single(design.netlist, design.settings);
  EXPECT_NEAR(flow.run(&single).final.proxy, alone[0], 1e-12);
  EXPECT_EQ(DrawingPlacer::asked, 1);
}

// With N = 1 of M refined, the refiner runs only on the candidate that is best after the
// soft-macro stage.
TEST(PlacementFlowCandidates, OnlyTheBestAfterSoftMacrosIsRefined) {
  register_drawing_placer();
  const LoadedDesign design = load("ct/simple_grouped_with_coords/netlist.pb.txt");
  const auto drawn = drawn_placements(design, 1);
  std::size_t best_soft = 0;
  double best_soft_proxy = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < 3; ++i) {
    const double soft = finished_alone(*drawn[i], false);
    if (soft < best_soft_proxy) best_soft_proxy = soft, best_soft = i;
  }
  const double expected = finished_alone(*drawn[best_soft], true);
  PreparedFlow flow;
  ASSERT_TRUE(prepare_flow(drawing_flow(3, 1), &flow).ok());
  ProxyCost cost(design.netlist, design.settings);
  const FlowResult result = flow.run(&cost);
  ASSERT_TRUE(result.status.ok()) << result.status.message();
  EXPECT_NEAR(result.final.proxy, expected, 1e-12);
  EXPECT_NE(result.stages[3].summary.find("1 refined: "), std::string::npos);

  // More refined than candidates, or none: refused before any work.
  EXPECT_FALSE(prepare_flow(drawing_flow(2, 3), &flow).ok());
  EXPECT_FALSE(prepare_flow(drawing_flow(0, 1), &flow).ok());
  EXPECT_FALSE(prepare_flow(drawing_flow(2, 0), &flow).ok());
}

TEST(LoadDesign, NamesSettingsAndReference) {
  const LoadedDesign ariane = load("ariane133-ng45/netlist.pb.txt.gz");
  EXPECT_EQ(ariane.name, "ariane133-ng45");
  EXPECT_EQ(ariane.settings.columns, 24);  // from initial.plc's header
  EXPECT_EQ(ariane.settings.rows, 21);
  EXPECT_NEAR(ariane.settings.canvas_width, 1433.406, 1e-9);
  EXPECT_EQ(ariane.settings.weights.density, 0.5);
  EXPECT_EQ(std::filesystem::path(ariane.reference_plc).filename(), "legalized.plc");
  EXPECT_EQ(std::filesystem::path(ariane.settings_plc).filename(), "initial.plc");
  const LoadedDesign ibm01 = load("ibm01/ibm01.aux");
  EXPECT_EQ(ibm01.name, "ibm01");
  EXPECT_TRUE(ibm01.reference_plc.empty());
  EXPECT_TRUE(ibm01.settings_plc.empty());
  ASSERT_TRUE(ibm01.netlist.canvas.has_value());
  EXPECT_EQ(ibm01.settings.canvas_width, ibm01.netlist.canvas->x1);  // the rows' extent
  EXPECT_GE(ibm01.settings.columns, 10);  // chosen by grid-size selection
  LoadedDesign missing;
  const Status status = load_design({example_path("nothing/here.pb.txt"), "", true}, &missing);
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace macroplace::placement
