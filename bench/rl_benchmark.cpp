// RL speed on the clustered Ariane (issue 6's targets): one policy step at batch 1 on one core
// (CT's default network; target under 5 ms), and one training iteration's throughput (rollouts
// on 2 environment threads plus the PPO update) in environment steps per second.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "bench_designs.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/rl/torch_policy.h"
#include "macroplace/rl/trainer.h"

namespace {

using macroplace::bench::example;

// The clustered Ariane with legalized.plc, as the environment loads it.
std::shared_ptr<const macroplace::env::EnvDesign> ariane_design(
    const macroplace::env::EnvOptions& options = {}) {
  std::shared_ptr<const macroplace::env::EnvDesign> design;
  const auto status =
      macroplace::env::load_env_design(example("ariane133-ng45/netlist.pb.txt.gz"),
                                       example("ariane133-ng45/legalized.plc"), options, &design);
  if (!status.ok()) throw std::runtime_error(status.to_string());
  return design;
}

void rl_policy_step_ariane(benchmark::State& state) {
  at::set_num_threads(1);
  torch::manual_seed(1);
  const std::shared_ptr<const macroplace::env::EnvDesign> design = ariane_design();
  macroplace::rl::PolicyNetwork network(macroplace::rl::PolicyOptions{});
  network->eval();
  const macroplace::rl::GraphTensors graph = macroplace::rl::make_graph_tensors(design->graph);
  macroplace::env::PlacementEnv env(design);
  const macroplace::env::Observation& observation = env.reset(1);
  std::mt19937_64 random(1);
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    const macroplace::rl::PolicyInputs inputs = macroplace::rl::inputs_from_observation(
        observation, design->options.observation, graph.num_nodes, false);
    const auto out = network->forward(graph, inputs);
    benchmark::DoNotOptimize(macroplace::rl::sample_action(out.logits[0], &random));
  }
  state.counters["nodes"] = static_cast<double>(graph.num_nodes);
  state.counters["edges"] = static_cast<double>(graph.edge_src.numel());
  state.counters["parameters"] = static_cast<double>(network->parameter_count());
  state.SetLabel("batch 1, 1 thread");
}
BENCHMARK(rl_policy_step_ariane)->Unit(benchmark::kMillisecond);

