#include "macroplace/base/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>

namespace macroplace {

void JsonWriter::new_line() {
  text_.push_back('\n');
  text_.append(2 * static_cast<std::size_t>(one_per_line_depth_), ' ');
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  Container& container = open_.back();
  if (!container.empty) {
    text_.push_back(',');
    if (spacing_ == Spacing::kSpaced && !container.one_per_line) text_.push_back(' ');
  }
  container.empty = false;
  if (container.one_per_line) new_line();
}

void JsonWriter::open(char bracket, Layout layout) {
  separate();
  text_.push_back(bracket);
  const bool one_per_line = layout == Layout::kOnePerLine;
  open_.push_back({true, one_per_line});
  if (one_per_line) ++one_per_line_depth_;
}

void JsonWriter::close(char bracket) {
  const Container container = open_.back();
  open_.pop_back();
  if (container.one_per_line) {
    --one_per_line_depth_;
    if (!container.empty) new_line();
  }
  text_.push_back(bracket);
}

JsonWriter& JsonWriter::begin_object(Layout layout) {
  open('{', layout);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  close('}');
  return *this;
}

JsonWriter& JsonWriter::begin_array(Layout layout) {
  open('[', layout);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  value(name);
  text_.push_back(':');
  if (spacing_ == Spacing::kSpaced) text_.push_back(' ');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  separate();
  text_.push_back('"');
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': text_ += "\\\""; break;
      case '\\': text_ += "\\\\"; break;
      case '\n': text_ += "\\n"; break;
      case '\t': text_ += "\\t"; break;
      case '\r': text_ += "\\r"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          text_ += buffer;
        } else {
          text_.push_back(ch);
        }
    }
  }
  text_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::value(double number) {
  separate();
  if (!std::isfinite(number)) {
    text_ += "null";  // JSON has no NaN or infinity
    return *this;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  text_.append(buffer, result.ptr);
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  separate();
  text_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(std::uint64_t number) {
  separate();
  text_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  separate();
  text_ += flag ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  text_ += "null";
  return *this;
}

}  // namespace macroplace
