// Circuit Training's policy/value network in LibTorch (RL_REFERENCE.md, Model).
#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "edge_kernels.h"
#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl {

GraphTensors GraphTensors::to(torch::Dtype dtype) const {
  GraphTensors out = *this;
  out.edge_weight = edge_weight.to(dtype);
  out.inverse_degree = inverse_degree.to(dtype);
  out.incidence = incidence.to(dtype);
  return out;
}

GraphTensors GraphTensors::to(torch::Device device) const {
  GraphTensors out = *this;
  out.edge_src = edge_src.to(device);
  out.edge_dst = edge_dst.to(device);
  out.edge_weight = edge_weight.to(device);
  out.inverse_degree = inverse_degree.to(device);
  out.incidence = incidence.to(device);
  out.node_offsets = node_offsets.to(device);
  out.incident_edge = incident_edge.to(device);
  out.incident_node = incident_node.to(device);
  return out;
}

Status parse_device(const std::string& name, torch::Device* out) {
  const bool cuda_here = torch::cuda::is_available();
  const auto unknown = [&name] {
    return Status::error("device '" + name + "': expected cpu, cuda, cuda:N or auto");
  };
  if (name == "auto") {
    *out = cuda_here ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    return {};
  }
  if (!is_device_name(name)) return unknown();
  try {
    *out = torch::Device(name);
  } catch (const std::exception&) {  // e.g. an index beyond a device index's range
    return unknown();
  }
  if (out->is_cuda()) {
    if (!cuda_here) {
      return Status::error("device '" + name +
                           "': this LibTorch has no CUDA or sees no GPU (Debian's libtorch is "
                           "CPU-only; build rl/ against a CUDA LibTorch, see docs/PERFORMANCE.md)");
    }
    if (out->has_index() && out->index() >= static_cast<int>(torch::cuda::device_count())) {
      return Status::error("device '" + name + "': only " +
                           std::to_string(torch::cuda::device_count()) + " GPU(s) visible");
    }
  }
  return {};
}

GraphTensors make_graph_tensors(std::int64_t num_nodes, const std::vector<std::int64_t>& src,
                                const std::vector<std::int64_t>& dst,
                                const std::vector<double>& weight) {
  GraphTensors graph;
  graph.num_nodes = num_nodes;
  const auto edges = static_cast<std::int64_t>(src.size());
  graph.edge_src = torch::tensor(src, torch::kInt64).reshape({edges});
  graph.edge_dst = torch::tensor(dst, torch::kInt64).reshape({edges});
  graph.edge_weight = torch::tensor(weight, torch::kFloat64).to(torch::kFloat32).reshape({edges});
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(num_nodes) + 1, 0);
  for (std::size_t e = 0; e < src.size(); ++e) {
    ++offsets[static_cast<std::size_t>(src[e]) + 1];
    ++offsets[static_cast<std::size_t>(dst[e]) + 1];
  }
  for (std::size_t i = 1; i < offsets.size(); ++i) offsets[i] += offsets[i - 1];
  // A node's degree is its count of incident-list entries.
  std::vector<double> degree(static_cast<std::size_t>(num_nodes), 0.0);
  for (std::size_t i = 0; i < degree.size(); ++i) {
    const auto d = static_cast<double>(offsets[i + 1] - offsets[i]);
    degree[i] = d > 0 ? 1.0 / d : 0.0;
  }
  graph.inverse_degree =
      torch::tensor(degree, torch::kFloat64).to(torch::kFloat32).reshape({num_nodes, 1});
  // Sparse [N, E] mean-aggregation matrix: 1/degree(i) for each edge incident to node i.
  const torch::Tensor edge_index = torch::arange(edges, torch::kInt64);
  const torch::Tensor indices = torch::stack(
      {torch::cat({graph.edge_src, graph.edge_dst}), torch::cat({edge_index, edge_index})});
  const torch::Tensor values =
      torch::cat({graph.inverse_degree.view({-1}).index_select(0, graph.edge_src),
                  graph.inverse_degree.view({-1}).index_select(0, graph.edge_dst)});
  graph.incidence = torch::sparse_coo_tensor(indices, values, {num_nodes, edges}).coalesce();
  std::vector<std::int64_t> next(offsets.begin(), offsets.end() - 1);
  std::vector<std::int64_t> incident_edge(2 * src.size()), incident_node(2 * src.size());
  for (std::size_t e = 0; e < src.size(); ++e) {
    const auto s = static_cast<std::size_t>(src[e]), d = static_cast<std::size_t>(dst[e]);
    incident_edge[static_cast<std::size_t>(next[s])] = static_cast<std::int64_t>(e);
    incident_node[static_cast<std::size_t>(next[s]++)] = dst[e];
    incident_edge[static_cast<std::size_t>(next[d])] = static_cast<std::int64_t>(e);
    incident_node[static_cast<std::size_t>(next[d]++)] = src[e];
  }
  graph.node_offsets = torch::tensor(offsets, torch::kInt64);
  graph.incident_edge = torch::tensor(incident_edge, torch::kInt64);
  graph.incident_node = torch::tensor(incident_node, torch::kInt64);
  return graph;
}

