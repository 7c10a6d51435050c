#include "macroplace/env/placement_env.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "design_cache.h"
#include "macro_completion.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/placement_file.h"

namespace macroplace::env {

namespace {

placement::CostBreakdown not_computed() {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  return {kNan, kNan, kNan, kNan, kNan};
}

// Writes a rows x cols grid of values into the padded side x side square.
template <typename Value>
void write_padded(const ActionSpace& space, Value value, float* out) {
  for (std::int32_t r = 0; r < space.rows; ++r) {
    float* row = out + static_cast<std::size_t>(r + space.up_pad) * space.side + space.right_pad;
    for (std::int32_t c = 0; c < space.cols; ++c) row[c] = static_cast<float>(value(r, c));
  }
}

}  // namespace

PlacementEnv::PlacementEnv(std::shared_ptr<const EnvDesign> design)
    : design_(std::move(design)), cache_(*design_->cache) {
  cost_ = std::make_unique<placement::ProxyCost>(*design_->netlist, design_->settings,
                                                 design_->options.backend);
  observation_ = cache_.initial;
  info_.costs = not_computed();
}

PlacementEnv::~PlacementEnv() = default;

NodeId PlacementEnv::current_macro() const {
  return done_ ? netlist::kNoNode : order_[next_];
}

bool PlacementEnv::legal(std::int32_t action) const {
  std::int32_t row = 0, col = 0;
  if (done_ || !design_->action_space.cell_of(action, &row, &col)) return false;
  return grid_mask_[static_cast<std::size_t>(row) * design_->action_space.cols + col] != 0;
}

const Observation& PlacementEnv::reset(std::uint64_t seed) {
  const EnvOptions& options = design_->options;
  order_ = options.order == MacroOrder::kRandom
               ? macro_order(*design_->netlist, design_->graph, MacroOrder::kRandom, seed)
               : design_->order;
  // Back to the start in one bulk update while every macro is still placed (the fast full
  // evaluation), then the movable hard macros off the canvas one by one (incremental).
  cost_->set_positions(cache_.reset_nodes, cache_.reset_x, cache_.reset_y);
  for (const NodeId node : cache_.movable_macros) cost_->set_placed(node, false);
  for (const NodeId node : cache_.reset_nodes) {
    const std::size_t offset =
        static_cast<std::size_t>(design_->graph.node_of[node]) * kNodeFeatures;
    std::copy_n(cache_.initial.node_features.begin() + static_cast<std::ptrdiff_t>(offset),
                kNodeFeatures,
                observation_.node_features.begin() + static_cast<std::ptrdiff_t>(offset));
  }
  obstacles_ = cache_.fixed_obstacles;
  next_ = 0;
  done_ = false;
  potential_ = 0;
  info_ = StepInfo();
  info_.costs = not_computed();
  prepare_current_macro();  // never empty: make_env_design() checked every macro fits
  update_spatial_features();
  return observation_;
}

StepResult PlacementEnv::step(std::int32_t action) {
  if (done_) throw std::logic_error("PlacementEnv::step() after the end of the episode");
  if (!legal(action)) {
    throw std::invalid_argument("PlacementEnv::step(): action " + std::to_string(action) +
                                " is masked for macro '" +
                                std::string(design_->netlist->name(order_[next_])) + "'");
  }
  const ActionSpace& space = design_->action_space;
  std::int32_t row = 0, col = 0;
  space.cell_of(action, &row, &col);
  place_macro(order_[next_], cache_.rules.cell_x[col], cache_.rules.cell_y[row]);
  ++next_;
  info_.placed_macros = next_;

  StepResult result;
  result.observation = &observation_;
  if (next_ == static_cast<std::int32_t>(order_.size())) {
    finish(false, &result);
    return result;
  }
  prepare_current_macro();
  if (legal_cells_ == 0) {
    finish(true, &result);
    return result;
  }
  update_spatial_features();
  if (design_->options.reward == RewardMode::kDense) {
    info_.costs = cost_->costs();
    const double potential = -info_.costs.proxy;
    result.reward = potential - potential_;
    potential_ = potential;
  }
  result.info = info_;
  return result;
}

void PlacementEnv::place_macro(NodeId macro, double x, double y) {
  cost_->move(macro, x, y);  // cheap while unplaced: only the position changes
  cost_->set_placed(macro, true);
  obstacles_.push_back(internal::footprint_at(*design_->netlist, macro, x, y));
  write_node_position(macro);
}

void PlacementEnv::write_node_position(NodeId node) {
  float* f =
      &observation_
           .node_features[static_cast<std::size_t>(design_->graph.node_of[node]) * kNodeFeatures];
  f[kFeatureX] = static_cast<float>(cost_->x(node) * cache_.length_scale);
  f[kFeatureY] = static_cast<float>(cost_->y(node) * cache_.length_scale);
  f[kFeaturePlaced] = cost_->placed(node) ? 1.0F : 0.0F;
}

void PlacementEnv::prepare_current_macro() {
  const netlist::Netlist& netlist = *design_->netlist;
  const NodeId macro = order_[next_];
  legal_cells_ = internal::compute_grid_mask(cache_.rules, netlist.placed_width(macro),
                                             netlist.placed_height(macro), obstacles_,
                                             cache_.blockages, &grid_mask_);
  observation_.current_node = design_->graph.node_of[macro];
  const ActionSpace& space = design_->action_space;
  for (std::int32_t r = 0; r < space.rows; ++r) {
    std::copy_n(grid_mask_.begin() + static_cast<std::ptrdiff_t>(r) * space.cols, space.cols,
                observation_.mask.begin() +
                    static_cast<std::ptrdiff_t>(r + space.up_pad) * space.side + space.right_pad);
  }
}

void PlacementEnv::finish(bool infeasible, StepResult* result) {
  const EnvOptions& options = design_->options;
  const netlist::Netlist& netlist = *design_->netlist;
  info_.infeasible = infeasible;
  if (infeasible && options.infeasible == InfeasiblePolicy::kComplete) {
    const placement::CostSettings& settings = design_->settings;
    for (std::size_t k = static_cast<std::size_t>(next_); k < order_.size(); ++k) {
      const NodeId macro = order_[k];
      double x = 0, y = 0;
      if (internal::nearest_free_centre(netlist.placed_width(macro), netlist.placed_height(macro),
                                        netlist.x(macro), netlist.y(macro), obstacles_,
                                        cache_.blockages, settings.canvas_width,
                                        settings.canvas_height, cache_.rules.spacing, &x, &y)) {
        place_macro(macro, x, y);
        ++info_.completed_macros;
      }
    }
  }
  info_.unplaced_macros = static_cast<std::int32_t>(std::count_if(
      order_.begin() + next_, order_.end(), [&](NodeId macro) { return !cost_->placed(macro); }));
  double terminal = 0;
  if (info_.unplaced_macros > 0) {
    info_.costs = cost_->costs();
    terminal = -options.infeasible_penalty;
  } else {
    place_soft_macros();
    info_.costs = cost_->costs();
    terminal = -info_.costs.proxy;
  }
  result->reward = options.reward == RewardMode::kDense ? terminal - potential_ : terminal;
  potential_ = terminal;
  result->done = done_ = true;

  // The final observation: nothing left to place.
  std::fill(grid_mask_.begin(), grid_mask_.end(), 0);
  legal_cells_ = 0;
  observation_.current_node = 0;
  const ActionSpace& space = design_->action_space;
  for (std::int32_t r = 0; r < space.rows; ++r) {
    std::fill_n(observation_.mask.begin() +
                    static_cast<std::ptrdiff_t>(r + space.up_pad) * space.side + space.right_pad,
                space.cols, 0);
  }
  update_spatial_features();
  result->info = info_;
}

void PlacementEnv::place_soft_macros() {
  const EnvOptions& options = design_->options;
  const auto start = std::chrono::steady_clock::now();
  switch (options.soft_macro_placer) {
    case SoftMacroPlacer::kForceDirected:
      placement::place_soft_macros(cost_.get(), options.force_directed);
      break;
    case SoftMacroPlacer::kAnalytical: {
      const placement::AnalyticalResult placed =
          placement::place_soft_macros_analytical(cost_.get(), options.analytical);
      if (!placed.status.ok()) {
        throw std::runtime_error("analytical soft-macro placement failed: " +
                                 placed.status.message());
      }
      break;
    }
    case SoftMacroPlacer::kKeep: break;
  }
  info_.soft_macro_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const NodeId node : cache_.soft_macros) write_node_position(node);
}

