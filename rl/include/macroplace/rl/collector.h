// Collector: collecting episodes with a policy, and rebuilding a PPO batch from recorded ones.
//
// Contract:
// - Collector::collect() runs one episode per environment of its BatchedEnv (reset with
//   `reset_seed`) with the policy, sampling every action with `random` in a fixed order (steps,
//   then environments by index), and returns one EpisodeRecord per environment; with
//   `keep_inputs` also the PPO batch of those episodes, built from the observations it saw.
// - Collector::replay() rebuilds that batch from records alone: it resets environment i with
//   records[i].env_seed and steps the recorded actions, so the observations (and the batch, row
//   for row) are those the collector saw; log-probabilities and values come from the records.
//   Replaying the records of collect() gives a batch equal to its `keep_inputs` one. Any number
//   of records replays, in chunks of num_envs() (one chunk's rows after the other's).
// - replay_designs() does that for records of several designs, one DesignBatch per design, for
//   one PPO update over all of them (pre-training on a corpus).
// - Rows are step-major: for each step, the environments still running, by index. Returns are
//   the discounted suffix sums of each episode's rewards.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "macroplace/env/batched_env.h"
#include "macroplace/rl/episode_record.h"
#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl {

struct Rollout {
  std::vector<EpisodeRecord> records;  // one per environment, by index
  PpoBatch batch;                      // with keep_inputs
  std::int64_t env_steps = 0;
  double seconds = 0;
};

class Collector {
 public:
  // `design_id` goes into every record (the design's fingerprint).
  Collector(std::shared_ptr<const env::EnvDesign> design, std::string design_id,
            std::int32_t num_envs, std::int32_t threads, bool spatial, double discount);

  std::int32_t num_envs() const { return batch_->num_envs(); }

  // `after_step` (optional) runs once per step of the batch, after the policy chose (a
  // collector's heartbeat).
  Rollout collect(PolicyNetwork& network, const GraphTensors& graph, std::uint64_t reset_seed,
                  std::mt19937_64* random, std::int64_t policy_version, bool keep_inputs,
                  const std::function<void()>& after_step = {});
  // An error when the records do not fit this collector (design, lengths, actions, rewards).
  Status replay(const std::vector<EpisodeRecord>& records, PpoBatch* batch);

 private:
  // Steps every environment to the end; `choose` fills the actions of the rows still running
  // (given their inputs, the row's environment indices and the step number).
  using Choose =
      std::function<void(const PolicyInputs& inputs, const std::vector<std::int64_t>& active,
                         std::int64_t step, std::vector<std::int32_t>* actions)>;
  // Environments from `count` on take no step.
  std::int64_t run_episodes(const Choose& choose, std::vector<PolicyInputs>* step_inputs,
                            std::vector<EpisodeRecord>* records, std::int64_t count);
  // At most num_envs() records; `first` is the first one's index in replay()'s list (messages).
  Status replay_chunk(const std::vector<EpisodeRecord>& records, std::size_t first,
                      PpoBatch* batch);
  PpoBatch batch_of(const std::vector<EpisodeRecord>& records,
                    const std::vector<PolicyInputs>& step_inputs) const;

  std::shared_ptr<const env::EnvDesign> design_;
  std::string design_id_;
  std::unique_ptr<env::BatchedEnv> batch_;
  env::BatchStorage storage_;
  env::BatchBuffers buffers_;
  std::int64_t num_nodes_ = 0;
  bool spatial_ = false;
  double discount_ = 1;
};

// Where records of one design are replayed: its collector and its graph (neither owned).
struct ReplayDesign {
  Collector* collector = nullptr;
  const GraphTensors* graph = nullptr;
};

// Records of several designs (keyed by EpisodeRecord::design) into one DesignBatch per design,
// designs in order of first appearance; an error for a design not in `designs` or a record that
// does not replay.
Status replay_designs(const std::map<std::string, ReplayDesign>& designs,
                      const std::vector<EpisodeRecord>& records, std::vector<DesignBatch>* out);

}  // namespace macroplace::rl
