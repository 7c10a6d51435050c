// PlacementFlow: the one way a design is placed by a named method, whatever asks for it
// (`macroplace place`, `macroplace eval`, the policy placer, library code):
//
//   legalize -> hard macros -> soft macros -> refine -> legality check -> (write)
//
// Search over candidates: with `candidates` M > 1 a hard-macro placer that draws several
// placements (the policy's sampled episodes) hands back up to M; the soft-macro stage runs on
// each (each at most an equal share of the time left, one share kept for refinement), the
// `refine_candidates` N best by exact proxy are refined, each with an equal share of the time
// then left, and the best result is kept. Reports name the candidates' proxies.
//
// Contract: prepare_flow() resolves the method's recipe (with the stage overrides), checks every
// placer's parameters and creates the placers, before any work: a bad name or value is an error
// then, not after a long run. run() legalizes the hard macros (least displacement; fixed macros
// stay), runs each stage on the evaluator with the budget that is left, and checks legality.
// When the hard-macro stage already placed the soft macros (the policy's episodes do), the
// soft-macro stage keeps its result only if it lowers the proxy. A method whose placer is
// provided by another executable cannot be prepared here: provider() names that executable so
// a command can hand over to it. Deterministic for a seed when the budget is a move count.
//
//   FlowOptions options;
//   options.method = "greedy";
//   PreparedFlow flow;
//   if (Status s = prepare_flow(options, &flow); !s.ok()) ...
//   FlowResult result = flow.run(&cost);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/placer.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct FlowOptions {
  std::string method = "sa";
  std::string hard_macros;  // overrides the method's hard-macro placer; empty: the method's
  std::string soft_macros;  // overrides the method's soft-macro placer; empty: the method's
  std::string refine;       // overrides the method's refiner; empty: the method's
  PlacerParameters parameters;
  PlacerBudget budget;
  std::int32_t candidates = 1;         // placements of the hard-macro stage to finish (M)
  std::int32_t refine_candidates = 1;  // of those, refined after the soft-macro stage (N <= M)
  ProgressCallback progress;           // may be empty
};

struct FlowResult {
  Status status;  // not ok: a stage failed (the evaluator holds what was done so far)
  CostBreakdown initial, after_legalizer, final;
  std::vector<StageReport> stages;  // legalize, hard macros, soft macros, refine (those that ran)
  LegalityReport legality;
  double seconds = 0;
};

class PreparedFlow {
 public:
  FlowResult run(ProxyCost* cost) const;
  FlowResult run(ProxyCost* cost, std::uint64_t seed) const;  // with this seed instead
  bool has_own_sampler() const { return hard_->has_sampler(); }
  // The proxies of `samples` independent placements (seeds 1000000 + i, apart from run seeds):
  // the hard-macro placer's own sampler when it has one, else the whole method per sample.
  Status sample(const ProxyCost& start, std::int64_t samples, std::vector<double>* proxies) const;
  const MethodInfo& recipe() const { return recipe_; }

 private:
  friend Status prepare_flow(const FlowOptions& options, PreparedFlow* flow);
  MethodInfo recipe_;
  FlowOptions options_;
  std::shared_ptr<Placer> hard_, soft_, refine_;
  std::int64_t soft_macro_period_ = 0;
};

Status prepare_flow(const FlowOptions& options, PreparedFlow* flow);

// The executable that provides a placer of the options' recipe when this process only has its
// declaration; nullopt when everything is here (or the method is unknown: prepare_flow says so).
std::optional<std::string> provider(const FlowOptions& options);

}  // namespace macroplace::placement
