// PolicyOptions: the shape of the policy/value network, Circuit Training's by default
// (RL_REFERENCE.md, Model): metadata and node encoders, edge-centric graph layers, a readout of
// metadata, edge statistics, attention from the current node and its embedding, a transposed-
// convolution policy head over the side x side action grid and an MLP value head.
//
// Contract: plain data, no LibTorch; validate() checks that the head's upsampling reaches the
// action side (head_side x 2^deconv_channels.size() == action_side). The network itself is in
// torch_policy.h (the only header that includes LibTorch). With spatial_features, the
// environment's wire mask and density maps join the policy head as two extra channels before
// its last convolution (the environment must then compute them: EnvOptions::observation).
//
//   PolicyOptions options;                 // CT's architecture, ~126k parameters
//   options.spatial_features = true;       // beyond CT
//   if (Status s = options.validate(); !s.ok()) ...
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "macroplace/base/status.h"

namespace macroplace::rl {

struct PolicyOptions {
  std::int32_t metadata_width = 8;   // metadata encoder Dense(8)
  std::int32_t node_width = 8;       // node encoder Dense(8); edge embeddings have this width too
  std::int32_t edge_layers = 3;      // edge-centric graph layers, each with its own weights
  std::int32_t attention_width = 8;  // attention values; keys have node_width (the query's)
  // Policy head: Dense(head_channels x head_side^2) reshaped to head_side x head_side x
  // head_channels, then one stride-2 transposed convolution per entry, then a stride-1 one to a
  // single channel.
  std::int32_t head_channels = 32;
  std::int32_t head_side = 8;
  std::vector<std::int32_t> deconv_channels = {16, 8, 4, 2};
  std::vector<std::int32_t> value_hidden = {32, 8};
  std::int32_t action_side = 128;
  bool spatial_features = false;  // wire mask + density as extra head channels

  Status validate() const;
  // Sizes the head to a columns x rows grid: the smallest action side head_side x 2^k that holds
  // it, with the first k of the upsampling layers (their channels as they were). Circuit
  // Training's 128 x 128 head computes and masks 16,384 logits for Ariane's 24 x 21 grid; fitted,
  // it computes 1,024. A fitted policy places designs whose grid fits its side. An error when
  // the grid needs more layers than there are.
  Status fit_action_side(std::int32_t columns, std::int32_t rows);
  // The readout width: metadata + 4 edge statistics + attention + current node.
  std::int32_t readout_width() const { return metadata_width + 5 * node_width + attention_width; }
};

// Whether `name` is a device name the policy takes ("cpu", "cuda", "cuda:N", "auto"), whether or
// not this process can use it (parse_device in torch_policy.h says that).
bool is_device_name(const std::string& name);

}  // namespace macroplace::rl
