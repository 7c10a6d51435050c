// PpoOptions: Proximal Policy Optimization as Circuit Training runs it (RL_REFERENCE.md, PPO):
// clipped objective, entropy bonus, value loss, adaptive KL penalty with a KL cutoff, global
// gradient-norm clipping, Monte-Carlo returns (discount 1), per-minibatch advantage
// normalisation, Adam.
//
// Contract: plain data, no LibTorch; validate() rejects values outside their ranges. The loss and
// the update loop are in torch_policy.h. The KL divergence between the collecting policy and the
// current one is estimated on the sampled actions (k3 estimator, (r - 1) - log r with
// r = pi_new / pi_old), so no full distributions are stored; CT computes it exactly.
//
//   PpoOptions ppo;                          // CT's values
//   ppo.learning_rate = 1e-3;
//   if (Status s = ppo.validate(); !s.ok()) ...
#pragma once

#include <cstdint>

#include "macroplace/base/status.h"

namespace macroplace::rl {

struct PpoOptions {
  double clip_ratio = 0.2;
  double entropy_coefficient = 0.01;
  double value_coefficient = 0.5;
  double discount = 1.0;  // Monte-Carlo returns
  // Adaptive KL penalty: beta x 1.5 when the iteration's KL exceeds target x (1 + tolerance),
  // / 1.5 below target x (1 - tolerance).
  double initial_kl_beta = 1.0;
  double kl_target = 0.01;
  double kl_tolerance = 0.3;
  // KL cutoff: coefficient x max(KL - factor x target, 0)^2 joins the loss; with
  // stop_on_kl_cutoff the epoch loop also stops once an epoch's mean KL exceeds factor x target.
  double kl_cutoff_factor = 2.0;
  double kl_cutoff_coefficient = 1000.0;
  bool stop_on_kl_cutoff = false;
  double max_grad_norm = 1.0;  // global gradient-norm clip; 0 disables
  bool normalize_advantages = true;
  double learning_rate = 4e-3;
  double adam_epsilon = 1e-5;
  std::int32_t minibatch_size = 128;
  // Rows per forward/backward pass inside a minibatch (gradients accumulate; the update is the
  // minibatch's): a memory and speed setting that leaves the result unchanged. 0: the whole
  // minibatch at once.
  std::int32_t microbatch_size = 16;
  std::int32_t epochs = 4;

  Status validate() const;
};

}  // namespace macroplace::rl
