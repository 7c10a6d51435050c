// ProgressLine: what reaches the stream, written to a temporary file.
#include "macroplace/base/progress_line.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace macroplace {
namespace {

std::string contents(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string out;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) out += static_cast<char>(c);
  return out;
}

TEST(ProgressLineTest, OverwritesAndPadsThenEndsWithOneNewline) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressLine line(file, true, 3600);
    line.update("abcdef");
    line.update("skipped: within the interval");
    line.update("xy", true);
    line.finish();
    line.finish();  // a second finish adds nothing
  }
  EXPECT_EQ(contents(file), "\rabcdef\rxy    \n");
  std::fclose(file);
}

TEST(ProgressLineTest, DisabledPrintsNothing) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressLine line(file, false, 0);
    line.update("text", true);
    EXPECT_FALSE(line.enabled());
  }
  EXPECT_EQ(contents(file), "");
  std::fclose(file);
}

}  // namespace
}  // namespace macroplace
