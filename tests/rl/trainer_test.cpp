// Training end to end on a small Circuit Training example: the policy improves, a resumed run
// equals an uninterrupted one bit for bit, the run folder holds its files, and the trained
// policy places the design legally.
#include "macroplace/rl/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/base/json_reader.h"
#include "macroplace/base/text.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/placement_flow.h"
#include "macroplace/rl/distributed.h"
#include "macroplace/rl/episode_record.h"
#include "macroplace/rl/policy_placer.h"
#include "macroplace/rl/torch_policy.h"
#include "testing/conformance.h"
#include "testing/testing.h"

namespace macroplace::rl {
namespace {

TrainerOptions small_run(const std::string& dir, std::int32_t iterations) {
  TrainerOptions options;
  options.netlist_path = macroplace::testing::example_path("ct/sample_clustered/netlist.pb.txt");
  options.plc_path = macroplace::testing::example_path("ct/sample_clustered/initial.plc");
  options.run_dir = macroplace::testing::make_temp_dir(dir);
  options.episodes_per_iteration = 16;
  options.iterations = iterations;
  options.threads = 2;  // environment threads never change results
  options.torch_threads = 1;
  options.seed = 3;
  options.ppo.minibatch_size = 8;
  return options;
}

placement::LoadedDesign design_of(const TrainerOptions& run) {
  placement::LoadedDesign design;
  EXPECT_TRUE(placement::load_design({run.netlist_path, run.plc_path, false}, &design).ok());
  return design;
}

// The `rl` method through the placement flow, as `place --method rl` runs it.
placement::FlowResult place_with_flow(const TrainerOptions& run, const std::string& checkpoint,
                                      placement::PlacerParameters parameters,
                                      const std::string& soft_macros = "",
                                      const std::string& refine = "", std::int32_t candidates = 1) {
  register_policy_method();
  placement::FlowOptions options;
  options.method = "rl";
  options.candidates = options.refine_candidates = candidates;
  options.parameters = std::move(parameters);
  if (!checkpoint.empty()) options.parameters["--policy"] = checkpoint;  // else the shipped one
  options.soft_macros = soft_macros;
  options.refine = refine;
  options.budget.max_moves = 2000;  // the annealing refiner's, per chain: repeatable
  placement::PreparedFlow flow;
  const Status prepared = placement::prepare_flow(options, &flow);
  EXPECT_TRUE(prepared.ok()) << prepared.message();
  const placement::LoadedDesign design = design_of(run);
  placement::ProxyCost cost(design.netlist, design.settings);
  placement::FlowResult result = flow.run(&cost);
  EXPECT_TRUE(result.status.ok()) << result.status.to_string();
  return result;
}

double figure(const placement::StageReport& stage, const std::string& name) {
  for (const auto& [key, value] : stage.figures) {
    if (key == name) return value;
  }
  return std::nan("");
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

// The number after "key": in a metrics line.
double field(const std::string& line, const std::string& key) {
  const auto at = line.find("\"" + key + "\": ");
  if (at == std::string::npos) return std::nan("");
  return std::stod(line.substr(at + key.size() + 4));
}

TEST(TrainerTest, MeanProxyImprovesAndRunFolderIsComplete) {
  TrainerOptions options = small_run("rl_trainer_improves", 12);
  std::vector<IterationMetrics> history;
  ASSERT_TRUE(train(options, [&](const IterationMetrics& m) { history.push_back(m); }).ok());
  ASSERT_EQ(history.size(), 12u);
  const double first = history.front().proxy_mean;
  const double last = 0.5 * (history[10].proxy_mean + history[11].proxy_mean);
  EXPECT_LT(last, first - 1e-4) << "first " << first << " last " << last;
  EXPECT_LE(history.back().best_proxy, history.back().proxy_min);
  EXPECT_GT(history.front().env_steps, 0);
  const auto metrics = lines_of(options.run_dir + "/metrics.jsonl");
  ASSERT_EQ(metrics.size(), 12u);
  EXPECT_NEAR(field(metrics[0], "proxy_mean"), first, 1e-12);
  EXPECT_TRUE(std::filesystem::exists(options.run_dir + "/checkpoint.pt"));
  EXPECT_TRUE(std::filesystem::exists(options.run_dir + "/best.plc"));
  // policy.pt: the policy alone, smaller than the checkpoint (no optimizer state).
  ASSERT_TRUE(std::filesystem::exists(options.run_dir + "/policy.pt"));
  EXPECT_LT(3 * std::filesystem::file_size(options.run_dir + "/policy.pt"),
            std::filesystem::file_size(options.run_dir + "/checkpoint.pt") + 4096);
  const auto best = lines_of(options.run_dir + "/best.json");
  ASSERT_EQ(best.size(), 1u);
  EXPECT_NE(best[0].find("\"legal\": true"), std::string::npos);
  EXPECT_NEAR(field(best[0], "proxy"), history.back().best_proxy, 1e-9);

  // The trained policy places the design through the flow: greedy + 4 samples, then the
  // analytical soft-macro placer (kept only when it lowers the proxy), then the annealing
  // refiner.
  const std::string checkpoint = options.run_dir + "/checkpoint.pt";
  const placement::FlowResult result = place_with_flow(options, checkpoint, {{"--samples", "4"}});
  EXPECT_TRUE(result.legality.legal());
  ASSERT_EQ(result.stages.size(), 4u);
  const placement::StageReport& policy = result.stages[1];
  EXPECT_EQ(policy.placer, "rl");
  EXPECT_EQ(figure(policy, "episodes"), 5);
  EXPECT_LE(result.final.proxy, figure(policy, "policy_proxy") + 1e-12);
  const placement::StageReport& soft = result.stages[2];
  if (soft.kept) {
    EXPECT_LT(soft.after.proxy, policy.after.proxy);
  } else {
    EXPECT_EQ(soft.after.proxy, policy.after.proxy);
  }
  // The same run with the force-directed soft macros of the episode kept: the same episodes.
  const placement::FlowResult kept =
      place_with_flow(options, checkpoint, {{"--samples", "4"}}, "keep");
  EXPECT_EQ(figure(kept.stages[1], "policy_proxy"), figure(policy, "policy_proxy"));
  // policy.pt places exactly as the checkpoint does (the same weights).
  const placement::FlowResult from_policy =
      place_with_flow(options, options.run_dir + "/policy.pt", {{"--samples", "4"}}, "keep");
  EXPECT_EQ(figure(from_policy.stages[1], "policy_proxy"), figure(policy, "policy_proxy"));
  EXPECT_EQ(from_policy.final.proxy, kept.final.proxy);
  // The rl method passes the conformance checks every method passes (placement tests).
  macroplace::testing::run_conformant(
      design_of(options),
      [&] {
        register_policy_method();
        placement::FlowOptions flow;
        flow.method = "rl";
        flow.parameters = {{"--policy", checkpoint}, {"--samples", "2"}};
        flow.budget.max_moves = 2000;
        return flow;
      }(),
      5);

  // The search over candidates: the best 3 distinct episodes of greedy + 6 samples, best in
  // the evaluator, the next two as alternatives (their exact proxies, ascending).
  {
    const placement::LoadedDesign design = design_of(options);
    placement::ProxyCost cost(design.netlist, design.settings);
    PolicyPlacerOptions placer;
    placer.checkpoint = checkpoint;
    placer.samples = 6;
    placer.candidates = 3;
    PolicyPlacerResult drawn;
    ASSERT_TRUE(place_with_policy(&cost, placer, 7, &drawn).ok());
    EXPECT_EQ(drawn.episodes, 7);
    ASSERT_EQ(drawn.sample_proxies.size(), 6u);
    ASSERT_EQ(drawn.sample_seconds.size(), 6u);
    EXPECT_TRUE(std::is_sorted(drawn.sample_seconds.begin(), drawn.sample_seconds.end()));
    EXPECT_NEAR(cost.costs().proxy, drawn.policy_costs.proxy, 1e-9);
    std::vector<double> proxies = drawn.sample_proxies;
    if (!drawn.greedy_was_best) {
      EXPECT_EQ(*std::min_element(proxies.begin(), proxies.end()), drawn.policy_costs.proxy);
    }
    double previous = drawn.policy_costs.proxy;
    ASSERT_FALSE(drawn.alternatives.empty());
    EXPECT_LE(drawn.alternatives.size(), 2u);
    for (const auto& alternative : drawn.alternatives) {
      const double proxy = alternative->costs().proxy;
      EXPECT_GE(proxy, previous - 1e-12);
      EXPECT_LE(proxy, *std::max_element(proxies.begin(), proxies.end()) + 1e-9);
      previous = proxy;
    }
    // A deadline already passed: the greedy episode only.
    placer.sample_seconds = 1e-9;
    PolicyPlacerResult greedy_only;
    ASSERT_TRUE(place_with_policy(&cost, placer, 7, &greedy_only).ok());
    EXPECT_EQ(greedy_only.episodes, 1);
    EXPECT_TRUE(greedy_only.alternatives.empty());
  }
  // Through the flow, the greedy + 4 samples' best 3 each finished: never worse than finishing
  // the best alone (the same finish of the same placement is one of the three).
  const placement::FlowResult searched =
      place_with_flow(options, checkpoint, {{"--samples", "4"}}, "", "", 3);
  EXPECT_TRUE(searched.legality.legal());
  EXPECT_LE(searched.final.proxy, result.final.proxy + 1e-12);
  // Repeated episodes count once: up to 3 candidates (the trained policy repeats itself here).
  EXPECT_GE(figure(searched.stages[1], "candidates"), 1);
  EXPECT_LE(figure(searched.stages[1], "candidates"), 3);

  // A second fresh run into the same folder is refused.
  std::unique_ptr<Trainer> again;
  EXPECT_FALSE(Trainer::create(options, &again).ok());
}

// Pre-training over several designs: one design given as a corpus is exactly the single-design
// run; two designs train in one update, each with its metrics and best placement, and a
// resumed corpus run equals an uninterrupted one bit for bit.
TEST(TrainerTest, CorpusOfDesigns) {
  const placement::LoadedDesign sample = design_of(small_run("rl_corpus_probe", 1));
  const TrainingDesign sample_design{
      "sample", std::make_shared<const netlist::Netlist>(sample.netlist), sample.settings};
  TrainerOptions single = small_run("rl_corpus_single", 1);
  ASSERT_TRUE(train(single, nullptr).ok());
  TrainerOptions as_corpus = small_run("rl_corpus_one", 1);
  as_corpus.designs = {sample_design};
  ASSERT_TRUE(train(as_corpus, nullptr).ok());
  std::unique_ptr<Trainer> a, b;
  single.resume = as_corpus.resume = true;
  ASSERT_TRUE(Trainer::create(single, &a).ok());
  ASSERT_TRUE(Trainer::create(as_corpus, &b).ok());
  EXPECT_EQ(a->parameters(), b->parameters());
  EXPECT_TRUE(std::filesystem::exists(as_corpus.run_dir + "/best.plc"));

  // Two designs: the sample and another Circuit Training toy.
  placement::LoadedDesign toy;
  ASSERT_TRUE(placement::load_design({macroplace::testing::example_path(
                                          "ct/simple_grouped_with_coords/netlist.pb.txt"),
                                      "", true},
                                     &toy)
                  .ok());
  const TrainingDesign toy_design{"tiles", std::make_shared<const netlist::Netlist>(toy.netlist),
                                  toy.settings};
  TrainerOptions straight = small_run("rl_corpus_straight", 3);
  straight.designs = {sample_design, toy_design};
  straight.episodes_per_iteration = 4;
  std::vector<IterationMetrics> history;
  ASSERT_TRUE(train(straight, [&](const IterationMetrics& m) { history.push_back(m); }).ok());
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].episodes, 8);
  ASSERT_EQ(history[0].designs.size(), 2u);
  EXPECT_EQ(history[0].designs[1].name, "tiles");
  for (const IterationMetrics& m : history) {
    const double mean_best = 0.5 * (m.designs[0].best_proxy + m.designs[1].best_proxy);
    EXPECT_NEAR(m.best_proxy, mean_best, 1e-12);
  }
  for (const char* file : {"best-sample.plc", "best-sample.json", "best-tiles.plc"}) {
    EXPECT_TRUE(std::filesystem::exists(straight.run_dir + "/" + file)) << file;
  }
  const auto metrics = lines_of(straight.run_dir + "/metrics.jsonl");
  ASSERT_EQ(metrics.size(), 3u);
  EXPECT_NEAR(field(metrics[2], "design.tiles.best_proxy"), history[2].designs[1].best_proxy, 1e-12)
      << metrics[2];

