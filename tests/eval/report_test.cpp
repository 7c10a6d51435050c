#include "macroplace/eval/report.h"

#include <gtest/gtest.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "macroplace/eval/scaling.h"
#include "testing/testing.h"

namespace macroplace::eval {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++found;
  }
  return found;
}

// The markdown table row of a method in the section of a design.
std::string markdown_row(const std::string& markdown, const std::string& design,
                         const std::string& method) {
  const std::size_t section = markdown.find("\n## " + design + "\n");
  if (section == std::string::npos) return "";
  const std::size_t row = markdown.find("\n| " + method + " |", section);
  if (row == std::string::npos) return "";
  return markdown.substr(row + 1, markdown.find('\n', row + 1) - row - 1);
}

// A strict validator of the JSON grammar (RFC 8259), enough to tell that a file parses.
class JsonValidator {
 public:
  explicit JsonValidator(const std::string& text) : text_(text) {}
  bool valid() {
    skip_space();
    if (!value()) return false;
    skip_space();
    return at_ == text_.size();
  }

 private:
  void skip_space() {
    while (at_ < text_.size() && std::string(" \t\r\n").find(text_[at_]) != std::string::npos) {
      ++at_;
    }
  }
  bool literal(const std::string& word) {
    if (text_.compare(at_, word.size(), word) != 0) return false;
    at_ += word.size();
    return true;
  }
  bool string() {
    if (text_[at_] != '"') return false;
    for (++at_; at_ < text_.size(); ++at_) {
      const char c = text_[at_];
      if (c == '"') {
        ++at_;
        return true;
      }
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        ++at_;
        if (at_ >= text_.size()) return false;
        if (text_[at_] == 'u') {
          for (int i = 0; i < 4; ++i) {
            ++at_;
            if (at_ >= text_.size() || std::isxdigit(static_cast<unsigned char>(text_[at_])) == 0) {
              return false;
            }
          }
        } else if (std::string("\"\\/bfnrt").find(text_[at_]) == std::string::npos) {
          return false;
        }
      }
    }
    return false;
  }
  bool digits() {
    const std::size_t start = at_;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_])) != 0) ++at_;
    return at_ > start;
  }
  bool number() {
    if (text_[at_] == '-') ++at_;
    if (at_ < text_.size() && text_[at_] == '0') {
      ++at_;
    } else if (!digits()) {
      return false;
    }
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (!digits()) return false;
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (!digits()) return false;
    }
    return true;
  }
  bool value() {
    if (at_ >= text_.size()) return false;
    const char c = text_[at_];
    if (c == '{') return container('}', true);
    if (c == '[') return container(']', false);
    if (c == '"') return string();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return number();
  }
  bool container(char close, bool object) {
    ++at_;
    skip_space();
    if (at_ < text_.size() && text_[at_] == close) {
      ++at_;
      return true;
    }
    while (true) {
      skip_space();
      if (object) {
        if (at_ >= text_.size() || !string()) return false;
        skip_space();
        if (at_ >= text_.size() || text_[at_] != ':') return false;
        ++at_;
        skip_space();
      }
      if (!value()) return false;
      skip_space();
      if (at_ >= text_.size()) return false;
      if (text_[at_] == close) {
        ++at_;
        return true;
      }
      if (text_[at_] != ',') return false;
      ++at_;
    }
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

bool valid_json(const std::string& text) {
  return JsonValidator(text).valid();
}

RunRecord run(const std::string& design, const std::string& method, std::uint64_t seed,
              double proxy, bool legal = true, std::int64_t overlaps = 0, double runtime = 1) {
  // wirelength 0.15 below the proxy, density 0.1, congestion 0.2: proxy = WL + 0.05 + 0.1 and
  // proxy_ct = WL + 0.1 + 0.1 = proxy + 0.05.
  RunRecord record;
  record.design = design;
  record.method = method;
  record.seed = seed;
  record.costs.proxy = proxy;
  record.costs.proxy_ct = proxy + 0.05;
  record.costs.wirelength_cost = proxy - 0.15;
  record.costs.density_cost = 0.1;
  record.costs.congestion_cost = 0.2;
  record.costs.wirelength = 1000 * proxy;
  record.overlapping_macro_pairs = overlaps;
  record.legal = legal;
  record.runtime_s = runtime;
  record.placement_file = design + "/" + method + "_seed" + std::to_string(seed) + ".plc";
  return record;
}

PlacementPicture picture(const std::string& design, const std::string& method) {
  PlacementPicture p;
  p.design = design;
  p.method = method;
  p.seed = 2;
  p.proxy = 0.7;
  p.canvas_width = 300;
  p.canvas_height = 200;
  p.columns = 6;
  p.rows = 4;
  p.hard_macros = {{50, 50, 40, 30}, {200, 120, 60, 50}};
  p.soft_macros = {{120, 60, 20, 20}, {250, 40, 30, 20}};
  p.soft_macro_shade = {0.2, 0.9};
  p.ports = {{0, 100, 0, 0}, {150, 200, 0, 0}};
  p.congestion.assign(24, 0.5);
  return p;
}

// Two designs, three methods, three seeds.
//   alpha  greedy 0.70 0.72 0.74 -> mean 0.7200, std sqrt((0.02^2 + 0 + 0.02^2) / 2) = 0.0200
//          sa     0.66 0.67 0.71 -> mean 0.6800, std sqrt((4 + 1 + 9) e-4 / 2) = 0.026458
//          random 0.90 0.95 1.00 -> mean 0.9500, std 0.0500; seed 3 illegal, overlaps 0 1 2
//   beta   greedy 1.10 1.20 1.30 -> mean 1.2000, std 0.1000; full HPWL 1.0e6 1.1e6 1.2e6
//          sa     1.25 1.25 1.25 -> mean 1.2500, std 0.0000; full HPWL 2e6 (one seed)
//          random 1.50 1.60 1.40 -> mean 1.5000, std 0.1000
// Ranks: alpha sa 1, greedy 2, random 3; beta greedy 1, sa 2, random 3: greedy and sa 1.5
// (best on one design each), random 3.
EvalReport sample_report() {
  EvalReport report;
  report.title = "test evaluation";
  report.created = "2024-01-02";
  report.time_limits_s = {60};
  report.seeds = 3;
  const std::vector<std::pair<std::string, std::vector<double>>> alpha = {
      {"greedy", {0.70, 0.72, 0.74}}, {"sa", {0.66, 0.67, 0.71}}, {"random", {0.90, 0.95, 1.00}}};
  for (const auto& [method, proxies] : alpha) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      const bool random = method == "random";
      report.runs.push_back(run("alpha", method, seed, proxies[seed - 1], !random || seed != 3,
                                random ? static_cast<std::int64_t>(seed - 1) : 0,
                                static_cast<double>(seed)));
    }
  }
  const std::vector<std::pair<std::string, std::vector<double>>> beta = {
      {"greedy", {1.10, 1.20, 1.30}}, {"sa", {1.25, 1.25, 1.25}}, {"random", {1.50, 1.60, 1.40}}};
  for (const auto& [method, proxies] : beta) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      RunRecord record = run("beta", method, seed, proxies[seed - 1]);
      if (method == "greedy") record.full_hpwl = 1e6 + 1e5 * static_cast<double>(seed - 1);
      if (method == "sa" && seed == 1) record.full_hpwl = 2e6;
      report.runs.push_back(record);
    }
  }
  report.published.push_back(
      {"alpha", "RL", 0.6543, "Mirhoseini et al., Nature 2021", "sibling clustering"});
  report.published.push_back({"gamma", "RL", 0.1111, "elsewhere", ""});
  report.scaling.push_back(scaling_curve("alpha", "sa", {0.66, 0.67, 0.71, 0.69, 0.68}, 8));
  report.scaling.push_back(scaling_curve("alpha", "greedy", {0.70, 0.72, 0.74}, 8));
  report.scaling.back().seconds_per_sample = 1.25;
  for (const char* design : {"alpha", "beta"}) {
    for (const char* method : {"greedy", "sa", "random"}) {
      report.pictures.push_back(picture(design, method));
    }
  }
  return report;
}

