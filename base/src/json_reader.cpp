#include "macroplace/base/json_reader.h"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>

#include "macroplace/base/numbers.h"

namespace macroplace {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One line of the file; `line` is 1-based.
class FlatObjectParser {
 public:
  FlatObjectParser(std::string_view text, const std::string& path, std::uint64_t line)
      : text_(text), path_(path), line_(line) {}

  // The whole line as one object; keys to values.
  Status parse(std::map<std::string, JsonValue>* object, std::uint64_t* closing_column) {
    object->clear();
    skip_space();
    if (!consume('{')) return error("expected '{' to start a JSON object");
    skip_space();
    if (consume('}')) {
      *closing_column = at_;
      return finish();
    }
    for (;;) {
      skip_space();
      const std::uint64_t key_column = at_ + 1;
      std::string key;
      if (peek() != '"') return error("expected a string key in double quotes");
      if (Status s = parse_string(&key); !s.ok()) return s;
      skip_space();
      if (!consume(':')) return error("expected ':' after the key \"" + key + "\"");
      skip_space();
      JsonValue value;
      if (Status s = parse_value(&value); !s.ok()) return s;
      if (!object->emplace(key, value).second) {
        return Status::error_at({path_, line_, key_column}, "duplicate key \"" + key + "\"");
      }
      skip_space();
      if (consume(',')) continue;
      if (peek() == '}') {
        *closing_column = at_ + 1;
        ++at_;
        return finish();
      }
      return error("expected ',' or '}' after the value of \"" + key + "\"");
    }
  }

 private:
  char peek() const { return at_ < text_.size() ? text_[at_] : '\0'; }
  bool consume(char c) {
    if (peek() != c) return false;
    ++at_;
    return true;
  }
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  Status error(const std::string& message) const {
    return Status::error_at({path_, line_, at_ + 1}, message);
  }
  Status finish() {
    skip_space();
    if (at_ != text_.size()) return error("expected the end of the line after the JSON object");
    return {};
  }

  // A JSON string (at its opening quote); escapes are decoded, \u to UTF-8.
  Status parse_string(std::string* out) {
    ++at_;  // the opening quote
    for (;;) {
      if (at_ >= text_.size()) return error("expected '\"' to close the string");
      const char c = text_[at_];
      if (c == '"') {
        ++at_;
        return {};
      }
      if (static_cast<unsigned char>(c) < 0x20) return error("expected no control character");
      if (c != '\\') {
        *out += c;
        ++at_;
        continue;
      }
      ++at_;
      const char escape = peek();
      switch (escape) {
        case '"':
        case '\\':
        case '/': *out += escape; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          std::uint32_t code = 0;
          for (int i = 0; i < 4; ++i) {
            ++at_;
            const char h = peek();
            std::uint32_t digit = 0;
            if (h >= '0' && h <= '9') {
              digit = static_cast<std::uint32_t>(h - '0');
            } else if (h >= 'a' && h <= 'f') {
              digit = static_cast<std::uint32_t>(h - 'a' + 10);
            } else if (h >= 'A' && h <= 'F') {
              digit = static_cast<std::uint32_t>(h - 'A' + 10);
            } else {
              return error("expected four hexadecimal digits after \\u");
            }
            code = code * 16 + digit;
          }
          // UTF-8 (surrogate halves are kept as they come; keys that matter are ASCII).
          if (code < 0x80) {
            *out += static_cast<char>(code);
          } else if (code < 0x800) {
            *out += static_cast<char>(0xC0 | (code >> 6));
            *out += static_cast<char>(0x80 | (code & 0x3F));
          } else {
            *out += static_cast<char>(0xE0 | (code >> 12));
            *out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            *out += static_cast<char>(0x80 | (code & 0x3F));
          }
          break;
        }
        default: return error("expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
      ++at_;
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  bool digit() const { return peek() >= '0' && peek() <= '9'; }

  // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  Status parse_number(double* out) {
    const std::size_t start = at_;
    consume('-');
    if (consume('0')) {
      // a single leading zero
    } else if (digit()) {
      while (digit()) ++at_;
    } else {
      return error("expected a digit");
    }
    if (consume('.')) {
      if (!digit()) return error("expected a digit after the decimal point");
      while (digit()) ++at_;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++at_;
      if (peek() == '+' || peek() == '-') ++at_;
      if (!digit()) return error("expected a digit in the exponent");
      while (digit()) ++at_;
    }
    if (!macroplace::parse_number(text_.substr(start, at_ - start), out)) {
      return Status::error_at({path_, line_, start + 1}, "expected a finite number");
    }
    return {};
  }

  Status parse_value(JsonValue* value) {
    value->column = at_ + 1;
    const char c = peek();
    if (c == '"') {
      value->kind = JsonValue::Kind::kString;
      return parse_string(&value->text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      value->kind = JsonValue::Kind::kNumber;
      return parse_number(&value->number);
    }
    if (literal("null")) {
      value->kind = JsonValue::Kind::kNull;
      value->number = kNaN;
      return {};
    }
    for (const bool flag : {true, false}) {
      if (literal(flag ? "true" : "false")) {
        value->kind = JsonValue::Kind::kBoolean;
        value->flag = flag;
        return {};
      }
    }
    return error("expected a value (a number, a string, true, false or null)");
  }

  std::string_view text_;
  const std::string& path_;
  std::uint64_t line_;
  std::size_t at_ = 0;
};

}  // namespace

const JsonValue* FlatJsonObject::find(const std::string& key) const {
  const auto found = fields.find(key);
  return found == fields.end() ? nullptr : &found->second;
}

Status FlatJsonObject::error(const JsonValue* value, const std::string& message) const {
  if (value == nullptr) return Status::error_at(closing, message);
  return Status::error_at({closing.file, closing.line, value->column}, message);
}

Status FlatJsonObject::number(const std::string& key, double* out) const {
  const JsonValue* value = find(key);
  if (value == nullptr) return error(nullptr, "expected the key \"" + key + "\" in the object");
  return number(key, 0, out);
}

Status FlatJsonObject::number(const std::string& key, double missing, double* out) const {
  const JsonValue* value = find(key);
  if (value == nullptr) {
    *out = missing;
    return {};
  }
  if (value->kind != JsonValue::Kind::kNumber && value->kind != JsonValue::Kind::kNull) {
    return error(value, "expected a number or null for \"" + key + "\"");
  }
  *out = value->kind == JsonValue::Kind::kNull ? kNaN : value->number;
  return {};
}

Status FlatJsonObject::text(const std::string& key, std::string* out) const {
  const JsonValue* value = find(key);
  if (value == nullptr) return error(nullptr, "expected the key \"" + key + "\" in the object");
  if (value->kind != JsonValue::Kind::kString) {
    return error(value, "expected a string for \"" + key + "\"");
  }
  *out = value->text;
  return {};
}

Status parse_flat_json_object(std::string_view line, const std::string& path,
                              std::uint64_t line_number, FlatJsonObject* out) {
  FlatObjectParser parser(line, path, line_number);
  std::uint64_t closing = 0;
  out->closing = {path, line_number, 0};
  if (Status s = parser.parse(&out->fields, &closing); !s.ok()) return s;
  out->closing.column = closing;
  return {};
}

}  // namespace macroplace
