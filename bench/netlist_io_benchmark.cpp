// Reading speed of the three readers on the bundled designs (FORMATS.md; issue targets in
// docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <string>

#include "bench_designs.h"
#include "macroplace/netlist/bookshelf.h"
#include "macroplace/netlist/ct_netlist.h"

namespace {

using macroplace::netlist::Netlist;

using macroplace::bench::example;

void read_ct(benchmark::State& state, const char* relative) {
  const std::string path = example(relative);
  for (auto _ : state) {
    Netlist netlist;
    auto status = macroplace::netlist::read_ct_netlist(path, &netlist);
    if (!status.ok()) state.SkipWithError(status.to_string().c_str());
    benchmark::DoNotOptimize(netlist.num_nodes());
  }
}

void read_clustered_ariane(benchmark::State& state) {
  read_ct(state, "ariane133-ng45/netlist.pb.txt.gz");
}
BENCHMARK(read_clustered_ariane)->Unit(benchmark::kMillisecond)->UseRealTime();

void read_flat_ariane(benchmark::State& state) {
  read_ct(state, "ariane133-ng45/flat.pb.txt.gz");
}
BENCHMARK(read_flat_ariane)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void read_ibm01_bookshelf(benchmark::State& state) {
  const std::string path = example("ibm01/ibm01.aux");
  for (auto _ : state) {
    Netlist netlist;
    auto status = macroplace::netlist::read_bookshelf(path, &netlist);
    if (!status.ok()) state.SkipWithError(status.to_string().c_str());
    benchmark::DoNotOptimize(netlist.num_nodes());
  }
}
BENCHMARK(read_ibm01_bookshelf)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
