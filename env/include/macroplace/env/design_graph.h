// DesignGraph: the netlist as Circuit Training's policy sees it: one node per hard macro, soft
// macro and port cluster, and weighted edges from the nets between them. Built once per design
// and shared, read-only, by every environment on it.
//
// Contract: graph nodes are the hard and soft macros in netlist index order (CT's
// get_macro_indices()), then one node per grid cell holding ports (each port goes to the cell of
// its position, clamped into the grid), in increasing cell index. Standard cells and pins are not
// nodes: a pin counts as its macro. Every net adds, for each sink terminal, its weight (a port
// driver counts 1, as in the proxy cost) to the pair {driver's node, sink's node} when both are
// graph nodes and differ (CT's star-from-driver adjacency counts). Edges are the pairs with a
// positive count, listed once with src < dst, sorted by (src, dst); `weight` is the count divided
// by the mean count (CT's normalisation). A port cluster sits where CT's observation puts it: the
// canvas corner for a corner cell, on the canvas edge for an edge cell, else the cell centre.
//
//   DesignGraph graph = build_design_graph(netlist, settings);
//   std::int32_t node = graph.node_of[macro];        // -1 for nodes outside the graph
//   for (std::size_t e = 0; e < graph.edge_src.size(); ++e) use(graph.edge_src[e], ...);
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/cost_settings.h"

namespace macroplace::env {

using netlist::NodeId;

struct DesignGraph {
  // Graph node -> netlist node, for the macros (graph nodes 0 .. num_macros()-1).
  std::vector<NodeId> macro_nodes;
  std::int32_t num_hard_macros = 0, num_soft_macros = 0;
  // Port clusters (graph nodes num_macros() .. num_nodes()-1): grid cell (row * cols + col),
  // CT's representative position (um) and how many ports each holds.
  std::vector<std::int32_t> port_cluster_cell;
  std::vector<double> port_cluster_x, port_cluster_y;
  std::vector<std::int32_t> port_cluster_size;
  // Netlist node -> graph node: a macro's own node, a port's cluster, -1 otherwise (pins map to
  // -1 too; use their owner).
  std::vector<std::int32_t> node_of;

  // Edges, src < dst, sorted; raw adjacency counts and the normalised weights.
  std::vector<std::int32_t> edge_src, edge_dst;
  std::vector<double> edge_count;
  std::vector<double> edge_weight;
  // Incident edges per node (CT's edge_counts).
  std::vector<std::int32_t> degree;
  // Neighbours in CSR form (both directions), each list sorted by decreasing count then index.
  std::vector<std::int32_t> neighbour_begin, neighbours;
  std::vector<double> neighbour_count;

  std::int32_t num_macros() const { return num_hard_macros + num_soft_macros; }
  std::int32_t num_port_clusters() const {
    return static_cast<std::int32_t>(port_cluster_cell.size());
  }
  std::int32_t num_nodes() const { return num_macros() + num_port_clusters(); }
  std::int32_t num_edges() const { return static_cast<std::int32_t>(edge_src.size()); }
  double total_edge_count() const;  // sum of the raw counts
};

DesignGraph build_design_graph(const netlist::Netlist& netlist,
                               const placement::CostSettings& settings);

}  // namespace macroplace::env
