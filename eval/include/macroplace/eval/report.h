// Evaluation reports: results.json (every number), report.md and one self-contained report.html
// (tables, placement pictures, the best-of-k scaling plot, training curves), and a fixed-width
// terminal summary.
//
// Contract: every writer renders an EvalReport as it is (the runner decides what is in it) and
// writes its file atomically (a failed write leaves no partial file; the folder must exist).
// Designs and methods appear in the order of their first run. Per (design, method) the tables
// show mean ± sample standard deviation (n - 1) over the seeds, "0.6820 ± 0.0012" (one seed:
// the mean alone); the lowest mean proxy of each design is bold; published results are listed
// under the table of the design they name; methods are ranked per design by mean proxy (ties
// share the mean of their ranks). The HTML has no external resources and no JavaScript.
//
//   EvalReport report = ...;  // the runner's
//   Status status = write_report_html(report, out_dir + "/report.html");
//   std::cout << summary_table_text(report);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/eval/results.h"

namespace macroplace::eval {

// Mean and sample standard deviation (n - 1; 0 when count <= 1) of the finite values.
struct MeanStd {
  double mean = 0, std = 0;
  std::int64_t count = 0;
};
MeanStd mean_std(const std::vector<double>& values);
// "0.6820 ± 0.0012" with `decimals` fixed decimals, "0.6820" for one value, "—" for none.
std::string format_mean_std(const MeanStd& value, int decimals = 4);

// The runs of one (design, method) pair, summarized.
struct MethodSummary {
  std::string design, method;
  std::int64_t runs = 0, legal_runs = 0;
  MeanStd proxy, proxy_ct, wirelength, wirelength_cost, density_cost, congestion_cost;
  MeanStd overlapping_macro_pairs, runtime_s;
  MeanStd full_hpwl;  // over the runs that have one (count 0: none)
};
// One per (design, method), designs and methods in the order of their first run.
std::vector<MethodSummary> summarize_runs(const std::vector<RunRecord>& runs);

// Across designs: each method's rank by mean proxy (1 = best) averaged over the designs it ran
// on, and on how many of them it had the best mean proxy. Sorted by mean rank.
struct MethodRanking {
  std::string method;
  std::int64_t designs = 0;
  double mean_rank = 0;
  std::int64_t designs_best = 0;
};
std::vector<MethodRanking> rank_methods(const std::vector<MethodSummary>& summaries);

struct HtmlOptions {
  double picture_width_px = 420;  // each placement picture
  bool congestion_map = true;     // draw a picture's congestion heat map when it has one
  bool grid = true;               // grid lines in the pictures
};

// The documents as strings (what the writers write).
std::string results_json(const EvalReport& report);
std::string report_markdown(const EvalReport& report);
std::string report_html(const EvalReport& report, const HtmlOptions& options = {});
// Fixed-width table for the terminal: design, method, seeds, proxy, proxy_ct, legal, runtime.
std::string summary_table_text(const EvalReport& report);

// results.json: metadata, every run with every field (doubles in the shortest form that reads
// back exactly, non-finite numbers as null), the per-(design, method) summary, the scaling curves
// and their fits, the published results, what each picture shows, and every training curve with
// all its points. report.md and report.html add a Training section when there are curves (a table
// per run; in the HTML also a plot of sampled mean, greedy and best proxy per iteration).
Status write_results_json(const EvalReport& report, const std::string& path);
Status write_report_markdown(const EvalReport& report, const std::string& path);
Status write_report_html(const EvalReport& report, const std::string& path,
                         const HtmlOptions& options = {});

}  // namespace macroplace::eval
