// Placing a design's hard macros with a trained policy (the `rl` placer of the placement flow).
#include "macroplace/rl/policy_placer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>

#include "macroplace/base/atomic_file.h"
#include "macroplace/rl/policy_method.h"
#include "macroplace/rl/torch_policy.h"
#include "macroplace/rl/trainer.h"
#include "observation_inputs.h"

namespace macroplace::rl {

namespace {

// The policy (fine-tuned on the design first when asked) and the design as an environment.
struct LoadedPolicy {
  PolicyOptions policy;
  PolicyNetwork network{nullptr};
  std::shared_ptr<const env::EnvDesign> design;
  std::int32_t finetune_iterations = 0;
};

Status load(const placement::ProxyCost& cost, const PolicyPlacerOptions& options,
            std::uint64_t seed, LoadedPolicy* out) {
  if (Status s = options.validate(); !s.ok()) return s;
  at::set_num_threads(options.torch_threads);
  // The environment's design: the evaluator's netlist at its current placement.
  auto netlist = std::make_shared<netlist::Netlist>(cost.netlist());
  for (netlist::NodeId node = 0; node < netlist->num_nodes(); ++node) {
    if (netlist::is_pin(netlist->kind(node))) continue;
    netlist->set_position(node, cost.x(node), cost.y(node));
    netlist->set_orientation(node, cost.orientation(node));
  }
  if (options.finetune_minutes > 0) {
    // PPO on this design from the checkpoint's weights, in a private temporary run folder.
    std::error_code error;
    const std::filesystem::path run_dir =
        std::filesystem::temp_directory_path(error) /
        ("macroplace-finetune-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    if (error) return Status::error("no temporary folder for fine-tuning: " + error.message());
    TrainerOptions tuning;
    tuning.netlist = netlist;
    tuning.settings = cost.settings();
    tuning.run_dir = (run_dir / "run").string();
    tuning.initial_checkpoint = options.checkpoint;
    if (tuning.initial_checkpoint.empty()) {
      // The shipped policy as a file for the trainer, beside the private run folder.
      tuning.initial_checkpoint = (run_dir / "shipped-policy.pt").string();
      std::filesystem::create_directories(run_dir, error);
      AtomicFile file(tuning.initial_checkpoint);
      file.write(internal::shipped_policy());
      if (Status s = file.commit(); !s.ok()) {
        std::filesystem::remove_all(run_dir, error);
        return s;
      }
    }
    tuning.env = options.env;
    tuning.episodes_per_iteration = options.finetune_episodes;
    tuning.threads = tuning.torch_threads = options.torch_threads;
    tuning.seed = seed;
    tuning.greedy_evaluation = false;
    tuning.iterations = std::numeric_limits<std::int32_t>::max();
    tuning.time_limit_seconds = 60 * options.finetune_minutes;  // at least one iteration
    Status status = [&]() -> Status {
      std::unique_ptr<Trainer> trainer;
      if (Status s = Trainer::create(tuning, &trainer); !s.ok()) return s;
      if (Status s = train(*trainer, nullptr); !s.ok()) return s;
      out->finetune_iterations = trainer->iteration();
      return internal::load_policy((run_dir / "run" / "policy.pt").string(), &out->policy,
                                   &out->network);
    }();
    std::filesystem::remove_all(run_dir, error);  // best effort
    if (!status.ok()) return status;
  } else if (Status s = internal::load_policy(options.checkpoint, &out->policy, &out->network);
             !s.ok()) {
    return s;
  }
  out->network->eval();
  env::EnvOptions env_options = options.env;
  if (out->policy.spatial_features) {
    env_options.observation.wire_mask = env_options.observation.density = true;
  }
  env_options.observation.side = out->policy.action_side;
  if (Status s = env::make_env_design(netlist, cost.settings(), env_options, &out->design);
      !s.ok()) {
    return Status::error("the policy cannot place this design: " + s.message());
  }
  return {};
}

// The greedy episode (unless `samples_only`) and `samples` sampled ones (fewer when the
// deadline passes first); the best `options.candidates` distinct feasible ones kept, best first.
struct KeptEpisode {
  placement::CostBreakdown costs;
  std::unique_ptr<placement::ProxyCost> placement;
  std::vector<std::int32_t> actions;
  bool greedy = false;
};

Status run_episodes(LoadedPolicy& loaded, const PolicyPlacerOptions& options, bool samples_only,
                    std::uint64_t seed, std::chrono::steady_clock::time_point start,
                    std::vector<KeptEpisode>* kept, PolicyPlacerResult* out) {
  const GraphTensors graph = make_graph_tensors(loaded.design->graph);
  env::PlacementEnv env(loaded.design);
  std::mt19937_64 random(seed);
  std::vector<std::int32_t> actions;
  const auto elapsed = [&start] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const std::size_t keep = static_cast<std::size_t>(std::max(1, options.candidates));
  for (std::int32_t episode = samples_only ? 1 : 0; episode <= options.samples; ++episode) {
    if (episode > 0 && options.sample_seconds > 0 && elapsed() >= options.sample_seconds) break;
    internal::run_policy_episode(loaded.network, graph, &env, episode == 0 ? nullptr : &random,
                                 &actions);
    ++out->episodes;
    const bool feasible = !env.info().infeasible;
    if (!feasible) ++out->infeasible_episodes;
    const double proxy =
        feasible ? env.info().costs.proxy : std::numeric_limits<double>::quiet_NaN();
    if (episode > 0) {
      out->sample_proxies.push_back(proxy);
      out->sample_seconds.push_back(elapsed());
    }
    if (!feasible) continue;
    // Kept when among the best so far and not a repeat of a kept episode.
    const auto place = std::find_if(kept->begin(), kept->end(),
                                    [&](const KeptEpisode& k) { return proxy < k.costs.proxy; });
    if (place == kept->end() && kept->size() >= keep) continue;
    const bool repeat = std::any_of(kept->begin(), kept->end(),
                                    [&](const KeptEpisode& k) { return k.actions == actions; });
    if (repeat) continue;
    KeptEpisode entry{env.info().costs, env.cost().clone(), actions, episode == 0};
    kept->insert(place, std::move(entry));
    if (kept->size() > keep) kept->pop_back();
  }
  if (kept->empty()) {
    return Status::error("every policy episode ran out of legal cells (infeasible)");
  }
  const KeptEpisode& best = kept->front();
  out->policy_costs = best.costs;
  out->actions = best.actions;
  out->greedy_was_best = best.greedy;
  return {};
}

class PolicyPlacer final : public placement::Placer {
 public:
  static Status create(const placement::PlacerParameters& parameters,
                       std::unique_ptr<placement::Placer>* out) {
    auto placer = std::make_unique<PolicyPlacer>();
    // No --policy: the shipped policy (an empty checkpoint path).
    if (const auto policy = parameters.find("--policy"); policy != parameters.end()) {
      placer->options_.checkpoint = policy->second;
      std::error_code error;
      if (policy->second.empty() ||
          !std::filesystem::is_regular_file(placer->options_.checkpoint, error)) {
        return Status::error("cannot read checkpoint '" + placer->options_.checkpoint + "'");
      }
    }
    std::int64_t samples = 0;
    if (Status s = placement::whole_parameter(parameters, "--samples", 0, &samples); !s.ok()) {
      return s;
    }
    if (samples > 1000000) return Status::error("--samples must be at most 1000000");
    placer->options_.samples = static_cast<std::int32_t>(samples);
    if (Status s = placement::number_parameter(parameters, "--finetune-minutes", 0, 1e6,
                                               &placer->options_.finetune_minutes);
        !s.ok()) {
      return s;
    }
    if (Status s = placement::number_parameter(parameters, "--sample-share", 0, 0.95,
                                               &placer->sample_share_);
        !s.ok()) {
      return s;
    }
    if (Status s = placer->options_.validate(); !s.ok()) return s;
    *out = std::move(placer);
    return {};
  }

  Status place(placement::ProxyCost* cost, const placement::PlacerContext& context,
               placement::StageReport* report) override {
    PolicyPlacerOptions options = options_;
    options.candidates = context.candidates;
    if (sample_share_ > 0 && context.budget.time_limit_seconds > 0) {
      // Sample for this share of the time; --samples, when given, still caps the count.
      options.sample_seconds = sample_share_ * context.budget.time_limit_seconds;
      if (options.samples == 0) options.samples = std::numeric_limits<std::int32_t>::max() - 1;
    }
    PolicyPlacerResult result;
    if (Status s = place_with_policy(cost, options, context.budget.seed, &result); !s.ok()) {
      return s;
    }
    report->placed_soft_macros = true;  // the episode's force-directed placer
    report->alternatives = std::move(result.alternatives);
    report->figures = {{"episodes", result.episodes},
                       {"infeasible_episodes", result.infeasible_episodes},
                       {"policy_proxy", result.policy_costs.proxy},
                       {"candidates", 1 + static_cast<double>(report->alternatives.size())},
                       {"finetune_iterations", result.finetune_iterations}};
    char line[256];
    std::snprintf(
        line, sizeof line, "%spolicy: %s of %d episodes (%d infeasible), proxy %.6f",
        result.finetune_iterations > 0
            ? ("fine-tuned " + std::to_string(result.finetune_iterations) + " iterations; ").c_str()
            : "",
        result.greedy_was_best ? "greedy best" : "best sample", result.episodes,
        result.infeasible_episodes, result.policy_costs.proxy);
    report->summary = line;
    return {};
  }

  bool has_sampler() const override { return true; }
  // Sampled episodes of the policy (seed 1000000, apart from the runs' seeds), without the
  // method's finishing stages: the policy's own best-of-k.
  Status sample(const placement::ProxyCost& start, std::int64_t samples,
                const placement::PlacerContext& /*context*/,
                std::vector<double>* proxies) override {
    if (samples > 1000000) return Status::error("too many policy samples");
    const auto begin = std::chrono::steady_clock::now();
    LoadedPolicy loaded;
    if (Status s = load(start, options_, 1000000, &loaded); !s.ok()) return s;
    PolicyPlacerOptions options = options_;
    options.samples = static_cast<std::int32_t>(samples);
    options.sample_seconds = 0;
    options.candidates = 1;
    std::vector<KeptEpisode> kept;
    PolicyPlacerResult result;
    const Status status = run_episodes(loaded, options, true, 1000000, begin, &kept, &result);
    *proxies = std::move(result.sample_proxies);
    return !kept.empty() || samples == 0 ? Status() : status;
  }

 private:
  PolicyPlacerOptions options_;
  double sample_share_ = 0;  // of the stage's time budget; 0: --samples alone
};

}  // namespace

Status place_with_policy(placement::ProxyCost* cost, const PolicyPlacerOptions& options,
                         std::uint64_t seed, PolicyPlacerResult* result) {
  const auto start = std::chrono::steady_clock::now();
  LoadedPolicy loaded;
  if (Status s = load(*cost, options, seed, &loaded); !s.ok()) return s;
  PolicyPlacerResult out;
  out.finetune_iterations = loaded.finetune_iterations;
  std::vector<KeptEpisode> kept;
  if (Status s = run_episodes(loaded, options, false, seed, start, &kept, &out); !s.ok()) {
    return s;
  }
  // The best episode's placement into the evaluator, the others as alternatives. (The
  // episodes' evaluators are over the environment's copy of the netlist: same nodes.)
  cost->copy_placement(*kept.front().placement);
  for (std::size_t i = 1; i < kept.size(); ++i) {
    std::unique_ptr<placement::ProxyCost> alternative = cost->clone();
    alternative->copy_placement(*kept[i].placement);
    out.alternatives.push_back(std::move(alternative));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *result = std::move(out);
  return {};
}

void register_policy_method() {
  placement::PlacerInfo placer = policy_placer_info();
  placer.create = &PolicyPlacer::create;
  placement::PlacerRegistry::global().add(std::move(placer));
  placement::PlacerRegistry::global().add(policy_method_info());
}

}  // namespace macroplace::rl
