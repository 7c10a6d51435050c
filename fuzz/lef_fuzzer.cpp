// libFuzzer target: parse_lef() on arbitrary text; an ok() result must have finite sizes and pin
// positions (docs/OPENROAD.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  macroplace::fuzz::check(macroplace::fuzz::run_lef(data, size));
  return 0;
}
