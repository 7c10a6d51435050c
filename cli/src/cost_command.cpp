// `macroplace cost`: the exact proxy cost of a placement, with every setting shown and
// overridable, and the placement's legality.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "command_registry.h"
#include "json_writer.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/numbers.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::cli {

namespace {

using placement::CostSettings;

// Reads the values of a numeric option; false (with a message) when one is not a number.
bool numbers_of(const ParsedArguments& args, const std::string& option, std::size_t count,
                double* out, std::ostream& err) {
  if (!args.has(option)) return true;
  const auto& values = args.values(option);
  for (std::size_t i = 0; i < count; ++i) {
    if (!netlist::parse_number(values[i], &out[i])) {
      err << "macroplace cost: " << option << " expects numbers, got '" << values[i] << "'\n";
      return false;
    }
  }
  return true;
}

// Applies the command-line overrides to settings taken from the placement header.
bool apply_overrides(const ParsedArguments& args, CostSettings* s, std::ostream& err) {
  double pair[3];
  if (args.has("--preset")) {
    const std::string preset = *args.value("--preset");
    if (preset == "published") {
      s->weights = placement::CostWeights::published();
    } else if (preset == "circuit-training") {
      s->weights = placement::CostWeights::circuit_training();
    } else {
      err << "macroplace cost: --preset expects published or circuit-training, got '" << preset
          << "'\n";
      return false;
    }
  }
  if (!numbers_of(args, "--canvas", 2, pair, err)) return false;
  if (args.has("--canvas")) {
    s->canvas_width = pair[0];
    s->canvas_height = pair[1];
  }
  if (!numbers_of(args, "--grid", 2, pair, err)) return false;
  if (args.has("--grid")) {
    if (pair[0] != std::floor(pair[0]) || pair[1] != std::floor(pair[1]) || pair[0] < 1 ||
        pair[1] < 1 || pair[0] > 4096 || pair[1] > 4096) {
      err << "macroplace cost: --grid expects whole numbers of columns and rows in 1..4096\n";
      return false;
    }
    s->columns = static_cast<std::int32_t>(pair[0]);
    s->rows = static_cast<std::int32_t>(pair[1]);
  }
  if (!numbers_of(args, "--routes", 2, pair, err)) return false;
  if (args.has("--routes")) {
    s->routes_per_micron_horizontal = pair[0];
    s->routes_per_micron_vertical = pair[1];
  }
  if (!numbers_of(args, "--macro-alloc", 2, pair, err)) return false;
  if (args.has("--macro-alloc")) {
    s->macro_routes_horizontal = pair[0];
    s->macro_routes_vertical = pair[1];
  }
  if (!numbers_of(args, "--smoothing", 1, pair, err)) return false;
  if (args.has("--smoothing")) s->smoothing_range = pair[0];
  if (!numbers_of(args, "--weights", 3, pair, err)) return false;
  if (args.has("--weights")) s->weights = {pair[0], pair[1], pair[2]};
  if (args.has("--congestion-grid")) {
    const std::string grid = *args.value("--congestion-grid");
    if (grid == "legacy") {
      s->congestion_grid = placement::CongestionGrid::kLegacy;
    } else if (grid == "separate") {
      s->congestion_grid = placement::CongestionGrid::kSeparate;
    } else {
      err << "macroplace cost: --congestion-grid expects legacy or separate, got '" << grid
          << "'\n";
      return false;
    }
  }
  return true;
}

bool backend_of(const ParsedArguments& args, kernels::Backend* backend, std::ostream& err) {
  const std::string name = args.value("--backend").value_or("cpu");
  if (name == "cpu") {
    *backend = kernels::Backend::kCpu;
  } else if (name == "cuda") {
    *backend = kernels::Backend::kCuda;
  } else if (name == "auto") {
    *backend = kernels::Backend::kAuto;
  } else {
    err << "macroplace cost: --backend expects auto, cpu or cuda, got '" << name << "'\n";
    return false;
  }
  if (*backend == kernels::Backend::kCuda && !kernels::cuda_device_available()) {
    err << "macroplace cost: --backend cuda: no CUDA device (or built without CUDA)\n";
    return false;
  }
  return true;
}

int run_cost(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string path = args.positionals()[0];
  netlist::Netlist design;
  netlist::PlacementFile placement_file;
  const auto plc = args.value("--plc");
  if (!load_design(path, plc, &design, &placement_file, err)) return kExitFailure;
  CostSettings settings = placement::settings_for(design, plc ? &placement_file.settings : nullptr);
  if (!apply_overrides(args, &settings, err)) return kExitUsage;
  if (const netlist::Status status = settings.validate(); !status.ok()) {
    err << "macroplace cost: " << status.message() << "\n";
    return kExitUsage;
  }
  kernels::Backend backend = kernels::Backend::kCpu;
  if (!backend_of(args, &backend, err)) return kExitUsage;

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
       {{"--plc", "FILE", "placement to evaluate (positions and header settings)", 1},
        {"--json", "", "print one JSON object", 0},
        {"--canvas", "W H", "canvas size in um", 2},
        {"--grid", "C R", "grid columns and rows", 2},
        {"--routes", "H V", "routing tracks per micron, horizontal and vertical", 2},
        {"--macro-alloc", "H V", "routing tracks per micron used by hard macros", 2},
        {"--smoothing", "S", "congestion smoothing range (cells)", 1},
        {"--weights", "WL DEN CONG", "proxy weights (default 1 0.5 0.5)", 3},
        {"--preset", "NAME", "weights preset: published (1/0.5/0.5) or circuit-training (1/1/0.5)",
         1},
        {"--congestion-grid", "MODE", "legacy (placement grid, default) or separate", 1},
        {"--backend", "NAME", "cpu (default), cuda or auto", 1}}},
      run_cost};
  return kCommand;
}

}  // namespace macroplace::cli
