// JsonWriter: the project's one JSON writer. A minimal streaming writer of objects, arrays,
// strings, numbers, booleans and null that keeps commas right and escapes strings, so that
// commands and files (the CLI's --json, the trainer's metrics.jsonl and best.json, eval's
// results.json) emit well-formed JSON without a JSON library.
//
// Contract:
// - Spacing: compact `{"a":1,"b":[true]}` (the default, what the CLI's --json prints) or spaced
//   `{"a": 1, "b": [true]}` (files that people read).
// - Layout, per container: inline (the default) or one element per line, each indented by two
//   spaces per enclosing one-per-line container, the closing bracket on a line of its own at the
//   container's own indentation. An empty container is `[]` / `{}` either way.
// - Doubles in the shortest form that reads back exactly (std::to_chars); NaN and infinities,
//   which JSON lacks, as null. Integers exactly, unsigned 64-bit ones included.
// - The caller calls begin/end and key/value in a valid order; nothing is checked.
//
//   JsonWriter json(JsonWriter::Spacing::kSpaced);
//   json.begin_object().key("proxy").value(0.5).key("k").begin_array().value(1).end_array();
//   json.end_object();  // json.str() == R"({"proxy": 0.5, "k": [1]})"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace macroplace {

class JsonWriter {
 public:
  enum class Spacing { kCompact, kSpaced };
  enum class Layout { kInline, kOnePerLine };

  JsonWriter() = default;
  explicit JsonWriter(Spacing spacing) : spacing_(spacing) {}

  JsonWriter& begin_object(Layout layout = Layout::kInline);
  JsonWriter& end_object();
  JsonWriter& begin_array(Layout layout = Layout::kInline);
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(double number);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::uint64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(bool flag);
  JsonWriter& null();
  const std::string& str() const { return text_; }

 private:
  struct Container {
    bool empty = true;
    bool one_per_line = false;
  };
  void separate();
  void open(char bracket, Layout layout);
  void close(char bracket);
  void new_line();
  std::string text_;
  std::vector<Container> open_;
  int one_per_line_depth_ = 0;  // open one-per-line containers: the indentation of new lines
  bool after_key_ = false;
  Spacing spacing_ = Spacing::kCompact;
};

}  // namespace macroplace
