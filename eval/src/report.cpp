#include "macroplace/eval/report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>
#include <utility>

#include "macroplace/base/atomic_file.h"
#include "macroplace/base/json_writer.h"
#include "svg.h"

namespace macroplace::eval {

namespace {

constexpr const char* kDash = "\u2014";
constexpr const char* kPlusMinus = " \u00b1 ";
constexpr const char* kWeightsNote =
    "proxy = wirelength + 0.5 density + 0.5 congestion (the published weights); proxy_ct = "
    "wirelength + 1.0 density + 0.5 congestion (Circuit Training's)";

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// Mean with a printf pattern, "± std" when there are two values or more.
std::string format_mean_std_pattern(const MeanStd& value, const char* mean_pattern,
                                    const char* std_pattern) {
  if (value.count == 0) return kDash;
  std::string text = format(mean_pattern, value.mean);
  if (value.count > 1) text += kPlusMinus + format(std_pattern, value.std);
  return text;
}

std::string format_mean(const MeanStd& value, int decimals) {
  return value.count == 0 ? std::string(kDash) : fixed(value.mean, decimals);
}

std::string format_overlaps(const MeanStd& value) {
  if (value.count == 0) return kDash;
  return value.mean == std::floor(value.mean) ? fixed(value.mean, 0) : fixed(value.mean, 2);
}

std::string format_runtime(const MeanStd& value) {
  if (value.count == 0) return kDash;
  return fixed(value.mean, value.mean < 100 ? 2 : 0);
}

// Whole micrometres for real designs; significant digits for tiny test designs.
std::string format_hpwl(const MeanStd& value) {
  const char* pattern = std::fabs(value.mean) >= 1000 ? "%.0f" : "%.4g";
  return format_mean_std_pattern(value, pattern, pattern);
}

// Characters, not bytes, of UTF-8 text: for fixed-width columns.
std::size_t display_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// ---- JSON ----------------------------------------------------------------------------------

// {"mean": ..., "std": ..., "count": ...}: null where there are too few values.
void write_mean_std(JsonWriter* json, std::string_view key, const MeanStd& value) {
  const double none = std::nan("");
  json->key(key).begin_object();
  json->key("mean").value(value.count > 0 ? value.mean : none);
  json->key("std").value(value.count > 1 ? value.std : none);
  json->key("count").value(value.count);
  json->end_object();
}

// ---- Tables --------------------------------------------------------------------------------

struct Cell {
  std::string text;
  bool bold = false;
};

struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // right-aligned
  std::vector<std::vector<Cell>> rows;
};

// CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that would
// change a table cell's meaning.
// An underscore inside a word ("proxy_ct") cannot start emphasis and is left alone.
std::string markdown_escape(std::string_view text) {
  auto word = [&text](std::size_t i) {
    return i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])) != 0;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool inner_underscore = c == '_' && i > 0 && word(i - 1) && word(i + 1);
    if (!inner_underscore && std::string_view("\\`*_[]<>|~#").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

std::string markdown_table(const Table& table) {
  std::string out = "|";
  for (const std::string& name : table.header) out += " " + markdown_escape(name) + " |";
  out += "\n|";
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    out += c < table.numeric.size() && table.numeric[c] ? "---:|" : "---|";
  }
  out += "\n";
  for (const std::vector<Cell>& row : table.rows) {
    out += "|";
    for (const Cell& cell : row) {
      const std::string text = markdown_escape(cell.text);
      out += " " + (cell.bold ? "**" + text + "**" : text) + " |";
    }
    out += "\n";
  }
  return out;
}

