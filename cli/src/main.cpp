#include <iostream>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv + 1, argv + argc);
  return macroplace::cli::run_command(args, std::cout, std::cerr);
}