  TrainerOptions split = small_run("rl_corpus_split", 2);
  split.designs = straight.designs;
  split.episodes_per_iteration = 4;
  ASSERT_TRUE(train(split, nullptr).ok());
  split.iterations = 3;
  split.resume = true;
  ASSERT_TRUE(train(split, nullptr).ok());
  straight.resume = true;
  ASSERT_TRUE(Trainer::create(straight, &a).ok());
  ASSERT_TRUE(Trainer::create(split, &b).ok());
  EXPECT_EQ(a->parameters(), b->parameters());
  const auto resumed = lines_of(split.run_dir + "/metrics.jsonl");
  ASSERT_EQ(resumed.size(), 3u);
  EXPECT_EQ(resumed[2].substr(0, 200), metrics[2].substr(0, 200));

  // One design drawn per iteration: 4 episodes of it, only it in the metrics; the mean best is
  // over every design that has one.
  TrainerOptions drawn = small_run("rl_corpus_drawn", 3);
  drawn.designs = straight.designs;
  drawn.episodes_per_iteration = 4;
  drawn.designs_per_iteration = 1;
  history.clear();
  ASSERT_TRUE(train(drawn, [&](const IterationMetrics& m) { history.push_back(m); }).ok());
  ASSERT_EQ(history.size(), 3u);
  std::vector<double> best = {std::nan(""), std::nan("")};
  for (std::size_t i = 0; i < history.size(); ++i) {
    const IterationMetrics& m = history[i];
    EXPECT_EQ(m.episodes, 4);
    ASSERT_EQ(m.designs.size(), 1u);
    const std::size_t d = designs_of_iteration(drawn.seed, static_cast<std::int64_t>(i), 2, 1)[0];
    EXPECT_EQ(m.designs[0].name, drawn.designs[d].name);
    best[d] = m.designs[0].best_proxy;
    double sum = 0;
    int count = 0;
    for (const double proxy : best) {
      if (std::isfinite(proxy)) sum += proxy, ++count;
    }
    EXPECT_NEAR(m.best_proxy, sum / count, 1e-12) << i;
  }

