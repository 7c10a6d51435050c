// Placement environment speed: one whole random-policy episode on the clustered Ariane (133 hard
// macros placed one per step with masks and observations, force-directed soft macros, final
// proxy cost), one thread. Issue 5's target: under 100 ms (Circuit Training's environment spends
// ~0.75 s on the force-directed call alone).
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_designs.h"
#include "macroplace/env/batched_env.h"
#include "macroplace/env/placement_env.h"

namespace {

using macroplace::env::EnvOptions;
using macroplace::env::PlacementEnv;

std::shared_ptr<const macroplace::env::EnvDesign> ariane(const EnvOptions& options) {
  std::shared_ptr<const macroplace::env::EnvDesign> design;
  const auto status = macroplace::env::load_env_design(
      macroplace::bench::example("ariane133-ng45/netlist.pb.txt.gz"),
      macroplace::bench::example("ariane133-ng45/legalized.plc"), options, &design);
  if (!status.ok()) throw std::runtime_error(status.to_string());
  return design;
}

// A uniformly random legal action: the k-th set entry of the mask.
std::int32_t random_legal_action(const PlacementEnv& env, std::mt19937_64* random) {
  const auto& mask = env.observation().mask;
  std::int64_t k =
      std::uniform_int_distribution<std::int64_t>(0, env.legal_action_count() - 1)(*random);
  for (std::size_t a = 0; a < mask.size(); ++a) {
    if (mask[a] != 0 && k-- == 0) return static_cast<std::int32_t>(a);
  }
  return -1;
}

void run_episodes(benchmark::State& state, const EnvOptions& options) {
  omp_set_num_threads(1);
  PlacementEnv env(ariane(options));
  std::mt19937_64 random(1);
  std::uint64_t seed = 0;
  double proxy_sum = 0, soft_seconds = 0;
  for (auto _ : state) {
    env.reset(seed++);
    macroplace::env::StepResult result;
    while (!result.done) result = env.step(random_legal_action(env, &random));
    proxy_sum += result.info.costs.proxy;
    soft_seconds = result.info.soft_macro_seconds;
  }
  // The uniformly random policy's mean proxy: the baseline a trained policy is measured against.
  state.counters["proxy_mean"] = proxy_sum / static_cast<double>(std::max<std::uint64_t>(seed, 1));
  state.counters["episodes"] = static_cast<double>(seed);
  state.counters["soft_macro_ms"] = soft_seconds * 1e3;
  state.counters["steps"] = static_cast<double>(env.order().size());
  state.SetLabel("1 thread");
}

void env_episode_ariane(benchmark::State& state) {
  run_episodes(state, EnvOptions{});
}
BENCHMARK(env_episode_ariane)->Unit(benchmark::kMillisecond);

// The same with every optional feature: wire mask, density and congestion maps, dense rewards.
void env_episode_ariane_all_features(benchmark::State& state) {
  EnvOptions options;
  options.observation.wire_mask = options.observation.density = options.observation.congestion =
      true;
  options.reward = macroplace::env::RewardMode::kDense;
  run_episodes(state, options);
}
BENCHMARK(env_episode_ariane_all_features)->Unit(benchmark::kMillisecond);

// The environment's own cost: the same episode with the soft macros left where they are.
void env_episode_ariane_without_soft_placer(benchmark::State& state) {
  EnvOptions options;
  options.soft_macro_placer = macroplace::env::SoftMacroPlacer::kKeep;
  run_episodes(state, options);
}
BENCHMARK(env_episode_ariane_without_soft_placer)->Unit(benchmark::kMillisecond);

// Four environments stepped together for 133 steps (one episode each, auto-reset), on 1 or 2
// pool threads: the batched API's overhead and scaling.
void env_batch_ariane(benchmark::State& state) {
  omp_set_num_threads(1);
  macroplace::env::BatchOptions options;
  options.num_envs = 4;
  options.threads = static_cast<std::int32_t>(state.range(0));
  macroplace::env::BatchedEnv batch(ariane(EnvOptions{}), options);
  macroplace::env::BatchStorage storage = batch.make_storage();
  macroplace::env::BatchBuffers buffers = storage.buffers();
  buffers.edge_src = buffers.edge_dst = nullptr;  // static: written once by the model's owner
  buffers.edge_weight = nullptr;
  std::mt19937_64 random(1);
  std::vector<std::int32_t> actions(4);
  std::uint64_t seed = 0;
  for (auto _ : state) {
    batch.reset(seed++, buffers);
    for (int step = 0; step < batch.design().num_steps(); ++step) {
      for (std::int32_t i = 0; i < 4; ++i) actions[i] = random_legal_action(batch.env(i), &random);
      batch.step(actions.data(), buffers);
    }
  }
  state.counters["episodes_per_s"] = benchmark::Counter(
      4.0 * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetLabel(std::to_string(options.threads) + " threads");
}
BENCHMARK(env_batch_ariane)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