void PlacementEnv::update_spatial_features() {
  const ObservationConfig& config = design_->options.observation;
  const ActionSpace& space = design_->action_space;
  if (config.wire_mask) {
    if (done_) {
      write_padded(
          space, [](std::int32_t, std::int32_t) { return 0.0; }, observation_.wire_mask.data());
    } else {
      cache_.wire->gains(*cost_, order_[next_], cache_.rules.cell_x, cache_.rules.cell_y,
                         &scratch_a_, &scratch_b_);
      const auto [low_col, high_col] = std::minmax_element(scratch_a_.begin(), scratch_a_.end());
      const auto [low_row, high_row] = std::minmax_element(scratch_b_.begin(), scratch_b_.end());
      const double low = *low_col + *low_row, range = (*high_col + *high_row) - low;
      const bool normalise = config.normalize_wire_mask;
      write_padded(
          space,
          [&](std::int32_t r, std::int32_t c) {
            const double gain = scratch_a_[c] + scratch_b_[r];
            if (!normalise) return gain;
            return range > 0 ? (gain - low) / range : 0.0;
          },
          observation_.wire_mask.data());
    }
  }
  if (config.density) {
    const std::vector<double> density = cost_->density_map();
    write_padded(
        space, [&](std::int32_t r, std::int32_t c) { return density[r * space.cols + c]; },
        observation_.density.data());
  }
  if (config.congestion) {
    cost_->congestion_maps(&scratch_a_, &scratch_b_);
    const kernels::GridGeometry& grid = cost_->congestion_grid();
    write_padded(
        space,
        [&](std::int32_t r, std::int32_t c) {
          // The congestion grid is the placement grid unless a separate one was asked for; then
          // each placement cell reads the congestion cell under its centre.
          const std::int32_t cell = kernels::row_of(grid, cache_.rules.cell_y[r]) * grid.cols +
                                    kernels::column_of(grid, cache_.rules.cell_x[c]);
          return std::max(scratch_a_[cell], scratch_b_[cell]);
        },
        observation_.congestion.data());
  }
}

Status PlacementEnv::write_plc(const std::string& path) const {
  netlist::PlacementSettings header = placement::header_for(design_->settings);
  header.block = design_->netlist->block_name;
  return placement::write_placement(*cost_, header, "macroplace env episode", path);
}

}  // namespace macroplace::env
