// AtomicFile: writes a file so that readers see either the old file or the complete new one, and
// never replaces anything but a regular file.
//
// Contract:
// - check_output() says whether `path` may be written: a new name in an existing folder, or an
//   existing regular file. A symbolic link, device, FIFO, socket or folder is refused (renaming
//   over it would replace the special file itself: `-o /dev/null` as root would destroy
//   /dev/null). Commands call it for every output before any work starts.
// - Data goes to a temporary file `.NAME.macroplace-tmp.PID.RANDOM` in the target's folder;
//   commit() flushes and syncs it, gives it the mode of the file it replaces (new files: 0666
//   less the umask, as usual), checks the target again and renames it over the target. A file that
//   is never committed (error, exception) leaves the target untouched and its temporary removed by
//   the destructor; SIGINT, SIGTERM and SIGHUP remove the temporaries of every open AtomicFile
//   before the process ends as the signal would end it (only where the program had not installed
//   its own handler). Temporaries of a process that no longer runs (killed with SIGKILL) are
//   removed by the next AtomicFile for the same target.
//
//   if (Status s = AtomicFile::check_output("out.plc"); !s.ok()) return usage_error(s);
//   AtomicFile file("out.plc");
//   file.write("# header\n");
//   Status status = file.commit();
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "macroplace/base/status.h"

namespace macroplace {

class AtomicFile {
 public:
  // With `gzip`, the bytes are compressed (zlib's gzip format) on the way out.
  explicit AtomicFile(std::string path, bool gzip = false);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // For a library that writes files by name (HDF5): the temporary's path, created empty and
  // closed here. The library writes it instead of write() and closes it; commit() then syncs and
  // renames it as usual (and the destructor or a signal still removes it when not committed).
  const std::string& temporary_path();
  Status commit();

  static Status check_output(const std::string& path);

 private:
  void flush_buffer();

  std::string path_, temp_path_;
  bool gzip_ = false;
  std::FILE* file_ = nullptr;
  void* gz_ = nullptr;
  std::string buffer_;
  Status status_;
  bool committed_ = false;
  bool external_ = false;  // temporary_path() handed the temporary to another writer
  int signal_slot_ = -1;   // where the signal handler finds the temporary's name
};

}  // namespace macroplace
