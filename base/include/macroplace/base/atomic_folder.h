// AtomicFolder: outputs that belong together (a clustered design's netlist, placement and
// cluster list; an evaluation's reports and placements) appear as one set: the old set or the
// complete new one, never a mix.
//
// Contract: check() accepts a new path, or an existing folder that holds nothing but names this
// command writes (`owned`: file or folder names at the top level; "placements" covers what is
// inside it). Anything else there is refused, never deleted: the caller may have put it there.
// The files are written into staging(), a fresh sibling folder `.NAME.macroplace-tmp.PID`;
// commit() swaps it with the target in one step (renameat2 RENAME_EXCHANGE; a new target is a
// plain rename) and removes the old set. Without commit() the destructor removes the staging
// folder and the target is untouched; SIGINT, SIGTERM and SIGHUP remove it too (as AtomicFile
// does its temporaries). Staging folders of processes killed with SIGKILL are removed by the
// next AtomicFolder for the same target.
//
//   AtomicFolder folder(out_dir, {"netlist.pb.txt", "initial.plc", "clusters.txt"});
//   if (Status s = folder.check(); !s.ok()) return usage_error(s);
//   write_ct_netlist(netlist, folder.staging() + "/netlist.pb.txt");
//   Status s = folder.commit();
#pragma once

#include <string>
#include <vector>

#include "macroplace/base/status.h"

namespace macroplace {

class AtomicFolder {
 public:
  AtomicFolder(std::string path, std::vector<std::string> owned);
  ~AtomicFolder();
  AtomicFolder(const AtomicFolder&) = delete;
  AtomicFolder& operator=(const AtomicFolder&) = delete;

  Status check() const;
  // Where a path inside a staging folder will be once committed ("out/.run.macroplace-tmp.42/a"
  // -> "out/run/a"), for files that name themselves (a .plc header's "This file"). Other paths
  // are returned as they are.
  static std::string committed_path(const std::string& path);
  // Creates the staging folder (once) and returns its path; empty when it cannot be created
  // (commit() then says why).
  const std::string& staging();
  Status commit();

 private:
  std::string path_, staging_;
  std::vector<std::string> owned_;
  Status status_;
  bool committed_ = false;
  int signal_slot_ = -1;  // where the signal handler finds the staging folder's name
};

}  // namespace macroplace
