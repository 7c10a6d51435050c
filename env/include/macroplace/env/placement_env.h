// PlacementEnv: the macro placement episode of Circuit Training (RL_REFERENCE.md, Environment):
// the movable hard macros are placed one per step on grid cells, then the soft macros are placed
// by a soft-macro placer and the episode returns -proxy cost. A plain C++ API (no tensors, no
// LibTorch), so that an RL library in any language can wrap it.
//
// Contract:
// - make_env_design() checks the options and settings and builds, once per design, what every
//   environment on it shares read-only (graph, macro order, action space). It fails, naming the
//   reason, when the grid does not fit the action space, the graph exceeds the observation's
//   node or edge budget, there is no movable hard macro, or a movable macro has no legal cell
//   even on an empty canvas.
// - reset(seed) unplaces every movable hard macro, puts the soft macros back where the input
//   placement has them (or at the canvas centre), draws the macro order (only kRandom uses the
//   seed) and returns the first observation. The same seed gives the same episode, bit for bit.
// - step(action) places the current macro with its centre at the action's cell centre. The
//   action must be legal (mask 1): a masked action, or a step after the end, is a caller bug
//   and throws std::invalid_argument / std::logic_error. The mask of the next macro allows a
//   cell when its footprint there keeps `spacing` (0.1 um) from every placed hard macro in x or
//   in y, does not overlap a blockage (positive area) and, with keep_inside_canvas, lies inside
//   the canvas: an allowed action never creates an overlap placement::check_legality reports.
// - The episode ends after the last macro, or earlier when the next macro has no legal cell
//   (infeasible): kPenalty ends it with reward -infeasible_penalty (CT's -4.0 by default);
//   kComplete places the remaining macros at the legal centres nearest their initial positions
//   (off the grid if need be; placed macros stay put, which placement::legalize_macros, moving
//   every non-fixed macro, would not promise) and scores normally, falling back to the penalty
//   if one does not fit anywhere.
// - At the end the soft macros are placed (force-directed by default) and the terminal value is
//   -proxy with options.weights (the settings' weights are replaced by them). Rewards: kTerminal
//   gives 0 until the last step, then the terminal value; kDense gives phi_t - phi_(t-1) with
//   phi = -proxy of the current partial placement (unplaced macros contribute nothing, phi = 0
//   before the first step) and phi = the terminal value at the end, so rewards sum to it.
//
//   std::shared_ptr<const EnvDesign> design;
//   if (Status s = load_env_design("netlist.pb.txt.gz", "initial.plc", EnvOptions{}, &design);
//       !s.ok()) ...
//   PlacementEnv env(design);
//   const Observation* obs = &env.reset(/*seed=*/1);
//   for (bool done = false; !done;) { StepResult r = env.step(policy(*obs)); done = r.done; }
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/env/action_space.h"
#include "macroplace/env/design_graph.h"
#include "macroplace/env/macro_order.h"
#include "macroplace/env/observation.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/force_directed.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::env {

enum class RewardMode { kTerminal, kDense };
enum class SoftMacroPlacer { kForceDirected, kAnalytical, kKeep };
enum class InfeasiblePolicy { kPenalty, kComplete };
// Where soft macros start an episode (and stay during it, until the soft-macro placer runs).
enum class SoftMacroStart { kAsGiven, kCanvasCentre };
// The x, y an unplaced hard macro shows in the observation.
enum class UnplacedLocation { kInitial, kCanvasCentre };

struct EnvOptions {
  MacroOrder order = MacroOrder::kDescendingArea;
  ObservationConfig observation;
  // Proxy weights of the reward: published 1 / 0.5 / 0.5 by default; CT's environment uses
  // CostWeights::circuit_training() (1 / 1 / 0.5).
  placement::CostWeights weights = placement::CostWeights::published();
  RewardMode reward = RewardMode::kTerminal;
  double spacing = 0.1;            // um between hard macros, in x or in y
  bool keep_inside_canvas = true;  // CT lets macros hang over the edge (false)
  bool avoid_blockages = true;     // every blockage, whatever its rate
  SoftMacroStart soft_macro_start = SoftMacroStart::kAsGiven;
  SoftMacroPlacer soft_macro_placer = SoftMacroPlacer::kForceDirected;
  placement::ForceDirectedOptions force_directed;
  placement::AnalyticalOptions analytical;
  InfeasiblePolicy infeasible = InfeasiblePolicy::kPenalty;
  double infeasible_penalty = 4.0;  // reward -4.0, CT's value
  UnplacedLocation unplaced_location = UnplacedLocation::kInitial;
  // CT's extractor reports the horizontal macro routing allocation for the vertical one too;
  // true reproduces that (metadata kMetaVerticalMacroRoutes).
  bool ct_macro_allocation_quirk = false;
  kernels::Backend backend = kernels::Backend::kCpu;

