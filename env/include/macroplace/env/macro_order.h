// MacroOrder: the order in which an episode places the movable hard macros, one per step.
//
// Contract: macro_order() returns every movable (non-fixed) hard macro exactly once.
//   kDescendingArea   largest footprint area first, ties by netlist index (CT's default).
//   kConnectivityBfs  breadth-first over the design graph (design_graph.h), starting from the
//                     largest macro; a node's neighbours are visited by decreasing adjacency
//                     count, then index; soft macros, fixed macros and port clusters are walked
//                     through but not emitted; when the walk runs out, it restarts from the
//                     largest movable macro not yet emitted. Connected macros come close together.
//   kRandom           a uniformly random permutation drawn from `seed` (the same seed gives the
//                     same order on every platform).
//   kFile             netlist index order (CT's "file order").
// Only kRandom depends on the seed.
//
//   std::vector<NodeId> order = macro_order(netlist, graph, MacroOrder::kDescendingArea, 0);
//   for (NodeId macro : order) place(macro);
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "macroplace/env/design_graph.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::env {

enum class MacroOrder { kDescendingArea, kConnectivityBfs, kRandom, kFile };

std::vector<NodeId> macro_order(const netlist::Netlist& netlist, const DesignGraph& graph,
                                MacroOrder order, std::uint64_t seed);

std::string_view macro_order_name(MacroOrder order);  // "descending-area", "bfs", ...
std::optional<MacroOrder> parse_macro_order(std::string_view name);

}  // namespace macroplace::env
