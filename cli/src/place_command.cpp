// `macroplace place`: a design placed by one registered method through the placement flow
// (placement/placement_flow.h), written as a .plc with its exact proxy cost.
#include <cmath>
#include <cstdio>
#include <ostream>
#include <sstream>
#include <utility>

#include "command_registry.h"
#include "macroplace/base/atomic_file.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/base/numbers.h"
#include "macroplace/base/progress_line.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/floorplan.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/placement_flow.h"
#include "macroplace/placement/proxy_cost.h"
#include "openroad_outputs.h"

namespace macroplace::cli {

namespace {

void print_costs(std::ostream& out, const char* label, const placement::CostBreakdown& c) {
  char line[256];
  std::snprintf(line, sizeof line,
                "%-22s proxy %.6f  (wirelength %.6f, density %.6f, congestion %.6f)\n", label,
                c.proxy, c.wirelength_cost, c.density_cost, c.congestion_cost);
  out << line;
}

void write_costs(JsonWriter* json, const char* key, const placement::CostBreakdown& c) {
  json->key(key).begin_object();
  json->key("proxy").value(c.proxy);
  json->key("wirelength").value(c.wirelength);
  json->key("wirelength_cost").value(c.wirelength_cost);
  json->key("density_cost").value(c.density_cost);
  json->key("congestion_cost").value(c.congestion_cost);
  json->end_object();
}

std::string recipe_text(const placement::MethodInfo& recipe) {
  return recipe.hard_macros + " -> " + recipe.soft_macros + " -> " + recipe.refine;
}

void print_summary(const std::string& path, const placement::MethodInfo& recipe,
                   const placement::FlowResult& result, const std::string& output,
                   std::ostream& out) {
  out << "design " << path << ", method " << recipe.name << " (" << recipe_text(recipe) << "), "
      << result.seconds << " s\n";
  print_costs(out, "start", result.initial);
  print_costs(out, "after legalizer", result.after_legalizer);
  for (const placement::StageReport& stage : result.stages) {
    if (stage.placer == "legalize") continue;
    out << stage_name(stage.stage) << ": " << stage.summary << " (" << stage.seconds << " s)\n";
  }
  print_costs(out, "final", result.final);
  out << "legality: " << (result.legality.legal() ? "legal" : "NOT legal") << ", "
      << result.legality.overlapping_macro_pairs.size() << " overlapping hard-macro pairs\n"
      << (output.empty() ? "nothing written" : "wrote " + output) << "\n";
}

// Every figure of the run, stage by stage, as one JSON object.
Status write_report(const std::string& path, const placement::MethodInfo& recipe,
                    const placement::PlacerBudget& budget, const placement::FlowResult& result,
                    const std::string& output, const std::string& report) {
  JsonWriter json;
  json.begin_object();
  json.key("design").value(path);
  json.key("method").value(recipe.name);
  json.key("recipe").begin_object();
  json.key("hard_macros").value(recipe.hard_macros);
  json.key("soft_macros").value(recipe.soft_macros);
  json.key("refine").value(recipe.refine);
  json.end_object();
  json.key("seed").value(static_cast<std::int64_t>(budget.seed));
  json.key("time_limit_s").value(budget.time_limit_seconds);
  json.key("max_moves").value(budget.max_moves);
  json.key("runtime_s").value(result.seconds);
  write_costs(&json, "initial", result.initial);
  write_costs(&json, "after_legalizer", result.after_legalizer);
  write_costs(&json, "final", result.final);
  json.key("stages").begin_array();
  for (const placement::StageReport& stage : result.stages) {
    json.begin_object();
    json.key("stage").value(stage.placer == "legalize" ? "legalize" : stage_name(stage.stage));
    json.key("placer").value(stage.placer);
    json.key("seconds").value(stage.seconds);
    json.key("proxy").value(stage.after.proxy);
    json.key("kept").value(stage.kept);
    for (const auto& [name, value] : stage.figures) json.key(name).value(value);
    json.end_object();
  }
  json.end_array();
  json.key("overlapping_macro_pairs")
      .value(static_cast<std::int64_t>(result.legality.overlapping_macro_pairs.size()));
  json.key("legal").value(result.legality.legal());
  if (output.empty()) {
    json.key("output").null();  // not written: the result is not legal
  } else {
    json.key("output").value(output);
  }
  json.end_object();
  AtomicFile file(report);
  file.write(json.str() + "\n");
  return file.commit();
}

// The flow the command line asks for: method (NAME or NAME:ARG), stage overrides, placer
// parameters and budget. False (after printing why) on a usage error.
bool flow_options(const std::string& command, const ParsedArguments& args,
                  placement::FlowOptions* flow, std::ostream& err) {
  flow->parameters = placer_parameters(args);
  if (!method_with_argument(command, args.value("--method").value_or("sa"), flow, err)) {
    return false;
  }
  if (!stage_options(command, args, flow, err)) return false;
  placement::PlacerBudget& budget = flow->budget;
  budget.time_limit_seconds = 60;
  if (args.has("--time-limit") &&
      (!parse_number(*args.value("--time-limit"), &budget.time_limit_seconds) ||
       budget.time_limit_seconds <= 0)) {
    err << "macroplace " << command << ": --time-limit expects a positive number of seconds\n";
    return false;
  }
  std::int64_t seed = 1, threads = 0;
  if (!whole_number_option(command.c_str(), args, "--seed", 0, &seed, err) ||
      !whole_number_option(command.c_str(), args, "--threads", 0, &threads, err) ||
      !whole_number_option(command.c_str(), args, "--max-moves", 0, &budget.max_moves, err)) {
    return false;
  }
  budget.seed = static_cast<std::uint64_t>(seed);
  budget.threads = static_cast<int>(std::min<std::int64_t>(threads, 4096));
  // A move budget alone makes the result depend only on the seed.
  if (args.has("--max-moves") && !args.has("--time-limit")) budget.time_limit_seconds = 0;
  return true;
}

int run_place(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string path = args.positionals()[0];
  const auto output = args.value("-o");
  if (!output) {
    err << "macroplace place: -o OUT.plc is required\n";
    return kExitUsage;
  }
  std::vector<std::string> outputs = {*output};
  if (const auto report = args.value("--report")) outputs.push_back(*report);
  bool openroad = false;
  if (!wants_openroad_outputs("place", args, &openroad, err)) return kExitUsage;
  for (const std::string& extra : openroad_output_paths(args)) outputs.push_back(extra);
  if (!check_outputs("place", outputs, err)) return kExitUsage;
  placement::FlowOptions options;
  if (!flow_options("place", args, &options, err)) return kExitUsage;
  if (const auto provider = placement::provider(options)) return hand_over("place", *provider, err);
  const bool quiet = args.has("--quiet");
  ProgressLine line(!quiet);
  options.progress = [&line](const placement::PlacerProgress& p) {
    char text[256];
    std::snprintf(text, sizeof text, "[%s %7.1f s] %11lld %s  %8.0f %s/s  best %s %.6g  %s",
                  p.placer.c_str(), p.seconds, static_cast<long long>(p.steps), p.unit.c_str(),
                  p.seconds > 0 ? static_cast<double>(p.steps) / p.seconds : 0.0, p.unit.c_str(),
                  p.best_label.c_str(), p.best, p.detail.c_str());
    line.update(text);
  };
  // Every name and value is checked before the design is read.
  placement::PreparedFlow flow;
  if (const Status status = placement::prepare_flow(options, &flow); !status.ok()) {
    err << "macroplace place: " << status.message() << "\n";
    return kExitUsage;
  }
  OpenroadInputs floorplan;
  if (openroad && !read_openroad_inputs("place", args, &floorplan, err)) return kExitFailure;
  CostInputs inputs;
  int exit_status = kExitSuccess;
  if (!load_cost_inputs("place", args, &inputs, &exit_status, err)) return exit_status;
  // The placers keep to the orientations the floorplan's LEF allows, so the result can be
  // written back.
  if (openroad)
    netlist::restrict_orientations(floorplan.def, floorplan.lef, &inputs.design.netlist);
  placement::ProxyCost cost(inputs.design.netlist, inputs.design.settings, inputs.backend);
  const placement::FlowResult result = flow.run(&cost);
  line.finish();
  if (!result.status.ok()) {
    err << "macroplace place: " << result.status.to_string() << "\n";
    return kExitFailure;
  }

  // An illegal result is not written unless asked for: a file on disk is taken for a result.
  const bool legal = result.legality.legal();
  const bool write = legal || args.has("--allow-illegal");
  if (write) {
    // The placement, with a header that reproduces the settings used.
    const netlist::PlacementSettings header =
        placement::header_for(inputs.design.settings, inputs.design.header);
    if (const Status status = placement::write_placement(cost, header, path, *output);
        !status.ok()) {
      err << "macroplace: " << status.to_string() << "\n";
      return kExitFailure;
    }
  }
  if (!quiet) print_summary(path, flow.recipe(), result, write ? *output : "", out);
  // The OpenROAD floorplan with the macros placed: only a legal result, and only where it is
  // legal in the floorplan too (its site grid, rows and halos).
  if (legal && openroad) {
    std::ostringstream quiet_out;
    if (!write_openroad_outputs("place", args, floorplan, placement::placed_netlist(cost),
                                args.value("--def-out"), args.value("--tcl-out"),
                                quiet ? quiet_out : out, err)) {
      return kExitFailure;
    }
  }
  if (const auto report = args.value("--report")) {
    if (const Status status = write_report(path, flow.recipe(), options.budget, result,
                                           write ? *output : "", *report);
        !status.ok()) {
      err << "macroplace: " << status.to_string() << "\n";
      return kExitFailure;
    }
  }
  if (!legal) {
    // Said even with --quiet: the exit status alone does not say why.
    err << "macroplace place: the result is not legal: "
        << placement::describe_illegality(result.legality, inputs.design.netlist) << "; "
        << (write ? "written anyway to " + *output + " (--allow-illegal)"
                  : *output + " not written (--allow-illegal writes it)")
        << "\n";
    return kExitFailure;
  }
  return kExitSuccess;
}

}  // namespace

const Command& place_command() {
  static const Command kCommand{
      {"place",
       "macroplace place NETLIST [--plc FILE] [--method NAME] -o OUT.plc [options]",
       "Place a design with a method and write a legal placement with its proxy cost.\n"
       "Every method runs the same flow: hard macros legalized (least displacement), then the\n"
       "method's hard-macro placer, soft-macro placer and refiner; --soft-macros and --refine\n"
       "replace a stage. `macroplace eval --methods` runs the same recipes. A progress line\n"
       "shows on a terminal. With --def-in and --lef, --def-out writes the OpenROAD floorplan\n"
       "with the macros placed on its site grid and rows (--tcl-out: place_macro commands);\n"
       "see docs/OPENROAD.md.\n\n" +
           placement::PlacerRegistry::global().help(),
       {"NETLIST"},
       with_cost_options(with_placer_options([] {
         std::vector<OptionSpec> options = {
             {"--plc", "FILE", "starting placement and settings", 1},
             {"--method", "NAME",
              "one of " + placement::PlacerRegistry::global().method_names() +
                  " (default sa); NAME:ARG gives the method its argument (a policy checkpoint)",
              1},
             {"-o", "OUT.plc", "where to write the placement (required)", 1},
             {"--report", "OUT.json", "write a JSON report", 1},
             {"--time-limit", "S", "the method's time budget in seconds (default 60)", 1},
             {"--max-moves", "N", "annealing moves per chain (reproducible)", 1},
             {"--seed", "N", "random seed (default 1)", 1},
             {"--threads", "N", "threads (default: the placer's choice)", 1},
             {"--allow-illegal", "", "write the placement even if it is not legal (exit 1)", 0},
             {"--quiet", "", "print nothing but errors", 0}};
         for (OptionSpec& option : openroad_output_options()) options.push_back(std::move(option));
         return options;
       }()))},
      run_place,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
