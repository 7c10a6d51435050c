// Small text helpers every layer uses.
//
//   split_list("a,b,,c") == {"a", "b", "c"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace macroplace {

// The non-empty items of a `separator`-separated list, in order.
std::vector<std::string> split_list(std::string_view text, char separator = ',');

}  // namespace macroplace
