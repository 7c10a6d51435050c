#include "macroplace/placement/std_cell_flow.h"

#include <vector>

namespace macroplace::placement {

StdCellFlowResult place_std_cells(ProxyCost* cost, const AnalyticalOptions& options) {
  const AnalyticalResult global = place_soft_macros_analytical(cost, options);
  if (!global.status.ok()) {
    StdCellFlowResult flow;
    flow.status = global.status;
    flow.global = global;
    return flow;
  }
  StdCellFlowResult flow = legalize_std_cells(cost);
  flow.global = global;
  return flow;
}

StdCellFlowResult legalize_std_cells(ProxyCost* cost) {
  StdCellFlowResult flow;
  const netlist::Netlist& design = cost->netlist();
  flow.global_hpwl = cost->costs().wirelength;
  std::vector<double> x(design.num_nodes()), y(design.num_nodes());
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    x[node] = cost->x(node);
    y[node] = cost->y(node);
  }
  flow.rows = legalize_rows(design, {}, &x, &y);
  if (!flow.rows.status.ok()) {
    flow.status = Status::error("row legalization: " + flow.rows.status.message());
    return flow;
  }
  flow.violations = count_row_violations(design, flow.rows.row_height, flow.rows.site_width, x, y);
  std::vector<NodeId> cells;
  std::vector<double> cx, cy;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != netlist::NodeKind::kStdCell || design.fixed(node)) continue;
    cells.push_back(node);
    cx.push_back(x[node]);
    cy.push_back(y[node]);
  }
  cost->set_positions(cells, cx, cy);
  flow.legal_hpwl = cost->costs().wirelength;
  return flow;
}

}  // namespace macroplace::placement
