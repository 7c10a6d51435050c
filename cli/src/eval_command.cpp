// `macroplace eval`: every method on every design with the same budget, written as results.json,
// report.md and report.html; `macroplace report`: one placement drawn with its costs.
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/cli/commands.h"
#include "macroplace/eval/evaluation.h"
#include "macroplace/eval/report.h"
#include "macroplace/netlist/numbers.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::cli {

namespace {

constexpr const char* kRlPrefix = "rl:";

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

netlist::Status write_reports(const eval::EvalReport& report, const std::string& out_dir) {
  const std::filesystem::path folder(out_dir);
  netlist::Status status = eval::write_results_json(report, (folder / "results.json").string());
  if (status.ok()) status = eval::write_report_markdown(report, (folder / "report.md").string());
  if (status.ok()) status = eval::write_report_html(report, (folder / "report.html").string());
  return status;
}

int run_eval(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const auto designs_text = args.value("--designs");
  const auto out_dir = args.value("--out");
  if (!designs_text || !out_dir) {
    err << "macroplace eval: --designs LIST and --out DIR are required\n";
    return kExitUsage;
  }
  eval::EvalOptions options;
  options.out_dir = *out_dir;
  std::optional<std::string> checkpoint;  // of the rl method
  if (const auto methods = args.value("--methods")) {
    options.methods.clear();
    for (const std::string& name : split_list(*methods)) {
      if (name == "rl" || name.rfind(kRlPrefix, 0) == 0) {
        if (name.size() <= std::string(kRlPrefix).size()) {
          err << "macroplace eval: the rl method needs a trained checkpoint: "
                 "rl:RUN_DIR/checkpoint.pt\n";
          return kExitUsage;
        }
        if (checkpoint) {
          err << "macroplace eval: give rl:CHECKPOINT once\n";
          return kExitUsage;
        }
        checkpoint = name.substr(std::string(kRlPrefix).size());
        continue;
      }
      const auto method = eval::parse_method(name);
      if (!method) {
        err << "macroplace eval: unknown method '" << name
            << "' (expected random, greedy, sa, analytical, reference, rl:CHECKPOINT)\n";
        return kExitUsage;
      }
      options.methods.push_back(*method);
    }
  }
  std::int64_t rl_samples = 16;
  if (!whole_number_option("eval", args, "--seeds", 1, &options.seeds, err) ||
      !whole_number_option("eval", args, "--max-moves", 0, &options.max_moves, err) ||
      !whole_number_option("eval", args, "--scaling-samples", 0, &options.scaling_samples, err) ||
      !whole_number_option("eval", args, "--rl-samples", 0, &rl_samples, err)) {
    return kExitUsage;
  }
  if (checkpoint) {
#if MACROPLACE_HAVE_RL
    if (rl_samples > 1000000) {
      err << "macroplace eval: --rl-samples must be at most 1000000\n";
      return kExitUsage;
    }
    options.external_methods.emplace_back();
    if (const netlist::Status status =
            make_rl_eval_method(*checkpoint, rl_samples, &options.external_methods.back());
        !status.ok()) {
      err << "macroplace eval: " << status.to_string() << "\n";
      return kExitFailure;
    }
#else
    err << "macroplace eval: the rl method needs rl/, and this build has no rl/ (LibTorch); "
           "configure with -DMACROPLACE_RL=ON\n";
    return kExitUsage;
#endif
  }
  if (args.has("--time-limit") &&
      (!netlist::parse_number(*args.value("--time-limit"), &options.time_limit_seconds) ||
       options.time_limit_seconds < 0)) {
    err << "macroplace eval: --time-limit expects a non-negative number of seconds\n";
    return kExitUsage;
  }
  if (args.has("--max-moves") && !args.has("--time-limit")) options.time_limit_seconds = 0;
  if (const netlist::Status status = options.validate(); !status.ok()) {
    err << "macroplace eval: " << status.message() << "\n";
    return kExitUsage;
  }
  std::vector<eval::EvalDesign> designs;
  for (const std::string& path : split_list(*designs_text)) {
    designs.emplace_back();
    if (const netlist::Status status = eval::load_eval_design(path, &designs.back());
        !status.ok()) {
      err << "macroplace eval: " << status.to_string() << "\n";
      return kExitFailure;
    }
  }
  const bool quiet = args.has("--quiet");
  if (!quiet) {
    options.progress = [&out](const std::string& line) { out << line << "\n" << std::flush; };
  }
  eval::EvalReport report;
  if (const netlist::Status status = eval::run_evaluation(designs, options, &report);
      !status.ok()) {
    err << "macroplace eval: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (const netlist::Status status = write_reports(report, *out_dir); !status.ok()) {
    err << "macroplace eval: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (!quiet) {
    out << "\n"
        << eval::summary_table_text(report) << "\nwrote " << *out_dir << "/results.json, "
        << *out_dir << "/report.md, " << *out_dir << "/report.html\n";
  }
  return kExitSuccess;
}

int run_report(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string plc = args.positionals()[0];
  const auto netlist_path = args.value("--netlist");
  const auto output = args.value("-o");
  if (!netlist_path || !output) {
    err << "macroplace report: --netlist FILE and -o OUT.html are required\n";
    return kExitUsage;
  }
  netlist::Netlist design;
  netlist::PlacementFile placement;
  if (!load_design(*netlist_path, plc, &design, &placement, err)) return kExitFailure;
  placement::CostSettings settings = placement::settings_for(design, &placement.settings);
  if (!apply_cost_overrides(args, &settings, err)) return kExitUsage;
  if (const netlist::Status status = settings.validate(); !status.ok()) {
    err << "macroplace report: " << status.message() << "\n";
    return kExitUsage;
  }
  const placement::ProxyCost cost(design, settings);
  const std::string name = std::filesystem::path(plc).filename().string();
  eval::EvalReport report;
  report.title = "macroplace report: " + name;
  report.seeds = 1;
  report.runs.push_back(eval::record_of(cost, name, "placement", 0));
  report.pictures.push_back(eval::picture_of(cost, name, "placement", 0));
  if (const netlist::Status status = eval::write_report_html(report, *output); !status.ok()) {
    err << "macroplace report: " << status.to_string() << "\n";
    return kExitFailure;
  }
  const eval::RunRecord& run = report.runs.front();
  char line[256];
  std::snprintf(line, sizeof line,
                "proxy %.6f (wirelength %.6f, density %.6f, congestion %.6f), %s\n",
                run.costs.proxy, run.costs.wirelength_cost, run.costs.density_cost,
                run.costs.congestion_cost, run.legal ? "legal" : "NOT legal");
  out << line << "wrote " << *output << "\n";
  return kExitSuccess;
}

}  // namespace

