// The LibTorch side of rl/: the policy/value network (Circuit Training's graph network, shaped
// by PolicyOptions), the PPO loss on a batch and the PPO update loop. The only rl/ header that
// includes LibTorch; the trainer, the placer and the CLI use the torch-free headers.
//
// Contract:
// - The design graph is constant per design: GraphTensors holds its edges once (int64 src/dst,
//   float weights, 1/degree per node) and every forward pass shares them across the batch.
// - PolicyNetwork::forward(graph, inputs) takes metadata [B,12], node features [B,N,6] (N = the
//   graph's real node count), current node [B] (int64), mask [B, side^2] (bool) and, with
//   spatial_features, spatial [B,2,side,side]; it returns logits [B, side^2] with masked actions
//   at kMaskedLogit, and values [B].
// - ppo_loss() computes CT's loss terms on a batch from logits and values (so it can be tested
//   without a network); ppo_update() runs epochs x minibatches of it with Adam, gradient-norm
//   clipping, the KL cutoff and, at the end, the adaptive KL beta update.
//
//   PolicyNetwork net(PolicyOptions{});
//   GraphTensors graph = make_graph_tensors(design->graph);
//   PolicyOutputs out = net->forward(graph, inputs);   // out.logits, out.values
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/env/design_graph.h"
#include "macroplace/env/observation.h"
#include "macroplace/rl/policy.h"
#include "macroplace/rl/ppo.h"

namespace macroplace::rl {

// A large negative logit for masked actions: exp() underflows to exactly 0 in float and double,
// and 0 x kMaskedLogit stays finite (an entropy term without NaN).
inline constexpr double kMaskedLogit = -1e9;

struct GraphTensors {
  torch::Tensor edge_src, edge_dst;  // int64 [E]
  torch::Tensor edge_weight;         // [E]
  torch::Tensor inverse_degree;      // [N, 1]: 1 / incident edges, 0 for isolated nodes
  torch::Tensor incidence;           // sparse [N, E]: 1 / degree(i) where edge e touches node i
  // Each node's incident edges in edge order (an edge from a node to itself twice, as the
  // degree counts it): node i's are entries node_offsets[i] .. node_offsets[i + 1] - 1 of
  // incident_edge (the edge) and incident_node (its other end). int64 [N + 1], [2E], [2E].
  torch::Tensor node_offsets, incident_edge, incident_node;
  std::int64_t num_nodes = 0;

  GraphTensors to(torch::Dtype dtype) const;
  GraphTensors to(torch::Device device) const;
};

// The device a `--device` names: "cpu", "cuda", "cuda:N" or "auto" (CUDA when this LibTorch has
// it and a GPU is visible, else the CPU). An error for a device this process cannot use, e.g.
// CUDA with Debian's CPU-only LibTorch.
Status parse_device(const std::string& name, torch::Device* out);

GraphTensors make_graph_tensors(const env::DesignGraph& graph);
// From explicit edges (tests, hand-made graphs).
GraphTensors make_graph_tensors(std::int64_t num_nodes, const std::vector<std::int64_t>& src,
                                const std::vector<std::int64_t>& dst,
                                const std::vector<double>& weight);

struct PolicyInputs {
  torch::Tensor metadata;       // [B, 12]
  torch::Tensor node_features;  // [B, N, 6]
  torch::Tensor current_node;   // int64 [B]
  torch::Tensor mask;           // bool [B, side^2]
  torch::Tensor spatial;        // [B, 2, side, side], only with spatial_features

  std::int64_t batch_size() const { return metadata.size(0); }
  PolicyInputs index(const torch::Tensor& rows) const;  // a subset of the batch
  PolicyInputs to(torch::Device device) const;
  static PolicyInputs cat(const std::vector<PolicyInputs>& parts);  // batches stacked in order
};

// One environment's observation as a batch of 1 (node features cut to the real `num_nodes`).
PolicyInputs inputs_from_observation(const env::Observation& observation,
                                     const env::ObservationConfig& config, std::int64_t num_nodes,
                                     bool spatial);

struct PolicyOutputs {
  torch::Tensor logits;  // [B, side^2], masked
  torch::Tensor values;  // [B]
};

// A 3x3 transposed convolution with padding 1 and output padding stride - 1 (the policy head's
// layers; stride 1 or 2) on channels-last tensors: x [B,H,W,Ci], weight [Ci,Co,3,3] (LibTorch's
// ConvTranspose2d layout), bias [Co] -> [B, stride H, stride W, Co]. The same function as
// ConvTranspose2d, computed as one matrix product over shifted copies of the input and a pixel
// shuffle: LibTorch's CPU transposed convolution loops over the batch (im2col/col2im) and took a
// third of a PPO update.
torch::Tensor transposed_conv3x3_nhwc(const torch::Tensor& x, const torch::Tensor& weight,
                                      const torch::Tensor& bias, std::int64_t stride);

class EdgeLayerImpl : public torch::nn::Module {
 public:
  explicit EdgeLayerImpl(std::int32_t width);
  // h [N,B,W] (node-major) -> (h + mean of incident edge embeddings [N,B,W], and when
  // with_statistics the embeddings' mean, variance, maximum and minimum over all edges [B,4W],
  // zero for a graph without edges; else undefined). On the CPU the edge work runs as loops that
  // never hold the [E,B,W] embeddings (rl/src/edge_kernels.h); elsewhere as tensor operations.
  std::pair<torch::Tensor, torch::Tensor> forward(const GraphTensors& graph, const torch::Tensor& h,
                                                  bool with_statistics);

