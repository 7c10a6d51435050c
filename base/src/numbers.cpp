#include "macroplace/base/numbers.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace macroplace {

bool parse_number(std::string_view text, double* out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;  // from_chars does not take a leading '+'
  const char* end = text.data() + text.size();
  auto result = std::from_chars(begin, end, *out);
  return result.ec == std::errc() && result.ptr == end && std::isfinite(*out);
}

}  // namespace macroplace
