// `macroplace warmup DATA.h5 --out POLICY`: the supervised warm-up of the policy's encoder on a
// dataset's placements and costs (rl/warmup.h), written as a policy file that `pretrain --init`
// and `train --init` start from.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/base/atomic_file.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/base/progress_line.h"
#include "macroplace/cli/commands.h"
#include "macroplace/pretrain/dataset.h"
#include "macroplace/rl/warmup.h"
#include "train_command.h"

namespace macroplace::cli {

namespace {

// Every design of the dataset with all its samples.
Status read_warmup_designs(const std::string& path, std::vector<rl::WarmupDesign>* out) {
  std::unique_ptr<pretrain::DatasetReader> reader;
  if (Status s = pretrain::DatasetReader::open(path, &reader); !s.ok()) return s;
  for (const std::string& name : reader->designs()) {
    pretrain::DatasetDesign design;
    if (Status s = reader->read_design(name, &design); !s.ok()) return s;
    std::vector<pretrain::DatasetSample> samples;  // none: the warm-up says it has too few
    if (Status s = reader->read_samples(name, 0, design.samples, &samples); !s.ok()) return s;
    rl::WarmupDesign warmup;
    warmup.name = name;
    warmup.netlist = std::make_shared<const netlist::Netlist>(std::move(design.netlist));
    warmup.settings = design.settings;
    warmup.nodes = std::move(design.placeable);
    for (pretrain::DatasetSample& sample : samples) {
      warmup.x.push_back(std::move(sample.x));
      warmup.y.push_back(std::move(sample.y));
      warmup.costs.push_back(sample.costs);
    }
    out->push_back(std::move(warmup));
  }
  return {};
}

Status write_warmup_report(const std::string& report, const std::string& dataset,
                           const std::string& policy, const rl::WarmupOptions& options,
                           const rl::WarmupResult& result) {
  JsonWriter json;
  json.begin_object();
  json.key("dataset").value(dataset);
  json.key("policy").value(policy);
  json.key("seed").value(static_cast<std::uint64_t>(options.seed));
  json.key("learning_rate").value(options.learning_rate);
  json.key("minibatch").value(options.minibatch_size);
  json.key("train_placements").value(result.train_placements);
  json.key("validation_placements").value(result.validation_placements);
  json.key("baseline_loss").value(result.baseline_loss);
  json.key("initial_loss").value(result.initial_loss);
  json.key("epochs").begin_array();
  for (const rl::WarmupEpoch& epoch : result.epochs) {
    json.begin_object();
    json.key("epoch").value(epoch.epoch);
    json.key("train_loss").value(epoch.train_loss);
    json.key("validation_loss").value(epoch.validation_loss);
    json.key("seconds").value(epoch.seconds);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  AtomicFile file(report);
  file.write(json.str() + "\n");
  return file.commit();
}

int run_warmup(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string dataset = args.positionals()[0];
  const auto policy_path = args.value("--out");
  if (!policy_path) {
    err << "macroplace warmup: --out POLICY is required\n";
    return kExitUsage;
  }
  const std::string report = args.value("--report").value_or("");
  std::vector<std::string> outputs = {*policy_path};
  if (!report.empty()) outputs.push_back(report);
  if (!check_outputs("warmup", outputs, err)) return kExitUsage;
  rl::WarmupOptions options;
  options.initial_policy = args.value("--init").value_or("");
  double epochs = options.epochs, minibatch = options.minibatch_size,
         threads = options.torch_threads, seed = 1;
  bool fit = false;
  if (!number_options("warmup", args, "--epochs", 1, 1e6, true, &epochs, err) ||
      !number_options("warmup", args, "--minibatch", 2, 1e5, true, &minibatch, err) ||
      !number_options("warmup", args, "--lr", 1e-9, 1, false, &options.learning_rate, err) ||
      !number_options("warmup", args, "--validation", 0.01, 0.99, false, &options.validation_share,
                      err) ||
      !number_options("warmup", args, "--time-limit", 0, 1e9, false, &options.time_limit_seconds,
                      err) ||
      !number_options("warmup", args, "--torch-threads", 1, 1024, true, &threads, err) ||
      !number_options("warmup", args, "--seed", 0, 9007199254740992.0, true, &seed, err) ||
      !action_side_option("warmup", args, &options.policy, &fit, err)) {
    return kExitUsage;
  }
  options.epochs = static_cast<std::int32_t>(epochs);
  options.minibatch_size = static_cast<std::int32_t>(minibatch);
  options.torch_threads = static_cast<std::int32_t>(threads);
  options.seed = static_cast<std::uint64_t>(seed);
  std::vector<rl::WarmupDesign> designs;
  if (Status s = read_warmup_designs(dataset, &designs); !s.ok()) {
    err << "macroplace warmup: " << s.to_string() << "\n";
    return kExitFailure;
  }
  if (fit && options.initial_policy.empty()) {
    std::int32_t columns = 0, rows = 0;
    for (const rl::WarmupDesign& design : designs) {
      columns = std::max(columns, design.settings.columns);
      rows = std::max(rows, design.settings.rows);
    }
    if (Status s = options.policy.fit_action_side(columns, rows); !s.ok()) {
      err << "macroplace warmup: --action-side fit: " << s.message() << "\n";
      return kExitUsage;
    }
  }
  const bool quiet = args.has("--quiet");
  ProgressLine line(!quiet);
  rl::WarmupResult result;
  const Status status = rl::warm_up_encoder(
      designs, options, *policy_path, &result, [&](const rl::WarmupEpoch& epoch) {
        char text[200];
        std::snprintf(text, sizeof text,
                      "[epoch %4d/%d] train loss %.4f  validation loss %.4f  %.0f s", epoch.epoch,
                      options.epochs, epoch.train_loss, epoch.validation_loss, epoch.seconds);
        line.update(text, true);
      });
  line.finish();
  if (!status.ok()) {
    err << "macroplace warmup: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!report.empty()) {
    if (Status s = write_warmup_report(report, dataset, *policy_path, options, result); !s.ok()) {
      err << "macroplace warmup: " << s.to_string() << "\n";
      return kExitFailure;
    }
  }
  if (!quiet) {
    const rl::WarmupEpoch& last = result.epochs.back();
    const auto best = std::min_element(result.epochs.begin(), result.epochs.end(),
                                       [](const rl::WarmupEpoch& a, const rl::WarmupEpoch& b) {
                                         return a.validation_loss < b.validation_loss;
                                       });
    char text[400];
    std::snprintf(text, sizeof text,
                  "%zu designs, %lld placements to train on, %lld to validate\n"
                  "validation loss (mean squared error of the standardised costs):\n"
                  "  predicting no differences     %.4f\n"
                  "  before the warm-up            %.4f\n"
                  "  after epoch %-4d              %.4f (best %.4f, epoch %d)\n",
                  designs.size(), static_cast<long long>(result.train_placements),
                  static_cast<long long>(result.validation_placements), result.baseline_loss,
                  result.initial_loss, last.epoch, last.validation_loss, best->validation_loss,
                  best->epoch);
    out << text << "wrote " << *policy_path << (report.empty() ? "" : " and " + report) << "\n";
  }
  return kExitSuccess;
}

}  // namespace

const Command& warmup_command() {
  static const Command kCommand{
      {"warmup",
       "macroplace warmup DATA.h5 --out POLICY [--epochs N] [--init CKPT] [options]",
       "Supervised warm-up of the policy's graph encoder on a dataset's placements (`dataset\n"
       "build`), as AlphaChip pre-trained its encoder: the encoder learns how a design's\n"
       "placements differ in wirelength, density and congestion cost (each placement against\n"
       "the others of its minibatch, all of one design; costs standardised per design). Only\n"
       "the encoder changes; the policy and value heads keep their weights. Each design's\n"
       "placements are split into training and validation ones (seeded); the validation loss\n"
       "is shown against predicting no differences (about 1). POLICY is a policy file:\n"
       "`pretrain CORPUS --init POLICY` or `train --init POLICY` starts from it.",
       {"DATA.h5"},
       {{"--out", "POLICY", "the policy file to write (required)", 1},
        {"--init", "CKPT", "start from this policy or checkpoint (default: a new network)", 1},
        {"--epochs", "N", "passes over the training placements (default 30)", 1},
        {"--minibatch", "N", "placements per Adam step, of one design, at least 2 (default 32)", 1},
        {"--lr", "X", "Adam learning rate (default 1e-3)", 1},
        {"--validation", "F", "share of each design's placements held out (default 0.2)", 1},
        {"--time-limit", "S", "stop after the epoch that passes S seconds (default: none)", 1},
        {"--torch-threads", "N", "LibTorch threads (default 1)", 1},
        {"--seed", "N", "random seed: network, split, order (default 1)", 1},
        {"--action-side", "fit|N",
         "a new network's action grid: 128 (default) or 'fit' (the datasets' largest grid)", 1},
        {"--report", "FILE", "the losses per epoch as JSON", 1},
        {"--quiet", "", "print nothing but errors", 0}}},
      run_warmup,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
