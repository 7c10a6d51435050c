// Single-machine PPO training: rollouts on a BatchedEnv, the PPO update, metrics, the best
// placement and atomic checkpoints.
#include "macroplace/rl/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "macroplace/base/atomic_file.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/base/run_folder.h"
#include "macroplace/base/text.h"
#include "macroplace/env/batched_env.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/legality.h"
#include "macroplace/rl/collector.h"
#include "macroplace/rl/distributed.h"
#include "macroplace/rl/torch_policy.h"
#include "observation_inputs.h"

namespace macroplace::rl {

namespace internal {

PolicyInputs inputs_from_batch(env::BatchStorage& storage, const env::ObservationConfig& config,
                               std::int64_t num_envs, std::int64_t num_nodes, bool spatial,
                               const torch::Tensor& rows) {
  const std::int64_t side = config.side;
  PolicyInputs inputs;
  inputs.metadata =
      torch::from_blob(storage.metadata.data(), {num_envs, env::kMetadataSize}, torch::kFloat32)
          .index_select(0, rows);
  inputs.node_features =
      torch::from_blob(storage.node_features.data(),
                       {num_envs, config.max_nodes, env::kNodeFeatures}, torch::kFloat32)
          .index_select(0, rows)
          .narrow(1, 0, num_nodes)
          .contiguous();
  inputs.current_node = torch::from_blob(storage.current_node.data(), {num_envs}, torch::kInt32)
                            .index_select(0, rows)
                            .to(torch::kInt64);
  inputs.mask = torch::from_blob(storage.mask.data(), {num_envs, side * side}, torch::kUInt8)
                    .index_select(0, rows)
                    .to(torch::kBool);
  if (spatial) {
    const torch::Tensor wire =
        torch::from_blob(storage.wire_mask.data(), {num_envs, side, side}, torch::kFloat32)
            .index_select(0, rows);
    const torch::Tensor density =
        torch::from_blob(storage.density.data(), {num_envs, side, side}, torch::kFloat32)
            .index_select(0, rows);
    inputs.spatial = torch::stack({wire, density}, 1);
  }
  return inputs;
}

void run_policy_episode(PolicyNetwork& network, const GraphTensors& graph, env::PlacementEnv* env,
                        std::mt19937_64* random, std::vector<std::int32_t>* actions) {
  const env::EnvDesign& design = env->design();
  const bool spatial = network->options().spatial_features;
  actions->clear();
  const env::Observation* observation = &env->reset(0);
  torch::NoGradGuard no_grad;
  while (!env->done()) {
    const PolicyInputs inputs =
        inputs_from_observation(*observation, design.options.observation, graph.num_nodes, spatial);
    const torch::Tensor logits = network->act(graph, inputs).logits[0];
    const std::int64_t action =
        random == nullptr ? greedy_action(logits) : sample_action(logits, random);
    actions->push_back(static_cast<std::int32_t>(action));
    observation = env->step(static_cast<std::int32_t>(action)).observation;
  }
}

void read_policy(torch::serialize::InputArchive& archive, PolicyOptions* policy,
                 PolicyNetwork* network) {
  torch::Tensor encoded;
  archive.read("policy_options", encoded);
  if (!decode_policy_options(encoded, policy)) {
    throw std::runtime_error("unreadable policy options");
  }
  *network = PolicyNetwork(*policy);
  torch::serialize::InputArchive model;
  archive.read("model", model);
  (*network)->load(model);
}

std::string one_line_reason(const std::exception& e) {
  // LibTorch's errors carry a C++ stack trace after the message: a user needs the first line.
  const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
  std::string text = torch_error != nullptr ? torch_error->what_without_backtrace() : e.what();
  const std::size_t end = text.find('\n');
  if (end != std::string::npos) text.resize(end);
  return text;
}

Status load_policy(const std::string& checkpoint, PolicyOptions* policy, PolicyNetwork* network) {
  try {
    torch::serialize::InputArchive archive;
    if (checkpoint.empty()) {
      const std::string_view bytes = shipped_policy();
      archive.load_from(bytes.data(), bytes.size(), torch::Device(torch::kCPU));
    } else {
      archive.load_from(checkpoint, torch::Device(torch::kCPU));  // whichever device wrote it
    }
    read_policy(archive, policy, network);
  } catch (const std::exception& e) {
    return Status::error_at({checkpoint.empty() ? "(the shipped policy)" : checkpoint, 0, 0},
                            "not a readable macroplace checkpoint: " + one_line_reason(e));
  }
  return {};
}

Status write_archive(const std::string& target, const std::string& what,
                     const std::function<void(torch::serialize::OutputArchive*)>& fill) {
  AtomicFile file(target);
  try {
    torch::serialize::OutputArchive archive;
    fill(&archive);
    archive.save_to([&file](const void* data, std::size_t size) {
      file.write(std::string_view(static_cast<const char*>(data), size));
      return size;
    });
  } catch (const std::exception& e) {
    return Status::error_at({target, 0, 0}, "cannot write the " + what + ": " + one_line_reason(e));
  }
  return file.commit();
}

void write_policy(const PolicyNetwork& network, torch::serialize::OutputArchive* archive) {
  torch::serialize::OutputArchive model;
  network->save(model);
  archive->write("model", model);
  archive->write("policy_options", encode_policy_options(network->options()));
}

}  // namespace internal
}  // namespace macroplace::rl