GraphTensors make_graph_tensors(const env::DesignGraph& graph) {
  std::vector<std::int64_t> src(graph.edge_src.begin(), graph.edge_src.end());
  std::vector<std::int64_t> dst(graph.edge_dst.begin(), graph.edge_dst.end());
  return make_graph_tensors(graph.num_nodes(), src, dst, graph.edge_weight);
}

torch::Tensor transposed_conv3x3_nhwc(const torch::Tensor& x, const torch::Tensor& weight,
                                      const torch::Tensor& bias, std::int64_t stride) {
  // Output row stride*i + a takes input row i + dy through kernel row ky wherever
  // stride*(i + dy) - 1 + ky == stride*i + a (padding 1), i.e. dy = (a + 1 - ky) / stride.
  struct Tap {
    std::int64_t phase, shift, k;
  };
  std::vector<Tap> taps;
  std::int64_t low = 0, high = 0;
  for (std::int64_t a = 0; a < stride; ++a) {
    for (std::int64_t k = 0; k < 3; ++k) {
      if ((a + 1 - k) % stride != 0) continue;
      const std::int64_t dy = (a + 1 - k) / stride;
      taps.push_back({a, dy, k});
      low = std::min(low, dy);
      high = std::max(high, dy);
    }
  }
  const std::int64_t shifts = high - low + 1;
  const std::int64_t batch = x.size(0), rows = x.size(1), cols = x.size(2);
  const std::int64_t in_channels = x.size(3), out_channels = weight.size(1);
  // Every shifted copy of the input side by side on the channel axis: [B,H,W,shifts^2 x Ci].
  const torch::Tensor padded = torch::constant_pad_nd(x, {0, 0, -low, high, -low, high});
  std::vector<torch::Tensor> patches;
  for (std::int64_t sy = 0; sy < shifts; ++sy) {
    for (std::int64_t sx = 0; sx < shifts; ++sx) {
      patches.push_back(padded.narrow(1, sy, rows).narrow(2, sx, cols));
    }
  }
  // The kernel as one [shifts^2 x Ci, stride^2 x Co] matrix: block (shift, phase) holds the tap
  // that joins them, zero where none does.
  const torch::Tensor zero = torch::zeros({in_channels, out_channels}, weight.options());
  std::vector<torch::Tensor> blocks(static_cast<std::size_t>(shifts * shifts * stride * stride),
                                    zero);
  for (const Tap& ty : taps) {
    for (const Tap& tx : taps) {
      const std::int64_t shift = (ty.shift - low) * shifts + (tx.shift - low);
      const std::int64_t phase = ty.phase * stride + tx.phase;
      blocks[static_cast<std::size_t>(shift * stride * stride + phase)] =
          weight.select(3, tx.k).select(2, ty.k);
    }
  }
  std::vector<torch::Tensor> block_rows;
  for (std::int64_t shift = 0; shift < shifts * shifts; ++shift) {
    block_rows.push_back(
        torch::cat(std::vector<torch::Tensor>(blocks.begin() + shift * stride * stride,
                                              blocks.begin() + (shift + 1) * stride * stride),
                   1));
  }
  const torch::Tensor matrix = torch::cat(block_rows, 0);
  const torch::Tensor phases =
      torch::matmul(torch::cat(patches, 3), matrix)  // [B,H,W,stride^2 x Co]
          .view({batch, rows, cols, stride, stride, out_channels})
          .permute({0, 1, 3, 2, 4, 5})
          .reshape({batch, rows * stride, cols * stride, out_channels});
  return phases + bias;
}

