// AtomicFile: the target holds the old or the complete new contents, never a partial file.
#include "macroplace/base/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "testing/testing.h"

namespace macroplace {
namespace {

using macroplace::testing::make_temp_dir;
using macroplace::testing::read_file;

int files_in(const std::string& dir) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    (void)entry;
    ++count;
  }
  return count;
}

TEST(AtomicFile, CommitReplacesTheTarget) {
  const std::string dir = make_temp_dir("atomic");
  const std::string path = dir + "/out.txt";
  macroplace::testing::write_file(path, "old");
  {
    AtomicFile file(path);
    file.write("new ");
    file.write(std::string(3 << 20, 'x'));  // more than one internal flush
    EXPECT_EQ(read_file(path), "old");      // not visible before commit
    ASSERT_TRUE(file.commit().ok());
  }
  EXPECT_EQ(read_file(path).size(), 4u + (3u << 20));
  EXPECT_EQ(files_in(dir), 1);  // no temporary left behind
}

TEST(AtomicFile, AbandonedWriteLeavesTheOldFileAndNoTemporary) {
  const std::string dir = make_temp_dir("atomic");
  const std::string path = dir + "/out.txt";
  macroplace::testing::write_file(path, "old");
  {
    AtomicFile file(path);
    file.write("partial");
  }  // no commit: as if an error or exception happened
  EXPECT_EQ(read_file(path), "old");
  EXPECT_EQ(files_in(dir), 1);
}

// A library that writes by name (HDF5) gets the temporary's path: what it wrote appears at
// commit and only then; abandoned, the temporary goes and the old file stays.
TEST(AtomicFile, TemporaryPathForAnotherWriter) {
  const std::string dir = make_temp_dir("atomic");
  const std::string path = dir + "/data.h5";
  macroplace::testing::write_file(path, "old");
  {
    AtomicFile file(path);
    const std::string temporary = file.temporary_path();
    EXPECT_NE(temporary, path);
    macroplace::testing::write_file(temporary, "written by name");
    EXPECT_EQ(read_file(path), "old");
    ASSERT_TRUE(file.commit().ok());
  }
  EXPECT_EQ(read_file(path), "written by name");
  EXPECT_EQ(files_in(dir), 1);
  {
    AtomicFile file(path);
    macroplace::testing::write_file(file.temporary_path(), "half");
  }
  EXPECT_EQ(read_file(path), "written by name");
  EXPECT_EQ(files_in(dir), 1);
}

TEST(AtomicFile, UnwritableFolderIsAnErrorNamingThePath) {
  AtomicFile file("/nonexistent-folder/out.txt");
  file.write("x");
  const Status status = file.commit();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().file, "/nonexistent-folder/out.txt");
}

// Renaming over a special file would replace it (as root, `-o /dev/null` destroyed /dev/null).
TEST(AtomicFile, RefusesAnythingButARegularFileOrANewName) {
  const std::string dir = make_temp_dir("atomic_special");
  const std::string fifo = dir + "/fifo", link = dir + "/link", target = dir + "/target.txt";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  macroplace::testing::write_file(target, "kept");
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  for (const std::string& path : {fifo, link, dir, std::string("/dev/null")}) {
    SCOPED_TRACE(path);
    const Status check = AtomicFile::check_output(path);
    ASSERT_FALSE(check.ok());
    EXPECT_NE(check.message().find("refusing to write"), std::string::npos) << check.message();
    AtomicFile file(path);
    file.write("x");
    EXPECT_FALSE(file.commit().ok());
  }
  struct stat info {};
  ASSERT_EQ(lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  ASSERT_EQ(lstat(link.c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode));
  EXPECT_EQ(read_file(target), "kept");
  ASSERT_EQ(stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode));
  EXPECT_TRUE(AtomicFile::check_output(target).ok());
  EXPECT_TRUE(AtomicFile::check_output(dir + "/new.txt").ok());
  const Status missing = AtomicFile::check_output(dir + "/no/such/folder.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("does not exist"), std::string::npos);
  EXPECT_EQ(files_in(dir), 3);  // fifo, link, target: no temporaries
}

TEST(AtomicFile, KeepsTheModeOfTheFileItReplaces) {
  const std::string dir = make_temp_dir("atomic_mode");
  const std::string path = dir + "/out.txt";
  macroplace::testing::write_file(path, "old");
  ASSERT_EQ(chmod(path.c_str(), 0640), 0);
  AtomicFile file(path);
  file.write("new");
  ASSERT_TRUE(file.commit().ok());
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
  EXPECT_EQ(read_file(path), "new");
}

// A process killed with SIGKILL leaves its temporary; the next writer of the target removes it
// (and leaves those of running processes alone).
TEST(AtomicFile, RemovesStaleTemporariesOfDeadProcesses) {
  const std::string dir = make_temp_dir("atomic_stale");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);  // its pid now belongs to no process
  const std::string stale = dir + "/.out.txt.macroplace-tmp." + std::to_string(child) + ".1234";
  const std::string alive = dir + "/.out.txt.macroplace-tmp." + std::to_string(getppid()) + ".5678";
  macroplace::testing::write_file(stale, "partial");
  macroplace::testing::write_file(alive, "partial");
  AtomicFile file(dir + "/out.txt");
  file.write("x");
  ASSERT_TRUE(file.commit().ok());
  EXPECT_FALSE(std::filesystem::exists(stale));
  EXPECT_TRUE(std::filesystem::exists(alive));
}

// SIGTERM (or SIGINT) while a file is being written: the process ends by the signal and leaves
// no temporary and the old target.
TEST(AtomicFile, SignalsRemoveTemporaries) {
  const std::string dir = make_temp_dir("atomic_signal");
  const std::string path = dir + "/out.txt";
  macroplace::testing::write_file(path, "old");
  for (const int signal_number : {SIGTERM, SIGINT}) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      AtomicFile file(path);
      file.write(std::string(3 << 20, 'x'));  // flushed to the temporary
      raise(signal_number);
      _exit(3);  // not reached
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), signal_number);
    EXPECT_EQ(read_file(path), "old");
    EXPECT_EQ(files_in(dir), 1);
  }
}

}  // namespace
}  // namespace macroplace
