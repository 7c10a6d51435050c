// Supervised warm-up of the graph encoder on labelled placements (see warmup.h).
#include "macroplace/rl/warmup.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "macroplace/env/observation.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/rl/torch_policy.h"
#include "observation_inputs.h"

namespace macroplace::rl {

Status WarmupOptions::validate() const {
  if (epochs < 1) return Status::error("the warm-up needs at least 1 epoch");
  if (minibatch_size < 2) {
    return Status::error(
        "the warm-up's minibatch size must be at least 2 (it compares placements)");
  }
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    return Status::error("the warm-up's learning rate must be a positive number");
  }
  if (!(validation_share > 0 && validation_share < 1)) {
    return Status::error("the validation share must be between 0 and 1 (exclusive)");
  }
  if (!(time_limit_seconds >= 0) || !std::isfinite(time_limit_seconds)) {
    return Status::error("the warm-up's time limit must be 0 (none) or a positive number");
  }
  if (torch_threads < 1) return Status::error("the warm-up needs at least 1 LibTorch thread");
  return initial_policy.empty() ? policy.validate() : Status{};
}

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kTargets = 3;  // wirelength, density and congestion cost
constexpr std::int64_t kHeadWidth = 32;

// One design's placements as network inputs.
struct PreparedDesign {
  GraphTensors graph;
  torch::Tensor metadata;       // [1, 12]
  torch::Tensor node_features;  // [P, N, 6]: every placement
  torch::Tensor targets;        // [P, 3], standardised by the training placements' statistics
  std::vector<std::int64_t> train, validation;  // placement indices
};

Status design_error(const WarmupDesign& design, const std::string& what) {
  return Status::error("design '" + design.name + "': " + what);
}

Status prepare_design(const WarmupDesign& design, const env::EnvOptions& env_options,
                      double validation_share, std::mt19937_64* random, PreparedDesign* out) {
  const std::size_t count = design.costs.size();
  if (design.x.size() != count || design.y.size() != count) {
    return design_error(design, "placements and costs differ in number");
  }
  if (count < 4) {
    return design_error(design, std::to_string(count) +
                                    " placements; the warm-up needs at least 4 (2 to train on "
                                    "and 2 to validate)");
  }
  for (std::size_t p = 0; p < count; ++p) {
    if (design.x[p].size() != design.nodes.size() || design.y[p].size() != design.nodes.size()) {
      return design_error(design, "placement " + std::to_string(p) + " lists " +
                                      std::to_string(design.x[p].size()) + " nodes, not " +
                                      std::to_string(design.nodes.size()));
    }
  }
  std::shared_ptr<const env::EnvDesign> env_design;
  if (Status s = env::make_env_design(design.netlist, design.settings, env_options, &env_design);
      !s.ok()) {
    return design_error(design, s.message());
  }
  const env::DesignGraph& graph = env_design->graph;
  const netlist::Netlist& netlist = *design.netlist;
  std::vector<std::int64_t> column_of(static_cast<std::size_t>(netlist.num_nodes()), -1);
  for (std::size_t k = 0; k < design.nodes.size(); ++k) {
    if (design.nodes[k] < 0 || design.nodes[k] >= netlist.num_nodes()) {
      return design_error(design, "a placement lists a node the netlist does not have");
    }
    column_of[static_cast<std::size_t>(design.nodes[k])] = static_cast<std::int64_t>(k);
  }
  // The observation at the start of an episode gives metadata, sizes, types and port clusters;
  // each placement then moves the macros, all of them placed, as at the end of an episode.
  env::PlacementEnv env(env_design);
  const env::Observation& observation = env.reset(0);
  const std::int64_t num_nodes = graph.num_nodes();
  const PolicyInputs start = inputs_from_observation(observation, env_design->options.observation,
                                                     num_nodes, /*spatial=*/false);
  out->graph = make_graph_tensors(graph);
  out->metadata = start.metadata;
  out->node_features = start.node_features.repeat({static_cast<std::int64_t>(count), 1, 1});
  auto features = out->node_features.accessor<float, 3>();
  // The environment's length scale (env_design.cpp): centres over W + H, in float.
  const auto scale =
      static_cast<float>(1.0 / (design.settings.canvas_width + design.settings.canvas_height));
  for (std::int32_t i = 0; i < graph.num_macros(); ++i) {
    const netlist::NodeId node = graph.macro_nodes[static_cast<std::size_t>(i)];
    const std::int64_t column = column_of[static_cast<std::size_t>(node)];
    if (column < 0) {
      return design_error(
          design, "macro '" + std::string(netlist.name(node)) + "' is not in the placements");
    }
    for (std::size_t p = 0; p < count; ++p) {
      auto row = features[static_cast<std::int64_t>(p)][i];
      row[env::kFeatureX] =
          static_cast<float>(design.x[p][static_cast<std::size_t>(column)] * scale);
      row[env::kFeatureY] =
          static_cast<float>(design.y[p][static_cast<std::size_t>(column)] * scale);
      if (row[env::kFeatureType] == static_cast<float>(env::kHardMacroNode)) {
        row[env::kFeaturePlaced] = 1.0F;
      }
    }
  }
  // A seeded split, then targets standardised over the training placements only.
  std::vector<std::int64_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), *random);
  const auto validation =
      std::clamp<std::int64_t>(std::llround(validation_share * static_cast<double>(count)), 2,
                               static_cast<std::int64_t>(count) - 2);
  out->validation.assign(order.begin(), order.begin() + validation);
  out->train.assign(order.begin() + validation, order.end());
  std::sort(out->validation.begin(), out->validation.end());
  std::sort(out->train.begin(), out->train.end());
  torch::Tensor raw = torch::empty({static_cast<std::int64_t>(count), kTargets}, torch::kFloat64);
  auto values = raw.accessor<double, 2>();
  for (std::size_t p = 0; p < count; ++p) {
    const placement::CostBreakdown& c = design.costs[p];
    if (!std::isfinite(c.wirelength_cost) || !std::isfinite(c.density_cost) ||
        !std::isfinite(c.congestion_cost)) {
      return design_error(design,
                          "placement " + std::to_string(p) + " has a cost that is not a number");
    }
    values[static_cast<std::int64_t>(p)][0] = c.wirelength_cost;
    values[static_cast<std::int64_t>(p)][1] = c.density_cost;
    values[static_cast<std::int64_t>(p)][2] = c.congestion_cost;
  }
  const torch::Tensor train_rows = torch::tensor(out->train, torch::kInt64);
  const torch::Tensor train_values = raw.index_select(0, train_rows);
  const torch::Tensor mean = train_values.mean(0);
  torch::Tensor deviation = train_values.std(0, /*unbiased=*/false);
  // A component that does not vary over the training placements cannot be ranked: its
  // standardised target is 0 everywhere it equals the mean.
  deviation = torch::where(deviation > 1e-12, deviation, torch::ones_like(deviation));
  out->targets = ((raw - mean) / deviation).to(torch::kFloat32);
  return {};
}

