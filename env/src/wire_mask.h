// Internal: the wirelength a macro adds at each grid cell (the "wire mask" of WireMask-BBO and
// MaskPlace), by separable bounding-box math.
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::env::internal {

using netlist::NodeId;

class WireMaskModel {
 public:
  explicit WireMaskModel(const netlist::Netlist& netlist);

  // For `macro` (unplaced), the weighted HPWL its nets gain if its centre goes to (x, y):
  // column_gain[c] + row_gain[r] for x = cell_x[c], y = cell_y[r]. A net's bounding box splits
  // into an x and a y extent, so each net costs O(degree + cols + rows). Nets without another
  // placed terminal add their own pin spread (a constant, in column_gain). Equals the change of
  // ProxyCost's wirelength when the macro is placed there.
  void gains(const placement::ProxyCost& cost, NodeId macro, const std::vector<double>& cell_x,
             const std::vector<double>& cell_y, std::vector<double>* column_gain,
             std::vector<double>* row_gain) const;

 private:
  struct MacroNet {
    std::int32_t net;
    double dx_min, dx_max, dy_min, dy_max;  // the macro's pin offsets on the net
  };
  const netlist::Netlist& netlist_;
  std::vector<double> net_weight_;           // a port driver counts 1 (PROXY_COST.md)
  std::vector<NodeId> owner_;                // per terminal node: the node that carries it
  std::vector<double> offset_x_, offset_y_;  // per terminal node: offset from its owner
  std::vector<std::int32_t> nets_begin_;     // per node, into nets_
  std::vector<MacroNet> nets_;
};

}  // namespace macroplace::env::internal
