// BatchedEnv: results identical whatever the number of threads, equal to single environments
// run alone with the same seeds and actions, auto-reset, and errors surfacing on the caller.
#include "macroplace/env/batched_env.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "env_testing.h"

namespace macroplace::env {
namespace {

// A deterministic policy of the observation alone: the legal action picked by a hash of the
// environment index and step count among the legal ones.
std::vector<std::int32_t> policy(const BatchStorage& storage, std::int32_t envs, std::int32_t side,
                                 int step) {
  const std::size_t cells = static_cast<std::size_t>(side) * side;
  std::vector<std::int32_t> actions(static_cast<std::size_t>(envs), -1);
  for (std::int32_t i = 0; i < envs; ++i) {
    const std::uint8_t* mask = storage.mask.data() + i * cells;
    std::vector<std::int32_t> legal;
    for (std::size_t a = 0; a < cells; ++a) {
      if (mask[a] != 0) legal.push_back(static_cast<std::int32_t>(a));
    }
    if (legal.empty()) continue;
    const std::uint64_t hash = (static_cast<std::uint64_t>(i) * 1000003ULL + step) * 2654435761ULL;
    actions[i] = legal[hash % legal.size()];
  }
  return actions;
}

struct Trace {
  std::vector<BatchStorage> steps;
};

// Resets with `seed`, then runs `steps` steps of the policy; records every stacked buffer.
Trace run_batch(const std::shared_ptr<const EnvDesign>& design, std::int32_t envs,
                std::int32_t threads, int steps) {
  BatchOptions options;
  options.num_envs = envs;
  options.threads = threads;
  BatchedEnv batch(design, options);
  EXPECT_EQ(batch.threads(), threads);
  BatchStorage storage = batch.make_storage();
  Trace trace;
  batch.reset(99, storage.buffers());
  trace.steps.push_back(storage);
  for (int t = 0; t < steps; ++t) {
    const std::vector<std::int32_t> actions =
        policy(storage, envs, design->options.observation.side, t);
    batch.step(actions.data(), storage.buffers());
    trace.steps.push_back(storage);
  }
  return trace;
}

void expect_same(const BatchStorage& a, const BatchStorage& b, std::size_t step) {
  EXPECT_EQ(a.metadata, b.metadata) << step;
  EXPECT_EQ(a.node_features, b.node_features) << step;
  EXPECT_EQ(a.edge_src, b.edge_src) << step;
  EXPECT_EQ(a.edge_weight, b.edge_weight) << step;
  EXPECT_EQ(a.current_node, b.current_node) << step;
  EXPECT_EQ(a.mask, b.mask) << step;
  EXPECT_EQ(a.density, b.density) << step;
  EXPECT_EQ(a.wire_mask, b.wire_mask) << step;
  EXPECT_EQ(a.reward, b.reward) << step;
  EXPECT_EQ(a.done, b.done) << step;
  // Bitwise, NaN included.
  ASSERT_EQ(a.final_proxy.size(), b.final_proxy.size());
  EXPECT_EQ(std::memcmp(a.final_proxy.data(), b.final_proxy.data(),
                        a.final_proxy.size() * sizeof(double)),
            0)
      << step;
}

TEST(BatchedEnv, IdenticalWithOneAndTwoThreadsAndEqualToSingleEnvironments) {
  EnvOptions options;
  options.order = MacroOrder::kRandom;  // the seeds matter
  options.observation.density = options.observation.wire_mask = true;
  const auto design = testing::ariane(options);
  constexpr std::int32_t kEnvs = 3;
  constexpr int kSteps = 140;  // every environment finishes one episode and starts another
  const Trace one = run_batch(design, kEnvs, 1, kSteps);
  const Trace two = run_batch(design, kEnvs, 2, kSteps);
  ASSERT_EQ(one.steps.size(), two.steps.size());
  for (std::size_t t = 0; t < one.steps.size(); ++t) expect_same(one.steps[t], two.steps[t], t);

  // Each ended once, at step 133 (or earlier if infeasible), with reward -proxy and a reset.
  int ended = 0;
  for (std::size_t t = 1; t < one.steps.size(); ++t) {
    for (std::int32_t i = 0; i < kEnvs; ++i) {
      if (one.steps[t].done[i] == 0) {
        EXPECT_TRUE(std::isnan(one.steps[t].final_proxy[i]));
        continue;
      }
      ++ended;
      if (one.steps[t].infeasible[i] == 0) {
        EXPECT_EQ(t, 133u);
        EXPECT_FLOAT_EQ(one.steps[t].reward[i], static_cast<float>(-one.steps[t].final_proxy[i]));
      }
      // The slot already holds the next episode's first observation: nothing placed yet.
      const std::size_t cells = 128 * 128;
      std::int64_t legal = 0;
      for (std::size_t a = 0; a < cells; ++a) legal += one.steps[t].mask[i * cells + a];
      EXPECT_GT(legal, 0);
    }
  }
  EXPECT_GE(ended, kEnvs);

  // Environment i alone, reset with the batch's seed for its first episode and fed the same
  // actions, gives the same observations.
  BatchOptions batch_options;
  batch_options.num_envs = kEnvs;
  BatchedEnv batch(design, batch_options);
  BatchStorage storage = batch.make_storage();
  batch.reset(99, storage.buffers());
  for (std::int32_t i = 0; i < kEnvs; ++i) {
    PlacementEnv alone(design);
    alone.reset(batch.episode_seed(i));
    for (int t = 0; t < 60; ++t) {
      const std::int32_t action = policy(one.steps[t], kEnvs, 128, t)[i];
      alone.step(action);
      const BatchStorage& after = one.steps[t + 1];
      const std::size_t features = alone.observation().node_features.size();
      ASSERT_TRUE(std::equal(alone.observation().node_features.begin(),
                             alone.observation().node_features.end(),
                             after.node_features.begin() + i * features))
          << "env " << i << " step " << t;
      ASSERT_EQ(alone.observation().current_node, after.current_node[i]);
    }
  }
}

TEST(BatchedEnv, WithoutAutoResetFinishedEnvironmentsWaitAndErrorsReachTheCaller) {
  const auto design =
      testing::load_example("ct/sample_clustered", "netlist.pb.txt", "initial.plc", EnvOptions{});
  BatchOptions options;
  options.num_envs = 2;
  options.threads = 2;
  options.auto_reset = false;
  BatchedEnv batch(design, options);
  BatchStorage storage = batch.make_storage();
  batch.reset(1, storage.buffers());
  EXPECT_EQ(storage.current_node, (std::vector<std::int32_t>{0, 0}));
  std::vector<std::int32_t> actions{8255, 8127};
  batch.step(actions.data(), storage.buffers());
  EXPECT_EQ(storage.current_node, (std::vector<std::int32_t>{1, 1}));
  EXPECT_EQ(storage.done, (std::vector<std::uint8_t>{0, 0}));
  actions = {8128, 8256};
  batch.step(actions.data(), storage.buffers());
  EXPECT_EQ(storage.done, (std::vector<std::uint8_t>{1, 1}));
  EXPECT_TRUE(batch.env(0).done());
  EXPECT_DOUBLE_EQ(storage.final_proxy[0], batch.last_info(0).costs.proxy);
  EXPECT_FLOAT_EQ(storage.reward[1], static_cast<float>(-batch.last_info(1).costs.proxy));
  batch.step(actions.data(), storage.buffers());  // finished: nothing happens
  EXPECT_TRUE(batch.env(1).done());

  batch.reset(2, storage.buffers());
  EXPECT_EQ(storage.done, (std::vector<std::uint8_t>{0, 0}));
  actions = {0, 8255};  // env 0's action is padding: a caller bug
  EXPECT_THROW(batch.step(actions.data(), storage.buffers()), std::invalid_argument);
  EXPECT_EQ(batch.env(1).steps_taken(), 1);  // the other environment still stepped

  batch.reset(3, storage.buffers());
  actions = {BatchedEnv::kSitOut, 8255};  // env 0 sits this step out: nothing of it changes
  const BatchStorage before = storage;
  batch.step(actions.data(), storage.buffers());
  EXPECT_EQ(batch.env(0).steps_taken(), 0);
  EXPECT_EQ(batch.env(1).steps_taken(), 1);
  EXPECT_EQ(storage.current_node, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(std::memcmp(storage.mask.data(), before.mask.data(), storage.mask.size() / 2), 0);

  BatchOptions bad;
  bad.num_envs = 0;
  EXPECT_THROW(BatchedEnv(design, bad), std::invalid_argument);
}

}  // namespace
}  // namespace macroplace::env
