// Force-directed soft-macro placement speed: one place_soft_macros() call (CT's schedule, 300
// steps from the canvas centre, final cost update included) on the clustered Ariane, one thread.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <string>

#include "bench_designs.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/force_directed.h"
#include "macroplace/placement/proxy_cost.h"

namespace {

using macroplace::netlist::NodeKind;
using macroplace::placement::ForceDirectedOptions;
using macroplace::placement::ProxyCost;

// The reference placement with every hard macro fixed: only soft macros move.
struct Ariane : macroplace::bench::Ariane {
  Ariane() {
    for (macroplace::netlist::NodeId node = 0; node < design.num_nodes(); ++node) {
      if (design.kind(node) == NodeKind::kHardMacro) design.set_fixed(node, true);
    }
  }
};

void force_directed_ariane(benchmark::State& state) {
  omp_set_num_threads(1);
  static const Ariane kAriane;
  ProxyCost cost(kAriane.design,
                 macroplace::placement::settings_for(kAriane.design, &kAriane.plc.settings));
  const ForceDirectedOptions options;
  double proxy = 0;
  for (auto _ : state) {
    // Every call starts from the canvas centre, so each iteration does the same work.
    const auto result = macroplace::placement::place_soft_macros(&cost, options);
    benchmark::DoNotOptimize(result.steps);
    proxy = cost.costs().proxy;
  }
  state.counters["proxy"] = proxy;
  state.SetLabel("1 thread");
}
BENCHMARK(force_directed_ariane)->Unit(benchmark::kMillisecond);

}  // namespace
