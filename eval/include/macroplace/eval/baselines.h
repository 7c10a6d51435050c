// The baseline macro placers an evaluation compares, each as one call on a proxy-cost evaluator:
// what `macroplace eval` runs per design, method and seed.
//
// Contract: run_baseline() leaves the method's placement in the evaluator (hard macros legal
// whenever the method can make them so, soft macros re-placed) and returns its costs. Every
// method is deterministic for a seed; `sa` also depends on its time budget (set max_moves for
// bit-reproducible runs).
//   random     hard macros at uniformly random centres, then the macro legalizer
//   greedy     the macro legalizer, then each macro on its cheapest legal grid cell
//   sa         the macro legalizer, then simulated annealing for the time budget (`place`'s
//              default: hard macros, then soft macros shifted once the temperature is low)
//   analytical mixed-size global placement of hard and soft macros (RePlAce's flow), then the
//              macro legalizer
//   reference  the input placement as it is (a .plc beside the design), only evaluated
// All but `reference` and `sa` finish with the analytical soft-macro placer.
//
//   ProxyCost cost(design, settings);
//   BaselineRun run = run_baseline(Method::kGreedy, &cost, BaselineOptions{});
//   double proxy = run.costs.proxy;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/netlist/status.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::eval {

enum class Method { kRandom, kGreedy, kSimulatedAnnealing, kAnalytical, kReference };

std::string_view method_name(Method method);  // "random", "greedy", "sa", "analytical", ...
std::optional<Method> parse_method(std::string_view name);

struct BaselineOptions {
  std::uint64_t seed = 1;
  double time_limit_seconds = 60;  // simulated annealing's budget
  std::int64_t max_moves = 0;      // annealing moves per chain instead of a time budget (0: none)
  int chains = 2;                  // annealing chains (one thread each)

  netlist::Status validate() const;
};

struct BaselineRun {
  netlist::Status status;
  placement::CostBreakdown costs;  // with the evaluator's weights
  std::int64_t overlapping_macro_pairs = 0;
  bool legal = false;
  double seconds = 0;
};

BaselineRun run_baseline(Method method, placement::ProxyCost* cost, const BaselineOptions& options);

}  // namespace macroplace::eval