PolicyInputs PolicyInputs::index(const torch::Tensor& rows) const {
  PolicyInputs out;
  out.metadata = metadata.index_select(0, rows);
  out.node_features = node_features.index_select(0, rows);
  out.current_node = current_node.index_select(0, rows);
  out.mask = mask.index_select(0, rows);
  if (spatial.defined()) out.spatial = spatial.index_select(0, rows);
  return out;
}

PolicyInputs PolicyInputs::to(torch::Device device) const {
  PolicyInputs out;
  out.metadata = metadata.to(device);
  out.node_features = node_features.to(device);
  out.current_node = current_node.to(device);
  out.mask = mask.to(device);
  if (spatial.defined()) out.spatial = spatial.to(device);
  return out;
}

PolicyInputs PolicyInputs::cat(const std::vector<PolicyInputs>& parts) {
  std::vector<torch::Tensor> metadata, nodes, current, masks, spatial;
  for (const PolicyInputs& part : parts) {
    metadata.push_back(part.metadata);
    nodes.push_back(part.node_features);
    current.push_back(part.current_node);
    masks.push_back(part.mask);
    if (part.spatial.defined()) spatial.push_back(part.spatial);
  }
  PolicyInputs out;
  out.metadata = torch::cat(metadata);
  out.node_features = torch::cat(nodes);
  out.current_node = torch::cat(current);
  out.mask = torch::cat(masks);
  if (!spatial.empty()) out.spatial = torch::cat(spatial);
  return out;
}

EdgeLayerImpl::EdgeLayerImpl(std::int32_t width) {
  first_ = register_module("first", torch::nn::Linear(torch::nn::LinearOptions(width, width)));
  second_ = register_module("second",
                            torch::nn::Linear(torch::nn::LinearOptions(width, width).bias(false)));
  // Initialised like the weight column of a Dense on 2W + 1 inputs.
  const double bound = 1.0 / std::sqrt(2.0 * width + 1.0);
  weight_term_ = register_parameter("weight_term", torch::empty({width}).uniform_(-bound, bound));
}

std::pair<torch::Tensor, torch::Tensor> EdgeLayerImpl::forward(const GraphTensors& graph,
                                                               const torch::Tensor& h,
                                                               bool with_statistics) {
  const torch::Tensor a = first_->forward(h);   // [N,B,W], with the bias
  const torch::Tensor b = second_->forward(h);  // [N,B,W]
  const std::int64_t batch = h.size(1), width = h.size(2);
  torch::Tensor statistics;
  if (with_statistics && graph.edge_src.numel() == 0) {
    statistics = torch::zeros({batch, 4 * width}, h.options());
  }
  if (h.device().is_cpu()) {
    if (with_statistics && !statistics.defined()) {
      statistics = internal::edge_statistics(graph, a, b, weight_term_);
    }
    return {h + internal::edge_mean(graph, a, b, weight_term_), statistics};
  }
  // Node-major layout [N,B,W]: gathers and scatters along dim 0 take LibTorch's fast paths
  // (along dim 1 they were several times slower on CPU).
  const torch::Tensor weight_part =
      (graph.edge_weight.unsqueeze(1) * weight_term_.unsqueeze(0)).unsqueeze(1);  // [E,1,W]
  // In place where autograd allows it (add's backward keeps nothing; relu keeps its output):
  // fewer temporaries of [E,B,W], the size that dominates the step.
  const torch::Tensor forward_edge = a.index_select(0, graph.edge_src)
                                         .add_(b.index_select(0, graph.edge_dst))
                                         .add_(weight_part)
                                         .relu_();
  const torch::Tensor backward_edge = a.index_select(0, graph.edge_dst)
                                          .add_(b.index_select(0, graph.edge_src))
                                          .add_(weight_part)
                                          .relu_();
  const torch::Tensor edges = (forward_edge + backward_edge).mul_(0.5);  // [E,B,W]
  // Mean over incident edges as one sparse product (index_add is a per-row loop on CPU).
  const torch::Tensor mean =
      torch::mm(graph.incidence, edges.reshape({edges.size(0), h.size(1) * h.size(2)}))
          .view(h.sizes());
  if (with_statistics && !statistics.defined()) {
    const torch::Tensor edge_mean = edges.mean(0);
    statistics = torch::cat({edge_mean, (edges - edge_mean).square().mean(0),
                             std::get<0>(edges.max(0)), std::get<0>(edges.min(0))},
                            1);
  }
  return {h + mean, statistics};
}

