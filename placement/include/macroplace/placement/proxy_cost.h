// ProxyCost: the exact proxy cost of PROXY_COST.md (wirelength, density, congestion), computed
// in full on a kernels backend and kept up to date incrementally as macros move.
//
// Contract: the evaluator copies the netlist's positions and orientations at construction and
// owns them from then on; the netlist must outlive it. move(), set_orientation(), swap() and
// set_placed() update all three costs by touching only the nets, grid cells and routing of what
// moved; costs() then takes the top-k averages (O(grid cells)). recompute() rebuilds everything
// from scratch (tests assert the two agree to 1e-9). Unplaced nodes contribute no area, no
// blockage and no terminals.
//
//   ProxyCost cost(netlist, settings_for(netlist, &plc.settings));
//   CostBreakdown before = cost.costs();
//   cost.move(macro, x, y);
//   double delta = cost.costs().proxy - before.proxy;
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/cost_settings.h"

namespace macroplace::placement {

using netlist::NodeId;
using netlist::Orientation;

struct CostBreakdown {
  double wirelength = 0;       // sum of weight x HPWL, um
  double wirelength_cost = 0;  // wirelength / ((W + H) x net_count)
  double density_cost = 0;     // 0.5 x mean of the top 10% cell densities
  double congestion_cost = 0;  // mean of the top 5% routing congestion values
  double proxy = 0;            // weighted sum with the settings' weights
};

class ProxyCost {
 public:
  ProxyCost(const netlist::Netlist& netlist, const CostSettings& settings,
            kernels::Backend backend = kernels::Backend::kCpu);
  ~ProxyCost();
  ProxyCost(const ProxyCost&) = delete;
  ProxyCost& operator=(const ProxyCost&) = delete;

  CostBreakdown costs() const;
  // Rebuilds every cached quantity from the current positions; returns costs().
  CostBreakdown recompute();

  // ---- edits (incremental) ----
  void move(NodeId node, double x, double y);
  void set_orientation(NodeId node, Orientation orientation);
  void swap(NodeId a, NodeId b);  // exchanges the two centres
  void set_placed(NodeId node, bool placed);
  // Moves many nodes at once (a placer's result) and recomputes everything: cheaper than one
  // incremental move per node when most of the design moves.
  void set_positions(const std::vector<NodeId>& nodes, const std::vector<double>& x,
                     const std::vector<double>& y);
  // An independent evaluator with the same netlist, settings, backend and current placement
  // (for parallel search chains).
  std::unique_ptr<ProxyCost> clone() const;
  // Takes another evaluator's placement of the same netlist (positions, orientations, placed
  // flags) and recomputes: how a search keeps the best of several candidates.
  void copy_placement(const ProxyCost& other);

  // ---- state ----
  double x(NodeId node) const { return x_[node]; }
  double y(NodeId node) const { return y_[node]; }
  Orientation orientation(NodeId node) const { return orientation_[node]; }
  bool placed(NodeId node) const { return placed_[node] != 0; }
  bool fixed(NodeId node) const { return netlist_.fixed(node); }  // placers must not move it
  const CostSettings& settings() const { return settings_; }
  const netlist::Netlist& netlist() const { return netlist_; }
  const kernels::GridGeometry& grid() const { return grid_; }
  const kernels::GridGeometry& congestion_grid() const { return congestion_grid_; }
  const char* backend_name() const { return kernels_->name(); }
  kernels::Backend backend() const { return backend_; }  // as asked for (may be kAuto)
  double net_count() const { return net_count_; }

  // Cell densities (area / cell area), row-major, row 0 at the bottom.
  std::vector<double> density_map() const;
  // Final H and V congestion (normalised, smoothed, plus macro blockage), row-major.
  void congestion_maps(std::vector<double>* horizontal, std::vector<double>* vertical) const;

 private:
  void update_terminals(NodeId node);
  void add_footprint(NodeId node, double sign);
  void add_net_route(std::int32_t net, double sign);
  double net_hpwl(std::int32_t net) const;
  template <typename Change>
  void around_node(NodeId node, Change&& change);
  template <typename Edit>
  void edit_node(NodeId node, Edit&& edit);

  const netlist::Netlist& netlist_;
  CostSettings settings_;
  kernels::Backend backend_;
  kernels::GridGeometry grid_, congestion_grid_;
  std::unique_ptr<kernels::CostKernels> kernels_;

  // Positions owned by the evaluator.
  std::vector<double> x_, y_;
  std::vector<Orientation> orientation_;
  std::vector<std::uint8_t> placed_;
  std::vector<double> terminal_x_, terminal_y_;  // where each node meets its nets
  std::vector<std::int32_t> terminal_cell_;      // its congestion-grid cell, row * cols + col
  std::vector<NodeId> terminal_owner_;           // the node that moves it (itself or its macro)
  bool all_placed_ = true;

  // Structure, built once.
  std::vector<std::int32_t> net_begin_, net_terminals_;
  std::vector<double> net_weight_;  // effective: a port driver counts 1
  double net_count_ = 0;
  std::vector<std::int32_t> nets_of_begin_, nets_of_;  // nets touching a node or its pins
  std::vector<std::int32_t> pins_of_begin_, pins_of_;  // pins of each macro

  // Incremental state.
  std::vector<double> hpwl_;
  double wirelength_ = 0;
  std::vector<double> cell_area_;
  std::vector<double> route_h_, route_v_;  // raw net routing demand on the congestion grid
  std::vector<double> macro_h_, macro_v_;  // raw hard-macro blockage on the congestion grid

  // Scratch.
  std::vector<std::int64_t> stamp_;  // per congestion cell: the last stamp_mark_ that saw it
  std::int64_t stamp_mark_ = 0;
  std::vector<kernels::Cell> cells_;
  mutable std::vector<double> scratch_, smooth_h_, smooth_v_, values_, final_h_, final_v_;
};

}  // namespace macroplace::placement