// One PPO minibatch (forward, CT's loss, backward) on B observations of a random Ariane episode,
// 2 LibTorch threads: the unit the PPO update repeats (epochs x steps / minibatch times). The
// second argument 1 fits the policy head to Ariane's 24 x 21 grid (32 x 32 logits, `train`'s
// default) instead of CT's 128 x 128.
void rl_update_minibatch_ariane(benchmark::State& state) {
  const std::int64_t batch_size = state.range(0);
  const bool fitted = state.range(1) != 0;
  at::set_num_threads(2);
  torch::manual_seed(1);
  macroplace::rl::PolicyOptions policy;
  macroplace::env::EnvOptions env_options;
  if (fitted) {
    if (!policy.fit_action_side(24, 21).ok()) throw std::runtime_error("cannot fit the head");
    env_options.observation.side = policy.action_side;
  }
  const std::shared_ptr<const macroplace::env::EnvDesign> design = ariane_design(env_options);
  macroplace::rl::PolicyNetwork network(policy);
  const macroplace::rl::GraphTensors graph = macroplace::rl::make_graph_tensors(design->graph);
  macroplace::env::PlacementEnv env(design);
  std::vector<macroplace::rl::PolicyInputs> steps;
  std::vector<std::int64_t> actions;
  std::mt19937_64 random(1);
  const macroplace::env::Observation* observation = &env.reset(1);
  while (static_cast<std::int64_t>(steps.size()) < batch_size) {
    steps.push_back(macroplace::rl::inputs_from_observation(
        *observation, design->options.observation, graph.num_nodes, false));
    std::vector<std::int64_t> legal;
    for (std::size_t a = 0; a < observation->mask.size(); ++a) {
      if (observation->mask[a] != 0) legal.push_back(static_cast<std::int64_t>(a));
    }
    actions.push_back(legal[random() % legal.size()]);
    const auto result = env.step(static_cast<std::int32_t>(actions.back()));
    observation =
        result.done ? &env.reset(static_cast<std::uint64_t>(steps.size())) : result.observation;
  }
  macroplace::rl::PpoBatch batch;
  batch.inputs = macroplace::rl::PolicyInputs::cat(steps);
  batch.actions = torch::tensor(actions, torch::kInt64);
  batch.old_log_probs = torch::full({batch_size}, -5.0);
  batch.old_values = torch::zeros({batch_size});
  batch.returns = torch::randn({batch_size});
  const macroplace::rl::PpoOptions ppo;
  for (auto _ : state) {
    network->zero_grad();
    const auto out = network->forward(graph, batch.inputs);
    const auto loss = macroplace::rl::ppo_loss(ppo, 1.0, out.logits, out.values, batch);
    loss.total.backward();
    benchmark::DoNotOptimize(loss.total.item<double>());
  }
  state.counters["samples_per_s"] = benchmark::Counter(
      static_cast<double>(batch_size), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(fitted ? "2 threads, head fitted (32 x 32)" : "2 threads, 128 x 128 head");
}
BENCHMARK(rl_update_minibatch_ariane)
    ->Args({16, 0})
    ->Args({8, 1})
    ->Args({16, 1})
    ->Args({32, 1})
    ->Args({128, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The policy's three edge layers alone, forward (with the last layer's edge statistics) and
// backward, on B random node states of Ariane's graph (CT's width 8), 2 threads: the share of a
// minibatch (above) the graph part takes.
void rl_edge_layers_ariane(benchmark::State& state) {
  const std::int64_t batch_size = state.range(0);
  at::set_num_threads(2);
  torch::manual_seed(1);
  const macroplace::rl::PolicyOptions policy;
  const macroplace::rl::GraphTensors graph =
      macroplace::rl::make_graph_tensors(ariane_design()->graph);
  std::vector<macroplace::rl::EdgeLayer> layers;
  layers.reserve(static_cast<std::size_t>(policy.edge_layers));
  for (std::int32_t i = 0; i < policy.edge_layers; ++i) {
    layers.emplace_back(policy.node_width);
  }
  const torch::Tensor h0 = torch::rand({graph.num_nodes, batch_size, policy.node_width});
  for (auto _ : state) {
    torch::Tensor h = h0.clone().requires_grad_(true);
    torch::Tensor statistics;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      std::tie(h, statistics) = layers[i]->forward(graph, h, i + 1 == layers.size());
    }
    const torch::Tensor loss = h.sum() + statistics.sum();
    loss.backward();
    benchmark::DoNotOptimize(loss.item<double>());
  }
  state.counters["samples_per_s"] = benchmark::Counter(
      static_cast<double>(batch_size), benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel("2 threads, 3 layers, width 8");
}
BENCHMARK(rl_edge_layers_ariane)->Arg(1)->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

// One PPO iteration of 8 episodes (8 x 133 steps), 2 environment threads, 2 LibTorch threads;
// argument 1: the head fitted to the grid (`train`'s default).
void rl_train_iteration_ariane(benchmark::State& state) {
  macroplace::rl::TrainerOptions options;
  options.fit_action_side = state.range(0) != 0;
  options.netlist_path = example("ariane133-ng45/netlist.pb.txt.gz");
  options.plc_path = example("ariane133-ng45/legalized.plc");
  options.run_dir = (std::filesystem::temp_directory_path() / "macroplace_rl_benchmark").string();
  options.episodes_per_iteration = 8;
  options.threads = 2;
  options.torch_threads = 2;
  options.iterations = 1 << 20;
  std::filesystem::remove_all(options.run_dir);
  std::unique_ptr<macroplace::rl::Trainer> trainer;
  if (const auto status = macroplace::rl::Trainer::create(options, &trainer); !status.ok()) {
    throw std::runtime_error(status.to_string());
  }
  double steps_per_second = 0, rollout_steps_per_second = 0, update_seconds = 0;
  for (auto _ : state) {
    macroplace::rl::IterationMetrics metrics;
    if (const auto status = trainer->run_iteration(&metrics); !status.ok()) {
      throw std::runtime_error(status.to_string());
    }
    steps_per_second =
        static_cast<double>(metrics.env_steps) / (metrics.rollout_seconds + metrics.update_seconds);
    rollout_steps_per_second = metrics.env_steps_per_second;
    update_seconds = metrics.update_seconds;
  }
  state.counters["env_steps_per_s"] = steps_per_second;
  state.counters["rollout_env_steps_per_s"] = rollout_steps_per_second;
  state.counters["update_s"] = update_seconds;
  std::filesystem::remove_all(options.run_dir);
}
BENCHMARK(rl_train_iteration_ariane)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kSecond)
    ->Iterations(2)
    ->UseRealTime();

}  // namespace