TEST(MeanStd, SampleStandardDeviation) {
  const MeanStd three = mean_std({0.66, 0.67, 0.71});
  EXPECT_EQ(three.count, 3);
  EXPECT_NEAR(three.mean, 0.68, 1e-15);
  EXPECT_NEAR(three.std, std::sqrt(0.0007), 1e-15);
  EXPECT_EQ(format_mean_std(three), "0.6800 \u00b1 0.0265");
  EXPECT_EQ(format_mean_std(mean_std({0.682})), "0.6820");
  EXPECT_EQ(format_mean_std(mean_std({})), "\u2014");
  EXPECT_EQ(format_mean_std(mean_std({0.6808, 0.6832}), 4), "0.6820 \u00b1 0.0017");
  // Non-finite values (failed runs) are left out.
  EXPECT_EQ(mean_std({1.0, NAN, 3.0}).count, 2);
}

TEST(Summaries, PerDesignAndMethodInOrderOfFirstRun) {
  const std::vector<MethodSummary> summaries = summarize_runs(sample_report().runs);
  ASSERT_EQ(summaries.size(), 6U);
  EXPECT_EQ(summaries[0].design, "alpha");
  EXPECT_EQ(summaries[0].method, "greedy");
  EXPECT_EQ(summaries[4].design, "beta");
  EXPECT_EQ(summaries[4].method, "sa");
  EXPECT_EQ(summaries[2].legal_runs, 2);
  EXPECT_DOUBLE_EQ(summaries[2].overlapping_macro_pairs.mean, 1.0);
  EXPECT_EQ(summaries[3].full_hpwl.count, 3);
  EXPECT_EQ(summaries[4].full_hpwl.count, 1);
  EXPECT_EQ(summaries[5].full_hpwl.count, 0);
}

