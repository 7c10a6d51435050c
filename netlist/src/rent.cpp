#include "macroplace/netlist/rent.h"

#include <metis.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "macroplace/base/line_fit.h"
#include "metis_signals.h"

namespace macroplace::netlist {

namespace {

constexpr std::int32_t kMinBlockCells = 4;
// Blocks of a half and a quarter of the design are left out of the fit: there the design's few
// ports hold the terminals below the power law (Rent's region II).
constexpr std::uint64_t kFirstFittedLevel = 3;
constexpr std::size_t kMaxCliqueCells = 16;
// A net's clique edges share this weight, so that a wide net is not worth more to keep
// uncut than a 2-pin one (integer weights for METIS).
constexpr idx_t kNetWeight = 1000;

struct CellNets {
  std::vector<std::vector<std::int32_t>> cells;  // per net: its distinct cells
  std::vector<char> has_port;                    // per net
};

CellNets cell_nets(const Netlist& netlist, const std::vector<std::int32_t>& cell_of) {
  CellNets nets;
  nets.cells.resize(static_cast<std::size_t>(netlist.num_nets()));
  nets.has_port.assign(static_cast<std::size_t>(netlist.num_nets()), 0);
  for (NetId net = 0; net < netlist.num_nets(); ++net) {
    auto& cells = nets.cells[net];
    for (const NodeId* t = netlist.net_terminals_begin(net); t != netlist.net_terminals_end(net);
         ++t) {
      const NodeId owner = is_pin(netlist.kind(*t)) ? netlist.pin_owner(*t) : *t;
      if (owner < 0) continue;
      if (netlist.kind(owner) == NodeKind::kPort) nets.has_port[net] = 1;
      if (cell_of[owner] >= 0) cells.push_back(cell_of[owner]);
    }
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
  }
  return nets;
}

// The cells' graph in compressed rows: clique edges of every net of 2-16 cells, merged.
struct CellGraph {
  std::vector<idx_t> row_start, column, weight;
};

CellGraph cell_graph(const CellNets& nets, std::int32_t num_cells) {
  std::vector<std::tuple<idx_t, idx_t, idx_t>> edges;
  for (const auto& cells : nets.cells) {
    if (cells.size() < 2 || cells.size() > kMaxCliqueCells) continue;
    const idx_t w = std::max<idx_t>(1, kNetWeight / static_cast<idx_t>(cells.size() - 1));
    for (std::size_t i = 0; i < cells.size(); ++i) {
      for (std::size_t j = i + 1; j < cells.size(); ++j) {
        edges.emplace_back(cells[i], cells[j], w);
        edges.emplace_back(cells[j], cells[i], w);
      }
    }
  }
  std::sort(edges.begin(), edges.end());
  CellGraph graph;
  graph.row_start.assign(static_cast<std::size_t>(num_cells) + 1, 0);
  for (std::size_t e = 0; e < edges.size(); ++e) {
    const auto [u, v, w] = edges[e];
    if (e > 0 && std::get<0>(edges[e - 1]) == u && std::get<1>(edges[e - 1]) == v) {
      graph.weight.back() += w;
      continue;
    }
    graph.column.push_back(v);
    graph.weight.push_back(w);
    ++graph.row_start[static_cast<std::size_t>(u) + 1];
  }
  for (std::int32_t c = 0; c < num_cells; ++c) graph.row_start[c + 1] += graph.row_start[c];
  return graph;
}

// Splits `block` in two with METIS on the subgraph it induces (local[] maps cells to -1 on
// entry and exit).
void bisect(const CellGraph& graph, const std::vector<std::int32_t>& block, std::uint64_t seed,
            std::vector<idx_t>* local, std::vector<std::int32_t>* first,
            std::vector<std::int32_t>* second) {
  const auto n = static_cast<idx_t>(block.size());
  for (idx_t i = 0; i < n; ++i) (*local)[block[i]] = i;
  std::vector<idx_t> xadj{0}, adjncy, adjwgt;
  for (const std::int32_t cell : block) {
    for (idx_t e = graph.row_start[cell]; e < graph.row_start[cell + 1]; ++e) {
      const idx_t to = (*local)[graph.column[e]];
      if (to < 0) continue;
      adjncy.push_back(to);
      adjwgt.push_back(graph.weight[e]);
    }
    xadj.push_back(static_cast<idx_t>(adjncy.size()));
  }
  std::vector<idx_t> part(block.size(), 0);
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_SEED] = static_cast<idx_t>(seed % 2147483647ULL);
  options[METIS_OPTION_NUMBERING] = 0;
  idx_t vertices = n, constraints = 1, parts = 2, cut = 0;
  int status = METIS_ERROR;
  if (!adjncy.empty()) {
    const internal::SignalsHeldFromMetis held;
    status = METIS_PartGraphRecursive(&vertices, &constraints, xadj.data(), adjncy.data(), nullptr,
                                      nullptr, adjwgt.data(), &parts, nullptr, nullptr, options,
                                      &cut, part.data());
  }
  if (status != METIS_OK) {
    // No edges inside (or METIS failed): any balanced split cuts the same nothing.
    for (idx_t i = 0; i < n; ++i) part[i] = i < n / 2 ? 0 : 1;
  }
  for (idx_t i = 0; i < n; ++i) (part[i] == 0 ? first : second)->push_back(block[i]);
  for (const std::int32_t cell : block) (*local)[cell] = -1;
}

}  // namespace

