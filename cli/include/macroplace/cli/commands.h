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

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace macroplace::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// Commands and placement methods may live in another executable (the one with LibTorch), so that
// this one starts without it. A declared command, or a method whose placer is only declared
// (placement/placer.h), is run by calling the handover with that executable's name; the
// handover (set by main: exec the sibling executable with the same arguments) returns the exit
// status. Without a handover such a command fails with a message.
using Handover = std::function<int(const std::string& provider)>;
void set_handover(Handover function);
// Declares a command that `provider` runs: listed by --help, handed over when run.
void declare_command(const std::string& name, const std::string& summary,
                     const std::string& provider);

}  // namespace macroplace::cli