PolicyNetworkImpl::PolicyNetworkImpl(const PolicyOptions& options) : options_(options) {
  using torch::nn::Linear;
  using torch::nn::LinearOptions;
  metadata_encoder_ =
      register_module("metadata_encoder", Linear(LinearOptions(12, options.metadata_width)));
  node_encoder_ = register_module("node_encoder", Linear(LinearOptions(6, options.node_width)));
  for (std::int32_t i = 0; i < options.edge_layers; ++i) {
    edge_layers_.push_back(
        register_module("edge_layer" + std::to_string(i), EdgeLayer(options.node_width)));
  }
  attention_key_ = register_module("attention_key",
                                   Linear(LinearOptions(options.node_width, options.node_width)));
  attention_value_ = register_module(
      "attention_value", Linear(LinearOptions(options.node_width, options.attention_width)));
  const std::int64_t readout = options.readout_width();
  head_dense_ = register_module(
      "head_dense", Linear(LinearOptions(readout, static_cast<std::int64_t>(options.head_channels) *
                                                      options.head_side * options.head_side)));
  std::int64_t channels = options.head_channels;
  deconvs_.reserve(options.deconv_channels.size());
  for (std::size_t i = 0; i < options.deconv_channels.size(); ++i) {
    deconvs_.push_back(
        register_module("deconv" + std::to_string(i),
                        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(
                                                       channels, options.deconv_channels[i], 3)
                                                       .stride(2)
                                                       .padding(1)
                                                       .output_padding(1))));
    channels = options.deconv_channels[i];
  }
  if (options.spatial_features) channels += 2;
  head_out_ = register_module(
      "head_out", torch::nn::ConvTranspose2d(
                      torch::nn::ConvTranspose2dOptions(channels, 1, 3).stride(1).padding(1)));
  std::int64_t width = readout;
  value_layers_.reserve(options.value_hidden.size() + 1);
  for (std::size_t i = 0; i <= options.value_hidden.size(); ++i) {
    const std::int64_t next = i < options.value_hidden.size() ? options.value_hidden[i] : 1;
    value_layers_.push_back(
        register_module("value" + std::to_string(i), Linear(LinearOptions(width, next))));
    width = next;
  }
}

torch::Tensor PolicyNetworkImpl::readout(const GraphTensors& graph, const PolicyInputs& inputs) {
  const torch::Tensor metadata = torch::relu(metadata_encoder_->forward(inputs.metadata));
  // Node-major [N,B,W] through the graph layers (see EdgeLayerImpl::forward).
  torch::Tensor h =
      torch::relu(node_encoder_->forward(inputs.node_features.transpose(0, 1).contiguous()));
  const std::int64_t batch = h.size(1);
  // The last layer's edge statistics feed the readout.
  torch::Tensor statistics;
  for (std::size_t i = 0; i < edge_layers_.size(); ++i) {
    std::tie(h, statistics) = edge_layers_[i]->forward(graph, h, i + 1 == edge_layers_.size());
  }
  if (!statistics.defined()) {
    statistics = torch::zeros({batch, 4 * options_.node_width}, h.options());
  }
  h = h.transpose(0, 1);  // [B,N,W]
  // Attention of the current node (query) over every node.
  const torch::Tensor rows = torch::arange(batch, inputs.current_node.options());
  const torch::Tensor current = h.index({rows, inputs.current_node});  // [B,W]
  const torch::Tensor keys = attention_key_->forward(h);               // [B,N,W]
  const torch::Tensor values = attention_value_->forward(h);           // [B,N,A]
  const torch::Tensor scores = torch::bmm(keys, current.unsqueeze(2)).squeeze(2) /
                               std::sqrt(static_cast<double>(options_.node_width));
  const torch::Tensor weights = torch::softmax(scores, 1);                              // [B,N]
  const torch::Tensor attention = torch::bmm(weights.unsqueeze(1), values).squeeze(1);  // [B,A]
  return torch::cat({metadata, statistics, attention, current}, 1);
}

