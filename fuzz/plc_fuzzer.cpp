// libFuzzer target: parse_plc() on arbitrary text, then apply_placement() of what parsed onto a
// small fixed netlist with every node kind (FORMATS.md section 2).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  macroplace::fuzz::check(macroplace::fuzz::run_plc(data, size));
  return 0;
}
