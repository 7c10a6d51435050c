// Temporaries that a signal must not leave behind (internal to base/): AtomicFile's temporary
// files and AtomicFolder's staging folders.
//
// Contract: register_temporary() records a path for the handlers of SIGINT, SIGTERM and SIGHUP
// (installed on first use, only where the program has none of its own); when one of those
// signals arrives, every registered file is unlinked and every registered folder removed with
// what it holds, then the process ends as the signal would have ended it. The handler uses
// async-signal-safe system calls only. A registration returns a slot (-1 when the path is too
// long or all slots are taken: that temporary is then left to the next run's stale sweep).
#pragma once

#include <string>

namespace macroplace::internal {

enum class TemporaryKind { kFile, kFolder };

int register_temporary(const std::string& path, TemporaryKind kind);
void unregister_temporary(int slot);

}  // namespace macroplace::internal
