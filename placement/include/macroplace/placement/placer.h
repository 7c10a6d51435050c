// Placer: one stage of a placement method (hard macros, soft macros or refinement) on the
// in-memory evaluator, and the registry that names every placer and every method.
//
// Contract:
// - A Placer edits the evaluator it is given (ProxyCost owns the positions) within its budget
//   and says what it did in a StageReport. A hard-macro placer starts from a legal placement
//   (the flow legalizes first) and leaves one whenever it can; a soft-macro placer moves soft
//   macros (and standard cells) only and keeps them whole inside the canvas; a refiner keeps a
//   legal placement legal. Every placer is deterministic for a seed when its budget is a move
//   count, not a time.
// - A method is a recipe: one placer per stage. The registry maps names to placer factories and
//   to recipes. The built-in placers and methods are always there; other modules add theirs
//   (rl/ adds `rl` when it is linked). A placer may be *declared* without a factory, naming the
//   executable that provides it (`provider`), so a command can hand over to that executable
//   instead of linking what the placer needs.
// - Placer options are command-line style names ("--chains") with text values; a factory checks
//   the ones it reads and fails with a clear message on a bad value, before any work starts.
//
//   std::unique_ptr<Placer> placer;
//   const PlacerInfo* info = PlacerRegistry::global().placer(Stage::kHardMacros, "sa");
//   Status s = info->create({{"--chains", "4"}}, &placer);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

enum class Stage { kHardMacros, kSoftMacros, kRefine };
std::string_view stage_name(Stage stage);  // "hard macros", "soft macros", "refine"

// What one run of a method may spend. A stage gets what the stages before it left.
struct PlacerBudget {
  double time_limit_seconds = 0;  // 0: no time limit
  std::int64_t max_moves = 0;     // moves per annealing chain; 0: no move limit
  std::uint64_t seed = 1;
  int threads = 0;  // 0: as many as the placer likes (at most the hardware's)

  Status validate() const;
};

// Reported now and then by long stages (for a progress line).
struct PlacerProgress {
  std::string placer;      // "sa", "analytical", ...
  double seconds = 0;      // since the stage started
  std::int64_t steps = 0;  // moves, iterations, episodes
  std::string unit;        // "moves", "iterations", "episodes"
  double best = 0;         // best value so far
  std::string best_label;  // "proxy", "HPWL um"
  std::string detail;      // anything else worth a glance ("T 1.2e-04", "overflow 0.031")
};
using ProgressCallback = std::function<void(const PlacerProgress&)>;

// What a stage did: for people (summary) and for the JSON report (figures).
struct StageReport {
  Stage stage = Stage::kHardMacros;
  std::string placer;
  double seconds = 0;
  CostBreakdown after;
  std::vector<std::pair<std::string, double>> figures;  // ("moves", 1.2e6), ...
  std::string summary;                                  // one line
  bool placed_soft_macros = false;  // a hard-macro placer that also placed the soft macros
  bool kept = true;                 // false: the stage's result was discarded (not better)
  // A hard-macro placer that found several good placements: up to PlacerContext::candidates - 1
  // others besides the one it left in the evaluator, best first. The flow finishes them too.
  std::vector<std::shared_ptr<const ProxyCost>> alternatives;
};

struct PlacerContext {
  PlacerBudget budget;
  ProgressCallback progress;  // may be empty
  // The method's soft-macro placer, for hard-macro placers and refiners that re-place the soft
  // macros along the way (annealing every `soft_macro_period` accepted moves, coordinate descent
  // between passes). Empty when the method keeps the soft macros where they are.
  std::function<Status(ProxyCost*)> place_soft_macros;
  std::int64_t soft_macro_period = 0;
  // How many placements the flow will finish (FlowOptions::candidates): a hard-macro placer
  // that draws several may hand back the best candidates - 1 others (StageReport::alternatives).
  std::int32_t candidates = 1;
};

class Placer {
 public:
  virtual ~Placer() = default;
  virtual Status place(ProxyCost* cost, const PlacerContext& context, StageReport* report) = 0;
  // Placers with a cheaper way to draw many placements than running the whole method once per
  // sample (the policy's episodes) say so and implement sample(): the proxies of `samples`
  // independent placements from `start` (non-finite for failed ones), for best-of-k curves.
  virtual bool has_sampler() const { return false; }
  virtual Status sample(const ProxyCost& start, std::int64_t samples, const PlacerContext& context,
                        std::vector<double>* proxies);
};

struct PlacerOption {
  std::string name;      // "--chains"
  std::string argument;  // "N"; empty for a flag
  std::string help;
};
using PlacerParameters = std::map<std::string, std::string, std::less<>>;  // name -> value

struct PlacerInfo {
  std::string name;
  Stage stage = Stage::kHardMacros;
  std::string summary;
  std::vector<PlacerOption> options;
  // Soft-macro placers: how often (accepted annealing moves) a hard-macro placer may re-place the
  // soft macros with it; 0: never during annealing.
  std::int64_t soft_macro_period = 0;
  std::function<Status(const PlacerParameters&, std::unique_ptr<Placer>*)> create;
  std::string provider;  // without `create`: the executable that has it ("macroplace-rl")
};

// A method: one placer per stage, by name.
struct MethodInfo {
  std::string name, summary;
  std::string hard_macros, soft_macros = "keep", refine = "none";
  // "NAME:VALUE" names the method with this option set to VALUE ("rl:CKPT": --policy CKPT);
  // empty: the method takes no such argument.
  std::string argument_option;
};

class PlacerRegistry {
 public:
  // The process's registry, with the built-in placers and methods.
  static PlacerRegistry& global();

  // Adds or replaces (an implementation replaces its declaration) a placer or a method.
  void add(PlacerInfo placer);
  void add(MethodInfo method);

  const PlacerInfo* placer(Stage stage, std::string_view name) const;
  const MethodInfo* method(std::string_view name) const;
  const std::vector<PlacerInfo>& placers() const { return placers_; }
  const std::vector<MethodInfo>& methods() const { return methods_; }
  // Every placer's options, first declaration of a name wins, in registration order.
  std::vector<PlacerOption> options() const;
  // "sa, greedy, ..." and a help paragraph listing methods and stage placers.
  std::string method_names() const;
  std::string help() const;

 private:
  std::vector<PlacerInfo> placers_;
  std::vector<MethodInfo> methods_;
};

// Reads a parameter as a number / whole number within [low, high]; absent: `out` unchanged.
Status number_parameter(const PlacerParameters& parameters, std::string_view name, double low,
                        double high, double* out);
Status whole_parameter(const PlacerParameters& parameters, std::string_view name, std::int64_t low,
                       std::int64_t* out);

}  // namespace macroplace::placement
