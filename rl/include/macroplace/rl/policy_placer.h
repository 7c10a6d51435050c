// Placing a design's hard macros with a trained policy: the greedy (argmax) episode, or the best
// of it and K sampled episodes by proxy, optionally after fine-tuning the policy on the design.
// This is the hard-macro placer `rl` of the placement flow (placement/placer.h): the flow then
// finishes with its soft-macro placer and refiner, as for every method.
//
// Contract: the policy's architecture comes from the checkpoint (Trainer's checkpoint.pt or
// policy.pt, or the shipped policy); any design fits it (the graph size is free, the action side
// must match). Episodes are those of env::PlacementEnv with `env` options on the evaluator's
// netlist, settings and current placement (fixed macros, the starting positions of soft macros),
// so every hard macro the policy places is legal; an episode that runs out of legal cells
// (infeasible) is not kept, and when none is feasible the call fails. The best episode's placement
// (hard macros, and soft macros as the episode's force-directed placer left them) is written into
// the evaluator. Deterministic for a seed (fine-tuning included, for a given number of
// iterations).
//
//   PolicyPlacerOptions options;
//   options.checkpoint = "run/checkpoint.pt"; options.samples = 16;
//   PolicyPlacerResult result;
//   Status s = place_with_policy(&cost, options, /*seed=*/1, &result);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::rl {

struct PolicyPlacerOptions {
  // A training checkpoint (RUN_DIR/checkpoint.pt) or policy file (RUN_DIR/policy.pt); empty:
  // the shipped policy (models/shipped-policy, built into the library).
  std::string checkpoint;
  std::int32_t samples = 0;  // 0: the greedy episode only; K: best of greedy and K samples
  // Sampling stops after this many seconds (counted from the call, the policy's loading and
  // fine-tuning included) even before K samples; 0: no limit.
  double sample_seconds = 0;
  // The best this many distinct episodes are kept: the best goes into the evaluator, the others
  // into PolicyPlacerResult::alternatives (for the flow's search over candidates).
  std::int32_t candidates = 1;
  // Fine-tune the policy on this design first: PPO from the checkpoint's weights for this many
  // minutes (whole iterations of `finetune_episodes` episodes; at least one), in a temporary run
  // folder; the episodes then use the fine-tuned policy. 0: none.
  double finetune_minutes = 0;
  std::int32_t finetune_episodes = 16;
  env::EnvOptions env;
  std::int32_t torch_threads = 1;

  Status validate() const;
};

struct PolicyPlacerResult {
  placement::CostBreakdown policy_costs;  // the best episode's
  std::int32_t episodes = 0, infeasible_episodes = 0;
  bool greedy_was_best = false;
  std::vector<std::int32_t> actions;  // of the best episode
  std::int32_t finetune_iterations = 0;
  // Each sampled episode's proxy in order (NaN when infeasible); the greedy episode is not one.
  std::vector<double> sample_proxies;
  std::vector<double> sample_seconds;  // when each sampled episode ended, from the call's start
  // The next best distinct episodes' placements (up to candidates - 1), best first.
  std::vector<std::shared_ptr<const placement::ProxyCost>> alternatives;
  double seconds = 0;
};

Status place_with_policy(placement::ProxyCost* cost, const PolicyPlacerOptions& options,
                         std::uint64_t seed, PolicyPlacerResult* result);

// Registers the `rl` placer and method (policy_method.h declares them without LibTorch).
void register_policy_method();

}  // namespace macroplace::rl
