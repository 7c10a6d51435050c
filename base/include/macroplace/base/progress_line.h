// ProgressLine: one self-overwriting status line for long work (rate, best so far), shown only
// on a terminal, so pipes and logs stay clean.
//
// Contract: update() replaces the line's text ("\r" + text, padded over the previous text) at
// most once per `min_interval_seconds` (force = true prints anyway); finish() ends the line with
// a newline if anything was printed, and the destructor calls it. A disabled line (not a
// terminal, or `enabled` false) prints nothing. Not thread-safe: update from one thread.
//
//   ProgressLine line(!quiet);
//   line.update("[12.0 s] 48213 moves  best proxy 0.6123");
//   line.finish();
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace macroplace {

class ProgressLine {
 public:
  // Writes to stderr when it is a terminal and `enabled`.
  explicit ProgressLine(bool enabled, double min_interval_seconds = 0.1);
  // Writes to `stream` when `enabled` (tests, or a caller that decided itself).
  ProgressLine(std::FILE* stream, bool enabled, double min_interval_seconds);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return stream_ != nullptr; }
  void update(const std::string& text, bool force = false);
  void finish();

 private:
  std::FILE* stream_ = nullptr;
  double min_interval_seconds_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::size_t last_length_ = 0;
  bool printed_ = false;
};

}  // namespace macroplace
