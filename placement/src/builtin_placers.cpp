// The built-in placers (one class per placer, a thin adapter over the placer's function) and the
// built-in methods (recipes). A new placer is one class here (or in its own module) plus one
// registration.
#include "builtin_placers.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <string>

#include "macro_space.h"
#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/coordinate_descent.h"
#include "macroplace/placement/force_directed.h"
#include "macroplace/placement/greedy_placer.h"
#include "macroplace/placement/macro_legalizer.h"
#include "macroplace/placement/placer.h"
#include "macroplace/placement/simulated_annealing.h"
#include "macroplace/placement/std_cell_flow.h"

namespace macroplace::placement {

namespace {

using netlist::NodeId;
using netlist::NodeKind;

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, a, b, c);
  return text;
}

// Legalizes the hard macros; an error when some found no legal spot.
Status legalize(ProxyCost* cost) {
  const LegalizerResult result = legalize_macros(cost, {});
  if (!result.unplaced.empty()) {
    return Status::error(
        std::to_string(result.unplaced.size()) + " hard macros found no legal spot (first: '" +
        std::string(cost->netlist().name(result.unplaced[0])) + "'); the canvas may be too small");
  }
  return {};
}

// --- hard macros ---

// A stage that leaves the placement as it is (the flow has legalized already), saying so.
class NothingMore final : public Placer {
 public:
  explicit NothingMore(const char* summary) : summary_(summary) {}
  Status place(ProxyCost* /*cost*/, const PlacerContext& /*context*/,
               StageReport* report) override {
    report->summary = summary_;
    return {};
  }

 private:
  const char* summary_;
};

// Hard macros at uniformly random centres with their footprint on the canvas, then legalized.
class RandomPlacer final : public Placer {
 public:
  Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) override {
    std::mt19937_64 random(context.budget.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const netlist::Netlist& design = cost->netlist();
    const double width = cost->settings().canvas_width, height = cost->settings().canvas_height;
    for (NodeId node = 0; node < design.num_nodes(); ++node) {
      if (design.kind(node) != NodeKind::kHardMacro || cost->fixed(node)) continue;
      const bool swap = netlist::swaps_width_and_height(cost->orientation(node));
      const double w = swap ? design.height(node) : design.width(node);
      const double h = swap ? design.width(node) : design.height(node);
      const double x = 0.5 * w + unit(random) * std::max(0.0, width - w);
      const double y = 0.5 * h + unit(random) * std::max(0.0, height - h);
      if (!cost->placed(node)) cost->set_placed(node, true);
      cost->move(node, x, y);
    }
    report->summary = "hard macros scattered at random, then legalized";
    return legalize(cost);
  }
};

class GreedyMacroPlacer final : public Placer {
 public:
  Status place(ProxyCost* cost, const PlacerContext& /*context*/, StageReport* report) override {
    const GreedyResult greedy = place_macros_greedily(cost, {});
    report->figures = {{"candidates_tried", static_cast<double>(greedy.candidates_tried)},
                       {"macros_without_cell", static_cast<double>(greedy.without_cell.size())}};
    report->summary = "greedy: " + std::to_string(greedy.candidates_tried) + " candidates, " +
                      std::to_string(greedy.without_cell.size()) + " macros without a cell";
    // Macros without a legal cell went back where they were and may overlap greedy ones now.
    return greedy.without_cell.empty() ? Status() : legalize(cost);
  }
};

// The share of the macros' area that lies beyond full in the proxy's density cells: sum over
// cells of max(0, density - 1) x cell area, over the placed macros' area. 0 when nothing
// overlaps more than a cell holds; near 1 when everything sits on one spot.
double density_overflow(const ProxyCost& cost) {
  const kernels::GridGeometry& grid = cost.grid();
  const double cell_area = grid.cell_width * grid.cell_height;
  double excess = 0;
  for (const double density : cost.density_map()) excess += std::max(0.0, density - 1) * cell_area;
  double area = 0;
  const netlist::Netlist& netlist = cost.netlist();
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (netlist::is_macro(netlist.kind(node)) && cost.placed(node)) {
      area += netlist.width(node) * netlist.height(node);
    }
  }
  return area > 0 ? excess / area : 0;
}

