// Internal, shared by the trainer, the policy placer and the warm-up: environment observations as
// PolicyInputs tensors, one policy episode, checkpoint helpers.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/env/batched_env.h"
#include "macroplace/env/observation.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl::internal {

// Rows `rows` (int64) of a BatchedEnv's storage; node features cut to the real `num_nodes`.
PolicyInputs inputs_from_batch(env::BatchStorage& storage, const env::ObservationConfig& config,
                               std::int64_t num_envs, std::int64_t num_nodes, bool spatial,
                               const torch::Tensor& rows);

// One episode of `env` (reset with seed 0) with the policy: argmax actions when `random` is
// null, else sampled; the actions taken go to *actions.
void run_policy_episode(PolicyNetwork& network, const GraphTensors& graph, env::PlacementEnv* env,
                        std::mt19937_64* random, std::vector<std::int32_t>* actions);

// A trained policy from a checkpoint (its architecture and weights): from an open archive
// (throws on bad content), or from a file (checkpoint.pt or policy.pt; empty: the shipped one).
void read_policy(torch::serialize::InputArchive& archive, PolicyOptions* policy,
                 PolicyNetwork* network);
Status load_policy(const std::string& checkpoint, PolicyOptions* policy, PolicyNetwork* network);
// The policy alone (architecture and weights, what read_policy reads) into `archive`.
void write_policy(const PolicyNetwork& network, torch::serialize::OutputArchive* archive);
// An archive filled by `fill`, written to `target` through AtomicFile: a unique temporary that is
// synced before the rename, removed on an error or a signal, and swept by the next run after a
// SIGKILL. `what` names it in errors.
Status write_archive(const std::string& target, const std::string& what,
                     const std::function<void(torch::serialize::OutputArchive*)>& fill);

// The shipped policy's file (models/shipped-policy/policy.pt), as built into the library.
std::string_view shipped_policy();

// The first line of an exception's message: LibTorch's errors carry a C++ stack trace after it.
std::string one_line_reason(const std::exception& e);

// Checkpoint helpers: the architecture as int64 values, and back.
torch::Tensor encode_policy_options(const PolicyOptions& options);
bool decode_policy_options(const torch::Tensor& encoded, PolicyOptions* options);

}  // namespace macroplace::rl::internal
