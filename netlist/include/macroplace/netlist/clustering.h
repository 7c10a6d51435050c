// Clustering: turns a flat netlist (std cells, hard macros with pins, ports) into the clustered
// netlist Circuit Training (CT) places, std cells grouped into soft macros `Grp_*`.
//
// Contract: cluster_netlist() follows CT's grouping flow (circuit_training/grouping) with METIS
// for the licensed hMETIS: nets over `max_fanout` sinks ignored and dropped; cells next to a hard
// macro's pins or a run of ports pre-grouped (fixed groups); the nets as a weighted graph
// (cliques, stars for wide nets) cut by METIS into `target_clusters` + fixed-group parts; with
// cell positions, clusters wider than sqrt(canvas area / 16) broken up; small clusters merged into
// their most connected close neighbour. The clustered netlist keeps ports, hard macros and pins in
// file order, then per cluster a soft macro (cells' area x bloating ratio, at their centroid), a
// `Poutput_multi_<i>` pin per cell net leaving for several places, a `Poutput_single_<i>` pin per
// single destination (weight: the flat nets merged into it) and one `Pinput`; nets inside a
// cluster are dropped. The same input, options and seed give the same clustering anywhere.
//
//   ClusteringOptions options;  // then canvas_width/height, columns, rows
//   ClusteringResult result = cluster_netlist(flat, options);
//   if (result.status.ok()) write_ct_netlist(result.clustered, "clustered.pb.txt");
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

// The footprint of a soft macro of area A.
enum class SoftMacroShape : std::uint8_t {
  kGridColumnWidth,  // CT: as wide as one grid column (canvas width / columns), height A / width
  kSquare,           // side sqrt(A)
};

struct ClusteringOptions {
  // Canvas and placement grid the clustered design is meant for (required): they set the port
  // groups' spacing, the break-up distance and, for kGridColumnWidth, the soft-macro width.
  double canvas_width = 0, canvas_height = 0;
  std::int32_t columns = 0, rows = 0;

  // METIS parts for the free standard cells, on top of the fixed groups (CT's num_groups).
  std::int32_t target_clusters = 500;
  // Largest part (standard-cell area) allowed, as a fraction above the average. (hMETIS's 5 in
  // CT's recursive bisection bounds each halving, not the final parts.)
  double imbalance = 0.3;
  std::uint64_t seed = 1;
  std::int32_t metis_runs = 1;  // partitions METIS computes, best kept (its ncuts)

  // Graph model of the hypergraph: nets with up to this many distinct graph vertices become
  // cliques (edge weight w / (p - 1)); larger ones stars around the driver (edge weight
  // w p / (2 (p - 1)), the clique's total). Cliques keep wide nets (enable and reset trees) in
  // fewer clusters than stars do; the limit is lowered when the graph would exceed
  // max_graph_edges (directed edges, 16 bytes each while building).
  std::int32_t clique_max_terminals = 100;
  std::int64_t max_graph_edges = 50'000'000;
  // Nets with more sinks are ignored and dropped from the clustered netlist (clocks, resets).
  std::int32_t max_fanout = 500;

  bool fixed_groups = true;
  std::int32_t fixed_logic_levels = 1;  // CT's fixed_logic_levels
  // Pieces of a METIS part with no connection inside the part become clusters of their own.
  bool split_disconnected = true;

  // Cell positions from a prior placement are used (break-up, merge distance, soft-macro
  // positions) when present, that is when the standard cells are not all at one point.
  bool use_cell_positions = true;
  bool break_up = true;
  double break_up_distance = 0;  // 0: sqrt(canvas area / 16), as CT
  bool merge_small = true;
  double merge_size_fraction = 0.25;  // clusters with at most this x the average cell count merge
  double merge_distance = 0;          // centroid Manhattan distance; 0: break-up distance / 2

  double bloating_ratio = 2.0;  // soft-macro area / cell area (CT's 1 / cell_area_utilization)
  SoftMacroShape shape = SoftMacroShape::kGridColumnWidth;

  Status validate() const;
};

