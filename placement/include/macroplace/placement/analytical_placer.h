// Analytical global placement in the style of ePlace / DREAMPlace: weighted-average wirelength
// plus an electrostatic density penalty, minimised with Nesterov's method. It places the soft
// macros of a clustered netlist around fixed hard macros (an alternative to the force-directed
// placer) and the standard cells of a flat netlist (the mixed-size flow of academic tables,
// followed by row legalization, row_legalizer.h).
//
// Contract: the movable objects are the non-fixed soft macros and standard cells (and hard
// macros with move_hard_macros); hard macros, ports and fixed nodes stay where they are and take
// part as pin carriers and (hard macros) density obstacles. Positions are centres in micrometres
// indexed by NodeId; movable objects are kept inside the canvas. Each iteration evaluates the
// objective's gradient (kernels/, CPU or CUDA) at Nesterov's look-ahead point, steps with a
// Lipschitz-estimated step size and raises the density weight while the wirelength allows
// (DREAMPlace's rule); it stops once the density overflow is below `stop_overflow` or after
// `max_iterations`. Deterministic for a given seed, options and backend.
//
//   ProxyCost cost(netlist, settings);
//   AnalyticalResult result = place_soft_macros_analytical(&cost, AnalyticalOptions{});
//   double proxy = cost.costs().proxy;
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct AnalyticalOptions {
  kernels::Backend backend = kernels::Backend::kCpu;
  std::int32_t bins = 0;  // density bins per side; 0: 2^ceil(log2 sqrt(movable)) in [16, 1024]
  double target_density = 1.0;  // a bin may hold this fraction of its area before it overflows
  // Stop once the overflow (fraction of movable area) is below this; empty: 0.1 when standard
  // cells move (row legalization removes what is left, DREAMPlace's default), 0.01 for macro
  // clusters alone (the proxy's density counts every overlap; 0.01 measured best on Ariane).
  std::optional<double> stop_overflow;
  int max_iterations = 1000;
  int min_iterations = 30;  // the density weight needs a few iterations before overflow means much
  // Initial density weight = ratio x |grad wirelength|_1 / |grad density|_1 (DREAMPlace 8e-5).
  double initial_density_weight_ratio = 8e-5;
  // The density weight grows by 1.05 per iteration while the HPWL falls, and by
  // 1.05^(1 - dHPWL / reference) in [0.95, 1.05] while it rises (DREAMPlace's rule), with
  // reference = this x (nets) x (bin width + bin height): a scale of the design.
  double hpwl_growth_reference = 0.03;
  // WA smoothing gamma = gamma_factor x (bin width + bin height) x 10^((overflow - 0.1) x 20/9 -
  // 1).
  double gamma_factor = 4.0;
  // Filler cells (ePlace): movable, pinless, taking the free space a target density leaves, so
  // that the cells need not spread over all of it. Off: with fillers started at random (as
  // DREAMPlace does) and no filler-only phase, measured much worse on Ariane (flat HPWL 13.8M vs
  // 4.9M um; soft-macro proxy 0.98 vs 0.68), see docs/NOTES.md.
  bool fillers = false;
  double max_fillers_per_object = 4.0;  // fillers grow beyond the mean cell size past this count
  std::int32_t max_net_degree = 0;      // nets with more terminals are left out; 0 keeps them all
  // Hard macros (non-fixed) move too: mixed-size global placement (RePlAce's flow), to be
  // followed by the macro legalizer. Off: hard macros are obstacles.
  bool move_hard_macros = false;
  bool start_at_centre = true;  // else start from the current positions
  double initial_noise = 1e-3;  // random spread around the start, as a fraction of the canvas
  std::uint64_t seed = 1;
  // Called after every iteration (for progress displays); may be empty.
  std::function<void(int iteration, double hpwl, double overflow)> progress;

  Status validate() const;
};

struct AnalyticalResult {
  Status status;             // not ok for invalid options or an unavailable backend
  std::int64_t movable = 0;  // objects placed
  std::int64_t fillers = 0;  // filler cells used (and dropped)
  int iterations = 0;
  double overflow = 0;  // at the end
  double hpwl = 0;      // weighted HPWL of the nets at the end, um
  double seconds = 0;
  std::string backend;  // "cpu" or "cuda"
};

// Places the non-fixed soft macros and standard cells of `netlist` inside `canvas`. x/y hold
// every node's centre (size num_nodes; pins are ignored) and receive the result.
AnalyticalResult place_analytical(const netlist::Netlist& netlist, const netlist::Rect& canvas,
                                  const AnalyticalOptions& options, std::vector<double>* x,
                                  std::vector<double>* y);

// The same for the evaluator's soft macros (and standard cells), around its current hard-macro
// placement; the evaluator's costs are up to date on return.
AnalyticalResult place_soft_macros_analytical(ProxyCost* cost, const AnalyticalOptions& options);

}  // namespace macroplace::placement
