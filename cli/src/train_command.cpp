// `macroplace train`: PPO training of Circuit Training's policy on one design, on this machine
// (batched environments on threads, the learner in the same process). Needs LibTorch: compiled
// into macroplace-rl, not into the cli library.
#include "train_command.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "macroplace/base/numbers.h"
#include "macroplace/base/progress_line.h"
#include "macroplace/cli/commands.h"
#include "macroplace/pretrain/corpus.h"
#include "macroplace/rl/distributed.h"
#include "macroplace/rl/trainer.h"

namespace macroplace::cli {

namespace {

// A flag's value into a training option by its config-file name; false after printing why.
bool apply_flag(const char* command, const ParsedArguments& args, const std::string& flag,
                const std::string& key, rl::TrainerOptions* options, std::ostream& err) {
  if (!args.has(flag)) return true;
  if (const Status s = rl::apply_config_value(key, *args.value(flag), options); !s.ok()) {
    err << "macroplace " << command << ": " << flag << ": " << s.message() << "\n";
    return false;
  }
  return true;
}

// A whole number in [low, high].
bool parse_count(const std::string& text, std::int64_t low, std::int64_t high, std::int64_t* out) {
  double value = 0;
  if (!parse_number(text, &value) || value != std::floor(value) ||
      value < static_cast<double>(low) || value > static_cast<double>(high)) {
    return false;
  }
  *out = static_cast<std::int64_t>(value);
  return true;
}

// Local collector processes (`train --collectors N`): this executable's `collect`, connected
// to the learner on loopback. They end with the learner: when it says stop, or (PDEATHSIG) when
// it dies.
class LocalCollectors {
 public:
  ~LocalCollectors() { stop(); }
  bool start(int count, std::uint16_t port, const std::string& threads, std::ostream& err) {
    const pid_t parent = getpid();
    for (int i = 0; i < count; ++i) {
      const pid_t child = fork();
      if (child < 0) {
        err << "macroplace train: cannot start collector " << i << "\n";
        return false;
      }
      if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent) _exit(1);  // the learner died before the line above
        std::vector<std::string> args = {
            "macroplace", "collect", "--connect", "127.0.0.1:" + std::to_string(port),
            "--threads",  threads,   "--quiet"};
        std::vector<char*> argv;
        argv.reserve(args.size() + 1);
        for (std::string& arg : args) argv.push_back(arg.data());
        argv.push_back(nullptr);
        execv("/proc/self/exe", argv.data());
        _exit(127);
      }
      children_.push_back(child);
    }
    return true;
  }
  // Waits a few seconds for the collectors to see the stop, then ends the rest.
  void stop() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (const pid_t child : children_) {
      while (waitpid(child, nullptr, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
          kill(child, SIGTERM);
          waitpid(child, nullptr, 0);
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    children_.clear();
  }

 private:
  std::vector<pid_t> children_;
};

// A launcher's view of this process: torchrun (RANK, WORLD_SIZE), Slurm (SLURM_PROCID,
// SLURM_NTASKS) or Open MPI (OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_SIZE), with the learner at
// MASTER_ADDR:MASTER_PORT (29500 by default). Only a world of two or more counts.
struct LaunchRole {
  bool launched = false;
  std::int64_t rank = 0, size = 1;
  std::string learner;  // HOST:PORT
  std::string source;   // which launcher
};

bool launch_role(LaunchRole* role, std::ostream& err) {
  const auto variable = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
  };
  const std::pair<const char*, const char*> launchers[] = {
      {"RANK", "WORLD_SIZE"},
      {"SLURM_PROCID", "SLURM_NTASKS"},
      {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"}};
  for (const auto& [rank_name, size_name] : launchers) {
    if (variable(rank_name).empty() || variable(size_name).empty()) continue;
    if (!parse_count(variable(rank_name), 0, 1 << 20, &role->rank) ||
        !parse_count(variable(size_name), 1, 1 << 20, &role->size) || role->rank >= role->size) {
      err << "macroplace train: " << rank_name << "=" << variable(rank_name) << " and " << size_name
          << "=" << variable(size_name) << " are not a rank in a world\n";
      return false;
    }
    if (role->size < 2) return true;
    if (variable("MASTER_ADDR").empty()) {
      err << "macroplace train: " << size_name << "=" << role->size
          << " but MASTER_ADDR is not set (the learner's host, rank 0)\n";
      return false;
    }
    const std::string port = variable("MASTER_PORT").empty() ? "29500" : variable("MASTER_PORT");
    role->launched = true;
    role->learner = variable("MASTER_ADDR") + ":" + port;
    role->source = std::string(rank_name) + "/" + size_name;
    return true;
  }
  return true;
}

// Distributed collection as train and pretrain take it: local collector processes, collectors
// started elsewhere (--listen), or a launcher's ranks.
struct Distribution {
  std::int64_t local_collectors = 0;
  LaunchRole role;
  bool launched = false;  // ranks of a launcher (neither --listen nor --collectors given)
  bool collects() const { return launched && role.rank > 0; }
  // Collectors to wait for before the first iteration.
  std::int32_t expected() const {
    return static_cast<std::int32_t>(local_collectors > 0 ? local_collectors
                                     : launched           ? role.size - 1
                                                          : 0);
  }
};

// Parses --collectors, --listen, --unit-episodes, --max-staleness, --collector-timeout and a
// launcher's variables into `options` and `out` (rank 0 of a launcher listens at MASTER_ADDR:
// MASTER_PORT). False after printing why.
bool distribution_options(const char* command, const ParsedArguments& args,
                          rl::TrainerOptions* options, Distribution* out, std::ostream& err) {
  const std::string name = std::string("macroplace ") + command + ": ";
  if (const auto count = args.value("--collectors")) {
    if (!parse_count(*count, 0, 1024, &out->local_collectors)) {
      err << name << "--collectors expects a count 0-1024\n";
      return false;
    }
  }
  options->listen = args.value("--listen").value_or(out->local_collectors > 0 ? "127.0.0.1:0" : "");
  if (const auto unit = args.value("--unit-episodes")) {
    std::int64_t value = 0;
    if (!parse_count(*unit, 1, options->episodes_per_iteration, &value)) {
      err << name << "--unit-episodes expects 1 to the episodes per iteration\n";
      return false;
    }
    options->unit_episodes = static_cast<std::int32_t>(value);
  }
  if (const auto staleness = args.value("--max-staleness")) {
    std::int64_t value = 0;
    if (!parse_count(*staleness, 0, 1000, &value)) {
      err << name << "--max-staleness expects a count 0-1000\n";
      return false;
    }
    options->max_staleness = static_cast<std::int32_t>(value);
  }
  if (const auto timeout = args.value("--collector-timeout")) {
    if (!parse_number(*timeout, &options->collector_timeout_seconds) ||
        !(options->collector_timeout_seconds > 0)) {
      err << name << "--collector-timeout expects seconds\n";
      return false;
    }
    options->gather_timeout_seconds =
        std::max(options->gather_timeout_seconds, options->collector_timeout_seconds);
  }
  if (!launch_role(&out->role, err)) return false;
  out->launched = out->role.launched && !args.has("--listen") && out->local_collectors == 0;
  if (out->launched && out->role.rank == 0) options->listen = out->role.learner;
  if (!options->listen.empty()) {
    rl::Endpoint endpoint;
    if (const Status s = rl::parse_endpoint(options->listen, &endpoint); !s.ok()) {
      err << name << "--listen: " << s.message() << "\n";
      return false;
    }
  }
  return true;
}

// A launcher's rank > 0: collects for rank 0 (on `collect`'s design, or the corpus) until it
// stops. The exit status.
int collect_for_rank_zero(const char* command, const Distribution& distribution,
                          rl::CollectOptions collect, const rl::TrainerOptions& options, bool quiet,
                          std::ostream& out, std::ostream& err) {
  const LaunchRole& role = distribution.role;
  if (const Status s = rl::parse_endpoint(role.learner, &collect.learner); !s.ok()) {
    err << "macroplace " << command << ": MASTER_ADDR/MASTER_PORT: " << s.message() << "\n";
    return kExitUsage;
  }
  collect.threads = std::max(1, options.threads);
  collect.torch_threads = options.torch_threads;
  if (!quiet) {
    out << "rank " << role.rank << " of " << role.size << " (" << role.source
        << "): collecting for the learner at " << role.learner << "\n";
  }
  if (const Status s = rl::run_collector(collect, {}); !s.ok()) {
    err << "macroplace " << command << " (rank " << role.rank << "): " << s.to_string() << "\n";
    return kExitFailure;
  }
  return kExitSuccess;
}

// After the trainer is made: says where collectors connect, starts the local ones and waits for
// those expected (local ones, a launcher's ranks) before the first iteration, so that none
// arrives after a short run has ended. False after printing why.
bool start_collectors(const char* command, const Distribution& distribution,
                      const ParsedArguments& args, rl::Trainer* trainer,
                      LocalCollectors* collectors, ProgressLine* line, std::ostream& out,
                      std::ostream& err) {
  if (!args.has("--quiet")) {
    if (distribution.launched) {
      out << "rank 0 of " << distribution.role.size << " (" << distribution.role.source
          << "): learning, collectors at " << distribution.role.learner << "\n";
    }
    if (trainer->collector_port() != 0) {
      out << "collectors connect to port " << trainer->collector_port()
          << " (macroplace collect --connect HOST:" << trainer->collector_port() << ")\n";
    }
    out.flush();
  }
  if (!collectors->start(static_cast<int>(distribution.local_collectors), trainer->collector_port(),
                         args.value("--collector-threads").value_or("1"), err)) {
    return false;
  }
  trainer->set_waiting([line](const std::string& text) { line->update(text, false); });
  if (const std::int32_t expected = distribution.expected(); expected > 0) {
    constexpr double kJoinSeconds = 120;
    const std::int32_t joined = trainer->wait_for_collectors(expected, kJoinSeconds);
    if (joined < expected) {
      line->finish();
      err << "macroplace " << command << ": " << joined << " of " << expected
          << " collectors joined within " << kJoinSeconds << " s; training with those\n";
    }
  }
  return true;
}

// The options train and pretrain list for distributed collection.
std::vector<OptionSpec> distribution_option_specs() {
  return {
      {"--collectors", "N", "start N local collector processes (distributed collection)", 1},
      {"--collector-threads", "N", "environment threads of each local collector (default 1)", 1},
      {"--listen", "HOST:PORT", "wait for collectors here (macroplace collect --connect)", 1},
      {"--unit-episodes", "N", "episodes a collector runs per unit (default: up to 4)", 1},
      {"--collector-timeout", "S", "a collector silent S seconds counts as gone (30)", 1},
      {"--max-staleness", "K",
       "use records up to K policy versions old, so collectors go on during the update "
       "(0: strictly on-policy, repeatable)",
       1}};
}

}  // namespace

// The head's action side: Circuit Training's 128 (other designs' grids fit it too), or fitted
// to the design's grid (fewer logits, a faster update, but on Ariane it learned less per
// episode: greedy 0.881 vs 0.808 after 496 episodes, one seed each; PERFORMANCE.md).
bool action_side_option(const char* command, const ParsedArguments& args, rl::PolicyOptions* policy,
                        bool* fit, std::ostream& err) {
  const std::string side = args.value("--action-side").value_or("128");
  *fit = side == "fit";
  if (*fit) return true;
  std::int64_t value = 0;
  rl::PolicyOptions fixed = *policy;
  if (!parse_count(side, 1, 4096, &value) ||
      !fixed.fit_action_side(static_cast<std::int32_t>(value), static_cast<std::int32_t>(value))
           .ok() ||
      fixed.action_side != value) {
    err << "macroplace " << command
        << ": --action-side expects 'fit' or the head's side x 2^k, at most " << policy->action_side
        << " (" << policy->head_side << ", " << 2 * policy->head_side << ", ...)\n";
    return false;
  }
  *policy = fixed;
  return true;
}

Status load_training_corpus(const std::string& corpus, std::vector<rl::TrainingDesign>* designs,
                            const std::function<void(const std::string&)>& progress) {
  std::vector<pretrain::CorpusEntry> entries;
  if (Status s = pretrain::list_corpus(corpus, &entries); !s.ok()) return s;
  designs->clear();
  designs->reserve(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (progress) {
      progress("loading design " + std::to_string(i + 1) + "/" + std::to_string(entries.size()) +
               ": " + entries[i].name);
    }
    pretrain::CorpusDesign design;
    if (Status s = pretrain::load_corpus_design(entries[i], &design); !s.ok()) return s;
    designs->push_back({design.name,
                        std::make_shared<const netlist::Netlist>(std::move(design.design.netlist)),
                        design.design.settings});
  }
  return {};
}

namespace {

// What train and pretrain share: run folder, resume or --init, config file, run and PPO flags,
// the head's action side. False after printing why.
bool common_options(const char* command, const ParsedArguments& args, rl::TrainerOptions* options,
                    std::ostream& err) {
  const auto run_dir = args.value("--out");
  if (!run_dir) {
    err << "macroplace " << command << ": --out RUN_DIR is required\n";
    return false;
  }
  options->run_dir = *run_dir;
  options->resume = args.has("--resume");
  options->initial_checkpoint = args.value("--init").value_or("");
  if (const auto config = args.value("--config")) {
    if (const Status s = rl::apply_config_file(*config, options); !s.ok()) {
      err << "macroplace " << command << ": " << s.to_string() << "\n";
      return false;
    }
  }
  if (!apply_flag(command, args, "--iterations", "iterations", options, err) ||
      !apply_flag(command, args, "--time-limit", "time_limit", options, err) ||
      !apply_flag(command, args, "--threads", "threads", options, err) ||
      !apply_flag(command, args, "--torch-threads", "torch_threads", options, err) ||
      !apply_flag(command, args, "--seed", "seed", options, err) ||
      !apply_flag(command, args, "--lr", "learning_rate", options, err) ||
      !apply_flag(command, args, "--minibatch", "minibatch_size", options, err) ||
      !apply_flag(command, args, "--epochs", "epochs", options, err)) {
    return false;
  }
  if (args.has("--spatial-features")) options->policy.spatial_features = true;
  options->record_episodes = args.has("--record-episodes");
  if (const auto every = args.value("--keep-policy-every")) {
    std::int64_t value = 0;
    if (!parse_count(*every, 0, 1 << 20, &value)) {
      err << "macroplace " << command << ": --keep-policy-every expects a count 0-1048576\n";
      return false;
    }
    options->keep_policy_every = static_cast<std::int32_t>(value);
  }
  options->device = args.value("--device").value_or(options->device);
  return action_side_option(command, args, &options->policy, &options->fit_action_side, err);
}

// The options both commands list (distributed collection's too).
std::vector<OptionSpec> with_common_options(std::vector<OptionSpec> options) {
  const std::vector<OptionSpec> common = {
      {"--out", "RUN_DIR", "run folder (required; created when missing)", 1},
      {"--iterations", "N", "iterations to reach (default 100; counts resumed ones)", 1},
      {"--time-limit", "S", "stop after the iteration that passes S seconds (default: none)", 1},
      {"--threads", "N", "environment threads (default 1; 0: one per core)", 1},
      {"--torch-threads", "N", "LibTorch threads (default: --threads)", 1},
      {"--device", "D", "the policy's device: cpu (default), cuda, cuda:N or auto", 1},
      {"--seed", "N", "random seed (default 1)", 1},
      {"--resume", "", "continue the run in RUN_DIR from its checkpoint", 0},
      {"--init", "CKPT", "start from this checkpoint's policy (fine-tuning)", 1},
      {"--config", "FILE", "training options as key = value lines", 1},
      {"--lr", "X", "Adam learning rate (default 4e-3)", 1},
      {"--minibatch", "N", "PPO minibatch size (default 128)", 1},
      {"--epochs", "N", "PPO epochs per iteration (default 4)", 1},
      {"--spatial-features", "", "feed wire mask and density to the policy head", 0},
      {"--record-episodes", "",
       "append every episode trained on to RUN_DIR/episodes.jsonl (for dataset build --episodes)",
       0},
      {"--keep-policy-every", "K",
       "keep every K-th iteration's policy as RUN_DIR/policies/iteration-N.pt (default 0: none)",
       1},
      {"--action-side", "fit|N",
       "the head's action grid: 128 (default, Circuit Training's) or 'fit' (the design's grid, "
       "rounded up to the head's side x 2^k)",
       1},
      {"--quiet", "", "print nothing but errors", 0}};
  options.insert(options.end(), common.begin(), common.end());
  const std::vector<OptionSpec> distributed = distribution_option_specs();
  options.insert(options.end(), distributed.begin(), distributed.end());
  return options;
}

int run_train(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  rl::TrainerOptions options;
  options.netlist_path = args.positionals()[0];
  options.plc_path = args.value("--plc").value_or("");
  if (!common_options("train", args, &options, err) ||
      !apply_flag("train", args, "--episodes-per-iter", "episodes_per_iteration", &options, err)) {
    return kExitUsage;
  }
  Distribution distribution;
  if (!distribution_options("train", args, &options, &distribution, err)) return kExitUsage;
  if (distribution.collects()) {
    // Every other rank collects for rank 0, on the same design.
    rl::CollectOptions collect;
    collect.netlist_path = options.netlist_path;
    collect.plc_path = options.plc_path;
    return collect_for_rank_zero("train", distribution, collect, options, args.has("--quiet"), out,
                                 err);
  }
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
  }
  LocalCollectors collectors;
  ProgressLine line(!quiet);
  if (!start_collectors("train", distribution, args, trainer.get(), &collectors, &line, out, err)) {
    return kExitFailure;
  }
  const bool distributed = trainer->collector_port() != 0;
  const Status status = rl::train(*trainer, [&](const rl::IterationMetrics& m) {
    char text[320];
    const int used =
        std::snprintf(text, sizeof text,
                      "[iteration %5d/%d] best proxy %.6f  greedy %.6f  mean %.6f  entropy %.3f  "
                      "%.2f episodes/s  %.0f steps/s",
                      m.iteration, options.iterations, m.best_proxy, m.greedy_proxy, m.proxy_mean,
                      m.entropy, m.episodes_per_second, m.env_steps_per_second);
    if (distributed && used > 0 && used < static_cast<int>(sizeof text)) {
      std::snprintf(text + used, sizeof text - static_cast<std::size_t>(used),
                    "  collectors %d used, %d alive", m.collectors, m.collectors_alive);
    }
    line.update(text, true);
  });
  line.finish();
  const std::int32_t iterations_done = trainer->iteration();
  const double best_proxy = trainer->best_proxy();
  trainer.reset();  // tells the collectors to stop
  collectors.stop();
  if (!status.ok()) {
    err << "macroplace train: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "done: " << iterations_done << " iterations, best proxy " << best_proxy << "\nwrote "
        << options.run_dir << "/{metrics.jsonl,checkpoint.pt,best.plc,best.json}\n";
  }
  return std::isfinite(best_proxy) || options.iterations == 0 ? kExitSuccess : kExitFailure;
}

// `macroplace pretrain CORPUS`: one policy over every design of a corpus (flat ones clustered),
// the designs' episodes in one PPO update per iteration.
int run_pretrain(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  rl::TrainerOptions options;
  options.episodes_per_iteration = 4;  // per design
  if (!common_options("pretrain", args, &options, err) ||
      !apply_flag("pretrain", args, "--episodes-per-design", "episodes_per_iteration", &options,
                  err) ||
      !apply_flag("pretrain", args, "--designs-per-iteration", "designs_per_iteration", &options,
                  err)) {
    return kExitUsage;
  }
  options.corpus_path = args.positionals()[0];
  Distribution distribution;
  if (!distribution_options("pretrain", args, &options, &distribution, err)) return kExitUsage;
  // Collectors load the corpus themselves (clustering flat designs takes minutes): give them
  // that long before a run without any delivery counts as stalled.
  options.gather_timeout_seconds = std::max(options.gather_timeout_seconds, 3600.0);
  if (distribution.collects()) {
    rl::CollectOptions collect;
    collect.load_corpus = [](const std::string& corpus, std::vector<rl::TrainingDesign>* designs) {
      return load_training_corpus(corpus, designs, {});
    };
    return collect_for_rank_zero("pretrain", distribution, collect, options, args.has("--quiet"),
                                 out, err);
  }
  const bool quiet = args.has("--quiet");
  ProgressLine line(!quiet);
  if (const Status s = load_training_corpus(options.corpus_path, &options.designs,
                                            [&](const std::string& text) { line.update(text); });
      !s.ok()) {
    line.finish();
    err << "macroplace pretrain: " << s.to_string() << "\n";
    return kExitFailure;
  }
  line.finish();
  if (const auto names = args.value("--every-iteration")) {
    // Names, as the corpus lists them, to indices.
    for (const std::string& name : split_list(*names)) {
      const auto found =
          std::find_if(options.designs.begin(), options.designs.end(),
                       [&](const rl::TrainingDesign& design) { return design.name == name; });
      if (found == options.designs.end()) {
        err << "macroplace pretrain: --every-iteration: no design named '" << name << "' in "
            << options.corpus_path << "\n";
        return kExitUsage;
      }
      options.designs_every_iteration.push_back(
          static_cast<std::size_t>(found - options.designs.begin()));
    }
    std::sort(options.designs_every_iteration.begin(), options.designs_every_iteration.end());
  }
  if (const Status s = options.validate(); !s.ok()) {
    err << "macroplace pretrain: " << s.message() << "\n";
    return kExitUsage;
  }
  std::unique_ptr<rl::Trainer> trainer;
  if (const Status s = rl::Trainer::create(options, &trainer); !s.ok()) {
    err << "macroplace pretrain: " << s.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    const std::size_t drawn =
        options.designs_per_iteration > 0
            ? std::min(options.designs.size(),
                       static_cast<std::size_t>(options.designs_per_iteration))
            : options.designs.size();
    out << "pre-training on " << options.designs.size() << " designs into " << options.run_dir
        << ": " << trainer->parameter_count() << " parameters, " << options.episodes_per_iteration
        << " episodes on each of " << drawn << " designs per iteration, from iteration "
        << trainer->iteration() << "\n";
  }
  LocalCollectors collectors;
  if (!start_collectors("pretrain", distribution, args, trainer.get(), &collectors, &line, out,
                        err)) {
    return kExitFailure;
  }
  // Each design's figures from the last iteration that trained on it (all of them, in corpus
  // order, when iterations draw a few designs each).
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<rl::DesignMetrics> latest;
  latest.reserve(options.designs.size());
  for (const rl::TrainingDesign& design : options.designs) {
    latest.push_back({design.name, nan, nan, nan, nan});
  }
  const Status status = rl::train(*trainer, [&](const rl::IterationMetrics& m) {
    for (const rl::DesignMetrics& design : m.designs) {
      for (rl::DesignMetrics& known : latest) {
        if (known.name == design.name) known = design;
      }
    }
    char text[320];
    std::snprintf(text, sizeof text,
                  "[iteration %5d/%d] %zu designs  greedy mean %.4f  best mean %.4f  sampled "
                  "mean %.4f  entropy %.3f  %.2f episodes/s",
                  m.iteration, options.iterations, m.designs.size(), m.greedy_proxy, m.best_proxy,
                  m.proxy_mean, m.entropy, m.episodes_per_second);
    line.update(text, true);
  });
  line.finish();
  const std::int32_t iterations_done = trainer->iteration();
  trainer.reset();  // tells the collectors to stop
  collectors.stop();
  if (!status.ok()) {
    err << "macroplace pretrain: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "done: " << iterations_done << " iterations\n";
    char text[256];
    std::snprintf(text, sizeof text, "%-28s %10s %10s %10s\n", "design", "greedy", "best",
                  "sampled");
    out << text;
    for (const rl::DesignMetrics& design : latest) {
      std::snprintf(text, sizeof text, "%-28s %10.4f %10.4f %10.4f\n", design.name.c_str(),
                    design.greedy_proxy, design.best_proxy, design.proxy_mean);
      out << text;
    }
    out << "wrote " << options.run_dir
        << "/{metrics.jsonl,checkpoint.pt,policy.pt,best-DESIGN.plc}\n";
  }
  return kExitSuccess;
}

}  // namespace

const Command& pretrain_command() {
  static const Command kCommand{
      {"pretrain",
       "macroplace pretrain CORPUS --out RUN_DIR [--episodes-per-design N]\n"
       "                   [--designs-per-iteration K [--every-iteration NAMES]] [options]",
       "Pre-train one policy on every design of CORPUS (a folder of designs or a list file;\n"
       "flat designs are clustered first). Every iteration collects --episodes-per-design\n"
       "episodes on each design (or on K designs drawn anew each iteration, seeded; those\n"
       "--every-iteration names are always among the K) and makes one PPO update over all of\n"
       "them; metrics.jsonl has each trained design's sampled,\n"
       "greedy and best proxy, best-DESIGN.plc its best placement.\n"
       "RUN_DIR/policy.pt (the policy alone) places any design (`place --method\n"
       "rl:RUN_DIR/policy.pt`) and fine-tunes on one (`train --init RUN_DIR/policy.pt`).\n"
       "--resume continues exactly, as `train` does. --collectors N (or --listen, or a\n"
       "launcher's ranks) collects in collector processes, as for `train`: each loads the\n"
       "corpus from its path and collects units of every design.",
       {"CORPUS"},
       with_common_options(
           {{"--episodes-per-design", "N", "episodes per design and iteration (default 4)", 1},
            {"--designs-per-iteration", "K",
             "designs trained on per iteration, drawn anew each time (default 0: all)", 1},
            {"--every-iteration", "NAMES",
             "designs (comma-separated names) in every iteration's K, the rest drawn", 1}})},
      run_pretrain,
      {}};
  return kCommand;
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
       "(atomically). Settings come from --config (key = value lines: PPO fields such as\n"
       "learning_rate, clip_ratio, entropy_coefficient, minibatch_size, epochs) and the flags,\n"
       "which win. A progress line shows on a terminal.\n"
       "\n"
       "One process owns RUN_DIR (a second one is refused). RUN_DIR/manifest.json records what\n"
       "the run is: the design's fingerprint, model, PPO options and seed. --resume continues\n"
       "the run bit for bit from its checkpoint, after a kill too (metrics past the checkpoint\n"
       "are cut); it may change --iterations, --time-limit and the thread counts, and refuses\n"
       "anything else that differs from the manifest.\n"
       "\n"
       "Distributed: --collectors N starts N local collector processes; --listen HOST:PORT\n"
       "waits for collectors started elsewhere with `macroplace collect --connect HOST:PORT`.\n"
       "Under a launcher (torchrun's RANK/WORLD_SIZE, Slurm's SLURM_PROCID/SLURM_NTASKS, Open\n"
       "MPI's OMPI_COMM_WORLD_RANK/SIZE, with MASTER_ADDR and MASTER_PORT) rank 0 learns and\n"
       "the other ranks collect. Episodes are collected in units seeded by (seed, iteration,\n"
       "unit), so a run gives the same result with any number of collectors, and after a\n"
       "collector dies.",
       {"NETLIST"},
       with_common_options(
           {{"--plc", "FILE", "placement and settings of the design", 1},
            {"--episodes-per-iter", "N", "episodes per PPO iteration (default 16)", 1}})},
      run_train,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
