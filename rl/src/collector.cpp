#include "macroplace/rl/collector.h"

#include <chrono>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "observation_inputs.h"

namespace macroplace::rl {

using internal::inputs_from_batch;

namespace {

// A recorded episode that cannot be replayed here (thrown from a Choose, caught by replay()).
struct ReplayMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace

Collector::Collector(std::shared_ptr<const env::EnvDesign> design, std::string design_id,
                     std::int32_t num_envs, std::int32_t threads, bool spatial, double discount)
    : design_(std::move(design)),
      design_id_(std::move(design_id)),
      num_nodes_(design_->graph.num_nodes()),
      spatial_(spatial),
      discount_(discount) {
  env::BatchOptions options;
  options.num_envs = num_envs;
  options.threads = threads;
  options.auto_reset = false;
  batch_ = std::make_unique<env::BatchedEnv>(design_, options);
  storage_ = batch_->make_storage();
  buffers_ = storage_.buffers();
  buffers_.edge_src = buffers_.edge_dst = nullptr;  // the graph is constant: GraphTensors holds it
  buffers_.edge_weight = nullptr;
  if (!spatial_) buffers_.wire_mask = buffers_.density = nullptr;
  buffers_.congestion = nullptr;
}

std::int64_t Collector::run_episodes(const Choose& choose, std::vector<PolicyInputs>* step_inputs,
                                     std::vector<EpisodeRecord>* records, std::int64_t count) {
  const std::int64_t n = num_envs();
  const env::ObservationConfig& config = design_->options.observation;
  // Environments from `count` on sit this batch out.
  std::vector<std::uint8_t> finished(static_cast<std::size_t>(n), 0);
  for (std::int64_t i = count; i < n; ++i) finished[i] = 1;
  std::vector<std::int32_t> actions(static_cast<std::size_t>(n), env::BatchedEnv::kSitOut);
  std::int64_t env_steps = 0;
  for (std::int64_t step = 0;; ++step) {
    std::vector<std::int64_t> active;
    active.reserve(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      if (finished[i] == 0) active.push_back(i);
    }
    if (active.empty()) break;
    const torch::Tensor rows = torch::tensor(active, torch::kInt64);
    PolicyInputs inputs = inputs_from_batch(storage_, config, n, num_nodes_, spatial_, rows);
    choose(inputs, active, step, &actions);
    if (step_inputs != nullptr) step_inputs->push_back(std::move(inputs));
    batch_->step(actions.data(), buffers_);
    env_steps += static_cast<std::int64_t>(active.size());
    for (const std::int64_t i : active) {
      EpisodeRecord& record = (*records)[i];
      record.actions.push_back(actions[i]);
      record.rewards.push_back(storage_.reward[i]);
      if (storage_.done[i] == 0) continue;
      finished[i] = 1;
      record.infeasible = storage_.infeasible[i] != 0;
      const placement::CostBreakdown& costs = batch_->last_info(static_cast<std::int32_t>(i)).costs;
      record.proxy = costs.proxy;
      record.wirelength_cost = costs.wirelength_cost;
      record.density_cost = costs.density_cost;
      record.congestion_cost = costs.congestion_cost;
    }
  }
  return env_steps;
}

PpoBatch Collector::batch_of(const std::vector<EpisodeRecord>& records,
                             const std::vector<PolicyInputs>& step_inputs) const {
  // Per-episode returns (discounted suffix sums), then every field in row order: for each step,
  // the episodes still running, by index.
  std::vector<std::vector<double>> returns(records.size());
  std::int64_t longest = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::vector<float>& rewards = records[i].rewards;
    returns[i].resize(rewards.size());
    double g = 0;
    for (std::size_t t = rewards.size(); t-- > 0;) {
      g = rewards[t] + discount_ * g;
      returns[i][t] = g;
    }
    longest = std::max(longest, records[i].steps());
  }
  std::vector<std::int64_t> actions;
  std::vector<float> log_probs, values;
  std::vector<double> row_returns;
  for (std::int64_t t = 0; t < longest; ++t) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (t >= records[i].steps()) continue;
      actions.push_back(records[i].actions[t]);
      log_probs.push_back(records[i].log_probs[t]);
      values.push_back(records[i].values[t]);
      row_returns.push_back(returns[i][t]);
    }
  }
  PpoBatch batch;
  batch.inputs = PolicyInputs::cat(step_inputs);
  batch.actions = torch::tensor(actions, torch::kInt64);
  batch.old_log_probs = torch::tensor(log_probs, torch::kFloat32);
  batch.old_values = torch::tensor(values, torch::kFloat32);
  batch.returns = torch::tensor(row_returns, torch::kFloat64).to(torch::kFloat32);
  return batch;
}