  // Designs in every iteration: fewer than the designs drawn, distinct, of the run.
  TrainerOptions always = drawn;
  always.designs_every_iteration = {1};
  EXPECT_FALSE(always.validate().ok());  // 1 of 1 drawn: nothing left to draw
  always.designs_per_iteration = 2;
  EXPECT_TRUE(always.validate().ok());
  always.designs_every_iteration = {2};
  EXPECT_FALSE(always.validate().ok());  // no third design
  always.designs = {sample_design, toy_design, sample_design};
  always.designs_per_iteration = 3;
  always.designs_every_iteration = {1, 1};
  EXPECT_FALSE(always.validate().ok());
  always.designs_per_iteration = 0;
  always.designs_every_iteration = {1};
  EXPECT_FALSE(always.validate().ok());  // every design is in every iteration anyway

  // A corpus cannot go to collectors (they serve one design).
  TrainerOptions listening = straight;
  listening.listen = "127.0.0.1:0";
  EXPECT_FALSE(listening.validate().ok());
}

TEST(TrainerTest, ResumeContinuesBitForBit) {
  TrainerOptions straight = small_run("rl_trainer_straight", 3);
  ASSERT_TRUE(train(straight, nullptr).ok());

  TrainerOptions split = small_run("rl_trainer_split", 2);
  ASSERT_TRUE(train(split, nullptr).ok());
  split.iterations = 3;
  split.resume = true;
  std::unique_ptr<Trainer> resumed;
  ASSERT_TRUE(Trainer::create(split, &resumed).ok());
  EXPECT_EQ(resumed->iteration(), 2);
  IterationMetrics last;
  ASSERT_TRUE(resumed->run_iteration(&last).ok());

  std::unique_ptr<Trainer> reference;
  TrainerOptions reload = straight;
  reload.resume = true;
  ASSERT_TRUE(Trainer::create(reload, &reference).ok());
  EXPECT_EQ(reference->parameters(), resumed->parameters());
  EXPECT_EQ(reference->best_proxy(), resumed->best_proxy());
  const auto a = lines_of(straight.run_dir + "/metrics.jsonl");
  const auto b = lines_of(split.run_dir + "/metrics.jsonl");
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 3u);
  for (const char* key : {"proxy_mean", "proxy_min", "entropy", "kl", "total_loss", "kl_beta"}) {
    EXPECT_EQ(field(a[2], key), field(b[2], key)) << key;
  }
  EXPECT_EQ(field(a[2], "proxy_mean"), last.proxy_mean);
}

