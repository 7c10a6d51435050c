#include "macroplace/env/design_graph.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <utility>

#include "macroplace/kernels/cost_kernels.h"

namespace macroplace::env {

namespace {

using netlist::NodeKind;

// CT's observation extractor (_get_clustered_port_locations): corner cells snap to the canvas
// corner, other border cells to the canvas edge, inner cells to the cell centre.
void port_cluster_location(const kernels::GridGeometry& grid, std::int32_t cell, double* x,
                           double* y) {
  const std::int32_t col = cell % grid.cols, row = cell / grid.cols;
  *x = (col + 0.5) * grid.cell_width;
  *y = (row + 0.5) * grid.cell_height;
  if (col == 0) *x = 0;
  if (col == grid.cols - 1) *x = grid.width;
  if (row == 0) *y = 0;
  if (row == grid.rows - 1) *y = grid.height;
}

}  // namespace

double DesignGraph::total_edge_count() const {
  return std::accumulate(edge_count.begin(), edge_count.end(), 0.0);
}

DesignGraph build_design_graph(const netlist::Netlist& netlist,
                               const placement::CostSettings& settings) {
  DesignGraph graph;
  const std::int32_t nodes = netlist.num_nodes();
  graph.node_of.assign(static_cast<std::size_t>(nodes), -1);
  for (NodeId node = 0; node < nodes; ++node) {
    const NodeKind kind = netlist.kind(node);
    if (kind != NodeKind::kHardMacro && kind != NodeKind::kSoftMacro) continue;
    graph.node_of[node] = static_cast<std::int32_t>(graph.macro_nodes.size());
    graph.macro_nodes.push_back(node);
    ++(kind == NodeKind::kHardMacro ? graph.num_hard_macros : graph.num_soft_macros);
  }

  // Ports, grouped by grid cell.
  const kernels::GridGeometry grid = kernels::make_grid(
      settings.canvas_width, settings.canvas_height, settings.columns, settings.rows);
  std::vector<std::int32_t> port_cell(static_cast<std::size_t>(nodes), -1);
  for (NodeId node = 0; node < nodes; ++node) {
    if (netlist.kind(node) != NodeKind::kPort) continue;
    port_cell[node] = kernels::row_of(grid, netlist.y(node)) * grid.cols +
                      kernels::column_of(grid, netlist.x(node));
    graph.port_cluster_cell.push_back(port_cell[node]);
  }
  std::sort(graph.port_cluster_cell.begin(), graph.port_cluster_cell.end());
  graph.port_cluster_cell.erase(
      std::unique(graph.port_cluster_cell.begin(), graph.port_cluster_cell.end()),
      graph.port_cluster_cell.end());
  const std::int32_t clusters = graph.num_port_clusters();
  graph.port_cluster_x.resize(static_cast<std::size_t>(clusters));
  graph.port_cluster_y.resize(static_cast<std::size_t>(clusters));
  graph.port_cluster_size.assign(static_cast<std::size_t>(clusters), 0);
  for (std::int32_t k = 0; k < clusters; ++k) {
    port_cluster_location(grid, graph.port_cluster_cell[k], &graph.port_cluster_x[k],
                          &graph.port_cluster_y[k]);
  }
  for (NodeId node = 0; node < nodes; ++node) {
    if (port_cell[node] < 0) continue;
    const auto k =
        static_cast<std::int32_t>(std::lower_bound(graph.port_cluster_cell.begin(),
                                                   graph.port_cluster_cell.end(), port_cell[node]) -
                                  graph.port_cluster_cell.begin());
    graph.node_of[node] = graph.num_macros() + k;
    ++graph.port_cluster_size[k];
  }

  // Adjacency counts, star from each net's driver, accumulated in net order.
  const auto graph_node = [&](NodeId terminal) {
    const NodeId owner =
        netlist::is_pin(netlist.kind(terminal)) ? netlist.pin_owner(terminal) : terminal;
    return owner >= 0 ? graph.node_of[owner] : -1;
  };
  std::unordered_map<std::uint64_t, double> counts;
  std::vector<std::uint64_t> keys;
  for (netlist::NetId net = 0; net < netlist.num_nets(); ++net) {
    const NodeId driver = netlist.net_driver(net);
    const std::int32_t source = graph_node(driver);
    if (source < 0) continue;
    const double weight = netlist.kind(driver) == NodeKind::kPort ? 1.0 : netlist.net_weight(net);
    for (const NodeId* t = netlist.net_terminals_begin(net) + 1;
         t != netlist.net_terminals_end(net); ++t) {
      const std::int32_t sink = graph_node(*t);
      if (sink < 0 || sink == source) continue;
      const auto low = static_cast<std::uint64_t>(std::min(source, sink));
      const auto high = static_cast<std::uint64_t>(std::max(source, sink));
      const std::uint64_t key = (low << 32) | high;
      auto [it, inserted] = counts.emplace(key, 0.0);
      if (inserted) keys.push_back(key);
      it->second += weight;
    }
  }
  std::sort(keys.begin(), keys.end());
  graph.edge_src.reserve(keys.size());
  graph.edge_dst.reserve(keys.size());
  graph.edge_count.reserve(keys.size());
  for (const std::uint64_t key : keys) {
    graph.edge_src.push_back(static_cast<std::int32_t>(key >> 32));
    graph.edge_dst.push_back(static_cast<std::int32_t>(key & 0xffffffffULL));
    graph.edge_count.push_back(counts[key]);
  }
  const double mean =
      keys.empty() ? 1.0 : graph.total_edge_count() / static_cast<double>(keys.size());
  graph.edge_weight.reserve(keys.size());
  for (const double count : graph.edge_count) graph.edge_weight.push_back(count / mean);

  // Degrees and the neighbour lists.
  const std::int32_t total = graph.num_nodes();
  graph.degree.assign(static_cast<std::size_t>(total), 0);
  for (std::size_t e = 0; e < keys.size(); ++e) {
    ++graph.degree[graph.edge_src[e]];
    ++graph.degree[graph.edge_dst[e]];
  }
  graph.neighbour_begin.assign(static_cast<std::size_t>(total) + 1, 0);
  for (std::int32_t v = 0; v < total; ++v) {
    graph.neighbour_begin[v + 1] = graph.neighbour_begin[v] + graph.degree[v];
  }
  graph.neighbours.resize(2 * keys.size());
  graph.neighbour_count.resize(2 * keys.size());
  std::vector<std::int32_t> next(graph.neighbour_begin.begin(), graph.neighbour_begin.end() - 1);
  for (std::size_t e = 0; e < keys.size(); ++e) {
    const std::int32_t a = graph.edge_src[e], b = graph.edge_dst[e];
    graph.neighbours[next[a]] = b;
    graph.neighbour_count[next[a]++] = graph.edge_count[e];
    graph.neighbours[next[b]] = a;
    graph.neighbour_count[next[b]++] = graph.edge_count[e];
  }
  std::vector<std::pair<double, std::int32_t>> list;
  for (std::int32_t v = 0; v < total; ++v) {
    const std::int32_t begin = graph.neighbour_begin[v], end = graph.neighbour_begin[v + 1];
    list.clear();
    for (std::int32_t k = begin; k < end; ++k) {
      list.emplace_back(graph.neighbour_count[k], graph.neighbours[k]);
    }
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (std::int32_t k = begin; k < end; ++k) {
      graph.neighbour_count[k] = list[k - begin].first;
      graph.neighbours[k] = list[k - begin].second;
    }
  }
  return graph;
}

}  // namespace macroplace::env
