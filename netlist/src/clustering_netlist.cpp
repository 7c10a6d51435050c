// The clustered netlist from a flat netlist and a cluster per std cell, laid out as Circuit
// Training's grouping writes it (circuit_training/grouping/grouping.py, write_grouped_netlist).
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "macroplace/netlist/clustering.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

constexpr std::string_view kBloatingKey = "soft_macro_area_bloating_ratio";

// Where a clustered net goes: a kept flat node (>= 0) or a cluster's input pin (-(c + 1)).
// Sorted, these keys give CT's order: clusters (highest id first), then nodes.
using Target = std::int64_t;
Target cluster_target(std::int32_t cluster) {
  return -static_cast<Target>(cluster) - 1;
}

struct MultiOutput {
  std::vector<Target> targets;
  double weight = 1;
};

// The distinct destinations of a net's sinks, sorted: kept nodes as themselves, std cells as
// their cluster.
void targets_of(const Netlist& flat, const ClusterAssignment& assignment, NetId net,
                std::vector<Target>* targets) {
  targets->clear();
  for (const NodeId* t = flat.net_terminals_begin(net) + 1; t != flat.net_terminals_end(net); ++t) {
    targets->push_back(flat.kind(*t) == NodeKind::kStdCell
                           ? cluster_target(assignment.cluster_of[*t])
                           : static_cast<Target>(*t));
  }
  std::sort(targets->begin(), targets->end());
  targets->erase(std::unique(targets->begin(), targets->end()), targets->end());
}

Status check_inputs(const Netlist& flat, const ClusterAssignment& assignment) {
  if (assignment.cluster_of.size() != static_cast<std::size_t>(flat.num_nodes())) {
    return Status::error("clustering: the assignment does not cover the netlist's nodes");
  }
  std::vector<char> used(static_cast<std::size_t>(std::max(assignment.num_clusters, 0)), 0);
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    const NodeKind kind = flat.kind(node);
    if (kind == NodeKind::kSoftMacro || kind == NodeKind::kSoftMacroPin) {
      return Status::error("clustering: the netlist already has soft macros ('" +
                           std::string(flat.name(node)) + "')");
    }
    if (kind == NodeKind::kStdCell) {
      const std::int32_t c = assignment.cluster_of[node];
      if (c < 0 || c >= assignment.num_clusters) {
        return Status::error("clustering: std cell '" + std::string(flat.name(node)) +
                             "' has no cluster");
      }
      used[c] = 1;
    } else if (flat.name(node).rfind("Grp_", 0) == 0) {
      return Status::error("clustering: node '" + std::string(flat.name(node)) +
                           "' would clash with the soft macros' names (Grp_*)");
    }
  }
  for (std::int32_t c = 0; c < assignment.num_clusters; ++c) {
    if (!used[c]) return Status::error("clustering: cluster " + std::to_string(c) + " is empty");
  }
  return Status();
}

}  // namespace

