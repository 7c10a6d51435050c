// `macroplace collect`: one collector process of distributed training (rl/distributed.h): it
// joins a learner (`train --listen` or `--collectors`), runs episodes with the learner's current
// policy and delivers them, until the learner stops. Needs LibTorch: in macroplace-rl.
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "macroplace/base/numbers.h"
#include "macroplace/base/progress_line.h"
#include "macroplace/cli/commands.h"
#include "macroplace/rl/distributed.h"
#include "macroplace/rl/policy.h"
#include "supervise.h"
#include "train_command.h"

namespace macroplace::cli {

namespace {

int run_collect(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  rl::CollectOptions options;
  const auto learner = args.value("--connect");
  if (!learner) {
    err << "macroplace collect: --connect HOST:PORT is required\n";
    return kExitUsage;
  }
  if (const Status s = rl::parse_endpoint(*learner, &options.learner); !s.ok()) {
    err << "macroplace collect: --connect: " << s.message() << "\n";
    return kExitUsage;
  }
  options.netlist_path = args.value("--netlist").value_or("");
  options.device = args.value("--device").value_or(options.device);
  if (!rl::is_device_name(options.device)) {
    err << "macroplace collect: --device: expected cpu, cuda, cuda:N or auto\n";
    return kExitUsage;
  }
  options.plc_path = args.value("--plc").value_or("");
  options.corpus_path = args.value("--corpus").value_or("");
  // A pre-training learner names its corpus; it loads here as `pretrain` loads it.
  options.load_corpus = [](const std::string& corpus, std::vector<rl::TrainingDesign>* designs) {
    return load_training_corpus(corpus, designs, {});
  };
  const auto whole = [&](const char* flag, double low, double* value) {
    if (!args.has(flag)) return true;
    if (parse_number(*args.value(flag), value) && *value >= low) return true;
    err << "macroplace collect: " << flag << " expects a number >= " << low << "\n";
    return false;
  };
  double threads = 1, torch_threads = 0, timeout = options.connect_timeout_seconds;
  if (!whole("--threads", 1, &threads) || !whole("--torch-threads", 0, &torch_threads) ||
      !whole("--connect-timeout", 0, &timeout)) {
    return kExitUsage;
  }
  if (!is_supervised_worker()) {
    // The work runs in a child that is started again when it aborts: LibTorch's store client
    // aborts the process when the learner's connection is reset (a learner killed while bytes
    // were on their way to it), and a collector must outlive its learner's restart.
    std::vector<std::string> again = {"macroplace", "collect"};
    const std::vector<std::string> own = arguments_of(collect_command().spec, args);
    again.insert(again.end(), own.begin(), own.end());
    return run_supervised(again, "macroplace collect", err);
  }
  options.threads = static_cast<std::int32_t>(threads);
  options.torch_threads = static_cast<std::int32_t>(torch_threads);
  options.connect_timeout_seconds = timeout;
  const bool quiet = args.has("--quiet");
  ProgressLine line(!quiet);
  rl::CollectorProgress last;
  const Status status = rl::run_collector(
      options,
      [&](const rl::CollectorProgress& p) {
        char text[200];
        std::snprintf(text, sizeof text,
                      "[collector %d] policy version %lld, %lld units, %lld episodes, %.2f "
                      "episodes/s",
                      p.id, static_cast<long long>(p.version), static_cast<long long>(p.units),
                      static_cast<long long>(p.episodes), p.episodes_per_second);
        line.update(text, false);
      },
      &last);
  line.finish();
  if (!status.ok()) {
    err << "macroplace collect: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "collector " << last.id << ": the learner stopped; " << last.episodes
        << " episodes delivered\n";
  }
  return kExitSuccess;
}

}  // namespace

const Command& collect_command() {
  static const Command kCommand{
      {"collect",
       "macroplace collect --connect HOST:PORT [--netlist FILE --plc FILE] [--corpus PATH]\n"
       "                   [--threads N] [--device D]",
       "Join a training run as a collector: run episodes with the learner's current policy and\n"
       "deliver them, until the learner stops (`macroplace train --listen HOST:PORT`, or its\n"
       "`--collectors N`; `pretrain` alike). The design is the learner's (its paths) unless\n"
       "--netlist/--plc name a copy here; a pre-training learner's corpus is loaded from its\n"
       "path unless --corpus names a copy here. A design, corpus or environment that differs\n"
       "from the learner's is refused.\n"
       "A learner that restarts (`train --resume`) is reconnected to. The work runs in a child\n"
       "process that is started again if it dies of a signal (LibTorch's store client aborts\n"
       "when a learner's connection is reset); SIGTERM, SIGINT and SIGHUP are passed to it.",
       {},
       {{"--connect", "HOST:PORT", "the learner (required)", 1},
        {"--netlist", "FILE", "the design here, when its path differs from the learner's", 1},
        {"--plc", "FILE", "its placement and settings", 1},
        {"--corpus", "PATH", "a pre-training learner's corpus here, when its path differs", 1},
        {"--threads", "N", "environment threads (default 1)", 1},
        {"--torch-threads", "N", "LibTorch threads (default: --threads)", 1},
        {"--device", "D", "the policy's inference: cpu (default), cuda, cuda:N or auto", 1},
        {"--connect-timeout", "S", "give up after S seconds without the learner (120)", 1},
        {"--quiet", "", "print nothing but errors", 0}}},
      run_collect,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
