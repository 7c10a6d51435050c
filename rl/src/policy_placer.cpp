// Placing a design with a trained policy: greedy or best-of-K sampled episodes, then coordinate
// descent, then the .plc.
#include "macroplace/rl/policy_placer.h"

#include <chrono>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/coordinate_descent.h"
#include "macroplace/placement/force_directed.h"
#include "macroplace/placement/legality.h"
#include "macroplace/rl/torch_policy.h"
#include "macroplace/rl/trainer.h"
#include "observation_inputs.h"

namespace macroplace::rl {

Status place_with_policy(const std::string& netlist_path, const std::string& plc_path,
                         const std::string& output_plc, const PolicyPlacerOptions& options,
                         PolicyPlacerResult* result) {
  if (Status s = options.validate(); !s.ok()) return s;
  const auto start = std::chrono::steady_clock::now();
  at::set_num_threads(options.torch_threads);
  PolicyOptions policy;
  PolicyNetwork network{nullptr};
  PolicyPlacerResult out;
  if (options.finetune_minutes > 0) {
    // PPO on this design from the checkpoint's weights, in a private temporary run folder.
    std::error_code error;
    const std::filesystem::path run_dir =
        std::filesystem::temp_directory_path(error) /
        ("macroplace-finetune-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    if (error) return Status::error("no temporary folder for fine-tuning: " + error.message());
    TrainerOptions tuning;
    tuning.netlist_path = netlist_path;
    tuning.plc_path = plc_path;
    tuning.run_dir = run_dir.string();
    tuning.initial_checkpoint = options.checkpoint;
    tuning.env = options.env;
    tuning.episodes_per_iteration = options.finetune_episodes;
    tuning.threads = tuning.torch_threads = options.torch_threads;
    tuning.seed = options.seed;
    tuning.greedy_evaluation = false;
    tuning.iterations = std::numeric_limits<std::int32_t>::max();
    tuning.time_limit_seconds = 60 * options.finetune_minutes;  // at least one iteration
    Status status = [&]() -> Status {
      std::unique_ptr<Trainer> trainer;
      if (Status s = Trainer::create(tuning, &trainer); !s.ok()) return s;
      if (Status s = train(*trainer, nullptr); !s.ok()) return s;
      out.finetune_iterations = trainer->iteration();
      return internal::load_policy((run_dir / "checkpoint.pt").string(), &policy, &network);
    }();
    std::filesystem::remove_all(run_dir, error);  // best effort
    if (!status.ok()) return status;
  } else if (Status s = internal::load_policy(options.checkpoint, &policy, &network); !s.ok()) {
    return s;
  }
  network->eval();
  env::EnvOptions env_options = options.env;
  if (policy.spatial_features) {
    env_options.observation.wire_mask = env_options.observation.density = true;
  }
  std::shared_ptr<const env::EnvDesign> design;
  if (Status s = env::load_env_design(netlist_path, plc_path, env_options, &design); !s.ok()) {
    return s;
  }
  if (policy.action_side != design->action_space.side) {
    return Status::error("the policy's action side differs from the design's action space");
  }
  const GraphTensors graph = make_graph_tensors(design->graph);

  env::PlacementEnv env(design);
  std::unique_ptr<placement::ProxyCost> best;
  double best_proxy = std::numeric_limits<double>::infinity();
  std::mt19937_64 random(options.seed);
  std::vector<std::int32_t> actions;
  for (std::int32_t episode = 0; episode <= options.samples; ++episode) {
    internal::run_policy_episode(network, graph, &env, episode == 0 ? nullptr : &random, &actions);
    ++out.episodes;
    if (env.info().infeasible) {
      ++out.infeasible_episodes;
      if (episode > 0) out.sample_proxies.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    const placement::CostBreakdown costs = env.info().costs;
    if (episode > 0) out.sample_proxies.push_back(costs.proxy);
    if (costs.proxy < best_proxy) {
      best_proxy = costs.proxy;
      best = env.cost().clone();
      out.policy_costs = costs;
      out.actions = actions;
      out.greedy_was_best = episode == 0;
    }
  }
  if (!best) {
    return Status::error("every policy episode ran out of legal cells (infeasible)");
  }
  if (options.refine) {
    placement::CoordinateDescentOptions descent;
    descent.spacing = env_options.spacing;
    const placement::ForceDirectedOptions force_directed = env_options.force_directed;
    descent.replace_soft_macros = [force_directed](placement::ProxyCost* cost) {
      placement::place_soft_macros(cost, force_directed);
    };
    placement::refine_macros(best.get(), descent);
  }
  if (options.analytical_soft_macros) {
    std::unique_ptr<placement::ProxyCost> analytical = best->clone();
    placement::AnalyticalOptions soft;
    soft.seed = options.seed;
    const placement::AnalyticalResult placed_softly =
        placement::place_soft_macros_analytical(analytical.get(), soft);
    if (placed_softly.status.ok() && analytical->costs().proxy < best->costs().proxy) {
      best = std::move(analytical);
      out.analytical_soft_macros_kept = true;
    }
  }
  out.final_costs = best->costs();
  out.legal = placement::check_legality(*best).legal();

  netlist::Netlist placed = *design->netlist;
  for (netlist::NodeId node = 0; node < placed.num_nodes(); ++node) {
    if (netlist::is_pin(placed.kind(node))) continue;
    placed.set_position(node, best->x(node), best->y(node));
    placed.set_orientation(node, best->orientation(node));
  }
  const placement::CostSettings& settings = design->settings;
  netlist::PlacementSettings header;
  header.width = settings.canvas_width;
  header.height = settings.canvas_height;
  header.columns = settings.columns;
  header.rows = settings.rows;
  header.routes_per_micron_horizontal = settings.routes_per_micron_horizontal;
  header.routes_per_micron_vertical = settings.routes_per_micron_vertical;
  header.macro_routes_horizontal = settings.macro_routes_horizontal;
  header.macro_routes_vertical = settings.macro_routes_vertical;
  header.smoothing_range = settings.smoothing_range;
  header.overlap_threshold = settings.overlap_threshold;
  header.blockages = settings.blockages;
  header.block = placed.block_name;
  if (Status s = netlist::write_plc(placed, header, "macroplace place --method rl", output_plc);
      !s.ok()) {
    return s;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  *result = out;
  return {};
}

}  // namespace macroplace::rl
