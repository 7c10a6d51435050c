// How a fuzz target reacts to a broken contract (see fuzz_harness.h): print what broke and trap,
// so libFuzzer saves the input as a crash artefact.
//
// MACROPLACE_FUZZ_IGNORE_INVALID=1 in the environment stops trapping on "ok() but validate()
// fails" findings, so a campaign can go on looking for crashes after one such finding.
#pragma once

#include <cstdio>
#include <cstdlib>

#include "fuzz_harness.h"

namespace macroplace::fuzz {

inline bool ignore_invalid_models() {
  static const bool ignore = [] {
    const char* value = std::getenv("MACROPLACE_FUZZ_IGNORE_INVALID");
    return value != nullptr && value[0] != '\0' && value[0] != '0';
  }();
  return ignore;
}

inline void check(const Outcome& outcome) {
  if (outcome.kind == Problem::kNone) return;
  if (outcome.kind == Problem::kInvalidModel && ignore_invalid_models()) return;
  std::fprintf(stderr, "\nmacroplace fuzz contract violation: %s\n", outcome.problem.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

}  // namespace macroplace::fuzz
