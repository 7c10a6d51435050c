// `macroplace train`: PPO training of Circuit Training's policy on one design, on this machine
// (batched environments on threads, the learner in the same process), `place --method rl` and
// the `rl:CKPT` method of `macroplace eval`. Needs LibTorch: compiled into the cli library only
// when rl/ is built.
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "command_registry.h"
#include "macroplace/cli/commands.h"
#include "macroplace/eval/evaluation.h"
#include "macroplace/eval/training_curve.h"
#include "macroplace/netlist/numbers.h"
#include "macroplace/rl/policy_placer.h"
#include "macroplace/rl/trainer.h"

namespace macroplace::cli {

namespace {

// A flag's value into a training option by its config-file name; false after printing why.
bool apply_flag(const ParsedArguments& args, const std::string& flag, const std::string& key,
                rl::TrainerOptions* options, std::ostream& err) {
  if (!args.has(flag)) return true;
  if (const netlist::Status s = rl::apply_config_value(key, *args.value(flag), options); !s.ok()) {
    err << "macroplace train: " << flag << ": " << s.message() << "\n";
    return false;
  }
  return true;
}

int run_train(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  rl::TrainerOptions options;
  options.netlist_path = args.positionals()[0];
  options.plc_path = args.value("--plc").value_or("");
  const auto run_dir = args.value("--out");
  if (!run_dir) {
    err << "macroplace train: --out RUN_DIR is required\n";
    return kExitUsage;
  }
  options.run_dir = *run_dir;
  options.resume = args.has("--resume");
  options.initial_checkpoint = args.value("--init").value_or("");
  if (const auto config = args.value("--config")) {
    if (const netlist::Status s = rl::apply_config_file(*config, &options); !s.ok()) {
      err << "macroplace train: " << s.to_string() << "\n";
      return kExitUsage;
    }
  }
  if (!apply_flag(args, "--episodes-per-iter", "episodes_per_iteration", &options, err) ||
      !apply_flag(args, "--iterations", "iterations", &options, err) ||
      !apply_flag(args, "--time-limit", "time_limit", &options, err) ||
      !apply_flag(args, "--threads", "threads", &options, err) ||
      !apply_flag(args, "--torch-threads", "torch_threads", &options, err) ||
      !apply_flag(args, "--seed", "seed", &options, err) ||
      !apply_flag(args, "--lr", "learning_rate", &options, err) ||
      !apply_flag(args, "--minibatch", "minibatch_size", &options, err) ||
      !apply_flag(args, "--epochs", "epochs", &options, err)) {
    return kExitUsage;
  }
  if (args.has("--spatial-features")) options.policy.spatial_features = true;
  if (const netlist::Status s = options.validate(); !s.ok()) {
    err << "macroplace train: " << s.message() << "\n";
    return kExitUsage;
  }
  const bool quiet = args.has("--quiet");
  const bool terminal = !quiet && isatty(STDERR_FILENO) != 0;
  std::unique_ptr<rl::Trainer> trainer;
  if (const netlist::Status s = rl::Trainer::create(options, &trainer); !s.ok()) {
    err << "macroplace train: " << s.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "training " << options.netlist_path << " into " << options.run_dir << ": "
        << trainer->parameter_count() << " parameters, " << options.episodes_per_iteration
        << " episodes per iteration, from iteration " << trainer->iteration() << "\n";
    out.flush();
  }
  const netlist::Status status = rl::train(*trainer, [&](const rl::IterationMetrics& m) {
    if (!terminal) return;
    std::fprintf(stderr,
                 "\r[iteration %5d/%d] best proxy %.6f  greedy %.6f  mean %.6f  entropy %.3f  "
                 "%.2f episodes/s  %.0f steps/s   ",
                 m.iteration, options.iterations, m.best_proxy, m.greedy_proxy, m.proxy_mean,
                 m.entropy, m.episodes_per_second, m.env_steps_per_second);
    std::fflush(stderr);
  });
  if (!status.ok()) {
    if (terminal) std::fprintf(stderr, "\n");
    err << "macroplace train: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (terminal) std::fprintf(stderr, "\n");
  if (!quiet) {
    out << "done: " << trainer->iteration() << " iterations, best proxy " << trainer->best_proxy()
        << "\nwrote " << options.run_dir << "/{metrics.jsonl,checkpoint.pt,best.plc,best.json}\n";
  }
  return std::isfinite(trainer->best_proxy()) || options.iterations == 0 ? kExitSuccess
                                                                         : kExitFailure;
}

}  // namespace

// `macroplace place NETLIST --method rl --policy CKPT [--samples K] [--seed N] -o OUT.plc`:
// the trained policy's greedy episode (or the best of it and K sampled ones), then coordinate
// descent, then the analytical soft-macro placer (`--soft-macros fd` keeps the force-directed
// soft macros); called by the place command when rl/ is built.
int run_place_with_policy(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const auto output = args.value("-o");
  if (!output) {
    err << "macroplace place: -o OUT.plc is required\n";
    return kExitUsage;
  }
  rl::PolicyPlacerOptions options;
  options.checkpoint = args.value("--policy").value_or("");
  double value = 0;
  if (args.has("--samples")) {
    if (!netlist::parse_number(*args.value("--samples"), &value) || value < 0 ||
        value != std::floor(value) || value > 1e6) {
      err << "macroplace place: --samples expects a whole number >= 0\n";
      return kExitUsage;
    }
    options.samples = static_cast<std::int32_t>(value);
  }
  if (args.has("--seed")) {
    if (!netlist::parse_number(*args.value("--seed"), &value) || value < 0 ||
        value != std::floor(value) || value > 9e15) {
      err << "macroplace place: --seed expects a whole number >= 0\n";
      return kExitUsage;
    }
    options.seed = static_cast<std::uint64_t>(value);
  }
  if (args.has("--finetune-minutes")) {
    if (!netlist::parse_number(*args.value("--finetune-minutes"), &value) || !(value >= 0) ||
        value > 1e6) {
      err << "macroplace place: --finetune-minutes expects a number of minutes >= 0\n";
      return kExitUsage;
    }
    options.finetune_minutes = value;
  }
  options.analytical_soft_macros = args.value("--soft-macros").value_or("analytical") != "fd";
  if (const netlist::Status s = options.validate(); !s.ok()) {
    err << "macroplace " << s.message() << "\n";
    return kExitUsage;
  }
  rl::PolicyPlacerResult result;
  if (const netlist::Status s = rl::place_with_policy(
          args.positionals()[0], args.value("--plc").value_or(""), *output, options, &result);
      !s.ok()) {
    err << "macroplace place: " << s.to_string() << "\n";
    return kExitFailure;
  }
  if (!args.has("--quiet")) {
    const std::string finetuned =
        result.finetune_iterations > 0
            ? "fine-tuned " + std::to_string(result.finetune_iterations) + " iterations; "
            : "";
    char line[384];
    std::snprintf(line, sizeof line,
                  "%spolicy (%s of %d episodes, %d infeasible): proxy %.6f\n"
                  "after coordinate descent%s: proxy %.6f  (wirelength %.6f, density %.6f, "
                  "congestion %.6f)\n",
                  finetuned.c_str(), result.greedy_was_best ? "greedy best" : "best sample",
                  result.episodes, result.infeasible_episodes, result.policy_costs.proxy,
                  result.analytical_soft_macros_kept ? " and analytical soft macros" : "",
                  result.final_costs.proxy, result.final_costs.wirelength_cost,
                  result.final_costs.density_cost, result.final_costs.congestion_cost);
    out << line << "legality: " << (result.legal ? "legal" : "NOT legal") << ", " << result.seconds
        << " s\nwrote " << *output << "\n";
  }
  return result.legal ? kExitSuccess : kExitFailure;
}

// The `rl:CKPT` method of `macroplace eval` (declared in command_registry.h): each run is the
// policy's best of the greedy and `samples` sampled episodes, refined by coordinate descent and
// finished by the analytical soft-macro placer (as the baselines are); the best-of-k curve comes
// from sampled episodes without refinement; the training curve from the checkpoint folder's
// metrics.jsonl when there is one.
netlist::Status make_rl_eval_method(const std::string& checkpoint, std::int64_t samples,
                                    eval::ExternalMethod* method) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_regular_file(checkpoint, error)) {
    return netlist::Status::error("cannot read checkpoint '" + checkpoint + "'");
  }
  if (samples < 0 || samples > 1000000) {
    return netlist::Status::error("--rl-samples must be between 0 and 1000000");
  }
  method->name = "rl";
  method->place = [checkpoint, samples](const eval::EvalDesign& design, std::uint64_t seed,
                                        const std::string& output_plc, double* seconds) {
    rl::PolicyPlacerOptions options;
    options.checkpoint = checkpoint;
    options.samples = static_cast<std::int32_t>(samples);
    options.seed = seed;
    options.refine = true;
    rl::PolicyPlacerResult result;
    netlist::Status status =
        rl::place_with_policy(design.path, design.settings_plc, output_plc, options, &result);
    *seconds = result.seconds;
    return status;
  };
  method->sample = [checkpoint](const eval::EvalDesign& design, std::int64_t count,
                                std::vector<double>* proxies) {
    if (count > 1000000) return netlist::Status::error("too many rl samples");
    // The placement itself is not wanted: a private temporary file, removed afterwards.
    static std::atomic<int> serial{0};
    std::error_code io_error;
    const fs::path temporary_folder = fs::temp_directory_path(io_error);
    if (io_error) return netlist::Status::error("no temporary folder: " + io_error.message());
    const fs::path temporary =
        temporary_folder / ("macroplace-eval-rl-" + std::to_string(getpid()) + "-" +
                            std::to_string(serial++) + ".plc");
    rl::PolicyPlacerOptions options;
    options.checkpoint = checkpoint;
    options.samples = static_cast<std::int32_t>(count);
    options.seed = 1000000;  // apart from the table's seeds, as the random baseline's samples
    options.refine = false;
    options.analytical_soft_macros = false;  // the policy's own samples
    rl::PolicyPlacerResult result;
    netlist::Status status = rl::place_with_policy(design.path, design.settings_plc,
                                                   temporary.string(), options, &result);
    fs::remove(temporary, io_error);  // best effort
    if (status.ok()) *proxies = std::move(result.sample_proxies);
    return status;
  };
  fs::path folder = fs::path(checkpoint).parent_path();
  if (folder.empty()) folder = ".";
  const fs::path metrics = folder / "metrics.jsonl";
  if (fs::exists(metrics, error)) {
    eval::TrainingCurve curve;
    if (netlist::Status s =
            eval::read_training_curve(metrics.string(), "rl (" + folder.string() + ")", &curve);
        !s.ok()) {
      return s;
    }
    method->training = std::move(curve);
  }
  return {};
}