const Command& eval_command() {
  static const Command kCommand{
      {"eval",
       "macroplace eval --designs LIST --out DIR [--methods LIST] [--seeds K] [--time-limit S]\n"
       "                [--rl-samples K] [--scaling-samples N]",
       "Compare placers: every method on every design and seed with the same budget; writes\n"
       "DIR/results.json, DIR/report.md, DIR/report.html (self-contained, with pictures) and\n"
       "every placement under DIR/placements. An initial.plc beside a netlist gives its canvas\n"
       "and grid; legalized.plc (else initial.plc) beside it is the 'reference' method.\n"
       "rl:CKPT (builds with rl/) places with a policy trained by `macroplace train`: per seed\n"
       "the best of its greedy and --rl-samples sampled episodes, then coordinate descent and\n"
       "the analytical soft-macro placer; its best-of-k curve comes from --scaling-samples\n"
       "sampled episodes, and the report shows the training curve of CKPT's folder\n"
       "(metrics.jsonl) when there is one.",
       {},
       {{"--designs", "LIST", "comma-separated netlist paths (any supported format)", 1},
        {"--out", "DIR", "output folder (created)", 1},
        {"--methods", "LIST",
         "random,greedy,sa,analytical,reference (default: all); rl:CKPT (needs rl/)", 1},
        {"--seeds", "K", "seeds per method (default 3)", 1},
        {"--time-limit", "S", "annealing budget per run in seconds (default 60)", 1},
        {"--max-moves", "N", "annealing moves per chain instead of a time budget", 1},
        {"--scaling-samples", "N",
         "random placements (and rl sampled episodes) for the best-of-k curves (default 32)", 1},
        {"--rl-samples", "K", "rl: sampled episodes per run besides the greedy one (default 16)",
         1},
        {"--quiet", "", "print nothing but errors", 0}}},
      run_eval};
  return kCommand;
}

const Command& report_command() {
  static const Command kCommand{
      {"report",
       "macroplace report PLACEMENT.plc --netlist FILE -o OUT.html",
       "Draw one placement (hard and soft macros, ports, congestion) with its proxy cost as a\n"
       "self-contained HTML page.",
       {"PLACEMENT.plc"},
       with_cost_options({{"--netlist", "FILE", "the design the placement belongs to", 1},
                          {"-o", "OUT.html", "where to write the page", 1}})},
      run_report};
  return kCommand;
}

}  // namespace macroplace::cli
