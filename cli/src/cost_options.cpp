// Command-line options shared by every command that evaluates the proxy cost (cost, place).
#include <algorithm>
#include <cmath>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/base/atomic_file.h"
#include "macroplace/base/numbers.h"
#include "macroplace/cli/commands.h"

namespace macroplace::cli {

using placement::CostSettings;

namespace {

// Reads the values of a numeric option; false (with a message) when one is not a number.
bool numbers_of(const ParsedArguments& args, const std::string& option, std::size_t count,
                double* out, std::ostream& err) {
  if (!args.has(option)) return true;
  const auto& values = args.values(option);
  for (std::size_t i = 0; i < count; ++i) {
    if (!parse_number(values[i], &out[i])) {
      err << "macroplace: " << option << " expects numbers, got '" << values[i] << "'\n";
      return false;
    }
  }
  return true;
}

}  // namespace

bool apply_cost_overrides(const ParsedArguments& args, CostSettings* s, std::ostream& err) {
  double pair[3];
  if (args.has("--preset")) {
    const std::string preset = *args.value("--preset");
    if (preset == "published") {
      s->weights = placement::CostWeights::published();
    } else if (preset == "circuit-training") {
      s->weights = placement::CostWeights::circuit_training();
    } else {
      err << "macroplace: --preset expects published or circuit-training, got '" << preset << "'\n";
      return false;
    }
  }
  if (!numbers_of(args, "--canvas", 2, pair, err)) return false;
  if (args.has("--canvas")) {
    s->canvas_width = pair[0];
    s->canvas_height = pair[1];
  }
  if (!numbers_of(args, "--grid", 2, pair, err)) return false;
  if (args.has("--grid")) {
    if (pair[0] != std::floor(pair[0]) || pair[1] != std::floor(pair[1]) || pair[0] < 1 ||
        pair[1] < 1 || pair[0] > 4096 || pair[1] > 4096) {
      err << "macroplace: --grid expects whole numbers of columns and rows in 1..4096\n";
      return false;
    }
    s->columns = static_cast<std::int32_t>(pair[0]);
    s->rows = static_cast<std::int32_t>(pair[1]);
  }
  if (!numbers_of(args, "--routes", 2, pair, err)) return false;
  if (args.has("--routes")) {
    s->routes_per_micron_horizontal = pair[0];
    s->routes_per_micron_vertical = pair[1];
  }
  if (!numbers_of(args, "--macro-alloc", 2, pair, err)) return false;
  if (args.has("--macro-alloc")) {
    s->macro_routes_horizontal = pair[0];
    s->macro_routes_vertical = pair[1];
  }
  if (!numbers_of(args, "--smoothing", 1, pair, err)) return false;
  if (args.has("--smoothing")) s->smoothing_range = pair[0];
  if (!numbers_of(args, "--weights", 3, pair, err)) return false;
  if (args.has("--weights")) s->weights = {pair[0], pair[1], pair[2]};
  if (args.has("--congestion-grid")) {
    const std::string grid = *args.value("--congestion-grid");
    if (grid == "legacy") {
      s->congestion_grid = placement::CongestionGrid::kLegacy;
    } else if (grid == "separate") {
      s->congestion_grid = placement::CongestionGrid::kSeparate;
    } else {
      err << "macroplace: --congestion-grid expects legacy or separate, got '" << grid << "'\n";
      return false;
    }
  }
  return true;
}

bool whole_number_option(const char* command, const ParsedArguments& args, const std::string& name,
                         std::int64_t low, std::int64_t* out, std::ostream& err) {
  if (!args.has(name)) return true;
  double value = 0;
  if (!parse_number(*args.value(name), &value) || value != std::floor(value) ||
      value < static_cast<double>(low) || value > 1e15) {
    err << "macroplace " << command << ": " << name << " expects a whole number >= " << low
        << ", got '" << *args.value(name) << "'\n";
    return false;
  }
  *out = static_cast<std::int64_t>(value);
  return true;
}

bool cost_backend_of(const ParsedArguments& args, kernels::Backend* backend, std::ostream& err) {
  const std::string name = args.value("--backend").value_or("cpu");
  if (name == "cpu") {
    *backend = kernels::Backend::kCpu;
  } else if (name == "cuda") {
    *backend = kernels::Backend::kCuda;
  } else if (name == "auto") {
    *backend = kernels::Backend::kAuto;
  } else {
    err << "macroplace: --backend expects auto, cpu or cuda, got '" << name << "'\n";
    return false;
  }
  if (*backend == kernels::Backend::kCuda && !kernels::cuda_device_available()) {
    err << "macroplace: --backend cuda: no CUDA device (or built without CUDA)\n";
    return false;
  }
  return true;
}

bool load_cost_inputs(const std::string& command, const ParsedArguments& args, CostInputs* inputs,
                      int* exit_status, std::ostream& err) {
  placement::DesignSource source;
  source.netlist = args.positionals()[0];
  source.plc = args.value("--plc").value_or("");
  // `cost` evaluates as Circuit Training's evaluator does; placing chooses canvas and grid.
  source.circuit_training_defaults = command == "cost";
  if (const Status status = placement::load_design(source, &inputs->design); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    *exit_status = kExitFailure;
    return false;
  }
  for (const std::string& warning : inputs->design.warnings) {
    err << "macroplace: warning: " << warning << "\n";
  }
  *exit_status = kExitUsage;
  if (!apply_cost_overrides(args, &inputs->design.settings, err)) return false;
  if (const Status status = inputs->design.settings.validate(); !status.ok()) {
    err << "macroplace " << command << ": " << status.message() << "\n";
    return false;
  }
  return cost_backend_of(args, &inputs->backend, err);
}

bool check_outputs(const std::string& command, const std::vector<std::string>& paths,
                   std::ostream& err) {
  for (const std::string& path : paths) {
    if (const Status status = AtomicFile::check_output(path); !status.ok()) {
      err << "macroplace " << command << ": " << status.to_string() << "\n";
      return false;
    }
  }
  return true;
}

std::vector<OptionSpec> with_placer_options(std::vector<OptionSpec> options) {
  options.push_back({"--soft-macros", "NAME", "soft-macro placer instead of the method's", 1});
  options.push_back({"--refine", "NAME", "refiner instead of the method's (none, sa, cd)", 1});
  options.push_back({"--candidates", "M",
                     "finish the M best placements of the hard-macro stage where it draws several "
                     "(rl's episodes), keep the best (default 1)",
                     1});
  options.push_back({"--refine-candidates", "N",
                     "of those, refine the N best after the soft-macro stage (default 1)", 1});
  for (const placement::PlacerOption& option : placement::PlacerRegistry::global().options()) {
    options.push_back({option.name, option.argument, option.help, option.argument.empty() ? 0 : 1});
  }
  return options;
}

placement::PlacerParameters placer_parameters(const ParsedArguments& args) {
  placement::PlacerParameters parameters;
  for (const placement::PlacerOption& option : placement::PlacerRegistry::global().options()) {
    if (args.has(option.name)) parameters[option.name] = args.value(option.name).value_or("");
  }
  return parameters;
}

bool number_options(const char* command, const ParsedArguments& args, const std::string& name,
                    double low, double high, bool whole, double* out, std::ostream& err) {
  if (!args.has(name)) return true;
  const auto& values = args.values(name);
  for (std::size_t i = 0; i < values.size(); ++i) {
    double value = 0;
    if (!parse_number(values[i], &value) || value < low || value > high ||
        (whole && value != std::floor(value))) {
      err << "macroplace " << command << ": " << name << " expects "
          << (whole ? "whole numbers" : "numbers") << " in [" << low << ", " << high << "], got '"
          << values[i] << "'\n";
      return false;
    }
    out[i] = value;
  }
  return true;
}

bool stage_options(const std::string& command, const ParsedArguments& args,
                   placement::FlowOptions* flow, std::ostream& err) {
  flow->soft_macros = args.value("--soft-macros").value_or("");
  flow->refine = args.value("--refine").value_or("");
  std::int64_t candidates = 1, refined = 1;
  if (!whole_number_option(command.c_str(), args, "--candidates", 1, &candidates, err) ||
      !whole_number_option(command.c_str(), args, "--refine-candidates", 1, &refined, err)) {
    return false;
  }
  if (refined > candidates) {
    err << "macroplace " << command << ": --refine-candidates must be at most --candidates\n";
    return false;
  }
  constexpr std::int64_t kMost = 256;  // each candidate is a whole evaluator in memory
  flow->candidates = static_cast<std::int32_t>(std::min(candidates, kMost));
  flow->refine_candidates = static_cast<std::int32_t>(std::min(refined, kMost));
  return true;
}

bool method_with_argument(const std::string& command, const std::string& text,
                          placement::FlowOptions* flow, std::ostream& err) {
  const std::size_t colon = text.find(':');
  flow->method = text.substr(0, colon);
  if (colon == std::string::npos) return true;
  const placement::MethodInfo* method = placement::PlacerRegistry::global().method(flow->method);
  if (method == nullptr || method->argument_option.empty()) {
    err << "macroplace " << command << ": method '" << flow->method << "' takes no argument (got '"
        << text << "')\n";
    return false;
  }
  flow->parameters[method->argument_option] = text.substr(colon + 1);
  return true;
}

std::vector<OptionSpec> with_cost_options(std::vector<OptionSpec> options) {
  const std::vector<OptionSpec> cost_options = {
      {"--canvas", "W H", "canvas size in um", 2},
      {"--grid", "C R", "grid columns and rows", 2},
      {"--routes", "H V", "routing tracks per micron, horizontal and vertical", 2},
      {"--macro-alloc", "H V", "routing tracks per micron used by hard macros", 2},
      {"--smoothing", "S", "congestion smoothing range (cells)", 1},
      {"--weights", "WL DEN CONG", "proxy weights (default 1 0.5 0.5)", 3},
      {"--preset", "NAME", "weights preset: published (1/0.5/0.5) or circuit-training (1/1/0.5)",
       1},
      {"--congestion-grid", "MODE", "legacy (placement grid, default) or separate", 1},
      {"--backend", "NAME", "cpu (default), cuda or auto", 1}};
  options.insert(options.end(), cost_options.begin(), cost_options.end());
  return options;
}

}  // namespace macroplace::cli
