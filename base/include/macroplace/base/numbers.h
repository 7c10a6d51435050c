// Strict number parsing shared by the readers and the command line.
//
// Contract: the whole text must be one finite decimal number (a leading '+' is allowed); no
// locale, no surrounding spaces.
//
//   double value = 0;
//   if (!parse_number("1433.406", &value)) ...
#pragma once

#include <string_view>

namespace macroplace {

bool parse_number(std::string_view text, double* out);

}  // namespace macroplace
