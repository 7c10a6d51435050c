// Reading speed of the three readers on the bundled designs (FORMATS.md; issue targets in
// docs/PERFORMANCE.md).
#include <benchmark/benchmark.h>

#include <string>

#include "macroplace/netlist/bookshelf.h"
#include "macroplace/netlist/ct_netlist.h"

namespace {

using macroplace::netlist::Netlist;

std::string example(const char* relative) {
  return std::string(MACROPLACE_SOURCE_DIR) + "/examples/" + relative;
}

void read_ct(benchmark::State& state, const char* relative) {
  const std::string path = example(relative);
  for (auto _ : state) {
    Netlist netlist;
    auto status = macroplace::netlist::read_ct_netlist(path, &netlist);
    if (!status.ok()) state.SkipWithError(status.to_string().c_str());
    benchmark::DoNotOptimize(netlist.num_nodes());
  }
}

void BM_ReadClusteredAriane(benchmark::State& state) {
  read_ct(state, "ariane133-ng45/netlist.pb.txt.gz");
}
BENCHMARK(BM_ReadClusteredAriane)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadFlatAriane(benchmark::State& state) {
  read_ct(state, "ariane133-ng45/flat.pb.txt.gz");
}
BENCHMARK(BM_ReadFlatAriane)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_ReadIbm01Bookshelf(benchmark::State& state) {
  const std::string path = example("ibm01/ibm01.aux");
  for (auto _ : state) {
    Netlist netlist;
    auto status = macroplace::netlist::read_bookshelf(path, &netlist);
    if (!status.ok()) state.SkipWithError(status.to_string().c_str());
    benchmark::DoNotOptimize(netlist.num_nodes());
  }
}
BENCHMARK(BM_ReadIbm01Bookshelf)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
