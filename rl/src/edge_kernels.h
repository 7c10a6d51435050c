// The edge layers' per-edge work on the CPU as loops over nodes (internal to rl/).
//
// An edge layer's embedding of edge e = (s, d) with weight w_e is
//   x_e = 0.5 (relu(a_s + b_d + w_e t) + relu(a_d + b_s + w_e t)),
// with a = first(h), b = second(h) per node ([N,B,W], node-major) and t the layer's weight term
// [W]; each node then adds the mean of its incident edges' embeddings, and the readout takes the
// mean, variance, maximum and minimum of the last layer's embeddings over all edges. As tensor
// operations that takes gathers into [E,B,W] temporaries, a sparse product, reductions and
// their backward scatters: for Ariane (9,576 edges) and a microbatch of 16 each temporary is 20
// MB, and the PPO update streams dozens of them per layer through memory. These functions
// compute the same without any [E,B,W] tensor: per node (or per range of edges), reading only
// the [N,B,W] inputs (a few MB, cache-resident), recomputing embeddings and relu masks in
// backward rather than keeping them. Every sum runs in a fixed order (a node's incident edges in
// the graph's node_offsets / incident_edge / incident_node lists; fixed ranges of edges), so
// results do not depend on the number of threads.
//
// Both are differentiable in a, b and weight_term (LibTorch autograd functions), for float and
// double tensors on the CPU; the graph's tensors are constants.
#pragma once

#include <torch/torch.h>

#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl::internal {

// The mean of each node's incident edge embeddings: [N,B,W] (zero for an isolated node).
torch::Tensor edge_mean(const GraphTensors& graph, const torch::Tensor& a, const torch::Tensor& b,
                        const torch::Tensor& weight_term);

// Per batch row, the embeddings' mean, variance (about the mean, over E), maximum and minimum
// over all edges, side by side: [B, 4W]. The graph must have edges.
torch::Tensor edge_statistics(const GraphTensors& graph, const torch::Tensor& a,
                              const torch::Tensor& b, const torch::Tensor& weight_term);

}  // namespace macroplace::rl::internal