// A head fitted to the design's 2 x 2 grid (action side 8, no upsampling layer): the manifest
// records it, the run resumes with the same request, and the policy places the design through
// the flow (the environment takes the policy's side).
TEST(TrainerTest, FittedHeadTrainsResumesAndPlaces) {
  TrainerOptions options = small_run("rl_trainer_fitted", 1);
  options.fit_action_side = true;
  options.episodes_per_iteration = 4;
  ASSERT_TRUE(train(options, nullptr).ok());
  const std::string manifest = macroplace::testing::read_file(options.run_dir + "/manifest.json");
  EXPECT_NE(manifest.find("\"action_side\": \"8\""), std::string::npos) << manifest;
  EXPECT_NE(manifest.find("\"env.observation_side\": \"8\""), std::string::npos) << manifest;
  options.iterations = 2;
  options.resume = true;
  const Status resumed = train(options, nullptr);
  ASSERT_TRUE(resumed.ok()) << resumed.to_string();
  EXPECT_EQ(lines_of(options.run_dir + "/metrics.jsonl").size(), 2u);
  const placement::FlowResult result =
      place_with_flow(options, options.run_dir + "/checkpoint.pt", {}, "keep", "none");
  EXPECT_TRUE(result.legality.legal());
  EXPECT_EQ(result.final.proxy, figure(result.stages[1], "policy_proxy"));

  // Resumed without the fitting, the run's architecture differs from the request: refused.
  options.fit_action_side = false;
  options.iterations = 3;
  EXPECT_FALSE(train(options, nullptr).ok());
}

