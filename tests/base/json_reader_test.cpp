// parse_flat_json_object: the lines macroplace writes read back exactly, and anything else (a torn
// line, nesting, duplicates, trailing text) is an error at path:line:column.
#include "macroplace/base/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "macroplace/base/json_writer.h"

namespace macroplace {
namespace {

TEST(JsonReader, ReadsEveryKindOfValue) {
  FlatJsonObject object;
  const std::string line =
      R"({"iteration": 12, "proxy": -1.5e-3, "design": "ariane \"x\"\n\u00e9", "legal": true, )"
      R"("best": null})";
  ASSERT_TRUE(parse_flat_json_object(line, "m.jsonl", 4, &object).ok());
  double value = 0;
  ASSERT_TRUE(object.number("iteration", &value).ok());
  EXPECT_EQ(value, 12);
  ASSERT_TRUE(object.number("proxy", &value).ok());
  EXPECT_DOUBLE_EQ(value, -1.5e-3);
  ASSERT_TRUE(object.number("best", &value).ok());
  EXPECT_TRUE(std::isnan(value));  // null reads as NaN
  std::string text;
  ASSERT_TRUE(object.text("design", &text).ok());
  EXPECT_EQ(text, "ariane \"x\"\n\xc3\xa9");  // U+00E9 in UTF-8
  ASSERT_NE(object.find("legal"), nullptr);
  EXPECT_EQ(object.find("legal")->kind, JsonValue::Kind::kBoolean);
  EXPECT_TRUE(object.find("legal")->flag);
  EXPECT_EQ(object.find("nothing"), nullptr);
  ASSERT_TRUE(object.number("nothing", 7.0, &value).ok());  // the default for a missing key
  EXPECT_EQ(value, 7);
}

// What JsonWriter writes, the reader reads back to the same values.
TEST(JsonReader, RoundTripsTheWriter) {
  JsonWriter json(JsonWriter::Spacing::kSpaced);
  json.begin_object();
  json.key("a").value(0.1);
  json.key("b").value(std::string("tab\there, quote \" and backslash \\"));
  json.key("c").value(static_cast<std::int64_t>(-42));
  json.end_object();
  FlatJsonObject object;
  ASSERT_TRUE(parse_flat_json_object(json.str(), "f", 1, &object).ok()) << json.str();
  double value = 0;
  ASSERT_TRUE(object.number("a", &value).ok());
  EXPECT_EQ(value, 0.1);
  ASSERT_TRUE(object.number("c", &value).ok());
  EXPECT_EQ(value, -42);
  std::string text;
  ASSERT_TRUE(object.text("b", &text).ok());
  EXPECT_EQ(text, "tab\there, quote \" and backslash \\");
}

struct BadLine {
  const char* line;
  std::uint64_t column;
  const char* says;
};

TEST(JsonReader, RejectsMalformedLinesAtTheirColumn) {
  const BadLine cases[] = {
      {R"({"iteration": 3, "proxy": 0.)", 29, "expected"},  // torn mid-number
      {R"({"iteration": 3, "pro)", 22, "string"},           // torn inside a key
      {R"({"a": {"b": 1}})", 7, ""},                        // nesting
      {R"({"a": 1, "a": 2})", 10, "duplicate key \"a\""},
      {R"({"a": 1} {"b": 2})", 10, "end of the line"},  // two lines glued together
      {R"({"a": 1e999})", 7, "finite"},
      {R"(["a", 1])", 1, "'{'"},
  };
  for (const BadLine& bad : cases) {
    FlatJsonObject object;
    const Status status = parse_flat_json_object(bad.line, "m.jsonl", 9, &object);
    ASSERT_FALSE(status.ok()) << bad.line;
    EXPECT_EQ(status.where().file, "m.jsonl");
    EXPECT_EQ(status.where().line, 9u);
    EXPECT_EQ(status.where().column, bad.column) << bad.line << ": " << status.to_string();
    EXPECT_NE(status.message().find(bad.says), std::string::npos) << status.to_string();
  }
}

TEST(JsonReader, WrongKindOrMissingKeyNamesTheKey) {
  FlatJsonObject object;
  ASSERT_TRUE(parse_flat_json_object(R"({"a": "text", "b": 2})", "f", 1, &object).ok());
  double value = 0;
  Status status = object.number("a", &value);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().column, 7u);  // at the value
  EXPECT_NE(status.message().find("\"a\""), std::string::npos);
  status = object.number("missing", &value);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.where().column, 21u);  // at the closing brace
  std::string text;
  EXPECT_FALSE(object.text("b", &text).ok());
}

}  // namespace
}  // namespace macroplace