namespace {

// A range [begin, end) of rows or columns of one of the head's levels.
struct Span {
  std::int64_t begin = 0, end = 0;
  std::int64_t size() const { return end - begin; }
};

// The input rows a 3x3 transposed convolution (padding 1, output padding stride - 1) needs for
// its output rows `out`: output o takes input i through kernel row k where stride i - 1 + k = o,
// so i runs from ceil((o - 1) / stride) to floor((o + 1) / stride); clamped to the input's rows.
Span input_span(Span out, std::int64_t stride, std::int64_t input_size) {
  const std::int64_t begin = out.begin == 0 ? 0 : (out.begin - 1 + stride - 1) / stride;
  return {begin, std::min(input_size, out.end / stride + 1)};
}

// The rows and columns of the action square with a legal action anywhere in the batch (CT centres
// the grid in the square, so a small grid's are a block in the middle); {0, 1} when none is.
std::pair<Span, Span> legal_spans(const torch::Tensor& mask, std::int64_t side) {
  const torch::Tensor legal = mask.any(0).view({side, side}).to(torch::kCPU);
  const torch::Tensor rows = legal.any(1).contiguous(), cols = legal.any(0).contiguous();
  const auto span = [side](const torch::Tensor& any) {
    const bool* a = any.data_ptr<bool>();
    Span out{side, 0};
    for (std::int64_t i = 0; i < side; ++i) {
      if (!a[i]) continue;
      out.begin = std::min(out.begin, i);
      out.end = i + 1;
    }
    return out.end == 0 ? Span{0, 1} : out;
  };
  return {span(rows), span(cols)};
}

}  // namespace

