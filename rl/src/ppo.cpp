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

PpoBatch PpoBatch::to(torch::Device device) const {
  PpoBatch out;
  out.inputs = inputs.to(device);
  out.actions = actions.to(device);
  out.old_log_probs = old_log_probs.to(device);
  out.old_values = old_values.to(device);
  out.returns = returns.to(device);
  return out;
}

PpoBatch PpoBatch::cat(const std::vector<PpoBatch>& parts) {
  std::vector<PolicyInputs> inputs;
  std::vector<torch::Tensor> actions, old_log_probs, old_values, returns;
  for (const PpoBatch& part : parts) {
    inputs.push_back(part.inputs);
    actions.push_back(part.actions);
    old_log_probs.push_back(part.old_log_probs);
    old_values.push_back(part.old_values);
    returns.push_back(part.returns);
  }
  PpoBatch out;
  out.inputs = PolicyInputs::cat(inputs);
  out.actions = torch::cat(actions);
  out.old_log_probs = torch::cat(old_log_probs);
  out.old_values = torch::cat(old_values);
  out.returns = torch::cat(returns);
  return out;
}

namespace {

// The loss terms that are means over the rows (everything but the KL cutoff), given the rows'
// advantages: these sum exactly over a split of the rows when each part is weighted by its
// share of them.
PpoLoss mean_terms(const PpoOptions& options, const torch::Tensor& logits,
                   const torch::Tensor& values, const PpoBatch& batch,
                   const torch::Tensor& advantages) {
  const torch::Tensor log_probs_all = torch::log_softmax(logits, 1);
  const torch::Tensor log_probs = log_probs_all.gather(1, batch.actions.unsqueeze(1)).squeeze(1);
  // Masked entries have probability exactly 0 and a finite log-probability: no 0 x inf.
  const torch::Tensor entropy = -(log_probs_all.exp() * log_probs_all).sum(1);
  const torch::Tensor log_ratio = log_probs - batch.old_log_probs.to(logits.dtype());
  const torch::Tensor ratio = log_ratio.exp();
  const torch::Tensor clipped = ratio.clamp(1.0 - options.clip_ratio, 1.0 + options.clip_ratio);
  const torch::Tensor a = advantages.to(logits.dtype());
  PpoLoss loss;
  loss.policy = -torch::min(ratio * a, clipped * a).mean();
  loss.value =
      options.value_coefficient * (batch.returns.to(values.dtype()) - values).pow(2).mean();
  loss.entropy = entropy.mean();
  loss.kl = ((ratio - 1.0) - log_ratio).mean();
  loss.clip_fraction =
      ((ratio - 1.0).abs() > options.clip_ratio).to(logits.dtype()).mean().detach();
  return loss;
}

torch::Tensor advantages_of(const PpoOptions& options, const torch::Tensor& returns,
                            const torch::Tensor& old_values) {
  torch::Tensor advantages = returns - old_values;
  if (options.normalize_advantages && advantages.size(0) > 1) {
    advantages = (advantages - advantages.mean()) / (advantages.std(/*unbiased=*/false) + 1e-8);
  }
  return advantages;
}

torch::Tensor advantages_of(const PpoOptions& options, const PpoBatch& batch) {
  return advantages_of(options, batch.returns, batch.old_values);
}

// The KL cutoff's threshold: the cutoff term is coefficient x max(KL - threshold, 0)^2.
double kl_threshold(const PpoOptions& options) {
  return options.kl_cutoff_factor * options.kl_target;
}

}  // namespace

PpoLoss ppo_loss(const PpoOptions& options, double kl_beta, const torch::Tensor& logits,
                 const torch::Tensor& values, const PpoBatch& batch) {
  PpoLoss loss = mean_terms(options, logits, values, batch, advantages_of(options, batch));
  const torch::Tensor excess = torch::relu(loss.kl - kl_threshold(options));
  loss.kl_penalty = kl_beta * loss.kl + options.kl_cutoff_coefficient * excess.pow(2);
  loss.total =
      loss.policy + loss.value - options.entropy_coefficient * loss.entropy + loss.kl_penalty;
  return loss;
}

