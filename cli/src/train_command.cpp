// `macroplace train`: PPO training of Circuit Training's policy on one design, on this machine
// (batched environments on threads, the learner in the same process). Needs LibTorch: compiled
// into macroplace-rl, not into the cli library.
#include "train_command.h"

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

#include "macroplace/base/numbers.h"
#include "macroplace/base/progress_line.h"
#include "macroplace/cli/commands.h"
#include "macroplace/rl/trainer.h"

namespace macroplace::cli {

namespace {

// A flag's value into a training option by its config-file name; false after printing why.
bool apply_flag(const ParsedArguments& args, const std::string& flag, const std::string& key,
                rl::TrainerOptions* options, std::ostream& err) {
  if (!args.has(flag)) return true;
  if (const Status s = rl::apply_config_value(key, *args.value(flag), options); !s.ok()) {
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
    if (const Status s = rl::apply_config_file(*config, &options); !s.ok()) {
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
  if (const Status s = options.validate(); !s.ok()) {
    err << "macroplace train: " << s.message() << "\n";
    return kExitUsage;
  }
  const bool quiet = args.has("--quiet");
  std::unique_ptr<rl::Trainer> trainer;
  if (const Status s = rl::Trainer::create(options, &trainer); !s.ok()) {
    err << "macroplace train: " << s.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "training " << options.netlist_path << " into " << options.run_dir << ": "
        << trainer->parameter_count() << " parameters, " << options.episodes_per_iteration
        << " episodes per iteration, from iteration " << trainer->iteration() << "\n";
    out.flush();
  }
  ProgressLine line(!quiet);
  const Status status = rl::train(*trainer, [&](const rl::IterationMetrics& m) {
    char text[256];
    std::snprintf(text, sizeof text,
                  "[iteration %5d/%d] best proxy %.6f  greedy %.6f  mean %.6f  entropy %.3f  "
                  "%.2f episodes/s  %.0f steps/s",
                  m.iteration, options.iterations, m.best_proxy, m.greedy_proxy, m.proxy_mean,
                  m.entropy, m.episodes_per_second, m.env_steps_per_second);
    line.update(text, true);
  });
  line.finish();
  if (!status.ok()) {
    err << "macroplace train: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "done: " << trainer->iteration() << " iterations, best proxy " << trainer->best_proxy()
        << "\nwrote " << options.run_dir << "/{metrics.jsonl,checkpoint.pt,best.plc,best.json}\n";
  }
  return std::isfinite(trainer->best_proxy()) || options.iterations == 0 ? kExitSuccess
                                                                         : kExitFailure;
}

}  // namespace

const Command& train_command() {
  static const Command kCommand{
      {"train",
       "macroplace train NETLIST [--plc FILE] --out RUN_DIR [--episodes-per-iter N]\n"
       "                [--iterations N] [--threads N] [--seed N] [--resume] [options]",
       "Train Circuit Training's policy with PPO on one design, on this machine.\n"
       "Every iteration collects episodes with the current policy on batched environments,\n"
       "updates the policy, and writes RUN_DIR/metrics.jsonl (one JSON line per iteration),\n"
       "RUN_DIR/best.plc and best.json (the best placement found) and RUN_DIR/checkpoint.pt\n"
       "(atomically). Settings come from --config (key = value lines: PPO fields such as\n"
       "learning_rate, clip_ratio, entropy_coefficient, minibatch_size, epochs) and the flags,\n"
       "which win. A progress line shows on a terminal.\n"
       "\n"
       "One process owns RUN_DIR (a second one is refused). RUN_DIR/manifest.json records what\n"
       "the run is: the design's fingerprint, model, PPO options and seed. --resume continues\n"
       "the run bit for bit from its checkpoint, after a kill too (metrics past the checkpoint\n"
       "are cut); it may change --iterations, --time-limit and the thread counts, and refuses\n"
       "anything else that differs from the manifest.",
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
      run_train,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