PolicyOutputs PolicyNetworkImpl::forward(const GraphTensors& graph, const PolicyInputs& inputs) {
  const torch::Tensor features = readout(graph, inputs);
  const std::int64_t batch = features.size(0);
  const std::int64_t side = options_.action_side;
  // Only the block of the action square that holds legal actions is computed: every other logit
  // is masked anyway, and each layer's outputs there depend on a block of its inputs a little
  // over half as wide (input_span). Ariane's 24 x 21 grid needs 1/30 of the 128 x 128 head's
  // work; the logits inside the block are the full head's (up to rounding).
  const std::size_t layers = deconvs_.size();
  std::vector<Span> row_spans(layers + 2), col_spans(layers + 2);  // per level, dense to logits
  std::tie(row_spans[layers + 1], col_spans[layers + 1]) = legal_spans(inputs.mask, side);
  row_spans[layers] = input_span(row_spans[layers + 1], 1, side);
  col_spans[layers] = input_span(col_spans[layers + 1], 1, side);
  for (std::size_t level = layers; level-- > 0;) {
    const std::int64_t size = static_cast<std::int64_t>(options_.head_side) << level;
    row_spans[level] = input_span(row_spans[level + 1], 2, size);
    col_spans[level] = input_span(col_spans[level + 1], 2, size);
  }
  // The layer's output block, computed from the input block at `level`, cut to the next level's.
  const auto crop = [&](const torch::Tensor& y, std::size_t level, std::int64_t stride) {
    return y
        .narrow(1, row_spans[level + 1].begin - stride * row_spans[level].begin,
                row_spans[level + 1].size())
        .narrow(2, col_spans[level + 1].begin - stride * col_spans[level].begin,
                col_spans[level + 1].size());
  };
  // Channels-last through the head: the transposed convolutions are matrix products on it.
  torch::Tensor x =
      torch::relu(head_dense_->forward(features))
          .view({batch, options_.head_channels, options_.head_side, options_.head_side})
          .permute({0, 2, 3, 1})
          .narrow(1, row_spans[0].begin, row_spans[0].size())
          .narrow(2, col_spans[0].begin, col_spans[0].size());
  for (std::size_t level = 0; level < layers; ++level) {
    auto& deconv = deconvs_[level];
    x = crop(torch::relu(transposed_conv3x3_nhwc(x, deconv->weight, deconv->bias, 2)), level, 2);
  }
  if (options_.spatial_features) {
    x = torch::cat({x, inputs.spatial.to(x.dtype())
                           .permute({0, 2, 3, 1})
                           .narrow(1, row_spans[layers].begin, row_spans[layers].size())
                           .narrow(2, col_spans[layers].begin, col_spans[layers].size())},
                   3);
  }
  const torch::Tensor block =
      crop(transposed_conv3x3_nhwc(x, head_out_->weight, head_out_->bias, 1), layers, 1)
          .squeeze(3);  // [B, rows, cols]
  const Span rows = row_spans[layers + 1], cols = col_spans[layers + 1];
  const torch::Tensor logits =
      torch::constant_pad_nd(block, {cols.begin, side - cols.end, rows.begin, side - rows.end},
                             kMaskedLogit)
          .reshape({batch, -1});
  PolicyOutputs out;
  out.logits = logits.masked_fill(inputs.mask.logical_not(), kMaskedLogit);
  torch::Tensor v = features;
  for (std::size_t i = 0; i < value_layers_.size(); ++i) {
    v = value_layers_[i]->forward(v);
    if (i + 1 < value_layers_.size()) v = torch::relu(v);
  }
  out.values = v.squeeze(1);
  return out;
}

PolicyOutputs PolicyNetworkImpl::act(const GraphTensors& graph, const PolicyInputs& inputs) {
  torch::NoGradGuard no_grad;
  const torch::Device here = device();
  if (here.is_cpu()) return forward(graph, inputs);
  const PolicyOutputs outputs = forward(graph, inputs.to(here));
  return {outputs.logits.to(torch::kCPU), outputs.values.to(torch::kCPU)};
}

torch::Device PolicyNetworkImpl::device() const {
  const std::vector<torch::Tensor> all = parameters();
  return all.empty() ? torch::Device(torch::kCPU) : all.front().device();
}

std::int64_t PolicyNetworkImpl::parameter_count() const {
  std::int64_t count = 0;
  for (const torch::Tensor& p : parameters()) count += p.numel();
  return count;
}

std::int64_t sample_action(const torch::Tensor& logits_row, std::mt19937_64* random) {
  const torch::Tensor probabilities =
      torch::softmax(logits_row.to(torch::kFloat64), 0).contiguous();
  const double* p = probabilities.data_ptr<double>();
  const torch::Tensor legal_tensor = (logits_row > kMaskedLogit / 2).contiguous();
  const bool* legal = legal_tensor.data_ptr<bool>();
  const std::int64_t n = probabilities.numel();
  double total = 0;
  std::int64_t last_legal = -1;
  for (std::int64_t a = 0; a < n; ++a) {
    if (!legal[a]) continue;
    total += p[a];
    last_legal = a;
  }
  // 53 random bits -> [0, 1): the same on every platform (std distributions are not).
  const double u = static_cast<double>((*random)() >> 11) * 0x1.0p-53 * total;
  double sum = 0;
  for (std::int64_t a = 0; a < n; ++a) {
    if (!legal[a]) continue;
    sum += p[a];
    if (u < sum) return a;
  }
  return last_legal;
}

std::int64_t greedy_action(const torch::Tensor& logits_row) {
  return logits_row.argmax().item<std::int64_t>();
}

}  // namespace macroplace::rl