TEST(Rankings, MeanRanksAndBestCounts) {
  const std::vector<MethodRanking> rankings = rank_methods(summarize_runs(sample_report().runs));
  ASSERT_EQ(rankings.size(), 3U);
  EXPECT_EQ(rankings[0].method, "greedy");
  EXPECT_DOUBLE_EQ(rankings[0].mean_rank, 1.5);
  EXPECT_EQ(rankings[0].designs_best, 1);
  EXPECT_EQ(rankings[1].method, "sa");
  EXPECT_DOUBLE_EQ(rankings[1].mean_rank, 1.5);
  EXPECT_EQ(rankings[1].designs_best, 1);
  EXPECT_EQ(rankings[2].method, "random");
  EXPECT_DOUBLE_EQ(rankings[2].mean_rank, 3.0);
  EXPECT_EQ(rankings[2].designs_best, 0);
  EXPECT_EQ(rankings[2].designs, 2);
}

TEST(Rankings, TiesShareTheirMeanRank) {
  std::vector<RunRecord> runs = {run("d", "a", 1, 0.5), run("d", "b", 1, 0.5),
                                 run("d", "c", 1, 0.7)};
  const std::vector<MethodRanking> rankings = rank_methods(summarize_runs(runs));
  ASSERT_EQ(rankings.size(), 3U);
  EXPECT_DOUBLE_EQ(rankings[0].mean_rank, 1.5);
  EXPECT_DOUBLE_EQ(rankings[1].mean_rank, 1.5);
  EXPECT_EQ(rankings[0].designs_best, 1);
  EXPECT_EQ(rankings[1].designs_best, 1);
  EXPECT_DOUBLE_EQ(rankings[2].mean_rank, 3.0);
}

