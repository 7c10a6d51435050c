#include "macroplace/base/run_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>

#include "macroplace/base/atomic_file.h"
#include "macroplace/base/json_reader.h"
#include "macroplace/base/json_writer.h"

namespace macroplace {

namespace {

constexpr const char* kManifest = "manifest.json";

Status system_error(const std::string& path, const std::string& what) {
  return Status::error_at({path, 0, 0}, what + ": " + std::strerror(errno));
}

Status read_text(const std::string& path, std::string* out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::error_at({path, 0, 0}, "cannot read");
  out->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  if (file.bad()) return Status::error_at({path, 0, 0}, "cannot read");
  return {};
}

}  // namespace

RunFolder::~RunFolder() {
  release();
}

RunFolder::RunFolder(RunFolder&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

RunFolder& RunFolder::operator=(RunFolder&& other) noexcept {
  if (this != &other) {
    release();
    dir_ = std::move(other.dir_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

void RunFolder::release() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // closing the descriptor releases the flock
  lock_fd_ = -1;
}

Status RunFolder::open(const std::string& dir, RunFolder* out) {
  out->release();
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir, error)) {
    return Status::error_at({dir, 0, 0}, "cannot create the run folder" +
                                             (error ? ": " + error.message() : std::string()));
  }
  out->dir_ = dir;
  const std::string lock = out->path(".lock");
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return system_error(lock, "cannot open the run folder's lock");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int cause = errno;
    char pid[32] = "";
    const ssize_t got = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    if (cause != EWOULDBLOCK) {
      errno = cause;
      return system_error(lock, "cannot lock the run folder");
    }
    std::string holder(pid, got > 0 ? static_cast<std::size_t>(got) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return Status::error_at({dir, 0, 0},
                            "the run folder is in use by another process" +
                                (holder.empty() ? std::string() : " (PID " + holder + ")") +
                                "; two runs in one folder would mix their files");
  }
  // The holder's PID, for the message above (informational: the lock is the flock).
  const std::string text = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) < 0) {
    // The lock holds without the PID; only the message would lack it.
  }
  out->lock_fd_ = fd;
  return {};
}

std::string RunFolder::path(std::string_view name) const {
  return (std::filesystem::path(dir_) / std::string(name)).string();
}

bool RunFolder::has_manifest() const {
  std::error_code error;
  return std::filesystem::exists(path(kManifest), error);
}

Status RunFolder::read_manifest(RunManifest* out) const {
  out->clear();
  const std::string file = path(kManifest);
  std::string text;
  if (Status s = read_text(file, &text); !s.ok()) return s;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  FlatJsonObject object;
  if (Status s = parse_flat_json_object(text, file, 1, &object); !s.ok()) return s;
  for (const auto& [key, value] : object.fields) {
    if (value.kind != JsonValue::Kind::kString) {
      return object.error(&value, "expected a string for \"" + key + "\"");
    }
    (*out)[key] = value.text;
  }
  return {};
}

Status RunFolder::write_manifest(const RunManifest& manifest) const {
  JsonWriter json(JsonWriter::Spacing::kSpaced);
  json.begin_object();
  for (const auto& [key, value] : manifest) json.key(key).value(value);
  json.end_object();
  AtomicFile file(path(kManifest));
  file.write(json.str() + "\n");
  return file.commit();
}

Status RunFolder::append_line(std::string_view log, std::string_view line) const {
  const std::string file = path(log);
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return system_error(file, "cannot append");
  std::string text(line);
  text.push_back('\n');
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t wrote = ::write(fd, text.data() + done, text.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      const int cause = errno;
      // A partial line would glue onto the next one: cut it off again.
      struct stat info {};
      if (done > 0 && ::fstat(fd, &info) == 0) {
        if (::ftruncate(fd, info.st_size - static_cast<off_t>(done)) != 0) {
          // trim_log() drops the torn line on the next start.
        }
      }
      ::close(fd);
      errno = cause;
      return system_error(file, "cannot append");
    }
    done += static_cast<std::size_t>(wrote);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return system_error(file, "cannot sync");
  }
  if (::close(fd) != 0) return system_error(file, "cannot append");
  return {};
}

Status RunFolder::trim_log(std::string_view log, std::int64_t last_iteration,
                           std::int64_t* dropped) const {
  if (dropped != nullptr) *dropped = 0;
  const std::string file = path(log);
  std::error_code error;
  if (!std::filesystem::exists(file, error)) return {};
  std::string text;
  if (Status s = read_text(file, &text); !s.ok()) return s;
  std::size_t keep = 0;  // bytes of whole, readable lines up to last_iteration
  std::size_t at = 0;
  std::uint64_t line_number = 0;
  while (at < text.size()) {
    const std::size_t end = text.find('\n', at);
    if (end == std::string::npos) break;  // torn: no newline
    ++line_number;
    FlatJsonObject object;
    double iteration = 0;
    if (!parse_flat_json_object(std::string_view(text).substr(at, end - at), file, line_number,
                                &object)
             .ok() ||
        !object.number("iteration", &iteration).ok() ||
        !(iteration <= static_cast<double>(last_iteration))) {
      break;
    }
    at = end + 1;
    keep = at;
  }
  if (keep == text.size()) return {};
  if (dropped != nullptr) {
    std::int64_t lines = 0;
    for (std::size_t i = keep; i < text.size(); ++i) lines += text[i] == '\n' ? 1 : 0;
    *dropped = lines + (text.back() == '\n' ? 0 : 1);
  }
  AtomicFile out(file);
  out.write(std::string_view(text).substr(0, keep));
  return out.commit();
}

std::vector<std::string> manifest_differences(const RunManifest& stored, const RunManifest& now) {
  std::vector<std::string> out;
  const auto shown = [](const RunManifest& manifest, const std::string& key) {
    const auto found = manifest.find(key);
    return found == manifest.end() ? std::string("(none)") : "'" + found->second + "'";
  };
  RunManifest keys = stored;
  keys.insert(now.begin(), now.end());
  for (const auto& entry : keys) {
    const std::string& key = entry.first;
    const auto a = stored.find(key), b = now.find(key);
    if (a != stored.end() && b != now.end() && a->second == b->second) continue;
    out.push_back(key + ": " + shown(stored, key) + " -> " + shown(now, key));
  }
  return out;
}

}  // namespace macroplace