  Status validate() const;
};

namespace internal {
struct DesignCache;
}

// What the environments of one design share; immutable once built by make_env_design().
struct EnvDesign {
  std::shared_ptr<const netlist::Netlist> netlist;
  placement::CostSettings settings;  // weights = options.weights
  EnvOptions options;
  ActionSpace action_space;
  DesignGraph graph;
  std::vector<NodeId> order;  // the macro order of every episode (kRandom: of seed 0)
  std::shared_ptr<const internal::DesignCache> cache;

  std::int32_t num_steps() const { return static_cast<std::int32_t>(order.size()); }
};

Status make_env_design(const std::shared_ptr<const netlist::Netlist>& netlist,
                       const placement::CostSettings& settings, const EnvOptions& options,
                       std::shared_ptr<const EnvDesign>* out);
// Reads a design with placement::load_design() (the placement file when `plc_path` is not
// empty) and builds the environment's design from it.
Status load_env_design(const std::string& netlist_path, const std::string& plc_path,
                       const EnvOptions& options, std::shared_ptr<const EnvDesign>* out);

struct StepInfo {
  // Costs of the current placement: filled at the end of the episode (the final placement; the
  // partial one after a penalty) and, with dense rewards, at every step; NaN otherwise.
  placement::CostBreakdown costs;
  std::int32_t placed_macros = 0;     // by the agent's actions so far
  bool infeasible = false;            // a macro found no legal cell
  std::int32_t completed_macros = 0;  // placed by kComplete
  std::int32_t unplaced_macros = 0;   // left unplaced at the end (the penalty applied)
  double soft_macro_seconds = 0;      // time of the soft-macro placer at the end
};

struct StepResult {
  const Observation* observation = nullptr;  // the environment's; valid until the next call
  double reward = 0;
  bool done = false;
  StepInfo info;
};

class PlacementEnv {
 public:
  explicit PlacementEnv(std::shared_ptr<const EnvDesign> design);
  ~PlacementEnv();
  PlacementEnv(const PlacementEnv&) = delete;
  PlacementEnv& operator=(const PlacementEnv&) = delete;

  const Observation& reset(std::uint64_t seed);
  StepResult step(std::int32_t action);

  bool done() const { return done_; }
  bool legal(std::int32_t action) const;
  std::int32_t legal_action_count() const { return legal_cells_; }
  const Observation& observation() const { return observation_; }
  const StepInfo& info() const { return info_; }
  // This episode's macro order and how far it has gone; current_macro() is kNoNode at the end.
  const std::vector<NodeId>& order() const { return order_; }
  std::int32_t steps_taken() const { return next_; }
  NodeId current_macro() const;
  // The placement so far (positions, placed flags, costs).
  const placement::ProxyCost& cost() const { return *cost_; }
  const EnvDesign& design() const { return *design_; }

  // Writes the current placement as a .plc (atomically) with the settings in its header, so
  // `macroplace cost NETLIST --plc FILE` reads back the same costs. Meant for a finished episode:
  // macros not placed yet are written at their initial positions.
  Status write_plc(const std::string& path) const;

 private:
  void prepare_current_macro();
  void finish(bool infeasible, StepResult* result);
  void place_macro(NodeId macro, double x, double y);
  void place_soft_macros();
  void update_spatial_features();
  void write_node_position(NodeId node);

  std::shared_ptr<const EnvDesign> design_;
  const internal::DesignCache& cache_;
  std::unique_ptr<placement::ProxyCost> cost_;
  std::vector<NodeId> order_;
  std::int32_t next_ = 0;
  bool done_ = true;
  double potential_ = 0;  // -proxy of the partial placement after the last step (dense rewards)
  StepInfo info_;
  Observation observation_;
  // Per-episode state: placed hard-macro footprints, the current macro's grid mask.
  std::vector<netlist::Rect> obstacles_;  // footprints of the placed hard macros
  std::vector<std::uint8_t> grid_mask_;
  std::int32_t legal_cells_ = 0;
  std::vector<double> scratch_a_, scratch_b_;
};

}  // namespace macroplace::env
