// A tiny policy network and graph for the rl/ tests: small enough for finite differences and
// hand-checked formulas, with every part of CT's architecture present.
#pragma once

#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl {

// Widths of 2-3, two edge layers, a 2x2 head upsampled once to the 4x4 action grid.
inline PolicyOptions tiny_options() {
  PolicyOptions options;
  options.metadata_width = 3;
  options.node_width = 3;
  options.edge_layers = 2;
  options.attention_width = 2;
  options.head_channels = 2;
  options.head_side = 2;
  options.deconv_channels = {2};
  options.value_hidden = {3};
  options.action_side = 4;
  return options;
}

// Four nodes, three weighted edges (node 2 and 3 have one edge each, node 0 two).
inline GraphTensors tiny_graph() {
  return make_graph_tensors(4, {0, 1, 0}, {1, 2, 3}, {1.0, 0.5, 2.0});
}

}  // namespace macroplace::rl
