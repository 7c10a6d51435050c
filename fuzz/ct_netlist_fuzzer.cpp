// libFuzzer target: parse_ct_netlist() on arbitrary text (FORMATS.md section 1).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  macroplace::fuzz::check(macroplace::fuzz::run_ct_netlist(data, size));
  return 0;
}