// Wire mask and density join the policy head as two channels: two more 3x3 kernels in its last
// convolution, and training and placing run with them.
TEST(TrainerTest, TrainsAndPlacesWithSpatialFeatures) {
  TrainerOptions options = small_run("rl_trainer_spatial", 2);
  options.policy.spatial_features = true;
  std::unique_ptr<Trainer> trainer;
  ASSERT_TRUE(Trainer::create(options, &trainer).ok());
  EXPECT_EQ(trainer->parameter_count(), 125738 + 2 * 9);
  IterationMetrics metrics;
  ASSERT_TRUE(trainer->run_iteration(&metrics).ok());
  EXPECT_EQ(metrics.infeasible_episodes, 0);
  EXPECT_TRUE(std::isfinite(metrics.proxy_mean));
  const placement::FlowResult result =
      place_with_flow(options, options.run_dir + "/checkpoint.pt", {}, "keep", "none");
  EXPECT_TRUE(result.legality.legal());
  EXPECT_EQ(result.final.proxy, figure(result.stages[1], "policy_proxy"));
}

// Fine-tuning starts from another run's policy (its architecture too) with a fresh run:
// iteration 0, the same weights, then PPO moves them; the placer can fine-tune before placing.
TEST(TrainerTest, FineTunesFromAnotherRunsPolicy) {
  TrainerOptions base = small_run("rl_finetune_base", 1);
  base.episodes_per_iteration = 4;
  base.policy.spatial_features = true;
  std::unique_ptr<Trainer> first;
  ASSERT_TRUE(Trainer::create(base, &first).ok());
  ASSERT_TRUE(first->run_iteration(nullptr).ok());

  TrainerOptions tuning = small_run("rl_finetune", 1);
  tuning.episodes_per_iteration = 4;
  tuning.initial_checkpoint = base.run_dir + "/checkpoint.pt";
  std::unique_ptr<Trainer> second;
  ASSERT_TRUE(Trainer::create(tuning, &second).ok());
  EXPECT_EQ(second->iteration(), 0);
  EXPECT_EQ(second->parameter_count(), 125738 + 2 * 9);  // the checkpoint's architecture
  EXPECT_EQ(second->parameters(), first->parameters());
  ASSERT_TRUE(second->run_iteration(nullptr).ok());
  EXPECT_NE(second->parameters(), first->parameters());

  TrainerOptions missing = small_run("rl_finetune_missing", 1);
  missing.initial_checkpoint = base.run_dir + "/no_such_checkpoint.pt";
  std::unique_ptr<Trainer> none;
  EXPECT_FALSE(Trainer::create(missing, &none).ok());

  const placement::FlowResult result =
      place_with_flow(base, base.run_dir + "/checkpoint.pt", {{"--finetune-minutes", "1e-9"}});
  EXPECT_EQ(figure(result.stages[1], "finetune_iterations"), 1);  // one iteration
  EXPECT_TRUE(result.legality.legal());
}

