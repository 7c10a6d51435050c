#include "macroplace/env/batched_env.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "random.h"

namespace macroplace::env {

Status BatchOptions::validate() const {
  if (num_envs < 1) return Status::error("num_envs must be at least 1");
  if (threads < 0) return Status::error("threads must be non-negative (0: one per core)");
  return Status();
}

BatchBuffers BatchStorage::buffers() {
  const auto data = [](auto& vector) { return vector.empty() ? nullptr : vector.data(); };
  BatchBuffers out;
  out.metadata = data(metadata);
  out.node_features = data(node_features);
  out.edge_src = data(edge_src);
  out.edge_dst = data(edge_dst);
  out.edge_weight = data(edge_weight);
  out.current_node = data(current_node);
  out.mask = data(mask);
  out.wire_mask = data(wire_mask);
  out.density = data(density);
  out.congestion = data(congestion);
  out.reward = data(reward);
  out.done = data(done);
  out.infeasible = data(infeasible);
  out.final_proxy = data(final_proxy);
  return out;
}

BatchedEnv::BatchedEnv(std::shared_ptr<const EnvDesign> design, const BatchOptions& options)
    : design_(std::move(design)), options_(options) {
  if (const Status status = options.validate(); !status.ok()) {
    throw std::invalid_argument(status.message());
  }
  const std::int32_t n = options.num_envs;
  threads_ = options.threads > 0
                 ? options.threads
                 : static_cast<std::int32_t>(std::max(1U, std::thread::hardware_concurrency()));
  threads_ = std::min(threads_, n);
  envs_.reserve(static_cast<std::size_t>(n));
  for (std::int32_t i = 0; i < n; ++i) envs_.push_back(std::make_unique<PlacementEnv>(design_));
  infos_.resize(static_cast<std::size_t>(n));
  base_seeds_.assign(static_cast<std::size_t>(n), 0);
  episode_seeds_.assign(static_cast<std::size_t>(n), 0);
  episodes_.assign(static_cast<std::size_t>(n), 0);
  errors_.resize(static_cast<std::size_t>(n));
  if (threads_ > 1) {
    workers_.reserve(static_cast<std::size_t>(threads_));
    for (std::int32_t t = 0; t < threads_; ++t) workers_.emplace_back([this, t] { worker(t); });
  }
}

BatchedEnv::~BatchedEnv() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : workers_) thread.join();
}

void BatchedEnv::worker(std::int32_t index) {
  // Parallelism comes from the environments; the placers' OpenMP loops stay on this thread.
  omp_set_num_threads(1);
  std::uint64_t seen = 0;
  for (;;) {
    const std::function<void(std::int32_t)>* task = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      task = task_;
    }
    for (std::int32_t i = index; i < num_envs(); i += threads_) {
      try {
        (*task)(i);
      } catch (...) {
        errors_[i] = std::current_exception();
      }
    }
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) finished_.notify_one();
    }
  }
}

void BatchedEnv::run(const std::function<void(std::int32_t)>& task) {
  std::fill(errors_.begin(), errors_.end(), nullptr);
  if (workers_.empty()) {
    for (std::int32_t i = 0; i < num_envs(); ++i) {
      try {
        task(i);
      } catch (...) {
        errors_[i] = std::current_exception();
      }
    }
  } else {
    std::unique_lock<std::mutex> lock(mutex_);
    task_ = &task;
    pending_ = threads_;
    ++generation_;
    wake_.notify_all();
    finished_.wait(lock, [&] { return pending_ == 0; });
    task_ = nullptr;
  }
  for (const std::exception_ptr& error : errors_) {
    if (error) std::rethrow_exception(error);
  }
}