class AnnealingPlacer final : public Placer {
 public:
  static Status create(const PlacerParameters& parameters, std::unique_ptr<Placer>* out) {
    auto placer = std::make_unique<AnnealingPlacer>();
    std::int64_t chains = placer->options_.chains;
    if (Status s = whole_parameter(parameters, "--chains", 1, &chains); !s.ok()) return s;
    placer->options_.chains = static_cast<int>(std::min<std::int64_t>(chains, 4096));
    placer->greedy_start_ = parameters.count("--greedy-start") > 0;
    placer->spread_soft_ = parameters.count("--no-soft-spread") == 0;
    if (Status s = number_parameter(parameters, "--soft-shift-weight", 0, 1e6,
                                    &placer->soft_shift_weight_);
        !s.ok()) {
      return s;
    }
    *out = std::move(placer);
    return {};
  }

  // The refinement stage: the cold end of the schedule from the placement the stages before
  // left, soft macros shifting along from the start (the method's soft-macro placer has run).
  static Status create_finishing(const PlacerParameters& parameters, std::unique_ptr<Placer>* out) {
    std::unique_ptr<Placer> placer;
    if (Status s = create(parameters, &placer); !s.ok()) return s;
    auto& annealing = static_cast<AnnealingPlacer&>(*placer);
    annealing.finishing_ = true;
    annealing.options_.schedule_start = kFinishingStart;
    if (Status s = number_parameter(parameters, "--schedule-start", 0, 0.999,
                                    &annealing.options_.schedule_start);
        !s.ok()) {
      return s;
    }
    *out = std::move(placer);
    return {};
  }

  Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) override {
    if (greedy_start_) {
      if (Status s = GreedyMacroPlacer().place(cost, context, report); !s.ok()) return s;
    }
    const auto start = std::chrono::steady_clock::now();
    const bool keeps_soft_macros = !context.place_soft_macros && !finishing_;
    const double overflow = keeps_soft_macros ? density_overflow(*cost) : 0;
    const bool spread = keeps_soft_macros && spread_soft_ && soft_shift_weight_ > 0 &&
                        overflow > kSpreadOverflow && spread_soft_macros(cost);
    AnnealingOptions annealing = options_;
    annealing.seed = context.budget.seed;
    annealing.time_limit_seconds = context.budget.time_limit_seconds;
    if (annealing.time_limit_seconds > 0) {  // what the spreading took comes off the budget
      const double spent =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      annealing.time_limit_seconds =
          std::max(annealing.time_limit_seconds - spent, 0.05 * annealing.time_limit_seconds);
    }
    annealing.max_moves = context.budget.max_moves;
    annealing.threads = context.budget.threads;
    if (context.place_soft_macros && !finishing_) {
      // The method's soft-macro placer now and then; soft macros do not anneal along.
      annealing.replace_soft_macros = [&context](ProxyCost* chain) {
        (void)context.place_soft_macros(chain);
      };
      annealing.soft_macro_period = std::max<std::int64_t>(context.soft_macro_period, 1);
    } else {
      annealing.soft_shift_weight = soft_shift_weight_;  // kept soft macros anneal along
    }
    if (Status s = annealing.validate(); !s.ok()) return s;
    const auto progress = [&context](const AnnealingProgress& p) {
      if (!context.progress) return;
      PlacerProgress line;
      line.placer = "sa";
      line.seconds = p.seconds;
      line.steps = p.moves;
      line.unit = "moves";
      line.best = p.best_proxy;
      line.best_label = "proxy";
      line.detail = format("T %.2e", p.temperature);
      context.progress(line);
    };
    const AnnealingResult result = anneal_macros(cost, annealing, progress);
    report->figures = {{"moves", static_cast<double>(result.moves)},
                       {"accepted", static_cast<double>(result.accepted)},
                       {"best_chain", result.best_chain},
                       {"chains", annealing.chains}};
    if (keeps_soft_macros) {  // the soft macros' start, when annealing keeps them
      report->figures.emplace_back("start_overflow", overflow);
      report->figures.emplace_back("soft_macros_spread", spread ? 1.0 : 0.0);
    }
    report->summary = std::string(finishing_ ? "finishing " : "") +
                      (spread ? "soft macros spread first (analytical), " : "") +
                      "annealing: " + std::to_string(result.moves) + " moves (" +
                      std::to_string(result.accepted) + " accepted), best chain " +
                      std::to_string(result.best_chain);
    return {};
  }

  // Kept soft macros anneal by small shifts, which cannot spread clusters that start bunched (a
  // flat design clustered on load puts each cluster where its cells were, e.g. all near the
  // middle): when the start overflows (density_overflow above kSpreadOverflow, place() checks)
  // they are spread once with the analytical placer first, kept only when the exact proxy is
  // lower. True when they were. A start already spread is left alone: on Ariane's initial.plc
  // (overflow 0.06) a spread start lowered the proxy but annealed 1% worse (PERFORMANCE.md).
  static bool spread_soft_macros(ProxyCost* cost) {
    if (internal::movable_soft_macros(*cost).empty()) return false;
    std::unique_ptr<ProxyCost> spread = cost->clone();
    const AnalyticalResult result = place_soft_macros_analytical(spread.get(), AnalyticalOptions{});
    if (!result.status.ok() || !(spread->costs().proxy < cost->costs().proxy)) return false;
    cost->copy_placement(*spread);
    return true;
  }

 private:
  // Where a whole run lets soft macros start shifting (cooling span 1e-3, soft shifts below
  // 1e-2 T0): 2/3 of the schedule.
  static constexpr double kFinishingStart = 2.0 / 3.0;
  // Spread first above this overflow: the analytical placer's own stopping overflow with
  // standard cells (DREAMPlace's 0.1), the point where it calls a placement spread.
  static constexpr double kSpreadOverflow = 0.1;
  AnnealingOptions options_;
  bool greedy_start_ = false;
  bool spread_soft_ = true;
  bool finishing_ = false;
  double soft_shift_weight_ = 1.0;
};

