// Reading the trainer's metrics.jsonl: values exactly as written, null and missing keys as NaN
// (0 for the seconds), cumulative seconds, and file:line:column errors on broken lines.
#include "macroplace/eval/training_curve.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "testing/testing.h"

namespace macroplace::eval {
namespace {

std::string write_metrics(const std::string& name, const std::string& contents) {
  std::string path = macroplace::testing::make_temp_dir("training_curve") + "/" + name;
  macroplace::testing::write_file(path, contents);
  return path;
}

TEST(ReadTrainingCurve, ValuesNullsMissingKeysAndCumulativeSeconds) {
  const std::string path = write_metrics(
      "metrics.jsonl",
      // Today's trainer: every key, and others the reader ignores (strings with escapes,
      // booleans, exponents).
      "{\"iteration\": 1, \"episodes\": 4, \"tag\": \"a \\\"b\\\" \\u00e9\", \"resumed\": false, "
      "\"proxy_mean\": 1.25, \"proxy_min\": 1, \"proxy_max\": 1.5, \"greedy_proxy\": 1.125, "
      "\"best_proxy\": 1, \"rollout_s\": 1.5, \"update_s\": 0.25, \"greedy_s\": 0.125, "
      "\"kl\": -2.5e-3, \"ok\": true}\n"
      // No feasible sampled episode (null), a null greedy time, CRLF, leading spaces.
      "  {\"iteration\": 2, \"proxy_mean\": null, \"proxy_min\": null, \"greedy_proxy\": 0.875, "
      "\"best_proxy\": 0.875, \"rollout_s\": 2, \"update_s\": 0.5, \"greedy_s\": null}\r\n"
      "\n"
      // An older run: no greedy evaluation keys.
      "{\"iteration\":3,\"proxy_mean\":0.75,\"proxy_min\":0.5,\"best_proxy\":0.5,"
      "\"rollout_s\":1,\"update_s\":1}\n");
  TrainingCurve curve;
  const Status status = read_training_curve(path, "rl (run)", &curve);
  ASSERT_TRUE(status.ok()) << status.to_string();
  EXPECT_EQ(curve.label, "rl (run)");
  EXPECT_EQ(curve.source, path);
  ASSERT_EQ(curve.points.size(), 3U);

  const TrainingPoint& first = curve.points[0];
  EXPECT_EQ(first.iteration, 1);
  EXPECT_EQ(first.seconds, 1.875);  // 1.5 + 0.25 + 0.125
  EXPECT_EQ(first.proxy_mean, 1.25);
  EXPECT_EQ(first.proxy_min, 1.0);
  EXPECT_EQ(first.greedy_proxy, 1.125);
  EXPECT_EQ(first.best_proxy, 1.0);

  const TrainingPoint& second = curve.points[1];
  EXPECT_EQ(second.iteration, 2);
  EXPECT_EQ(second.seconds, 4.375);  // + 2 + 0.5 + (null: 0)
  EXPECT_TRUE(std::isnan(second.proxy_mean));
  EXPECT_TRUE(std::isnan(second.proxy_min));
  EXPECT_EQ(second.greedy_proxy, 0.875);
  EXPECT_EQ(second.best_proxy, 0.875);

  const TrainingPoint& third = curve.points[2];
  EXPECT_EQ(third.iteration, 3);
  EXPECT_EQ(third.seconds, 6.375);  // + 1 + 1 (no greedy_s: 0)
  EXPECT_EQ(third.proxy_mean, 0.75);
  EXPECT_EQ(third.proxy_min, 0.5);
  EXPECT_TRUE(std::isnan(third.greedy_proxy));  // no greedy_proxy: NaN
  EXPECT_EQ(third.best_proxy, 0.5);
}

TEST(ReadTrainingCurve, EmptyFileIsAnEmptyCurve) {
  TrainingCurve curve;
  ASSERT_TRUE(read_training_curve(write_metrics("empty.jsonl", ""), "rl", &curve).ok());
  EXPECT_TRUE(curve.points.empty());
  EXPECT_EQ(curve.label, "rl");
}

struct BrokenCase {
  const char* name;
  const char* contents;
  const char* where;  // "line:column"
  const char* message;
};

class ReadTrainingCurveBroken : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(ReadTrainingCurveBroken, NamesFileLineColumnAndWhatWasExpected) {
  const BrokenCase& c = GetParam();
  const std::string path = write_metrics(std::string(c.name) + ".jsonl", c.contents);
  TrainingCurve curve;
  curve.label = "untouched";
  const Status status = read_training_curve(path, "rl", &curve);
  ASSERT_FALSE(status.ok());
  const std::string text = status.to_string();
  EXPECT_EQ(text.rfind(path + ":" + c.where + ": error: ", 0), 0U) << text;
  EXPECT_NE(text.find(c.message), std::string::npos) << text;
  EXPECT_EQ(curve.label, "untouched");  // left alone on failure
  EXPECT_TRUE(curve.points.empty());
}

constexpr const char* kGoodLine =
    "{\"iteration\": 1, \"proxy_mean\": 0.5, \"proxy_min\": 0.5, \"best_proxy\": 0.5, "
    "\"rollout_s\": 1, \"update_s\": 1}\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, ReadTrainingCurveBroken,
    ::testing::Values(
        BrokenCase{"double_comma", "{\"iteration\": 1,, \"x\": 1}\n", "1:17",
                   "expected a string key"},
        BrokenCase{"missing_key",
                   "{\"iteration\": 1, \"proxy_mean\": 0.5, \"proxy_min\": 0.5, \"best_proxy\": "
                   "0.5, \"rollout_s\": 1, \"update_s\": 1}\n"
                   "{\"iteration\": 2, \"proxy_mean\": 0.5, \"proxy_min\": 0.5, \"best_proxy\": "
                   "0.5, \"rollout_s\": 1}\n",
                   "2:88", "expected the key \"update_s\""},
        BrokenCase{"string_for_number", "{\"iteration\": 1, \"proxy_mean\": \"high\"}\n", "1:32",
                   "expected a number or null for \"proxy_mean\""},
        BrokenCase{"truncated", "{\"iteration\": 1, \"proxy_mean\": 0.5\n", "1:35",
                   "expected ',' or '}'"},
        BrokenCase{"fractional_iteration",
                   "{\"iteration\": 1.5, \"proxy_mean\": 0.5, \"proxy_min\": 0.5, \"best_proxy\": "
                   "0.5, \"rollout_s\": 1, \"update_s\": 1}\n",
                   "1:15", "expected a whole number >= 0 for \"iteration\""},
        BrokenCase{"bad_literal", "{\"iteration\": nul}\n", "1:15", "expected a value"},
        BrokenCase{"trailing_text", "{\"iteration\": 1} x\n", "1:18",
                   "expected the end of the line"},
        BrokenCase{"leading_zero", "{\"iteration\": 01}\n", "1:16", "expected ',' or '}'"},
        BrokenCase{"duplicate_key", "{\"iteration\": 1, \"iteration\": 2}\n", "1:18",
                   "duplicate key \"iteration\""},
        BrokenCase{"out_of_range", "{\"iteration\": 1, \"proxy_mean\": 1e999}\n", "1:32",
                   "expected a finite number"},
        BrokenCase{"lone_minus", "{\"iteration\": 1, \"proxy_mean\": -}\n", "1:33",
                   "expected a digit"},
        BrokenCase{"bad_true", "{\"iteration\": 1, \"proxy_mean\": tru}\n", "1:32",
                   "expected a value"},
        BrokenCase{"not_an_object", "[1, 2]\n", "1:1", "expected '{'"}),
    [](const ::testing::TestParamInfo<BrokenCase>& test) { return std::string(test.param.name); });

TEST(ReadTrainingCurveBroken, ErrorOnALaterLineNamesThatLine) {
  const std::string path =
      write_metrics("third_line.jsonl", std::string(kGoodLine) + kGoodLine + "{\"iteration\"}\n");
  TrainingCurve curve;
  const Status status = read_training_curve(path, "rl", &curve);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.to_string().rfind(path + ":3:13: error: expected ':'", 0), 0U)
      << status.to_string();
}

TEST(ReadTrainingCurveBroken, MissingFileSaysSo) {
  TrainingCurve curve;
  const Status status = read_training_curve(
      macroplace::testing::make_temp_dir("training_curve_missing") + "/none.jsonl", "rl", &curve);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("cannot read"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace macroplace::eval
