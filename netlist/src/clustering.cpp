// Clustering a flat netlist into soft macros: the flow (CT's grouper) and its steps before and
// after the partition (fixed groups, break-up, merge). The graph and METIS are in
// clustering_graph.cpp; the clustered netlist is built in clustering_netlist.cpp.
#include "macroplace/netlist/clustering.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <string>
#include <utility>

#include "clustering_graph.h"

namespace macroplace::netlist {

namespace {

// Nets CT keeps: at most `max_fanout` sinks.
std::vector<char> usable_nets(const Netlist& flat, std::int32_t max_fanout) {
  std::vector<char> usable(static_cast<std::size_t>(flat.num_nets()));
  for (NetId net = 0; net < flat.num_nets(); ++net) {
    usable[net] = flat.net_degree(net) - 1 <= max_fanout ? 1 : 0;
  }
  return usable;
}

// Per node, the usable nets it drives and the usable nets it is a sink of (CSR).
struct Incidence {
  std::vector<std::int32_t> driven_begin, driven, sunk_begin, sunk;

  Incidence(const Netlist& flat, const std::vector<char>& usable) {
    const auto n = static_cast<std::size_t>(flat.num_nodes());
    driven_begin.assign(n + 1, 0);
    sunk_begin.assign(n + 1, 0);
    for (NetId net = 0; net < flat.num_nets(); ++net) {
      if (!usable[net]) continue;
      ++driven_begin[flat.net_driver(net) + 1];
      for (const NodeId* t = flat.net_terminals_begin(net) + 1; t != flat.net_terminals_end(net);
           ++t) {
        ++sunk_begin[*t + 1];
      }
    }
    for (std::size_t i = 1; i <= n; ++i) {
      driven_begin[i] += driven_begin[i - 1];
      sunk_begin[i] += sunk_begin[i - 1];
    }
    driven.resize(driven_begin[n]);
    sunk.resize(sunk_begin[n]);
    std::vector<std::int32_t> next_driven(driven_begin.begin(), driven_begin.end() - 1);
    std::vector<std::int32_t> next_sunk(sunk_begin.begin(), sunk_begin.end() - 1);
    for (NetId net = 0; net < flat.num_nets(); ++net) {
      if (!usable[net]) continue;
      driven[next_driven[flat.net_driver(net)]++] = net;
      for (const NodeId* t = flat.net_terminals_begin(net) + 1; t != flat.net_terminals_end(net);
           ++t) {
        sunk[next_sunk[*t]++] = net;
      }
    }
  }
};

enum Side { kTop = 0, kRight = 1, kBottom = 2, kLeft = 3 };

// CT's get_side: which side of the canvas diagonals a point lies on.
Side side_of(double x, double y, double width, double height) {
  const double mx = x * height / width;
  if (y > mx) return y > height - mx ? kTop : kLeft;
  return y > height - mx ? kRight : kBottom;
}

struct Centroid {
  double x = 0, y = 0;
};

// Area-weighted centroid of each cluster's cells (the plain mean when they have no area).
std::vector<Centroid> cluster_centroids(const Netlist& flat, const ClusterAssignment& assignment) {
  const auto k = static_cast<std::size_t>(assignment.num_clusters);
  std::vector<double> sx(k, 0), sy(k, 0), area(k, 0), mx(k, 0), my(k, 0), count(k, 0);
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    const std::int32_t c = assignment.cluster_of[node];
    if (c < 0 || flat.kind(node) != NodeKind::kStdCell) continue;
    const double a = flat.width(node) * flat.height(node);
    sx[c] += a * flat.x(node);
    sy[c] += a * flat.y(node);
    area[c] += a;
    mx[c] += flat.x(node);
    my[c] += flat.y(node);
    count[c] += 1;
  }
  std::vector<Centroid> centroids(k);
  for (std::size_t c = 0; c < k; ++c) {
    if (area[c] > 1e-9) {
      centroids[c] = {sx[c] / area[c], sy[c] / area[c]};
    } else if (count[c] > 0) {
      centroids[c] = {mx[c] / count[c], my[c] / count[c]};
    }
  }
  return centroids;
}

// Dense ids in order of each cluster's first cell; empty clusters vanish.
void renumber_clusters(const Netlist& flat, ClusterAssignment* assignment) {
  std::vector<std::int32_t> new_id(static_cast<std::size_t>(assignment->num_clusters), -1);
  std::int32_t next = 0;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    std::int32_t& c = assignment->cluster_of[node];
    if (c < 0) continue;
    if (new_id[c] < 0) new_id[c] = next++;
    c = new_id[c];
  }
  assignment->num_clusters = next;
}

