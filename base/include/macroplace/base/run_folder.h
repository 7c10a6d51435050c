// RunFolder: a folder that one long run owns and continues from after a kill (the trainer's
// RUN_DIR; the distributed learner's next).
//
// Contract:
// - open() creates the folder when missing and takes an exclusive lock on RUN_DIR/.lock (flock,
//   released when the RunFolder is destroyed or the process ends, SIGKILL included): a second
//   process gets an error naming the holder's PID instead of interleaving its files with the
//   first one's.
// - The manifest (RUN_DIR/manifest.json, one flat JSON object of strings) says what the run is
//   (design, model, hyper-parameters, seed). write_manifest() replaces it atomically;
//   read_manifest() reads it back; manifest_differences() lists what a resume would change.
// - Logs are JSON lines with an "iteration" key (metrics.jsonl). append_line() appends one whole
//   line and syncs it before returning, so a caller that appends before it commits its
//   checkpoint never loses a line; trim_log() drops every line past a given iteration and
//   everything from the first torn or unreadable line on, so that after a kill the log and the
//   checkpoint agree: nothing lost, nothing twice.
//
//   RunFolder folder;
//   if (Status s = RunFolder::open("runs/ariane", &folder); !s.ok()) return s;  // locked
//   folder.append_line("metrics.jsonl", "{\"iteration\": 1}");
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/status.h"

namespace macroplace {

using RunManifest = std::map<std::string, std::string>;

class RunFolder {
 public:
  RunFolder() = default;
  ~RunFolder();
  RunFolder(RunFolder&& other) noexcept;
  RunFolder& operator=(RunFolder&& other) noexcept;
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  static Status open(const std::string& dir, RunFolder* out);

  const std::string& dir() const { return dir_; }
  std::string path(std::string_view name) const;

  bool has_manifest() const;
  Status read_manifest(RunManifest* out) const;
  Status write_manifest(const RunManifest& manifest) const;

  Status append_line(std::string_view log, std::string_view line) const;
  // Keeps the log's lines whose "iteration" is at most `last_iteration`, up to the first torn
  // or unreadable line; `dropped` (optional) counts the lines removed. A missing log is empty.
  Status trim_log(std::string_view log, std::int64_t last_iteration,
                  std::int64_t* dropped = nullptr) const;

 private:
  void release();

  std::string dir_;
  int lock_fd_ = -1;
};

// "key: 'stored' -> 'now'" for each key whose value differs or that only one side has.
std::vector<std::string> manifest_differences(const RunManifest& stored, const RunManifest& now);

}  // namespace macroplace
