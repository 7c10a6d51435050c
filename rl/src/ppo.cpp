// PPO's loss and update loop as Circuit Training (TF-Agents' PPOAgent) runs them.
#include <algorithm>
#include <numeric>
#include <vector>

#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl {

PpoBatch PpoBatch::index(const torch::Tensor& rows) const {
  PpoBatch out;
  out.inputs = inputs.index(rows);
  out.actions = actions.index_select(0, rows);
  out.old_log_probs = old_log_probs.index_select(0, rows);
  out.old_values = old_values.index_select(0, rows);
  out.returns = returns.index_select(0, rows);
  return out;
}

PpoLoss ppo_loss(const PpoOptions& options, double kl_beta, const torch::Tensor& logits,
                 const torch::Tensor& values, const PpoBatch& batch) {
  const torch::Tensor log_probs_all = torch::log_softmax(logits, 1);
  const torch::Tensor log_probs = log_probs_all.gather(1, batch.actions.unsqueeze(1)).squeeze(1);
  // Masked entries have probability exactly 0 and a finite log-probability: no 0 x inf.
  const torch::Tensor entropy = -(log_probs_all.exp() * log_probs_all).sum(1);

  torch::Tensor advantages = (batch.returns - batch.old_values).to(logits.dtype());
  if (options.normalize_advantages && advantages.size(0) > 1) {
    advantages = (advantages - advantages.mean()) / (advantages.std(/*unbiased=*/false) + 1e-8);
  }
  const torch::Tensor log_ratio = log_probs - batch.old_log_probs.to(logits.dtype());
  const torch::Tensor ratio = log_ratio.exp();
  const torch::Tensor clipped = ratio.clamp(1.0 - options.clip_ratio, 1.0 + options.clip_ratio);
  PpoLoss loss;
  loss.policy = -torch::min(ratio * advantages, clipped * advantages).mean();
  loss.value =
      options.value_coefficient * (batch.returns.to(values.dtype()) - values).pow(2).mean();
  loss.entropy = entropy.mean();
  loss.kl = ((ratio - 1.0) - log_ratio).mean();
  const torch::Tensor excess = torch::relu(loss.kl - options.kl_cutoff_factor * options.kl_target);
  loss.kl_penalty = kl_beta * loss.kl + options.kl_cutoff_coefficient * excess.pow(2);
  loss.clip_fraction =
      ((ratio - 1.0).abs() > options.clip_ratio).to(logits.dtype()).mean().detach();
  loss.total =
      loss.policy + loss.value - options.entropy_coefficient * loss.entropy + loss.kl_penalty;
  return loss;
}

PpoUpdateStats ppo_update(PolicyNetwork& network, torch::optim::Adam& optimizer,
                          const GraphTensors& graph, const PpoBatch& batch,
                          const PpoOptions& options, double* kl_beta, std::mt19937_64* random) {
  PpoUpdateStats stats;
  const std::int64_t size = batch.size();
  std::vector<std::int64_t> order(static_cast<std::size_t>(size));
  double kl_sum = 0;
  std::int32_t kl_count = 0;
  const std::vector<torch::Tensor> parameters = network->parameters();
  for (std::int32_t epoch = 0; epoch < options.epochs && size > 0; ++epoch) {
    std::iota(order.begin(), order.end(), 0);
    // Fisher-Yates with raw 64-bit draws: the same permutation on every standard library.
    for (std::size_t i = order.size(); i > 1; --i) {
      std::swap(order[i - 1], order[(*random)() % i]);
    }
    double epoch_kl = 0;
    std::int32_t epoch_minibatches = 0;
    for (std::int64_t begin = 0; begin < size; begin += options.minibatch_size) {
      const std::int64_t end = std::min<std::int64_t>(size, begin + options.minibatch_size);
      const torch::Tensor rows = torch::tensor(
          std::vector<std::int64_t>(order.begin() + begin, order.begin() + end), torch::kInt64);
      const PpoBatch minibatch = batch.index(rows);
      const PolicyOutputs outputs = network->forward(graph, minibatch.inputs);
      const PpoLoss loss = ppo_loss(options, *kl_beta, outputs.logits, outputs.values, minibatch);
      optimizer.zero_grad();
      loss.total.backward();
      if (options.max_grad_norm > 0) {
        torch::nn::utils::clip_grad_norm_(parameters, options.max_grad_norm);
      }
      optimizer.step();
      stats.policy_loss += loss.policy.item<double>();
      stats.value_loss += loss.value.item<double>();
      stats.total_loss += loss.total.item<double>();
      stats.entropy += loss.entropy.item<double>();
      stats.clip_fraction += loss.clip_fraction.item<double>();
      const double kl = loss.kl.item<double>();
      stats.kl += kl;
      epoch_kl += kl;
      ++epoch_minibatches;
      ++stats.minibatches;
    }
    ++stats.epochs_run;
    kl_sum += epoch_kl;
    kl_count += epoch_minibatches;
    if (options.stop_on_kl_cutoff && epoch_minibatches > 0 &&
        epoch_kl / epoch_minibatches > options.kl_cutoff_factor * options.kl_target) {
      break;
    }
  }
  if (stats.minibatches > 0) {
    const double n = stats.minibatches;
    stats.policy_loss /= n;
    stats.value_loss /= n;
    stats.total_loss /= n;
    stats.entropy /= n;
    stats.clip_fraction /= n;
    stats.kl /= n;
  }
  // TF-Agents' adaptive KL penalty, on the iteration's mean KL.
  const double mean_kl = kl_count > 0 ? kl_sum / kl_count : 0.0;
  if (mean_kl > options.kl_target * (1.0 + options.kl_tolerance)) {
    *kl_beta *= 1.5;
  } else if (mean_kl < options.kl_target * (1.0 - options.kl_tolerance)) {
    *kl_beta /= 1.5;
  }
  stats.kl_beta = *kl_beta;
  return stats;
}

}  // namespace macroplace::rl
