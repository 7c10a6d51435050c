// Supervised warm-up of the policy's graph encoder: before any reinforcement learning, the
// encoder learns to tell good placements of a design from bad ones by predicting their cost
// components (AlphaChip's supervised pre-training of its encoder on labelled placements,
// Mirhoseini et al., Nature 2021; Circuit Training does not ship one). The placements and their
// exact costs come from datasets (`macroplace dataset build`, pretrain/dataset.h).
//
// Contract:
// - Each placement is shown to the network as the observation at the end of an episode: every
//   macro at its centre in the placement, every hard macro marked placed, the current node 0
//   (the environment's observation layout, env/observation.h, with the design's metadata and
//   port clusters). The encoder's readout feeds a small regression head (Dense 32, ReLU,
//   Dense 3) that predicts wirelength, density and congestion cost (each standardised over the
//   design's training placements) of each placement of a minibatch as differences from the
//   minibatch's mean. Minibatches hold one design's placements and the readout is scaled to
//   unit variance over the minibatch before the head: the task is to tell a design's
//   placements apart, not to recognise the design (its metadata would give that away), and a
//   design's placements differ in the readout far less than designs do.
// - Each design's placements are split, seeded, into training and validation ones (at least
//   two of each; a design with fewer than four placements is an error naming it); validation
//   placements are compared in groups of a minibatch's size. Minibatches of each design's
//   shuffled training placements (a last single one joins the one before), in an order
//   shuffled across designs, each take one Adam step. Loss: the mean squared error over the
//   three components, so predicting no differences scores about 1 (WarmupResult::baseline_loss
//   says exactly what it scores on the validation placements).
// - Only the encoder (metadata and node encoders, edge layers, attention) and the throwaway
//   regression head are trained; the policy head and value head keep their weights. The
//   result is a policy file (architecture and weights, what `--init` and `place --method
//   rl:FILE` read), written atomically.
// - Repeatable: the same inputs and options give the same losses and weights with one LibTorch
//   thread.
//
//   std::vector<WarmupDesign> designs = ...;        // from a dataset's designs and samples
//   WarmupResult result;
//   Status s = warm_up_encoder(designs, WarmupOptions{}, "warm.pt", &result, progress);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/rl/policy.h"

namespace macroplace::rl {

// One design's labelled placements.
struct WarmupDesign {
  std::string name;
  std::shared_ptr<const netlist::Netlist> netlist;
  placement::CostSettings settings;
  // The nodes each placement lists (a dataset's placeable nodes); every macro must be among them.
  std::vector<netlist::NodeId> nodes;
  // Per placement: centres of `nodes` (um) and the placement's exact costs.
  std::vector<std::vector<double>> x, y;
  std::vector<placement::CostBreakdown> costs;
};

struct WarmupOptions {
  PolicyOptions policy;        // a new network's architecture (ignored with initial_policy)
  std::string initial_policy;  // start from this policy or checkpoint file instead
  env::EnvOptions env;         // the observation's rules (its side is set to the policy's)
  std::int32_t epochs = 30;
  std::int32_t minibatch_size = 32;  // placements of one design per Adam step, at least 2
  double learning_rate = 1e-3;
  double validation_share = 0.2;  // of each design's placements
  double time_limit_seconds = 0;  // stop after the epoch that passes it; 0: none
  std::int32_t torch_threads = 1;
  std::uint64_t seed = 1;

  Status validate() const;
};

struct WarmupEpoch {
  std::int32_t epoch = 0;  // 1-based
  double train_loss = 0;   // mean over the epoch's minibatches, while training
  double validation_loss = 0;
  double seconds = 0;  // since the start of the warm-up
};

struct WarmupResult {
  std::int64_t train_placements = 0, validation_placements = 0;
  double baseline_loss = 0;  // validation loss of predicting no differences within a group
  double initial_loss = 0;   // validation loss of the network before the first epoch
  std::vector<WarmupEpoch> epochs;
  std::int64_t parameter_count = 0;
};

// Trains the encoder on `designs` and writes the policy to `policy_path`; `progress` (may be
// empty) hears each epoch.
Status warm_up_encoder(const std::vector<WarmupDesign>& designs, const WarmupOptions& options,
                       const std::string& policy_path, WarmupResult* result,
                       const std::function<void(const WarmupEpoch&)>& progress);

}  // namespace macroplace::rl
