// The data an evaluation produces and a report shows: one record per (design, method, seed) run,
// best-of-k scaling curves, the pictures of placements, published reference results, and the
// training curves of learned methods.
//
// Contract: plain values, no behaviour; the runner (evaluation.h) fills an EvalReport and the
// writers (report.h) turn it into results.json, report.md and report.html. Lengths in um.
//
//   EvalReport report;
//   report.runs.push_back(RunRecord{...});
//   write_report_html(report, "out/report.html");
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace macroplace::eval {

struct RunCosts {
  double proxy = 0;       // published weights: WL + 0.5 density + 0.5 congestion
  double proxy_ct = 0;    // Circuit Training's weights: WL + 1.0 density + 0.5 congestion
  double wirelength = 0;  // weighted HPWL, um
  double wirelength_cost = 0, density_cost = 0, congestion_cost = 0;
};

struct RunRecord {
  std::string design;  // display name (e.g. "ariane133-ng45")
  std::string method;  // "random", "greedy", "sa", "analytical", "reference", "rl"
  std::uint64_t seed = 0;
  RunCosts costs;
  std::int64_t overlapping_macro_pairs = 0;
  bool legal = false;
  double runtime_s = 0;
  double time_limit_s = 0;  // the run's budget (0: a move budget, or the reference as it is)
  // Designs with standard cells (flat or Bookshelf): every standard cell placed by the analytical
  // mixed-size flow around the method's macros and row-legalized; the academic tables' metric.
  std::optional<double> full_hpwl;
  std::string placement_file;  // the .plc written for this run, relative to the output folder
};

// Expected best proxy of k independent samples, k = 1, 2, 4, ..., and a fitted power law
// best(k) ~ asymptote + scale x k^-exponent.
struct ScalingCurve {
  std::string design, method;
  std::int64_t samples = 0;  // independent samples the curve is estimated from
  // Wall time per sample (drawing them all / their count): k samples cost about k times this.
  double seconds_per_sample = 0;
  std::vector<std::int64_t> k;
  std::vector<double> best;
  double asymptote = 0, scale = 0, exponent = 0;
  bool fitted = false;
};

// What a placement picture draws. Rectangles are centres and sizes; maps are row-major, row 0 at
// the bottom, columns x rows values (empty when not shown).
struct PlacedRect {
  double x = 0, y = 0, width = 0, height = 0;
};
struct PlacementPicture {
  std::string design, method;
  std::uint64_t seed = 0;
  double proxy = 0;
  double canvas_width = 0, canvas_height = 0;
  std::int32_t columns = 0, rows = 0;
  std::vector<PlacedRect> hard_macros, soft_macros;
  std::vector<double> soft_macro_shade;  // per soft macro, in [0, 1]: its grid cell's density
  std::vector<PlacedRect> ports;         // zero-size rectangles at the ports
  std::vector<double> congestion;        // optional heat map, columns x rows
};

// A published number for a design we evaluate (shipped as data, cited in the report).
struct PublishedResult {
  std::string design;  // the design it is shown with
  std::string method;
  double proxy = 0;
  std::string source;  // citation
  std::string note;    // e.g. "sibling clustering: 810 clusters, 23 x 28 grid"
};

// One iteration of a training run (the trainer's metrics.jsonl line). NaN where the run has no
// value (an iteration without a feasible episode, an older run without greedy evaluation).
struct TrainingPoint {
  std::int32_t iteration = 0;
  double seconds = 0;  // cumulative training time: rollout + update + greedy, up to this one
  double proxy_mean = 0, proxy_min = 0;  // over the iteration's sampled episodes
  double greedy_proxy = 0;               // the updated policy's greedy episode
  double best_proxy = 0;                 // best placement found so far
};

struct TrainingCurve {
  std::string label;   // e.g. "rl (runs/ariane)"
  std::string source;  // the metrics file it was read from
  std::vector<TrainingPoint> points;
};

struct EvalReport {
  std::string title = "macroplace evaluation";
  std::string created;                // ISO date
  std::vector<double> time_limits_s;  // the runs' budgets (0: move budgets)
  std::int64_t seeds = 0;
  std::vector<RunRecord> runs;
  std::vector<ScalingCurve> scaling;
  std::vector<PlacementPicture> pictures;  // one per (design, method): its best seed
  std::vector<PublishedResult> published;
  std::vector<TrainingCurve> training;
};

}  // namespace macroplace::eval
