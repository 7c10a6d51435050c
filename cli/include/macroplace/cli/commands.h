// The `macroplace` command line: subcommands as functions, so tests run them in-process.
//
// Contract: run_command() takes argv without the program name, writes results to `out` and
// diagnostics to `err`, and returns the process exit status:
//   0 success; 1 the input was read but is invalid or an operation failed (the message says
//   file:line:column where it can); 2 usage error (unknown command or option, missing argument).
//
//   std::ostringstream out, err;
//   int status = run_command({"info", "design.pb.txt", "--json"}, out, err);
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace macroplace::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace macroplace::cli