// Defined in shipped_policy.S (rl/CMakeLists.txt): the bytes of models/shipped-policy/policy.pt.
extern "C" {
extern const char kMacroplaceShippedPolicyBegin[];
extern const char kMacroplaceShippedPolicyEnd[];
}

namespace macroplace::rl {
namespace internal {

std::string_view shipped_policy() {
  return {kMacroplaceShippedPolicyBegin,
          static_cast<std::size_t>(kMacroplaceShippedPolicyEnd - kMacroplaceShippedPolicyBegin)};
}

torch::Tensor encode_policy_options(const PolicyOptions& options) {
  std::vector<std::int64_t> values = {1,  // format version
                                      options.metadata_width,
                                      options.node_width,
                                      options.edge_layers,
                                      options.attention_width,
                                      options.head_channels,
                                      options.head_side,
                                      options.action_side,
                                      options.spatial_features ? 1 : 0,
                                      static_cast<std::int64_t>(options.deconv_channels.size())};
  values.insert(values.end(), options.deconv_channels.begin(), options.deconv_channels.end());
  values.push_back(static_cast<std::int64_t>(options.value_hidden.size()));
  values.insert(values.end(), options.value_hidden.begin(), options.value_hidden.end());
  return torch::tensor(values, torch::kInt64);
}

bool decode_policy_options(const torch::Tensor& encoded, PolicyOptions* options) {
  const torch::Tensor values_tensor = encoded.to(torch::kInt64).contiguous();
  const std::int64_t* v = values_tensor.data_ptr<std::int64_t>();
  const std::int64_t n = values_tensor.numel();
  if (n < 11 || v[0] != 1) return false;
  PolicyOptions out;
  out.metadata_width = static_cast<std::int32_t>(v[1]);
  out.node_width = static_cast<std::int32_t>(v[2]);
  out.edge_layers = static_cast<std::int32_t>(v[3]);
  out.attention_width = static_cast<std::int32_t>(v[4]);
  out.head_channels = static_cast<std::int32_t>(v[5]);
  out.head_side = static_cast<std::int32_t>(v[6]);
  out.action_side = static_cast<std::int32_t>(v[7]);
  out.spatial_features = v[8] != 0;
  std::int64_t at = 9;
  const std::int64_t deconvs = v[at++];
  if (deconvs < 0 || at + deconvs >= n) return false;
  out.deconv_channels.assign(v + at, v + at + deconvs);
  at += deconvs;
  const std::int64_t hidden = v[at++];
  if (hidden < 0 || at + hidden != n) return false;
  out.value_hidden.assign(v + at, v + at + hidden);
  *options = out;
  return out.validate().ok();
}

}  // namespace internal

PolicyInputs inputs_from_observation(const env::Observation& observation,
                                     const env::ObservationConfig& config, std::int64_t num_nodes,
                                     bool spatial) {
  const std::int64_t side = config.side;
  auto* metadata = const_cast<float*>(observation.metadata.data());
  auto* nodes = const_cast<float*>(observation.node_features.data());
  auto* mask = const_cast<std::uint8_t*>(observation.mask.data());
  PolicyInputs inputs;
  inputs.metadata = torch::from_blob(metadata, {1, env::kMetadataSize}, torch::kFloat32).clone();
  inputs.node_features =
      torch::from_blob(nodes, {1, num_nodes, env::kNodeFeatures}, torch::kFloat32).clone();
  inputs.current_node = torch::full({1}, observation.current_node, torch::kInt64);
  inputs.mask = torch::from_blob(mask, {1, side * side}, torch::kUInt8).to(torch::kBool);
  if (spatial) {
    auto* wire = const_cast<float*>(observation.wire_mask.data());
    auto* density = const_cast<float*>(observation.density.data());
    inputs.spatial = torch::stack({torch::from_blob(wire, {1, side, side}, torch::kFloat32),
                                   torch::from_blob(density, {1, side, side}, torch::kFloat32)},
                                  1);
  }
  return inputs;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The reset seed of an iteration's environments: a SplitMix64 step, so that neighbouring run
// seeds do not share episodes.
std::uint64_t iteration_seed(std::uint64_t seed, std::int32_t iteration) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(iteration) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::int64_t as_signed(std::uint64_t value) {
  std::int64_t out = 0;
  std::memcpy(&out, &value, sizeof out);
  return out;
}

std::uint64_t as_unsigned(std::int64_t value) {
  std::uint64_t out = 0;
  std::memcpy(&out, &value, sizeof out);
  return out;
}

}  // namespace

// One design being trained on: its environment, graph, collector and best placement so far.
struct TrainedDesign {
  std::string name;
  std::shared_ptr<const env::EnvDesign> design;
  GraphTensors graph;
  std::string design_id;                 // the design's fingerprint, in every record
  std::unique_ptr<Collector> collector;  // collects in-process, or replays collectors' records
  std::unique_ptr<env::PlacementEnv> greedy_env;
  double best_proxy = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::int32_t> best_actions;
  std::uint64_t best_seed = 0;
};

struct Trainer::Impl {
  TrainerOptions options;
  std::vector<TrainedDesign> designs;  // one, or a corpus
  PolicyNetwork network{nullptr};
  torch::Device device{torch::kCPU};  // the network's, the update's and the designs' graphs'
  std::unique_ptr<torch::optim::Adam> optimizer;
  std::mt19937_64 random;
  double kl_beta = 1.0;
  std::int32_t iteration = 0;
  std::unique_ptr<CollectorHub> hub;  // with options.listen: where collectors deliver
  std::function<void(const std::string&)> waiting;
  RunFolder folder;  // locked while this trainer lives

