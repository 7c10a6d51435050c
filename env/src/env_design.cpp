// make_env_design(): options checks and the per-design precomputation shared by environments.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "design_cache.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/netlist/design.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/design_loader.h"

namespace macroplace::env {

namespace {

using netlist::NodeKind;

void fill_metadata(const EnvDesign& design, Observation* observation) {
  const placement::CostSettings& s = design.settings;
  const ObservationConfig& config = design.options.observation;
  const DesignGraph& graph = design.graph;
  const double width = s.canvas_width, height = s.canvas_height;
  const double max_nodes = config.max_nodes;
  float* meta = observation->metadata.data();
  meta[kMetaEdges] = static_cast<float>(graph.total_edge_count() / config.max_edges);
  meta[kMetaHardMacros] = static_cast<float>(graph.num_hard_macros / max_nodes);
  meta[kMetaSoftMacros] = static_cast<float>(graph.num_soft_macros / max_nodes);
  meta[kMetaPortClusters] = static_cast<float>(graph.num_port_clusters() / max_nodes);
  // Horizontal tracks stack over the height, vertical ones over the width.
  meta[kMetaHorizontalRoutes] = static_cast<float>(s.routes_per_micron_horizontal * height / 1000);
  meta[kMetaVerticalRoutes] = static_cast<float>(s.routes_per_micron_vertical * width / 1000);
  meta[kMetaHorizontalMacroRoutes] = static_cast<float>(s.macro_routes_horizontal * height / 1000);
  meta[kMetaVerticalMacroRoutes] = static_cast<float>((design.options.ct_macro_allocation_quirk
                                                           ? s.macro_routes_horizontal * height
                                                           : s.macro_routes_vertical * width) /
                                                      1000);
  meta[kMetaColumns] = static_cast<float>(static_cast<double>(s.columns) / config.side);
  meta[kMetaRows] = static_cast<float>(static_cast<double>(s.rows) / config.side);
  meta[kMetaWidth] = static_cast<float>(width / (width + height));
  meta[kMetaHeight] = static_cast<float>(height / (width + height));
}

void fill_graph(const DesignGraph& graph, Observation* observation) {
  observation->num_nodes = graph.num_nodes();
  observation->num_edges = graph.num_edges();
  for (std::int32_t e = 0; e < graph.num_edges(); ++e) {
    observation->edge_src[e] = graph.edge_src[e];
    observation->edge_dst[e] = graph.edge_dst[e];
    observation->edge_weight[e] = static_cast<float>(graph.edge_weight[e]);
  }
}

// Node features at reset: every movable hard macro unplaced, everything else where it starts.
void fill_initial_nodes(const EnvDesign& design, const internal::DesignCache& cache,
                        Observation* observation) {
  const netlist::Netlist& netlist = *design.netlist;
  const DesignGraph& graph = design.graph;
  const double scale = cache.length_scale;
  const auto set = [&](std::int32_t node, double x, double y, double w, double h, int type,
                       bool placed) {
    float* f = &observation->node_features[static_cast<std::size_t>(node) * kNodeFeatures];
    f[kFeatureX] = static_cast<float>(x * scale);
    f[kFeatureY] = static_cast<float>(y * scale);
    f[kFeatureWidth] = static_cast<float>(w * scale);
    f[kFeatureHeight] = static_cast<float>(h * scale);
    f[kFeatureType] = static_cast<float>(type);
    f[kFeaturePlaced] = placed ? 1.0F : 0.0F;
  };
  const double centre_x = design.settings.canvas_width / 2;
  const double centre_y = design.settings.canvas_height / 2;
  for (std::int32_t v = 0; v < graph.num_macros(); ++v) {
    const NodeId node = graph.macro_nodes[v];
    if (netlist.kind(node) == NodeKind::kSoftMacro) continue;  // below, at their start
    const bool movable = !netlist.fixed(node);
    const bool at_centre =
        movable && design.options.unplaced_location == UnplacedLocation::kCanvasCentre;
    set(v, at_centre ? centre_x : netlist.x(node), at_centre ? centre_y : netlist.y(node),
        netlist.placed_width(node), netlist.placed_height(node), kHardMacroNode, !movable);
  }
  for (std::size_t k = 0; k < cache.soft_macros.size(); ++k) {
    const std::int32_t v = graph.node_of[cache.soft_macros[k]];
    set(v, cache.soft_start_x[k], cache.soft_start_y[k], 0, 0, kSoftMacroNode, true);
  }
  for (std::int32_t k = 0; k < graph.num_port_clusters(); ++k) {
    set(graph.num_macros() + k, graph.port_cluster_x[k], graph.port_cluster_y[k], 0, 0,
        kPortClusterNode, true);
  }
}

}  // namespace

Status EnvOptions::validate() const {
  if (Status status = observation.validate(); !status.ok()) return status;
  if (!std::isfinite(spacing) || spacing < 0) {
    return Status::error("spacing must be finite and non-negative");
  }
  if (!std::isfinite(infeasible_penalty)) return Status::error("infeasible_penalty must be finite");
  if (!std::isfinite(weights.wirelength) || !std::isfinite(weights.density) ||
      !std::isfinite(weights.congestion)) {
    return Status::error("cost weights must be finite");
  }
  if (soft_macro_placer == SoftMacroPlacer::kForceDirected) {
    if (Status status = force_directed.validate(); !status.ok()) return status;
  }
  if (soft_macro_placer == SoftMacroPlacer::kAnalytical) {
    if (Status status = analytical.validate(); !status.ok()) return status;
  }
  return Status();
}

Status make_env_design(const std::shared_ptr<const netlist::Netlist>& netlist,
                       const placement::CostSettings& settings, const EnvOptions& options,
                       std::shared_ptr<const EnvDesign>* out) {
  if (netlist == nullptr) return Status::error("no netlist");
  if (Status status = options.validate(); !status.ok()) return status;
  if (Status status = settings.validate(); !status.ok()) return status;
  const ObservationConfig& config = options.observation;
  if (settings.columns > config.side || settings.rows > config.side) {
    return Status::error("the " + std::to_string(settings.columns) + " x " +
                         std::to_string(settings.rows) + " grid does not fit the " +
                         std::to_string(config.side) + " x " + std::to_string(config.side) +
                         " action space");
  }
  auto design = std::make_shared<EnvDesign>();
  auto cache = std::make_shared<internal::DesignCache>();
  design->netlist = netlist;
  design->settings = settings;
  design->settings.weights = options.weights;
  design->options = options;
  design->action_space = ActionSpace::make(settings.rows, settings.columns, config.side);
  design->graph = build_design_graph(*netlist, settings);
  const DesignGraph& graph = design->graph;
  if (graph.num_nodes() > config.max_nodes) {
    return Status::error("the design graph has " + std::to_string(graph.num_nodes()) +
                         " nodes, more than max_nodes = " + std::to_string(config.max_nodes));
  }
  if (graph.num_edges() > config.max_edges) {
    return Status::error("the design graph has " + std::to_string(graph.num_edges()) +
                         " edges, more than max_edges = " + std::to_string(config.max_edges));
  }
  design->order = macro_order(*netlist, graph, options.order, 0);
  if (design->order.empty()) return Status::error("the design has no movable hard macro");

  // Mask geometry: cell centres as the environment places macros there.
  internal::MaskRules& rules = cache->rules;
  const double cell_width = settings.canvas_width / settings.columns;
  const double cell_height = settings.canvas_height / settings.rows;
  rules.cell_x.reserve(static_cast<std::size_t>(settings.columns));
  for (std::int32_t c = 0; c < settings.columns; ++c)
    rules.cell_x.push_back((c + 0.5) * cell_width);
  rules.cell_y.reserve(static_cast<std::size_t>(settings.rows));
  for (std::int32_t r = 0; r < settings.rows; ++r) rules.cell_y.push_back((r + 0.5) * cell_height);
  rules.canvas_width = settings.canvas_width;
  rules.canvas_height = settings.canvas_height;
  // The design's macro spacing (a floorplan's halos) is a floor under the environment's own.
  rules.spacing = std::max(options.spacing, settings.macro_spacing);
  rules.keep_inside_canvas = options.keep_inside_canvas;
  if (options.avoid_blockages) {
    for (const netlist::Blockage& blockage : settings.blockages) {
      cache->blockages.push_back(blockage.rect);
    }
  }
  const double centre_x = settings.canvas_width / 2, centre_y = settings.canvas_height / 2;
  for (NodeId node = 0; node < netlist->num_nodes(); ++node) {
    const NodeKind kind = netlist->kind(node);
    if (kind == NodeKind::kHardMacro && netlist->fixed(node)) {
      cache->fixed_obstacles.push_back(
          internal::footprint_at(*netlist, node, netlist->x(node), netlist->y(node)));
    } else if (kind == NodeKind::kHardMacro) {
      cache->movable_macros.push_back(node);
    } else if (kind == NodeKind::kSoftMacro) {
      const bool centre =
          options.soft_macro_start == SoftMacroStart::kCanvasCentre && !netlist->fixed(node);
      cache->soft_macros.push_back(node);
      cache->soft_start_x.push_back(centre ? centre_x : netlist->x(node));
      cache->soft_start_y.push_back(centre ? centre_y : netlist->y(node));
    }
  }
  for (const NodeId node : cache->movable_macros) {
    cache->reset_nodes.push_back(node);
    cache->reset_x.push_back(netlist->x(node));
    cache->reset_y.push_back(netlist->y(node));
  }
  cache->reset_nodes.insert(cache->reset_nodes.end(), cache->soft_macros.begin(),
                            cache->soft_macros.end());
  cache->reset_x.insert(cache->reset_x.end(), cache->soft_start_x.begin(),
                        cache->soft_start_x.end());
  cache->reset_y.insert(cache->reset_y.end(), cache->soft_start_y.begin(),
                        cache->soft_start_y.end());
  // Every movable macro must fit somewhere next to the fixed ones, or no episode could finish.
  std::vector<std::uint8_t> mask;
  for (const NodeId node : cache->movable_macros) {
    if (internal::compute_grid_mask(rules, netlist->placed_width(node),
                                    netlist->placed_height(node), cache->fixed_obstacles,
                                    cache->blockages, &mask) == 0) {
      return Status::error("hard macro '" + std::string(netlist->name(node)) +
                           "' has no legal grid cell even on an empty canvas");
    }
  }
  if (config.wire_mask) cache->wire = std::make_unique<internal::WireMaskModel>(*netlist);

  cache->length_scale = static_cast<float>(1.0 / (settings.canvas_width + settings.canvas_height));
  cache->initial.allocate(config);
  fill_metadata(*design, &cache->initial);
  fill_graph(graph, &cache->initial);
  fill_initial_nodes(*design, *cache, &cache->initial);
  design->cache = std::move(cache);
  *out = std::move(design);
  return Status();
}

Status load_env_design(const std::string& netlist_path, const std::string& plc_path,
                       const EnvOptions& options, std::shared_ptr<const EnvDesign>* out) {
  placement::LoadedDesign loaded;
  if (Status status = placement::load_design({netlist_path, plc_path, false}, &loaded);
      !status.ok()) {
    return status;
  }
  auto netlist = std::make_shared<netlist::Netlist>(std::move(loaded.netlist));
  return make_env_design(std::move(netlist), loaded.settings, options, out);
}

}  // namespace macroplace::env
