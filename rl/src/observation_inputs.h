// Internal: environment observations as PolicyInputs tensors (shared by the trainer and the
// policy placer).
#pragma once

#include <cstdint>

#include "macroplace/env/batched_env.h"
#include "macroplace/env/observation.h"
#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl::internal {

// Rows `rows` (int64) of a BatchedEnv's storage; node features cut to the real `num_nodes`.
PolicyInputs inputs_from_batch(env::BatchStorage& storage, const env::ObservationConfig& config,
                               std::int64_t num_envs, std::int64_t num_nodes, bool spatial,
                               const torch::Tensor& rows);

// Checkpoint helpers: the architecture as int64 values, and back.
torch::Tensor encode_policy_options(const PolicyOptions& options);
bool decode_policy_options(const torch::Tensor& encoded, PolicyOptions* options);

}  // namespace macroplace::rl::internal
