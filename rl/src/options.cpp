// Validation of the rl/ options and the training config file (no LibTorch here).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "macroplace/base/numbers.h"
#include "macroplace/base/text.h"
#include "macroplace/rl/policy.h"
#include "macroplace/rl/policy_placer.h"
#include "macroplace/rl/ppo.h"
#include "macroplace/rl/trainer.h"

namespace macroplace::rl {

bool is_device_name(const std::string& name) {
  const bool indexed = name.size() > 5 && name.compare(0, 5, "cuda:") == 0 &&
                       name.find_first_not_of("0123456789", 5) == std::string::npos;
  return indexed || name == "cpu" || name == "cuda" || name == "auto";
}

Status PolicyOptions::validate() const {
  if (metadata_width < 1 || node_width < 1 || attention_width < 1 || head_channels < 1 ||
      head_side < 1) {
    return Status::error("policy widths must be positive");
  }
  if (edge_layers < 0) return Status::error("policy edge_layers must be >= 0");
  std::int64_t side = head_side;
  for (const std::int32_t channels : deconv_channels) {
    if (channels < 1) return Status::error("policy deconvolution channels must be positive");
    side *= 2;
  }
  if (side != action_side) {
    return Status::error("policy head: head_side x 2^(deconvolutions) = " + std::to_string(side) +
                         " differs from the action side " + std::to_string(action_side));
  }
  for (const std::int32_t width : value_hidden) {
    if (width < 1) return Status::error("policy value_hidden widths must be positive");
  }
  return {};
}

Status PolicyOptions::fit_action_side(std::int32_t columns, std::int32_t rows) {
  std::int32_t side = head_side;
  std::size_t layers = 0;
  while (side < std::max(columns, rows)) {
    if (layers == deconv_channels.size()) {
      return Status::error("the " + std::to_string(columns) + " x " + std::to_string(rows) +
                           " grid needs a larger action side than the policy head's " +
                           std::to_string(side));
    }
    side *= 2;
    ++layers;
  }
  deconv_channels.resize(layers);
  action_side = side;
  return {};
}

Status PpoOptions::validate() const {
  const auto finite_non_negative = [](double v) { return std::isfinite(v) && v >= 0; };
  if (!(clip_ratio > 0 && clip_ratio < 1)) return Status::error("ppo clip_ratio must be in (0, 1)");
  if (!finite_non_negative(entropy_coefficient) || !finite_non_negative(value_coefficient) ||
      !finite_non_negative(initial_kl_beta) || !finite_non_negative(kl_cutoff_coefficient) ||
      !finite_non_negative(max_grad_norm) || !finite_non_negative(kl_tolerance)) {
    return Status::error("ppo coefficients must be finite and non-negative");
  }
  if (!(discount > 0 && discount <= 1)) return Status::error("ppo discount must be in (0, 1]");
  if (!(kl_target > 0) || !(kl_cutoff_factor > 0)) {
    return Status::error("ppo kl_target and kl_cutoff_factor must be positive");
  }
  if (!(learning_rate > 0) || !(adam_epsilon > 0)) {
    return Status::error("ppo learning_rate and adam_epsilon must be positive");
  }
  if (microbatch_size < 0) return Status::error("ppo microbatch_size must be >= 0");
  if (minibatch_size < 1 || epochs < 1) {
    return Status::error("ppo minibatch_size and epochs must be >= 1");
  }
  return {};
}

Status TrainerOptions::validate() const {
  if (netlist_path.empty() && !netlist && designs.empty()) {
    return Status::error("train: a netlist is required");
  }
  for (const TrainingDesign& design : designs) {
    if (!design.netlist || design.name.empty()) {
      return Status::error("train: every design of a corpus needs a name and a netlist");
    }
  }
  if (!designs.empty() && !listen.empty() && corpus_path.empty()) {
    return Status::error("train: collectors of a corpus run need the corpus's path");
  }
  if (run_dir.empty()) return Status::error("train: a run folder (--out) is required");
  if (episodes_per_iteration < 1)
    return Status::error("train: episodes per iteration must be >= 1");
  if (iterations < 0) return Status::error("train: iterations must be >= 0");
  if (!(time_limit_seconds >= 0)) return Status::error("train: the time limit must be >= 0");
  if (threads < 0 || torch_threads < 0) return Status::error("train: threads must be >= 0");
  if (Status s = policy.validate(); !s.ok()) return s;
  if (Status s = ppo.validate(); !s.ok()) return s;
  if (unit_episodes < 0 || (unit_episodes > 0 && episodes_per_iteration % unit_episodes != 0)) {
    return Status::error("train: episodes per unit must divide episodes per iteration");
  }
  if (max_staleness < 0) return Status::error("train: max staleness must be >= 0");
  if (keep_policy_every < 0) return Status::error("train: keep-policy-every must be >= 0");
  if (designs_per_iteration < 0) {
    return Status::error("train: designs per iteration must be >= 0");
  }
  if (!is_device_name(device)) {
    return Status::error("train: device '" + device + "': expected cpu, cuda, cuda:N or auto");
  }
  if (!designs_every_iteration.empty()) {
    if (designs_per_iteration <= 0 ||
        designs_every_iteration.size() >= static_cast<std::size_t>(designs_per_iteration)) {
      return Status::error("train: " + std::to_string(designs_every_iteration.size()) +
                           " design(s) in every iteration need more designs per iteration (" +
                           std::to_string(designs_per_iteration) + ")");
    }
    std::vector<std::size_t> sorted = designs_every_iteration;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end() ||
        (!designs.empty() && sorted.back() >= designs.size())) {
      return Status::error("train: designs in every iteration must be distinct designs of the run");
    }
  }
  if (!(collector_timeout_seconds > 0) || !(gather_timeout_seconds > 0)) {
    return Status::error("train: collector timeouts must be > 0");
  }
  return env.validate();
}

