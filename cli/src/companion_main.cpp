// `macroplace-rl`: every command of `macroplace` plus those that need LibTorch (`train`, the
// `rl` placement method). `macroplace` hands over to it; it can also be run directly.
#include <iostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/cli/commands.h"
#include "macroplace/rl/policy_placer.h"
#include "train_command.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  macroplace::rl::register_policy_method();
  macroplace::cli::add_command(macroplace::cli::train_command());
  macroplace::cli::add_command(macroplace::cli::pretrain_command());
  macroplace::cli::add_command(macroplace::cli::collect_command());
  macroplace::cli::add_command(macroplace::cli::warmup_command());
  const std::vector<std::string> args(argv + 1, argv + argc);
  return macroplace::cli::run_command(args, std::cout, std::cerr);
}
