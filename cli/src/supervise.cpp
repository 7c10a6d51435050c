#include "supervise.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace macroplace::cli {

namespace {

volatile sig_atomic_t g_worker = 0;     // the running worker's pid, or 0
volatile sig_atomic_t g_forwarded = 0;  // the last signal forwarded, or 0

constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP};

void forward(int signal_number) {
  g_forwarded = signal_number;
  if (g_worker > 0) kill(static_cast<pid_t>(g_worker), signal_number);
}

// Blocks (or unblocks) the forwarded signals, so none lands between fork and g_worker's update.
void block_forwarded(bool block) {
  sigset_t set;
  sigemptyset(&set);
  for (const int s : kForwarded) sigaddset(&set, s);
  sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, nullptr);
}

}  // namespace

bool is_supervised_worker() {
  const char* value = std::getenv(kWorkerVariable);
  return value != nullptr && std::strcmp(value, "1") == 0;
}

int run_supervised(const std::vector<std::string>& args, const std::string& name, std::ostream& err,
                   double quick_seconds, int max_quick_deaths) {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> arguments = args;
  std::vector<char*> argv;
  argv.reserve(arguments.size() + 1);
  for (std::string& arg : arguments) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::string marker = std::string(kWorkerVariable) + "=1";
  std::vector<char*> envp;
  const std::size_t prefix = std::strlen(kWorkerVariable) + 1;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (std::strncmp(*entry, marker.c_str(), prefix) != 0) envp.push_back(*entry);
  }
  envp.push_back(marker.data());
  envp.push_back(nullptr);

  struct sigaction action {};
  action.sa_handler = forward;
  sigemptyset(&action.sa_mask);
  for (const int s : kForwarded) sigaction(s, &action, nullptr);

  const pid_t self = getpid();
  int quick_deaths = 0;
  for (;;) {
    block_forwarded(true);
    const auto started = std::chrono::steady_clock::now();
    const pid_t worker = fork();
    if (worker == 0) {
      prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (getppid() != self) _exit(1);  // this process died before the line above
      for (const int s : kForwarded) signal(s, SIG_DFL);
      block_forwarded(false);
      execve("/proc/self/exe", argv.data(), envp.data());
      _exit(127);
    }
    if (worker < 0) {
      block_forwarded(false);
      err << name << ": cannot start a worker process: " << std::strerror(errno) << "\n";
      return 1;
    }
    g_worker = worker;
    if (g_forwarded != 0) kill(worker, g_forwarded);  // it came before the worker existed
    block_forwarded(false);
    int status = 0;
    while (waitpid(worker, &status, 0) < 0 && errno == EINTR) {
    }
    g_worker = 0;
    if (g_forwarded != 0) {
      // Asked to stop: end as the worker was asked to, so a shell sees the same status.
      const int signal_number = g_forwarded;
      signal(signal_number, SIG_DFL);
      raise(signal_number);
      return 128 + signal_number;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    const double lived =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    quick_deaths = lived < quick_seconds ? quick_deaths + 1 : 0;
    const int signal_number = WTERMSIG(status);
    if (quick_deaths >= max_quick_deaths) {
      err << name << ": the worker process died of signal " << signal_number << " ("
          << strsignal(signal_number) << ") " << quick_deaths << " times in a row within "
          << quick_seconds << " s of starting; giving up\n";
      return 1;
    }
    err << name << ": the worker process died of signal " << signal_number << " ("
        << strsignal(signal_number) << "); starting it again\n";
    err.flush();
  }
}

}  // namespace macroplace::cli