// CT's x_bucket / y_bucket: which slice of width `distance` around `centre` holds `value`.
int bucket(double value, double span, double distance, double centre) {
  if (span < distance) return 0;
  const double steps = std::clamp((value - centre) / distance, -1e9, 1e9);
  return static_cast<int>(value > centre ? 0.5 + steps : -0.5 + steps);
}

std::int32_t find_root(std::vector<std::int32_t>* parent, std::int32_t c) {
  while ((*parent)[c] != c) {
    (*parent)[c] = (*parent)[(*parent)[c]];
    c = (*parent)[c];
  }
  return c;
}

}  // namespace

Status ClusteringOptions::validate() const {
  auto positive = [](double value) { return std::isfinite(value) && value > 0; };
  if (!positive(canvas_width) || !positive(canvas_height)) {
    return Status::error("clustering: the canvas width and height must be positive");
  }
  if (columns < 1 || rows < 1) {
    return Status::error("clustering: the grid needs at least one column and one row");
  }
  if (target_clusters < 1) return Status::error("clustering: target_clusters must be at least 1");
  if (!std::isfinite(imbalance) || imbalance <= 0 || imbalance > 10) {
    return Status::error("clustering: imbalance must be in (0, 10]");
  }
  if (metis_runs < 1 || metis_runs > 100) {
    return Status::error("clustering: metis_runs must be in 1..100");
  }
  if (clique_max_terminals < 2) {
    return Status::error("clustering: clique_max_terminals must be at least 2");
  }
  if (max_graph_edges < 1) return Status::error("clustering: max_graph_edges must be positive");
  if (max_fanout < 1) return Status::error("clustering: max_fanout must be at least 1");
  if (fixed_logic_levels < 0) {
    return Status::error("clustering: fixed_logic_levels must not be negative");
  }
  if (!std::isfinite(break_up_distance) || break_up_distance < 0 ||
      !std::isfinite(merge_distance) || merge_distance < 0) {
    return Status::error("clustering: break-up and merge distances must not be negative");
  }
  if (!std::isfinite(merge_size_fraction) || merge_size_fraction < 0) {
    return Status::error("clustering: merge_size_fraction must not be negative");
  }
  if (!positive(bloating_ratio))
    return Status::error("clustering: bloating_ratio must be positive");
  return Status();
}

Rect default_canvas(const Netlist& flat, double target_utilization) {
  if (flat.canvas) return *flat.canvas;
  const double side = std::sqrt(flat.counts().total_area() / target_utilization);
  return Rect{0, 0, side, side};
}

bool has_cell_positions(const Netlist& flat) {
  bool first = true;
  double x0 = 0, y0 = 0;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) != NodeKind::kStdCell) continue;
    if (first) {
      x0 = flat.x(node);
      y0 = flat.y(node);
      first = false;
    } else if (flat.x(node) != x0 || flat.y(node) != y0) {
      return true;
    }
  }
  return false;
}

