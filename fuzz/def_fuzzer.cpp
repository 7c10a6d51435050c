// libFuzzer target: parse_def() on arbitrary text; an ok() result must take new placements for
// every component and read them back (docs/OPENROAD.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  macroplace::fuzz::check(macroplace::fuzz::run_def(data, size));
  return 0;
}