// The shipped policy (models/shipped-policy/policy.pt, built into the library) places a design
// with no file given, exactly as the repository's file does, and fine-tunes.
TEST(TrainerTest, ShippedPolicyPlacesWithNoFile) {
  const TrainerOptions run = small_run("rl_shipped_probe", 1);
  const std::string file = MACROPLACE_SHIPPED_POLICY;  // what the build embedded
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  PolicyPlacerResult results[2];
  for (int i = 0; i < 2; ++i) {
    const placement::LoadedDesign design = design_of(run);
    placement::ProxyCost cost(design.netlist, design.settings);
    PolicyPlacerOptions placer;
    placer.checkpoint = i == 0 ? "" : file;
    placer.samples = 3;
    ASSERT_TRUE(place_with_policy(&cost, placer, 5, &results[i]).ok());
  }
  EXPECT_EQ(results[0].actions, results[1].actions);
  EXPECT_EQ(results[0].sample_proxies, results[1].sample_proxies);
  EXPECT_EQ(results[0].policy_costs.proxy, results[1].policy_costs.proxy);

  const placement::FlowResult placed = place_with_flow(run, "", {});
  EXPECT_TRUE(placed.legality.legal());
  EXPECT_EQ(placed.stages[1].placer, "rl");
  const placement::FlowResult tuned = place_with_flow(run, "", {{"--finetune-minutes", "1e-9"}});
  EXPECT_EQ(figure(tuned.stages[1], "finetune_iterations"), 1);
  EXPECT_TRUE(tuned.legality.legal());
}

// The run folder is one run: a resume with another design or architecture or other
// hyper-parameters is refused, saying what differs; how long and on how many threads it runs
// may change. While a trainer lives, no second one opens the folder.
TEST(TrainerTest, ResumeRefusesAnotherRunAndASecondTrainer) {
  TrainerOptions options = small_run("rl_trainer_manifest", 1);
  options.episodes_per_iteration = 4;
  {
    std::unique_ptr<Trainer> first;
    ASSERT_TRUE(Trainer::create(options, &first).ok());
    std::unique_ptr<Trainer> second;
    const Status busy = Trainer::create(options, &second);
    ASSERT_FALSE(busy.ok());
    EXPECT_NE(busy.message().find("in use by another process"), std::string::npos)
        << busy.to_string();
    ASSERT_TRUE(first->run_iteration(nullptr).ok());
  }
  ASSERT_TRUE(std::filesystem::exists(options.run_dir + "/manifest.json"));
  options.resume = true;

  const auto refused = [&](const TrainerOptions& changed, const std::string& says) {
    std::unique_ptr<Trainer> trainer;
    const Status status = Trainer::create(changed, &trainer);
    EXPECT_FALSE(status.ok()) << says;
    EXPECT_NE(status.message().find(says), std::string::npos) << status.to_string();
    EXPECT_EQ(status.where().file, options.run_dir + "/manifest.json");
  };
  TrainerOptions spatial = options;
  spatial.policy.spatial_features = true;
  refused(spatial, "spatial_features: 'false' -> 'true'");
  TrainerOptions rate = options;
  rate.ppo.learning_rate *= 2;
  refused(rate, "learning_rate: ");
  TrainerOptions seed = options;
  seed.seed = 4;
  refused(seed, "seed: '3' -> '4'");
  // The same netlist under other cost settings is another design (its proxy differs).
  TrainerOptions other = options;
  other.plc_path = macroplace::testing::make_temp_dir("rl_trainer_manifest_plc") + "/x.plc";
  std::string plc = macroplace::testing::read_file(options.plc_path);
  plc.replace(plc.find("hor : 70.33"), 11, "hor : 71.33");
  macroplace::testing::write_file(other.plc_path, plc);
  refused(other, "design: ");

  TrainerOptions longer = options;
  longer.iterations = 2;
  longer.threads = 1;
  std::unique_ptr<Trainer> resumed;
  const Status status = Trainer::create(longer, &resumed);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(resumed->iteration(), 1);
}