std::vector<std::int32_t> fixed_groups(const Netlist& flat, const ClusteringOptions& options) {
  const auto n = static_cast<std::size_t>(flat.num_nodes());
  std::vector<std::int32_t> group(n, -1);
  // Each hard macro's pins.
  std::vector<std::int32_t> group_of_macro(n, -1);
  std::int32_t next = 0;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) == NodeKind::kHardMacro) group_of_macro[node] = next++;
  }
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) != NodeKind::kHardMacroPin) continue;
    const NodeId owner = flat.pin_owner(node);
    if (owner >= 0 && group_of_macro[owner] >= 0) group[node] = group_of_macro[owner];
  }
  // Ports by side, in runs no longer than one grid cell.
  std::vector<std::pair<double, NodeId>> ports_at_side[4];
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) != NodeKind::kPort) continue;
    const Side side =
        side_of(flat.x(node), flat.y(node), options.canvas_width, options.canvas_height);
    const double key = side == kLeft || side == kRight ? flat.y(node) : flat.x(node);
    ports_at_side[side].emplace_back(key, node);
  }
  for (int side = 0; side < 4; ++side) {
    if (side > 0 && !ports_at_side[side - 1].empty()) ++next;
    std::vector<std::pair<double, NodeId>>& ports = ports_at_side[side];
    if (ports.empty()) continue;
    const double distance = side == kLeft || side == kRight
                                ? options.canvas_height / options.rows
                                : options.canvas_width / options.columns;
    std::stable_sort(ports.begin(), ports.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    double last = ports.front().first;
    for (const auto& [coordinate, node] : ports) {
      if (coordinate - last > distance) {
        ++next;
        last = coordinate;
      }
      group[node] = next;
    }
  }
  // Logic levels: std cells next to a grouped node join its group, lower node index first.
  const std::vector<char> usable = usable_nets(flat, options.max_fanout);
  const Incidence incidence(flat, usable);
  std::vector<std::pair<NodeId, std::int32_t>> grouped;
  for (std::int32_t level = 0; level < options.fixed_logic_levels; ++level) {
    grouped.clear();
    for (NodeId node = 0; node < flat.num_nodes(); ++node) {
      if (group[node] >= 0) grouped.emplace_back(node, group[node]);
    }
    auto take = [&](NodeId node, std::int32_t g) {
      if (group[node] < 0 && flat.kind(node) == NodeKind::kStdCell) group[node] = g;
    };
    for (const auto& [node, g] : grouped) {
      for (std::int32_t i = incidence.driven_begin[node]; i < incidence.driven_begin[node + 1];
           ++i) {
        const NetId net = incidence.driven[i];
        for (const NodeId* t = flat.net_terminals_begin(net) + 1; t != flat.net_terminals_end(net);
             ++t) {
          take(*t, g);
        }
      }
      for (std::int32_t i = incidence.sunk_begin[node]; i < incidence.sunk_begin[node + 1]; ++i) {
        take(flat.net_driver(incidence.sunk[i]), g);
      }
    }
  }
  return group;
}

std::int32_t break_up_clusters(const Netlist& flat, double distance,
                               ClusterAssignment* assignment) {
  const std::int32_t initial = assignment->num_clusters;
  const auto k = static_cast<std::size_t>(initial);
  // Members by cluster, in node order.
  std::vector<std::int32_t> begin(k + 1, 0);
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    const std::int32_t c = assignment->cluster_of[node];
    if (c >= 0 && flat.kind(node) == NodeKind::kStdCell) ++begin[c + 1];
  }
  for (std::size_t c = 1; c <= k; ++c) begin[c] += begin[c - 1];
  std::vector<NodeId> members(static_cast<std::size_t>(begin[k]));
  {
    std::vector<std::int32_t> next(begin.begin(), begin.end() - 1);
    for (NodeId node = 0; node < flat.num_nodes(); ++node) {
      const std::int32_t c = assignment->cluster_of[node];
      if (c >= 0 && flat.kind(node) == NodeKind::kStdCell) members[next[c]++] = node;
    }
  }
  const std::vector<Centroid> centroids = cluster_centroids(flat, *assignment);
  for (std::int32_t c = 0; c < initial; ++c) {
    if (begin[c] == begin[c + 1]) continue;
    Rect box{1e300, 1e300, -1e300, -1e300};
    for (std::int32_t i = begin[c]; i < begin[c + 1]; ++i) {
      const NodeId node = members[i];
      box.x0 = std::min(box.x0, flat.x(node));
      box.x1 = std::max(box.x1, flat.x(node));
      box.y0 = std::min(box.y0, flat.y(node));
      box.y1 = std::max(box.y1, flat.y(node));
    }
    if (box.width() <= distance && box.height() <= distance) continue;
    std::map<std::pair<int, int>, std::int32_t> cluster_of_bucket;
    for (std::int32_t i = begin[c]; i < begin[c + 1]; ++i) {
      const NodeId node = members[i];
      const int bx = bucket(flat.x(node), box.width(), distance, centroids[c].x);
      const int by = bucket(flat.y(node), box.height(), distance, centroids[c].y);
      if (bx == 0 && by == 0) continue;
      auto [it, inserted] = cluster_of_bucket.emplace(std::make_pair(bx, by), 0);
      if (inserted) it->second = assignment->num_clusters++;
      assignment->cluster_of[node] = it->second;
    }
  }
  return assignment->num_clusters - initial;
}