  // The run's design identity: the fingerprint, or the corpus's fingerprints joined.
  std::string run_design_id() const {
    std::string id;
    for (const TrainedDesign& d : designs) id += (id.empty() ? "" : ",") + d.design_id;
    return id;
  }
  // best.plc for one design, best-NAME.plc for a corpus (and .json alike).
  std::string best_path(const TrainedDesign& d, const char* extension) const {
    return path(designs.size() == 1 ? ("best" + std::string(extension)).c_str()
                                    : ("best-" + d.name + extension).c_str());
  }

  std::string path(const char* name) const { return folder.path(name); }
  void build_network(const PolicyOptions& policy) { set_network(PolicyNetwork(policy)); }
  // The network to train, with a fresh optimizer on its parameters.
  void set_network(PolicyNetwork trained) {
    network = std::move(trained);
    network->to(device);  // before the optimizer takes the parameters
    optimizer = std::make_unique<torch::optim::Adam>(
        network->parameters(),
        torch::optim::AdamOptions(options.ppo.learning_rate).eps(options.ppo.adam_epsilon));
  }
  Status save_checkpoint() const;
  Status save_policy() const;
  Status load_checkpoint();
  Status check_manifest(const TrainerOptions& requested);
  Status load_initial_policy(const std::string& file);
  Status write_best(const TrainedDesign& d, double episode_proxy) const;
};

Status Trainer::Impl::save_checkpoint() const {
  return internal::write_archive(
      path("checkpoint.pt"), "checkpoint", [this](torch::serialize::OutputArchive* archive) {
        internal::write_policy(network, archive);
        torch::serialize::OutputArchive adam;
        optimizer->save(adam);
        archive->write("optimizer", adam);
        archive->write("iteration", torch::tensor(std::vector<std::int64_t>{iteration}));
        archive->write("kl_beta", torch::tensor(std::vector<double>{kl_beta}, torch::kFloat64));
        // Each design's best: design 0 under the single-design keys, others prefixed.
        for (std::size_t i = 0; i < designs.size(); ++i) {
          const TrainedDesign& d = designs[i];
          const std::string prefix = i == 0 ? "" : "design_" + std::to_string(i) + "_";
          archive->write(prefix + "best_proxy",
                         torch::tensor(std::vector<double>{d.best_proxy}, torch::kFloat64));
          archive->write(prefix + "best_seed",
                         torch::tensor(std::vector<std::int64_t>{as_signed(d.best_seed)}));
          std::vector<std::int64_t> actions(d.best_actions.begin(), d.best_actions.end());
          archive->write(prefix + "best_actions",
                         torch::tensor(actions, torch::kInt64)
                             .reshape({static_cast<std::int64_t>(actions.size())}));
        }
        std::ostringstream state;
        state << random;
        const std::string text = state.str();
        std::vector<std::int64_t> bytes(text.begin(), text.end());
        archive->write("random", torch::tensor(bytes, torch::kInt64));
      });
}

Status Trainer::Impl::save_policy() const {
  const auto fill = [this](torch::serialize::OutputArchive* archive) {
    internal::write_policy(network, archive);
  };
  if (Status s = internal::write_archive(path("policy.pt"), "policy", fill); !s.ok()) return s;
  const std::int32_t every = options.keep_policy_every;
  if (every == 0 || iteration == 0 || iteration % every != 0) return {};
  const std::string kept = path("policies");
  std::error_code error;
  std::filesystem::create_directories(kept, error);
  if (error) return Status::error(kept + ": cannot create the folder: " + error.message());
  char name[32];
  std::snprintf(name, sizeof name, "/iteration-%06d.pt", static_cast<int>(iteration));
  return internal::write_archive(kept + name, "policy", fill);
}

Status Trainer::Impl::load_checkpoint() {
  const std::string file = path("checkpoint.pt");
  try {
    torch::serialize::InputArchive archive;
    // Onto the run's device, whichever device wrote it: the optimizer's state with it.
    archive.load_from(file, device);
    // A fresh tensor per read: InputArchive::read() into a defined tensor re-points it (set_)
    // without converting the dtype.
    const auto read = [&archive](const std::string& key) {
      torch::Tensor value;
      archive.read(key, value);
      return value.to(torch::kCPU);
    };
    PolicyNetwork loaded{nullptr};
    internal::read_policy(archive, &options.policy, &loaded);
    set_network(std::move(loaded));
    torch::serialize::InputArchive adam;
    archive.read("optimizer", adam);
    optimizer->load(adam);
    torch::Tensor tensor = read("iteration");
    iteration = static_cast<std::int32_t>(tensor.item<std::int64_t>());
    tensor = read("kl_beta");
    kl_beta = tensor.item<double>();
    for (std::size_t i = 0; i < designs.size(); ++i) {
      TrainedDesign& d = designs[i];
      const std::string prefix = i == 0 ? "" : "design_" + std::to_string(i) + "_";
      tensor = read(prefix + "best_proxy");
      d.best_proxy = tensor.item<double>();
      tensor = read(prefix + "best_seed");
      d.best_seed = as_unsigned(tensor.item<std::int64_t>());
      tensor = read(prefix + "best_actions");
      tensor = tensor.contiguous();
      d.best_actions.assign(tensor.data_ptr<std::int64_t>(),
                            tensor.data_ptr<std::int64_t>() + tensor.numel());
    }
    tensor = read("random");
    tensor = tensor.contiguous();
    const std::string text(tensor.data_ptr<std::int64_t>(),
                           tensor.data_ptr<std::int64_t>() + tensor.numel());
    std::istringstream state(text);
    state >> random;
    if (state.fail()) return Status::error("checkpoint '" + file + "': bad random state");
  } catch (const std::exception& e) {
    return Status::error_at(
        {file, 0, 0}, "not a readable macroplace checkpoint: " + internal::one_line_reason(e));
  }
  return {};
}

// A fresh run records what it is; a resumed one must be the same run: the same design, model,
// hyper-parameters and seed (the checkpoint would silently override a changed architecture, and
// a changed design or learning rate would mix two experiments in one folder). Then the metrics
// are cut back to the checkpoint's iteration: lines a killed process wrote after its last
// checkpoint, or a torn last line, would otherwise be duplicated or glued to the next one.
Status Trainer::Impl::check_manifest(const TrainerOptions& requested) {
  TrainerOptions recorded = requested;
  if (!requested.initial_checkpoint.empty()) recorded.policy = options.policy;  // the --init one
  const RunManifest now = training_manifest(recorded, run_design_id());
  if (!requested.resume) {
    std::remove(path("metrics.jsonl").c_str());
    std::remove(path(kEpisodesLog).c_str());
    for (const TrainedDesign& d : designs) {
      std::remove(best_path(d, ".plc").c_str());
      std::remove(best_path(d, ".json").c_str());
    }
    return folder.write_manifest(now);
  }
  if (!folder.has_manifest()) return folder.write_manifest(now);  // a run from before manifests
  RunManifest stored;
  if (Status s = folder.read_manifest(&stored); !s.ok()) return s;
  const std::vector<std::string> changes = manifest_differences(stored, now);
  if (!changes.empty()) {
    std::string text;
    for (const std::string& change : changes) text += (text.empty() ? "" : "; ") + change;
    return Status::error_at({path("manifest.json"), 0, 0},
                            "--resume with other settings than the run's (" + text +
                                "); resume with the run's settings, or start a new run folder");
  }
  if (Status s = folder.trim_log(kEpisodesLog, iteration); !s.ok()) return s;
  return folder.trim_log("metrics.jsonl", iteration);
}

Status Trainer::Impl::load_initial_policy(const std::string& file) {
  PolicyNetwork loaded{nullptr};
  if (Status s = internal::load_policy(file, &options.policy, &loaded); !s.ok()) return s;
  set_network(std::move(loaded));
  return {};
}

Status Trainer::Impl::write_best(const TrainedDesign& d, double episode_proxy) const {
  // Replay the best episode in a fresh environment: its placement, legal by construction.
  env::PlacementEnv replay(d.design);
  replay.reset(d.best_seed);
  for (const std::int32_t action : d.best_actions) {
    if (replay.done() || !replay.legal(action)) {
      return Status::error("best episode does not replay (environment not deterministic?)");
    }
    replay.step(action);
  }
  if (Status s = replay.write_plc(best_path(d, ".plc")); !s.ok()) return s;
  const placement::CostBreakdown replayed = replay.info().costs;
  const bool legal = placement::check_legality(replay.cost()).legal();
  JsonWriter json(JsonWriter::Spacing::kSpaced);
  json.begin_object();
  json.key("iteration").value(iteration);
  json.key("proxy").value(replayed.proxy);
  json.key("wirelength").value(replayed.wirelength);
  json.key("wirelength_cost").value(replayed.wirelength_cost);
  json.key("density_cost").value(replayed.density_cost);
  json.key("congestion_cost").value(replayed.congestion_cost);
  json.key("episode_proxy").value(episode_proxy);
  json.key("legal").value(legal);
  json.key("episode_seed").value(d.best_seed);
  json.end_object();
  AtomicFile file(best_path(d, ".json"));
  file.write(json.str() + "\n");
  return file.commit();
}

Trainer::Trainer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Trainer::~Trainer() = default;

Status Trainer::create(const TrainerOptions& options, std::unique_ptr<Trainer>* out) {
  if (Status s = options.validate(); !s.ok()) return s;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (Status s = parse_device(options.device, &impl->device); !s.ok()) return s;
  // The lock first: a second process on this folder stops here, before it touches a file.
  if (Status s = RunFolder::open(options.run_dir, &impl->folder); !s.ok()) return s;
  const bool has_checkpoint = std::filesystem::exists(impl->path("checkpoint.pt"));
  if (options.resume && !has_checkpoint) {
    return Status::error("--resume: no checkpoint.pt in '" + options.run_dir + "'");
  }
  if (!options.resume && has_checkpoint) {
    return Status::error("'" + options.run_dir +
                         "' already holds a run (checkpoint.pt); use --resume or a new folder");
  }
  at::set_num_threads(options.torch_threads > 0 ? options.torch_threads
                                                : std::max(1, options.threads));
  torch::manual_seed(options.seed);
  impl->random.seed(options.seed);
  impl->kl_beta = options.ppo.initial_kl_beta;
  // The designs first: a policy fitted to their grid needs the grid.
  std::vector<TrainingDesign> inputs = options.designs;
  if (inputs.empty()) {
    TrainingDesign single{"", options.netlist, options.settings};
    if (single.netlist == nullptr) {
      placement::LoadedDesign loaded;
      if (Status s =
              placement::load_design({options.netlist_path, options.plc_path, false}, &loaded);
          !s.ok()) {
        return s;
      }
      single.netlist = std::make_shared<const netlist::Netlist>(std::move(loaded.netlist));
      single.settings = loaded.settings;
      single.name = loaded.name;
    }
    inputs.push_back(std::move(single));
  }
  // The policy the options ask for (fitted to the largest grid when asked): a new run's, and
  // what a resumed run's manifest must match.
  TrainerOptions requested = options;
  if (options.fit_action_side) {
    std::int32_t columns = 0, rows = 0;
    for (const TrainingDesign& input : inputs) {
      columns = std::max(columns, input.settings.columns);
      rows = std::max(rows, input.settings.rows);
    }
    if (Status s = requested.policy.fit_action_side(columns, rows); !s.ok()) return s;
    impl->options.policy = requested.policy;
  }
  impl->designs.resize(inputs.size());  // before the checkpoint: it restores their bests
  if (options.resume) {
    if (Status s = impl->load_checkpoint(); !s.ok()) return s;
  } else {
    if (!options.initial_checkpoint.empty()) {
      // Fine-tuning: the policy (architecture and weights) of another run, everything else new.
      if (Status s = impl->load_initial_policy(options.initial_checkpoint); !s.ok()) return s;
    } else {
      impl->build_network(impl->options.policy);
    }
  }
  env::EnvOptions& env_options = impl->options.env;
  if (impl->options.policy.spatial_features) {
    env_options.observation.wire_mask = env_options.observation.density = true;
  }
  env_options.observation.side = impl->options.policy.action_side;
  requested.env.observation.side =
      (options.initial_checkpoint.empty() ? requested.policy : impl->options.policy).action_side;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    TrainedDesign& d = impl->designs[i];
    d.name = inputs[i].name;
    if (Status s =
            env::make_env_design(inputs[i].netlist, inputs[i].settings, env_options, &d.design);
        !s.ok()) {
      return inputs.size() == 1 ? s : Status::error("design '" + d.name + "': " + s.message());
    }
    d.design_id = placement::design_fingerprint(*d.design->netlist, d.design->settings);
    d.graph = make_graph_tensors(d.design->graph).to(impl->device);
    d.collector = std::make_unique<Collector>(
        d.design, d.design_id, options.episodes_per_iteration, options.threads,
        impl->options.policy.spatial_features, options.ppo.discount);
    d.greedy_env = std::make_unique<env::PlacementEnv>(d.design);
  }
  if (Status s = impl->check_manifest(requested); !s.ok()) return s;
  if (options.resume) {
    // policy.pt as of the checkpoint: a kill between the two writes left it one iteration behind
    // (or its temporary behind, when the run had reached its last iteration and the resume has
    // nothing left to write).
    if (Status s = impl->save_policy(); !s.ok()) return s;
  }
  if (!options.listen.empty()) {
    HubOptions hub;
    if (Status s = parse_endpoint(options.listen, &hub.listen); !s.ok()) return s;
    hub.identity = training_manifest(requested, impl->run_design_id());
    hub.identity["netlist"] = options.netlist_path;
    hub.identity["plc"] = options.plc_path;
    hub.unit_episodes = options.unit_episodes;
    if (hub.unit_episodes == 0) {
      for (std::int32_t size = 4; size >= 1; --size) {
        if (options.episodes_per_iteration % size == 0) {
          hub.unit_episodes = size;
          break;
        }
      }
    }
    if (!options.designs.empty()) {
      // A corpus: collectors load it themselves (CollectOptions::load_corpus) and collect unit
      // u on design (u / units per design) mod D; records go back to their design by its
      // fingerprint, so two designs of the corpus must differ.
      std::error_code error;
      hub.identity["corpus"] = std::filesystem::absolute(options.corpus_path, error).string();
      hub.identity["units_per_design"] =
          std::to_string(options.episodes_per_iteration / hub.unit_episodes);
      for (std::size_t i = 0; i < impl->designs.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
          if (impl->designs[i].design_id == impl->designs[j].design_id) {
            return Status::error("designs '" + impl->designs[j].name + "' and '" +
                                 impl->designs[i].name +
                                 "' of the corpus are the same design: collectors cannot tell "
                                 "their episodes apart");
          }
        }
      }
    }
    hub.collector_timeout_seconds = options.collector_timeout_seconds;
    hub.max_staleness = options.max_staleness;
    hub.gather_timeout_seconds = options.gather_timeout_seconds;
    if (Status s = CollectorHub::start(hub, &impl->hub); !s.ok()) return s;
  }
  out->reset(new Trainer(std::move(impl)));
  return {};
}

