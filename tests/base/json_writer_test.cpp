// JsonWriter: commas, escapes, numbers, spacing and layout, checked against hand-written
// documents.
#include "macroplace/base/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace macroplace {
namespace {

TEST(JsonWriterTest, NestedContainersGetCommasRight) {
  JsonWriter json;
  json.begin_object();
  json.key("a").value(std::int64_t{1});
  json.key("b").begin_array().value(true).value(false).begin_object().end_object().end_array();
  json.key("c").begin_object().key("d").value("e").end_object();
  json.end_object();
  EXPECT_EQ(json.str(), R"({"a":1,"b":[true,false,{}],"c":{"d":"e"}})");
}

TEST(JsonWriterTest, EscapesQuotesBackslashesAndControlCharacters) {
  JsonWriter json;
  json.begin_array().value("a\"b\\c\nd\x01").end_array();
  EXPECT_EQ(json.str(), "[\"a\\\"b\\\\c\\nd\\u0001\"]");
}

TEST(JsonWriterTest, NumbersRoundTripAndNonFiniteIsNull) {
  JsonWriter json;
  json.begin_array()
      .value(0.1)
      .value(-2.5e-300)
      .value(std::numeric_limits<double>::infinity())
      .value(std::numeric_limits<double>::quiet_NaN())
      .value(std::int64_t{-9007199254740993})
      .end_array();
  EXPECT_EQ(json.str(), "[0.1,-2.5e-300,null,null,-9007199254740993]");
}

TEST(JsonWriterTest, UnsignedIntegersAndNullAreExact) {
  JsonWriter json;
  json.begin_array()
      .value(std::uint64_t{18446744073709551615ULL})
      .null()
      .value(std::int64_t{0})
      .end_array();
  EXPECT_EQ(json.str(), "[18446744073709551615,null,0]");
}

TEST(JsonWriterTest, SpacedSeparatesKeysAndElementsWithOneSpace) {
  JsonWriter json(JsonWriter::Spacing::kSpaced);
  json.begin_object();
  json.key("a").value(1);
  json.key("b").begin_array().value(true).value(0.5).begin_array().end_array().end_array();
  json.key("c").begin_object().end_object();
  json.key("d").begin_object().key("e").value("f").key("g").null().end_object();
  json.end_object();
  EXPECT_EQ(json.str(), R"({"a": 1, "b": [true, 0.5, []], "c": {}, "d": {"e": "f", "g": null}})");
}

TEST(JsonWriterTest, OnePerLineIndentsByTheEnclosingOnePerLineContainers) {
  using Layout = JsonWriter::Layout;
  JsonWriter json(JsonWriter::Spacing::kSpaced);
  json.begin_object(Layout::kOnePerLine);
  json.key("format").value("x");
  json.key("runs").begin_array(Layout::kOnePerLine);
  json.begin_object().key("seed").value(1).key("k").begin_array().value(1).value(2).end_array();
  json.end_object();
  json.begin_object().key("seed").value(2).end_object();
  json.end_array();
  // An inline object that holds a one-per-line array: its elements two levels in.
  json.key("training").begin_array(Layout::kOnePerLine);
  json.begin_object().key("label").value("a").key("points").begin_array(Layout::kOnePerLine);
  json.begin_object().key("iteration").value(1).end_object();
  json.begin_object().key("iteration").value(2).end_object();
  json.end_array().end_object();
  json.end_array();
  json.key("empty").begin_array(Layout::kOnePerLine).end_array();
  json.end_object();
  EXPECT_EQ(json.str(),
            "{\n"
            "  \"format\": \"x\",\n"
            "  \"runs\": [\n"
            "    {\"seed\": 1, \"k\": [1, 2]},\n"
            "    {\"seed\": 2}\n"
            "  ],\n"
            "  \"training\": [\n"
            "    {\"label\": \"a\", \"points\": [\n"
            "      {\"iteration\": 1},\n"
            "      {\"iteration\": 2}\n"
            "    ]}\n"
            "  ],\n"
            "  \"empty\": []\n"
            "}");
}

TEST(JsonWriterTest, CompactOnePerLineHasNoSpaces) {
  JsonWriter json;
  json.begin_array(JsonWriter::Layout::kOnePerLine)
      .begin_object()
      .key("a")
      .value(1)
      .key("b")
      .value(2)
      .end_object()
      .value(3)
      .end_array();
  EXPECT_EQ(json.str(), "[\n  {\"a\":1,\"b\":2},\n  3\n]");
}

}  // namespace
}  // namespace macroplace
