#include "wire_mask.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace macroplace::env::internal {

using netlist::NodeKind;

WireMaskModel::WireMaskModel(const netlist::Netlist& netlist) : netlist_(netlist) {
  const std::int32_t nodes = netlist.num_nodes();
  owner_.resize(static_cast<std::size_t>(nodes));
  offset_x_.assign(static_cast<std::size_t>(nodes), 0.0);
  offset_y_.assign(static_cast<std::size_t>(nodes), 0.0);
  for (NodeId node = 0; node < nodes; ++node) {
    const NodeKind kind = netlist.kind(node);
    owner_[node] = netlist::is_pin(kind) ? netlist.pin_owner(node) : node;
    // Hard-macro pins sit at centre + rotated offset; soft-macro pins at the cluster centre.
    if (kind == NodeKind::kHardMacroPin) {
      netlist::rotate_offset(netlist.orientation(owner_[node]), netlist.pin_offset_x(node),
                             netlist.pin_offset_y(node), &offset_x_[node], &offset_y_[node]);
    }
  }
  const std::int32_t nets = netlist.num_nets();
  net_weight_.resize(static_cast<std::size_t>(nets));
  // Per hard macro, the nets it touches with the extent of its pin offsets on each.
  std::vector<std::map<std::int32_t, MacroNet>> per_macro(static_cast<std::size_t>(nodes));
  for (std::int32_t net = 0; net < nets; ++net) {
    const NodeId driver = netlist.net_driver(net);
    net_weight_[net] = netlist.kind(driver) == NodeKind::kPort ? 1.0 : netlist.net_weight(net);
    for (const NodeId* t = netlist.net_terminals_begin(net); t != netlist.net_terminals_end(net);
         ++t) {
      const NodeId owner = owner_[*t];
      if (owner < 0 || netlist.kind(owner) != NodeKind::kHardMacro) continue;
      auto [it, inserted] = per_macro[owner].try_emplace(
          net, MacroNet{net, offset_x_[*t], offset_x_[*t], offset_y_[*t], offset_y_[*t]});
      if (inserted) continue;
      MacroNet& entry = it->second;
      entry.dx_min = std::min(entry.dx_min, offset_x_[*t]);
      entry.dx_max = std::max(entry.dx_max, offset_x_[*t]);
      entry.dy_min = std::min(entry.dy_min, offset_y_[*t]);
      entry.dy_max = std::max(entry.dy_max, offset_y_[*t]);
    }
  }
  nets_begin_.assign(static_cast<std::size_t>(nodes) + 1, 0);
  for (NodeId node = 0; node < nodes; ++node) {
    nets_begin_[node + 1] = nets_begin_[node] + static_cast<std::int32_t>(per_macro[node].size());
  }
  nets_.reserve(static_cast<std::size_t>(nets_begin_[nodes]));
  for (NodeId node = 0; node < nodes; ++node) {
    for (const auto& [net, entry] : per_macro[node]) nets_.push_back(entry);
  }
}

void WireMaskModel::gains(const placement::ProxyCost& cost, NodeId macro,
                          const std::vector<double>& cell_x, const std::vector<double>& cell_y,
                          std::vector<double>* column_gain, std::vector<double>* row_gain) const {
  column_gain->assign(cell_x.size(), 0.0);
  row_gain->assign(cell_y.size(), 0.0);
  double constant = 0;
  for (std::int32_t k = nets_begin_[macro]; k < nets_begin_[macro + 1]; ++k) {
    const MacroNet& entry = nets_[k];
    const double weight = net_weight_[entry.net];
    double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
    for (const NodeId* t = netlist_.net_terminals_begin(entry.net);
         t != netlist_.net_terminals_end(entry.net); ++t) {
      const NodeId owner = owner_[*t];
      if (owner == macro || !cost.placed(owner)) continue;
      const double x = cost.x(owner) + offset_x_[*t], y = cost.y(owner) + offset_y_[*t];
      x_low = std::min(x_low, x);
      x_high = std::max(x_high, x);
      y_low = std::min(y_low, y);
      y_high = std::max(y_high, y);
    }
    if (x_low > x_high) {  // no other placed terminal: the macro's own pin spread
      constant += weight * ((entry.dx_max - entry.dx_min) + (entry.dy_max - entry.dy_min));
      continue;
    }
    for (std::size_t c = 0; c < cell_x.size(); ++c) {
      const double low = std::min(x_low, cell_x[c] + entry.dx_min);
      const double high = std::max(x_high, cell_x[c] + entry.dx_max);
      (*column_gain)[c] += weight * ((high - low) - (x_high - x_low));
    }
    for (std::size_t r = 0; r < cell_y.size(); ++r) {
      const double low = std::min(y_low, cell_y[r] + entry.dy_min);
      const double high = std::max(y_high, cell_y[r] + entry.dy_max);
      (*row_gain)[r] += weight * ((high - low) - (y_high - y_low));
    }
  }
  for (double& gain : *column_gain) gain += constant;
}

}  // namespace macroplace::env::internal