// A kill between the metrics line and the checkpoint leaves a line past the checkpoint, and a
// kill in the middle of a line leaves it torn: the resume cuts both, and the log ends up as an
// uninterrupted run's, one line an iteration.
TEST(TrainerTest, ResumeCutsMetricsBackToTheCheckpoint) {
  TrainerOptions options = small_run("rl_trainer_trim", 1);
  options.episodes_per_iteration = 4;
  ASSERT_TRUE(train(options, nullptr).ok());
  const auto first = lines_of(options.run_dir + "/metrics.jsonl");
  ASSERT_EQ(first.size(), 1u);
  {
    std::ofstream log(options.run_dir + "/metrics.jsonl", std::ios::app);
    log << "{\"iteration\": 2, \"proxy_mean\": 0.5}\n"  // written, then killed before the
                                                        // checkpoint
        << "{\"iteration\": 3, \"proxy_me";             // killed in the middle of the line
  }
  ASSERT_EQ(lines_of(options.run_dir + "/metrics.jsonl").size(), 3u);
  options.resume = true;
  options.iterations = 2;
  ASSERT_TRUE(train(options, nullptr).ok());
  const auto lines = lines_of(options.run_dir + "/metrics.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], first[0]);
  EXPECT_EQ(field(lines[1], "iteration"), 2);
  EXPECT_NE(field(lines[1], "proxy_mean"), 0.5);  // the resumed iteration's own line
  EXPECT_TRUE(std::isfinite(field(lines[1], "proxy_mean")));
}

// --record-episodes: every episode an update trained on, one line each after its iteration, its
// record decodes and is of the run's design, and the iteration's episodes are exactly those whose
// proxies the metrics line sums up. A resume cuts the log back to the checkpoint like the
// metrics; a run without the option writes none.
TEST(TrainerTest, RecordedEpisodesAreTheUpdatesEpisodes) {
  TrainerOptions options = small_run("rl_trainer_episodes", 2);
  options.episodes_per_iteration = 4;
  options.record_episodes = true;
  ASSERT_TRUE(train(options, nullptr).ok());
  const std::string log = options.run_dir + "/" + kEpisodesLog;
  const auto lines = lines_of(log);
  ASSERT_EQ(lines.size(), 8u);
  const auto metrics = lines_of(options.run_dir + "/metrics.jsonl");
  const placement::LoadedDesign design = design_of(options);
  const std::string fingerprint = placement::design_fingerprint(design.netlist, design.settings);
  std::vector<double> proxy_sum(2, 0), feasible(2, 0);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    FlatJsonObject object;
    ASSERT_TRUE(parse_flat_json_object(lines[i], log, i + 1, &object).ok()) << lines[i];
    double iteration = 0;
    std::string name, print, encoded, bytes;
    ASSERT_TRUE(object.number("iteration", &iteration).ok());
    ASSERT_TRUE(object.text("design", &name).ok());
    ASSERT_TRUE(object.text("fingerprint", &print).ok());
    ASSERT_TRUE(object.text("episode", &encoded).ok());
    const std::size_t expected_iteration = i / 4 + 1;  // four episodes an iteration
    EXPECT_EQ(iteration, static_cast<double>(expected_iteration));
    EXPECT_EQ(print, fingerprint);
    ASSERT_TRUE(base64_decode(encoded, &bytes));
    EpisodeRecord record;
    ASSERT_TRUE(decode_record(bytes, log, &record).ok());
    EXPECT_EQ(record.design, fingerprint);
    EXPECT_EQ(record.policy_version, static_cast<std::int64_t>(i / 4));  // the policy that acted
    if (!record.infeasible) proxy_sum[i / 4] += record.proxy, ++feasible[i / 4];
  }
  for (std::size_t it = 0; it < 2; ++it) {
    ASSERT_GT(feasible[it], 0);
    EXPECT_NEAR(field(metrics[it], "proxy_mean"), proxy_sum[it] / feasible[it], 1e-9);
  }
  // Resumed after a kill that left an extra line: cut back, then one more iteration's four.
  {
    std::ofstream extra(log, std::ios::app);
    extra << "{\"iteration\": 3, \"design\": \"x\", \"fingerprint\": \"f\", \"episode\": \"\"}\n";
  }
  options.resume = true;
  options.iterations = 3;
  ASSERT_TRUE(train(options, nullptr).ok());
  const auto resumed = lines_of(log);
  ASSERT_EQ(resumed.size(), 12u);
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(resumed[i], lines[i]);
  EXPECT_EQ(field(resumed[11], "iteration"), 3);
  EXPECT_EQ(resumed[8].find("\"design\": \"x\""), std::string::npos);

  TrainerOptions plain = small_run("rl_trainer_no_episodes", 1);
  plain.episodes_per_iteration = 4;
  ASSERT_TRUE(train(plain, nullptr).ok());
  EXPECT_FALSE(std::filesystem::exists(plain.run_dir + "/" + kEpisodesLog));
}

