// libFuzzer target: read_bookshelf() on a design whose files come from the input (FORMATS.md
// section 3). The input holds .nodes, .nets, .pl, .scl, .wts separated by "%%%%\n" lines (see
// fuzz_harness.h); they are written, with an .aux, into /tmp/macroplace-fuzz-<pid>/, which is
// removed at exit.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "fuzz_check.h"

namespace {

std::string& folder() {
  static std::string path;
  return path;
}

void remove_folder() {
  std::error_code ignored;
  if (!folder().empty()) std::filesystem::remove_all(folder(), ignored);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* tmp = std::getenv("TMPDIR");
  const std::string base = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
  folder() = base + "/macroplace-fuzz-" + std::to_string(static_cast<long>(getpid()));
  std::error_code error;
  std::filesystem::create_directories(folder(), error);
  if (error) {
    std::fprintf(stderr, "cannot create %s: %s\n", folder().c_str(), error.message().c_str());
    std::abort();
  }
  std::atexit(remove_folder);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  macroplace::fuzz::check(macroplace::fuzz::run_bookshelf(data, size, folder()));
  return 0;
}