RentFit rent_fit(const Netlist& netlist, std::uint64_t seed) {
  std::vector<std::int32_t> cell_of(static_cast<std::size_t>(netlist.num_nodes()), -1);
  std::int32_t num_cells = 0;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const NodeKind kind = netlist.kind(node);
    if (kind == NodeKind::kHardMacro || kind == NodeKind::kSoftMacro ||
        kind == NodeKind::kStdCell) {
      cell_of[node] = num_cells++;
    }
  }
  const CellNets nets = cell_nets(netlist, cell_of);
  const CellGraph graph = cell_graph(nets, num_cells);

  std::vector<std::vector<std::int32_t>> blocks(1);
  for (std::int32_t c = 0; c < num_cells; ++c) blocks[0].push_back(c);
  std::vector<idx_t> local(static_cast<std::size_t>(num_cells), -1);
  std::vector<std::int32_t> block_of(static_cast<std::size_t>(num_cells), -1);
  std::vector<double> xs, ys;  // log mean G, log mean T per level
  for (std::uint64_t level = 0;; ++level) {
    std::vector<std::vector<std::int32_t>> next;
    for (const auto& block : blocks) {
      if (block.size() < 2 * static_cast<std::size_t>(kMinBlockCells)) continue;
      std::vector<std::int32_t> first, second;
      bisect(graph, block, seed + level, &local, &first, &second);
      next.push_back(std::move(first));
      next.push_back(std::move(second));
    }
    // Blocks smaller than the smallest measured are dropped, so that each level is one size.
    next.erase(std::remove_if(next.begin(), next.end(),
                              [](const auto& b) {
                                return b.size() < static_cast<std::size_t>(kMinBlockCells);
                              }),
               next.end());
    if (next.empty()) break;
    blocks = std::move(next);
    std::fill(block_of.begin(), block_of.end(), -1);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      for (const std::int32_t cell : blocks[b]) block_of[cell] = static_cast<std::int32_t>(b);
    }
    std::vector<double> terminals(blocks.size(), 0);
    std::vector<std::int32_t> touched;
    for (std::size_t net = 0; net < nets.cells.size(); ++net) {
      touched.clear();
      bool outside = nets.has_port[net] != 0;
      for (const std::int32_t cell : nets.cells[net]) {
        const std::int32_t b = block_of[cell];
        if (b < 0) {
          outside = true;  // a cell of a block too small to measure: outside every block
        } else if (std::find(touched.begin(), touched.end(), b) == touched.end()) {
          touched.push_back(b);
        }
      }
      if (!outside && touched.size() < 2) continue;
      for (const std::int32_t b : touched) terminals[b] += 1;
    }
    double cells = 0, pins = 0;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      cells += static_cast<double>(blocks[b].size());
      pins += terminals[b];
    }
    const double mean_cells = cells / static_cast<double>(blocks.size());
    const double mean_terminals = pins / static_cast<double>(blocks.size());
    if (level + 1 >= kFirstFittedLevel && mean_terminals > 0) {
      xs.push_back(std::log(mean_cells));
      ys.push_back(std::log(mean_terminals));
    }
  }

  RentFit fit;
  fit.levels = static_cast<std::int32_t>(xs.size());
  const LineFit line = fit_line(xs, ys);
  if (!line.ok) return fit;
  fit.exponent = line.slope;
  fit.coefficient = std::exp(line.intercept);
  return fit;
}

}  // namespace macroplace::netlist