std::string html_table(const Table& table) {
  std::string out = "<table>\n<thead><tr>";
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    const bool numeric = c < table.numeric.size() && table.numeric[c];
    out += std::string(numeric ? "<th class=\"num\">" : "<th>") + xml_escape(table.header[c]) +
           "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const std::vector<Cell>& row : table.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const bool numeric = c < table.numeric.size() && table.numeric[c];
      const std::string text = xml_escape(row[c].text);
      out += std::string(numeric ? "<td class=\"num\">" : "<td>") +
             (row[c].bold ? "<strong>" + text + "</strong>" : text) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

std::string text_table(const Table& table) {
  std::vector<std::size_t> widths(table.header.size(), 0);
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    widths[c] = display_length(table.header[c]);
  }
  for (const std::vector<Cell>& row : table.rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], display_length(row[c].text));
    }
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
      const std::string padding(widths[c] - display_length(cells[c]), ' ');
      const bool numeric = c < table.numeric.size() && table.numeric[c];
      if (c > 0) out += "  ";
      out += numeric ? padding + cells[c] : cells[c] + padding;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(table.header);
  std::vector<std::string> rule;
  rule.reserve(widths.size());
  for (const std::size_t width : widths) rule.emplace_back(width, '-');
  out += line(rule);
  for (const std::vector<Cell>& row : table.rows) {
    std::vector<std::string> cells;
    cells.reserve(row.size());
    for (const Cell& cell : row) cells.push_back(cell.text);
    out += line(cells);
  }
  return out;
}

// ---- What the documents show ---------------------------------------------------------------

template <typename T>
void add_unique(std::vector<T>* list, const T& value) {
  if (std::find(list->begin(), list->end(), value) == list->end()) list->push_back(value);
}

// Designs in the order of their first run, then those that only have pictures or curves.
std::vector<std::string> design_order(const EvalReport& report) {
  std::vector<std::string> designs;
  for (const RunRecord& run : report.runs) add_unique(&designs, run.design);
  for (const PlacementPicture& picture : report.pictures) add_unique(&designs, picture.design);
  for (const ScalingCurve& curve : report.scaling) add_unique(&designs, curve.design);
  return designs;
}

std::vector<MethodSummary> summaries_of(const std::vector<MethodSummary>& all,
                                        const std::string& design) {
  std::vector<MethodSummary> out;
  for (const MethodSummary& summary : all) {
    if (summary.design == design) out.push_back(summary);
  }
  return out;
}

// The lowest mean proxy among the summaries (infinite when none has a proxy).
double best_mean_proxy(const std::vector<MethodSummary>& summaries) {
  double best = HUGE_VAL;
  for (const MethodSummary& summary : summaries) {
    if (summary.proxy.count > 0 && std::isfinite(summary.proxy.mean)) {
      best = std::min(best, summary.proxy.mean);
    }
  }
  return best;
}