// --keep-policy-every: every K-th iteration's policy stays as policies/iteration-N.pt with the
// weights a run stopped at that iteration has; a resume writes the checkpoint's again when a kill
// lost it, and a run without the option keeps none.
TEST(TrainerTest, KeptPoliciesAreTheirIterationsPolicies) {
  TrainerOptions kept = small_run("rl_trainer_kept", 3);
  kept.keep_policy_every = 2;
  ASSERT_TRUE(train(kept, nullptr).ok());
  const std::string folder = kept.run_dir + "/policies";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"iteration-000002.pt"});
  // The weights of iteration 2: those of the same run stopped there.
  TrainerOptions two = small_run("rl_trainer_kept_two", 2);
  ASSERT_TRUE(train(two, nullptr).ok());
  const auto weights = [](const TrainerOptions& run, const std::string& policy_file) {
    TrainerOptions from = run;
    from.run_dir = macroplace::testing::make_temp_dir("rl_trainer_kept_from");
    from.initial_checkpoint = policy_file;
    from.resume = false;
    std::unique_ptr<Trainer> trainer;
    EXPECT_TRUE(Trainer::create(from, &trainer).ok());
    return trainer ? trainer->parameters() : std::vector<double>{};
  };
  const std::vector<double> at_two = weights(two, two.run_dir + "/policy.pt");
  ASSERT_FALSE(at_two.empty());
  EXPECT_EQ(weights(kept, folder + "/iteration-000002.pt"), at_two);
  EXPECT_NE(weights(kept, kept.run_dir + "/policy.pt"), at_two);  // iteration 3's
  // A kill after policy.pt lost iteration 4's kept policy: the resume writes it.
  kept.iterations = 4;
  kept.resume = true;
  ASSERT_TRUE(train(kept, nullptr).ok());
  const std::vector<double> at_four = weights(kept, kept.run_dir + "/policy.pt");
  std::filesystem::remove(folder + "/iteration-000004.pt");
  ASSERT_TRUE(train(kept, nullptr).ok());  // nothing left to train
  EXPECT_EQ(weights(kept, folder + "/iteration-000004.pt"), at_four);
  EXPECT_EQ(weights(kept, folder + "/iteration-000002.pt"), at_two);
  EXPECT_FALSE(std::filesystem::exists(two.run_dir + "/policies"));
}

// A file that is not a checkpoint is one line of error naming it, not LibTorch's stack trace.
TEST(TrainerTest, UnreadableCheckpointIsOneLineOfError) {
  TrainerOptions options = small_run("rl_trainer_garbage", 1);
  macroplace::testing::write_file(options.run_dir + "/checkpoint.pt", "not a zip archive");
  options.resume = true;
  std::unique_ptr<Trainer> trainer;
  Status status = Trainer::create(options, &trainer);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().file, options.run_dir + "/checkpoint.pt");
  EXPECT_NE(status.message().find("not a readable macroplace checkpoint"), std::string::npos);
  EXPECT_EQ(status.to_string().find('\n'), std::string::npos) << status.to_string();

  TrainerOptions tuning = small_run("rl_trainer_garbage_init", 1);
  tuning.initial_checkpoint = options.run_dir + "/checkpoint.pt";
  status = Trainer::create(tuning, &trainer);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.to_string().find('\n'), std::string::npos) << status.to_string();
}

TEST(TrainerTest, ConfigFileSetsOptionsAndNamesBadLines) {
  const std::string dir = macroplace::testing::make_temp_dir("rl_config");
  macroplace::testing::write_file(dir + "/good.cfg",
                                  "# PPO\nlearning_rate = 0.001\nepochs=2\n"
                                  "spatial_features = true\nseed = 9\n");
  TrainerOptions options;
  ASSERT_TRUE(apply_config_file(dir + "/good.cfg", &options).ok());
  EXPECT_EQ(options.ppo.learning_rate, 0.001);
  EXPECT_EQ(options.ppo.epochs, 2);
  EXPECT_TRUE(options.policy.spatial_features);
  EXPECT_EQ(options.seed, 9u);
  macroplace::testing::write_file(dir + "/bad.cfg", "epochs = 2\nnot_an_option = 1\n");
  const Status status = apply_config_file(dir + "/bad.cfg", &options);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().line, 2u);
  EXPECT_FALSE(apply_config_value("epochs", "two", &options).ok());
  // A folder given as the config file is an error, not an empty config.
  EXPECT_FALSE(apply_config_file(dir, &options).ok());
}

}  // namespace
}  // namespace macroplace::rl