// Which cluster each node of the flat netlist belongs to.
struct ClusterAssignment {
  std::vector<std::int32_t> cluster_of;  // per flat node: 0..num_clusters-1 for std cells, else -1
  std::int32_t num_clusters = 0;
};

struct ClusteringReport {
  std::int32_t fixed_groups = 0;  // macros with connected pins and port groups used as seeds
  std::int32_t metis_parts = 0;
  std::int64_t graph_vertices = 0, graph_edges = 0;  // undirected edges
  std::int64_t metis_edge_cut = 0;                   // in the graph's integer weights
  std::int32_t after_partition = 0;                  // clusters from METIS and the fixed groups
  std::int32_t split_off = 0;                        // disconnected pieces made clusters
  std::int32_t broken_off = 0;                       // clusters created by the break-up
  std::int32_t merged = 0;                           // small clusters merged away
  std::int32_t clusters = 0;                         // final count
  bool used_positions = false;
  double break_up_distance = 0, merge_distance = 0;
  std::int32_t merge_max_cells = 0;
  std::int64_t dropped_high_fanout_nets = 0;
  std::int64_t internal_nets = 0;  // flat nets inside one cluster, dropped
  double cut_weight = 0;           // soft_macro_cut_weight() of the clustered netlist
  double partition_seconds = 0, total_seconds = 0;
};

struct ClusteringResult {
  Status status;
  Netlist clustered;
  ClusterAssignment assignment;
  ClusteringReport report;
};

ClusteringResult cluster_netlist(const Netlist& flat, const ClusteringOptions& options);

// ---- steps, for callers with their own flow and for tests ----

// The canvas of a flat design: its `FP bbox` size when it has one, else a square of side
// sqrt(total area / target_utilization) (CT's default at 0.6).
Rect default_canvas(const Netlist& flat, double target_utilization);

// True when the standard cells carry positions (they are not all at one point).
bool has_cell_positions(const Netlist& flat);

// CT's fixed groups: per flat node a group id or -1. Group g < (hard macros) holds the pins of
// the g-th hard macro; then ports by side (top, right, bottom, left; the side is where the port
// lies against the canvas diagonals), a new group whenever a port is farther than one grid cell
// from the first port of the current group; then `fixed_logic_levels` times, every ungrouped std
// cell driving or driven by a grouped node joins that node's group (lower node index first).
// Groups are numbered as CT numbers them; some ids may be unused.
std::vector<std::int32_t> fixed_groups(const Netlist& flat, const ClusteringOptions& options);

// CT's breakup_groups: each cluster whose cells' bounding box is wider or taller than
// `distance` is cut into buckets of that size around its area-weighted centroid; cells outside
// the centre bucket move to a new cluster per bucket. Returns the number of new clusters.
std::int32_t break_up_clusters(const Netlist& flat, double distance, ClusterAssignment* assignment);

// Merges each cluster of at most `max_cells` std cells into the cluster it shares the most net
// weight with (ties: lower id), when their area-weighted centroids are within `max_distance`
// (Manhattan; no limit when absent), until nothing merges; then numbers the clusters densely
// in order of their first cell. Nets with more than `max_fanout` sinks are not counted.
// Returns the number of clusters merged away.
std::int32_t merge_small_clusters(const Netlist& flat, std::int32_t max_cells,
                                  std::optional<double> max_distance, std::int32_t max_fanout,
                                  ClusterAssignment* assignment);

struct ClusteredNetlistStats {
  std::int64_t dropped_high_fanout_nets = 0;
  std::int64_t internal_nets = 0;
  double cut_weight = 0;
};

// Builds the clustered netlist from an assignment (every std cell in a cluster 0..n-1, each
// cluster non-empty); see the file comment. Uses the canvas, grid, shape, bloating ratio and
// max_fanout of `options`.
Status build_clustered_netlist(const Netlist& flat, const ClusterAssignment& assignment,
                               const ClusteringOptions& options, Netlist* out,
                               ClusteredNetlistStats* stats = nullptr);

// The weight of the nets driven by soft-macro pins: in a clustered netlist, the weighted count of
// flat nets driven by a standard cell that leave its cluster (the cut of the clustering).
double soft_macro_cut_weight(const Netlist& clustered);

}  // namespace macroplace::netlist
