// AtomicFolder: a set of outputs appears whole or not at all, and foreign files are never lost.
#include "macroplace/base/atomic_folder.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "macroplace/base/atomic_file.h"
#include "testing/testing.h"

namespace macroplace {
namespace {

namespace fs = std::filesystem;
using macroplace::testing::make_temp_dir;
using macroplace::testing::read_file;
using macroplace::testing::write_file;

int entries_in(const std::string& dir) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++count;
  }
  return count;
}

TEST(AtomicFolder, NewFolderAppearsOnCommitOnly) {
  const std::string dir = make_temp_dir("folder_new");
  const std::string out = dir + "/out";
  AtomicFolder folder(out, {"a.txt", "b.txt"});
  ASSERT_TRUE(folder.check().ok());
  write_file(folder.staging() + "/a.txt", "A");
  write_file(folder.staging() + "/b.txt", "B");
  EXPECT_FALSE(fs::exists(out));
  ASSERT_TRUE(folder.commit().ok());
  EXPECT_EQ(read_file(out + "/a.txt"), "A");
  EXPECT_EQ(entries_in(dir), 1);  // no staging left
}

// An old set is replaced as a whole: a file of the old set that the new one lacks is gone.
TEST(AtomicFolder, OldSetIsSwappedOutWhole) {
  const std::string dir = make_temp_dir("folder_swap");
  const std::string out = dir + "/out";
  fs::create_directories(out + "/placements");
  write_file(out + "/a.txt", "old A");
  write_file(out + "/placements/old.plc", "old");
  AtomicFolder folder(out, {"a.txt", "placements"});
  ASSERT_TRUE(folder.check().ok());
  write_file(folder.staging() + "/a.txt", "new A");
  EXPECT_EQ(read_file(out + "/a.txt"), "old A");  // untouched until commit
  ASSERT_TRUE(folder.commit().ok());
  EXPECT_EQ(read_file(out + "/a.txt"), "new A");
  EXPECT_FALSE(fs::exists(out + "/placements/old.plc"));  // the old run's placements are gone
  EXPECT_EQ(entries_in(dir), 1);
}

TEST(AtomicFolder, RefusesFoldersWithForeignFilesAndNonFolders) {
  const std::string dir = make_temp_dir("folder_refuse");
  fs::create_directories(dir + "/mine");
  write_file(dir + "/mine/notes.txt", "the user's");
  AtomicFolder foreign(dir + "/mine", {"a.txt"});
  const Status status = foreign.check();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'notes.txt'"), std::string::npos) << status.message();
  EXPECT_FALSE(foreign.commit().ok());
  EXPECT_EQ(read_file(dir + "/mine/notes.txt"), "the user's");
  write_file(dir + "/file", "x");
  EXPECT_FALSE(AtomicFolder(dir + "/file", {}).check().ok());
  EXPECT_FALSE(AtomicFolder(dir + "/no/such/parent", {}).check().ok());
}

TEST(AtomicFolder, AbandonedStagingIsRemovedAndStaleOnesToo) {
  const std::string dir = make_temp_dir("folder_abandon");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  const std::string stale = dir + "/.out.macroplace-tmp." + std::to_string(child);
  fs::create_directories(stale);
  write_file(stale + "/a.txt", "partial");
  {
    AtomicFolder folder(dir + "/out", {"a.txt"});
    write_file(folder.staging() + "/a.txt", "A");
  }  // no commit
  EXPECT_FALSE(fs::exists(dir + "/out"));
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_EQ(entries_in(dir), 0);
}

// SIGTERM, SIGINT or SIGHUP while the set is being written: the process ends by the signal and
// leaves the old set and no staging folder, whatever the staging folder holds (files, a folder
// of placements, a half-written AtomicFile inside it).
TEST(AtomicFolder, SignalsRemoveTheStagingFolder) {
  const std::string dir = make_temp_dir("folder_signal");
  const std::string out = dir + "/out";
  fs::create_directories(out);
  write_file(out + "/a.txt", "old A");
  for (const int signal_number : {SIGTERM, SIGINT, SIGHUP}) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      AtomicFolder folder(out, {"a.txt", "placements"});
      write_file(folder.staging() + "/a.txt", "new A");
      fs::create_directories(folder.staging() + "/placements/deeper");
      for (int i = 0; i < 300; ++i) {  // more names than one directory read returns
        write_file(folder.staging() + "/placements/design_" + std::to_string(i) + ".plc", "x");
      }
      write_file(folder.staging() + "/placements/deeper/x.plc", "x");
      AtomicFile partial(folder.staging() + "/placements/partial.plc");
      partial.write(std::string(2 << 20, 'x'));
      raise(signal_number);
      _exit(3);  // not reached
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), signal_number);
    EXPECT_EQ(read_file(out + "/a.txt"), "old A");
    EXPECT_EQ(entries_in(dir), 1) << "signal " << signal_number;
  }
}

// A file written into the staging folder names the place it will have once committed.
TEST(AtomicFolder, CommittedPathOfAStagedFile) {
  const std::string dir = make_temp_dir("folder_committed_path");
  AtomicFolder folder(dir + "/run", {"initial.plc"});
  const std::string staged = folder.staging() + "/initial.plc";
  EXPECT_NE(staged, dir + "/run/initial.plc");
  EXPECT_EQ(AtomicFolder::committed_path(staged), dir + "/run/initial.plc");
  EXPECT_EQ(AtomicFolder::committed_path(".out.macroplace-tmp.123/a.plc"), "out/a.plc");
  EXPECT_EQ(AtomicFolder::committed_path("/x/.out.macroplace-tmp.123"), "/x/out");
  // Not staging names: kept.
  for (const std::string path : {"/x/out/a.plc", "/x/.out.macroplace-tmp.12ab/a.plc",
                                 "/x/.macroplace-tmp.1/a", "relative/.hidden/a", ""}) {
    EXPECT_EQ(AtomicFolder::committed_path(path), path);
  }
}

}  // namespace
}  // namespace macroplace