std::uint16_t Trainer::collector_port() const {
  return impl_->hub == nullptr ? 0 : impl_->hub->port();
}

std::int32_t Trainer::wait_for_collectors(std::int32_t count, double timeout_seconds) {
  if (impl_->hub == nullptr) return 0;
  return impl_->hub->wait_for_collectors(count, timeout_seconds, impl_->waiting);
}

void Trainer::set_waiting(std::function<void(const std::string&)> waiting) {
  impl_->waiting = std::move(waiting);
}

std::int32_t Trainer::iteration() const {
  return impl_->iteration;
}
double Trainer::best_proxy() const {
  return impl_->designs.front().best_proxy;
}
std::int64_t Trainer::parameter_count() const {
  return impl_->network->parameter_count();
}
const TrainerOptions& Trainer::options() const {
  return impl_->options;
}

std::vector<double> Trainer::parameters() const {
  std::vector<double> out;
  for (const torch::Tensor& p : impl_->network->parameters()) {
    const torch::Tensor flat =
        p.detach().to(torch::kCPU).to(torch::kFloat64).contiguous().view({-1});
    out.insert(out.end(), flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  }
  return out;
}

namespace {

// The reset seed of design `index`'s environments in an iteration (design 0: the single-design
// run's seed, so one design is exactly that run).
std::uint64_t design_seed(std::uint64_t seed, std::size_t index, std::int32_t iteration) {
  return iteration_seed(seed + 0x632BE59BD9B4E019ULL * index, iteration);
}

// Feasible episodes' proxy figures of some records.
struct EpisodeFigures {
  std::int32_t feasible = 0, infeasible = 0;
  double sum = 0, wirelength = 0, density = 0, congestion = 0, return_sum = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::int64_t best = -1;  // index of the lowest-proxy feasible record

  void add(const std::vector<EpisodeRecord>& records, double discount) {
    for (std::size_t i = 0; i < records.size(); ++i) {
      const EpisodeRecord& c = records[i];
      return_sum += c.discounted_return(discount);
      if (c.infeasible || !std::isfinite(c.proxy)) {
        ++infeasible;
        continue;
      }
      ++feasible;
      sum += c.proxy;
      wirelength += c.wirelength_cost;
      density += c.density_cost;
      congestion += c.congestion_cost;
      if (c.proxy < min) {
        min = c.proxy;
        best = static_cast<std::int64_t>(i);
      }
      max = std::max(max, c.proxy);
    }
  }
};

}  // namespace

Status Trainer::run_iteration(IterationMetrics* metrics) {
  Impl& m = *impl_;
  const auto start = Clock::now();

  // 1. Rollouts: one episode per environment with the current policy. In-process, sampled with
  // the run's random stream (the PPO update draws its minibatches from it next), design after
  // design; distributed, the collectors' records of this version, replayed here into each
  // design's batch.
  // The designs this iteration trains on (every one unless designs_per_iteration says fewer).
  const std::vector<std::size_t> chosen =
      designs_of_iteration(m.options.seed, m.iteration, m.designs.size(),
                           m.options.designs_per_iteration, m.options.designs_every_iteration);
  std::vector<Rollout> rollouts(m.designs.size());
  IterationMetrics out;
  if (m.hub == nullptr) {
    for (const std::size_t d : chosen) {
      TrainedDesign& design = m.designs[d];
      rollouts[d] = design.collector->collect(m.network, design.graph,
                                              design_seed(m.options.seed, d, m.iteration),
                                              &m.random, m.iteration, /*keep_inputs=*/true);
    }
  } else {
    // Every design's episodes of this version from the collectors, each record replayed on its
    // design (found by the record's fingerprint).
    const std::int32_t episodes =
        m.options.episodes_per_iteration * static_cast<std::int32_t>(chosen.size());
    std::vector<EpisodeRecord> records;
    GatherStats gathered;
    if (Status s = m.hub->publish(m.iteration, policy_bytes(m.network), episodes); !s.ok()) {
      return s;
    }
    if (Status s = m.hub->gather(m.iteration, episodes, &records, &gathered, m.waiting); !s.ok()) {
      return s;
    }
    const auto replay_start = Clock::now();
    for (EpisodeRecord& record : records) {
      std::size_t d = 0;
      while (d < m.designs.size() && m.designs[d].design_id != record.design) ++d;
      if (d == m.designs.size()) {
        return Status::error("a collector delivered an episode of a design not in this run");
      }
      rollouts[d].env_steps += record.steps();
      rollouts[d].records.push_back(std::move(record));
    }
    for (std::size_t d = 0; d < m.designs.size(); ++d) {
      if (rollouts[d].records.empty()) continue;  // not drawn this iteration
      if (Status s = m.designs[d].collector->replay(rollouts[d].records, &rollouts[d].batch);
          !s.ok()) {
        return s;
      }
    }
    out.replay_seconds = seconds_since(replay_start);
    out.collectors = gathered.collectors;
    out.collectors_alive = gathered.collectors_alive;
    out.records_dropped = gathered.records_dropped;
    out.records_stale = gathered.records_stale;
  }
  const double rollout_seconds = seconds_since(start);

  // 3. PPO: one design's batch as before; several designs' rows in one update.
  const auto update_start = Clock::now();
  PpoUpdateStats stats;
  if (m.designs.size() == 1) {
    stats = ppo_update(m.network, *m.optimizer, m.designs[0].graph, rollouts[0].batch,
                       m.options.ppo, &m.kl_beta, &m.random);
  } else {
    std::vector<DesignBatch> parts;
    for (std::size_t d = 0; d < m.designs.size(); ++d) {
      // A design without episodes this time (collectors working ahead: max_staleness) adds none.
      if (rollouts[d].records.empty()) continue;
      parts.push_back({&m.designs[d].graph, std::move(rollouts[d].batch)});
    }
    stats = ppo_update(m.network, *m.optimizer, parts, m.options.ppo, &m.kl_beta, &m.random);
  }
  const double update_seconds = seconds_since(update_start);
  ++m.iteration;

  // 4. Metrics and each design's best placement.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.iteration = m.iteration;
  EpisodeFigures all;
  std::int64_t episodes = 0;
  double greedy_sum = 0, best_sum = 0;
  std::int32_t greedy_count = 0, best_count = 0;
  for (std::size_t d = 0; d < m.designs.size(); ++d) {
    TrainedDesign& design = m.designs[d];
    const std::vector<EpisodeRecord>& records = rollouts[d].records;
    if (records.empty() && !std::binary_search(chosen.begin(), chosen.end(), d)) {
      // Not trained on this iteration: only its best so far counts.
      if (std::isfinite(design.best_proxy)) best_sum += design.best_proxy, ++best_count;
      continue;
    }
    episodes += static_cast<std::int64_t>(records.size());
    out.env_steps += rollouts[d].env_steps;
    EpisodeFigures figures;
    figures.add(records, m.options.ppo.discount);
    all.add(records, m.options.ppo.discount);
    // The greedy episode of the updated policy (reset with seed 0, see run_policy_episode).
    double greedy = nan;
    std::vector<std::int32_t> greedy_actions;
    if (m.options.greedy_evaluation) {
      const auto greedy_start = Clock::now();
      internal::run_policy_episode(m.network, design.graph, design.greedy_env.get(), nullptr,
                                   &greedy_actions);
      if (!design.greedy_env->info().infeasible) greedy = design.greedy_env->info().costs.proxy;
      out.greedy_seconds += seconds_since(greedy_start);
    }
    const bool greedy_better = std::isfinite(greedy) && (figures.best < 0 || greedy < figures.min);
    const double candidate = greedy_better ? greedy : figures.min;
    if ((greedy_better || figures.best >= 0) && !(candidate >= design.best_proxy)) {
      design.best_proxy = candidate;
      design.best_actions = greedy_better ? greedy_actions : records[figures.best].actions;
      design.best_seed = greedy_better ? 0 : records[figures.best].env_seed;
      out.new_best = true;
      if (Status s = m.write_best(design, candidate); !s.ok()) return s;
    }
    if (std::isfinite(greedy)) greedy_sum += greedy, ++greedy_count;
    if (std::isfinite(design.best_proxy)) best_sum += design.best_proxy, ++best_count;
    if (m.designs.size() > 1) {
      out.designs.push_back({design.name,
                             figures.feasible > 0 ? figures.sum / figures.feasible : nan,
                             figures.feasible > 0 ? figures.min : nan, greedy, design.best_proxy});
    }
  }
  out.episodes = static_cast<std::int32_t>(episodes);
  out.infeasible_episodes = all.infeasible;
  out.proxy_mean = all.feasible > 0 ? all.sum / all.feasible : nan;
  out.proxy_min = all.feasible > 0 ? all.min : nan;
  out.proxy_max = all.feasible > 0 ? all.max : nan;
  out.wirelength_mean = all.feasible > 0 ? all.wirelength / all.feasible : nan;
  out.density_mean = all.feasible > 0 ? all.density / all.feasible : nan;
  out.congestion_mean = all.feasible > 0 ? all.congestion / all.feasible : nan;
  out.return_mean = all.return_sum / static_cast<double>(std::max<std::int64_t>(episodes, 1));
  out.entropy = stats.entropy;
  out.kl = stats.kl;
  out.kl_beta = stats.kl_beta;
  out.policy_loss = stats.policy_loss;
  out.value_loss = stats.value_loss;
  out.total_loss = stats.total_loss;
  out.clip_fraction = stats.clip_fraction;
  out.epochs_run = stats.epochs_run;
  out.minibatches = stats.minibatches;
  out.rollout_seconds = rollout_seconds;
  out.update_seconds = update_seconds;
  const double total_seconds = seconds_since(start);
  out.episodes_per_second = static_cast<double>(episodes) / total_seconds;
  out.env_steps_per_second = static_cast<double>(out.env_steps) / rollout_seconds;
  out.greedy_proxy = greedy_count > 0 ? greedy_sum / greedy_count : nan;
  out.best_proxy = best_count > 0 ? best_sum / best_count : nan;

  JsonWriter line(JsonWriter::Spacing::kSpaced);
  line.begin_object();
  line.key("iteration").value(out.iteration);
  line.key("episodes").value(out.episodes);
  line.key("infeasible").value(out.infeasible_episodes);
  line.key("env_steps").value(out.env_steps);
  line.key("proxy_mean").value(out.proxy_mean);
  line.key("proxy_min").value(out.proxy_min);
  line.key("proxy_max").value(out.proxy_max);
  line.key("wirelength_cost_mean").value(out.wirelength_mean);
  line.key("density_cost_mean").value(out.density_mean);
  line.key("congestion_cost_mean").value(out.congestion_mean);
  line.key("return_mean").value(out.return_mean);
  line.key("entropy").value(out.entropy);
  line.key("kl").value(out.kl);
  line.key("kl_beta").value(out.kl_beta);
  line.key("policy_loss").value(out.policy_loss);
  line.key("value_loss").value(out.value_loss);
  line.key("total_loss").value(out.total_loss);
  line.key("clip_fraction").value(out.clip_fraction);
  line.key("epochs").value(out.epochs_run);
  line.key("minibatches").value(out.minibatches);
  line.key("greedy_proxy").value(out.greedy_proxy);
  line.key("best_proxy").value(out.best_proxy);
  line.key("rollout_s").value(out.rollout_seconds);
  line.key("update_s").value(out.update_seconds);
  line.key("greedy_s").value(out.greedy_seconds);
  line.key("collectors").value(out.collectors);
  line.key("collectors_alive").value(out.collectors_alive);
  line.key("records_dropped").value(out.records_dropped);
  line.key("records_stale").value(out.records_stale);
  line.key("replay_s").value(out.replay_seconds);
  line.key("episodes_per_s").value(out.episodes_per_second);
  line.key("env_steps_per_s").value(out.env_steps_per_second);
  // Each design's figures as flat keys "design.NAME.proxy_mean", ...: metrics lines stay flat
  // JSON objects (what the run folder's trim and eval's curve reader parse).
  for (const DesignMetrics& design : out.designs) {
    const std::string prefix = "design." + design.name + ".";
    line.key(prefix + "proxy_mean").value(design.proxy_mean);
    line.key(prefix + "proxy_min").value(design.proxy_min);
    line.key(prefix + "greedy_proxy").value(design.greedy_proxy);
    line.key(prefix + "best_proxy").value(design.best_proxy);
  }
  line.end_object();
  // The lines before the checkpoint: a kill in between leaves lines past the checkpoint, which
  // the resume cuts (check_manifest); the other order would lose them for good.
  if (m.options.record_episodes) {
    for (std::size_t d = 0; d < m.designs.size(); ++d) {
      for (const EpisodeRecord& record : rollouts[d].records) {
        JsonWriter episode(JsonWriter::Spacing::kSpaced);
        episode.begin_object();
        episode.key("iteration").value(out.iteration);
        episode.key("design").value(m.designs[d].name);
        episode.key("fingerprint").value(m.designs[d].design_id);
        episode.key("episode").value(base64_encode(encode_record(record)));
        episode.end_object();
        if (Status s = m.folder.append_line(kEpisodesLog, episode.str()); !s.ok()) return s;
      }
    }
  }
  if (Status s = m.folder.append_line("metrics.jsonl", line.str()); !s.ok()) return s;
  if (Status s = m.save_checkpoint(); !s.ok()) return s;
  // After the checkpoint: a kill in between leaves policy.pt one iteration behind, never ahead.
  if (Status s = m.save_policy(); !s.ok()) return s;
  if (metrics != nullptr) *metrics = out;
  return {};
}

Status train(Trainer& trainer, const std::function<void(const IterationMetrics&)>& progress) {
  const TrainerOptions& options = trainer.options();
  const auto start = Clock::now();
  while (trainer.iteration() < options.iterations) {
    IterationMetrics metrics;
    if (Status s = trainer.run_iteration(&metrics); !s.ok()) return s;
    if (progress) progress(metrics);
    if (options.time_limit_seconds > 0 && seconds_since(start) >= options.time_limit_seconds) break;
  }
  return {};
}

Status train(const TrainerOptions& options,
             const std::function<void(const IterationMetrics&)>& progress) {
  std::unique_ptr<Trainer> trainer;
  if (Status s = Trainer::create(options, &trainer); !s.ok()) return s;
  return train(*trainer, progress);
}

}  // namespace macroplace::rl
