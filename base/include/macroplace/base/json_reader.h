// Lines of flat JSON objects, as macroplace writes them (metrics.jsonl, the run manifest): one
// object per line whose values are numbers, strings, booleans or null. The reading counterpart
// of JsonWriter for these files, not a general JSON parser: no nesting.
//
// Contract: parse_flat_json_object() reads one line as one object and reports anything else
// (nesting, a torn line, a duplicate key, trailing text, a non-finite number) as
// path:line:column. Strings are decoded (\uXXXX to UTF-8); null reads as NaN for number().
//
//   FlatJsonObject object;
//   if (Status s = parse_flat_json_object(line, "metrics.jsonl", 3, &object); !s.ok()) ...
//   double iteration = 0;
//   s = object.number("iteration", &iteration);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "macroplace/base/status.h"

namespace macroplace {

// One value, with the column it starts at (1-based).
struct JsonValue {
  enum class Kind { kNumber, kNull, kBoolean, kString };
  Kind kind = Kind::kNull;
  double number = 0;  // kNumber; NaN for kNull
  bool flag = false;  // kBoolean
  std::string text;   // kString, decoded
  std::uint64_t column = 0;
};

struct FlatJsonObject {
  std::map<std::string, JsonValue> fields;
  SourceLocation closing;  // where the closing brace is: errors about missing keys point there

  const JsonValue* find(const std::string& key) const;
  // The number (or NaN for null) under `key`; an error naming the key's location when it is
  // another kind, or (when `missing` is not given) absent.
  Status number(const std::string& key, double* out) const;
  Status number(const std::string& key, double missing, double* out) const;
  // The string under `key`; an error when absent or another kind.
  Status text(const std::string& key, std::string* out) const;
  // An error at `value`'s location (or at the closing brace without one).
  Status error(const JsonValue* value, const std::string& message) const;
};

Status parse_flat_json_object(std::string_view line, const std::string& path,
                              std::uint64_t line_number, FlatJsonObject* out);

}  // namespace macroplace