// Options of both analytical placers, read once.
Status analytical_options(const PlacerParameters& parameters, AnalyticalOptions* options) {
  if (Status s =
          number_parameter(parameters, "--target-density", 1e-6, 1, &options->target_density);
      !s.ok()) {
    return s;
  }
  if (parameters.count("--stop-overflow") > 0) {
    double stop = 0;
    if (Status s = number_parameter(parameters, "--stop-overflow", 0, 1, &stop); !s.ok()) {
      return s;
    }
    options->stop_overflow = stop;
  }
  return options->validate();
}

void add_analytical_report(const AnalyticalResult& result, StageReport* report) {
  report->figures.insert(report->figures.end(), {{"objects", static_cast<double>(result.movable)},
                                                 {"iterations", result.iterations},
                                                 {"overflow", result.overflow},
                                                 {"hpwl_um", result.hpwl}});
  report->summary += "analytical (" + result.backend + "): " + std::to_string(result.movable) +
                     " objects, " + std::to_string(result.iterations) + " iterations, overflow " +
                     format("%.4f", result.overflow);
}

std::function<void(int, double, double)> analytical_progress(const PlacerContext& context) {
  if (!context.progress) return {};
  const auto start = std::chrono::steady_clock::now();
  return [&context, start](int iteration, double hpwl, double overflow) {
    PlacerProgress line;
    line.placer = "analytical";
    line.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    line.steps = iteration;
    line.unit = "iterations";
    line.best = hpwl;
    line.best_label = "HPWL um";
    line.detail = format("overflow %.4f", overflow);
    context.progress(line);
  };
}

// Mixed-size global placement of hard and soft macros (RePlAce's flow), then the legalizer.
class MixedSizePlacer final : public Placer {
 public:
  static Status create(const PlacerParameters& parameters, std::unique_ptr<Placer>* out) {
    auto placer = std::make_unique<MixedSizePlacer>();
    placer->options_.move_hard_macros = true;
    if (Status s = analytical_options(parameters, &placer->options_); !s.ok()) return s;
    *out = std::move(placer);
    return {};
  }
  Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) override {
    AnalyticalOptions options = options_;
    options.seed = context.budget.seed;
    options.backend = cost->backend();
    options.progress = analytical_progress(context);
    const AnalyticalResult result = place_soft_macros_analytical(cost, options);
    if (!result.status.ok()) return result.status;
    add_analytical_report(result, report);
    report->summary = "mixed-size " + report->summary + ", then legalized";
    return legalize(cost);
  }

 private:
  AnalyticalOptions options_;
};

// --- soft macros ---

