// SimulatedAnnealing: the macro placer the published comparisons rank strongest, on the exact
// incremental proxy cost.
//
// Contract: anneal_macros() moves the movable hard macros (and, with soft_shift_weight > 0, the
// soft macros) of a *legal* placement (see
// legality.h; run legalize_macros() first) and keeps it legal after every accepted move: macros
// stay inside the canvas, out of blockages and at least `spacing` apart. Moves: shift (range
// shrinking with temperature), swap, mirror (N/FN/S/FS: footprint unchanged), jump to a random
// spot, and shuffle (three macros rotate places). Cooling is geometric, scheduled so the
// temperature falls by `cooling_span` over the budget. Several independent chains run on
// threads; the best is kept and written back into `cost`. With `max_moves` set (and no time
// limit) the result depends only on the seed and the number of chains, not on the machine or
// the thread count.
//
// Soft macros: with soft_shift_weight > 0 the annealer keeps each movable soft macro's whole
// footprint (as the evaluator sees it: orientation turns only hard macros) inside
// [0, W] x [0, H]. Those hanging over the edge are first pulled onto the canvas, by the shortest
// way, in `cost` itself before `initial` is measured; every soft shift, and every placement
// `replace_soft_macros` leaves, is clamped the same way. A soft macro wider (taller) than the
// canvas sits at its centre in x (y). With soft_shift_weight = 0 soft macros are left as given.
//
// Time: with more chains than threads the chains run in ceil(chains / threads) waves, and each
// chain gets time_limit_seconds / waves seconds, counted from its own start (cloning included),
// for its whole cooling schedule: the run lasts about the time limit, and later waves anneal as
// long as the first.
//
//   AnnealingOptions options;
//   options.time_limit_seconds = 60;
//   AnnealingResult result = anneal_macros(&cost, options, print_progress);
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct AnnealingOptions {
  double time_limit_seconds = 60;  // 0: no time limit (then max_moves must be set)
  std::int64_t max_moves = 0;      // per chain; 0: no move limit
  std::uint64_t seed = 1;
  int chains = 2;
  int threads = 0;             // 0: one per chain, at most the hardware's
  double spacing = 0.1;        // um between hard macros
  double cooling_span = 1e-3;  // final temperature / initial temperature
  // The part of the cooling schedule already done when the run starts: a finishing anneal of a
  // placement that is already good starts at T0 x cooling_span^schedule_start (T0 picked as
  // usual) and cools from there, with the shift sizes and soft-shift start of a whole run at
  // those temperatures. 0: a whole run.
  double schedule_start = 0;
  double initial_acceptance = 0.5;  // of uphill moves, used to pick the initial temperature
  // Move mix, relative weights.
  double shift_weight = 0.5, swap_weight = 0.2, mirror_weight = 0.1, jump_weight = 0.15,
         shuffle_weight = 0.05;
  // Shifts of soft macros (clusters), annealed along with the hard macros; 0 leaves them to
  // `replace_soft_macros`. They start once the temperature has fallen below
  // `soft_shift_temperature` x the initial one: earlier, at the hard macros' temperatures, they
  // scatter the clusters (measured: 2-minute Ariane runs end at 0.70-0.75 with soft shifts from
  // the start, 0.61 with them from 1e-2 on).
  double soft_shift_weight = 0;
  double soft_shift_temperature = 1e-2;
  // Called every `soft_macro_period` accepted moves with the chain's evaluator, e.g. to re-place
  // soft macros with the force-directed placer; null: soft macros stay.
  std::function<void(ProxyCost*)> replace_soft_macros;
  std::int64_t soft_macro_period = 0;

  Status validate() const;
};

struct AnnealingProgress {
  double seconds = 0;
  std::int64_t moves = 0;  // all chains
  double best_proxy = 0;
  double temperature = 0;  // of the first chain of the running wave
};

struct AnnealingResult {
  CostBreakdown initial, best;
  std::int64_t moves = 0, accepted = 0;   // all chains
  std::vector<std::int64_t> chain_moves;  // moves each chain made, by chain index
  int best_chain = 0;
  double seconds = 0;
};

AnnealingResult anneal_macros(ProxyCost* cost, const AnnealingOptions& options,
                              const std::function<void(const AnnealingProgress&)>& progress = {});

}  // namespace macroplace::placement
