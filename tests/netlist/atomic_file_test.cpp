// AtomicFile: the target holds the old or the complete new contents, never a partial file.
#include "macroplace/netlist/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/testing.h"

namespace macroplace::netlist {
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

TEST(AtomicFile, UnwritableFolderIsAnErrorNamingThePath) {
  AtomicFile file("/nonexistent-folder/out.txt");
  file.write("x");
  const Status status = file.commit();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().file, "/nonexistent-folder/out.txt");
}

}  // namespace
}  // namespace macroplace::netlist