bool is_encoder_parameter(const std::string& name) {
  for (const char* prefix : {"metadata_encoder.", "node_encoder.", "edge_layer", "attention_"}) {
    if (name.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// `rows` in consecutive groups of `size`; a last group of one joins the one before it (a group
// compares its placements with each other, which takes two).
std::vector<std::vector<std::int64_t>> groups_of(const std::vector<std::int64_t>& rows,
                                                 std::int64_t size) {
  std::vector<std::vector<std::int64_t>> groups;
  for (std::size_t first = 0; first < rows.size(); first += static_cast<std::size_t>(size)) {
    const std::size_t last = std::min(rows.size(), first + static_cast<std::size_t>(size));
    if (last - first == 1 && !groups.empty()) {
      groups.back().push_back(rows[first]);
    } else {
      groups.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(first),
                          rows.begin() + static_cast<std::ptrdiff_t>(last));
    }
  }
  return groups;
}

// Differences from the group's mean: what the warm-up predicts and compares.
torch::Tensor centred(const torch::Tensor& values) {
  return values - values.mean(0);
}

class Warmup {
 public:
  Warmup(PolicyNetwork network, std::int64_t readout_width)
      : network_(std::move(network)),
        head_(torch::nn::Linear(readout_width, kHeadWidth), torch::nn::ReLU(),
              torch::nn::Linear(kHeadWidth, kTargets)) {}

  // Predicted minus actual costs of a group of one design's placements, both as differences
  // from the group's mean. The readout is also scaled to unit variance over the group: a design's
  // placements differ in it far less than designs do, and the head must see those differences.
  torch::Tensor error(const PreparedDesign& design, const std::vector<std::int64_t>& rows) {
    const torch::Tensor index = torch::tensor(rows, torch::kInt64);
    const std::int64_t batch = index.size(0);
    PolicyInputs inputs;
    inputs.metadata = design.metadata.expand({batch, design.metadata.size(1)});
    inputs.node_features = design.node_features.index_select(0, index);
    inputs.current_node = torch::zeros({batch}, torch::kInt64);
    const torch::Tensor readout = network_->readout(design.graph, inputs);
    const torch::Tensor scaled =
        centred(readout) / (readout.var(0, /*unbiased=*/false) + kVarianceFloor).sqrt();
    return head_->forward(scaled) - centred(design.targets.index_select(0, index));
  }

  // Mean squared error over every design's validation placements, in groups of `size`.
  double validation_loss(const std::vector<PreparedDesign>& designs, std::int64_t size) {
    torch::NoGradGuard no_grad;
    double sum = 0;
    std::int64_t values = 0;
    for (const PreparedDesign& design : designs) {
      for (const std::vector<std::int64_t>& group : groups_of(design.validation, size)) {
        const torch::Tensor e = error(design, group);
        sum += e.square().sum().item<double>();
        values += e.numel();
      }
    }
    return sum / static_cast<double>(values);
  }

  torch::nn::Sequential& head() { return head_; }

 private:
  static constexpr double kVarianceFloor = 1e-6;
  PolicyNetwork network_;
  torch::nn::Sequential head_;
};

// The validation loss of predicting no differences within a group.
double baseline_loss(const std::vector<PreparedDesign>& designs, std::int64_t size) {
  double sum = 0;
  std::int64_t values = 0;
  for (const PreparedDesign& design : designs) {
    for (const std::vector<std::int64_t>& group : groups_of(design.validation, size)) {
      const torch::Tensor targets =
          centred(design.targets.index_select(0, torch::tensor(group, torch::kInt64)));
      sum += targets.to(torch::kFloat64).square().sum().item<double>();
      values += targets.numel();
    }
  }
  return sum / static_cast<double>(values);
}

}  // namespace

Status warm_up_encoder(const std::vector<WarmupDesign>& designs, const WarmupOptions& options,
                       const std::string& policy_path, WarmupResult* result,
                       const std::function<void(const WarmupEpoch&)>& progress) {
  if (Status s = options.validate(); !s.ok()) return s;
  if (designs.empty()) return Status::error("the warm-up has no designs");
  const Clock::time_point start = Clock::now();
  at::set_num_threads(options.torch_threads);
  torch::manual_seed(options.seed);
  std::mt19937_64 random(options.seed);
  PolicyOptions policy = options.policy;
  PolicyNetwork network{nullptr};
  if (!options.initial_policy.empty()) {
    if (Status s = internal::load_policy(options.initial_policy, &policy, &network); !s.ok()) {
      return s;
    }
  } else {
    network = PolicyNetwork(policy);
  }
  env::EnvOptions env_options = options.env;
  env_options.observation.side = policy.action_side;
  env_options.observation.wire_mask = env_options.observation.density = false;  // the head's
  std::vector<PreparedDesign> prepared(designs.size());
  *result = WarmupResult{};
  for (std::size_t d = 0; d < designs.size(); ++d) {
    if (Status s = prepare_design(designs[d], env_options, options.validation_share, &random,
                                  &prepared[d]);
        !s.ok()) {
      return s;
    }
    result->train_placements += static_cast<std::int64_t>(prepared[d].train.size());
    result->validation_placements += static_cast<std::int64_t>(prepared[d].validation.size());
  }
  Warmup warmup(network, policy.readout_width());
  std::vector<torch::Tensor> trained;
  for (const auto& item : network->named_parameters()) {
    if (is_encoder_parameter(item.key())) trained.push_back(item.value());
  }
  const std::vector<torch::Tensor> head = warmup.head()->parameters();
  trained.insert(trained.end(), head.begin(), head.end());
  torch::optim::Adam optimizer(trained, torch::optim::AdamOptions(options.learning_rate));
  const std::int64_t chunk = options.minibatch_size;
  result->baseline_loss = baseline_loss(prepared, chunk);
  result->initial_loss = warmup.validation_loss(prepared, chunk);
  result->parameter_count = network->parameter_count();
  for (std::int32_t epoch = 1; epoch <= options.epochs; ++epoch) {
    // Groups of one design each, in an order shuffled across designs.
    std::vector<std::pair<std::size_t, std::vector<std::int64_t>>> batches;
    for (std::size_t d = 0; d < prepared.size(); ++d) {
      std::vector<std::int64_t> rows = prepared[d].train;
      std::shuffle(rows.begin(), rows.end(), random);
      for (std::vector<std::int64_t>& group : groups_of(rows, chunk)) {
        batches.emplace_back(d, std::move(group));
      }
    }
    std::shuffle(batches.begin(), batches.end(), random);
    double sum = 0;
    std::int64_t values = 0;
    for (const auto& [d, rows] : batches) {
      const torch::Tensor error = warmup.error(prepared[d], rows);
      const torch::Tensor loss = error.square().mean();
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      sum += loss.item<double>() * static_cast<double>(error.numel());
      values += error.numel();
    }
    WarmupEpoch report;
    report.epoch = epoch;
    report.train_loss = sum / static_cast<double>(values);
    report.validation_loss = warmup.validation_loss(prepared, chunk);
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    result->epochs.push_back(report);
    if (progress) progress(report);
    if (options.time_limit_seconds > 0 && report.seconds >= options.time_limit_seconds) break;
  }
  return internal::write_archive(policy_path, "policy",
                                 [&network](torch::serialize::OutputArchive* archive) {
                                   internal::write_policy(network, archive);
                                 });
}

}  // namespace macroplace::rl
