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
#include "macroplace/base/atomic_folder.h"
#include "macroplace/base/numbers.h"
#include "macroplace/cli/commands.h"
#include "macroplace/eval/evaluation.h"
#include "macroplace/eval/report.h"
#include "macroplace/eval/training_curve.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::cli {

namespace {

Status write_reports(const eval::EvalReport& report, const std::string& out_dir) {
  const std::filesystem::path folder(out_dir);
  Status status = eval::write_results_json(report, (folder / "results.json").string());
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
  // The reports and placements appear as one set, replacing an earlier run's whole.
  AtomicFolder folder(*out_dir, {"results.json", "report.md", "report.html", "placements"});
  if (const Status status = folder.check(); !status.ok()) {
    err << "macroplace eval: " << status.to_string() << "\n";
    return kExitUsage;
  }
  eval::EvalOptions options;
  options.out_dir = *out_dir;
  const placement::PlacerParameters parameters = placer_parameters(args);
  if (const auto methods = args.value("--methods")) {
    options.methods.clear();
    for (const std::string& text : split_list(*methods)) {
      eval::EvalMethod method;
      method.flow.parameters = parameters;
      if (!method_with_argument("eval", text, &method.flow, err)) return kExitUsage;
      method.name = method.flow.method;
      options.methods.push_back(std::move(method));
    }
  } else {
    for (eval::EvalMethod& method : options.methods) method.flow.parameters = parameters;
  }
  for (eval::EvalMethod& method : options.methods) {
    if (!stage_options("eval", args, &method.flow, err)) return kExitUsage;
    if (method.flow.method == "reference") continue;
    if (const auto provider = placement::provider(method.flow)) {
      return hand_over("eval", *provider, err);
    }
  }
  if (!whole_number_option("eval", args, "--seeds", 1, &options.seeds, err) ||
      !whole_number_option("eval", args, "--max-moves", 0, &options.max_moves, err) ||
      !whole_number_option("eval", args, "--scaling-samples", 0, &options.scaling_samples, err)) {
    return kExitUsage;
  }
  if (const auto limits = args.value("--time-limit")) {
    // S or S1,S2,...: every method at each budget.
    options.time_limits_seconds.clear();
    std::size_t begin = 0;
    for (;;) {
      const std::size_t comma = limits->find(',', begin);
      double seconds = 0;
      if (!parse_number(limits->substr(begin, comma - begin), &seconds) || !(seconds > 0)) {
        err << "macroplace eval: --time-limit expects seconds, or several separated by commas "
               "(60,600)\n";
        return kExitUsage;
      }
      options.time_limits_seconds.push_back(seconds);
      if (comma == std::string::npos) break;
      begin = comma + 1;
    }
  }
  if (args.has("--max-moves") && !args.has("--time-limit")) options.time_limits_seconds = {0};
  if (const Status status = options.validate(); !status.ok()) {
    err << "macroplace eval: " << status.message() << "\n";
    return kExitUsage;
  }
  // A learned method's training curve: metrics.jsonl beside its policy checkpoint.
  for (const eval::EvalMethod& method : options.methods) {
    const auto policy = method.flow.parameters.find("--policy");
    if (policy == method.flow.parameters.end()) continue;
    std::filesystem::path run_dir = std::filesystem::path(policy->second).parent_path();
    if (run_dir.empty()) run_dir = ".";
    const std::filesystem::path metrics = run_dir / "metrics.jsonl";
    std::error_code error;
    if (!std::filesystem::exists(metrics, error)) continue;
    eval::TrainingCurve curve;
    if (const Status status = eval::read_training_curve(
            metrics.string(), method.name + " (" + run_dir.string() + ")", &curve);
        !status.ok()) {
      err << "macroplace eval: " << status.to_string() << "\n";
      return kExitFailure;
    }
    options.training.push_back(std::move(curve));
  }
  std::vector<placement::LoadedDesign> designs;
  for (const std::string& path : split_list(*designs_text)) {
    designs.emplace_back();
    if (const Status status = eval::load_eval_design(path, &designs.back()); !status.ok()) {
      err << "macroplace eval: " << status.to_string() << "\n";
      return kExitFailure;
    }
    for (const std::string& warning : designs.back().warnings) {
      err << "macroplace eval: warning: " << warning << "\n";
    }
  }
  const bool quiet = args.has("--quiet");
  if (!quiet) {
    options.progress = [&out](const std::string& line) { out << line << "\n" << std::flush; };
  }
  options.out_dir = folder.staging();
  if (options.out_dir.empty()) {
    err << "macroplace eval: " << folder.commit().to_string() << "\n";
    return kExitFailure;
  }
  eval::EvalReport report;
  if (const Status status = eval::run_evaluation(designs, options, &report); !status.ok()) {
    err << "macroplace eval: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (const Status status = write_reports(report, options.out_dir); !status.ok()) {
    err << "macroplace eval: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (const Status status = folder.commit(); !status.ok()) {
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
  if (!check_outputs("report", {*output}, err)) return kExitUsage;
  placement::LoadedDesign loaded;
  if (const Status status = placement::load_design({*netlist_path, plc, false, true}, &loaded);
      !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  for (const std::string& warning : loaded.warnings) {
    err << "macroplace: warning: " << warning << "\n";
  }
  const netlist::Netlist& design = loaded.netlist;
  placement::CostSettings& settings = loaded.settings;
  if (!apply_cost_overrides(args, &settings, err)) return kExitUsage;
  if (const Status status = settings.validate(); !status.ok()) {
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
  if (const Status status = eval::write_report_html(report, *output); !status.ok()) {
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
       "macroplace eval --designs LIST --out DIR [--methods LIST] [--seeds K] [--time-limit "
       "S[,S...]]\n"
       "                [--scaling-samples N] [placer options]",
       "Compare placers: every method on every design and seed with the same budget; writes\n"
       "DIR/results.json, DIR/report.md, DIR/report.html (self-contained, with pictures) and\n"
       "every placement under DIR/placements. An initial.plc beside a netlist gives its canvas\n"
       "and grid; legalized.plc (else initial.plc) beside it is the 'reference' method. Each\n"
       "method runs the recipe `macroplace place --method` runs, with the same options. Best-of-k\n"
       "curves come from --scaling-samples random placements and from the samples of methods\n"
       "that can draw them (a policy's episodes); a policy's training curve (metrics.jsonl\n"
       "beside its checkpoint) is shown when there is one.\n\n" +
           placement::PlacerRegistry::global().help() +
           "  reference     the placement beside the design (legalized.plc), evaluated as it is\n",
       {},
       with_placer_options(
           {{"--designs", "LIST", "comma-separated netlist paths (any supported format)", 1},
            {"--out", "DIR", "output folder (created)", 1},
            {"--methods", "LIST",
             "comma-separated methods (default random,greedy,sa,analytical,reference); NAME:ARG "
             "gives a method its argument (rl:CKPT)",
             1},
            {"--seeds", "K", "seeds per method (default 3)", 1},
            {"--time-limit", "S[,S...]",
             "time budget per run in seconds (default 60); several: every method at each, side by "
             "side (NAME@Ts)",
             1},
            {"--max-moves", "N", "annealing moves per chain instead of a time budget", 1},
            {"--scaling-samples", "N",
             "samples for the best-of-k curves (random, and methods that sample; default 32)", 1},
            {"--quiet", "", "print nothing but errors", 0}})},
      run_eval,
      {}};
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
      run_report,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