std::int32_t merge_small_clusters(const Netlist& flat, std::int32_t max_cells,
                                  std::optional<double> max_distance, std::int32_t max_fanout,
                                  ClusterAssignment* assignment) {
  const std::vector<char> usable = usable_nets(flat, max_fanout);
  std::int32_t merged = 0;
  std::vector<std::int32_t> clusters_of_net;
  std::vector<std::pair<std::int32_t, double>> totals;
  for (;;) {
    const auto k = static_cast<std::size_t>(assignment->num_clusters);
    std::vector<std::int64_t> size(k, 0);
    for (NodeId node = 0; node < flat.num_nodes(); ++node) {
      const std::int32_t c = assignment->cluster_of[node];
      if (c >= 0 && flat.kind(node) == NodeKind::kStdCell) ++size[c];
    }
    std::vector<char> small(k, 0);
    for (std::size_t c = 0; c < k; ++c) small[c] = size[c] > 0 && size[c] <= max_cells ? 1 : 0;
    // Net weight each small cluster shares with each other cluster.
    std::vector<std::vector<std::pair<std::int32_t, double>>> shared(k);
    for (NetId net = 0; net < flat.num_nets(); ++net) {
      if (!usable[net]) continue;
      clusters_of_net.clear();
      for (const NodeId* t = flat.net_terminals_begin(net); t != flat.net_terminals_end(net); ++t) {
        if (flat.kind(*t) == NodeKind::kStdCell && assignment->cluster_of[*t] >= 0) {
          clusters_of_net.push_back(assignment->cluster_of[*t]);
        }
      }
      std::sort(clusters_of_net.begin(), clusters_of_net.end());
      clusters_of_net.erase(std::unique(clusters_of_net.begin(), clusters_of_net.end()),
                            clusters_of_net.end());
      if (clusters_of_net.size() < 2) continue;
      for (const std::int32_t a : clusters_of_net) {
        if (!small[a]) continue;
        for (const std::int32_t b : clusters_of_net) {
          if (b != a) shared[a].emplace_back(b, flat.net_weight(net));
        }
      }
    }
    const std::vector<Centroid> centroids = cluster_centroids(flat, *assignment);
    std::vector<std::int32_t> parent(k);
    for (std::size_t c = 0; c < k; ++c) parent[c] = static_cast<std::int32_t>(c);
    std::int32_t merged_now = 0;
    for (std::int32_t a = 0; a < static_cast<std::int32_t>(k); ++a) {
      if (!small[a] || parent[a] != a || size[a] > max_cells || size[a] == 0) continue;
      totals.clear();
      for (const auto& [b, weight] : shared[a]) {
        const std::int32_t root = find_root(&parent, b);
        if (root != a) totals.emplace_back(root, weight);
      }
      std::sort(totals.begin(), totals.end());
      std::int32_t best = -1;
      double best_weight = 0;
      for (std::size_t i = 0; i < totals.size();) {
        const std::int32_t b = totals[i].first;
        double weight = 0;
        for (; i < totals.size() && totals[i].first == b; ++i) weight += totals[i].second;
        if (max_distance && std::fabs(centroids[a].x - centroids[b].x) +
                                    std::fabs(centroids[a].y - centroids[b].y) >
                                *max_distance) {
          continue;
        }
        if (weight > best_weight) {
          best_weight = weight;
          best = b;
        }
      }
      if (best < 0) continue;
      parent[a] = best;
      size[best] += size[a];
      size[a] = 0;
      ++merged_now;
    }
    if (merged_now == 0) break;
    merged += merged_now;
    for (NodeId node = 0; node < flat.num_nodes(); ++node) {
      std::int32_t& c = assignment->cluster_of[node];
      if (c >= 0) c = find_root(&parent, c);
    }
    renumber_clusters(flat, assignment);
  }
  renumber_clusters(flat, assignment);
  return merged;
}