// Soft macros stay where they are, except that any hanging over the canvas edge is pulled onto
// it by the shortest way (the density cost does not see what lies outside).
class KeepSoftMacros final : public Placer {
 public:
  Status place(ProxyCost* cost, const PlacerContext& /*context*/, StageReport* report) override {
    const std::vector<NodeId> soft = internal::movable_soft_macros(*cost);
    int pulled = 0;
    for (const NodeId node : soft) {
      double x = cost->x(node), y = cost->y(node);
      internal::keep_soft_macro_inside(*cost, node, &x, &y);
      pulled += x != cost->x(node) || y != cost->y(node) ? 1 : 0;
    }
    internal::pull_soft_macros_inside(soft, cost);
    report->figures = {{"pulled_inside", pulled}};
    report->summary = "soft macros kept (" + std::to_string(pulled) + " pulled onto the canvas)";
    return {};
  }
};

class ForceDirectedSoftPlacer final : public Placer {
 public:
  Status place(ProxyCost* cost, const PlacerContext& /*context*/, StageReport* report) override {
    const ForceDirectedResult result = place_soft_macros(cost, ForceDirectedOptions{});
    if (!result.status.ok()) return result.status;
    report->figures = {{"soft_macros", result.soft_macros}, {"steps", result.steps}};
    report->summary = "force-directed: " + std::to_string(result.soft_macros) + " soft macros, " +
                      std::to_string(result.steps) + " steps";
    return {};
  }
};

// Soft macros (and the standard cells of a flat netlist, then legalized onto rows).
class AnalyticalSoftPlacer final : public Placer {
 public:
  static Status create(const PlacerParameters& parameters, std::unique_ptr<Placer>* out) {
    auto placer = std::make_unique<AnalyticalSoftPlacer>();
    if (Status s = analytical_options(parameters, &placer->options_); !s.ok()) return s;
    *out = std::move(placer);
    return {};
  }
  Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) override {
    AnalyticalOptions options = options_;
    options.seed = context.budget.seed;
    options.backend = cost->backend();
    options.progress = analytical_progress(context);
    const AnalyticalResult result = place_soft_macros_analytical(cost, options);
    if (!result.status.ok()) return result.status;
    add_analytical_report(result, report);
    if (cost->netlist().counts().std_cells == 0) return {};
    const StdCellFlowResult rows = legalize_std_cells(cost);
    if (!rows.status.ok()) return rows.status;
    report->figures.insert(report->figures.end(),
                           {{"row_cells", static_cast<double>(rows.rows.cells)},
                            {"row_unplaced", static_cast<double>(rows.rows.unplaced)},
                            {"row_violations", static_cast<double>(rows.violations)},
                            {"row_displacement_um", rows.rows.total_displacement},
                            {"global_hpwl_um", rows.global_hpwl},
                            {"legal_hpwl_um", rows.legal_hpwl}});
    report->summary += "; standard cells: " + std::to_string(rows.rows.cells) + " on rows, " +
                       std::to_string(rows.rows.unplaced) + " unplaced, " +
                       std::to_string(rows.violations) + " violations, HPWL " +
                       format("%.6g um", rows.legal_hpwl);
    if (rows.violations > 0 || rows.rows.unplaced > 0) {
      return Status::error("row legalization left " + std::to_string(rows.rows.unplaced) +
                           " cells unplaced and " + std::to_string(rows.violations) +
                           " violations");
    }
    return {};
  }

 private:
  AnalyticalOptions options_;
};

// --- refinement ---

class CoordinateDescentRefiner final : public Placer {
 public:
  Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) override {
    CoordinateDescentOptions descent;
    if (context.place_soft_macros) {
      descent.replace_soft_macros = [&context](ProxyCost* c) {
        (void)context.place_soft_macros(c);
      };
    }
    const CoordinateDescentResult result = refine_macros(cost, descent);
    report->figures = {{"passes", result.passes},
                       {"moves_kept", static_cast<double>(result.moves_kept)}};
    report->summary = "coordinate descent: " + std::to_string(result.passes) + " passes, " +
                      std::to_string(result.moves_kept) + " moves kept";
    return {};
  }
};

template <typename T>
std::function<Status(const PlacerParameters&, std::unique_ptr<Placer>*)> simple() {
  return [](const PlacerParameters&, std::unique_ptr<Placer>* out) {
    *out = std::make_unique<T>();
    return Status();
  };
}

std::function<Status(const PlacerParameters&, std::unique_ptr<Placer>*)> nothing_more(
    const char* summary) {
  return [summary](const PlacerParameters&, std::unique_ptr<Placer>* out) {
    *out = std::make_unique<NothingMore>(summary);
    return Status();
  };
}

}  // namespace

