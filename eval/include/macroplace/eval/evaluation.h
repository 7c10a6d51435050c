// An evaluation: every method on every design and seed with the same budget, the placements
// written, the best-of-k scaling of the randomised baseline, and the report data (results.h).
//
// Contract: load_eval_design() reads a netlist in any supported format and takes its canvas and
// grid from an `initial.plc` beside it (else the netlist's canvas and grid-size selection); the
// `reference` method evaluates `legalized.plc` (else `initial.plc`) beside it. run_evaluation()
// runs methods x seeds per design (seed s = 1..seeds), then the external methods (placers this
// library does not link, such as the RL policy, given as callbacks) the same way, writes each
// placement to OUT/placements/<design>-<method>-s<seed>.plc and fills `report`. Designs with
// standard cells also get full-design HPWL (std cells placed and row-legalized around the
// method's macros). Deterministic per seed, except that annealing runs for a time budget.
//
//   EvalDesign design;
//   if (Status s = load_eval_design("examples/ariane133-ng45/netlist.pb.txt.gz", &design); ...)
//   Status s = run_evaluation({design}, options, &report);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "macroplace/eval/baselines.h"
#include "macroplace/eval/results.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/netlist/status.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::eval {

struct EvalDesign {
  std::string path;
  std::string name;          // the folder's name (e.g. ariane133-ng45), else the file's stem
  netlist::Netlist netlist;  // with the starting placement applied
  netlist::PlacementSettings header;  // written into every .plc
  placement::CostSettings settings;   // published weights
  std::string reference_plc;          // empty when there is none
  std::string settings_plc;           // the initial.plc it was loaded with; empty when none
};

netlist::Status load_eval_design(const std::string& path, EvalDesign* design);

// A placer outside this library, run like the built-in methods. place() writes the placement of
// `design` for `seed` to `output_plc` (a .plc of the design's nodes) and says how long it took;
// the runner reads it back, evaluates it, finishes the standard cells as for every method, and
// records, draws and reports it under `name`. sample(), when set, returns the proxies of
// `samples` independent placements (non-finite for failed ones): the method's best-of-k curve.
// `training`, when set, is copied into the report.
struct ExternalMethod {
  std::string name;  // e.g. "rl"
  std::function<netlist::Status(const EvalDesign& design, std::uint64_t seed,
                                const std::string& output_plc, double* seconds)>
      place;
  std::function<netlist::Status(const EvalDesign& design, std::int64_t samples,
                                std::vector<double>* proxies)>
      sample;  // may be empty
  std::optional<TrainingCurve> training;
};

struct EvalOptions {
  std::vector<Method> methods{Method::kRandom, Method::kGreedy, Method::kSimulatedAnnealing,
                              Method::kAnalytical, Method::kReference};
  std::int64_t seeds = 3;
  double time_limit_seconds = 60;  // per annealing run
  std::int64_t max_moves = 0;      // annealing moves per chain instead (reproducible); 0: time
  std::string out_dir;
  // Random placements per design for the best-of-k curve (k = 1, 2, 4, ... up to this); 0: none.
  std::int64_t scaling_samples = 32;
  // Run after the built-in methods for each design and seed.
  std::vector<ExternalMethod> external_methods;
  // One line per finished run (for a terminal); may be empty.
  std::function<void(const std::string& line)> progress;

  netlist::Status validate() const;
};

netlist::Status run_evaluation(std::vector<EvalDesign>& designs, const EvalOptions& options,
                               EvalReport* report);

// The picture of the evaluator's current placement (hard and soft macros, ports, density shades,
// congestion map), titled with design, method, seed and proxy.
PlacementPicture picture_of(const placement::ProxyCost& cost, const std::string& design,
                            const std::string& method, std::uint64_t seed);
// The record of the evaluator's current placement (costs and legality; no runtime).
RunRecord record_of(const placement::ProxyCost& cost, const std::string& design,
                    const std::string& method, std::uint64_t seed);

// Published results shipped with macroplace (data/README provenance), for the designs they match.
std::vector<PublishedResult> published_results();

}  // namespace macroplace::eval
