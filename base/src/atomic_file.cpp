#include "macroplace/base/atomic_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>

#include "temporaries.h"

namespace macroplace {

namespace {

constexpr std::size_t kFlushBytes = std::size_t{1} << 20;
constexpr const char* kTempMarker = ".macroplace-tmp.";

std::string folder_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string temporary_name(const std::string& path) {
  std::random_device seed;
  char suffix[48];
  std::snprintf(suffix, sizeof suffix, "%d.%08x", static_cast<int>(getpid()), seed());
  const std::string folder = folder_of(path);
  return (path.find('/') == std::string::npos ? std::string() : folder + "/") + "." +
         name_of(path) + kTempMarker + suffix;
}

// Temporaries of this target left by processes that no longer run.
void remove_stale_temporaries(const std::string& path) {
  const std::string folder = folder_of(path);
  const std::string prefix = "." + name_of(path) + kTempMarker;
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0 || pid == getpid()) continue;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      unlink((folder + "/" + name).c_str());
    }
  }
  closedir(dir);
}

const char* kind_of(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

Status AtomicFile::check_output(const std::string& path) {
  if (path.empty()) return Status::error("an output path is empty");
  struct stat info {};
  if (lstat(path.c_str(), &info) == 0) {
    if (!S_ISREG(info.st_mode)) {
      return Status::error_at({path, 0, 0}, std::string("refusing to write: it is ") +
                                                kind_of(info.st_mode) + ", not a regular file");
    }
    return {};
  }
  if (errno != ENOENT) {
    return Status::error_at({path, 0, 0}, std::string("cannot write: ") + std::strerror(errno));
  }
  const std::string folder = folder_of(path);
  struct stat folder_info {};
  if (stat(folder.c_str(), &folder_info) != 0 || !S_ISDIR(folder_info.st_mode)) {
    return Status::error_at({path, 0, 0},
                            "cannot write: the folder '" + folder + "' does not exist");
  }
  if (access(folder.c_str(), W_OK) != 0) {
    return Status::error_at({path, 0, 0},
                            "cannot write: the folder '" + folder + "' is not writable");
  }
  return {};
}

AtomicFile::AtomicFile(std::string path, bool gzip)
    : path_(std::move(path)), temp_path_(temporary_name(path_)), gzip_(gzip) {
  status_ = check_output(path_);
  if (!status_.ok()) return;
  remove_stale_temporaries(path_);
  signal_slot_ = internal::register_temporary(temp_path_, internal::TemporaryKind::kFile);
  if (gzip_) {
    gz_ = gzopen(temp_path_.c_str(), "wb6");
  } else {
    file_ = std::fopen(temp_path_.c_str(), "wb");
  }
  if (gz_ == nullptr && file_ == nullptr) {
    status_ =
        Status::error_at({path_, 0, 0}, std::string("cannot create file: ") + std::strerror(errno));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (file_ != nullptr) std::fclose(file_);
  if (gz_ != nullptr) gzclose(static_cast<gzFile>(gz_));
  std::remove(temp_path_.c_str());
  internal::unregister_temporary(signal_slot_);
}

void AtomicFile::write(std::string_view bytes) {
  if (!status_.ok()) return;
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

const std::string& AtomicFile::temporary_path() {
  if (file_ != nullptr) {
    if (std::fclose(file_) != 0 && status_.ok()) {
      status_ = Status::error_at({path_, 0, 0}, "cannot close the temporary file");
    }
    file_ = nullptr;
  }
  external_ = true;
  return temp_path_;
}

Status AtomicFile::commit() {
  flush_buffer();
  int close_result = 0;
  if (external_) {
    // Closed by the library that wrote it: on the disk before the rename.
    const int fd = open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) close_result = -1;
    if (fd >= 0) close(fd);
  }
  if (gz_ != nullptr) {
    close_result = gzclose(static_cast<gzFile>(gz_)) == Z_OK ? 0 : -1;
    gz_ = nullptr;
    // zlib closes without a sync: on the disk before the rename, as the plain file.
    const int fd = open(temp_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) close_result = -1;
    if (fd >= 0) close(fd);
  }
  if (file_ != nullptr) {
    if (std::fflush(file_) != 0 || fsync(fileno(file_)) != 0) close_result = -1;
    if (std::fclose(file_) != 0) close_result = -1;
    file_ = nullptr;
  }
  if (status_.ok() && close_result != 0) {
    status_ = Status::error_at({path_, 0, 0}, "write failed while closing the file (disk full?)");
  }
  // The target may have changed since the check (another process): check again, and keep the
  // mode of the file being replaced.
  if (status_.ok()) status_ = check_output(path_);
  if (status_.ok()) {
    // A new file keeps the temporary's mode: 0666 less the umask, as fopen() created it.
    struct stat target {};
    if (stat(path_.c_str(), &target) == 0) chmod(temp_path_.c_str(), target.st_mode & 07777);
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      status_ = Status::error_at({path_, 0, 0},
                                 std::string("cannot rename into place: ") + std::strerror(errno));
    }
  }
  if (!status_.ok()) std::remove(temp_path_.c_str());
  internal::unregister_temporary(signal_slot_);
  committed_ = true;
  return status_;
}

}  // namespace macroplace
