// Internal: the graph model of a flat netlist and its partition (METIS + Boost.Graph), for
// clustering.cpp. Boost and METIS stay behind this header's .cpp file.
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/clustering.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist::internal {

// Which graph vertex stands for each flat node: vertices 0..num_fixed-1 are the fixed groups
// (all their members, cells, pins and ports, map to one vertex), then one vertex per free std
// cell. Nodes outside the graph map to -1.
struct GraphVertices {
  std::int32_t num_vertices = 0;
  std::int32_t num_fixed = 0;
  std::vector<std::int32_t> vertex_of_node;
};

// A cluster label per vertex, 0..num_labels-1: fixed group f keeps label f; other labels follow
// in vertex order. Some labels may end up without std cells (a fixed group of pins alone).
struct GraphPartition {
  std::vector<std::int32_t> label;
  std::int32_t num_labels = 0;
};

// Builds the weighted graph of `flat`'s usable nets (see ClusteringOptions), cuts it into
// `target_clusters + num_fixed` parts with METIS (vertex weights: std-cell area), then labels
// each vertex: the fixed group first reached by a breadth-first search inside its part, else
// its connected piece of the part (one label per part without `split_disconnected`); vertices
// without any edge join their part's first label. Fills the graph and METIS figures of `report`.
Status partition_graph(const Netlist& flat, const std::vector<char>& usable_net,
                       const GraphVertices& vertices, const ClusteringOptions& options,
                       GraphPartition* partition, ClusteringReport* report);

}  // namespace macroplace::netlist::internal
