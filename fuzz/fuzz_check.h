// How a fuzz target reacts to a broken contract (see fuzz_harness.h): print what broke and trap,
// so libFuzzer saves the input as a crash artefact.
//
// MACROPLACE_FUZZ_IGNORE="text1|text2" in the environment stops trapping on contract violations
// whose description contains one of the texts, so a campaign can go on looking for other bugs
// after a known finding that is still unfixed, e.g.
//   MACROPLACE_FUZZ_IGNORE="attr without a key|validate() fails" scripts/fuzz 300 ct_netlist
// Sanitizer findings (memory errors, UB, leaks, timeouts, OOM) are never ignored.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_harness.h"

namespace macroplace::fuzz {

inline const std::vector<std::string>& ignored_problems() {
  static const std::vector<std::string> ignored = [] {
    std::vector<std::string> texts;
    const char* value = std::getenv("MACROPLACE_FUZZ_IGNORE");
    std::string_view rest = value != nullptr ? value : "";
    while (!rest.empty()) {
      const std::size_t bar = rest.find('|');
      const std::string_view text = rest.substr(0, bar);
      if (!text.empty()) texts.emplace_back(text);
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
    return texts;
  }();
  return ignored;
}

inline void check(const Outcome& outcome) {
  if (outcome.kind == Problem::kNone) return;
  if (outcome.kind != Problem::kHarness) {
    for (const std::string& text : ignored_problems()) {
      if (outcome.problem.find(text) != std::string::npos) return;
    }
  }
  std::fprintf(stderr, "\nmacroplace fuzz contract violation: %s\n", outcome.problem.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

}  // namespace macroplace::fuzz