Table design_table(const std::vector<MethodSummary>& summaries) {
  bool any_hpwl = false;
  for (const MethodSummary& summary : summaries) any_hpwl = any_hpwl || summary.full_hpwl.count > 0;
  Table table;
  table.header = {"method",       "seeds",           "proxy",    "proxy_ct", "wirelength cost",
                  "density cost", "congestion cost", "overlaps", "legal",    "runtime (s)"};
  table.numeric = {false, true, true, true, true, true, true, true, true, true};
  if (any_hpwl) {
    table.header.emplace_back("full HPWL");
    table.numeric.push_back(true);
  }
  const double best = best_mean_proxy(summaries);
  for (const MethodSummary& summary : summaries) {
    std::vector<Cell> row = {
        {summary.method},
        {std::to_string(summary.runs)},
        {format_mean_std(summary.proxy), summary.proxy.count > 0 && summary.proxy.mean == best},
        {format_mean_std(summary.proxy_ct)},
        {format_mean(summary.wirelength_cost, 4)},
        {format_mean(summary.density_cost, 4)},
        {format_mean(summary.congestion_cost, 4)},
        {format_overlaps(summary.overlapping_macro_pairs)},
        {std::to_string(summary.legal_runs) + "/" + std::to_string(summary.runs)},
        {format_runtime(summary.runtime_s)},
    };
    if (any_hpwl) row.push_back({format_hpwl(summary.full_hpwl)});
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<PublishedResult> published_for(const EvalReport& report, const std::string& design) {
  std::vector<PublishedResult> out;
  for (const PublishedResult& result : report.published) {
    if (result.design == design) out.push_back(result);
  }
  return out;
}

Table published_table(const std::vector<PublishedResult>& results) {
  Table table;
  table.header = {"method", "proxy", "source", "note"};
  table.numeric = {false, true, false, false};
  for (const PublishedResult& result : results) {
    table.rows.push_back({{result.method + " (published)"},
                          {fixed(result.proxy, 4)},
                          {result.source},
                          {result.note.empty() ? std::string(kDash) : result.note}});
  }
  return table;
}

Table ranking_table(const std::vector<MethodRanking>& rankings) {
  Table table;
  table.header = {"method", "designs", "mean rank", "best on"};
  table.numeric = {false, true, true, true};
  for (const MethodRanking& ranking : rankings) {
    table.rows.push_back({{ranking.method},
                          {std::to_string(ranking.designs)},
                          {fixed(ranking.mean_rank, 2)},
                          {std::to_string(ranking.designs_best)}});
  }
  return table;
}

std::vector<ScalingCurve> curves_of(const EvalReport& report, const std::string& design) {
  std::vector<ScalingCurve> out;
  for (const ScalingCurve& curve : report.scaling) {
    if (curve.design == design) out.push_back(curve);
  }
  return out;
}

// k down the rows (the union of every curve's k), one column per method.
Table scaling_table(const std::vector<ScalingCurve>& curves) {
  Table table;
  table.header = {"k"};
  table.numeric = {true};
  std::vector<std::int64_t> ks;
  for (const ScalingCurve& curve : curves) {
    table.header.push_back(curve.method);
    table.numeric.push_back(true);
    ks.insert(ks.end(), curve.k.begin(), curve.k.end());
  }
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  for (const std::int64_t k : ks) {
    std::vector<Cell> row = {{std::to_string(k)}};
    for (const ScalingCurve& curve : curves) {
      std::string text = kDash;
      for (std::size_t i = 0; i < std::min(curve.k.size(), curve.best.size()); ++i) {
        if (curve.k[i] == k && std::isfinite(curve.best[i])) text = fixed(curve.best[i], 4);
      }
      row.push_back({text});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

// "best(k) ≈ 0.6500 + 0.0500 · k^-0.500" or why there is no fit.
std::string fit_text(const ScalingCurve& curve) {
  const std::string runs = " (from " + std::to_string(curve.samples) + " runs, " +
                           fixed(curve.seconds_per_sample, 2) + " s each)";
  if (!curve.fitted) return "not fitted" + runs;
  return "best(k) \u2248 " + fixed(curve.asymptote, 4) + " + " + fixed(curve.scale, 4) +
         " \u00b7 k^-" + fixed(curve.exponent, 3) + runs;
}

// ---- Training curves ------------------------------------------------------------------------

// The first and last finite value of one series of a curve (NaN when it has none).
std::pair<double, double> first_and_last(const TrainingCurve& curve,
                                         double TrainingPoint::*series) {
  double first = std::nan(""), last = std::nan("");
  for (const TrainingPoint& point : curve.points) {
    const double value = point.*series;
    if (!std::isfinite(value)) continue;
    if (!std::isfinite(first)) first = value;
    last = value;
  }
  return {first, last};
}

std::string format_proxy(double value) {
  return std::isfinite(value) ? fixed(value, 4) : std::string(kDash);
}

// One row per training run: how long it trained and where its proxies started and ended.
Table training_table(const std::vector<TrainingCurve>& curves) {
  Table table;
  table.header = {"run",
                  "iterations",
                  "training time (s)",
                  "sampled mean: first",
                  "sampled mean: last",
                  "greedy: first",
                  "greedy: last",
                  "best proxy"};
  table.numeric = {false, true, true, true, true, true, true, true};
  for (const TrainingCurve& curve : curves) {
    const auto [mean_first, mean_last] = first_and_last(curve, &TrainingPoint::proxy_mean);
    const auto [greedy_first, greedy_last] = first_and_last(curve, &TrainingPoint::greedy_proxy);
    double best = HUGE_VAL;
    for (const TrainingPoint& point : curve.points) {
      if (std::isfinite(point.best_proxy)) best = std::min(best, point.best_proxy);
    }
    const bool any = !curve.points.empty();
    table.rows.push_back(
        {{curve.label},
         {any ? std::to_string(curve.points.back().iteration) : std::string(kDash)},
         {any ? fixed(curve.points.back().seconds, 1) : std::string(kDash)},
         {format_proxy(mean_first)},
         {format_proxy(mean_last)},
         {format_proxy(greedy_first)},
         {format_proxy(greedy_last)},
         {format_proxy(best)}});
  }
  return table;
}

constexpr const char* kTrainingNote =
    "Per training run: the last iteration, the training time up to it (rollouts, updates and "
    "greedy evaluations), the mean proxy of the iteration's sampled episodes and the proxy of "
    "the updated policy's greedy episode at the first and last iteration that have one, and the "
    "best proxy found.";

// Per method (the name before "@"), in order of first run: its mean proxy at each budget.
std::vector<BudgetSeries> budget_series(const EvalReport& report, const std::string& design) {
  std::vector<std::string> methods;
  std::map<std::pair<std::string, double>, std::vector<double>> proxies;
  for (const RunRecord& run : report.runs) {
    if (run.design != design || !(run.time_limit_s > 0)) continue;
    const std::string method = run.method.substr(0, run.method.find('@'));
    add_unique(&methods, method);
    proxies[{method, run.time_limit_s}].push_back(run.costs.proxy);
  }
  std::vector<BudgetSeries> series;
  series.reserve(methods.size());
  for (const std::string& method : methods) {
    BudgetSeries one;
    one.label = method;
    for (const auto& [key, values] : proxies) {  // budgets in increasing order
      if (key.first == method) one.points.emplace_back(key.second, mean_std(values).mean);
    }
    series.push_back(std::move(one));
  }
  return series;
}

std::string metadata_line(const EvalReport& report) {
  std::string text;
  if (!report.created.empty()) text += "Created " + report.created + ". ";
  if (report.seeds > 0) text += std::to_string(report.seeds) + " seeds per method";
  std::string budgets;
  for (const double seconds : report.time_limits_s) {
    if (seconds > 0) budgets += (budgets.empty() ? "" : " and ") + format("%g", seconds) + " s";
  }
  if (!budgets.empty()) {
    text += std::string(report.seeds > 0 ? ", " : "") + "time limit " + budgets + " per run";
    if (report.time_limits_s.size() > 1) text += " (NAME@Ts: the method with T seconds)";
  }
  if (report.seeds > 0 || !budgets.empty()) text += ". ";
  text +=
      "Mean \u00b1 sample standard deviation over seeds; the lowest mean proxy of each design "
      "in bold; ";
  return text + kWeightsNote + ".";
}

Status write_text(const std::string& path, const std::string& text) {
  AtomicFile file(path);
  file.write(text);
  return file.commit();
}

constexpr const char* kStyle = R"css(
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
p.meta, p.note { color: #555; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; display: block;
        overflow-x: auto; max-width: 100%; }
th, td { border: 1px solid #ccc; padding: 3px 8px; }
th { background: #f2f2f2; } td.num, th.num { text-align: right; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
.pictures { display: flex; flex-wrap: wrap; gap: 12px; margin: 0.8em 0; }
.pictures svg, .plot svg { border: 1px solid #ddd; background: #fff; }
)css";

}  // namespace

// ---- Statistics ----------------------------------------------------------------------------

MeanStd mean_std(const std::vector<double>& values) {
  MeanStd result;
  double sum = 0;
  for (const double value : values) {
    if (!std::isfinite(value)) continue;
    sum += value;
    ++result.count;
  }
  if (result.count == 0) return result;
  result.mean = sum / static_cast<double>(result.count);
  if (result.count > 1) {
    double squares = 0;
    for (const double value : values) {
      if (std::isfinite(value)) squares += (value - result.mean) * (value - result.mean);
    }
    result.std = std::sqrt(squares / static_cast<double>(result.count - 1));
  }
  return result;
}

std::string format_mean_std(const MeanStd& value, int decimals) {
  if (value.count == 0) return kDash;
  std::string text = fixed(value.mean, decimals);
  if (value.count > 1) text += kPlusMinus + fixed(value.std, decimals);
  return text;
}

std::vector<MethodSummary> summarize_runs(const std::vector<RunRecord>& runs) {
  std::vector<std::pair<std::string, std::string>> keys;
  for (const RunRecord& run : runs) add_unique(&keys, std::make_pair(run.design, run.method));
  std::vector<MethodSummary> summaries;
  summaries.reserve(keys.size());
  for (const auto& [design, method] : keys) {
    MethodSummary summary;
    summary.design = design;
    summary.method = method;
    std::vector<double> proxy, proxy_ct, wirelength, wirelength_cost, density_cost, congestion_cost,
        overlaps, runtime, full_hpwl;
    for (const RunRecord& run : runs) {
      if (run.design != design || run.method != method) continue;
      ++summary.runs;
      if (run.legal) ++summary.legal_runs;
      proxy.push_back(run.costs.proxy);
      proxy_ct.push_back(run.costs.proxy_ct);
      wirelength.push_back(run.costs.wirelength);
      wirelength_cost.push_back(run.costs.wirelength_cost);
      density_cost.push_back(run.costs.density_cost);
      congestion_cost.push_back(run.costs.congestion_cost);
      overlaps.push_back(static_cast<double>(run.overlapping_macro_pairs));
      runtime.push_back(run.runtime_s);
      if (run.full_hpwl) full_hpwl.push_back(*run.full_hpwl);
    }
    summary.proxy = mean_std(proxy);
    summary.proxy_ct = mean_std(proxy_ct);
    summary.wirelength = mean_std(wirelength);
    summary.wirelength_cost = mean_std(wirelength_cost);
    summary.density_cost = mean_std(density_cost);
    summary.congestion_cost = mean_std(congestion_cost);
    summary.overlapping_macro_pairs = mean_std(overlaps);
    summary.runtime_s = mean_std(runtime);
    summary.full_hpwl = mean_std(full_hpwl);
    summaries.push_back(std::move(summary));
  }
  return summaries;
}

std::vector<MethodRanking> rank_methods(const std::vector<MethodSummary>& summaries) {
  std::vector<std::string> designs, methods;
  for (const MethodSummary& summary : summaries) {
    add_unique(&designs, summary.design);
    add_unique(&methods, summary.method);
  }
  std::map<std::string, double> rank_sum;
  std::map<std::string, std::int64_t> ranked_designs, best_designs;
  for (const std::string& design : designs) {
    std::vector<std::pair<double, std::string>> means;
    for (const MethodSummary& summary : summaries) {
      if (summary.design == design && summary.proxy.count > 0 &&
          std::isfinite(summary.proxy.mean)) {
        means.emplace_back(summary.proxy.mean, summary.method);
      }
    }
    std::sort(means.begin(), means.end());
    // Ties share the mean of the ranks they span.
    for (std::size_t i = 0; i < means.size();) {
      std::size_t j = i;
      while (j < means.size() && means[j].first == means[i].first) ++j;
      const double rank = static_cast<double>(i + 1 + j) / 2.0;
      for (std::size_t t = i; t < j; ++t) {
        rank_sum[means[t].second] += rank;
        ++ranked_designs[means[t].second];
        if (i == 0) ++best_designs[means[t].second];
      }
      i = j;
    }
  }
  std::vector<MethodRanking> rankings;
  rankings.reserve(methods.size());
  for (const std::string& method : methods) {
    MethodRanking ranking;
    ranking.method = method;
    ranking.designs = ranked_designs[method];
    if (ranking.designs == 0) continue;
    ranking.mean_rank = rank_sum[method] / static_cast<double>(ranking.designs);
    ranking.designs_best = best_designs[method];
    rankings.push_back(ranking);
  }
  std::stable_sort(
      rankings.begin(), rankings.end(),
      [](const MethodRanking& a, const MethodRanking& b) { return a.mean_rank < b.mean_rank; });
  return rankings;
}

// ---- Documents -----------------------------------------------------------------------------

std::string results_json(const EvalReport& report) {
  using Layout = JsonWriter::Layout;
  JsonWriter json(JsonWriter::Spacing::kSpaced);
  json.begin_object(Layout::kOnePerLine);
  json.key("format").value("macroplace.eval.results");
  json.key("version").value(1);
  json.key("title").value(report.title);
  json.key("created").value(report.created);
  json.key("time_limits_s").begin_array();
  for (const double seconds : report.time_limits_s) json.value(seconds);
  json.end_array();
  json.key("seeds").value(report.seeds);

  // Arrays of one object per line: one run, summary, curve, ... per line.
  json.key("runs").begin_array(Layout::kOnePerLine);
  for (const RunRecord& run : report.runs) {
    json.begin_object();
    json.key("design").value(run.design);
    json.key("method").value(run.method);
    json.key("seed").value(run.seed);
    json.key("costs").begin_object();
    json.key("proxy").value(run.costs.proxy);
    json.key("proxy_ct").value(run.costs.proxy_ct);
    json.key("wirelength").value(run.costs.wirelength);
    json.key("wirelength_cost").value(run.costs.wirelength_cost);
    json.key("density_cost").value(run.costs.density_cost);
    json.key("congestion_cost").value(run.costs.congestion_cost);
    json.end_object();
    json.key("overlapping_macro_pairs").value(run.overlapping_macro_pairs);
    json.key("legal").value(run.legal);
    json.key("runtime_s").value(run.runtime_s);
    json.key("time_limit_s").value(run.time_limit_s);
    json.key("full_hpwl");
    if (run.full_hpwl) {
      json.value(*run.full_hpwl);
    } else {
      json.null();
    }
    json.key("placement_file").value(run.placement_file);
    json.end_object();
  }
  json.end_array();

  json.key("summary").begin_array(Layout::kOnePerLine);
  for (const MethodSummary& item : summarize_runs(report.runs)) {
    json.begin_object();
    json.key("design").value(item.design);
    json.key("method").value(item.method);
    json.key("runs").value(item.runs);
    json.key("legal_runs").value(item.legal_runs);
    write_mean_std(&json, "proxy", item.proxy);
    write_mean_std(&json, "proxy_ct", item.proxy_ct);
    write_mean_std(&json, "wirelength", item.wirelength);
    write_mean_std(&json, "wirelength_cost", item.wirelength_cost);
    write_mean_std(&json, "density_cost", item.density_cost);
    write_mean_std(&json, "congestion_cost", item.congestion_cost);
    write_mean_std(&json, "overlapping_macro_pairs", item.overlapping_macro_pairs);
    write_mean_std(&json, "runtime_s", item.runtime_s);
    write_mean_std(&json, "full_hpwl", item.full_hpwl);
    json.end_object();
  }
  json.end_array();

  json.key("scaling").begin_array(Layout::kOnePerLine);
  for (const ScalingCurve& curve : report.scaling) {
    json.begin_object();
    json.key("design").value(curve.design);
    json.key("method").value(curve.method);
    json.key("samples").value(curve.samples);
    json.key("seconds_per_sample").value(curve.seconds_per_sample);
    json.key("k").begin_array();
    for (const std::int64_t k : curve.k) json.value(k);
    json.end_array();
    json.key("best").begin_array();
    for (const double best : curve.best) json.value(best);
    json.end_array();
    json.key("fitted").value(curve.fitted);
    if (curve.fitted) {
      json.key("asymptote").value(curve.asymptote);
      json.key("scale").value(curve.scale);
      json.key("exponent").value(curve.exponent);
    }
    json.end_object();
  }
  json.end_array();

  json.key("published").begin_array(Layout::kOnePerLine);
  for (const PublishedResult& result : report.published) {
    json.begin_object();
    json.key("design").value(result.design);
    json.key("method").value(result.method);
    json.key("proxy").value(result.proxy);
    json.key("source").value(result.source);
    json.key("note").value(result.note);
    json.end_object();
  }
  json.end_array();

  json.key("pictures").begin_array(Layout::kOnePerLine);
  for (const PlacementPicture& picture : report.pictures) {
    json.begin_object();
    json.key("design").value(picture.design);
    json.key("method").value(picture.method);
    json.key("seed").value(picture.seed);
    json.key("proxy").value(picture.proxy);
    json.key("hard_macros").value(static_cast<std::uint64_t>(picture.hard_macros.size()));
    json.key("soft_macros").value(static_cast<std::uint64_t>(picture.soft_macros.size()));
    json.end_object();
  }
  json.end_array();

  // A curve per line, and its points one per line below it.
  json.key("training").begin_array(Layout::kOnePerLine);
  for (const TrainingCurve& curve : report.training) {
    json.begin_object();
    json.key("label").value(curve.label);
    json.key("source").value(curve.source);
    json.key("points").begin_array(Layout::kOnePerLine);
    for (const TrainingPoint& point : curve.points) {
      json.begin_object();
      json.key("iteration").value(point.iteration);
      json.key("seconds").value(point.seconds);
      json.key("proxy_mean").value(point.proxy_mean);
      json.key("proxy_min").value(point.proxy_min);
      json.key("greedy_proxy").value(point.greedy_proxy);
      json.key("best_proxy").value(point.best_proxy);
      json.end_object();
    }
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.str() + "\n";
}

std::string report_markdown(const EvalReport& report) {
  const std::vector<MethodSummary> summaries = summarize_runs(report.runs);
  std::string out = "# " + markdown_escape(report.title) + "\n\n" + metadata_line(report) + "\n";
  for (const std::string& design : design_order(report)) {
    const std::vector<MethodSummary> rows = summaries_of(summaries, design);
    if (rows.empty()) continue;
    out += "\n## " + markdown_escape(design) + "\n\n" + markdown_table(design_table(rows));
    const std::vector<PublishedResult> published = published_for(report, design);
    if (!published.empty()) {
      out +=
          "\nPublished results (not rerun here):\n\n" + markdown_table(published_table(published));
    }
  }
  const std::vector<MethodRanking> rankings = rank_methods(summaries);
  if (!rankings.empty()) {
    out +=
        "\n## Summary across designs\n\nRank by mean proxy on each design (1 = best), "
        "averaged over the designs a method ran on; \"best on\" counts the designs where it "
        "had the lowest mean proxy.\n\n" +
        markdown_table(ranking_table(rankings));
  }
  if (!report.scaling.empty()) {
    out +=
        "\n## Best-of-k scaling\n\nExpected best proxy of k runs (the unbiased estimate from "
        "all runs), and the fit best(k) \u2248 a + b \u00b7 k^-c.\n";
    for (const std::string& design : design_order(report)) {
      const std::vector<ScalingCurve> curves = curves_of(report, design);
      if (curves.empty()) continue;
      out += "\n### " + markdown_escape(design) + "\n\n" + markdown_table(scaling_table(curves)) +
             "\n";
      for (const ScalingCurve& curve : curves) {
        out += "- " + markdown_escape(curve.method) + ": " + fit_text(curve) + "\n";
      }
    }
  }
  if (!report.training.empty()) {
    out += "\n## Training\n\n" + std::string(kTrainingNote) + "\n\n" +
           markdown_table(training_table(report.training)) + "\n";
    for (const TrainingCurve& curve : report.training) {
      out += "- " + markdown_escape(curve.label) + ": " + markdown_escape(curve.source) + "\n";
    }
  }
  return out;
}

std::string report_html(const EvalReport& report, const HtmlOptions& options) {
  const std::vector<MethodSummary> summaries = summarize_runs(report.runs);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<title>" + xml_escape(report.title) + "</title>\n<style>" + kStyle + "</style>\n";
  out += "</head>\n<body>\n<h1>" + xml_escape(report.title) + "</h1>\n";
  out += "<p class=\"meta\">" + xml_escape(metadata_line(report)) + "</p>\n";

  SvgOptions picture_options;
  picture_options.width_px = options.picture_width_px;
  picture_options.congestion = options.congestion_map;
  picture_options.grid = options.grid;
  for (const std::string& design : design_order(report)) {
    out += "<section>\n<h2>" + xml_escape(design) + "</h2>\n";
    const std::vector<MethodSummary> rows = summaries_of(summaries, design);
    if (!rows.empty()) out += html_table(design_table(rows));
    const std::vector<PublishedResult> published = published_for(report, design);
    if (!published.empty()) {
      out += "<p class=\"note\">Published results (not rerun here):</p>\n" +
             html_table(published_table(published));
    }
    // Pictures in the table's method order; methods without runs last.
    std::vector<const PlacementPicture*> pictures;
    for (const PlacementPicture& picture : report.pictures) {
      if (picture.design == design) pictures.push_back(&picture);
    }
    auto method_index = [&rows](const PlacementPicture* picture) {
      const auto found = std::find_if(
          rows.begin(), rows.end(),
          [picture](const MethodSummary& summary) { return summary.method == picture->method; });
      return found - rows.begin();
    };
    std::stable_sort(pictures.begin(), pictures.end(),
                     [&](const PlacementPicture* a, const PlacementPicture* b) {
                       return method_index(a) < method_index(b);
                     });
    if (!pictures.empty()) {
      out += "<div class=\"pictures\">\n";
      for (const PlacementPicture* picture : pictures) {
        out += placement_svg(*picture, picture_options) + "\n";
      }
      out += "</div>\n";
    }
    out += "</section>\n";
  }

  const std::vector<MethodRanking> rankings = rank_methods(summaries);
  if (!rankings.empty()) {
    out +=
        "<h2>Summary across designs</h2>\n<p class=\"note\">Rank by mean proxy on each design "
        "(1 = best), averaged over the designs a method ran on; &#8220;best on&#8221; counts "
        "the designs where it had the lowest mean proxy.</p>\n" +
        html_table(ranking_table(rankings));
  }
  if (report.time_limits_s.size() > 1) {
    out +=
        "<h2>Proxy against the time budget</h2>\n<p class=\"note\">Each method's mean proxy "
        "over seeds at every budget (NAME@Ts in the tables above).</p>\n";
    for (const std::string& design : design_order(report)) {
      BudgetPlotOptions plot;
      plot.title = design + ": mean proxy against the time budget";
      out += "<h3>" + xml_escape(design) + "</h3>\n<div class=\"plot\">" +
             budget_svg(budget_series(report, design), plot) + "</div>\n";
    }
  }
  if (!report.scaling.empty()) {
    out +=
        "<h2>Best-of-k scaling</h2>\n<p class=\"note\">Expected best proxy of k runs (the "
        "unbiased estimate from all runs), and the fit best(k) &#8776; a + b &#183; "
        "k<sup>-c</sup>.</p>\n";
    for (const std::string& design : design_order(report)) {
      const std::vector<ScalingCurve> curves = curves_of(report, design);
      if (curves.empty()) continue;
      out += "<h3>" + xml_escape(design) + "</h3>\n" + html_table(scaling_table(curves)) + "<ul>\n";
      for (const ScalingCurve& curve : curves) {
        out += "<li>" + xml_escape(curve.method) + ": " + xml_escape(fit_text(curve)) + "</li>\n";
      }
      ScalingPlotOptions plot;
      plot.title = design + ": expected best proxy of k runs";
      out += "</ul>\n<div class=\"plot\">" + scaling_svg(curves, plot) + "</div>\n";
    }
  }
  if (!report.training.empty()) {
    out += "<h2>Training</h2>\n<p class=\"note\">" + xml_escape(kTrainingNote) + "</p>\n" +
           html_table(training_table(report.training));
    for (const TrainingCurve& curve : report.training) {
      const TrainingPlotOptions plot{};  // the heading above names the run
      out += "<h3>" + xml_escape(curve.label) + "</h3>\n<p class=\"note\">" +
             xml_escape(curve.source) + "</p>\n<div class=\"plot\">" + training_svg(curve, plot) +
             "</div>\n";
    }
  }
  return out + "</body>\n</html>\n";
}

std::string summary_table_text(const EvalReport& report) {
  Table table;
  table.header = {"design", "method", "seeds", "proxy", "proxy_ct", "legal", "runtime (s)"};
  table.numeric = {false, false, true, true, true, true, true};
  const std::vector<MethodSummary> summaries = summarize_runs(report.runs);
  for (const std::string& design : design_order(report)) {
    const std::vector<MethodSummary> rows = summaries_of(summaries, design);
    const double best = best_mean_proxy(rows);
    for (const MethodSummary& summary : rows) {
      const bool is_best = summary.proxy.count > 0 && summary.proxy.mean == best;
      table.rows.push_back(
          {{summary.design},
           {summary.method + (is_best ? " *" : "")},
           {std::to_string(summary.runs)},
           {format_mean_std(summary.proxy)},
           {format_mean_std(summary.proxy_ct)},
           {std::to_string(summary.legal_runs) + "/" + std::to_string(summary.runs)},
           {format_runtime(summary.runtime_s)}});
    }
  }
  if (table.rows.empty()) return "no runs\n";
  return text_table(table) + "(* lowest mean proxy of the design)\n";
}

Status write_results_json(const EvalReport& report, const std::string& path) {
  return write_text(path, results_json(report));
}

Status write_report_markdown(const EvalReport& report, const std::string& path) {
  return write_text(path, report_markdown(report));
}

Status write_report_html(const EvalReport& report, const std::string& path,
                         const HtmlOptions& options) {
  return write_text(path, report_html(report, options));
}

}  // namespace macroplace::eval
