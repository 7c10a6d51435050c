#include "macroplace/base/progress_line.h"

#include <unistd.h>

namespace macroplace {

ProgressLine::ProgressLine(bool enabled, double min_interval_seconds)
    : ProgressLine(stderr, enabled && isatty(STDERR_FILENO) != 0, min_interval_seconds) {}

ProgressLine::ProgressLine(std::FILE* stream, bool enabled, double min_interval_seconds)
    : stream_(enabled ? stream : nullptr), min_interval_seconds_(min_interval_seconds) {}

ProgressLine::~ProgressLine() {
  finish();
}

void ProgressLine::update(const std::string& text, bool force) {
  if (stream_ == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && printed_ &&
      std::chrono::duration<double>(now - last_).count() < min_interval_seconds_) {
    return;
  }
  last_ = now;
  std::string line = "\r" + text;
  // Blank out what is left of a longer previous text.
  if (text.size() < last_length_) line.append(last_length_ - text.size(), ' ');
  last_length_ = text.size();
  std::fputs(line.c_str(), stream_);
  std::fflush(stream_);
  printed_ = true;
}

void ProgressLine::finish() {
  if (stream_ == nullptr || !printed_) return;
  std::fputc('\n', stream_);
  std::fflush(stream_);
  printed_ = false;
  last_length_ = 0;
}

}  // namespace macroplace
