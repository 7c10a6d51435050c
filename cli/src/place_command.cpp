// `macroplace place`: a legal placement of a design by one of the placers, written as a .plc,
// with its exact proxy cost.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "command_registry.h"
#include "json_writer.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/atomic_file.h"
#include "macroplace/netlist/numbers.h"
#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/coordinate_descent.h"
#include "macroplace/placement/force_directed.h"
#include "macroplace/placement/greedy_placer.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/macro_legalizer.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/placement/simulated_annealing.h"
#include "macroplace/placement/std_cell_flow.h"

namespace macroplace::cli {

namespace {

using Clock = std::chrono::steady_clock;

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

int run_place(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string path = args.positionals()[0];
  const std::string method = args.value("--method").value_or("sa");
  if (method == "rl") {
#if MACROPLACE_HAVE_RL
    return run_place_with_policy(args, out, err);
#else
    err << "macroplace place: --method rl needs a build with LibTorch (-DMACROPLACE_RL=ON)\n";
    return kExitFailure;
#endif
  }
  if (method != "sa" && method != "greedy" && method != "fd-only" && method != "analytical" &&
      method != "legalize") {
    err << "macroplace place: --method expects sa, greedy, fd-only, analytical or legalize, got '"
        << method << "'\n";
    return kExitUsage;
  }
  const auto output = args.value("-o");
  if (!output) {
    err << "macroplace place: -o OUT.plc is required\n";
    return kExitUsage;
  }
  placement::AnnealingOptions annealing;
  annealing.time_limit_seconds = 60;
  if (args.has("--time-limit")) {
    if (!netlist::parse_number(*args.value("--time-limit"), &annealing.time_limit_seconds) ||
        annealing.time_limit_seconds <= 0) {
      err << "macroplace place: --time-limit expects a positive number of seconds\n";
      return kExitUsage;
    }
  }
  std::int64_t seed = 1, chains = 2, threads = 0;
  if (!whole_number_option("place", args, "--seed", 0, &seed, err) ||
      !whole_number_option("place", args, "--chains", 1, &chains, err) ||
      !whole_number_option("place", args, "--threads", 0, &threads, err) ||
      !whole_number_option("place", args, "--max-moves", 0, &annealing.max_moves, err)) {
    return kExitUsage;
  }
  annealing.seed = static_cast<std::uint64_t>(seed);
  annealing.chains = static_cast<int>(chains);
  annealing.threads = static_cast<int>(threads);
  if (args.has("--max-moves") && !args.has("--time-limit")) annealing.time_limit_seconds = 0;
  if (const netlist::Status status = annealing.validate(); !status.ok()) {
    err << "macroplace place: " << status.message() << "\n";
    return kExitUsage;
  }

  const auto plc = args.value("--plc");
  CostInputs inputs;
  int exit_status = kExitSuccess;
  if (!load_cost_inputs("place", args, &inputs, &exit_status, err)) return exit_status;
  netlist::Netlist& design = inputs.design;
  const netlist::PlacementFile& placement_file = inputs.placement;
  const placement::CostSettings& settings = inputs.settings;
  const kernels::Backend backend = inputs.backend;

  const auto start = Clock::now();
  placement::ProxyCost cost(design, settings, backend);
  const placement::CostBreakdown initial = cost.costs();
  const bool quiet = args.has("--quiet");
  // Soft macros: re-placed by the force-directed placer, or kept where the input put them (the
  // default when a placement was given: a real flow's clusters usually beat our FD today).
  const std::string soft_macros = args.value("--soft-macros").value_or(plc ? "keep" : "fd");
  if (soft_macros != "keep" && soft_macros != "fd" && soft_macros != "analytical") {
    err << "macroplace place: --soft-macros expects keep, fd or analytical, got '" << soft_macros
        << "'\n";
    return kExitUsage;
  }
  const bool run_analytical =
      method == "analytical" || (method != "fd-only" && soft_macros == "analytical");
  const bool run_force_directed = !run_analytical && (method == "fd-only" || soft_macros == "fd");
  placement::AnalyticalOptions analytical;
  analytical.backend = backend;
  analytical.seed = static_cast<std::uint64_t>(seed);
  if (args.has("--target-density") &&
      (!netlist::parse_number(*args.value("--target-density"), &analytical.target_density))) {
    err << "macroplace place: --target-density expects a number in (0, 1]\n";
    return kExitUsage;
  }
  if (args.has("--stop-overflow")) {
    double stop = 0;
    if (!netlist::parse_number(*args.value("--stop-overflow"), &stop)) {
      err << "macroplace place: --stop-overflow expects a non-negative number\n";
      return kExitUsage;
    }
    analytical.stop_overflow = stop;
  }
  if (const netlist::Status status = analytical.validate(); !status.ok()) {
    err << "macroplace place: " << status.message() << "\n";
    return kExitUsage;
  }
  double soft_shift_weight = 1.0;
  if (args.has("--soft-shift-weight") &&
      (!netlist::parse_number(*args.value("--soft-shift-weight"), &soft_shift_weight) ||
       soft_shift_weight < 0)) {
    err << "macroplace place: --soft-shift-weight expects a non-negative number\n";
    return kExitUsage;
  }
  const bool terminal = !quiet && isatty(STDERR_FILENO) != 0;

  // 1. Hard macros made legal (inside, apart, out of blockages), with least displacement.
  const placement::LegalizerResult legalized = placement::legalize_macros(&cost, {});
  if (!legalized.unplaced.empty()) {
    err << "macroplace place: " << legalized.unplaced.size()
        << " hard macros found no legal spot (first: '" << design.name(legalized.unplaced[0])
        << "'); the canvas may be too small\n";
    return kExitFailure;
  }
  const placement::CostBreakdown after_legalizer = cost.costs();
  // 1b. Greedy: every hard macro re-placed, largest first, on its cheapest legal cell (the
  // method itself, or the start of annealing with --greedy-start).
  if (method == "greedy" || (method == "sa" && args.has("--greedy-start"))) {
    const placement::GreedyResult greedy = placement::place_macros_greedily(&cost, {});
    if (!greedy.without_cell.empty()) {
      // No legal cell centre for some macros: back to where the legalizer put them, which can
      // now overlap greedy placements; legalize again.
      placement::legalize_macros(&cost, {});
    }
  }
  // 2. Soft macros by the force-directed placer, hard macros held.
  placement::ForceDirectedOptions force_directed;
  if (method != "legalize" && run_force_directed) {
    placement::place_soft_macros(&cost, force_directed);
  }
  placement::AnalyticalResult analytical_result;
  const auto analytical_placer = [&](placement::ProxyCost* c) {
    analytical_result = placement::place_soft_macros_analytical(c, analytical);
  };
  if (method != "legalize" && run_analytical) {
    if (terminal) {
      analytical.progress = [](int iteration, double hpwl, double overflow) {
        std::fprintf(stderr, "\r[analytical] iteration %5d  HPWL %.6g um  overflow %.4f   ",
                     iteration, hpwl, overflow);
        std::fflush(stderr);
      };
    }
    analytical_placer(&cost);
    if (terminal) std::fprintf(stderr, "\n");
    analytical.progress = nullptr;
    if (!analytical_result.status.ok()) {
      err << "macroplace place: " << analytical_result.status.message() << "\n";
      return kExitFailure;
    }
  }
  // 2b. Standard cells of a flat netlist: from the analytical placer's global placement onto rows.
  placement::StdCellFlowResult rows;
  bool rows_ran = false;
  if (method != "legalize" && run_analytical && design.counts().std_cells > 0) {
    // The analytical placer already placed the cells; legalize them onto rows.
    rows_ran = true;
    rows = placement::legalize_std_cells(&cost);
    if (!rows.status.ok()) {
      err << "macroplace place: " << rows.status.message() << "\n";
      return kExitFailure;
    }
  }
  // 3. Hard macros by simulated annealing, soft macros re-placed now and then.
  placement::AnnealingResult annealed;
  if (method == "sa") {
    if (run_force_directed) {
      annealing.replace_soft_macros = [&force_directed](placement::ProxyCost* chain) {
        placement::place_soft_macros(chain, force_directed);
      };
      annealing.soft_macro_period = 5000;
    } else if (run_analytical) {
      annealing.replace_soft_macros = [&analytical](placement::ProxyCost* chain) {
        placement::place_soft_macros_analytical(chain, analytical);
      };
      annealing.soft_macro_period = 20000;
    } else {
      annealing.soft_shift_weight = soft_shift_weight;  // kept soft macros anneal along
    }
    auto progress = [&](const placement::AnnealingProgress& p) {
      if (!terminal) return;
      std::fprintf(stderr, "\r[%7.1f s] %11lld moves  %8.0f moves/s  best proxy %.6f  T %.2e   ",
                   p.seconds, static_cast<long long>(p.moves),
                   p.seconds > 0 ? static_cast<double>(p.moves) / p.seconds : 0.0, p.best_proxy,
                   p.temperature);
      std::fflush(stderr);
    };
    annealed = placement::anneal_macros(&cost, annealing, progress);
    if (terminal) std::fprintf(stderr, "\n");
    if (run_force_directed) placement::place_soft_macros(&cost, force_directed);
    if (run_analytical) analytical_placer(&cost);
  }
  // 4. Optionally, coordinate descent (Circuit Training's refinement).
  placement::CoordinateDescentResult refined;
  if (args.has("--refine")) {
    placement::CoordinateDescentOptions descent;
    if (run_force_directed) {
      descent.replace_soft_macros = [&force_directed](placement::ProxyCost* c) {
        placement::place_soft_macros(c, force_directed);
      };
    }
    refined = placement::refine_macros(&cost, descent);
  }
  const placement::CostBreakdown final_costs = cost.costs();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const placement::LegalityReport legality = placement::check_legality(cost);

  // Write the placement with a header that reproduces the settings used.
  const netlist::PlacementSettings header =
      placement::header_for(settings, placement_file.settings);
  if (netlist::Status status = placement::write_placement(cost, header, path, *output);
      !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }

  if (!quiet) {
    out << "design " << path << ", method " << method << ", " << seconds << " s\n";
    print_costs(out, "start", initial);
    print_costs(out, "after legalizer", after_legalizer);
    print_costs(out, "final", final_costs);
    if (run_analytical && method != "legalize") {
      out << "analytical (" << analytical_result.backend << "): " << analytical_result.movable
          << " objects, " << analytical_result.iterations << " iterations, overflow "
          << analytical_result.overflow << ", " << analytical_result.seconds << " s\n";
    }
    if (rows_ran) {
      out << "standard cells: " << rows.rows.cells << " on rows of " << rows.rows.row_height
          << " um (sites " << rows.rows.site_width << " um) in " << rows.rows.seconds
          << " s, mean displacement "
          << rows.rows.total_displacement /
                 static_cast<double>(std::max<std::int64_t>(rows.rows.cells, 1))
          << " um, " << rows.rows.unplaced << " unplaced, " << rows.violations << " violations\n"
          << "HPWL: " << rows.global_hpwl << " um global, " << rows.legal_hpwl << " um legalized\n";
    }
    if (method == "sa") {
      out << "annealing: " << annealed.moves << " moves (" << annealed.accepted << " accepted) in "
          << annealed.seconds << " s, best chain " << annealed.best_chain << "\n";
    }
    if (args.has("--refine")) {
      out << "coordinate descent: " << refined.passes << " passes, " << refined.moves_kept
          << " moves kept, " << refined.seconds << " s\n";
    }
    out << "legality: " << (legality.legal() ? "legal" : "NOT legal") << ", "
        << legality.overlapping_macro_pairs.size() << " overlapping hard-macro pairs\n"
        << "wrote " << *output << "\n";
  }
  if (const auto report = args.value("--report")) {
    JsonWriter json;
    json.begin_object();
    json.key("design").value(path);
    json.key("method").value(method);
    json.key("seed").value(seed);
    json.key("time_limit_s").value(annealing.time_limit_seconds);
    json.key("runtime_s").value(seconds);
    write_costs(&json, "initial", initial);
    write_costs(&json, "after_legalizer", after_legalizer);
    write_costs(&json, "final", final_costs);
    json.key("legalizer_displacement_um").value(legalized.total_displacement);
    json.key("annealing_moves").value(annealed.moves);
    if (run_analytical && method != "legalize") {
      json.key("analytical").begin_object();
      json.key("backend").value(analytical_result.backend);
      json.key("objects").value(analytical_result.movable);
      json.key("iterations").value(static_cast<std::int64_t>(analytical_result.iterations));
      json.key("overflow").value(analytical_result.overflow);
      json.key("seconds").value(analytical_result.seconds);
      json.end_object();
    }
    if (rows_ran) {
      json.key("row_legalization").begin_object();
      json.key("cells").value(rows.rows.cells);
      json.key("unplaced").value(rows.rows.unplaced);
      json.key("violations").value(rows.violations);
      json.key("total_displacement_um").value(rows.rows.total_displacement);
      json.key("max_displacement_um").value(rows.rows.max_displacement);
      json.key("seconds").value(rows.rows.seconds);
      json.key("global_hpwl_um").value(rows.global_hpwl);
      json.key("legal_hpwl_um").value(rows.legal_hpwl);
      json.end_object();
    }
    json.key("overlapping_macro_pairs")
        .value(static_cast<std::int64_t>(legality.overlapping_macro_pairs.size()));
    json.key("legal").value(legality.legal());
    json.key("output").value(*output);
    json.end_object();
    netlist::AtomicFile file(*report);
    file.write(json.str() + "\n");
    if (netlist::Status status = file.commit(); !status.ok()) {
      err << "macroplace: " << status.to_string() << "\n";
      return kExitFailure;
    }
  }
  const bool rows_legal = !rows_ran || (rows.violations == 0 && rows.rows.unplaced == 0);
  return legality.legal() && rows_legal ? kExitSuccess : kExitFailure;
}

}  // namespace

const Command& place_command() {
  static const Command kCommand{
      {"place",
       "macroplace place NETLIST [--plc FILE] [--method sa|greedy|fd-only|analytical|legalize]\n"
       "                -o OUT.plc [options]",
       "Place a design and write a legal placement with its proxy cost.\n"
       "Hard macros are first made legal with least displacement; greedy re-places each (largest\n"
       "first) on its cheapest legal grid cell; fd-only places the soft macros with the\n"
       "force-directed placer, analytical with the analytical placer (and the standard cells of a\n"
       "flat netlist); sa (default) anneals the hard macros within\n"
       "the time limit (with --soft-macros fd, re-placing soft macros now and then). A progress\n"
       "line shows on a terminal.",
       {"NETLIST"},
       with_cost_options(
           {{"--plc", "FILE", "starting placement and settings", 1},
            {"--method", "NAME", "sa (default), greedy, fd-only, analytical, legalize or rl", 1},
            {"--policy", "CKPT", "with --method rl: a training checkpoint (RUN_DIR/checkpoint.pt)",
             1},
            {"--samples", "K", "with --method rl: best of the greedy and K sampled episodes", 1},
            {"--finetune-minutes", "M",
             "with --method rl: fine-tune the policy on this design for M minutes first", 1},
            {"--greedy-start", "", "with sa: start from the greedy placement", 0},
            {"--soft-macros", "MODE",
             "keep (default with --plc), fd (force-directed) or analytical", 1},
            {"--target-density", "D", "analytical placer's target bin density (default 1)", 1},
            {"--stop-overflow", "F",
             "analytical placer stops below this density overflow (default 0.01 for macro "
             "clusters, "
             "0.1 with standard cells)",
             1},
            {"-o", "OUT.plc", "where to write the placement (required)", 1},
            {"--report", "OUT.json", "write a JSON report", 1},
            {"--time-limit", "S", "annealing time budget in seconds (default 60)", 1},
            {"--max-moves", "N", "annealing moves per chain (reproducible)", 1},
            {"--seed", "N", "random seed (default 1)", 1},
            {"--chains", "N", "independent annealing chains (default 2)", 1},
            {"--threads", "N", "threads (default: one per chain)", 1},
            {"--soft-shift-weight", "W",
             "weight of soft-macro shifts among annealing moves when soft macros "
             "are kept (default 1: as likely as a hard-macro move; 0: soft macros stay)",
             1},
            {"--refine", "", "finish with coordinate descent", 0},
            {"--quiet", "", "print nothing but errors", 0}})},
      run_place};
  return kCommand;
}

}  // namespace macroplace::cli
