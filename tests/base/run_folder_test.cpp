// RunFolder: one process per run folder, a manifest that reads back, and a log that a resume cuts
// back to the checkpoint so that nothing is lost or written twice.
#include "macroplace/base/run_folder.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "testing/testing.h"

namespace macroplace {
namespace {

namespace fs = std::filesystem;
using macroplace::testing::make_temp_dir;
using macroplace::testing::read_file;
using macroplace::testing::write_file;

// Runs `body` in a child process and returns its exit code (another process, as a second
// `macroplace train` would be: flock is per open file, so a fork sees the lock as foreign).
template <typename Body>
int in_child(Body body) {
  const pid_t child = fork();
  if (child == 0) _exit(body());
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(RunFolder, CreatesTheFolderAndRefusesASecondProcess) {
  const std::string dir = make_temp_dir("run_lock") + "/a/run";
  RunFolder folder;
  ASSERT_TRUE(RunFolder::open(dir, &folder).ok());
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(read_file(dir + "/.lock"), std::to_string(getpid()) + "\n");
  const int refused = in_child([&] {
    RunFolder second;
    const Status status = RunFolder::open(dir, &second);
    if (status.ok()) return 1;
    if (status.message().find("in use by another process (PID " + std::to_string(getppid()) +
                              ")") == std::string::npos) {
      return 2;
    }
    return 0;
  });
  EXPECT_EQ(refused, 0);
  folder = RunFolder();  // released
  EXPECT_EQ(in_child([&] {
              RunFolder second;
              return RunFolder::open(dir, &second).ok() ? 0 : 1;
            }),
            0);
}

// SIGKILL cannot run a destructor: the lock must still go with the process.
TEST(RunFolder, LockOfAKilledProcessIsFree) {
  const std::string dir = make_temp_dir("run_killed");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  if (child == 0) {
    RunFolder folder;
    if (!RunFolder::open(dir, &folder).ok()) _exit(1);
    (void)!write(ready[1], "x", 1);
    pause();
    _exit(0);
  }
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1);
  RunFolder folder;
  EXPECT_FALSE(RunFolder::open(dir, &folder).ok());  // held by the child
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_TRUE(RunFolder::open(dir, &folder).ok());
  close(ready[0]);
  close(ready[1]);
}

TEST(RunFolder, RefusesAFileWhereTheFolderShouldBe) {
  const std::string dir = make_temp_dir("run_file");
  write_file(dir + "/run", "not a folder");
  RunFolder folder;
  const Status status = RunFolder::open(dir + "/run", &folder);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().file, dir + "/run");
}

TEST(RunFolder, ManifestRoundTripsAndDifferencesAreListed) {
  RunFolder folder;
  ASSERT_TRUE(RunFolder::open(make_temp_dir("run_manifest"), &folder).ok());
  EXPECT_FALSE(folder.has_manifest());
  const RunManifest manifest = {{"design", "ab12cd34ef56ab78"},
                                {"learning_rate", "0.0004"},
                                {"note", "quote \" backslash \\ newline \n tab \t"}};
  ASSERT_TRUE(folder.write_manifest(manifest).ok());
  EXPECT_TRUE(folder.has_manifest());
  RunManifest read;
  ASSERT_TRUE(folder.read_manifest(&read).ok());
  EXPECT_EQ(read, manifest);

  RunManifest changed = manifest;
  changed["learning_rate"] = "0.001";
  changed.erase("note");
  changed["seed"] = "2";
  const std::vector<std::string> differences = manifest_differences(manifest, changed);
  ASSERT_EQ(differences.size(), 3u);
  EXPECT_EQ(differences[0], "learning_rate: '0.0004' -> '0.001'");
  EXPECT_EQ(differences[1].substr(0, 20), "note: 'quote \" backs");
  EXPECT_NE(differences[1].find("' -> (none)"), std::string::npos);
  EXPECT_EQ(differences[2], "seed: (none) -> '2'");
  EXPECT_TRUE(manifest_differences(manifest, manifest).empty());
}

TEST(RunFolder, ManifestWithANonStringValueIsAnError) {
  RunFolder folder;
  const std::string dir = make_temp_dir("run_bad_manifest");
  ASSERT_TRUE(RunFolder::open(dir, &folder).ok());
  write_file(dir + "/manifest.json", "{\"seed\": 1}\n");
  RunManifest read;
  const Status status = folder.read_manifest(&read);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().file, folder.path("manifest.json"));
  EXPECT_EQ(status.where().column, 10u);
}

std::string lines(int first, int last) {
  std::string text;
  for (int i = first; i <= last; ++i) text += "{\"iteration\": " + std::to_string(i) + "}\n";
  return text;
}

TEST(RunFolder, AppendedLinesAreWholeAndTrimKeepsUpToTheCheckpoint) {
  const std::string dir = make_temp_dir("run_trim");
  RunFolder folder;
  ASSERT_TRUE(RunFolder::open(dir, &folder).ok());
  std::int64_t dropped = -1;
  ASSERT_TRUE(folder.trim_log("metrics.jsonl", 3, &dropped).ok());  // a missing log is empty
  EXPECT_EQ(dropped, 0);
  EXPECT_FALSE(fs::exists(dir + "/metrics.jsonl"));
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(
        folder.append_line("metrics.jsonl", "{\"iteration\": " + std::to_string(i) + "}").ok());
  }
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 5));
  ASSERT_TRUE(folder.trim_log("metrics.jsonl", 5, &dropped).ok());
  EXPECT_EQ(dropped, 0);
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 5));
  ASSERT_TRUE(folder.trim_log("metrics.jsonl", 3, &dropped).ok());
  EXPECT_EQ(dropped, 2);
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 3));
  ASSERT_TRUE(folder.append_line("metrics.jsonl", "{\"iteration\": 4}").ok());
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 4));
}

// A kill in the middle of a write leaves a line without its end; the next line must not be glued
// onto it, and a line that is unreadable ends what can be trusted.
TEST(RunFolder, TrimDropsATornLineAndEverythingAfterAnUnreadableOne) {
  const std::string dir = make_temp_dir("run_torn");
  RunFolder folder;
  ASSERT_TRUE(RunFolder::open(dir, &folder).ok());
  write_file(dir + "/metrics.jsonl", lines(1, 2) + "{\"iteration\": 3, \"pro");
  std::int64_t dropped = 0;
  ASSERT_TRUE(folder.trim_log("metrics.jsonl", 10, &dropped).ok());
  EXPECT_EQ(dropped, 1);
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 2));
  ASSERT_TRUE(folder.append_line("metrics.jsonl", "{\"iteration\": 3}").ok());
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 3));

  write_file(dir + "/metrics.jsonl", lines(1, 1) + "garbage\n" + lines(2, 3));
  ASSERT_TRUE(folder.trim_log("metrics.jsonl", 10, &dropped).ok());
  EXPECT_EQ(dropped, 3);
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 1));

  write_file(dir + "/metrics.jsonl", lines(1, 1) + "{\"other\": 2}\n");  // no iteration
  ASSERT_TRUE(folder.trim_log("metrics.jsonl", 10, &dropped).ok());
  EXPECT_EQ(dropped, 1);
  EXPECT_EQ(read_file(dir + "/metrics.jsonl"), lines(1, 1));
}

}  // namespace
}  // namespace macroplace