Status PolicyPlacerOptions::validate() const {
  if (samples < 0) return Status::error("place: --samples must be >= 0");
  if (!(sample_seconds >= 0)) return Status::error("place: sampling seconds must be >= 0");
  if (candidates < 1) return Status::error("place: candidates must be >= 1");
  if (torch_threads < 1) return Status::error("place: torch threads must be >= 1");
  if (!(finetune_minutes >= 0)) return Status::error("place: fine-tuning minutes must be >= 0");
  if (finetune_episodes < 1) return Status::error("place: fine-tuning episodes must be >= 1");
  return env.validate();
}

namespace {

template <typename Int>
bool parse_integer(const std::string& text, Int* out) {
  double value = 0;
  if (!parse_number(text, &value) || value != std::floor(value) || std::fabs(value) > 9e15) {
    return false;
  }
  *out = static_cast<Int>(value);
  return true;
}

bool parse_bool(const std::string& text, bool* out) {
  if (text == "true" || text == "1" || text == "on" || text == "yes") {
    *out = true;
  } else if (text == "false" || text == "0" || text == "off" || text == "no") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

namespace {

// Every training option a config file can set, by name, in one place: apply_config_value()
// parses into them and training_manifest() records them.
struct OptionFields {
  std::map<std::string, double*> doubles;
  std::map<std::string, std::int32_t*> integers;
  std::map<std::string, bool*> flags;
};

OptionFields option_fields(TrainerOptions* options) {
  PpoOptions& ppo = options->ppo;
  PolicyOptions& policy = options->policy;
  return {{{"clip_ratio", &ppo.clip_ratio},
           {"entropy_coefficient", &ppo.entropy_coefficient},
           {"value_coefficient", &ppo.value_coefficient},
           {"discount", &ppo.discount},
           {"initial_kl_beta", &ppo.initial_kl_beta},
           {"kl_target", &ppo.kl_target},
           {"kl_tolerance", &ppo.kl_tolerance},
           {"kl_cutoff_factor", &ppo.kl_cutoff_factor},
           {"kl_cutoff_coefficient", &ppo.kl_cutoff_coefficient},
           {"max_grad_norm", &ppo.max_grad_norm},
           {"learning_rate", &ppo.learning_rate},
           {"adam_epsilon", &ppo.adam_epsilon},
           {"time_limit", &options->time_limit_seconds}},
          {{"minibatch_size", &ppo.minibatch_size},
           {"microbatch_size", &ppo.microbatch_size},
           {"epochs", &ppo.epochs},
           {"episodes_per_iteration", &options->episodes_per_iteration},
           {"iterations", &options->iterations},
           {"threads", &options->threads},
           {"torch_threads", &options->torch_threads},
           {"metadata_width", &policy.metadata_width},
           {"node_width", &policy.node_width},
           {"edge_layers", &policy.edge_layers},
           {"attention_width", &policy.attention_width},
           {"head_channels", &policy.head_channels}},
          {{"stop_on_kl_cutoff", &ppo.stop_on_kl_cutoff},
           {"normalize_advantages", &ppo.normalize_advantages},
           {"spatial_features", &policy.spatial_features},
           {"greedy_evaluation", &options->greedy_evaluation}}};
}

// How long and on how many threads a run goes: a resume may change these (LibTorch threads can
// change the last bits of a result, never what the run is).
bool is_run_control(const std::string& key) {
  return key == "iterations" || key == "time_limit" || key == "threads" || key == "torch_threads";
}

std::string number_text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

template <typename Int>
std::string list_text(const std::vector<Int>& values) {
  std::string text;
  for (const Int value : values) {
    if (!text.empty()) text += ",";
    text += std::to_string(value);
  }
  return text;
}

}  // namespace

Status apply_config_value(const std::string& key, const std::string& value,
                          TrainerOptions* options) {
  const OptionFields fields = option_fields(options);
  bool ok = true;
  if (const auto it = fields.doubles.find(key); it != fields.doubles.end()) {
    ok = parse_number(value, it->second);
  } else if (const auto i = fields.integers.find(key); i != fields.integers.end()) {
    ok = parse_integer(value, i->second);
  } else if (const auto f = fields.flags.find(key); f != fields.flags.end()) {
    ok = parse_bool(value, f->second);
  } else if (key == "seed") {
    ok = parse_integer(value, &options->seed);
  } else if (key == "designs_per_iteration") {
    ok = parse_integer(value, &options->designs_per_iteration);
  } else if (key == "designs_every_iteration") {
    options->designs_every_iteration.clear();
    for (const std::string& item : split_list(value)) {
      std::int64_t index = -1;
      ok = ok && parse_integer(item, &index) && index >= 0;
      if (ok) options->designs_every_iteration.push_back(static_cast<std::size_t>(index));
    }
  } else {
    return Status::error("unknown training option '" + key + "'");
  }
  if (!ok) return Status::error("bad value '" + value + "' for training option '" + key + "'");
  return {};
}

RunManifest training_manifest(const TrainerOptions& options,
                              const std::string& design_fingerprint) {
  TrainerOptions copy = options;
  const OptionFields fields = option_fields(&copy);
  RunManifest manifest;
  for (const auto& [key, value] : fields.doubles) {
    if (!is_run_control(key)) manifest[key] = number_text(*value);
  }
  for (const auto& [key, value] : fields.integers) {
    if (!is_run_control(key)) manifest[key] = std::to_string(*value);
  }
  for (const auto& [key, value] : fields.flags) {
    if (!is_run_control(key)) manifest[key] = *value ? "true" : "false";
  }
  manifest["seed"] = std::to_string(options.seed);
  manifest["design"] = design_fingerprint;
  // Only when set: manifests of runs from before the option stay the same.
  if (options.designs_per_iteration > 0) {
    manifest["designs_per_iteration"] = std::to_string(options.designs_per_iteration);
  }
  if (!options.designs_every_iteration.empty()) {
    manifest["designs_every_iteration"] = list_text(options.designs_every_iteration);
  }
  // The rest of the architecture and the environment (set by library callers, not the config).
  const PolicyOptions& policy = options.policy;
  manifest["head_side"] = std::to_string(policy.head_side);
  manifest["action_side"] = std::to_string(policy.action_side);
  manifest["deconv_channels"] = list_text(policy.deconv_channels);
  manifest["value_hidden"] = list_text(policy.value_hidden);
  // The environment: what an episode is and how it is rewarded (enums by their number).
  const env::EnvOptions& env = options.env;
  const auto number = [](auto value) { return std::to_string(static_cast<std::int32_t>(value)); };
  manifest["env.order"] = number(env.order);
  manifest["env.max_nodes"] = number(env.observation.max_nodes);
  manifest["env.max_edges"] = number(env.observation.max_edges);
  manifest["env.observation_side"] = number(env.observation.side);
  manifest["env.observation_features"] =
      list_text<std::int32_t>({env.observation.wire_mask, env.observation.density,
                               env.observation.congestion, env.observation.normalize_wire_mask});
  manifest["env.weights"] = number_text(env.weights.wirelength) + "," +
                            number_text(env.weights.density) + "," +
                            number_text(env.weights.congestion);
  manifest["env.reward"] = number(env.reward);
  manifest["env.spacing"] = number_text(env.spacing);
  manifest["env.keep_inside_canvas"] = env.keep_inside_canvas ? "true" : "false";
  manifest["env.avoid_blockages"] = env.avoid_blockages ? "true" : "false";
  manifest["env.soft_macro_start"] = number(env.soft_macro_start);
  manifest["env.soft_macro_placer"] = number(env.soft_macro_placer);
  manifest["env.infeasible"] = number(env.infeasible);
  manifest["env.infeasible_penalty"] = number_text(env.infeasible_penalty);
  manifest["env.unplaced_location"] = number(env.unplaced_location);
  manifest["env.ct_macro_allocation_quirk"] = env.ct_macro_allocation_quirk ? "true" : "false";
  return manifest;
}

Status apply_config_file(const std::string& path, TrainerOptions* options) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    // An ifstream opens a folder and reads nothing: the settings would be silently ignored.
    return Status::error_at({path, 0, 0}, "the config file is a folder");
  }
  std::ifstream file(path);
  if (!file) return Status::error("cannot read config file '" + path + "'");
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(file, line)) {
    ++number;
    const std::string text = trimmed(line.substr(0, line.find('#')));
    if (text.empty()) continue;
    const auto equals = text.find('=');
    if (equals == std::string::npos) {
      return Status::error_at({path, number, 1}, "expected 'key = value'");
    }
    if (Status s = apply_config_value(trimmed(text.substr(0, equals)),
                                      trimmed(text.substr(equals + 1)), options);
        !s.ok()) {
      return Status::error_at({path, number, 1}, s.message());
    }
  }
  return {};
}

}  // namespace macroplace::rl
