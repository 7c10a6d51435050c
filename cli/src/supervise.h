// A command that must outlive faults it cannot catch runs as a worker process of itself, started
// again when it dies of a signal. Why: LibTorch's TCPStore client throws on a helper thread
// (uncaught, so the process aborts) when a learner's socket is reset; a collector must survive
// its learner's restart, so `collect` works in a child that is restarted after such a death.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace macroplace::cli {

// The environment variable that marks a worker (set to "1" in the child's environment).
inline constexpr const char* kWorkerVariable = "MACROPLACE_WORKER";

// True in a process started by run_supervised.
bool is_supervised_worker();

// Runs this executable again (/proc/self/exe) with `args` (argv[0] onwards) as a worker and
// waits for it. A worker that exits gives its exit status. One that dies of a signal this
// process did not forward is started again, unless `max_quick_deaths` workers in a row died
// within `quick_seconds` of starting (then 1, with a message on `err`). SIGTERM, SIGINT and
// SIGHUP are forwarded to the worker, and this process then dies of the same signal; the worker
// gets SIGTERM when this process dies. `name` prefixes the messages ("macroplace collect").
int run_supervised(const std::vector<std::string>& args, const std::string& name, std::ostream& err,
                   double quick_seconds = 10, int max_quick_deaths = 3);

}  // namespace macroplace::cli
