// The policy network: CT's parameter count, masking, the edge layer's formula, and a
// finite-difference gradient check in double precision on a tiny hand-made graph.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "macroplace/rl/torch_policy.h"
#include "tiny_policy.h"

namespace macroplace::rl {
namespace {

PolicyInputs tiny_inputs(torch::Dtype dtype) {
  torch::manual_seed(7);
  PolicyInputs inputs;
  inputs.metadata = torch::rand({2, 12}, dtype);
  inputs.node_features = torch::rand({2, 4, 6}, dtype);
  inputs.current_node = torch::tensor(std::vector<std::int64_t>{1, 3}, torch::kInt64);
  inputs.mask = torch::ones({2, 16}, torch::kBool);
  inputs.mask.index_put_({0, 5}, false);
  inputs.mask.index_put_({1, 0}, false);
  inputs.mask.index_put_({1, 15}, false);
  return inputs;
}

TEST(PolicyNetworkTest, DefaultHasCircuitTrainingsParameterCount) {
  PolicyNetwork network(PolicyOptions{});
  // metadata 104 + nodes 56 + 3 edge layers x 144 + attention 2 x 72 + head dense 116,736 +
  // deconvolutions 4,624 + 1,160 + 292 + 74 + 19 + value 1,824 + 264 + 9 (CT: about 126k).
  EXPECT_EQ(network->parameter_count(), 125738);
  EXPECT_EQ(PolicyOptions{}.readout_width(), 56);
}

// The head's matrix-product form against LibTorch's own ConvTranspose2d (values and gradients,
// double precision), for both strides the head uses and uneven sizes and channel counts.
TEST(PolicyNetworkTest, TransposedConvolutionMatchesLibTorch) {
  namespace F = torch::nn::functional;
  torch::manual_seed(3);
  for (const std::int64_t stride : {1, 2}) {
    const torch::Tensor x = torch::randn({3, 5, 4, 7}, torch::kFloat64).requires_grad_(true);
    const torch::Tensor weight = torch::randn({5, 3, 3, 3}, torch::kFloat64).requires_grad_(true);
    const torch::Tensor bias = torch::randn({3}, torch::kFloat64).requires_grad_(true);
    const torch::Tensor ours =
        transposed_conv3x3_nhwc(x.permute({0, 2, 3, 1}), weight, bias, stride)
            .permute({0, 3, 1, 2});
    const torch::Tensor reference = F::conv_transpose2d(
        x, weight,
        F::ConvTranspose2dFuncOptions().bias(bias).stride(stride).padding(1).output_padding(stride -
                                                                                            1));
    ASSERT_EQ(ours.sizes(), reference.sizes()) << "stride " << stride;
    EXPECT_EQ(ours.size(2), 4 * stride);  // H = 4
    EXPECT_EQ(ours.size(3), 7 * stride);
    EXPECT_LT((ours - reference).abs().max().item<double>(), 1e-12) << "stride " << stride;
    const torch::Tensor upstream = torch::randn(reference.sizes(), torch::kFloat64);
    const auto ours_grads = torch::autograd::grad({ours}, {x, weight, bias}, {upstream});
    const auto reference_grads = torch::autograd::grad({reference}, {x, weight, bias}, {upstream});
    for (std::size_t i = 0; i < ours_grads.size(); ++i) {
      EXPECT_LT((ours_grads[i] - reference_grads[i]).abs().max().item<double>(), 1e-12)
          << "stride " << stride << ", gradient " << i;
    }
  }
}

TEST(PolicyNetworkTest, OptionsValidateTheHeadSide) {
  PolicyOptions options;
  EXPECT_TRUE(options.validate().ok());
  options.head_side = 4;  // 4 x 2^4 = 64, not 128
  EXPECT_FALSE(options.validate().ok());
  EXPECT_TRUE(tiny_options().validate().ok());
}

// The head fitted to a grid: the smallest 8 x 2^k side that holds it, with the first k of CT's
// upsampling layers (16, 8, 4, 2 channels); a grid beyond 128 needs a fifth layer: an error.
TEST(PolicyNetworkTest, OptionsFitTheHeadToTheGrid) {
  struct Case {
    std::int32_t columns, rows, side;
    std::vector<std::int32_t> channels;
  };
  for (const Case& c : {Case{24, 21, 32, {16, 8}}, Case{2, 2, 8, {}}, Case{8, 9, 16, {16}},
                        Case{33, 10, 64, {16, 8, 4}}, Case{128, 128, 128, {16, 8, 4, 2}}}) {
    PolicyOptions options;
    ASSERT_TRUE(options.fit_action_side(c.columns, c.rows).ok()) << c.columns << "x" << c.rows;
    EXPECT_EQ(options.action_side, c.side) << c.columns << "x" << c.rows;
    EXPECT_EQ(options.deconv_channels, c.channels) << c.columns << "x" << c.rows;
    EXPECT_TRUE(options.validate().ok());
  }
  PolicyOptions options;
  const Status status = options.fit_action_side(129, 7);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("129 x 7"), std::string::npos) << status.message();

