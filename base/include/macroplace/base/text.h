// Small text helpers every layer uses.
//
//   split_list("a,b,,c") == {"a", "b", "c"}
//   base64_encode("foob") == "Zm9vYg=="
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace macroplace {

// The non-empty items of a `separator`-separated list, in order.
std::vector<std::string> split_list(std::string_view text, char separator = ',');

// Bytes as base64 text (RFC 4648, with padding): binary inside JSON lines.
std::string base64_encode(std::string_view bytes);
// The bytes of base64 text; false (and `out` unspecified) for anything that is not canonical
// padded base64.
bool base64_decode(std::string_view text, std::string* out);

}  // namespace macroplace
