#include "macroplace/base/atomic_folder.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "temporaries.h"

namespace macroplace {

namespace {

namespace fs = std::filesystem;
constexpr const char* kStagingMarker = ".macroplace-tmp.";

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

void remove_stale_staging(const fs::path& target) {
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string prefix = "." + target.filename().string() + kStagingMarker;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(parent, error)) {
    const std::string name = entry.path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0 || pid == getpid()) continue;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove_all(entry.path(), ignored);
    }
  }
}

}  // namespace

AtomicFolder::AtomicFolder(std::string path, std::vector<std::string> owned)
    : path_(without_trailing_slashes(std::move(path))), owned_(std::move(owned)) {}

AtomicFolder::~AtomicFolder() {
  internal::unregister_temporary(signal_slot_);
  if (committed_ || staging_.empty()) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

std::string AtomicFolder::committed_path(const std::string& path) {
  std::string out;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(begin, end - begin);
    const std::size_t marker = part.find(kStagingMarker);
    if (part.size() > 1 && part[0] == '.' && marker != std::string::npos && marker > 1) {
      const std::string pid = part.substr(marker + std::strlen(kStagingMarker));
      if (!pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos) {
        part = part.substr(1, marker - 1);
      }
    }
    out += part;
    if (end < path.size()) out += '/';
    begin = end + 1;
  }
  return out;
}

Status AtomicFolder::check() const {
  if (path_.empty()) return Status::error("an output folder path is empty");
  // The staging folder is made beside the target and renamed over it: both need the parent.
  const fs::path parent =
      fs::path(path_).has_parent_path() ? fs::path(path_).parent_path() : fs::path(".");
  struct stat info {};
  if (lstat(path_.c_str(), &info) != 0) {
    if (errno != ENOENT) {
      return Status::error_at({path_, 0, 0}, std::string("cannot write: ") + std::strerror(errno));
    }
    std::error_code error;
    if (!fs::is_directory(parent, error)) {
      return Status::error_at({path_, 0, 0},
                              "cannot write: the folder '" + parent.string() + "' does not exist");
    }
  }
  if (access(parent.c_str(), W_OK) != 0) {
    return Status::error_at({path_, 0, 0}, "cannot write in the folder '" + parent.string() +
                                               "': " + std::strerror(errno));
  }
  if (lstat(path_.c_str(), &info) != 0) return {};  // a new folder
  if (!S_ISDIR(info.st_mode)) {
    return Status::error_at({path_, 0, 0}, "refusing to write: it exists and is not a folder");
  }
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(path_, error)) {
    const std::string name = entry.path().filename().string();
    if (std::find(owned_.begin(), owned_.end(), name) == owned_.end()) {
      return Status::error_at({path_, 0, 0},
                              "refusing to write: the folder holds '" + name +
                                  "', which this command does not write (use a new or empty "
                                  "folder, or one holding only this command's outputs)");
    }
  }
  if (error) return Status::error_at({path_, 0, 0}, "cannot read the folder: " + error.message());
  return {};
}

const std::string& AtomicFolder::staging() {
  if (!staging_.empty() || !status_.ok()) return staging_;
  status_ = check();
  if (!status_.ok()) return staging_;
  const fs::path target(path_);
  remove_stale_staging(target);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const fs::path staging =
      parent / ("." + target.filename().string() + kStagingMarker + std::to_string(getpid()));
  // Registered before it exists: a signal at any moment after this finds it.
  signal_slot_ = internal::register_temporary(staging.string(), internal::TemporaryKind::kFolder);
  std::error_code error;
  fs::remove_all(staging, error);  // an earlier attempt of this very process
  if (!fs::create_directory(staging, error) || error) {
    status_ = Status::error_at({path_, 0, 0}, "cannot create a staging folder beside it: " +
                                                  (error ? error.message() : "exists"));
    return staging_;
  }
  staging_ = staging.string();
  return staging_;
}

Status AtomicFolder::commit() {
  if (staging_.empty() && status_.ok()) staging();
  if (!status_.ok()) return status_;
  // Checked again: the folder may have changed while the outputs were written.
  if (Status s = check(); !s.ok()) return s;
  struct stat info {};
  const bool exists = lstat(path_.c_str(), &info) == 0;
  if (exists) {
    if (renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) != 0) {
      return Status::error_at(
          {path_, 0, 0}, std::string("cannot swap the new outputs in: ") + std::strerror(errno));
    }
  } else if (std::rename(staging_.c_str(), path_.c_str()) != 0) {
    return Status::error_at(
        {path_, 0, 0}, std::string("cannot move the outputs into place: ") + std::strerror(errno));
  }
  committed_ = true;
  // After the swap the staging name holds the old set, which a signal may remove as well.
  if (!exists) {
    internal::unregister_temporary(signal_slot_);
    signal_slot_ = -1;
  }
  if (exists) {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);  // now the old set
  }
  return {};
}

}  // namespace macroplace