Rollout Collector::collect(PolicyNetwork& network, const GraphTensors& graph,
                           std::uint64_t reset_seed, std::mt19937_64* random,
                           std::int64_t policy_version, bool keep_inputs,
                           const std::function<void()>& after_step) {
  const auto start = std::chrono::steady_clock::now();
  batch_->reset(reset_seed, buffers_);
  Rollout out;
  out.records.resize(static_cast<std::size_t>(num_envs()));
  for (std::int32_t i = 0; i < num_envs(); ++i) {
    EpisodeRecord& record = out.records[i];
    record.design = design_id_;
    record.policy_version = policy_version;
    record.env_seed = batch_->episode_seed(i);
  }
  std::vector<PolicyInputs> step_inputs;
  const auto choose = [&](const PolicyInputs& inputs, const std::vector<std::int64_t>& active,
                          std::int64_t /*step*/, std::vector<std::int32_t>* actions) {
    const PolicyOutputs outputs = network->act(graph, inputs);
    const torch::Tensor log_probs_all = torch::log_softmax(outputs.logits, 1);
    std::vector<std::int64_t> chosen(active.size());
    for (std::size_t k = 0; k < active.size(); ++k) {
      chosen[k] = sample_action(outputs.logits[static_cast<std::int64_t>(k)], random);
      (*actions)[active[k]] = static_cast<std::int32_t>(chosen[k]);
    }
    const torch::Tensor picked =
        log_probs_all.gather(1, torch::tensor(chosen).unsqueeze(1)).squeeze(1).contiguous();
    const torch::Tensor values = outputs.values.contiguous();
    for (std::size_t k = 0; k < active.size(); ++k) {
      EpisodeRecord& record = out.records[active[k]];
      record.log_probs.push_back(picked.data_ptr<float>()[k]);
      record.values.push_back(values.data_ptr<float>()[k]);
    }
    if (after_step) after_step();
  };
  out.env_steps =
      run_episodes(choose, keep_inputs ? &step_inputs : nullptr, &out.records, num_envs());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (keep_inputs) out.batch = batch_of(out.records, step_inputs);
  return out;
}

Status Collector::replay(const std::vector<EpisodeRecord>& records, PpoBatch* batch) {
  if (records.empty()) return Status::error("replay: no records");
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].design != design_id_) {
      return Status::error("replay: record " + std::to_string(i) + " is of design " +
                           records[i].design + ", not " + design_id_);
    }
    if (records[i].steps() == 0) return Status::error("replay: empty record");
  }
  // Chunks of at most one record per environment, each replayed as collect() ran it.
  const auto n = static_cast<std::size_t>(num_envs());
  std::vector<PpoBatch> chunks;
  for (std::size_t first = 0; first < records.size(); first += n) {
    const std::vector<EpisodeRecord> chunk(
        records.begin() + static_cast<std::ptrdiff_t>(first),
        records.begin() + static_cast<std::ptrdiff_t>(std::min(records.size(), first + n)));
    PpoBatch part;
    if (Status s = replay_chunk(chunk, first, &part); !s.ok()) return s;
    chunks.push_back(std::move(part));
  }
  *batch = chunks.size() == 1 ? std::move(chunks.front()) : PpoBatch::cat(chunks);
  return {};
}

Status Collector::replay_chunk(const std::vector<EpisodeRecord>& records, std::size_t first,
                               PpoBatch* batch) {
  const std::size_t count = records.size();
  // Environments past `count` are reset too (with the first seed) but take no step.
  std::vector<std::uint64_t> seeds(static_cast<std::size_t>(num_envs()), records.front().env_seed);
  for (std::size_t i = 0; i < count; ++i) seeds[i] = records[i].env_seed;
  batch_->reset_episodes(seeds, buffers_);
  std::vector<EpisodeRecord> observed(seeds.size());
  std::vector<PolicyInputs> step_inputs;
  const std::int64_t side = design_->options.observation.side;
  const auto name = [first](std::int64_t i) {
    return "record " + std::to_string(first + static_cast<std::size_t>(i));
  };
  const auto choose = [&](const PolicyInputs& inputs, const std::vector<std::int64_t>& active,
                          std::int64_t step, std::vector<std::int32_t>* actions) {
    const torch::Tensor mask = inputs.mask.contiguous();
    for (std::size_t k = 0; k < active.size(); ++k) {
      const EpisodeRecord& record = records[active[k]];
      if (step >= record.steps()) {
        throw ReplayMismatch(name(active[k]) + " ends at step " + std::to_string(step) +
                             " but its episode goes on");
      }
      const std::int32_t action = record.actions[step];
      if (action < 0 || action >= side * side ||
          !mask.data_ptr<bool>()[static_cast<std::int64_t>(k) * side * side + action]) {
        throw ReplayMismatch(name(active[k]) + " takes action " + std::to_string(action) +
                             " at step " + std::to_string(step) +
                             ", which the environment does not allow");
      }
      (*actions)[active[k]] = action;
    }
  };
  try {
    run_episodes(choose, &step_inputs, &observed, static_cast<std::int64_t>(count));
  } catch (const ReplayMismatch& e) {
    return Status::error(std::string("replay diverged (another environment?): ") + e.what());
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (observed[i].steps() != records[i].steps() || observed[i].rewards != records[i].rewards ||
        observed[i].infeasible != records[i].infeasible) {
      return Status::error("replay diverged (another environment?): " +
                           name(static_cast<std::int64_t>(i)) + " gives other rewards here");
    }
  }
  *batch = batch_of(records, step_inputs);
  return {};
}

Status replay_designs(const std::map<std::string, ReplayDesign>& designs,
                      const std::vector<EpisodeRecord>& records, std::vector<DesignBatch>* out) {
  // Records by design, designs in order of first appearance, records in their order.
  std::vector<std::string> order;
  std::map<std::string, std::vector<EpisodeRecord>> by_design;
  for (const EpisodeRecord& record : records) {
    if (designs.count(record.design) == 0) {
      return Status::error("replay: a record of design " + record.design +
                           ", which this learner does not train on");
    }
    std::vector<EpisodeRecord>& list = by_design[record.design];
    if (list.empty()) order.push_back(record.design);
    list.push_back(record);
  }
  out->clear();
  for (const std::string& design : order) {
    const ReplayDesign& target = designs.at(design);
    DesignBatch part;
    part.graph = target.graph;
    if (Status s = target.collector->replay(by_design[design], &part.batch); !s.ok()) return s;
    out->push_back(std::move(part));
  }
  return {};
}

}  // namespace macroplace::rl
