// `macroplace`: the commands without LibTorch. Commands and methods that need it (`train`,
// `place --method rl`) are declared here and handed over to the sibling executable that has
// them (macroplace-rl), so the others start without loading LibTorch.
#include <limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "macroplace/cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv + 1, argv + argc);
  macroplace::cli::set_handover([argv](const std::string& provider) {
    char self[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    std::string path = provider;
    if (length > 0) {
      std::string own(self, static_cast<std::size_t>(length));
      path = own.substr(0, own.find_last_of('/') + 1) + provider;
    }
    std::cout.flush();
    execv(path.c_str(), argv);
    std::cerr << "macroplace: cannot start " << path << " (" << std::strerror(errno)
              << "); it is built with LibTorch (rl/)\n";
    return macroplace::cli::kExitFailure;
  });
  return macroplace::cli::run_command(args, std::cout, std::cerr);
}
