// Force-directed soft-macro placement speed: one place_soft_macros() call (CT's schedule, 300
// steps from the canvas centre, final cost update included) on the clustered Ariane, one thread.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <string>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/force_directed.h"
#include "macroplace/placement/proxy_cost.h"

namespace {

using macroplace::netlist::Netlist;
using macroplace::netlist::NodeKind;
using macroplace::placement::ForceDirectedOptions;
using macroplace::placement::ProxyCost;

std::string example(const char* relative) {
  return std::string(MACROPLACE_SOURCE_DIR) + "/examples/" + relative;
}

struct Ariane {
  Netlist design;
  macroplace::netlist::PlacementFile plc;
  Ariane() {
    macroplace::netlist::read_ct_netlist(example("ariane133-ng45/netlist.pb.txt.gz"), &design);
    macroplace::netlist::read_plc(example("ariane133-ng45/legalized.plc"), &plc);
    macroplace::netlist::apply_placement(plc, &design);
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