TEST(Markdown, TablesMeansStdsBoldPublishedRanksAndScaling) {
  const std::string markdown = report_markdown(sample_report());
  EXPECT_EQ(markdown.rfind("# test evaluation\n", 0), 0U) << markdown;

  const std::string greedy = markdown_row(markdown, "alpha", "greedy");
  // | method | seeds | proxy | proxy_ct | wirelength cost | density | congestion | overlaps |
  // legal | runtime |: wirelength cost = proxy - 0.15 -> 0.5700; runtime 1 2 3 -> 2.00.
  EXPECT_EQ(greedy,
            "| greedy | 3 | 0.7200 \u00b1 0.0200 | 0.7700 \u00b1 0.0200 | 0.5700 | 0.1000 | "
            "0.2000 | 0 | 3/3 | 2.00 |");
  EXPECT_NE(markdown_row(markdown, "alpha", "sa").find("| **0.6800 \u00b1 0.0265** |"),
            std::string::npos);
  const std::string random = markdown_row(markdown, "alpha", "random");
  EXPECT_NE(random.find("| 0.9500 \u00b1 0.0500 |"), std::string::npos) << random;
  EXPECT_NE(random.find("| 1 | 2/3 |"), std::string::npos) << random;
  EXPECT_EQ(count(markdown, "**"), 4U);  // one bold cell per design

  // beta has a full HPWL column: greedy 1.1e6 +- 1e5, sa one seed, random none.
  EXPECT_NE(markdown.find("| runtime (s) | full HPWL |"), std::string::npos);
  const std::string beta_greedy = markdown_row(markdown, "beta", "greedy");
  EXPECT_NE(beta_greedy.find("| **1.2000 \u00b1 0.1000** |"), std::string::npos) << beta_greedy;
  EXPECT_NE(beta_greedy.find("| 1100000 \u00b1 100000 |"), std::string::npos) << beta_greedy;
  EXPECT_NE(markdown_row(markdown, "beta", "sa").find("| 1.2500 \u00b1 0.0000 |"),
            std::string::npos);
  EXPECT_NE(markdown_row(markdown, "beta", "sa").find("| 2000000 |"), std::string::npos);
  EXPECT_NE(markdown_row(markdown, "beta", "random").find("| \u2014 |"), std::string::npos);

  // The published row of alpha, under alpha's table; gamma has no runs and is not shown.
  const std::size_t published = markdown.find(
      "| RL (published) | 0.6543 | Mirhoseini et al., Nature 2021 | sibling "
      "clustering |");
  ASSERT_NE(published, std::string::npos) << markdown;
  EXPECT_GT(published, markdown.find("## alpha"));
  EXPECT_LT(published, markdown.find("## beta"));
  EXPECT_EQ(markdown.find("0.1111"), std::string::npos);

  // Summary across designs.
  const std::size_t summary = markdown.find("## Summary across designs");
  ASSERT_NE(summary, std::string::npos);
  EXPECT_NE(markdown.find("| greedy | 2 | 1.50 | 1 |", summary), std::string::npos);
  EXPECT_NE(markdown.find("| sa | 2 | 1.50 | 1 |", summary), std::string::npos);
  EXPECT_NE(markdown.find("| random | 2 | 3.00 | 0 |", summary), std::string::npos);

  // Scaling: k down the rows, one column per curve. sa from {0.66 0.67 0.68 0.69 0.71}:
  // k = 1 the mean 0.6820; k = 2: weights 2/5, 3/10, 1/5, 1/10 -> 0.6700; k = 4: weights 4/5,
  // 1/5 -> 0.6620. greedy from three runs: 0.7200, k = 2: (2 x 0.70 + 0.72) / 3 = 0.7067.
  const std::size_t scaling = markdown.find("## Best-of-k scaling");
  ASSERT_NE(scaling, std::string::npos);
  EXPECT_NE(markdown.find("| k | sa | greedy |", scaling), std::string::npos);
  EXPECT_NE(markdown.find("| 1 | 0.6820 | 0.7200 |", scaling), std::string::npos);
  EXPECT_NE(markdown.find("| 2 | 0.6700 | 0.7067 |", scaling), std::string::npos);
  EXPECT_NE(markdown.find("| 4 | 0.6620 | \u2014 |", scaling), std::string::npos);
  EXPECT_NE(markdown.find("- greedy: not fitted (from 3 runs, 1.25 s each)", scaling),
            std::string::npos);
  EXPECT_NE(markdown.find("- sa: best(k) \u2248 ", scaling), std::string::npos);
}

TEST(ResultsJson, ParsesAndHoldsEveryRunAtFullPrecision) {
  EvalReport report = sample_report();
  report.runs[0].costs.proxy = 0.1 + 0.2;  // 0.30000000000000004
  report.runs[1].seed = 18446744073709551615ULL;
  report.runs[2].costs.density_cost = NAN;
  const std::string json = results_json(report);
  ASSERT_TRUE(valid_json(json)) << json;
  EXPECT_EQ(count(json, "{") - count(json, "}"), 0U);
  EXPECT_NE(json.find("\"proxy\": 0.30000000000000004"), std::string::npos);
  EXPECT_NE(json.find("\"seed\": 18446744073709551615"), std::string::npos);
  EXPECT_NE(json.find("\"density_cost\": null"), std::string::npos);
  for (const RunRecord& record : report.runs) {
    // The shortest text that reads back exactly.
    char digits[64];
    const std::to_chars_result printed =
        std::to_chars(digits, digits + sizeof digits, record.costs.proxy);
    const std::string proxy = "\"proxy\": " + std::string(digits, printed.ptr);
    const std::string seed = "\"seed\": " + std::to_string(record.seed);
    const std::string file = "\"placement_file\": \"" + record.placement_file + "\"";
    // The run's line holds its seed, its proxy and its file.
    const std::size_t line = json.find(file);
    ASSERT_NE(line, std::string::npos) << file;
    const std::size_t begin = json.rfind('\n', line), end = json.find('\n', line);
    const std::string text = json.substr(begin, end - begin);
    EXPECT_NE(text.find(seed), std::string::npos) << text;
    EXPECT_NE(text.find(proxy), std::string::npos) << text;
  }
  EXPECT_EQ(count(json, "\"placement_file\""), report.runs.size());
  EXPECT_NE(json.find("\"full_hpwl\": 1100000,"), std::string::npos);
  EXPECT_NE(json.find("\"source\": \"Mirhoseini et al., Nature 2021\""), std::string::npos);
  EXPECT_NE(json.find("\"k\": [1, 2, 4]"), std::string::npos);
  EXPECT_NE(json.find("\"time_limits_s\": [60],"), std::string::npos);
  EXPECT_TRUE(valid_json(results_json(EvalReport{})));
}

