// Helpers shared by the tests: where the bundled designs are, and scratch folders.
#pragma once

#include <string>

namespace macroplace::testing {

// Absolute path of a file under the repository's examples/ folder.
std::string example_path(const std::string& relative);
// Absolute path of a file under the repository's tests/ folder (regression inputs).
std::string test_data_path(const std::string& relative);
// A fresh, empty folder for one test, removed by the caller's fixture if it wishes.
std::string make_temp_dir(const std::string& name);
// Whole contents of a file (plain), for comparisons.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& contents);

}  // namespace macroplace::testing