Status build_clustered_netlist(const Netlist& flat, const ClusterAssignment& assignment,
                               const ClusteringOptions& options, Netlist* out,
                               ClusteredNetlistStats* stats) {
  if (Status status = options.validate(); !status.ok()) return status;
  if (Status status = check_inputs(flat, assignment); !status.ok()) return status;
  ClusteredNetlistStats local_stats;
  ClusteredNetlistStats& counts = stats != nullptr ? *stats : local_stats;
  counts = ClusteredNetlistStats();
  const auto k = static_cast<std::size_t>(assignment.num_clusters);

  // Nets by driver, in node order (CT numbers a cluster's pins in the order of its cells).
  std::vector<std::int32_t> first_net(static_cast<std::size_t>(flat.num_nodes()) + 1, 0);
  for (NetId net = 0; net < flat.num_nets(); ++net) ++first_net[flat.net_driver(net) + 1];
  for (std::size_t i = 1; i < first_net.size(); ++i) first_net[i] += first_net[i - 1];
  std::vector<NetId> nets_by_driver(static_cast<std::size_t>(flat.num_nets()));
  {
    std::vector<std::int32_t> next(first_net.begin(), first_net.end() - 1);
    for (NetId net = 0; net < flat.num_nets(); ++net) {
      nets_by_driver[next[flat.net_driver(net)]++] = net;
    }
  }
  auto usable = [&](NetId net) { return flat.net_degree(net) - 1 <= options.max_fanout; };

  // Each cluster's outputs: one pin per cell net with several destinations, one per single
  // destination (weights summed).
  std::vector<std::vector<MultiOutput>> multi(k);
  std::vector<std::map<Target, double>> single(k);
  std::vector<Target> targets;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) != NodeKind::kStdCell) continue;
    const std::int32_t c = assignment.cluster_of[node];
    for (std::int32_t i = first_net[node]; i < first_net[node + 1]; ++i) {
      const NetId net = nets_by_driver[i];
      if (!usable(net)) {
        ++counts.dropped_high_fanout_nets;
        continue;
      }
      targets_of(flat, assignment, net, &targets);
      targets.erase(std::remove(targets.begin(), targets.end(), cluster_target(c)), targets.end());
      if (targets.empty()) {
        ++counts.internal_nets;
      } else if (targets.size() == 1) {
        single[c][targets[0]] += flat.net_weight(net);
      } else {
        multi[c].push_back({targets, flat.net_weight(net)});
      }
    }
  }

  // Nodes: everything but std cells, in file order; then each cluster with its pins.
  *out = Netlist();
  out->reserve(static_cast<std::size_t>(flat.num_nodes()), 0);
  std::vector<NodeId> new_id(static_cast<std::size_t>(flat.num_nodes()), kNoNode);
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    const NodeKind kind = flat.kind(node);
    if (kind == NodeKind::kStdCell) continue;
    NodeId id = kNoNode;
    if (is_pin(kind)) {
      id = out->add_pin(kNoNode, kind, flat.name(node), flat.pin_offset_x(node),
                        flat.pin_offset_y(node));
    } else {
      id = out->add_node(kind, flat.name(node), flat.width(node), flat.height(node), flat.x(node),
                         flat.y(node));
      out->set_orientation(id, flat.orientation(node));
      out->set_allowed_orientations(id, flat.allowed_orientations(node));
      out->set_fixed(id, flat.fixed(node));
      if (!flat.port_side(node).empty()) out->set_port_side(id, flat.port_side(node));
      if (!flat.ref_name(node).empty()) out->set_ref_name(id, flat.ref_name(node));
    }
    new_id[node] = id;
  }
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (!is_pin(flat.kind(node))) continue;
    const NodeId owner = flat.pin_owner(node);
    if (owner < 0 || new_id[owner] == kNoNode) {
      return Status::error("clustering: pin '" + std::string(flat.name(node)) + "' has no macro");
    }
    out->set_pin_owner(new_id[node], new_id[owner]);
  }

  // Soft macros: area = cells' area x bloating, at the cells' area-weighted centroid.
  std::vector<double> area(k, 0), sx(k, 0), sy(k, 0), mx(k, 0), my(k, 0), cells(k, 0);
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) != NodeKind::kStdCell) continue;
    const std::int32_t c = assignment.cluster_of[node];
    const double a = flat.width(node) * flat.height(node);
    area[c] += a;
    sx[c] += a * flat.x(node);
    sy[c] += a * flat.y(node);
    mx[c] += flat.x(node);
    my[c] += flat.y(node);
    cells[c] += 1;
  }
  const bool placed = has_cell_positions(flat);
  std::vector<NodeId> input_pin(k, kNoNode);
  std::vector<std::vector<NodeId>> multi_pin(k), single_pin(k);
  for (std::size_t c = 0; c < k; ++c) {
    const std::string name = "Grp_" + std::to_string(c);
    const double soft_area = area[c] * options.bloating_ratio;
    double width = 0, height = 0;
    if (options.shape == SoftMacroShape::kGridColumnWidth) {
      width = options.canvas_width / options.columns;
      height = soft_area / width;
    } else {
      width = height = std::sqrt(soft_area);
    }
    double x = options.canvas_width / 2, y = options.canvas_height / 2;
    if (placed && area[c] > 1e-9) {
      x = sx[c] / area[c];
      y = sy[c] / area[c];
    } else if (placed) {
      x = mx[c] / cells[c];
      y = my[c] / cells[c];
    }
    const NodeId macro = out->add_node(NodeKind::kSoftMacro, name, width, height, x, y);
    multi_pin[c].reserve(multi[c].size());
    for (std::size_t i = 0; i < multi[c].size(); ++i) {
      multi_pin[c].push_back(out->add_pin(macro, NodeKind::kSoftMacroPin,
                                          name + "/Poutput_multi_" + std::to_string(i), 0, 0));
    }
    single_pin[c].reserve(single[c].size());
    for (std::size_t i = 0; i < single[c].size(); ++i) {
      single_pin[c].push_back(out->add_pin(macro, NodeKind::kSoftMacroPin,
                                           name + "/Poutput_single_" + std::to_string(i), 0, 0));
    }
    input_pin[c] = out->add_pin(macro, NodeKind::kSoftMacroPin, name + "/Pinput", 0, 0);
  }

  // Nets.
  auto node_of = [&](Target target) {
    return target >= 0 ? new_id[target] : input_pin[static_cast<std::size_t>(-target - 1)];
  };
  std::vector<NodeId> terminals;
  auto add_net = [&](NodeId driver, const std::vector<Target>& sinks, double weight) {
    terminals.clear();
    terminals.push_back(driver);
    for (const Target target : sinks) terminals.push_back(node_of(target));
    out->add_net(terminals.data(), terminals.size(), weight);
  };
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) == NodeKind::kStdCell) continue;
    for (std::int32_t i = first_net[node]; i < first_net[node + 1]; ++i) {
      const NetId net = nets_by_driver[i];
      if (!usable(net)) {
        ++counts.dropped_high_fanout_nets;
        continue;
      }
      targets_of(flat, assignment, net, &targets);
      add_net(new_id[node], targets, flat.net_weight(net));
    }
  }
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t i = 0; i < multi[c].size(); ++i) {
      add_net(multi_pin[c][i], multi[c][i].targets, multi[c][i].weight);
      counts.cut_weight += multi[c][i].weight;
    }
    std::size_t i = 0;
    for (const auto& [target, weight] : single[c]) {
      add_net(single_pin[c][i++], {target}, weight);
      counts.cut_weight += weight;
    }
  }

  // Design-level data: the chosen canvas, blockages, the bloating ratio in the metadata.
  out->canvas = Rect{0, 0, options.canvas_width, options.canvas_height};
  out->blockages = flat.blockages;
  out->block_name = flat.block_name;
  for (const MetadataAttribute& attribute : flat.metadata) {
    if (attribute.key != kBloatingKey) out->metadata.push_back(attribute);
  }
  MetadataAttribute bloating;
  bloating.key = std::string(kBloatingKey);
  internal::append_number(&bloating.value, options.bloating_ratio);
  out->metadata.push_back(bloating);
  return out->validate();
}

double soft_macro_cut_weight(const Netlist& clustered) {
  double weight = 0;
  for (NetId net = 0; net < clustered.num_nets(); ++net) {
    if (clustered.kind(clustered.net_driver(net)) == NodeKind::kSoftMacroPin) {
      weight += clustered.net_weight(net);
    }
  }
  return weight;
}

}  // namespace macroplace::netlist
