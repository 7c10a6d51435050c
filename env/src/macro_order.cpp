#include "macroplace/env/macro_order.h"

#include <algorithm>
#include <deque>

#include "random.h"

namespace macroplace::env {

namespace {

using netlist::NodeKind;

std::vector<NodeId> movable_hard_macros(const netlist::Netlist& netlist) {
  std::vector<NodeId> macros;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (netlist.kind(node) == NodeKind::kHardMacro && !netlist.fixed(node)) macros.push_back(node);
  }
  return macros;
}

void sort_by_area(const netlist::Netlist& netlist, std::vector<NodeId>* macros) {
  std::stable_sort(macros->begin(), macros->end(), [&](NodeId a, NodeId b) {
    return netlist.width(a) * netlist.height(a) > netlist.width(b) * netlist.height(b);
  });
}

std::vector<NodeId> breadth_first(const netlist::Netlist& netlist, const DesignGraph& graph) {
  std::vector<NodeId> by_area = movable_hard_macros(netlist);
  sort_by_area(netlist, &by_area);
  std::vector<NodeId> order;
  order.reserve(by_area.size());
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(graph.num_nodes()), 0);
  std::deque<std::int32_t> queue;
  for (const NodeId start : by_area) {
    const std::int32_t root = graph.node_of[start];
    if (seen[root]) continue;
    seen[root] = 1;
    queue.push_back(root);
    while (!queue.empty()) {
      const std::int32_t v = queue.front();
      queue.pop_front();
      if (v < graph.num_macros()) {
        const NodeId node = graph.macro_nodes[v];
        if (netlist.kind(node) == NodeKind::kHardMacro && !netlist.fixed(node)) {
          order.push_back(node);
        }
      }
      for (std::int32_t k = graph.neighbour_begin[v]; k < graph.neighbour_begin[v + 1]; ++k) {
        const std::int32_t w = graph.neighbours[k];
        if (seen[w]) continue;
        seen[w] = 1;
        queue.push_back(w);
      }
    }
  }
  return order;
}

}  // namespace

std::vector<NodeId> macro_order(const netlist::Netlist& netlist, const DesignGraph& graph,
                                MacroOrder order, std::uint64_t seed) {
  switch (order) {
    case MacroOrder::kDescendingArea: {
      std::vector<NodeId> macros = movable_hard_macros(netlist);
      sort_by_area(netlist, &macros);
      return macros;
    }
    case MacroOrder::kConnectivityBfs: return breadth_first(netlist, graph);
    case MacroOrder::kRandom: {
      std::vector<NodeId> macros = movable_hard_macros(netlist);
      internal::SplitMix64 random(seed);
      for (std::size_t i = macros.size(); i > 1; --i) {
        std::swap(macros[i - 1], macros[random.below(i)]);
      }
      return macros;
    }
    case MacroOrder::kFile: break;
  }
  return movable_hard_macros(netlist);
}

std::string_view macro_order_name(MacroOrder order) {
  switch (order) {
    case MacroOrder::kDescendingArea: return "descending-area";
    case MacroOrder::kConnectivityBfs: return "bfs";
    case MacroOrder::kRandom: return "random";
    case MacroOrder::kFile: break;
  }
  return "file";
}

std::optional<MacroOrder> parse_macro_order(std::string_view name) {
  for (const MacroOrder order : {MacroOrder::kDescendingArea, MacroOrder::kConnectivityBfs,
                                 MacroOrder::kRandom, MacroOrder::kFile}) {
    if (name == macro_order_name(order)) return order;
  }
  return std::nullopt;
}

}  // namespace macroplace::env