namespace internal {

void add_builtin_placers(PlacerRegistry* registry) {
  const std::vector<PlacerOption> analytical = {
      {"--target-density", "D", "analytical placers' target bin density (default 1)"},
      {"--stop-overflow", "F",
       "analytical placers stop below this density overflow (default 0.01 for macro clusters, "
       "0.1 with standard cells)"}};
  registry->add(PlacerInfo{"none",
                           Stage::kHardMacros,
                           "the legalizer's placement",
                           {},
                           0,
                           nothing_more("hard macros legalized only"),
                           {}});
  registry->add(PlacerInfo{"random",
                           Stage::kHardMacros,
                           "uniformly random centres, then the legalizer",
                           {},
                           0,
                           simple<RandomPlacer>(),
                           {}});
  registry->add(PlacerInfo{"greedy",
                           Stage::kHardMacros,
                           "largest first, each on its cheapest legal grid cell",
                           {},
                           0,
                           simple<GreedyMacroPlacer>(),
                           {}});
  registry->add(
      PlacerInfo{"sa",
                 Stage::kHardMacros,
                 "simulated annealing on the exact incremental proxy cost",
                 {{"--chains", "N", "independent annealing chains (default 2)"},
                  {"--greedy-start", "", "start annealing from the greedy placement"},
                  {"--soft-shift-weight", "W",
                   "weight of soft-macro shifts among annealing moves when soft macros are kept "
                   "(default 1: as likely as a hard-macro move; 0: soft macros stay)"},
                  {"--no-soft-spread", "",
                   "kept soft macros are not spread first (by default the analytical placer "
                   "spreads them once when over 10% of the macro area overflows its density "
                   "cells and spreading lowers the proxy)"}},
                 0,
                 &AnnealingPlacer::create,
                 {}});
  registry->add(PlacerInfo{"analytical",
                           Stage::kHardMacros,
                           "mixed-size global placement of all macros, then the legalizer",
                           analytical,
                           0,
                           &MixedSizePlacer::create,
                           {}});
  registry->add(PlacerInfo{"keep",
                           Stage::kSoftMacros,
                           "soft macros stay where they are (pulled whole onto the canvas)",
                           {},
                           0,
                           simple<KeepSoftMacros>(),
                           {}});
  registry->add(PlacerInfo{"fd",
                           Stage::kSoftMacros,
                           "Circuit Training's force-directed placer",
                           {},
                           5000,
                           simple<ForceDirectedSoftPlacer>(),
                           {}});
  registry->add(PlacerInfo{"analytical",
                           Stage::kSoftMacros,
                           "analytical placer (and the standard cells of a flat netlist, "
                           "row-legalized)",
                           analytical,
                           20000,
                           &AnalyticalSoftPlacer::create,
                           {}});
  registry->add(PlacerInfo{
      "none", Stage::kRefine, "no refinement", {}, 0, nothing_more("no refinement"), {}});
  registry->add(PlacerInfo{
      "sa",
      Stage::kRefine,
      "the cold end of annealing from the placement so far, soft macros shifting along",
      {{"--schedule-start", "F",
        "sa refinement: start this far into the cooling schedule (default 0.667, where a whole "
        "run starts shifting soft macros)"}},
      0,
      &AnnealingPlacer::create_finishing,
      {}});
  registry->add(PlacerInfo{"cd",
                           Stage::kRefine,
                           "Circuit Training's coordinate descent over nearby cells and mirrors",
                           {},
                           0,
                           simple<CoordinateDescentRefiner>(),
                           {}});

  registry->add(
      MethodInfo{"sa", "simulated annealing; soft macros anneal along", "sa", "keep", "none", ""});
  registry->add(MethodInfo{"greedy", "greedy hard macros, analytical soft macros", "greedy",
                           "analytical", "none", ""});
  registry->add(MethodInfo{"random", "random hard macros, analytical soft macros", "random",
                           "analytical", "none", ""});
  registry->add(MethodInfo{"analytical", "mixed-size analytical placement", "analytical",
                           "analytical", "none", ""});
  registry->add(MethodInfo{"fd-only", "legalized hard macros, force-directed soft macros", "none",
                           "fd", "none", ""});
  registry->add(MethodInfo{"legalize", "legalized hard macros, soft macros kept", "none", "keep",
                           "none", ""});
}

}  // namespace internal

}  // namespace macroplace::placement
