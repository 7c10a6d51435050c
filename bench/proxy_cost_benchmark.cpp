// Proxy-cost speed (issue 3): full evaluation and one-macro incremental updates on the clustered
// Ariane, and wirelength + density of the flat Ariane (88k std cells) at 1 and 2 threads.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <random>
#include <string>
#include <vector>

#include "bench_designs.h"
#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/proxy_cost.h"

namespace {

using macroplace::netlist::Netlist;
using macroplace::netlist::NodeKind;
using macroplace::placement::ProxyCost;

using macroplace::bench::example;

using macroplace::bench::Ariane;

const Ariane& ariane() {
  static const Ariane kAriane;
  return kAriane;
}

void full_proxy_ariane(benchmark::State& state) {
  omp_set_num_threads(static_cast<int>(state.range(0)));
  ProxyCost cost(ariane().design,
                 macroplace::placement::settings_for(ariane().design, &ariane().plc.settings));
  for (auto _ : state) benchmark::DoNotOptimize(cost.recompute().proxy);
  state.SetLabel(std::to_string(state.range(0)) + " thread(s)");
}
BENCHMARK(full_proxy_ariane)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// One move of a random hard macro to a random spot (what an annealer does per step), split into
// its parts: 0 = move and read the new costs, 1 = the move (incremental update) only, 2 = reading
// the costs only.
void incremental_move_ariane(benchmark::State& state) {
  omp_set_num_threads(1);
  const Netlist& design = ariane().design;
  ProxyCost cost(design, macroplace::placement::settings_for(design, &ariane().plc.settings));
  std::vector<macroplace::netlist::NodeId> macros;
  for (macroplace::netlist::NodeId i = 0; i < design.num_nodes(); ++i) {
    if (design.kind(i) == NodeKind::kHardMacro) macros.push_back(i);
  }
  std::mt19937 random(1);
  std::uniform_int_distribution<std::size_t> pick(0, macros.size() - 1);
  std::uniform_real_distribution<double> where(0, cost.settings().canvas_width);
  const int64_t part = state.range(0);
  for (auto _ : state) {
    if (part != 2) cost.move(macros[pick(random)], where(random), where(random));
    if (part != 1) benchmark::DoNotOptimize(cost.costs().proxy);
  }
  static const char* const kLabels[] = {"move + costs()", "move only", "costs() only"};
  state.SetLabel(kLabels[part]);
}
BENCHMARK(incremental_move_ariane)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// Wirelength + density of the flat netlist straight on the kernels (no congestion).
void flat_ariane_wirelength_density(benchmark::State& state) {
  static Netlist flat;
  if (flat.num_nodes() == 0) {
    macroplace::netlist::read_ct_netlist(example("ariane133-ng45/flat.pb.txt.gz"), &flat);
  }
  omp_set_num_threads(static_cast<int>(state.range(0)));
  std::vector<double> tx(flat.num_nodes()), ty(flat.num_nodes());
  std::vector<double> rx, ry, rw, rh;
  for (macroplace::netlist::NodeId i = 0; i < flat.num_nodes(); ++i) {
    flat.terminal_position(i, &tx[i], &ty[i]);
    const NodeKind kind = flat.kind(i);
    if (kind == NodeKind::kHardMacro || kind == NodeKind::kStdCell) {
      rx.push_back(flat.x(i));
      ry.push_back(flat.y(i));
      rw.push_back(flat.placed_width(i));
      rh.push_back(flat.placed_height(i));
    }
  }
  std::string error;
  auto kernels = macroplace::kernels::make_cost_kernels(macroplace::kernels::Backend::kCpu, &error);
  const auto grid =
      macroplace::kernels::make_grid(flat.canvas->width(), flat.canvas->height(), 24, 21);
  const macroplace::kernels::NetArrays nets{flat.num_nets(), flat.net_begin().data(),
                                            flat.net_terminals().data(), flat.net_weights().data()};
  const macroplace::kernels::RectArrays rects{static_cast<std::int32_t>(rx.size()), rx.data(),
                                              ry.data(), rw.data(), rh.data()};
  std::vector<double> hpwl(flat.num_nets()), cells(24 * 21);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kernels->net_wirelength(nets, tx.data(), ty.data(), hpwl.data()));
    kernels->density(grid, rects, cells.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel(std::to_string(state.range(0)) + " thread(s)");
}
BENCHMARK(flat_ariane_wirelength_density)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace
