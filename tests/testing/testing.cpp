#include "testing/testing.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace macroplace::testing {

std::string example_path(const std::string& relative) {
  return std::string(MACROPLACE_SOURCE_DIR) + "/examples/" + relative;
}

std::string test_data_path(const std::string& relative) {
  return std::string(MACROPLACE_SOURCE_DIR) + "/tests/" + relative;
}

std::string make_temp_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string leaf = name;
  if (info != nullptr) leaf += std::string("_") + info->test_suite_name() + "_" + info->name();
  const std::filesystem::path dir =
      std::filesystem::path(MACROPLACE_BINARY_DIR) / "test_scratch" / leaf;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_file(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

}  // namespace macroplace::testing