TEST(Html, SelfContainedWithOneSvgPerPictureAndTheScalingPlot) {
  const EvalReport report = sample_report();
  const std::string html = report_html(report);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  // Six pictures and one scaling plot (only alpha has curves).
  EXPECT_EQ(count(html, "<svg"), report.pictures.size() + 1);
  EXPECT_EQ(count(html, "</svg>"), report.pictures.size() + 1);
  EXPECT_EQ(count(html, "runs k (log2 scale)"), 1U);
  // No external resources: the only "http" is the SVG namespace.
  EXPECT_EQ(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  // The same tables as the markdown.
  EXPECT_NE(html.find("<strong>0.6800 \u00b1 0.0265</strong>"), std::string::npos);
  EXPECT_NE(html.find("<td>RL (published)</td>"), std::string::npos);
  EXPECT_NE(html.find("Summary across designs"), std::string::npos);
  EXPECT_EQ(count(html, "<table>"), 2U + 1U + 1U + 1U);  // designs, published, summary, scaling
  // A picture is y-up: the canvas group flips y.
  EXPECT_NE(html.find("<g transform=\"matrix("), std::string::npos);
  EXPECT_NE(html.find(" 0 0 -"), std::string::npos);
}

TEST(Escaping, SpecialCharactersInNames) {
  EvalReport report;
  report.title = "<script>alert('x')</script> & co";
  const std::string design = "d<1>&\"q'|*_";
  const std::string method = "m<b>|x";
  report.runs.push_back(run(design, method, 1, 0.5));
  report.runs.push_back(run(design, method, 2, 0.6));
  report.runs.back().placement_file = "line\nbreak\t\"quoted\"\\";
  report.pictures.push_back(picture(design, method));
  report.scaling.push_back(scaling_curve(design, method, {0.5, 0.6, 0.55, 0.52}, 4));

  const std::string html = report_html(report);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("d<1>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"),
            std::string::npos);
  EXPECT_NE(html.find("d&lt;1&gt;&amp;&quot;q&#39;|*_"), std::string::npos);
  EXPECT_NE(html.find("m&lt;b&gt;|x"), std::string::npos);

  const std::string markdown = report_markdown(report);
  EXPECT_NE(markdown.find("## d\\<1\\>&\"q'\\|\\*\\_\n"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| m\\<b\\>\\|x | 2 |"), std::string::npos) << markdown;

  const std::string json = results_json(report);
  EXPECT_TRUE(valid_json(json)) << json;
  EXPECT_NE(json.find("\"design\": \"d<1>&\\\"q'|*_\""), std::string::npos);
  EXPECT_NE(json.find("\"placement_file\": \"line\\nbreak\\t\\\"quoted\\\"\\\\\""),
            std::string::npos);

  const std::string text = summary_table_text(report);
  EXPECT_NE(text.find(method), std::string::npos);
}

TEST(SummaryText, FixedWidthColumns) {
  const std::string text = summary_table_text(sample_report());
  // Header, rule, six rows, footnote; the last column is right-aligned so the table's lines
  // have one width in characters.
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = text.find('\n', at);
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), 9U) << text;
  auto width = [](const std::string& line) {
    std::size_t characters = 0;
    for (const char c : line) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return characters;
  };
  for (std::size_t i = 1; i < 8; ++i) EXPECT_EQ(width(lines[i]), width(lines[0])) << text;
  EXPECT_EQ(lines[0].rfind("design", 0), 0U);
  EXPECT_NE(text.find("sa *"), std::string::npos);
  EXPECT_NE(text.find("0.6800 \u00b1 0.0265"), std::string::npos);
  EXPECT_EQ(summary_table_text(EvalReport{}), "no runs\n");
}