namespace {

// Per-minibatch means of the loss terms, as doubles.
struct MinibatchLoss {
  double policy = 0, value = 0, entropy = 0, kl = 0, clip_fraction = 0, total = 0;
};

// A minibatch's rows of one design.
struct Piece {
  const GraphTensors* graph = nullptr;
  PpoBatch batch;
};

// Accumulates the gradient of ppo_loss() on the minibatch made of `pieces` into the parameters'
// .grad, running the network on parts of at most `microbatch` rows of one design each: the same
// gradient as one pass (up to rounding) with a fraction of the memory, which on CPU is also
// faster (the activations of 128 Ariane observations do not fit in cache; 16 do far better).
// Every term but the KL cutoff is a mean over rows and adds up part by part; the cutoff,
// coefficient x max(KL - t, 0)^2, has the gradient 2 coefficient max(KL - t, 0) x dKL, so once KL
// is known (after the first pass) a second pass adds that multiple of each part's dKL, only when
// the cutoff is active.
MinibatchLoss accumulate_gradient(PolicyNetwork& network, const std::vector<Piece>& pieces,
                                  const PpoOptions& options, double kl_beta) {
  std::int64_t size = 0;
  for (const Piece& piece : pieces) size += piece.batch.size();
  const std::int64_t part_size =
      options.microbatch_size > 0 ? std::min<std::int64_t>(options.microbatch_size, size) : size;
  MinibatchLoss out;
  if (pieces.size() == 1 && part_size == size) {
    const PpoBatch& minibatch = pieces.front().batch;
    const PolicyOutputs outputs = network->forward(*pieces.front().graph, minibatch.inputs);
    const PpoLoss loss = ppo_loss(options, kl_beta, outputs.logits, outputs.values, minibatch);
    loss.total.backward();
    out.policy = loss.policy.item<double>();
    out.value = loss.value.item<double>();
    out.entropy = loss.entropy.item<double>();
    out.kl = loss.kl.item<double>();
    out.clip_fraction = loss.clip_fraction.item<double>();
    out.total = loss.total.item<double>();
    return out;
  }
  // Advantages are normalised over the whole minibatch, whatever design a row is of.
  torch::Tensor advantages;
  if (pieces.size() == 1) {
    advantages = advantages_of(options, pieces.front().batch);
  } else {
    std::vector<torch::Tensor> returns, old_values;
    for (const Piece& piece : pieces) {
      returns.push_back(piece.batch.returns);
      old_values.push_back(piece.batch.old_values);
    }
    advantages = advantages_of(options, torch::cat(returns), torch::cat(old_values));
  }
  struct Part {
    const Piece* piece;
    torch::Tensor rows, advantages;
  };
  std::vector<Part> parts;
  std::int64_t offset = 0;
  for (const Piece& piece : pieces) {
    const std::int64_t rows = piece.batch.size();
    for (std::int64_t begin = 0; begin < rows; begin += part_size) {
      const std::int64_t end = std::min(rows, begin + part_size);
      parts.push_back(
          {&piece,
           torch::arange(begin, end,
                         torch::TensorOptions(torch::kInt64).device(advantages.device())),
           advantages.slice(0, offset + begin, offset + end)});
    }
    offset += rows;
  }
  const auto part_terms = [&](const Part& part) {
    const PpoBatch rows = part.piece->batch.index(part.rows);
    const PolicyOutputs outputs = network->forward(*part.piece->graph, rows.inputs);
    return mean_terms(options, outputs.logits, outputs.values, rows, part.advantages);
  };
  for (const Part& part : parts) {
    const double share = static_cast<double>(part.rows.size(0)) / static_cast<double>(size);
    const PpoLoss terms = part_terms(part);
    const torch::Tensor partial = terms.policy + terms.value -
                                  options.entropy_coefficient * terms.entropy + kl_beta * terms.kl;
    (share * partial).backward();
    out.policy += share * terms.policy.item<double>();
    out.value += share * terms.value.item<double>();
    out.entropy += share * terms.entropy.item<double>();
    out.kl += share * terms.kl.item<double>();
    out.clip_fraction += share * terms.clip_fraction.item<double>();
  }
  const double excess = std::max(0.0, out.kl - kl_threshold(options));
  if (excess > 0 && options.kl_cutoff_coefficient > 0) {
    for (const Part& part : parts) {
      const double share = static_cast<double>(part.rows.size(0)) / static_cast<double>(size);
      (share * 2.0 * options.kl_cutoff_coefficient * excess * part_terms(part).kl).backward();
    }
  }
  out.total = out.policy + out.value - options.entropy_coefficient * out.entropy +
              kl_beta * out.kl + options.kl_cutoff_coefficient * excess * excess;
  return out;
}

}  // namespace

PpoUpdateStats ppo_update(PolicyNetwork& network, torch::optim::Adam& optimizer,
                          const GraphTensors& graph, const PpoBatch& batch,
                          const PpoOptions& options, double* kl_beta, std::mt19937_64* random) {
  return ppo_update(network, optimizer, std::vector<DesignBatch>{{&graph, batch}}, options, kl_beta,
                    random);
}

PpoUpdateStats ppo_update(PolicyNetwork& network, torch::optim::Adam& optimizer,
                          const std::vector<DesignBatch>& batches, const PpoOptions& options,
                          double* kl_beta, std::mt19937_64* random) {
  PpoUpdateStats stats;
  // The rows go to the network's device once, not per minibatch.
  const torch::Device device = network->device();
  std::vector<DesignBatch> moved;
  if (!device.is_cpu()) {
    for (const DesignBatch& part : batches) moved.push_back({part.graph, part.batch.to(device)});
  }
  const std::vector<DesignBatch>& parts = device.is_cpu() ? batches : moved;
  // Row r of the update is row r - begins[p] of the part p with begins[p] <= r < begins[p + 1].
  std::vector<std::int64_t> begins = {0};
  for (const DesignBatch& part : parts) begins.push_back(begins.back() + part.batch.size());
  const std::int64_t size = begins.back();
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
      // The minibatch's rows by design (in shuffled order within each).
      std::vector<std::vector<std::int64_t>> rows(parts.size());
      for (std::int64_t k = begin; k < end; ++k) {
        const std::int64_t row = order[k];
        const auto p = static_cast<std::size_t>(
            std::upper_bound(begins.begin(), begins.end(), row) - begins.begin() - 1);
        rows[p].push_back(row - begins[p]);
      }
      std::vector<Piece> pieces;
      for (std::size_t p = 0; p < parts.size(); ++p) {
        if (rows[p].empty()) continue;
        pieces.push_back({parts[p].graph,
                          parts[p].batch.index(torch::tensor(rows[p], torch::kInt64).to(device))});
      }
      optimizer.zero_grad();
      const MinibatchLoss loss = accumulate_gradient(network, pieces, options, *kl_beta);
      if (options.max_grad_norm > 0) {
        torch::nn::utils::clip_grad_norm_(parameters, options.max_grad_norm);
      }
      optimizer.step();
      stats.policy_loss += loss.policy;
      stats.value_loss += loss.value;
      stats.total_loss += loss.total;
      stats.entropy += loss.entropy;
      stats.clip_fraction += loss.clip_fraction;
      const double kl = loss.kl;
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
