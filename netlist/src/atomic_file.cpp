#include "macroplace/netlist/atomic_file.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

namespace macroplace::netlist {

namespace {
constexpr std::size_t kFlushBytes = std::size_t{1} << 20;

std::string temporary_name(const std::string& path) {
  std::random_device seed;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".tmp.%d.%08x", static_cast<int>(getpid()), seed());
  return path + suffix;
}
}  // namespace

AtomicFile::AtomicFile(std::string path, bool gzip)
    : path_(std::move(path)), temp_path_(temporary_name(path_)), gzip_(gzip) {
  if (gzip_) {
    gz_ = gzopen(temp_path_.c_str(), "wb6");
    if (gz_ == nullptr) {
      status_ = Status::error_at({path_, 0, 0},
                                 std::string("cannot create file: ") + std::strerror(errno));
    }
  } else {
    file_ = std::fopen(temp_path_.c_str(), "wb");
    if (file_ == nullptr) {
      status_ = Status::error_at({path_, 0, 0},
                                 std::string("cannot create file: ") + std::strerror(errno));
    }
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (file_ != nullptr) std::fclose(file_);
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  std::remove(temp_path_.c_str());
}

void AtomicFile::write(std::string_view bytes) {
  buffer_.append(bytes);
  if (buffer_.size() >= kFlushBytes) flush_buffer();
}

void AtomicFile::flush_buffer() {
  if (!status_.ok() || buffer_.empty()) {
    buffer_.clear();
    return;
  }
  bool ok = false;
  if (gzip_) {
    ok = gzwrite(static_cast<gzFile>(gz_), buffer_.data(), static_cast<unsigned>(buffer_.size())) ==
         static_cast<int>(buffer_.size());
  } else {
    ok = std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size();
  }
  if (!ok) status_ = Status::error_at({path_, 0, 0}, "write failed (disk full?)");
  buffer_.clear();
}

Status AtomicFile::commit() {
  flush_buffer();
  int close_result = 0;
  if (gz_ != nullptr) {
    close_result = gzclose(static_cast<gzFile>(gz_)) == Z_OK ? 0 : -1;
    gz_ = nullptr;
  }
  if (file_ != nullptr) {
    if (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0) close_result = -1;
    if (std::fclose(file_) != 0) close_result = -1;
    file_ = nullptr;
  }
  if (status_.ok() && close_result != 0) {
    status_ = Status::error_at({path_, 0, 0}, "write failed while closing the file");
  }
  if (!status_.ok()) {
    std::remove(temp_path_.c_str());
    committed_ = true;
    return status_;
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    status_ = Status::error_at({path_, 0, 0},
                               std::string("cannot rename into place: ") + std::strerror(errno));
    std::remove(temp_path_.c_str());
  }
  committed_ = true;
  return status_;
}

}  // namespace macroplace::netlist