// A training curve of three iterations: the first without a feasible sampled episode (NaN
// mean), the last without a greedy episode.
TrainingCurve sample_training() {
  TrainingCurve curve;
  curve.label = "rl (runs/alpha)";
  curve.source = "runs/alpha/metrics.jsonl";
  const double nan = std::nan("");
  curve.points.push_back(TrainingPoint{1, 1.5, nan, nan, 0.95, 0.95});
  curve.points.push_back(TrainingPoint{2, 3.25, 0.875, 0.8125, 0.90, 0.8125});
  curve.points.push_back(TrainingPoint{3, 5.0, 0.75, 0.6875, nan, 0.6875});
  return curve;
}

// The <svg> element of the report that follows `marker`.
std::string svg_after(const std::string& html, const std::string& marker) {
  const std::size_t at = html.find(marker);
  if (at == std::string::npos) return "";
  const std::size_t begin = html.find("<svg", at);
  const std::size_t end = html.find("</svg>", begin);
  if (begin == std::string::npos || end == std::string::npos) return "";
  return html.substr(begin, end + 6 - begin);
}

TEST(Training, ResultsJsonHoldsEveryPoint) {
  EvalReport report = sample_report();
  report.training.push_back(sample_training());
  const std::string json = results_json(report);
  ASSERT_TRUE(valid_json(json)) << json;
  EXPECT_NE(json.find("\"training\": [\n    {\"label\": \"rl (runs/alpha)\", \"source\": "
                      "\"runs/alpha/metrics.jsonl\", \"points\": ["),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"iteration\": 1, \"seconds\": 1.5, \"proxy_mean\": null, \"proxy_min\": "
                      "null, \"greedy_proxy\": 0.95, \"best_proxy\": 0.95}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"iteration\": 2, \"seconds\": 3.25, \"proxy_mean\": 0.875, "
                      "\"proxy_min\": 0.8125, \"greedy_proxy\": 0.9, "
                      "\"best_proxy\": 0.8125}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("{\"iteration\": 3, \"seconds\": 5, \"proxy_mean\": 0.75, \"proxy_min\": "
                      "0.6875, \"greedy_proxy\": null, \"best_proxy\": 0.6875}"),
            std::string::npos)
      << json;
  EXPECT_EQ(count(json, "\"iteration\""), 3U);
  // Without curves the array is there and empty.
  EXPECT_NE(results_json(sample_report()).find("\"training\": []"), std::string::npos);
}

TEST(Training, MarkdownSectionWithFirstAndLastValues) {
  EvalReport report = sample_report();
  report.training.push_back(sample_training());
  const std::string markdown = report_markdown(report);
  const std::size_t section = markdown.find("\n## Training\n");
  ASSERT_NE(section, std::string::npos) << markdown;
  // Iterations 3, 5.0 s; sampled mean first 0.875 (iteration 1 has none), last 0.75; greedy
  // first 0.95, last 0.90 (iteration 3 has none); best 0.6875.
  EXPECT_NE(markdown.find("| rl (runs/alpha) | 3 | 5.0 | 0.8750 | 0.7500 | 0.9500 | 0.9000 | "
                          "0.6875 |",
                          section),
            std::string::npos)
      << markdown.substr(section);
  EXPECT_NE(markdown.find("- rl (runs/alpha): runs/alpha/metrics.jsonl", section),
            std::string::npos);
  EXPECT_EQ(report_markdown(sample_report()).find("## Training"), std::string::npos);
}

