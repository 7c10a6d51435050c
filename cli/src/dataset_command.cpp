// `macroplace dataset build CORPUS -o DATA.h5`: a corpus's designs with sampled placements and
// their exact costs in one HDF5 dataset; `macroplace dataset inspect DATA.h5`: what a dataset
// holds, every array read back and checked.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/base/atomic_file.h"
#include "macroplace/base/json_reader.h"
#include "macroplace/base/progress_line.h"
#include "macroplace/base/text.h"
#include "macroplace/cli/commands.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/placement_flow.h"
#include "macroplace/pretrain/corpus.h"
#include "macroplace/pretrain/dataset.h"

namespace macroplace::cli {

namespace {

using Clock = std::chrono::steady_clock;

// A training run's recorded episodes (`train --record-episodes`: RUN/episodes.jsonl), by design
// fingerprint.
struct RunEpisodes {
  std::string path;
  std::map<std::string, std::vector<std::string>> by_fingerprint;  // record bytes, in run order
  std::map<std::string, std::string> names;                        // fingerprint -> design name
};

// Reads RUN/episodes.jsonl. A torn last line (a run killed while writing it, not resumed since)
// is left out with a warning; anything else malformed is an error at its line.
Status read_run_episodes(const std::string& run, RunEpisodes* out, std::ostream& err) {
  out->path = run + "/episodes.jsonl";
  std::ifstream in(out->path, std::ios::binary);
  if (!in) {
    return Status::error(out->path +
                         ": cannot be read (was the run trained with --record-episodes?)");
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    FlatJsonObject object;
    std::string design, fingerprint, encoded, bytes;
    Status status = parse_flat_json_object(lines[i], out->path, i + 1, &object);
    if (status.ok()) status = object.text("design", &design);
    if (status.ok()) status = object.text("fingerprint", &fingerprint);
    if (status.ok()) status = object.text("episode", &encoded);
    if (status.ok() && !base64_decode(encoded, &bytes)) {
      status = object.error(object.find("episode"), "expected an episode record in base64");
    }
    if (!status.ok()) {
      if (i + 1 == lines.size()) {
        err << "warning: " << out->path << ":" << i + 1 << ": a torn last line left out\n";
        break;
      }
      return status;
    }
    out->by_fingerprint[fingerprint].push_back(std::move(bytes));
    out->names[fingerprint] = design;
  }
  return {};
}

int run_build(const ParsedArguments& args, const std::string& corpus, std::ostream& out,
              std::ostream& err) {
  const auto output = args.value("-o");
  if (!output) {
    err << "macroplace dataset build: -o DATA.h5 is required\n";
    return kExitUsage;
  }
  if (!check_outputs("dataset", {*output}, err)) return kExitUsage;
  double samples = 8, seed = 1, time_limit = 10;
  if (!number_options("dataset", args, "--samples", 0, 1e6, true, &samples, err) ||
      !number_options("dataset", args, "--seed", 0, 1e15, true, &seed, err) ||
      !number_options("dataset", args, "--time-limit", 1e-3, 1e6, false, &time_limit, err)) {
    return kExitUsage;
  }
  // Every method's flow prepared (names and values checked) before any work.
  std::vector<placement::PreparedFlow> flows;
  const std::vector<std::string> methods = split_list(args.value("--methods").value_or("random"));
  for (const std::string& method : methods) {
    placement::FlowOptions options;
    options.method = method;
    options.budget.time_limit_seconds = time_limit;
    if (const auto provider = placement::provider(options))
      return hand_over("dataset", *provider, err);
    placement::PreparedFlow flow;
    if (Status status = placement::prepare_flow(options, &flow); !status.ok()) {
      err << "macroplace dataset: " << status.message() << "\n";
      return kExitUsage;
    }
    flows.push_back(std::move(flow));
  }
  // Recorded episodes of training runs, each filed under the corpus design it was trained on.
  std::vector<RunEpisodes> runs;
  const std::vector<std::string> run_dirs =
      args.has("--episodes") ? args.values("--episodes") : std::vector<std::string>{};
  for (const std::string& run : run_dirs) {
    runs.emplace_back();
    if (Status status = read_run_episodes(run, &runs.back(), err); !status.ok()) {
      err << "macroplace dataset: " << status.to_string() << "\n";
      return kExitFailure;
    }
  }
  std::int64_t episodes = 0;
  std::vector<pretrain::CorpusEntry> entries;
  if (Status status = pretrain::list_corpus(corpus, &entries); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  std::unique_ptr<pretrain::DatasetWriter> writer;
  if (Status status = pretrain::DatasetWriter::create(*output, &writer); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  const bool quiet = args.has("--quiet");
  ProgressLine progress(!quiet);
  const auto start = Clock::now();
  std::int64_t written = 0;
  for (std::size_t d = 0; d < entries.size(); ++d) {
    pretrain::CorpusDesign design;
    Status status = pretrain::load_corpus_design(entries[d], &design);
    if (status.ok()) {
      status = writer->add_design(design.name, design.design.netlist, design.design.settings);
    }
    // The fingerprint hashes the whole design: only when there are runs to match it with.
    const std::string fingerprint =
        runs.empty() ? std::string()
                     : placement::design_fingerprint(design.design.netlist, design.design.settings);
    for (RunEpisodes& run : runs) {
      const auto found = run.by_fingerprint.find(fingerprint);
      if (found == run.by_fingerprint.end()) continue;
      for (const std::string& bytes : found->second) {
        if (status.ok()) status = writer->append_episode(design.name, bytes);
        ++episodes;
      }
      run.by_fingerprint.erase(found);
    }
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t m = 0; m < flows.size() && status.ok(); ++m) {
      for (std::int64_t i = 0; i < static_cast<std::int64_t>(samples) && status.ok(); ++i) {
        placement::ProxyCost cost(design.design.netlist, design.design.settings);
        const auto sample_seed = static_cast<std::uint64_t>(seed) + static_cast<std::uint64_t>(i);
        const placement::FlowResult result = flows[m].run(&cost, sample_seed);
        if (!result.status.ok()) {
          status = Status::error(methods[m] + " seed " + std::to_string(sample_seed) + ": " +
                                 result.status.message());
          break;
        }
        status = writer->append_samples(design.name,
                                        {pretrain::sample_of(cost, methods[m], sample_seed)});
        best = std::min(best, result.final.proxy);
        ++written;
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        char line[256];
        std::snprintf(line, sizeof line,
                      "[%.1f s] design %zu/%zu %s  %lld samples (%.2f/s)  best proxy %.4f", seconds,
                      d + 1, entries.size(), design.name.c_str(), static_cast<long long>(written),
                      static_cast<double>(written) / std::max(seconds, 1e-9), best);
        progress.update(line);
      }
    }
    if (!status.ok()) {
      progress.finish();
      err << "macroplace dataset: " << entries[d].path << ": " << status.message() << "\n";
      return kExitFailure;
    }
    if (!quiet) {
      progress.finish();
      out << design.name << (design.clustered ? " (clustered)" : "") << ": "
          << design.design.netlist.counts().hard_macros << " hard macros, "
          << static_cast<std::int64_t>(samples) * static_cast<std::int64_t>(flows.size())
          << " samples, best proxy " << best << "\n";
    }
  }
  // Episodes of a design the corpus does not have cannot be filed: nothing is written.
  for (const RunEpisodes& run : runs) {
    if (run.by_fingerprint.empty()) continue;
    const auto& [fingerprint, left] = *run.by_fingerprint.begin();
    err << "macroplace dataset: " << run.path << ": " << left.size() << " episodes of design '"
        << run.names.at(fingerprint) << "' (fingerprint " << fingerprint
        << "), which is not a design of " << corpus
        << " (the same netlist and placement file the run trained on); nothing written\n";
    return kExitFailure;
  }
  if (Status status = writer->commit(); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet)
    out << "wrote " << *output << ": " << entries.size() << " designs, " << written << " samples, "
        << episodes << " episodes\n";
  return kExitSuccess;
}

int run_inspect(const std::string& path, std::ostream& out, std::ostream& err) {
  std::unique_ptr<pretrain::DatasetReader> reader;
  if (Status status = pretrain::DatasetReader::open(path, &reader); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  out << "dataset " << path << " (schema version " << reader->version() << "), "
      << reader->designs().size() << " designs\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %6s %6s %7s %8s %8s  %s\n", "design", "hard", "soft",
                "nets", "samples", "episodes", "proxy min / mean / max");
  out << line;
  for (const std::string& name : reader->designs()) {
    pretrain::DatasetDesign design;
    std::vector<pretrain::DatasetSample> samples;
    Status status = reader->read_design(name, &design);
    if (status.ok()) status = reader->read_samples(name, 0, design.samples, &samples);
    for (std::int64_t e = 0; e < design.episodes && status.ok(); ++e) {
      std::string bytes;
      status = reader->read_episode(name, e, &bytes);
    }
    if (!status.ok()) {
      err << "macroplace: " << status.to_string() << "\n";
      return kExitFailure;
    }
    double low = std::numeric_limits<double>::infinity(), high = -low, sum = 0;
    for (const pretrain::DatasetSample& sample : samples) {
      low = std::min(low, sample.costs.proxy);
      high = std::max(high, sample.costs.proxy);
      sum += sample.costs.proxy;
    }
    const netlist::NetlistCounts counts = design.netlist.counts();
    std::string proxies = "-";
    if (!samples.empty()) {
      char text[96];
      std::snprintf(text, sizeof text, "%.4f / %.4f / %.4f", low,
                    sum / static_cast<double>(samples.size()), high);
      proxies = text;
    }
    std::snprintf(line, sizeof line, "%-24s %6lld %6lld %7lld %8lld %8lld  %s\n", name.c_str(),
                  static_cast<long long>(counts.hard_macros),
                  static_cast<long long>(counts.soft_macros), static_cast<long long>(counts.nets),
                  static_cast<long long>(design.samples), static_cast<long long>(design.episodes),
                  proxies.c_str());
    out << line;
  }
  out << "every array read back: checksums and design fingerprints agree\n";
  return kExitSuccess;
}

int run_dataset(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string& action = args.positionals()[0];
  const std::string& path = args.positionals()[1];
  if (action == "build") return run_build(args, path, out, err);
  if (action == "inspect") return run_inspect(path, out, err);
  err << "macroplace dataset: expected build or inspect, got '" << action << "'\n";
  return kExitUsage;
}

}  // namespace

const Command& dataset_command() {
  static const Command kCommand{
      {"dataset",
       "macroplace dataset build CORPUS -o DATA.h5 [options] | dataset inspect DATA.h5",
       "build: every design of CORPUS (a folder of designs or a list file; flat ones clustered)\n"
       "with --samples placements per method, each with its exact cost components, into one\n"
       "HDF5 dataset (schema: docs/DATASET.md), written whole or not at all; with --episodes, a\n"
       "training run's recorded episodes too (each design of the run must be in CORPUS).\n"
       "inspect: the designs, samples and episodes a dataset holds, every array read back and\n"
       "checked (checksums, design fingerprints); a damaged file is an error.",
       {"build|inspect", "PATH"},
       {{"-o", "DATA.h5", "build: the dataset to write (required)", 1},
        {"--methods", "LIST", "build: methods that place the samples (default random)", 1},
        {"--samples", "K", "build: placements per design and method (default 8)", 1},
        {"--seed", "S", "build: seeds S, S + 1, ... (default 1)", 1},
        {"--time-limit", "S", "build: time budget per sample in seconds (default 10)", 1},
        {"--episodes", "RUN",
         "build: the episodes a training run recorded (train --record-episodes), filed under "
         "their designs; repeat for several runs",
         1, true},
        {"--quiet", "", "print nothing but errors", 0}}},
      run_dataset,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