ClusteringResult cluster_netlist(const Netlist& flat, const ClusteringOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  ClusteringResult result;
  ClusteringReport& report = result.report;
  if (Status status = options.validate(); !status.ok()) {
    result.status = status;
    return result;
  }
  const NetlistCounts counts = flat.counts();
  if (counts.soft_macros > 0 || counts.soft_macro_pins > 0) {
    result.status = Status::error(
        "clustering: the netlist already has soft macros; clustering needs a flat netlist");
    return result;
  }
  if (counts.std_cells == 0) {
    result.status = Status::error("clustering: the netlist has no standard cells to cluster");
    return result;
  }

  // Graph vertices: one per fixed group in use, then one per free std cell.
  const std::vector<char> usable = usable_nets(flat, options.max_fanout);
  std::vector<std::int32_t> group = options.fixed_groups
                                        ? fixed_groups(flat, options)
                                        : std::vector<std::int32_t>(flat.num_nodes(), -1);
  internal::GraphVertices vertices;
  vertices.vertex_of_node.assign(static_cast<std::size_t>(flat.num_nodes()), -1);
  {
    std::int32_t max_group = -1;
    for (const std::int32_t g : group) max_group = std::max(max_group, g);
    std::vector<std::int32_t> vertex_of_group(static_cast<std::size_t>(max_group + 1), -1);
    for (const std::int32_t g : group) {
      if (g >= 0) vertex_of_group[g] = 0;
    }
    for (std::int32_t& v : vertex_of_group) {
      if (v == 0) v = vertices.num_fixed++;
    }
    vertices.num_vertices = vertices.num_fixed;
    for (NodeId node = 0; node < flat.num_nodes(); ++node) {
      if (group[node] >= 0) {
        vertices.vertex_of_node[node] = vertex_of_group[group[node]];
      } else if (flat.kind(node) == NodeKind::kStdCell) {
        vertices.vertex_of_node[node] = vertices.num_vertices++;
      }
    }
  }
  report.fixed_groups = vertices.num_fixed;

  internal::GraphPartition partition;
  if (Status status =
          internal::partition_graph(flat, usable, vertices, options, &partition, &report);
      !status.ok()) {
    result.status = status;
    return result;
  }
  ClusterAssignment& assignment = result.assignment;
  assignment.cluster_of.assign(static_cast<std::size_t>(flat.num_nodes()), -1);
  assignment.num_clusters = partition.num_labels;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) == NodeKind::kStdCell) {
      assignment.cluster_of[node] = partition.label[vertices.vertex_of_node[node]];
    }
  }
  renumber_clusters(flat, &assignment);
  report.after_partition = assignment.num_clusters;

  // Break-up and merge, as CT's break_up_and_merge.
  report.used_positions = options.use_cell_positions && has_cell_positions(flat);
  report.break_up_distance = options.break_up_distance > 0
                                 ? options.break_up_distance
                                 : std::sqrt(options.canvas_width * options.canvas_height / 16.0);
  report.merge_distance =
      options.merge_distance > 0 ? options.merge_distance : report.break_up_distance / 2;
  report.merge_max_cells =
      static_cast<std::int32_t>(std::floor(static_cast<double>(counts.std_cells) /
                                           assignment.num_clusters * options.merge_size_fraction));
  if (report.used_positions && options.break_up) {
    report.broken_off = break_up_clusters(flat, report.break_up_distance, &assignment);
  }
  if (options.merge_small && report.merge_max_cells > 0) {
    report.merged = merge_small_clusters(
        flat, report.merge_max_cells,
        report.used_positions ? std::optional<double>(report.merge_distance) : std::nullopt,
        options.max_fanout, &assignment);
  }
  renumber_clusters(flat, &assignment);
  report.clusters = assignment.num_clusters;

  ClusteredNetlistStats stats;
  result.status = build_clustered_netlist(flat, assignment, options, &result.clustered, &stats);
  report.dropped_high_fanout_nets = stats.dropped_high_fanout_nets;
  report.internal_nets = stats.internal_nets;
  report.cut_weight = stats.cut_weight;
  report.total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace macroplace::netlist