TEST(Training, HtmlPlotHasOnePathPerSeries) {
  EvalReport report;
  report.training.push_back(sample_training());
  TrainingCurve no_greedy = sample_training();
  no_greedy.label = "rl (old run)";
  for (TrainingPoint& point : no_greedy.points) point.greedy_proxy = std::nan("");
  report.training.push_back(no_greedy);
  const std::string html = report_html(report);
  EXPECT_NE(html.find("<h2>Training</h2>"), std::string::npos);
  EXPECT_EQ(count(html, "<svg"), 2U);
  EXPECT_EQ(count(html, "<table>"), 1U);
  const std::string plot = svg_after(html, "<h3>rl (runs/alpha)</h3>");
  ASSERT_FALSE(plot.empty()) << html;
  // Sampled mean, greedy episode, best so far: one line each, a point per finite value
  // (2 + 2 + 3), a legend entry each.
  EXPECT_EQ(count(plot, "<path"), 3U) << plot;
  EXPECT_EQ(count(plot, "<circle"), 7U) << plot;
  EXPECT_NE(plot.find(">sampled mean: last 0.7500<"), std::string::npos) << plot;
  EXPECT_NE(plot.find(">greedy episode: last 0.9000<"), std::string::npos) << plot;
  EXPECT_NE(plot.find(">best so far: last 0.6875<"), std::string::npos) << plot;
  EXPECT_NE(plot.find(">iteration<"), std::string::npos);
  EXPECT_EQ(plot.find("nan"), std::string::npos);
  // A series without values draws no line.
  const std::string old_plot = svg_after(html, "<h3>rl (old run)</h3>");
  EXPECT_EQ(count(old_plot, "<path"), 2U) << old_plot;
  EXPECT_NE(old_plot.find(">greedy episode: no values<"), std::string::npos) << old_plot;
  // A curve without points draws a placeholder, not a plot.
  EvalReport empty;
  empty.training.push_back(TrainingCurve{"rl (empty)", "m.jsonl", {}});
  const std::string placeholder = svg_after(report_html(empty), "<h3>rl (empty)</h3>");
  EXPECT_NE(placeholder.find("no training data"), std::string::npos) << placeholder;
  EXPECT_EQ(count(placeholder, "<path"), 0U);
}

// Two budgets: each method's mean proxy over seeds at each, one line per method (the name before
// "@"), its last value in the legend; the reference (no budget) is not drawn.
TEST(Budgets, HtmlPlotsMeanProxyAgainstTheBudget) {
  EvalReport report;
  report.time_limits_s = {60, 600};
  const auto run = [](const std::string& method, double budget, std::uint64_t seed, double proxy) {
    RunRecord record;
    record.design = "d";
    record.method = method;
    record.seed = seed;
    record.time_limit_s = budget;
    record.costs.proxy = proxy;
    record.legal = true;
    return record;
  };
  report.runs = {run("sa@60s", 60, 1, 0.62),   run("sa@60s", 60, 2, 0.64),
                 run("sa@600s", 600, 1, 0.60), run("sa@600s", 600, 2, 0.61),
                 run("rl@60s", 60, 1, 0.63),   run("rl@600s", 600, 1, 0.5975),
                 run("reference", 0, 1, 0.70)};
  const std::string html = report_html(report);
  EXPECT_NE(html.find("<h2>Proxy against the time budget</h2>"), std::string::npos);
  EXPECT_NE(html.find("time limit 60 s and 600 s per run"), std::string::npos);
  const std::string plot = svg_after(html, "<h2>Proxy against the time budget</h2>");
  ASSERT_FALSE(plot.empty()) << html;
  EXPECT_EQ(count(plot, "<path"), 2U) << plot;    // sa, rl
  EXPECT_EQ(count(plot, "<circle"), 4U) << plot;  // two budgets each
  EXPECT_NE(plot.find(">sa: 0.6050 at the largest<"), std::string::npos) << plot;
  EXPECT_NE(plot.find(">rl: 0.5975 at the largest<"), std::string::npos) << plot;
  EXPECT_EQ(plot.find("reference"), std::string::npos);
  EXPECT_TRUE(valid_json(results_json(report)));
  EXPECT_NE(results_json(report).find("\"time_limits_s\": [60, 600]"), std::string::npos);
}

TEST(Writers, WriteFilesAtomicallyAndReportFailures) {
  const std::string dir = macroplace::testing::make_temp_dir("eval_report");
  const EvalReport report = sample_report();
  ASSERT_TRUE(write_results_json(report, dir + "/results.json").ok());
  ASSERT_TRUE(write_report_markdown(report, dir + "/report.md").ok());
  ASSERT_TRUE(write_report_html(report, dir + "/report.html").ok());
  EXPECT_EQ(macroplace::testing::read_file(dir + "/results.json"), results_json(report));
  EXPECT_EQ(macroplace::testing::read_file(dir + "/report.md"), report_markdown(report));
  EXPECT_EQ(macroplace::testing::read_file(dir + "/report.html"), report_html(report));
  const Status failed = write_report_html(report, dir + "/missing/folder/report.html");
  EXPECT_FALSE(failed.ok());
}

}  // namespace
}  // namespace macroplace::eval
