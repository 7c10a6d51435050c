// AtomicFile: writes a file so that readers see either the old file or the complete new one.
//
// Contract: data goes to a temporary file in the target's folder; commit() flushes it and renames
// it over the target. A file that is never committed (error, exception, crash) leaves the target
// untouched and its temporary removed by the destructor.
//
//   AtomicFile file("out.plc");
//   file.write("# header\n");
//   Status status = file.commit();
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "macroplace/netlist/status.h"

namespace macroplace::netlist {

class AtomicFile {
 public:
  // With `gzip`, the bytes are compressed (zlib's gzip format) on the way out.
  explicit AtomicFile(std::string path, bool gzip = false);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  Status commit();

 private:
  void flush_buffer();

  std::string path_, temp_path_;
  bool gzip_ = false;
  std::FILE* file_ = nullptr;
  void* gz_ = nullptr;
  std::string buffer_;
  Status status_;
  bool committed_ = false;
};

}  // namespace macroplace::netlist
