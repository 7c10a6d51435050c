// The graph model of a flat netlist and its partition. The graph lives once, in a Boost
// compressed-sparse-row graph whose row starts and columns are exactly METIS's xadj and adjncy;
// the breadth-first searches after METIS run on the same graph, filtered to the edges inside a
// part.
#include "clustering_graph.h"

#include <metis.h>

#include <algorithm>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/pending/queue.hpp>
#include <chrono>
#include <cmath>
#include <string>
#include <utility>

#include "metis_signals.h"

namespace macroplace::netlist::internal {

namespace {

using Graph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                       boost::no_property, idx_t, idx_t>;

// Net weights become integers for METIS at this many units per unit of weight, so that a clique
// edge of a 10-terminal net (1/9) still counts 111.
constexpr double kEdgeScale = 1000.0;
constexpr double kMaxTotalEdgeWeight = 1e9;
// The average std cell weighs this much in METIS's vertex weights.
constexpr double kMeanVertexWeight = 100.0;
constexpr double kMaxTotalVertexWeight = 1e9;
constexpr idx_t kMinVerticesPerPart = 10;

struct HalfEdge {
  idx_t from = 0, to = 0;
  double weight = 0;
};

// The largest net (in terminals) modelled as a clique: options.clique_max_terminals, lowered
// until the model's half-edges fit options.max_graph_edges (cliques grow with the square).
std::size_t clique_limit(const Netlist& flat, const std::vector<char>& usable_net,
                         const ClusteringOptions& options, std::size_t* half_edges) {
  auto limit = static_cast<std::size_t>(options.clique_max_terminals);
  std::vector<std::size_t> nets_of_degree(limit + 1, 0);
  std::size_t star_terminals = 0;
  for (NetId net = 0; net < flat.num_nets(); ++net) {
    if (!usable_net[net]) continue;
    const auto degree = static_cast<std::size_t>(flat.net_degree(net));
    if (degree <= limit) {
      ++nets_of_degree[degree];
    } else {
      star_terminals += degree;
    }
  }
  std::size_t total = 2 * star_terminals;
  for (std::size_t d = 2; d <= limit; ++d) total += nets_of_degree[d] * d * (d - 1);
  const auto budget = static_cast<std::size_t>(options.max_graph_edges);
  while (total > budget && limit > 2) {
    total -= nets_of_degree[limit] * (limit * (limit - 1) - 2 * limit);
    --limit;
  }
  *half_edges = total;
  return limit;
}

// Both directions of every edge of the clique or star model of each usable net.
std::vector<HalfEdge> net_edges(const Netlist& flat, const std::vector<char>& usable_net,
                                const GraphVertices& vertices, const ClusteringOptions& options) {
  std::size_t estimate = 0;
  const std::size_t clique_max = clique_limit(flat, usable_net, options, &estimate);
  std::vector<HalfEdge> edges;
  edges.reserve(estimate);
  std::vector<idx_t> terminals;
  for (NetId net = 0; net < flat.num_nets(); ++net) {
    if (!usable_net[net]) continue;
    terminals.clear();
    for (const NodeId* t = flat.net_terminals_begin(net); t != flat.net_terminals_end(net); ++t) {
      const std::int32_t vertex = vertices.vertex_of_node[*t];
      if (vertex >= 0) terminals.push_back(vertex);
    }
    const idx_t driver = vertices.vertex_of_node[flat.net_driver(net)];
    std::sort(terminals.begin(), terminals.end());
    terminals.erase(std::unique(terminals.begin(), terminals.end()), terminals.end());
    const auto count = static_cast<double>(terminals.size());
    if (terminals.size() < 2) continue;
    const double weight = flat.net_weight(net);
    if (terminals.size() <= clique_max) {
      const double edge_weight = weight / (count - 1);
      for (std::size_t i = 0; i < terminals.size(); ++i) {
        for (std::size_t j = i + 1; j < terminals.size(); ++j) {
          edges.push_back({terminals[i], terminals[j], edge_weight});
          edges.push_back({terminals[j], terminals[i], edge_weight});
        }
      }
    } else {
      // A star around the driver, weighted so that its total equals the clique's (w p / 2).
      const idx_t centre = driver >= 0 ? driver : terminals[0];
      const double edge_weight = weight * count / (2 * (count - 1));
      for (const idx_t other : terminals) {
        if (other == centre) continue;
        edges.push_back({centre, other, edge_weight});
        edges.push_back({other, centre, edge_weight});
      }
    }
  }
  return edges;
}

// Keeps the edges whose two ends lie in the same part.
struct SamePart {
  const Graph* graph = nullptr;
  const std::vector<idx_t>* part = nullptr;
  template <typename Edge>
  bool operator()(const Edge& edge) const {
    return (*part)[boost::source(edge, *graph)] == (*part)[boost::target(edge, *graph)];
  }
};

// Gives each newly reached vertex the label of the vertex it was reached from.
class SpreadLabel : public boost::default_bfs_visitor {
 public:
  explicit SpreadLabel(std::vector<std::int32_t>* label) : label_(label) {}
  template <typename Edge, typename G>
  void tree_edge(const Edge& edge, const G& graph) const {
    (*label_)[boost::target(edge, graph)] = (*label_)[boost::source(edge, graph)];
  }

