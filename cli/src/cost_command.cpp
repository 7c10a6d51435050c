// `macroplace cost`: the exact proxy cost of a placement, with every setting shown and
// overridable, and the placement's legality.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "command_registry.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/cli/commands.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::cli {

namespace {

int run_cost(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string path = args.positionals()[0];
  const auto plc = args.value("--plc");
  CostInputs inputs;
  int exit_status = kExitSuccess;
  if (!load_cost_inputs("cost", args, &inputs, &exit_status, err)) return exit_status;
  const netlist::Netlist& design = inputs.design.netlist;
  const placement::CostSettings& settings = inputs.design.settings;
  const kernels::Backend backend = inputs.backend;

  const auto start = std::chrono::steady_clock::now();
  placement::ProxyCost cost(design, settings, backend);
  const placement::CostBreakdown result = cost.costs();
  const double milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const placement::LegalityReport legality = placement::check_legality(cost);
  const char* congestion_grid =
      settings.congestion_grid == placement::CongestionGrid::kLegacy ? "legacy" : "separate";

  if (args.has("--json")) {
    JsonWriter json;
    json.begin_object();
    json.key("file").value(path);
    if (plc) json.key("plc").value(*plc);
    json.key("wirelength").value(result.wirelength);
    json.key("wirelength_cost").value(result.wirelength_cost);
    json.key("density_cost").value(result.density_cost);
    json.key("congestion_cost").value(result.congestion_cost);
    json.key("proxy").value(result.proxy);
    json.key("overlapping_macro_pairs")
        .value(static_cast<std::int64_t>(legality.overlapping_macro_pairs.size()));
    json.key("nodes_outside_canvas")
        .value(static_cast<std::int64_t>(legality.outside_canvas.size()));
    json.key("nodes_crossing_canvas_edge")
        .value(static_cast<std::int64_t>(legality.crossing_canvas_edge.size()));
    json.key("legal").value(legality.legal());
    json.key("net_count").value(cost.net_count());
    json.key("settings").begin_object();
    json.key("canvas").begin_object();
    json.key("width").value(settings.canvas_width).key("height").value(settings.canvas_height);
    json.end_object();
    json.key("grid").begin_object();
    json.key("cols").value(settings.columns).key("rows").value(settings.rows);
    json.end_object();
    json.key("routes_per_micron").begin_object();
    json.key("horizontal").value(settings.routes_per_micron_horizontal);
    json.key("vertical").value(settings.routes_per_micron_vertical);
    json.end_object();
    json.key("macro_routing_allocation").begin_object();
    json.key("horizontal").value(settings.macro_routes_horizontal);
    json.key("vertical").value(settings.macro_routes_vertical);
    json.end_object();
    json.key("smoothing").value(settings.smoothing_range);
    json.key("overlap_threshold").value(settings.overlap_threshold);
    json.key("congestion_grid").value(congestion_grid);
    json.key("congestion_grid_size").begin_object();
    json.key("cols").value(cost.congestion_grid().cols);
    json.key("rows").value(cost.congestion_grid().rows);
    json.end_object();
    json.key("weights").begin_object();
    json.key("wirelength").value(settings.weights.wirelength);
    json.key("density").value(settings.weights.density);
    json.key("congestion").value(settings.weights.congestion);
    json.end_object();
    json.end_object();
    json.key("backend").value(cost.backend_name());
    json.key("runtime_ms").value(milliseconds);
    json.end_object();
    out << json.str() << "\n";
    return kExitSuccess;
  }

  char line[512];
  out << "design     " << path << "\n";
  if (plc) out << "placement  " << *plc << "\n";
  std::snprintf(line, sizeof line,
                "settings   canvas %.6g x %.6g um, grid %d x %d, routes/um %.6g h %.6g v,\n"
                "           macro allocation %.6g h %.6g v, smoothing %.6g, congestion grid %s "
                "(%d x %d),\n           weights %.6g / %.6g / %.6g\n",
                settings.canvas_width, settings.canvas_height, settings.columns, settings.rows,
                settings.routes_per_micron_horizontal, settings.routes_per_micron_vertical,
                settings.macro_routes_horizontal, settings.macro_routes_vertical,
                settings.smoothing_range, congestion_grid, cost.congestion_grid().cols,
                cost.congestion_grid().rows, settings.weights.wirelength, settings.weights.density,
                settings.weights.congestion);
  out << line;
  std::snprintf(line, sizeof line,
                "\n  wirelength        %.10g um\n  wirelength cost   %.10f\n"
                "  density cost      %.10f\n  congestion cost   %.10f\n  proxy             %.10f"
                "   (= %.6g x wl + %.6g x den + %.6g x cong)\n",
                result.wirelength, result.wirelength_cost, result.density_cost,
                result.congestion_cost, result.proxy, settings.weights.wirelength,
                settings.weights.density, settings.weights.congestion);
  out << line;
  std::snprintf(line, sizeof line,
                "\nlegality   %s: %zu overlapping hard-macro pairs, %zu nodes outside the canvas, "
                "%zu crossing its edge\n",
                legality.legal() ? "legal" : "NOT legal", legality.overlapping_macro_pairs.size(),
                legality.outside_canvas.size(), legality.crossing_canvas_edge.size());
  out << line;
  return kExitSuccess;
}

}  // namespace

const Command& cost_command() {
  static const Command kCommand{
      {"cost",
       "macroplace cost NETLIST [--plc FILE] [--json] [options]",
       "Evaluate the exact proxy cost (wirelength, density, congestion) of a placement.\n"
       "Settings come from the .plc header; without --plc, positions come from the netlist\n"
       "with Circuit Training's defaults (square canvas of side sqrt(area / 0.6), 10 x 10 grid).\n"
       "Every setting can be overridden; the values used are printed.",
       {"NETLIST"},
       with_cost_options(
           {{"--plc", "FILE", "placement to evaluate (positions and header settings)", 1},
            {"--json", "", "print one JSON object", 0}})},
      run_cost,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
