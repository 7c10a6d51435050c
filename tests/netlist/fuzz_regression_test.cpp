// Replays fuzz inputs through the same harness the fuzz targets run (fuzz/fuzz_harness.h):
// - every seed in fuzz/corpus/<reader>/ must read ok() into a valid netlist;
// - every file in tests/netlist/fuzz_regressions/<reader>/ (inputs that once crashed, hung or
//   broke the contract) must now return: files named `ok-*` must read ok() into a valid netlist,
//   every other file must fail with an error that names the file and a line.
// A crash shows up as a crashed test (run the sanitizer build to catch memory errors too).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <ostream>
#include <string>
#include <vector>

#include "../../fuzz/fuzz_harness.h"
#include "testing/testing.h"

namespace macroplace::fuzz {

// NOLINTNEXTLINE(readability-identifier-naming): GoogleTest's printer hook
void PrintTo(Problem problem, std::ostream* out) {
  switch (problem) {
    case Problem::kNone: *out << "none"; return;
    case Problem::kNoLocation: *out << "error without a location"; return;
    case Problem::kInvalidModel: *out << "ok() with an invalid netlist"; return;
    case Problem::kHarness: *out << "harness failure"; return;
  }
}

namespace {

namespace fs = std::filesystem;

enum class Reader { kCtNetlist, kPlc, kBookshelf, kLef, kDef };

const char* reader_name(Reader reader) {
  switch (reader) {
    case Reader::kCtNetlist: return "ct_netlist";
    case Reader::kPlc: return "plc";
    case Reader::kBookshelf: return "bookshelf";
    case Reader::kLef: return "lef";
    case Reader::kDef: return "def";
  }
  return "?";
}

// NOLINTNEXTLINE(readability-identifier-naming): GoogleTest's printer hook
void PrintTo(Reader reader, std::ostream* out) {
  *out << reader_name(reader);
}

// Regular files of a folder, sorted; none when the folder does not exist. README files and
// hidden files are notes, not inputs.
std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> files;
  std::error_code error;
  if (!fs::is_directory(folder, error)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || name.rfind("README", 0) == 0) continue;
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Outcome run(Reader reader, const std::string& path, const std::string& scratch) {
  const std::string bytes = testing::read_file(path);
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  switch (reader) {
    case Reader::kCtNetlist: return run_ct_netlist(data, bytes.size());
    case Reader::kPlc: return run_plc(data, bytes.size());
    case Reader::kBookshelf: return run_bookshelf(data, bytes.size(), scratch);
    case Reader::kLef: return run_lef(data, bytes.size());
    case Reader::kDef: return run_def(data, bytes.size());
  }
  return {};
}

class FuzzRegressionTest : public ::testing::TestWithParam<Reader> {};

TEST_P(FuzzRegressionTest, SeedCorpusReadsOk) {
  const Reader reader = GetParam();
  const std::string scratch = testing::make_temp_dir("fuzz_regression");
  const std::vector<std::string> seeds =
      files_in(std::string(MACROPLACE_SOURCE_DIR) + "/fuzz/corpus/" + reader_name(reader));
  ASSERT_FALSE(seeds.empty()) << "no seed inputs in fuzz/corpus/" << reader_name(reader);
  for (const std::string& path : seeds) {
    SCOPED_TRACE(path);
    const Outcome outcome = run(reader, path, scratch);
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.to_string();
    EXPECT_EQ(outcome.kind, Problem::kNone) << outcome.problem;
  }
  RecordProperty("seeds", static_cast<int>(seeds.size()));
  std::cout << "[ checked  ] " << seeds.size() << " seed input(s) of " << reader_name(reader)
            << "\n";
}

TEST_P(FuzzRegressionTest, SavedFindingsReturnLocatedErrorsOrOk) {
  const Reader reader = GetParam();
  const std::string scratch = testing::make_temp_dir("fuzz_regression");
  const std::vector<std::string> findings = files_in(
      testing::test_data_path(std::string("netlist/fuzz_regressions/") + reader_name(reader)));
  for (const std::string& path : findings) {
    SCOPED_TRACE(path);
    const Outcome outcome = run(reader, path, scratch);
    const bool must_parse = fs::path(path).filename().string().rfind("ok-", 0) == 0;
    if (must_parse) {
      EXPECT_TRUE(outcome.status.ok()) << outcome.status.to_string();
    } else {
      EXPECT_FALSE(outcome.status.ok()) << "malformed input was accepted";
      EXPECT_GT(outcome.status.where().line, 0u) << outcome.status.to_string();
    }
    EXPECT_EQ(outcome.kind, Problem::kNone) << outcome.problem;
  }
  RecordProperty("findings", static_cast<int>(findings.size()));
  std::cout << "[ checked  ] " << findings.size() << " saved finding(s) of " << reader_name(reader)
            << "\n";
  // With no saved findings this test still checks that the harness and the reader work on a
  // well-formed input, so it can fail.
  if (findings.empty()) {
    const std::vector<std::string> seeds =
        files_in(std::string(MACROPLACE_SOURCE_DIR) + "/fuzz/corpus/" + reader_name(reader));
    ASSERT_FALSE(seeds.empty());
    const Outcome outcome = run(reader, seeds.front(), scratch);
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.to_string();
  }
}

// The Bookshelf harness: the separator splits parts, and missing optional parts leave the .scl
// and .wts out of the .aux (an empty .scl given as a part is an error with a location).
TEST(FuzzHarnessTest, BookshelfSplitsOnSeparatorLines) {
  const std::vector<std::string_view> parts = split_bookshelf("a\n%%%%\nb\n%%%%\nc%%%%\nd");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "a\n");
  EXPECT_EQ(parts[1], "b\n");
  EXPECT_EQ(parts[2], "c");
  EXPECT_EQ(parts[3], "d");
  EXPECT_EQ(split_bookshelf("x").size(), 1u);
  EXPECT_EQ(split_bookshelf("1%%%%\n2%%%%\n3%%%%\n4%%%%\n5%%%%\n6").back(), "5%%%%\n6");

  const std::string scratch = testing::make_temp_dir("fuzz_harness");
  const std::string empty_scl =
      "NumNodes : 0\nNumTerminals : 0\n%%%%\nNumNets : 0\nNumPins : 0\n%%%%\n%%%%\n";
  const Outcome outcome = run_bookshelf(reinterpret_cast<const std::uint8_t*>(empty_scl.data()),
                                        empty_scl.size(), scratch);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_NE(outcome.status.where().file.find(".scl"), std::string::npos)
      << outcome.status.to_string();
  EXPECT_EQ(outcome.kind, Problem::kNone) << outcome.problem;
}

INSTANTIATE_TEST_SUITE_P(Readers, FuzzRegressionTest,
                         ::testing::Values(Reader::kCtNetlist, Reader::kPlc, Reader::kBookshelf,
                                           Reader::kLef, Reader::kDef),
                         [](const ::testing::TestParamInfo<Reader>& param) {
                           return std::string(reader_name(param.param));
                         });

}  // namespace
}  // namespace macroplace::fuzz
