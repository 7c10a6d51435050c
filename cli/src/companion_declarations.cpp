// Compiled into `macroplace` when the build has rl/ (cli/CMakeLists.txt): what macroplace-rl
// provides, declared so that help lists it and running it hands over.
#include "macroplace/cli/commands.h"
#include "macroplace/rl/policy_method.h"

namespace {

// The method first: declaring a command builds the command table, whose place and eval help
// texts list the methods registered by then.
const bool kDeclared = [] {
  macroplace::rl::declare_policy_method("macroplace-rl");
  macroplace::cli::declare_command(
      "train", "Train Circuit Training's policy with PPO on one design (in macroplace-rl)",
      "macroplace-rl");
  macroplace::cli::declare_command("pretrain",
                                   "Pre-train one policy on a corpus of designs (in macroplace-rl)",
                                   "macroplace-rl");
  macroplace::cli::declare_command(
      "collect", "Join a training run as a collector of episodes (in macroplace-rl)",
      "macroplace-rl");
  macroplace::cli::declare_command(
      "warmup", "Warm up the policy's encoder on a dataset's placements (in macroplace-rl)",
      "macroplace-rl");
  return true;
}();

}  // namespace