const Command& train_command() {
  static const Command kCommand{
      {"train",
       "macroplace train NETLIST [--plc FILE] --out RUN_DIR [--episodes-per-iter N]\n"
       "                [--iterations N] [--threads N] [--seed N] [--resume] [options]",
       "Train Circuit Training's policy with PPO on one design, on this machine.\n"
       "Every iteration collects episodes with the current policy on batched environments,\n"
       "updates the policy, and writes RUN_DIR/metrics.jsonl (one JSON line per iteration),\n"
       "RUN_DIR/best.plc and best.json (the best placement found) and RUN_DIR/checkpoint.pt\n"
       "(atomically). --resume continues a run bit for bit from its checkpoint. Settings come\n"
       "from --config (key = value lines: PPO fields such as learning_rate, clip_ratio,\n"
       "entropy_coefficient, minibatch_size, epochs) and the flags, which win. A progress line\n"
       "shows on a terminal.",
       {"NETLIST"},
       {{"--plc", "FILE", "placement and settings of the design", 1},
        {"--out", "RUN_DIR", "run folder (required; created when missing)", 1},
        {"--episodes-per-iter", "N", "episodes per PPO iteration (default 16)", 1},
        {"--iterations", "N", "iterations to reach (default 100; counts resumed ones)", 1},
        {"--time-limit", "S", "stop after the iteration that passes S seconds (default: none)", 1},
        {"--threads", "N", "environment threads (default 1; 0: one per core)", 1},
        {"--torch-threads", "N", "LibTorch threads (default: --threads)", 1},
        {"--seed", "N", "random seed (default 1)", 1},
        {"--resume", "", "continue the run in RUN_DIR from its checkpoint", 0},
        {"--init", "CKPT", "start from this checkpoint's policy (fine-tuning)", 1},
        {"--config", "FILE", "training options as key = value lines", 1},
        {"--lr", "X", "Adam learning rate (default 4e-3)", 1},
        {"--minibatch", "N", "PPO minibatch size (default 128)", 1},
        {"--epochs", "N", "PPO epochs per iteration (default 4)", 1},
        {"--spatial-features", "", "feed wire mask and density to the policy head", 0},
        {"--quiet", "", "print nothing but errors", 0}}},
      run_train};
  return kCommand;
}

}  // namespace macroplace::cli
