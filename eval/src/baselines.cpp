#include "macroplace/eval/baselines.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/greedy_placer.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/macro_legalizer.h"
#include "macroplace/placement/simulated_annealing.h"

namespace macroplace::eval {

namespace {

using netlist::NodeId;
using netlist::NodeKind;
using netlist::Status;

struct MethodName {
  Method method;
  std::string_view name;
};
constexpr std::array<MethodName, 5> kMethodNames{{{Method::kRandom, "random"},
                                                  {Method::kGreedy, "greedy"},
                                                  {Method::kSimulatedAnnealing, "sa"},
                                                  {Method::kAnalytical, "analytical"},
                                                  {Method::kReference, "reference"}}};

bool movable_hard_macro(const placement::ProxyCost& cost, NodeId node) {
  return cost.netlist().kind(node) == NodeKind::kHardMacro && !cost.fixed(node);
}

// Hard macros at uniformly random centres with their footprint on the canvas.
void scatter_hard_macros(placement::ProxyCost* cost, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const netlist::Netlist& design = cost->netlist();
  const double width = cost->settings().canvas_width, height = cost->settings().canvas_height;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (!movable_hard_macro(*cost, node)) continue;
    const bool swap = netlist::swaps_width_and_height(cost->orientation(node));
    const double w = swap ? design.height(node) : design.width(node);
    const double h = swap ? design.width(node) : design.height(node);
    const double x = 0.5 * w + unit(random) * std::max(0.0, width - w);
    const double y = 0.5 * h + unit(random) * std::max(0.0, height - h);
    if (!cost->placed(node)) cost->set_placed(node, true);
    cost->move(node, x, y);
  }
}

Status legalize(placement::ProxyCost* cost) {
  const placement::LegalizerResult result = placement::legalize_macros(cost, {});
  if (!result.unplaced.empty()) {
    return Status::error(std::to_string(result.unplaced.size()) +
                         " hard macros found no legal spot");
  }
  return {};
}

Status place_soft_macros(placement::ProxyCost* cost, std::uint64_t seed) {
  placement::AnalyticalOptions options;
  options.seed = seed;
  return placement::place_soft_macros_analytical(cost, options).status;
}

}  // namespace

std::string_view method_name(Method method) {
  for (const MethodName& entry : kMethodNames) {
    if (entry.method == method) return entry.name;
  }
  return "unknown";
}

std::optional<Method> parse_method(std::string_view name) {
  for (const MethodName& entry : kMethodNames) {
    if (entry.name == name) return entry.method;
  }
  return std::nullopt;
}

Status BaselineOptions::validate() const {
  if (!(time_limit_seconds >= 0) || !std::isfinite(time_limit_seconds)) {
    return Status::error("time limit must be a non-negative number of seconds");
  }
  if (max_moves < 0) return Status::error("max moves must be non-negative");
  if (time_limit_seconds == 0 && max_moves == 0) {
    return Status::error("annealing needs a time limit or a move budget");
  }
  if (chains < 1) return Status::error("chains must be at least 1");
  return {};
}

BaselineRun run_baseline(Method method, placement::ProxyCost* cost,
                         const BaselineOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  BaselineRun run;
  run.status = options.validate();
  if (!run.status.ok()) return run;
  switch (method) {
    case Method::kRandom:
      scatter_hard_macros(cost, options.seed);
      run.status = legalize(cost);
      if (run.status.ok()) run.status = place_soft_macros(cost, options.seed);
      break;
    case Method::kGreedy:
      run.status = legalize(cost);
      if (run.status.ok()) {
        if (!placement::place_macros_greedily(cost, {}).without_cell.empty()) {
          run.status = legalize(cost);  // macros without a cell went back; make them legal again
        }
      }
      if (run.status.ok()) run.status = place_soft_macros(cost, options.seed);
      break;
    case Method::kSimulatedAnnealing: {
      run.status = legalize(cost);
      if (!run.status.ok()) break;
      placement::AnnealingOptions annealing;
      annealing.seed = options.seed;
      annealing.time_limit_seconds = options.max_moves > 0 ? 0 : options.time_limit_seconds;
      annealing.max_moves = options.max_moves;
      annealing.chains = options.chains;
      annealing.soft_shift_weight = 1.0;  // `macroplace place`'s default
      placement::anneal_macros(cost, annealing);
      break;
    }
    case Method::kAnalytical: {
      placement::AnalyticalOptions global;
      global.seed = options.seed;
      global.move_hard_macros = true;
      run.status = placement::place_soft_macros_analytical(cost, global).status;
      if (run.status.ok()) run.status = legalize(cost);
      if (run.status.ok()) run.status = place_soft_macros(cost, options.seed);
      break;
    }
    case Method::kReference: break;
  }
  run.costs = cost->costs();
  const placement::LegalityReport legality = placement::check_legality(*cost);
  run.overlapping_macro_pairs = static_cast<std::int64_t>(legality.overlapping_macro_pairs.size());
  run.legal = legality.legal();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace macroplace::eval
