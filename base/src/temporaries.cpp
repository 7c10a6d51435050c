#include "temporaries.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <mutex>

namespace macroplace::internal {

namespace {

// Fixed storage: the handler may only read plain memory and make system calls.
constexpr int kSlots = 64;
constexpr std::size_t kPathBytes = 4096;
std::array<std::atomic<bool>, kSlots> slot_claimed{};  // taken by an open temporary
std::array<std::atomic<bool>, kSlots> slot_used{};     // its name is written: the handler's
std::array<std::atomic<bool>, kSlots> slot_folder{};
std::array<std::array<char, kPathBytes>, kSlots> slot_path{};
std::once_flag handlers_installed;

// The layout getdents64 fills (struct linux_dirent64).
struct DirectoryEntry {
  std::uint64_t inode;
  std::int64_t offset;
  unsigned short length;
  unsigned char type;
  char name[1];
};

bool is_dot(const char* name) {
  return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

// Removes what folder `fd` holds, `depth` levels down, with system calls only (no opendir():
// it allocates, which a signal handler must not). Entries are read again until a pass removes
// nothing, so removing while reading cannot skip one.
void remove_contents(int fd, int depth) {
  alignas(8) char buffer[4096];
  for (int pass = 0; pass < 64; ++pass) {
    bool removed = false;
    if (lseek(fd, 0, SEEK_SET) != 0) return;
    for (;;) {
      const long got = syscall(SYS_getdents64, fd, buffer, sizeof buffer);
      if (got <= 0) break;
      for (long at = 0; at < got;) {
        const auto* entry = reinterpret_cast<const DirectoryEntry*>(buffer + at);
        at += entry->length;
        if (is_dot(entry->name)) continue;
        if (unlinkat(fd, entry->name, 0) == 0) {
          removed = true;
          continue;
        }
        if (depth <= 0) continue;
        const int child = openat(fd, entry->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0) continue;
        remove_contents(child, depth - 1);
        close(child);
        if (unlinkat(fd, entry->name, AT_REMOVEDIR) == 0) removed = true;
      }
    }
    if (!removed) return;
  }
}

extern "C" void remove_temporaries_and_die(int signal_number) {
  const int saved = errno;
  // Files first: a temporary file may sit inside a staging folder.
  for (const bool folders : {false, true}) {
    for (std::size_t i = 0; i < kSlots; ++i) {
      if (!slot_used[i].load() || slot_folder[i].load() != folders) continue;
      const char* path = slot_path[i].data();
      if (!folders) {
        unlink(path);
        continue;
      }
      const int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) continue;
      remove_contents(fd, 4);
      close(fd);
      rmdir(path);
    }
  }
  errno = saved;
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void install_handlers() {
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (sigaction(signal_number, nullptr, &current) != 0) continue;
    if (current.sa_handler != SIG_DFL) continue;  // the program's own handler (or ignored) stays
    struct sigaction action {};
    action.sa_handler = remove_temporaries_and_die;
    sigemptyset(&action.sa_mask);
    // One cleanup at a time: a second signal waits until the first handler ends the process.
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    sigaddset(&action.sa_mask, SIGHUP);
    sigaction(signal_number, &action, nullptr);
  }
}

}  // namespace

int register_temporary(const std::string& path, TemporaryKind kind) {
  if (path.size() >= kPathBytes) return -1;
  std::call_once(handlers_installed, install_handlers);
  for (std::size_t slot = 0; slot < kSlots; ++slot) {
    bool expected = false;
    if (!slot_claimed[slot].compare_exchange_strong(expected, true)) continue;
    std::memcpy(slot_path[slot].data(), path.c_str(), path.size() + 1);
    slot_folder[slot].store(kind == TemporaryKind::kFolder);
    slot_used[slot].store(true);  // after the name: the handler never reads a half-written one
    return static_cast<int>(slot);
  }
  return -1;  // more than kSlots temporaries at once: those are not cleaned up on a signal
}

void unregister_temporary(int slot) {
  if (slot < 0) return;
  slot_used[static_cast<std::size_t>(slot)].store(false);
  slot_claimed[static_cast<std::size_t>(slot)].store(false);
}

}  // namespace macroplace::internal
