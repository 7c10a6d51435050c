// BatchedEnv: many PlacementEnv on one design, stepped together on a fixed thread pool with one
// call, writing stacked observations straight into caller-owned buffers (ready for a model or a
// numpy/torch wrapper; no copies beyond that one).
//
// Contract: environment i's episodes are seeded from (the reset seed, i, its episode count)
// alone, and each environment is stepped by one thread at a time, so every result is identical
// bit for bit whatever the number of threads. Environments are split statically over the
// threads (environment i on thread i % threads); each pool thread runs OpenMP regions on one
// thread. threads = 1 runs everything on the caller's thread. step() takes one action per
// environment; with auto_reset, an environment whose episode ended is reset at once and its slot
// holds the new episode's first observation, while reward/done/final costs describe the step
// that ended (as vectorised gym environments do). Every non-null field of BatchBuffers is
// written by every call (pass nullptr for what does not change, such as the edges). Exceptions
// from a step (a masked action: a caller bug) are rethrown on the caller's thread, the lowest
// environment index first.
//
//   BatchedEnv batch(design, options);             // options.num_envs = 64, options.threads = 8
//   BatchStorage storage = batch.make_storage();
//   batch.reset(/*seed=*/1, storage.buffers());
//   batch.step(actions.data(), storage.buffers());  // storage.reward[i], storage.done[i], ...
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "macroplace/env/placement_env.h"

namespace macroplace::env {

struct BatchOptions {
  std::int32_t num_envs = 1;
  std::int32_t threads = 1;  // 0: one per hardware thread, at most num_envs
  bool auto_reset = true;

  Status validate() const;
};

// Stacked buffers, environment-major; nullptr skips a field. Sizes per environment:
// metadata kMetadataSize, node_features max_nodes * kNodeFeatures, edges max_edges, mask and the
// spatial features side * side, the rest 1.
struct BatchBuffers {
  float* metadata = nullptr;
  float* node_features = nullptr;
  std::int32_t* edge_src = nullptr;
  std::int32_t* edge_dst = nullptr;
  float* edge_weight = nullptr;
  std::int32_t* current_node = nullptr;
  std::uint8_t* mask = nullptr;
  float* wire_mask = nullptr;
  float* density = nullptr;
  float* congestion = nullptr;
  // Filled by step() (reset() writes 0 / not done / NaN).
  float* reward = nullptr;
  std::uint8_t* done = nullptr;
  std::uint8_t* infeasible = nullptr;
  double* final_proxy = nullptr;  // the ended episode's proxy (partial after a penalty), else NaN
};

// Owning storage for every field (the spatial ones only when the design's observation has them).
struct BatchStorage {
  std::vector<float> metadata, node_features, edge_weight, wire_mask, density, congestion, reward;
  std::vector<std::int32_t> edge_src, edge_dst, current_node;
  std::vector<std::uint8_t> mask, done, infeasible;
  std::vector<double> final_proxy;

  BatchBuffers buffers();
};

class BatchedEnv {
 public:
  // `options` must validate (a bad value is a bug and throws std::invalid_argument).
  BatchedEnv(std::shared_ptr<const EnvDesign> design, const BatchOptions& options);
  ~BatchedEnv();
  BatchedEnv(const BatchedEnv&) = delete;
  BatchedEnv& operator=(const BatchedEnv&) = delete;

  std::int32_t num_envs() const { return static_cast<std::int32_t>(envs_.size()); }
  std::int32_t threads() const { return threads_; }
  const EnvDesign& design() const { return *design_; }
  PlacementEnv& env(std::int32_t i) { return *envs_[i]; }
  const PlacementEnv& env(std::int32_t i) const { return *envs_[i]; }
  // The info of environment i's last step (of the episode that ended, under auto_reset).
  const StepInfo& last_info(std::int32_t i) const { return infos_[i]; }
  // The seed environment i's current episode was reset with.
  std::uint64_t episode_seed(std::int32_t i) const { return episode_seeds_[i]; }

  BatchStorage make_storage() const;
  void reset(std::uint64_t seed, const BatchBuffers& out);
  // Resets environment i with exactly episode_seeds[i] (one per environment): replays a recorded
  // episode, whose seed episode_seed() gave when it was collected. With auto_reset, later
  // episodes follow from that seed as after reset().
  void reset_episodes(const std::vector<std::uint64_t>& episode_seeds, const BatchBuffers& out);
  // actions[i] for environment i. Without auto_reset, finished environments must not be
  // stepped again before reset(); their action is ignored and their slot left as it was. So is
  // an environment's whose action is kSitOut (a batch that runs fewer episodes than it has
  // environments).
  static constexpr std::int32_t kSitOut = -1;
  void step(const std::int32_t* actions, const BatchBuffers& out);

 private:
  void run(const std::function<void(std::int32_t)>& task);
  void worker(std::int32_t index);
  void write(std::int32_t i, const BatchBuffers& out) const;
  void reset_env(std::int32_t i);
  void after_reset(std::int32_t i, const BatchBuffers& out);

  std::shared_ptr<const EnvDesign> design_;
  BatchOptions options_;
  std::int32_t threads_ = 1;
  std::vector<std::unique_ptr<PlacementEnv>> envs_;
  std::vector<StepInfo> infos_;
  std::vector<std::uint64_t> base_seeds_, episode_seeds_, episodes_;

  // The pool: a generation counter wakes the workers; the caller waits for `pending_` to drop.
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  const std::function<void(std::int32_t)>* task_ = nullptr;
  std::uint64_t generation_ = 0;
  std::int32_t pending_ = 0;
  bool stop_ = false;
  std::vector<std::exception_ptr> errors_;
};

}  // namespace macroplace::env
