// Runs a macroplace command in-process, capturing its exit status and output (the CLI tests).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"

namespace macroplace::cli::command_testing {

struct Result {
  int status;
  std::string out, err;
};

inline Result run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int status = run_command(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace macroplace::cli::command_testing