  // The fitted network computes logits on its own grid only.
  options = PolicyOptions{};
  ASSERT_TRUE(options.fit_action_side(24, 21).ok());
  torch::manual_seed(2);
  PolicyNetwork network(options);
  EXPECT_LT(network->parameter_count(), PolicyNetwork(PolicyOptions{})->parameter_count());
}

TEST(PolicyNetworkTest, MasksLogitsAndShapesOutputs) {
  torch::manual_seed(1);
  PolicyNetwork network(tiny_options());
  const PolicyOutputs out = network->forward(tiny_graph(), tiny_inputs(torch::kFloat32));
  ASSERT_EQ(out.logits.sizes(), (std::vector<std::int64_t>{2, 16}));
  ASSERT_EQ(out.values.sizes(), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(out.logits[0][5].item<double>(), kMaskedLogit);
  EXPECT_EQ(out.logits[1][15].item<double>(), kMaskedLogit);
  EXPECT_GT(out.logits[0][4].item<double>(), kMaskedLogit / 2);
  const torch::Tensor probabilities = torch::softmax(out.logits, 1);
  EXPECT_EQ(probabilities[1][0].item<double>(), 0.0);
  std::mt19937_64 random(3);
  for (int i = 0; i < 200; ++i) {
    const std::int64_t a = sample_action(out.logits[1], &random);
    EXPECT_TRUE(a != 0 && a != 15) << a;
  }
  EXPECT_NE(greedy_action(out.logits[0]), 5);
}

// The head computes only the block of the action square that holds legal actions: its logits
// and every gradient equal those of the whole head with the mask applied afterwards, in double
// precision, for blocks anywhere (touching each edge, one cell, scattered cells, a batch row
// with nothing legal), with and without the spatial channels.
TEST(PolicyNetworkTest, HeadOnTheLegalBlockEqualsTheWholeHead) {
  for (const bool spatial : {false, true}) {
    PolicyOptions options = tiny_options();
    options.head_side = 2;
    options.head_channels = 3;
    options.deconv_channels = {3, 2, 2};
    options.action_side = 16;
    options.spatial_features = spatial;
    torch::manual_seed(11);
    PolicyNetwork network(options);
    network->to(torch::kFloat64);
    const GraphTensors graph = tiny_graph().to(torch::kFloat64);
    std::mt19937_64 random(5);
    const auto uniform = [&random](std::int64_t n) {
      return static_cast<std::int64_t>(random() % static_cast<std::uint64_t>(n));
    };
    for (int trial = 0; trial < 40; ++trial) {
      PolicyInputs inputs;
      inputs.metadata = torch::rand({3, 12}, torch::kFloat64);
      inputs.node_features = torch::rand({3, 4, 6}, torch::kFloat64);
      inputs.current_node = torch::tensor(std::vector<std::int64_t>{0, 2, 3}, torch::kInt64);
      if (spatial) inputs.spatial = torch::rand({3, 2, 16, 16}, torch::kFloat64);
      torch::Tensor mask = torch::zeros({3, 16, 16}, torch::kBool);
      for (std::int64_t b = 0; b < 3; ++b) {
        if (trial % 5 == 4 && b == 1) continue;  // nothing legal in this row
        const std::int64_t r0 = trial % 7 == 0 ? 0 : uniform(16);
        const std::int64_t c0 = trial % 11 == 0 ? 0 : uniform(16);
        const std::int64_t r1 = trial % 3 == 0 ? 16 : r0 + 1 + uniform(16 - r0);
        const std::int64_t c1 = trial % 4 == 0 ? 16 : c0 + 1 + uniform(16 - c0);
        mask[b].narrow(0, r0, r1 - r0).narrow(1, c0, c1 - c0).fill_(true);
        if (trial % 2 == 1) mask[b] &= torch::rand({16, 16}) < 0.3;  // scattered
      }
      inputs.mask = mask.view({3, 256});
      PolicyInputs whole = inputs;
      whole.mask = torch::ones({3, 256}, torch::kBool);
      const torch::Tensor weights = torch::rand({3, 256}, torch::kFloat64);
      const std::int64_t chosen = uniform(256);
      const auto objective = [&](const torch::Tensor& logits, const torch::Tensor& values) {
        const torch::Tensor legal = logits.masked_fill(inputs.mask.logical_not(), 0.0);
        return (legal * weights).sum() + values.sum() +
               torch::log_softmax(logits, 1).select(1, chosen).clamp_min(-50).sum();
      };
      network->zero_grad();
      const PolicyOutputs block = network->forward(graph, inputs);
      objective(block.logits, block.values).backward();
      std::vector<torch::Tensor> block_grads;
      for (const torch::Tensor& p : network->parameters()) block_grads.push_back(p.grad().clone());
      network->zero_grad();
      const PolicyOutputs full = network->forward(graph, whole);
      const torch::Tensor masked = full.logits.masked_fill(inputs.mask.logical_not(), kMaskedLogit);
      objective(masked, full.values).backward();
      ASSERT_TRUE(torch::allclose(block.logits, masked, 1e-12, 1e-12)) << "trial " << trial;
      const std::vector<torch::Tensor> params = network->parameters();
      for (std::size_t i = 0; i < params.size(); ++i) {
        ASSERT_TRUE(torch::allclose(block_grads[i], params[i].grad(), 1e-10, 1e-12))
            << "trial " << trial << " parameter " << i;
      }
    }
  }
}

// A graph without edges (a design whose nets all have one pin): the edge statistics are zero and
// the readout is still a function of the nodes (attention).
TEST(PolicyNetworkTest, GraphWithoutEdges) {
  torch::manual_seed(3);
  PolicyNetwork network(tiny_options());
  const GraphTensors graph = make_graph_tensors(3, {}, {}, {});
  PolicyInputs inputs;
  inputs.metadata = torch::rand({2, 12});
  inputs.node_features = torch::rand({2, 3, 6});
  inputs.current_node = torch::tensor(std::vector<std::int64_t>{0, 2}, torch::kInt64);
  inputs.mask = torch::ones({2, 16}, torch::kBool);
  const torch::Tensor readout = network->readout(graph, inputs);
  const std::int64_t w = tiny_options().node_width, m = tiny_options().metadata_width;
  EXPECT_TRUE(torch::equal(readout.narrow(1, m, 4 * w), torch::zeros({2, 4 * w})));
  EXPECT_FALSE(torch::equal(readout.narrow(1, m + 4 * w, w + tiny_options().attention_width)[0],
                            readout.narrow(1, m + 4 * w, w + tiny_options().attention_width)[1]));
  const PolicyOutputs out = network->forward(graph, inputs);
  EXPECT_TRUE(torch::isfinite(out.logits).all().item<bool>());
}

// e_ij = relu(W [h_i, h_j, w] + b), averaged with e_ji; h_i += mean of incident edges.
// e_ij = relu(W [h_i, h_j, w] + b), averaged with e_ji; h_i += mean of incident edges; the
// statistics of the edges' embeddings.
TEST(PolicyNetworkTest, EdgeLayerMatchesItsFormula) {
  torch::manual_seed(2);
  EdgeLayer layer(3);
  layer->to(torch::kFloat64);
  const GraphTensors graph = tiny_graph().to(torch::kFloat64);
  const torch::Tensor h = torch::rand({4, 1, 3}, torch::kFloat64);  // [N,B,W]
  const auto [updated, statistics] = layer->forward(graph, h, /*with_statistics=*/true);
  const auto params = layer->named_parameters();
  const torch::Tensor w = torch::cat(
      {params["first.weight"], params["second.weight"], params["weight_term"].unsqueeze(1)}, 1);
  const torch::Tensor b = params["first.bias"];
  const std::vector<std::array<double, 3>> edge_list = {{0, 1, 1.0}, {1, 2, 0.5}, {0, 3, 2.0}};
  std::vector<torch::Tensor> expected_edges;
  const torch::Tensor h0 = h.select(1, 0);
  torch::Tensor expected = h0.clone();
  const std::vector<double> degree = {2, 2, 1, 1};
  for (const auto& [i, j, weight] : edge_list) {
    const auto hi = h0[static_cast<std::int64_t>(i)], hj = h0[static_cast<std::int64_t>(j)];
    const torch::Tensor wt = torch::full({1}, weight, torch::kFloat64);
    const torch::Tensor e = 0.5 * (torch::relu(w.matmul(torch::cat({hi, hj, wt})) + b) +
                                   torch::relu(w.matmul(torch::cat({hj, hi, wt})) + b));
    expected_edges.push_back(e);
    expected[static_cast<std::int64_t>(i)] += e / degree[static_cast<std::size_t>(i)];
    expected[static_cast<std::int64_t>(j)] += e / degree[static_cast<std::size_t>(j)];
  }
  EXPECT_TRUE(torch::allclose(updated.select(1, 0), expected, 1e-12, 1e-12));
  // Over the 3 edges, per feature: mean, variance (divided by 3), maximum, minimum.
  const torch::Tensor all = torch::stack(expected_edges);  // [3, W]
  const torch::Tensor mean = all.sum(0) / 3;
  const torch::Tensor expected_statistics = torch::cat(
      {mean, (all - mean).square().sum(0) / 3, std::get<0>(all.max(0)), std::get<0>(all.min(0))});
  ASSERT_EQ(statistics.sizes(), (std::vector<std::int64_t>{1, 12}));
  EXPECT_TRUE(torch::allclose(statistics[0], expected_statistics, 1e-12, 1e-12));
}

// The edge layer on the CPU (loops without [E,B,W] tensors) against the same layer written as
// plain tensor operations from its parameters (gathers, index_add, reductions over the edges),
// the updated nodes and the edge statistics and their gradients in double precision,
// on a random graph with what the loops must get right: edges from a node to itself, repeated
// edges, isolated nodes and hubs. The results must not depend on the thread count.
TEST(PolicyNetworkTest, EdgeLayerMatchesItsTensorFormOnAnyGraph) {
  torch::manual_seed(11);
  std::mt19937_64 random(4);
  const std::int64_t nodes = 120, batch = 3, width = 5;
  std::vector<std::int64_t> src, dst;
  std::vector<double> weight;
  for (int e = 0; e < 400; ++e) {
    // Nodes 100-109 are isolated; node 0 is a hub; every 25th edge is a loop, every 40th repeated.
    std::int64_t s = e % 7 == 0 ? 0 : static_cast<std::int64_t>(random() % 100);
    std::int64_t d = e % 25 == 0 ? s : static_cast<std::int64_t>(random() % 100);
    if (e % 40 == 39) {
      s = src.back();
      d = dst.back();
    }
    if (e % 3 == 0) d = 110 + static_cast<std::int64_t>(random() % 10);
    src.push_back(s);
    dst.push_back(d);
    // Multiples of 1/256: the graph keeps its weights in float, exactly.
    weight.push_back(static_cast<double>(1 + random() % 1000) / 256.0);
  }
  const GraphTensors graph = make_graph_tensors(nodes, src, dst, weight).to(torch::kFloat64);
  EdgeLayer layer(static_cast<std::int32_t>(width));
  layer->to(torch::kFloat64);
  const torch::Tensor h0 = torch::randn({nodes, batch, width}, torch::kFloat64);
  const torch::Tensor upstream_h = torch::randn({nodes, batch, width}, torch::kFloat64);
  const torch::Tensor upstream_statistics = torch::randn({batch, 4 * width}, torch::kFloat64);

  // The layer's outputs and the gradients of <upstream, outputs> for h and every parameter.
  struct Result {
    torch::Tensor updated, statistics;
    std::vector<torch::Tensor> gradients;
  };
  const auto gradients_of = [&](const torch::Tensor& h, const torch::Tensor& updated,
                                const torch::Tensor& statistics) {
    std::vector<torch::Tensor> inputs = layer->parameters();
    inputs.push_back(h);
    const torch::Tensor objective =
        (updated * upstream_h).sum() + (statistics * upstream_statistics).sum();
    return torch::autograd::grad({objective}, inputs);
  };
  const auto ours = [&](int threads) {
    at::set_num_threads(threads);
    const torch::Tensor h = h0.clone().requires_grad_(true);
    const auto [updated, statistics] = layer->forward(graph, h, /*with_statistics=*/true);
    Result out{updated.detach(), statistics.detach(), gradients_of(h, updated, statistics)};
    at::set_num_threads(2);
    return out;
  };
  const auto params = layer->named_parameters();
  const torch::Tensor h = h0.clone().requires_grad_(true);
  const torch::Tensor a = torch::linear(h, params["first.weight"], params["first.bias"]);
  const torch::Tensor b = torch::linear(h, params["second.weight"]);
  const torch::Tensor s_index = torch::tensor(src, torch::kInt64);
  const torch::Tensor d_index = torch::tensor(dst, torch::kInt64);
  const torch::Tensor shift =
      (torch::tensor(weight, torch::kFloat64).unsqueeze(1) * params["weight_term"].unsqueeze(0))
          .unsqueeze(1);
  const torch::Tensor edges =
      0.5 * (torch::relu(a.index_select(0, s_index) + b.index_select(0, d_index) + shift) +
             torch::relu(a.index_select(0, d_index) + b.index_select(0, s_index) + shift));
  const torch::Tensor sums =
      torch::zeros_like(h).index_add(0, s_index, edges).index_add(0, d_index, edges);
  std::vector<double> degree(static_cast<std::size_t>(nodes), 0.0);
  for (std::size_t e = 0; e < src.size(); ++e) {
    degree[static_cast<std::size_t>(src[e])] += 1;
    degree[static_cast<std::size_t>(dst[e])] += 1;
  }
  EXPECT_EQ(degree[105], 0.0);  // isolated nodes are part of the case
  // 1/degree as the graph keeps it, in float.
  for (double& d : degree) d = d > 0 ? static_cast<float>(1 / d) : 0;
  const torch::Tensor updated =
      h + sums * torch::tensor(degree, torch::kFloat64).view({nodes, 1, 1});
  const torch::Tensor edge_mean = edges.mean(0);
  const torch::Tensor statistics =
      torch::cat({edge_mean, (edges - edge_mean).square().mean(0), std::get<0>(edges.max(0)),
                  std::get<0>(edges.min(0))},
                 1);
  const Result reference{updated.detach(), statistics.detach(),
                         gradients_of(h, updated, statistics)};

  const Result one = ours(1), two = ours(2);
  for (const Result* result : {&one, &two}) {
    EXPECT_LT((result->updated - reference.updated).abs().max().item<double>(), 1e-12);
    EXPECT_LT((result->statistics - reference.statistics).abs().max().item<double>(), 1e-12);
    ASSERT_EQ(result->gradients.size(), reference.gradients.size());
    for (std::size_t i = 0; i < reference.gradients.size(); ++i) {
      EXPECT_LT((result->gradients[i] - reference.gradients[i]).abs().max().item<double>(),
                1e-10 * (1 + reference.gradients[i].abs().max().item<double>()))
          << "gradient " << i;
    }
  }
  EXPECT_TRUE(torch::equal(one.updated, two.updated));
  EXPECT_TRUE(torch::equal(one.statistics, two.statistics));
  EXPECT_TRUE(torch::equal(one.gradients.back(), two.gradients.back()));  // of h

  // Without the statistics: the same update.
  const auto [alone, none] = layer->forward(graph, h0, /*with_statistics=*/false);
  EXPECT_FALSE(none.defined());
  EXPECT_TRUE(torch::equal(alone.detach(), one.updated));
}

// Autograd's gradients of a scalar of the outputs against central differences, for every
// parameter and every node feature, in double precision.
TEST(PolicyNetworkTest, GradientsMatchFiniteDifferences) {
  torch::manual_seed(5);
  PolicyNetwork network(tiny_options());
  network->to(torch::kFloat64);
  const GraphTensors graph = tiny_graph().to(torch::kFloat64);
  PolicyInputs inputs = tiny_inputs(torch::kFloat64);
  inputs.node_features.set_requires_grad(true);
  const torch::Tensor logit_weights = torch::rand({2, 16}, torch::kFloat64) - 0.5;
  const auto objective = [&]() {
    const PolicyOutputs out = network->forward(graph, inputs);
    const torch::Tensor legal_logits = out.logits.masked_fill(inputs.mask.logical_not(), 0.0);
    return (legal_logits * logit_weights).sum() + 0.7 * out.values.sum() +
           torch::log_softmax(out.logits, 1).select(1, 6).sum();
  };
  network->zero_grad();
  objective().backward();
  std::vector<torch::Tensor> checked = network->parameters();
  checked.push_back(inputs.node_features);
  const double eps = 1e-6;
  std::int64_t count = 0;
  for (torch::Tensor& tensor : checked) {
    const torch::Tensor gradient = tensor.grad().clone();
    torch::NoGradGuard no_grad;
    const torch::Tensor flat = tensor.view({-1});
    for (std::int64_t k = 0; k < flat.numel(); ++k) {
      const double original = flat[k].item<double>();
      flat[k] = original + eps;
      const double plus = objective().item<double>();
      flat[k] = original - eps;
      const double minus = objective().item<double>();
      flat[k] = original;
      const double numeric = (plus - minus) / (2 * eps);
      const double analytic = gradient.view({-1})[k].item<double>();
      EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-5 * std::fabs(numeric)) << "entry " << k;
      ++count;
    }
  }
  EXPECT_GT(count, 200);
}

}  // namespace
}  // namespace macroplace::rl