 private:
  // FC([h_i, h_j, w]) = first(h_i) + second(h_j) + w * weight_term, split so that the dense part
  // runs per node rather than per edge; the same function as one Dense on 2W + 1 inputs.
  torch::nn::Linear first_{nullptr}, second_{nullptr};
  torch::Tensor weight_term_;
};
TORCH_MODULE(EdgeLayer);

class PolicyNetworkImpl : public torch::nn::Module {
 public:
  explicit PolicyNetworkImpl(const PolicyOptions& options);
  PolicyOutputs forward(const GraphTensors& graph, const PolicyInputs& inputs);
  // The 56-value readout (CT's), exposed for tests.
  torch::Tensor readout(const GraphTensors& graph, const PolicyInputs& inputs);
  // Inference: no gradient, `inputs` moved to the network's device (one copy per batch of
  // environments), the outputs back on the CPU, where actions are drawn. `graph` must be on the
  // network's device (GraphTensors::to, once per design).
  PolicyOutputs act(const GraphTensors& graph, const PolicyInputs& inputs);
  const PolicyOptions& options() const { return options_; }
  std::int64_t parameter_count() const;
  torch::Device device() const;  // where the parameters are

 private:
  PolicyOptions options_;
  torch::nn::Linear metadata_encoder_{nullptr}, node_encoder_{nullptr};
  std::vector<EdgeLayer> edge_layers_;
  torch::nn::Linear attention_key_{nullptr}, attention_value_{nullptr};
  torch::nn::Linear head_dense_{nullptr};
  std::vector<torch::nn::ConvTranspose2d> deconvs_;
  torch::nn::ConvTranspose2d head_out_{nullptr};
  std::vector<torch::nn::Linear> value_layers_;
};
TORCH_MODULE(PolicyNetwork);

// A batch of collected steps for PPO.
struct PpoBatch {
  PolicyInputs inputs;
  torch::Tensor actions;        // int64 [B]
  torch::Tensor old_log_probs;  // [B]
  torch::Tensor old_values;     // [B]
  torch::Tensor returns;        // [B]

  std::int64_t size() const { return actions.size(0); }
  PpoBatch index(const torch::Tensor& rows) const;
  PpoBatch to(torch::Device device) const;
  static PpoBatch cat(const std::vector<PpoBatch>& parts);  // batches stacked in order
};

// One design's rows of a PPO update over several designs: the design's graph (not owned) and
// its batch. Designs differ in node count and episode length; the action grid is the policy's.
struct DesignBatch {
  const GraphTensors* graph = nullptr;
  PpoBatch batch;
};

struct PpoLoss {
  torch::Tensor total;          // what is minimised
  torch::Tensor policy;         // -mean(min(r A, clip(r) A))
  torch::Tensor value;          // value_coefficient x mean((R - V)^2)
  torch::Tensor entropy;        // mean entropy (the loss adds -entropy_coefficient x this)
  torch::Tensor kl;             // mean KL estimate (old || new)
  torch::Tensor kl_penalty;     // beta x kl + cutoff term
  torch::Tensor clip_fraction;  // share of samples with |r - 1| > clip_ratio
};

PpoLoss ppo_loss(const PpoOptions& options, double kl_beta, const torch::Tensor& logits,
                 const torch::Tensor& values, const PpoBatch& batch);

struct PpoUpdateStats {
  double policy_loss = 0, value_loss = 0, total_loss = 0, entropy = 0, kl = 0, clip_fraction = 0;
  std::int32_t epochs_run = 0, minibatches = 0;
  double kl_beta = 0;  // after the adaptive update
};

// Epochs x shuffled minibatches (the shuffle drawn from `random`); updates *kl_beta at the end.
// Runs on the network's device: the batches are moved there once (graphs must be there).
PpoUpdateStats ppo_update(PolicyNetwork& network, torch::optim::Adam& optimizer,
                          const GraphTensors& graph, const PpoBatch& batch,
                          const PpoOptions& options, double* kl_beta, std::mt19937_64* random);
// The same over the rows of several designs as one batch (parts in order, then rows in order):
// minibatches are shuffled across designs, advantages normalised over each whole minibatch, and
// each design's rows run through the network with that design's graph. With one part it is the
// update above, bit for bit.
PpoUpdateStats ppo_update(PolicyNetwork& network, torch::optim::Adam& optimizer,
                          const std::vector<DesignBatch>& parts, const PpoOptions& options,
                          double* kl_beta, std::mt19937_64* random);

// Masked-categorical helpers on one row of logits: a sample (inverse CDF with `random`) and the
// argmax. Both return legal actions only.
std::int64_t sample_action(const torch::Tensor& logits_row, std::mt19937_64* random);
std::int64_t greedy_action(const torch::Tensor& logits_row);

}  // namespace macroplace::rl
