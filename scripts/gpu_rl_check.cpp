// The policy on a GPU (issue 19): rl/'s network and PPO update (rl/src/policy_network.cpp,
// ppo.cpp), built by scripts/gpu-check against the LibTorch that comes with the GPU machine's
// PyTorch (CUDA), without the rest of the tree. On a graph of the clustered Ariane's size (929
// nodes, 9,576 edges) with Circuit Training's network (128 x 128 action grid) and random
// observations:
// - parity: one PPO update (one Adam step over 64 rows) on the CPU and on the GPU from the same
//   weights and batch; the parameters must agree within float rounding;
// - speed: PPO update samples/s (forward, loss, backward, Adam; 1 epoch) on the GPU (whole
//   minibatches of 128) and on the CPU (microbatches of 16, `train`'s default, all host cores);
//   policy steps/s at a batch of 16 environments (act(): inputs to the device and back).
// Output: one JSON object per line {"name": ..., "value": ..., "unit": ...}, then
// "gpu-rl-check: PASS" or "gpu-rl-check: FAIL". Exit status: 0 pass, 1 parity failure, 3 no CUDA.
// `--cpu-only` prints the CPU figures alone (a machine without a GPU).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "macroplace/rl/torch_policy.h"

namespace {

using macroplace::rl::GraphTensors;
using macroplace::rl::PolicyInputs;
using macroplace::rl::PolicyNetwork;
using macroplace::rl::PolicyOptions;
using macroplace::rl::PpoBatch;
using macroplace::rl::PpoOptions;
using macroplace::rl::PpoUpdateStats;

constexpr std::int64_t kNodes = 929;
constexpr std::int64_t kEdges = 9576;

void figure(const char* name, double value, const char* unit) {
  std::printf("{\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\"}\n", name, value, unit);
  std::fflush(stdout);
}

GraphTensors random_graph() {
  std::mt19937_64 random(7);
  std::vector<std::int64_t> src, dst;
  std::vector<double> weight;
  for (std::int64_t e = 0; e < kEdges; ++e) {
    const auto a = static_cast<std::int64_t>(random() % kNodes);
    auto b = static_cast<std::int64_t>(random() % (kNodes - 1));
    if (b >= a) ++b;
    src.push_back(std::min(a, b));
    dst.push_back(std::max(a, b));
    weight.push_back(0.1 + static_cast<double>(random() % 1000) / 1000.0);
  }
  return macroplace::rl::make_graph_tensors(kNodes, src, dst, weight);
}

// Random observations as the environment makes them (float32, a third of the cells masked).
PpoBatch random_batch(std::int64_t rows, std::int64_t side) {
  PpoBatch batch;
  batch.inputs.metadata = torch::rand({rows, 12});
  batch.inputs.node_features = torch::rand({rows, kNodes, 6});
  batch.inputs.current_node = torch::randint(0, 133, {rows}, torch::kInt64);
  batch.inputs.mask = torch::rand({rows, side * side}) > 0.3;
  batch.inputs.mask.select(1, 0).fill_(true);
  batch.actions = torch::zeros({rows}, torch::kInt64);
  batch.old_log_probs = -9.0 - torch::rand({rows});
  batch.old_values = torch::randn({rows});
  batch.returns = torch::randn({rows});
  return batch;
}

torch::Tensor flat_parameters(const PolicyNetwork& network) {
  std::vector<torch::Tensor> flat;
  for (const torch::Tensor& p : network->parameters()) {
    flat.push_back(p.detach().to(torch::kCPU).view({-1}));
  }
  return torch::cat(flat);
}

PolicyNetwork fresh_network(torch::Device device) {
  torch::manual_seed(5);
  PolicyNetwork network{PolicyOptions{}};
  network->to(device);
  return network;
}

void synchronize(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

// Samples per second of PPO updates over `batch` (1 epoch) on `device`.
double update_rate(torch::Device device, const GraphTensors& graph, const PpoBatch& batch,
                   std::int32_t microbatch, int repeats) {
  PolicyNetwork network = fresh_network(device);
  const GraphTensors here = graph.to(device);
  torch::optim::Adam adam(network->parameters(), torch::optim::AdamOptions(4e-3).eps(1e-5));
  PpoOptions options;
  options.epochs = 1;
  options.minibatch_size = 128;
  options.microbatch_size = microbatch;
  double kl_beta = 1.0;
  std::mt19937_64 random(3);
  macroplace::rl::ppo_update(network, adam, here, batch, options, &kl_beta, &random);  // warm-up
  synchronize(device);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) {
    macroplace::rl::ppo_update(network, adam, here, batch, options, &kl_beta, &random);
  }
  synchronize(device);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(batch.size()) * repeats / seconds;
}

// Policy steps per second at a batch of `rows` environments (act(): to the device and back).
double step_rate(torch::Device device, const GraphTensors& graph, const PpoBatch& batch,
                 int repeats) {
  PolicyNetwork network = fresh_network(device);
  const GraphTensors here = graph.to(device);
  network->act(here, batch.inputs);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) network->act(here, batch.inputs);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(batch.size()) * repeats / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  // --cpu-only: the CPU figures alone (to try the program on a machine without a GPU).
  const bool cpu_only = argc > 1 && std::string(argv[1]) == "--cpu-only";
  if (!cpu_only && !torch::cuda::is_available()) {
    std::printf("gpu-rl-check: no CUDA device visible to LibTorch\n");
    return 3;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  at::set_num_threads(static_cast<int>(cores));
  const torch::Device cpu(torch::kCPU), cuda(torch::kCUDA);
  const GraphTensors graph = random_graph();
  const std::int64_t side = PolicyOptions{}.action_side;
  torch::manual_seed(17);
  const PpoBatch parity_batch = random_batch(64, side);

  if (cpu_only) {
    torch::manual_seed(19);
    figure("ppo_update_cpu_all_cores", update_rate(cpu, graph, random_batch(128, side), 16, 1),
           "samples/s");
    figure("policy_step_cpu_batch16", step_rate(cpu, graph, random_batch(16, side), 5), "steps/s");
    return 0;
  }
  // Parity: one Adam step over 64 rows (microbatches of 16) on each device.
  PpoOptions one_step;
  one_step.epochs = 1;
  one_step.minibatch_size = 64;
  one_step.microbatch_size = 16;
  std::vector<torch::Tensor> after;
  std::vector<PpoUpdateStats> stats;
  for (const torch::Device device : {cpu, cuda}) {
    PolicyNetwork network = fresh_network(device);
    torch::optim::Adam adam(network->parameters(), torch::optim::AdamOptions(4e-3).eps(1e-5));
    double kl_beta = 1.0;
    std::mt19937_64 random(3);
    stats.push_back(macroplace::rl::ppo_update(network, adam, graph.to(device), parity_batch,
                                               one_step, &kl_beta, &random));
    after.push_back(flat_parameters(network));
  }
  const double parameter_difference = (after[0] - after[1]).abs().max().item<double>();
  const double loss_difference = std::abs(stats[0].total_loss - stats[1].total_loss);
  figure("ppo_parity_max_parameter_difference", parameter_difference, "abs");
  figure("ppo_parity_loss_difference", loss_difference, "abs");
  const bool parity = parameter_difference < 1e-5 && loss_difference < 1e-3;

  torch::manual_seed(19);
  const PpoBatch batch = random_batch(512, side);
  const double cuda_rate = update_rate(cuda, graph, batch, 0, 5);
  figure("ppo_update_cuda", cuda_rate, "samples/s");
  const double cuda_micro_rate = update_rate(cuda, graph, batch, 16, 3);
  figure("ppo_update_cuda_microbatch16", cuda_micro_rate, "samples/s");
  const double cpu_rate = update_rate(cpu, graph, batch, 16, 1);
  figure("ppo_update_cpu_all_cores", cpu_rate, "samples/s");
  figure("ppo_update_cpu_cores", cores, "threads");
  figure("ppo_update_speedup_vs_this_host_cpu", cuda_rate / cpu_rate, "x");
  // The 2-core development VM's figure (docs/PERFORMANCE.md, rl_update_minibatch_ariane/128,
  // OpenBLAS): 93 samples/s for forward + backward alone.
  figure("ppo_update_speedup_vs_2core_vm", cuda_rate / 93.0, "x");

  const PpoBatch step_batch = random_batch(16, side);
  figure("policy_step_cuda_batch16", step_rate(cuda, graph, step_batch, 50), "steps/s");
  figure("policy_step_cpu_batch16", step_rate(cpu, graph, step_batch, 10), "steps/s");

  std::printf("gpu-rl-check: %s\n", parity ? "PASS" : "FAIL");
  return parity ? 0 : 1;
}
