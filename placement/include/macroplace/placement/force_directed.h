// Force-directed placement of soft macros (standard-cell clusters) with Circuit Training's
// schedule: what CT runs after the last hard macro is placed, before the proxy cost is read.
//
// Contract: place_soft_macros() moves every placed, non-fixed soft macro of the evaluator; hard
// macros, ports, standard cells, fixed and unplaced nodes stay where they are. Each stage runs
// `steps_per_stage` steps. A step sums, per soft macro, a spring force towards every node it shares
// a net with (star model from the net's driver, spring constant = net weight x attraction, x
// io_factor when one end is a port) and a push of repulsion x max_move away from every overlapping
// macro (hard or soft); then it divides the x and y forces by their largest magnitude over all soft
// macros and moves each macro by force x max_move (max_move = max_move_fraction x max(W, H)),
// keeping its footprint inside the canvas. The result is deterministic (same input, same output
// bit for bit) and the evaluator's costs are up to date on return (one set_positions()).
//
//   ProxyCost cost(netlist, settings_for(netlist, &plc.settings));
//   ForceDirectedResult result = place_soft_macros(&cost, ForceDirectedOptions{});
//   double proxy = cost.costs().proxy;
#pragma once

#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

// What a step does with a soft macro whose move would take its footprint off the canvas.
enum class CanvasBoundary {
  kClamp,       // move as far as the canvas allows (default)
  kRejectMove,  // stay put for this step (TILOS' open-source reimplementation)
};

struct ForceDirectedOptions {
  int steps_per_stage = 100;
  // One entry per stage, both lists the same length; a stage where both are 0 is skipped.
  std::vector<double> attraction{100, 1e-3, 1e-5};
  std::vector<double> repulsion{0, 1e6, 1e7};
  double max_move_fraction = 0.01;  // the largest move per step, as a fraction of max(W, H)
  bool start_at_centre = true;      // else start from the evaluator's current positions
  double io_factor = 1.0;           // spring multiplier when one end is a port (CT's default 1)
  // Within a stage, attraction is left out when attraction <= ratio x repulsion and repulsion when
  // repulsion <= ratio x attraction: after the per-step normalisation the weaker force could only
  // add rounding noise. With CT's schedule, stages 2 and 3 therefore only spread (as TILOS' C++
  // reimplementation of CT's placer does). 0 keeps both forces always.
  double negligible_force_ratio = 1e-4;
  CanvasBoundary boundary = CanvasBoundary::kClamp;

  Status validate() const;
};

struct ForceDirectedResult {
  Status status;        // not ok when the options are invalid (nothing moved then)
  int steps = 0;        // steps run; a stage ends early once no soft macro feels any force
  int soft_macros = 0;  // soft macros moved by the placer
  double seconds = 0;   // wall time of the whole call, including the final cost update
};

// Places the soft macros of `cost` (see the file comment); `cost` must not be null.
ForceDirectedResult place_soft_macros(ProxyCost* cost, const ForceDirectedOptions& options);

}  // namespace macroplace::placement
