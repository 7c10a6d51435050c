#include "macroplace/placement/proxy_cost.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

namespace macroplace::placement {

namespace {

using kernels::GridAccumulator;
using kernels::GridGeometry;
using netlist::NodeKind;

bool has_area(NodeKind kind) {
  return kind == NodeKind::kHardMacro || kind == NodeKind::kSoftMacro || kind == NodeKind::kStdCell;
}

// Builds CSR `begin`/`items` from (key, item) pairs already grouped by nothing in particular.
void build_csr(std::size_t keys, const std::vector<std::pair<std::int32_t, std::int32_t>>& pairs,
               std::vector<std::int32_t>* begin, std::vector<std::int32_t>* items) {
  begin->assign(keys + 1, 0);
  for (const auto& [key, item] : pairs) ++(*begin)[key + 1];
  for (std::size_t i = 1; i <= keys; ++i) (*begin)[i] += (*begin)[i - 1];
  items->assign(pairs.size(), 0);
  std::vector<std::int32_t> next(begin->begin(), begin->end() - 1);
  for (const auto& [key, item] : pairs) (*items)[next[key]++] = item;
}

}  // namespace

ProxyCost::ProxyCost(const netlist::Netlist& netlist, const CostSettings& settings,
                     kernels::Backend backend)
    : netlist_(netlist), settings_(settings), backend_(backend) {
  std::string error;
  kernels_ = kernels::make_cost_kernels(backend, &error);
  if (!kernels_) throw std::runtime_error("no cost kernels: " + error);
  grid_ = kernels::make_grid(settings.canvas_width, settings.canvas_height, settings.columns,
                             settings.rows);
  congestion_grid_ = grid_;
  if (settings.congestion_grid == CongestionGrid::kSeparate) {
    const double side =
        2.0 * 1000.0 /
        (settings.routes_per_micron_horizontal + settings.routes_per_micron_vertical);
    const auto cols =
        std::max<std::int32_t>(1, static_cast<std::int32_t>(settings.canvas_width / side));
    const auto rows =
        std::max<std::int32_t>(1, static_cast<std::int32_t>(settings.canvas_height / side));
    congestion_grid_ = kernels::make_grid(settings.canvas_width, settings.canvas_height,
                                          std::min(cols, 4096), std::min(rows, 4096));
  }

  const std::int32_t nodes = netlist.num_nodes();
  x_ = netlist.xs();
  y_ = netlist.ys();
  orientation_.resize(static_cast<std::size_t>(nodes));
  for (NodeId i = 0; i < nodes; ++i) orientation_[i] = netlist.orientation(i);
  placed_.assign(static_cast<std::size_t>(nodes), 1);

  net_begin_ = netlist.net_begin();
  net_terminals_ = netlist.net_terminals();
  const std::int32_t nets = netlist.num_nets();
  net_weight_.resize(static_cast<std::size_t>(nets));
  for (std::int32_t n = 0; n < nets; ++n) {
    // PROXY_COST.md: a port driver always counts weight 1.
    net_weight_[n] =
        netlist.kind(netlist.net_driver(n)) == NodeKind::kPort ? 1.0 : netlist.net_weight(n);
    net_count_ += net_weight_[n];
  }

  std::vector<std::pair<std::int32_t, std::int32_t>> pairs;
  for (NodeId i = 0; i < nodes; ++i) {
    if (netlist::is_pin(netlist.kind(i))) pairs.emplace_back(netlist.pin_owner(i), i);
  }
  build_csr(static_cast<std::size_t>(nodes), pairs, &pins_of_begin_, &pins_of_);
  pairs.clear();
  for (std::int32_t n = 0; n < nets; ++n) {
    for (std::int32_t k = net_begin_[n]; k < net_begin_[n + 1]; ++k) {
      const NodeId t = net_terminals_[k];
      const NodeId owner = netlist::is_pin(netlist.kind(t)) ? netlist.pin_owner(t) : t;
      pairs.emplace_back(owner, n);
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  build_csr(static_cast<std::size_t>(nodes), pairs, &nets_of_begin_, &nets_of_);

  terminal_x_.resize(static_cast<std::size_t>(nodes));
  terminal_y_.resize(static_cast<std::size_t>(nodes));
  terminal_cell_.resize(static_cast<std::size_t>(nodes));
  terminal_owner_.resize(static_cast<std::size_t>(nodes));
  for (NodeId i = 0; i < nodes; ++i) {
    terminal_owner_[i] = netlist::is_pin(netlist.kind(i)) ? netlist.pin_owner(i) : i;
  }
  for (NodeId i = 0; i < nodes; ++i) {
    if (!netlist::is_pin(netlist.kind(i))) update_terminals(i);
  }
  recompute();
}

ProxyCost::~ProxyCost() = default;

// Positions of a node and its pins: hard-macro pins at centre + rotated offset, soft-macro pins
// at the cluster centre (their offsets are ignored, PROXY_COST.md), anything else at itself.
void ProxyCost::update_terminals(NodeId node) {
  const GridGeometry& grid = congestion_grid_;
  auto place = [&](NodeId terminal, double x, double y) {
    terminal_x_[terminal] = x;
    terminal_y_[terminal] = y;
    terminal_cell_[terminal] = kernels::row_of(grid, y) * grid.cols + kernels::column_of(grid, x);
  };
  place(node, x_[node], y_[node]);
  const bool soft = netlist_.kind(node) == NodeKind::kSoftMacro;
  for (std::int32_t k = pins_of_begin_[node]; k < pins_of_begin_[node + 1]; ++k) {
    const NodeId pin = pins_of_[k];
    double dx = 0, dy = 0;
    if (!soft) {
      netlist::rotate_offset(orientation_[node], netlist_.pin_offset_x(pin),
                             netlist_.pin_offset_y(pin), &dx, &dy);
    }
    place(pin, x_[node] + dx, y_[node] + dy);
  }
}

double ProxyCost::net_hpwl(std::int32_t net) const {
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  bool any = false;
  for (std::int32_t k = net_begin_[net]; k < net_begin_[net + 1]; ++k) {
    const NodeId t = net_terminals_[k];
    if (!placed_[terminal_owner_[t]]) continue;
    any = true;
    x_low = std::min(x_low, terminal_x_[t]);
    x_high = std::max(x_high, terminal_x_[t]);
    y_low = std::min(y_low, terminal_y_[t]);
    y_high = std::max(y_high, terminal_y_[t]);
  }
  return any ? (x_high - x_low) + (y_high - y_low) : 0.0;
}

void ProxyCost::add_net_route(std::int32_t net, double sign) {
  const GridGeometry& grid = congestion_grid_;
  cells_.clear();
  ++stamp_mark_;
  for (std::int32_t k = net_begin_[net]; k < net_begin_[net + 1]; ++k) {
    const NodeId t = net_terminals_[k];
    if (!placed_[terminal_owner_[t]]) continue;
    const std::int32_t cell = terminal_cell_[t];
    if (stamp_[cell] == stamp_mark_) continue;
    stamp_[cell] = stamp_mark_;
    cells_.push_back({cell / grid.cols, cell % grid.cols});
  }
  GridAccumulator acc{route_h_.data(), route_v_.data(), grid.cols};
  kernels::route_net(cells_.data(), static_cast<std::int32_t>(cells_.size()), 0,
                     sign * net_weight_[net], acc);
}

void ProxyCost::add_footprint(NodeId node, double sign) {
  const NodeKind kind = netlist_.kind(node);
  if (!has_area(kind) || !placed_[node]) return;
  const bool turned =
      kind == NodeKind::kHardMacro && netlist::swaps_width_and_height(orientation_[node]);
  const double w = turned ? netlist_.height(node) : netlist_.width(node);
  const double h = turned ? netlist_.width(node) : netlist_.height(node);
  const double x0 = x_[node] - w / 2, y0 = y_[node] - h / 2, x1 = x_[node] + w / 2,
               y1 = y_[node] + h / 2;
  kernels::add_rect_area(grid_, x0, y0, x1, y1, sign, 0, grid_.rows, cell_area_.data());
  if (kind == NodeKind::kHardMacro) {
    GridAccumulator acc{macro_h_.data(), macro_v_.data(), congestion_grid_.cols};
    kernels::add_macro_blockage(
        congestion_grid_, kernels::clip_to_grid(congestion_grid_, x0, y0, x1, y1),
        settings_.macro_routes_horizontal, settings_.macro_routes_vertical, sign, acc);
  }
}

CostBreakdown ProxyCost::recompute() {
  const std::size_t cells = static_cast<std::size_t>(grid_.rows) * grid_.cols;
  const std::size_t congestion_cells =
      static_cast<std::size_t>(congestion_grid_.rows) * congestion_grid_.cols;
  const std::int32_t nets = netlist_.num_nets();
  hpwl_.assign(static_cast<std::size_t>(nets), 0.0);
  cell_area_.assign(cells, 0.0);
  route_h_.assign(congestion_cells, 0.0);
  route_v_.assign(congestion_cells, 0.0);
  macro_h_.assign(congestion_cells, 0.0);
  macro_v_.assign(congestion_cells, 0.0);
  stamp_.assign(congestion_cells, -1);
  stamp_mark_ = 0;
  all_placed_ = std::all_of(placed_.begin(), placed_.end(), [](std::uint8_t p) { return p != 0; });

  if (all_placed_) {
    // The whole-design path: the backend's kernels on plain arrays.
    const kernels::NetArrays net_arrays{nets, net_begin_.data(), net_terminals_.data(),
                                        net_weight_.data()};
    wirelength_ =
        kernels_->net_wirelength(net_arrays, terminal_x_.data(), terminal_y_.data(), hpwl_.data());
    std::vector<double> rx, ry, rw, rh, mx, my, mw, mh;
    for (NodeId i = 0; i < netlist_.num_nodes(); ++i) {
      const NodeKind kind = netlist_.kind(i);
      if (!has_area(kind)) continue;
      const bool turned =
          kind == NodeKind::kHardMacro && netlist::swaps_width_and_height(orientation_[i]);
      const double w = turned ? netlist_.height(i) : netlist_.width(i);
      const double h = turned ? netlist_.width(i) : netlist_.height(i);
      rx.push_back(x_[i]);
      ry.push_back(y_[i]);
      rw.push_back(w);
      rh.push_back(h);
      if (kind == NodeKind::kHardMacro) {
        mx.push_back(x_[i]);
        my.push_back(y_[i]);
        mw.push_back(w);
        mh.push_back(h);
      }
    }
    kernels_->density(
        grid_, {static_cast<std::int32_t>(rx.size()), rx.data(), ry.data(), rw.data(), rh.data()},
        cell_area_.data());
    kernels_->net_routing(congestion_grid_, net_arrays, terminal_x_.data(), terminal_y_.data(),
                          route_h_.data(), route_v_.data());
    kernels_->macro_routing(
        congestion_grid_,
        {static_cast<std::int32_t>(mx.size()), mx.data(), my.data(), mw.data(), mh.data()},
        settings_.macro_routes_horizontal, settings_.macro_routes_vertical, macro_h_.data(),
        macro_v_.data());
  } else {
    // Some nodes unplaced: the per-net path the incremental updates use.
    wirelength_ = 0;
    for (std::int32_t n = 0; n < nets; ++n) {
      hpwl_[n] = net_hpwl(n);
      wirelength_ += net_weight_[n] * hpwl_[n];
      add_net_route(n, 1.0);
    }
    for (NodeId i = 0; i < netlist_.num_nodes(); ++i) add_footprint(i, 1.0);
  }
  return costs();
}

// Removes what the node's nets and footprint contribute, applies the change, and adds them back:
// the one incremental step every edit goes through.
template <typename Change>
void ProxyCost::around_node(NodeId node, Change&& change) {
  for (std::int32_t k = nets_of_begin_[node]; k < nets_of_begin_[node + 1]; ++k) {
    add_net_route(nets_of_[k], -1.0);
  }
  add_footprint(node, -1.0);  // no-op while unplaced
  change();
  add_footprint(node, 1.0);
  for (std::int32_t k = nets_of_begin_[node]; k < nets_of_begin_[node + 1]; ++k) {
    const std::int32_t net = nets_of_[k];
    const double hpwl = net_hpwl(net);
    wirelength_ += net_weight_[net] * (hpwl - hpwl_[net]);
    hpwl_[net] = hpwl;
    add_net_route(net, 1.0);
  }
}

template <typename Edit>
void ProxyCost::edit_node(NodeId node, Edit&& edit) {
  auto change = [&] {
    edit();
    update_terminals(node);
  };
  if (placed_[node]) {
    around_node(node, change);
  } else {
    change();  // an unplaced node contributes nothing yet
  }
}

void ProxyCost::move(NodeId node, double x, double y) {
  edit_node(node, [&] {
    x_[node] = x;
    y_[node] = y;
  });
}

void ProxyCost::set_orientation(NodeId node, Orientation orientation) {
  edit_node(node, [&] { orientation_[node] = orientation; });
}

void ProxyCost::swap(NodeId a, NodeId b) {
  const double ax = x_[a], ay = y_[a];
  move(a, x_[b], y_[b]);
  move(b, ax, ay);
}

void ProxyCost::set_placed(NodeId node, bool placed) {
  if ((placed_[node] != 0) == placed) return;
  around_node(node, [&] { placed_[node] = placed ? 1 : 0; });
  all_placed_ = all_placed_ && placed;
}

void ProxyCost::set_positions(const std::vector<NodeId>& nodes, const std::vector<double>& x,
                              const std::vector<double>& y) {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    x_[nodes[i]] = x[i];
    y_[nodes[i]] = y[i];
    update_terminals(nodes[i]);
  }
  recompute();
}

std::unique_ptr<ProxyCost> ProxyCost::clone() const {
  auto copy = std::make_unique<ProxyCost>(netlist_, settings_, backend_);
  copy->copy_placement(*this);
  return copy;
}

void ProxyCost::copy_placement(const ProxyCost& other) {
  assert(other.x_.size() == x_.size());
  x_ = other.x_;
  y_ = other.y_;
  orientation_ = other.orientation_;
  placed_ = other.placed_;
  for (NodeId node = 0; node < netlist_.num_nodes(); ++node) {
    if (!netlist::is_pin(netlist_.kind(node))) update_terminals(node);
  }
  recompute();
}

std::vector<double> ProxyCost::density_map() const {
  const double cell_area = grid_.cell_width * grid_.cell_height;
  std::vector<double> density(cell_area_.size());
  for (std::size_t i = 0; i < density.size(); ++i) density[i] = cell_area_[i] / cell_area;
  return density;
}

void ProxyCost::congestion_maps(std::vector<double>* horizontal,
                                std::vector<double>* vertical) const {
  const GridGeometry& grid = congestion_grid_;
  const std::size_t cells = route_h_.size();
  const double h_scale = 1.0 / (grid.cell_height * settings_.routes_per_micron_horizontal);
  const double v_scale = 1.0 / (grid.cell_width * settings_.routes_per_micron_vertical);
  smooth_h_.resize(cells);
  smooth_v_.resize(cells);
  kernels::smooth_routing(grid, settings_.smoothing_range, route_h_.data(), route_v_.data(),
                          smooth_h_.data(), smooth_v_.data());
  horizontal->resize(cells);
  vertical->resize(cells);
  for (std::size_t i = 0; i < cells; ++i) {
    (*horizontal)[i] = smooth_h_[i] * h_scale + macro_h_[i] * h_scale;
    (*vertical)[i] = smooth_v_[i] * v_scale + macro_v_[i] * v_scale;
  }
}

CostBreakdown ProxyCost::costs() const {
  CostBreakdown result;
  result.wirelength = wirelength_;
  const double perimeter = settings_.canvas_width + settings_.canvas_height;
  result.wirelength_cost = net_count_ > 0 ? wirelength_ / (perimeter * net_count_) : 0.0;

  const std::size_t cells = cell_area_.size();
  const double cell_area = grid_.cell_width * grid_.cell_height;
  values_.resize(cells);
  for (std::size_t i = 0; i < cells; ++i) values_[i] = cell_area_[i] / cell_area;
  const std::size_t density_k = std::max<std::size_t>(
      1, static_cast<std::size_t>(std::floor(0.1 * static_cast<double>(cells))));
  result.density_cost = 0.5 * kernels::top_k_mean(values_.data(), cells, density_k, &scratch_);

  congestion_maps(&final_h_, &final_v_);
  values_.assign(final_v_.begin(), final_v_.end());
  values_.insert(values_.end(), final_h_.begin(), final_h_.end());
  const std::size_t congestion_k =
      static_cast<std::size_t>(std::floor(0.05 * static_cast<double>(values_.size())));
  result.congestion_cost = kernels::top_k_mean(values_.data(), values_.size(),
                                               std::max<std::size_t>(1, congestion_k), &scratch_);

  const CostWeights& w = settings_.weights;
  result.proxy = w.wirelength * result.wirelength_cost + w.density * result.density_cost +
                 w.congestion * result.congestion_cost;
  return result;
}

}  // namespace macroplace::placement
