// The PPO loss on a hand-built batch of four steps, with every value worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "macroplace/rl/torch_policy.h"
#include "tiny_policy.h"

namespace macroplace::rl {
namespace {

// Three actions, the third masked: every row's policy is (1/2, 1/2, 0), so log pi(a) = -ln 2
// and the entropy is ln 2. Old log-probabilities are chosen so that the ratios
// r = pi / pi_old are 1.5, 1.1, 0.5 and 1.0.
struct HandBatch {
  torch::Tensor logits = torch::tensor({0.0, 0.0, kMaskedLogit}, torch::kFloat64).repeat({4, 1});
  torch::Tensor values = torch::tensor({1.0, 1.0, -1.0, 0.0}, torch::kFloat64);
  PpoBatch batch;
  std::vector<double> ratios = {1.5, 1.1, 0.5, 1.0};

  HandBatch() {
    batch.actions = torch::tensor(std::vector<std::int64_t>{0, 1, 0, 1}, torch::kInt64);
    std::vector<double> old;
    for (const double r : ratios) old.push_back(-std::log(2.0) - std::log(r));
    batch.old_log_probs = torch::tensor(old, torch::kFloat64);
    batch.old_values = torch::zeros({4}, torch::kFloat64);
    batch.returns = torch::tensor({2.0, 1.0, -1.0, -0.5}, torch::kFloat64);  // = advantages
    logits.set_requires_grad(true);
  }
};

PpoOptions plain_options() {
  PpoOptions options;  // clip 0.2, entropy 0.01, value 0.5
  options.normalize_advantages = false;
  options.kl_cutoff_coefficient = 0;
  return options;
}

TEST(PpoLossTest, HandComputedTermsWithoutKl) {
  HandBatch hand;
  const PpoLoss loss =
      ppo_loss(plain_options(), /*kl_beta=*/0.0, hand.logits, hand.values, hand.batch);
  // min(r A, clip(r, 0.8, 1.2) A): 1.5 x 2 -> clipped 2.4 (active); 1.1 x 1 = 1.1 (inactive);
  // 0.5 x -1 = -0.5 vs 0.8 x -1 = -0.8 -> -0.8 (active); 1.0 x -0.5 = -0.5.
  // Mean (2.4 + 1.1 - 0.8 - 0.5) / 4 = 0.55; the loss is its negative.
  EXPECT_NEAR(loss.policy.item<double>(), -0.55, 1e-12);
  // 0.5 x mean((2-1)^2, (1-1)^2, (-1+1)^2, (-0.5-0)^2) = 0.5 x 1.25 / 4 = 0.15625.
  EXPECT_NEAR(loss.value.item<double>(), 0.15625, 1e-12);
  EXPECT_NEAR(loss.entropy.item<double>(), std::log(2.0), 1e-12);  // the mask adds nothing
  EXPECT_NEAR(loss.clip_fraction.item<double>(), 0.5, 1e-12);      // rows 1 and 3
  // k3 KL: (r - 1) - ln r per row.
  double kl = 0;
  for (const double r : hand.ratios) kl += (r - 1) - std::log(r);
  EXPECT_NEAR(loss.kl.item<double>(), kl / 4, 1e-12);  // 0.0730930...
  EXPECT_NEAR(loss.kl_penalty.item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(loss.total.item<double>(), -0.55 + 0.15625 - 0.01 * std::log(2.0), 1e-12);
}

TEST(PpoLossTest, KlPenaltyAndCutoff) {
  HandBatch hand;
  PpoOptions options = plain_options();
  options.kl_cutoff_coefficient = 1000;  // CT's: 1000 x max(KL - 2 x 0.01, 0)^2
  const PpoLoss loss = ppo_loss(options, /*kl_beta=*/1.5, hand.logits, hand.values, hand.batch);
  double kl = 0;
  for (const double r : hand.ratios) kl += (r - 1) - std::log(r);
  kl /= 4;
  // 1.5 x 0.073093 + 1000 x (0.073093 - 0.02)^2 = 0.10964 + 2.81887
  EXPECT_NEAR(loss.kl_penalty.item<double>(), 1.5 * kl + 1000 * (kl - 0.02) * (kl - 0.02), 1e-9);
}

// Clipped samples pass no policy gradient; unclipped ones do; masked actions never get one.
TEST(PpoLossTest, ClippedSamplesHaveNoPolicyGradient) {
  HandBatch hand;
  PpoOptions options = plain_options();
  options.entropy_coefficient = 0;
  options.value_coefficient = 0;
  const PpoLoss loss = ppo_loss(options, 0.0, hand.logits, hand.values, hand.batch);
  loss.total.backward();
  const torch::Tensor grad = hand.logits.grad();
  EXPECT_EQ(grad[0].abs().sum().item<double>(), 0.0);  // r = 1.5 > 1.2 with A > 0
  EXPECT_EQ(grad[2].abs().sum().item<double>(), 0.0);  // r = 0.5 < 0.8 with A < 0
  // Row 1: d/dlogit_1 of -(r A)/4 with r = 1.1 pi/0.5...: -(A/4) r (1 - pi) = -1.1 x 0.5 / 4.
  EXPECT_NEAR(grad[1][1].item<double>(), -1.1 * 0.5 / 4, 1e-12);
  EXPECT_NEAR(grad[1][0].item<double>(), 1.1 * 0.5 / 4, 1e-12);
  EXPECT_EQ(grad[1][2].item<double>(), 0.0);
}

TEST(PpoLossTest, NormalisesAdvantagesPerMinibatch) {
  HandBatch hand;
  PpoOptions options = plain_options();
  options.normalize_advantages = true;
  const PpoLoss loss = ppo_loss(options, 0.0, hand.logits, hand.values, hand.batch);
  // A = (2, 1, -1, -0.5): mean 0.375, population std sqrt(mean((A - 0.375)^2)).
  const std::vector<double> a = {2, 1, -1, -0.5};
  double variance = 0;
  for (const double v : a) variance += (v - 0.375) * (v - 0.375) / 4;
  double surrogate = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    const double n = (a[i] - 0.375) / (std::sqrt(variance) + 1e-8);
    const double r = hand.ratios[i];
    surrogate += std::min(r * n, std::clamp(r, 0.8, 1.2) * n) / 4;
  }
  EXPECT_NEAR(loss.policy.item<double>(), -surrogate, 1e-12);
}

// A batch of random observations of a graph of `nodes` nodes on the tiny policy's 4 x 4 grid,
// action 0 legal (and taken) everywhere.
PpoBatch random_batch(std::int64_t rows, std::int64_t nodes) {
  PpoBatch batch;
  batch.inputs.metadata = torch::rand({rows, 12}, torch::kFloat64);
  batch.inputs.node_features = torch::rand({rows, nodes, 6}, torch::kFloat64);
  batch.inputs.current_node = torch::randint(0, nodes, {rows}, torch::kInt64);
  batch.inputs.mask = torch::rand({rows, 16}) > 0.3;
  batch.inputs.mask.select(1, 0).fill_(true);
  batch.actions = torch::zeros({rows}, torch::kInt64);  // action 0 is legal everywhere
  batch.old_log_probs = -2.0 - torch::rand({rows}, torch::kFloat64);
  batch.old_values = torch::randn({rows}, torch::kFloat64);
  batch.returns = torch::randn({rows}, torch::kFloat64);
  return batch;
}

// Microbatches change memory and speed, not the update: the same parameters and statistics as
// one pass over each minibatch (double precision; parts of 3, 3, 3 and 1 rows), with the KL
// cutoff inactive and active (its gradient then comes from the second pass).
TEST(PpoUpdateTest, MicrobatchesGiveTheSameUpdate) {
  const PolicyOptions shape = tiny_options();
  const GraphTensors graph = tiny_graph().to(torch::kFloat64);
  torch::manual_seed(11);
  const std::int64_t rows = 10;
  const PpoBatch batch = random_batch(rows, 4);

  for (const bool cutoff : {false, true}) {
    PpoOptions options;
    options.minibatch_size = rows;
    options.epochs = 2;
    options.kl_target = cutoff ? 1e-4 : 10.0;  // the KL here is ~0.1-1
    const auto flat_parameters = [](const PolicyNetwork& network) {
      std::vector<torch::Tensor> flat;
      for (const torch::Tensor& p : network->parameters()) flat.push_back(p.detach().view({-1}));
      return torch::cat(flat);
    };
    torch::Tensor initial;
    const auto update = [&](std::int32_t microbatch, PpoUpdateStats* stats) {
      torch::manual_seed(5);
      PolicyNetwork network(shape);
      network->to(torch::kFloat64);
      initial = flat_parameters(network);
      torch::optim::Adam adam(network->parameters(), torch::optim::AdamOptions(4e-3));
      options.microbatch_size = microbatch;
      double kl_beta = 1.0;
      std::mt19937_64 random(3);
      *stats = ppo_update(network, adam, graph, batch, options, &kl_beta, &random);
      return flat_parameters(network);
    };
    PpoUpdateStats whole_stats, parts_stats;
    const torch::Tensor whole = update(0, &whole_stats);
    const torch::Tensor parts = update(3, &parts_stats);
    EXPECT_EQ(cutoff, whole_stats.kl > 2 * options.kl_target);
    EXPECT_GT((whole - initial).abs().max().item<double>(), 1e-4);  // the update did move
    // Rounding differs (sums in another order) and Adam's normalised steps carry it to ~1e-9.
    EXPECT_LT((whole - parts).abs().max().item<double>(), 1e-7) << "cutoff " << cutoff;
    EXPECT_NEAR(whole_stats.total_loss, parts_stats.total_loss, 1e-9);
    EXPECT_NEAR(whole_stats.policy_loss, parts_stats.policy_loss, 1e-9);
    EXPECT_NEAR(whole_stats.kl, parts_stats.kl, 1e-9);
    EXPECT_NEAR(whole_stats.entropy, parts_stats.entropy, 1e-9);
    EXPECT_NEAR(whole_stats.clip_fraction, parts_stats.clip_fraction, 1e-9);
    EXPECT_EQ(whole_stats.kl_beta, parts_stats.kl_beta);
  }
}

// Rows of two designs (graphs of 4 and 6 nodes, 7 and 5 rows) in one update: the step is the one
// Adam takes on CT's loss over all 12 rows, computed here independently by running each design's
// rows through the network with its own graph and evaluating ppo_loss() on the concatenated
// logits and values (advantages normalised over all rows); whole minibatches and microbatches
// of 3, KL cutoff inactive and active.
TEST(PpoUpdateTest, RowsOfSeveralDesignsShareOneUpdate) {
  const PolicyOptions shape = tiny_options();
  const GraphTensors small = tiny_graph().to(torch::kFloat64);
  const GraphTensors large =
      make_graph_tensors(6, {0, 1, 2, 3, 4, 0}, {1, 2, 3, 4, 5, 5}, {1.0, 0.5, 2.0, 1.0, 0.25, 3.0})
          .to(torch::kFloat64);
  torch::manual_seed(13);
  const PpoBatch a = random_batch(7, 4);
  const PpoBatch b = random_batch(5, 6);
  const auto flat_parameters = [](const PolicyNetwork& network) {
    std::vector<torch::Tensor> flat;
    for (const torch::Tensor& p : network->parameters()) flat.push_back(p.detach().view({-1}));
    return torch::cat(flat);
  };
  const auto fresh = [&shape] {
    torch::manual_seed(5);
    PolicyNetwork network(shape);
    network->to(torch::kFloat64);
    return network;
  };
  for (const bool cutoff : {false, true}) {
    PpoOptions options;
    options.minibatch_size = 12;
    options.epochs = 1;
    options.kl_target = cutoff ? 1e-4 : 10.0;

    // By hand: one pass per design, one loss over the rows of both.
    PolicyNetwork reference = fresh();
    const torch::Tensor initial = flat_parameters(reference);
    torch::optim::Adam reference_adam(reference->parameters(), torch::optim::AdamOptions(4e-3));
    const PolicyOutputs out_a = reference->forward(small, a.inputs);
    const PolicyOutputs out_b = reference->forward(large, b.inputs);
    PpoBatch both;
    both.actions = torch::cat({a.actions, b.actions});
    both.old_log_probs = torch::cat({a.old_log_probs, b.old_log_probs});
    both.old_values = torch::cat({a.old_values, b.old_values});
    both.returns = torch::cat({a.returns, b.returns});
    const PpoLoss loss = ppo_loss(options, 1.0, torch::cat({out_a.logits, out_b.logits}),
                                  torch::cat({out_a.values, out_b.values}), both);
    loss.total.backward();
    torch::nn::utils::clip_grad_norm_(reference->parameters(), options.max_grad_norm);
    reference_adam.step();
    const torch::Tensor expected = flat_parameters(reference);
    EXPECT_EQ(cutoff, loss.kl.item<double>() > 2 * options.kl_target);
    EXPECT_GT((expected - initial).abs().max().item<double>(), 1e-4);

    for (const std::int32_t microbatch : {0, 3}) {
      PolicyNetwork network = fresh();
      torch::optim::Adam adam(network->parameters(), torch::optim::AdamOptions(4e-3));
      options.microbatch_size = microbatch;
      double kl_beta = 1.0;
      std::mt19937_64 random(3);
      const PpoUpdateStats stats =
          ppo_update(network, adam, {{&small, a}, {&large, b}}, options, &kl_beta, &random);
      EXPECT_EQ(stats.minibatches, 1);
      EXPECT_NEAR(stats.total_loss, loss.total.item<double>(), 1e-9) << microbatch;
      EXPECT_NEAR(stats.kl, loss.kl.item<double>(), 1e-9) << microbatch;
      EXPECT_LT((flat_parameters(network) - expected).abs().max().item<double>(), 1e-7)
          << "cutoff " << cutoff << " microbatch " << microbatch;
    }
  }
}

// --device names: cpu, cuda, cuda:N, auto; CUDA is refused with a reason where this LibTorch
// cannot use it (Debian's is CPU-only), and auto then means the CPU.
TEST(DeviceTest, NamesAndAvailability) {
  torch::Device device(torch::kCPU);
  EXPECT_TRUE(parse_device("cpu", &device).ok());
  EXPECT_TRUE(device.is_cpu());
  for (const char* bad : {"gpu", "cuda:", "cuda:x", "CPU", "", "cuda:99999999999"}) {
    const Status s = parse_device(bad, &device);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.message().find("expected cpu, cuda, cuda:N or auto"), std::string::npos)
        << s.message();
  }
  ASSERT_TRUE(parse_device("auto", &device).ok());
  EXPECT_EQ(device.is_cuda(), torch::cuda::is_available());
  const Status cuda = parse_device("cuda", &device);
  EXPECT_EQ(cuda.ok(), torch::cuda::is_available()) << cuda.message();
  if (!torch::cuda::is_available()) {
    EXPECT_NE(cuda.message().find("no CUDA"), std::string::npos) << cuda.message();
  }
}

// act() is forward() without a gradient, its outputs on the CPU.
TEST(DeviceTest, ActIsForwardWithoutGradient) {
  torch::manual_seed(4);
  PolicyNetwork network(tiny_options());
  const GraphTensors graph = tiny_graph();
  PpoBatch batch = random_batch(3, 4);
  batch.inputs.metadata = batch.inputs.metadata.to(torch::kFloat32);
  batch.inputs.node_features = batch.inputs.node_features.to(torch::kFloat32);
  const PolicyOutputs acted = network->act(graph, batch.inputs);
  const PolicyOutputs forward = network->forward(graph, batch.inputs);
  EXPECT_FALSE(acted.logits.requires_grad());
  EXPECT_TRUE(acted.logits.device().is_cpu());
  EXPECT_TRUE(torch::equal(acted.logits, forward.logits.detach()));
  EXPECT_TRUE(torch::equal(acted.values, forward.values.detach()));
}

// The same PPO update (float32, as training runs it) on the CPU and on a GPU: the batch, on the
// CPU, goes to the network's device inside ppo_update; parameters and statistics agree within
// float rounding (the GPU sums in another order).
TEST(DeviceTest, CudaUpdateMatchesCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA in this LibTorch, or no GPU";
  const GraphTensors graph = make_graph_tensors(6, {0, 1, 2, 3, 4, 0}, {1, 2, 3, 4, 5, 5},
                                                {1.0, 0.5, 2.0, 1.0, 0.25, 3.0});
  torch::manual_seed(17);
  PpoBatch batch = random_batch(24, 6);
  batch.inputs.metadata = batch.inputs.metadata.to(torch::kFloat32);
  batch.inputs.node_features = batch.inputs.node_features.to(torch::kFloat32);
  batch.old_log_probs = batch.old_log_probs.to(torch::kFloat32);
  batch.old_values = batch.old_values.to(torch::kFloat32);
  batch.returns = batch.returns.to(torch::kFloat32);
  // One Adam step over all 24 rows (in microbatches of 4): Adam's normalised step would carry
  // rounding differences of near-zero gradients to ~lr over several steps.
  PpoOptions options;
  options.minibatch_size = 24;
  options.microbatch_size = 4;
  options.epochs = 1;
  const auto update = [&](torch::Device device, PpoUpdateStats* stats) {
    torch::manual_seed(5);
    PolicyNetwork network(tiny_options());
    network->to(device);
    torch::optim::Adam adam(network->parameters(), torch::optim::AdamOptions(4e-3));
    double kl_beta = 1.0;
    std::mt19937_64 random(3);
    *stats = ppo_update(network, adam, graph.to(device), batch, options, &kl_beta, &random);
    std::vector<torch::Tensor> flat;
    for (const torch::Tensor& p : network->parameters()) {
      flat.push_back(p.detach().to(torch::kCPU).view({-1}));
    }
    return torch::cat(flat);
  };
  PpoUpdateStats cpu_stats, cuda_stats;
  const torch::Tensor cpu = update(torch::Device(torch::kCPU), &cpu_stats);
  const torch::Tensor cuda = update(torch::Device(torch::kCUDA), &cuda_stats);
  EXPECT_LT((cpu - cuda).abs().max().item<double>(), 1e-5);
  EXPECT_NEAR(cpu_stats.total_loss, cuda_stats.total_loss, 1e-4);
  EXPECT_NEAR(cpu_stats.kl, cuda_stats.kl, 1e-5);
  EXPECT_EQ(cpu_stats.minibatches, cuda_stats.minibatches);
}

TEST(PpoOptionsTest, Validates) {
  PpoOptions options;
  EXPECT_TRUE(options.validate().ok());
  options.clip_ratio = 0;
  EXPECT_FALSE(options.validate().ok());
  options = PpoOptions{};
  options.minibatch_size = 0;
  EXPECT_FALSE(options.validate().ok());
}

}  // namespace
}  // namespace macroplace::rl