BatchStorage BatchedEnv::make_storage() const {
  const ObservationConfig& config = design_->options.observation;
  const auto n = static_cast<std::size_t>(num_envs());
  const std::size_t cells = static_cast<std::size_t>(config.side) * config.side;
  BatchStorage storage;
  storage.metadata.resize(n * kMetadataSize);
  storage.node_features.resize(n * static_cast<std::size_t>(config.max_nodes) * kNodeFeatures);
  storage.edge_src.resize(n * static_cast<std::size_t>(config.max_edges));
  storage.edge_dst.resize(n * static_cast<std::size_t>(config.max_edges));
  storage.edge_weight.resize(n * static_cast<std::size_t>(config.max_edges));
  storage.current_node.resize(n);
  storage.mask.resize(n * cells);
  if (config.wire_mask) storage.wire_mask.resize(n * cells);
  if (config.density) storage.density.resize(n * cells);
  if (config.congestion) storage.congestion.resize(n * cells);
  storage.reward.resize(n);
  storage.done.resize(n);
  storage.infeasible.resize(n);
  storage.final_proxy.resize(n);
  return storage;
}

void BatchedEnv::reset_env(std::int32_t i) {
  episode_seeds_[i] = internal::derive_seed(base_seeds_[i], episodes_[i]++);
  envs_[i]->reset(episode_seeds_[i]);
}

void BatchedEnv::reset(std::uint64_t seed, const BatchBuffers& out) {
  for (std::int32_t i = 0; i < num_envs(); ++i) {
    base_seeds_[i] = internal::derive_seed(seed, static_cast<std::uint64_t>(i));
    episodes_[i] = 0;
  }
  run([&](std::int32_t i) {
    reset_env(i);
    after_reset(i, out);
  });
}

void BatchedEnv::reset_episodes(const std::vector<std::uint64_t>& episode_seeds,
                                const BatchBuffers& out) {
  if (episode_seeds.size() != static_cast<std::size_t>(num_envs())) {
    throw std::invalid_argument("reset_episodes: one seed per environment");
  }
  for (std::int32_t i = 0; i < num_envs(); ++i) {
    base_seeds_[i] = episode_seeds[i];
    episodes_[i] = 1;  // the next episode (auto_reset) is derive_seed(seed, 1)
    episode_seeds_[i] = episode_seeds[i];
  }
  run([&](std::int32_t i) {
    envs_[i]->reset(episode_seeds_[i]);
    after_reset(i, out);
  });
}

void BatchedEnv::after_reset(std::int32_t i, const BatchBuffers& out) {
  infos_[i] = envs_[i]->info();
  if (out.reward != nullptr) out.reward[i] = 0;
  if (out.done != nullptr) out.done[i] = 0;
  if (out.infeasible != nullptr) out.infeasible[i] = 0;
  if (out.final_proxy != nullptr) out.final_proxy[i] = std::numeric_limits<double>::quiet_NaN();
  write(i, out);
}

void BatchedEnv::step(const std::int32_t* actions, const BatchBuffers& out) {
  run([&](std::int32_t i) {
    PlacementEnv& env = *envs_[i];
    // Without auto_reset: finished, waiting for reset(); or not in this batch.
    if (env.done() || actions[i] == kSitOut) return;
    const StepResult result = env.step(actions[i]);
    infos_[i] = result.info;
    if (out.reward != nullptr) out.reward[i] = static_cast<float>(result.reward);
    if (out.done != nullptr) out.done[i] = result.done ? 1 : 0;
    if (out.infeasible != nullptr) out.infeasible[i] = result.info.infeasible ? 1 : 0;
    if (out.final_proxy != nullptr) {
      out.final_proxy[i] =
          result.done ? result.info.costs.proxy : std::numeric_limits<double>::quiet_NaN();
    }
    if (result.done && options_.auto_reset) reset_env(i);
    write(i, out);
  });
}

void BatchedEnv::write(std::int32_t i, const BatchBuffers& out) const {
  const Observation& obs = envs_[i]->observation();
  const auto copy = [i](const auto& source, auto* destination) {
    if (destination == nullptr || source.empty()) return;
    std::copy(source.begin(), source.end(),
              destination + static_cast<std::size_t>(i) * source.size());
  };
  copy(obs.metadata, out.metadata);
  copy(obs.node_features, out.node_features);
  copy(obs.edge_src, out.edge_src);
  copy(obs.edge_dst, out.edge_dst);
  copy(obs.edge_weight, out.edge_weight);
  copy(obs.mask, out.mask);
  copy(obs.wire_mask, out.wire_mask);
  copy(obs.density, out.density);
  copy(obs.congestion, out.congestion);
  if (out.current_node != nullptr) out.current_node[i] = obs.current_node;
}

}  // namespace macroplace::env
