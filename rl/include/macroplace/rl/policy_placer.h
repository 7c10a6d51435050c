// Placing a design with a trained policy: the greedy (argmax) episode, or the best of K sampled
// episodes by proxy, then optionally Circuit Training's coordinate descent; the placement is
// written as a .plc.
//
// Contract: the policy's architecture comes from the checkpoint (Trainer's checkpoint.pt); any
// design fits it (the graph size is free, the action side must match). Episodes are those of
// env::PlacementEnv with `env` options, so every hard macro the policy places is legal;
// an episode that runs out of legal cells (infeasible) is not kept, and when none is feasible
// the call fails. Deterministic for a given seed. The output is written atomically.
//
//   PolicyPlacerOptions options;
//   options.checkpoint = "run/checkpoint.pt"; options.samples = 16;
//   PolicyPlacerResult result;
//   Status s = place_with_policy("netlist.pb.txt", "initial.plc", "out.plc", options, &result);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "macroplace/env/placement_env.h"
#include "macroplace/netlist/status.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::rl {

using netlist::Status;

struct PolicyPlacerOptions {
  std::string checkpoint;
  std::int32_t samples = 0;  // 0: the greedy episode only; K: best of greedy and K samples
  // Fine-tune the policy on this design first: PPO from the checkpoint's weights for this many
  // minutes (whole iterations of `finetune_episodes` episodes; at least one), in a temporary run
  // folder; the episodes then use the fine-tuned policy. 0: none.
  double finetune_minutes = 0;
  std::int32_t finetune_episodes = 16;
  std::uint64_t seed = 1;
  bool refine = true;  // coordinate descent (soft macros re-placed by force-directed)
  // Last, the soft macros re-placed by the analytical placer around the final hard macros (the
  // evaluation baselines' finish), kept when it lowers the proxy. The policy places hard macros
  // only; Circuit Training's force-directed soft macros are the weaker part of its result.
  bool analytical_soft_macros = true;
  env::EnvOptions env;
  std::int32_t torch_threads = 1;

  Status validate() const;
};

struct PolicyPlacerResult {
  placement::CostBreakdown policy_costs;  // the best episode's, before refinement
  placement::CostBreakdown final_costs;
  bool analytical_soft_macros_kept = false;
  std::int32_t episodes = 0, infeasible_episodes = 0;
  bool greedy_was_best = false;
  bool legal = false;
  std::vector<std::int32_t> actions;  // of the best episode
  std::int32_t finetune_iterations = 0;
  // Each sampled episode's proxy in order (NaN when infeasible); the greedy episode is not one.
  std::vector<double> sample_proxies;
  double seconds = 0;
};

Status place_with_policy(const std::string& netlist_path, const std::string& plc_path,
                         const std::string& output_plc, const PolicyPlacerOptions& options,
                         PolicyPlacerResult* result);

}  // namespace macroplace::rl