 private:
  std::vector<std::int32_t>* label_;
};

// Gives every vertex it reaches one label: a connected piece.
class MarkPiece : public boost::default_bfs_visitor {
 public:
  MarkPiece(std::vector<std::int32_t>* label, std::int32_t piece) : label_(label), piece_(piece) {}
  template <typename V, typename G>
  void discover_vertex(V vertex, const G& /*graph*/) const {
    (*label_)[vertex] = piece_;
  }

 private:
  std::vector<std::int32_t>* label_;
  std::int32_t piece_;
};

}  // namespace

Status partition_graph(const Netlist& flat, const std::vector<char>& usable_net,
                       const GraphVertices& vertices, const ClusteringOptions& options,
                       GraphPartition* partition, ClusteringReport* report) {
  const idx_t n = vertices.num_vertices;
  partition->label.assign(static_cast<std::size_t>(n), -1);
  partition->num_labels = 0;
  if (n == 0) return Status();

  // Edges: both directions, parallel ones summed, sorted by (from, to) as the CSR graph wants.
  std::vector<HalfEdge> half_edges = net_edges(flat, usable_net, vertices, options);
  std::sort(half_edges.begin(), half_edges.end(), [](const HalfEdge& a, const HalfEdge& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  std::vector<std::pair<idx_t, idx_t>> endpoints;
  std::vector<double> summed;
  endpoints.reserve(half_edges.size());
  summed.reserve(half_edges.size());
  for (const HalfEdge& edge : half_edges) {
    if (!endpoints.empty() && endpoints.back().first == edge.from &&
        endpoints.back().second == edge.to) {
      summed.back() += edge.weight;
    } else {
      endpoints.emplace_back(edge.from, edge.to);
      summed.push_back(edge.weight);
    }
  }
  half_edges = std::vector<HalfEdge>();
  // Integer weights whose total METIS can add up in its 32-bit integers.
  double total_weight = 0;
  for (const double weight : summed) total_weight += weight;
  const double edge_scale =
      total_weight > 0 ? std::min(kEdgeScale, kMaxTotalEdgeWeight / total_weight) : kEdgeScale;
  std::vector<idx_t> edge_weight(summed.size());
  for (std::size_t e = 0; e < summed.size(); ++e) {
    edge_weight[e] = static_cast<idx_t>(std::max(1LL, std::llround(summed[e] * edge_scale)));
  }
  summed = std::vector<double>();
  Graph graph(boost::edges_are_sorted, endpoints.begin(), endpoints.end(), n);
  endpoints = std::vector<std::pair<idx_t, idx_t>>();
  report->graph_vertices = n;
  report->graph_edges = static_cast<std::int64_t>(boost::num_edges(graph) / 2);

  // Vertex weights: std-cell area, the average cell weighing kMeanVertexWeight.
  std::vector<double> area(static_cast<std::size_t>(n), 0.0);
  double total_area = 0;
  std::int64_t cells = 0;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    const std::int32_t vertex = vertices.vertex_of_node[node];
    if (vertex < 0 || flat.kind(node) != NodeKind::kStdCell) continue;
    const double cell_area = flat.width(node) * flat.height(node);
    area[vertex] += cell_area;
    total_area += cell_area;
    ++cells;
  }
  double scale = 0;
  if (total_area > 0 && cells > 0) {
    scale = kMeanVertexWeight * static_cast<double>(cells) / total_area;
    if (total_area * scale > kMaxTotalVertexWeight) scale = kMaxTotalVertexWeight / total_area;
  }
  std::vector<idx_t> vertex_weight(static_cast<std::size_t>(n));
  for (idx_t v = 0; v < n; ++v) {
    vertex_weight[v] = static_cast<idx_t>(std::max(1LL, std::llround(area[v] * scale)));
  }

  // METIS: k-way, minimum edge cut, balanced by area.
  const auto start = std::chrono::steady_clock::now();
  // METIS leaves parts empty, and complains on stdout, when its coarsest graph has too few
  // vertices for the parts; at least kMinVerticesPerPart vertices per part keeps it clear.
  idx_t parts = std::min<idx_t>(options.target_clusters + vertices.num_fixed,
                                std::max<idx_t>(1, n / kMinVerticesPerPart));
  std::vector<idx_t> part(static_cast<std::size_t>(n), 0);
  report->metis_parts = parts;
  if (parts > 1 && boost::num_edges(graph) == 0) {
    for (idx_t v = 0; v < n; ++v) {
      part[v] = static_cast<idx_t>(static_cast<std::int64_t>(v) * parts / n);
    }
  } else if (parts > 1) {
    idx_t metis_options[METIS_NOPTIONS];
    METIS_SetDefaultOptions(metis_options);
    metis_options[METIS_OPTION_OBJTYPE] = METIS_OBJTYPE_CUT;
    metis_options[METIS_OPTION_SEED] = static_cast<idx_t>(options.seed % 2147483647ULL);
    metis_options[METIS_OPTION_NCUTS] = options.metis_runs;
    metis_options[METIS_OPTION_NUMBERING] = 0;
    metis_options[METIS_OPTION_UFACTOR] =
        static_cast<idx_t>(std::max(1L, std::lround(options.imbalance * 1000)));
    idx_t vertex_count = n, constraints = 1, edge_cut = 0;
    const SignalsHeldFromMetis held;
    const int status = METIS_PartGraphKway(
        &vertex_count, &constraints, graph.m_forward.m_rowstart.data(),
        graph.m_forward.m_column.data(), vertex_weight.data(), nullptr, edge_weight.data(), &parts,
        nullptr, nullptr, metis_options, &edge_cut, part.data());
    if (status != METIS_OK) {
      return Status::error("METIS could not partition the graph (" + std::to_string(n) +
                           " vertices, " + std::to_string(parts) + " parts): error " +
                           std::to_string(status));
    }
    report->metis_edge_cut = edge_cut;
  }
  report->partition_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Labels. Fixed groups first: each spreads through its part, nearest group first.
  std::vector<std::int32_t>& label = partition->label;
  const SamePart same_part{&graph, &part};
  const boost::filtered_graph<Graph, SamePart> inside(graph, same_part);
  std::vector<boost::default_color_type> color(static_cast<std::size_t>(n));
  const auto color_map =
      boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, graph));
  boost::queue<idx_t> queue;
  std::vector<idx_t> sources(static_cast<std::size_t>(vertices.num_fixed));
  for (std::int32_t f = 0; f < vertices.num_fixed; ++f) {
    sources[f] = f;
    label[f] = f;
  }
  std::int32_t next_label = vertices.num_fixed;
  boost::breadth_first_search(inside, sources.begin(), sources.end(), queue, SpreadLabel(&label),
                              color_map);
  // Then what no fixed group reached: each connected piece of a part (or the whole rest of the
  // part) becomes a cluster.
  std::vector<char> part_has_label(static_cast<std::size_t>(parts), 0);
  std::vector<std::int32_t> rest_of_part(static_cast<std::size_t>(parts), -1);
  for (std::int32_t f = 0; f < vertices.num_fixed; ++f) part_has_label[part[f]] = 1;
  for (idx_t v = 0; v < n; ++v) {
    if (label[v] >= 0 || boost::out_degree(v, graph) == 0) continue;
    if (part_has_label[part[v]]) {
      if (options.split_disconnected || rest_of_part[part[v]] < 0) ++report->split_off;
    }
    part_has_label[part[v]] = 1;
    if (options.split_disconnected) {
      boost::breadth_first_visit(inside, v, queue, MarkPiece(&label, next_label++), color_map);
    } else {
      if (rest_of_part[part[v]] < 0) rest_of_part[part[v]] = next_label++;
      label[v] = rest_of_part[part[v]];
    }
  }
  // Vertices without edges join the first label of their part (or one new label per part).
  std::vector<std::int32_t> first_label(static_cast<std::size_t>(parts), -1);
  for (idx_t v = 0; v < n; ++v) {
    if (label[v] >= 0 && first_label[part[v]] < 0) first_label[part[v]] = label[v];
  }
  for (idx_t v = 0; v < n; ++v) {
    if (label[v] >= 0) continue;
    if (first_label[part[v]] < 0) first_label[part[v]] = next_label++;
    label[v] = first_label[part[v]];
  }
  partition->num_labels = next_label;
  return Status();
}

}  // namespace macroplace::netlist::internal
