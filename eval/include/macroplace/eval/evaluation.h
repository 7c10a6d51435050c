// An evaluation: every method on every design and seed with the same budget (or budgets), the
// placements written, best-of-k scaling curves, and the report data (results.h).
//
// Contract: designs are loaded with placement::load_design() (`initial.plc` beside a netlist
// gives its canvas and grid; `legalized.plc`, else `initial.plc`, beside it is the `reference`).
// run_evaluation() runs methods x seeds per design (seed s = 1..seeds): each method through the
// one placement flow (placement_flow.h) with the same recipe `macroplace place --method` runs,
// on the in-memory design; `reference` evaluates the reference placement as it is. Each
// placement is written to OUT/placements/<design>-<method>-s<seed>.plc. Designs with standard
// cells also get full-design HPWL (std cells placed and row-legalized around the method's
// macros). Best-of-k curves: `random` (the whole method per sample) and every method whose
// hard-macro placer can sample (the policy's episodes). Deterministic per seed, except that
// annealing runs for a time budget.
//
//   LoadedDesign design;
//   if (Status s = load_eval_design("examples/ariane133-ng45/netlist.pb.txt.gz", &design); ...)
//   Status s = run_evaluation({design}, options, &report);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/eval/results.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/placement_flow.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::eval {

// A design as an evaluation reads it: load_design() with the `initial.plc` beside it.
Status load_eval_design(const std::string& path, placement::LoadedDesign* design);

// One method of an evaluation: the name it is reported under and the flow it runs (method name,
// stage overrides and placer parameters; the runner sets budget and seed).
struct EvalMethod {
  std::string name;
  placement::FlowOptions flow;
};
// "sa" -> {"sa", flow method sa}; "reference" is the reference placement.
EvalMethod eval_method(const std::string& name);

struct EvalOptions {
  std::vector<EvalMethod> methods{eval_method("random"), eval_method("greedy"), eval_method("sa"),
                                  eval_method("analytical"), eval_method("reference")};
  std::int64_t seeds = 3;
  // Per run. With several, every method runs at each and is reported as NAME@Ts (the budget
  // column: the same method at T = 60 and 600 side by side).
  std::vector<double> time_limits_seconds = {60};
  std::int64_t max_moves = 0;  // annealing moves per chain instead (reproducible); 0: time
  std::string out_dir;
  // Random placements per design for the best-of-k curve (k = 1, 2, 4, ... up to this); 0: none.
  std::int64_t scaling_samples = 32;
  // Copied into the report (learned methods' training runs).
  std::vector<TrainingCurve> training;
  // One line per finished run (for a terminal); may be empty.
  std::function<void(const std::string& line)> progress;

  Status validate() const;
};

Status run_evaluation(std::vector<placement::LoadedDesign>& designs, const EvalOptions& options,
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
