// Self-contained SVG drawings for the evaluation report: a placement picture, the best-of-k
// scaling plot and a training curve. Private to the eval library; report.cpp inlines them into
// report.html.
//
// Contract: every returned string is one complete <svg> element (with its xmlns, so it is also a
// valid standalone .svg file), sized in CSS pixels, with no external resources and every piece of
// text XML-escaped. Degenerate input (empty canvas, no curves) draws a small placeholder.
//
//   std::string svg = placement_svg(report.pictures[0], SvgOptions{});
//   std::string plot = scaling_svg(report.scaling, ScalingPlotOptions{});
//   std::string training = training_svg(report.training[0], TrainingPlotOptions{});
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "macroplace/eval/results.h"

namespace macroplace::eval {

// Colours, shared with the report's legend and its render test.
inline constexpr const char* kHardMacroColour = "#1f3a93";  // dark blue
inline constexpr const char* kPortColour = "#2e7d32";       // green

struct SvgOptions {
  double width_px = 420;   // the picture's width; its height follows the canvas' aspect ratio
  bool grid = true;        // light lines on the placement grid
  bool congestion = true;  // the heat map under everything, when the picture has one
  bool title = true;       // "design · method · seed · proxy" above the canvas
  bool legend = true;      // colour key below the canvas
};

struct ScalingPlotOptions {
  double width_px = 560;
  double height_px = 340;  // the plot area; the legend adds one line per curve below it
  std::string title = "Expected best proxy of k runs";
};

struct BudgetPlotOptions {
  double width_px = 560;
  double height_px = 340;  // the plot area; the legend adds one line per series below it
  std::string title = "Mean proxy against the time budget";
};

// One method's mean proxy (over seeds) at each time budget, for one design.
struct BudgetSeries {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (budget in seconds, mean proxy), by budget
};

struct TrainingPlotOptions {
  double width_px = 560;
  double height_px = 340;  // the plot area; the legend adds one line per series below it
  std::string title = "Proxy per training iteration";
};

// XML/HTML text escaping (& < > " ').
std::string xml_escape(std::string_view text);

std::string placement_svg(const PlacementPicture& picture, const SvgOptions& options);

// x: k on a log2 axis; y: the expected best proxy on a log-scaled axis (linear when a value is
// not positive); points per curve and its fitted power law as a line of the same colour.
std::string scaling_svg(const std::vector<ScalingCurve>& curves, const ScalingPlotOptions& options);

// x: the budget in seconds on a log10 axis; y: the mean proxy (linear). A line through each
// series' points, a point at each, a legend line per series with its proxy at the last budget.
std::string budget_svg(const std::vector<BudgetSeries>& series, const BudgetPlotOptions& options);

// x: iteration (linear); y: proxy (linear). One <path> per series that has a finite value (the
// sampled mean, the greedy proxy, the best so far; a gap where a value is missing), a point at
// each finite value, and a legend line per series.
std::string training_svg(const TrainingCurve& curve, const TrainingPlotOptions& options);

}  // namespace macroplace::eval
