// Runs a macroplace command in-process, capturing its exit status and output, and helpers to
// read that output (the CLI tests).
#pragma once

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"

namespace macroplace::cli::command_testing {

struct Result {
  int status;
  std::string out, err;
};

// The lines of `text` that contain every one of `parts`.
inline std::vector<std::string> lines_with(const std::string& text,
                                           const std::vector<std::string>& parts) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    bool all = true;
    for (const std::string& part : parts) all = all && line.find(part) != std::string::npos;
    if (all) lines.push_back(line);
    begin = end + 1;
  }
  return lines;
}

// The number after `key` (e.g. "\"proxy\": ") in `text`; NaN when absent.
inline double number_after(const std::string& text, const std::string& key) {
  const std::size_t at = text.find(key);
  if (at == std::string::npos) return std::nan("");
  return std::stod(text.substr(at + key.size()));
}

inline Result run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = run_command(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace macroplace::cli::command_testing
