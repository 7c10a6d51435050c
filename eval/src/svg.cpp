#include "svg.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>

namespace macroplace::eval {

namespace {

constexpr const char* kSvgOpen = "<svg xmlns=\"http://www.w3.org/2000/svg\"";
constexpr const char* kFont = "font-family=\"Helvetica, Arial, sans-serif\"";
constexpr double kMarginPx = 8;
constexpr double kTitlePx = 24;
constexpr double kLegendRowPx = 20;
// Soft macros go from light to dark orange with the density of their grid cell.
constexpr double kSoftLight[3] = {253, 224, 191};
constexpr double kSoftDark[3] = {204, 85, 0};
constexpr const char* kCongestionColour = "#d62728";
constexpr const char* kPalette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                    "#9467bd", "#8c564b", "#e377c2", "#17becf"};

// Short decimal for coordinates: 7 significant digits, never "nan" or "inf".
std::string num(double value) {
  if (!std::isfinite(value)) value = 0;
  char text[32];
  std::snprintf(text, sizeof text, "%.7g", value);
  return text;
}

std::string fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string soft_colour(double shade) {
  const double t = std::isfinite(shade) ? std::clamp(shade, 0.0, 1.0) : 0.5;
  char text[8];
  int channel[3];
  for (int i = 0; i < 3; ++i) {
    channel[i] = static_cast<int>(std::lround(kSoftLight[i] + (kSoftDark[i] - kSoftLight[i]) * t));
  }
  std::snprintf(text, sizeof text, "#%02x%02x%02x", channel[0], channel[1], channel[2]);
  return text;
}

void append_rect(std::string* out, double x, double y, double width, double height,
                 const std::string& attributes) {
  *out += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(width) + "\" height=\"" +
          num(height) + "\" " + attributes + "/>";
}

void append_text(std::string* out, double x, double y, std::string_view text,
                 const std::string& attributes = "") {
  *out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (!attributes.empty()) *out += " " + attributes;
  *out += ">" + xml_escape(text) + "</text>";
}

// A placement rectangle given by its centre, in the flipped (y up) canvas group.
void append_placed(std::string* out, const PlacedRect& rect, const std::string& attributes) {
  append_rect(out, rect.x - rect.width / 2, rect.y - rect.height / 2, rect.width, rect.height,
              attributes);
}

std::string placeholder_svg(double width_px, std::string_view message) {
  std::string out = kSvgOpen;
  out += " width=\"" + num(width_px) + "\" height=\"40\" " + kFont + " font-size=\"12\">";
  append_text(&out, kMarginPx, 24, message, "fill=\"#555\"");
  return out + "</svg>";
}

// Tick values for an axis over [low, high]: "nice" steps of 1, 2 or 5 times a power of ten.
std::vector<double> nice_ticks(double low, double high, int target) {
  std::vector<double> ticks;
  const double range = high - low;
  if (!(range > 0) || !std::isfinite(range)) return ticks;
  const double raw = range / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude * 10;
  for (const double factor : {1.0, 2.0, 5.0}) {
    if (factor * magnitude >= raw) {
      step = factor * magnitude;
      break;
    }
  }
  const double first = std::ceil(low / step - 1e-9);
  const double last = std::floor(high / step + 1e-9);
  ticks.reserve(static_cast<std::size_t>(std::max(0.0, last - first + 1)));
  for (auto i = static_cast<long long>(first); i <= static_cast<long long>(last); ++i) {
    ticks.push_back(static_cast<double>(i) * step);
  }
  return ticks;
}

// Ticks of a log axis over [low, high] (both > 0): 1, 2, 5 times powers of ten when the range
// spans a decade or more, else nice linear ticks.
std::vector<double> log_ticks(double low, double high) {
  if (high / low < 10) return nice_ticks(low, high, 5);
  std::vector<double> ticks;
  const int first = static_cast<int>(std::floor(std::log10(low)));
  const int last = static_cast<int>(std::ceil(std::log10(high)));
  ticks.reserve(3 * static_cast<std::size_t>(last - first + 1));
  for (int decade = first; decade <= last; ++decade) {
    for (const double factor : {1.0, 2.0, 5.0}) {
      const double tick = factor * std::pow(10.0, decade);
      if (tick >= low && tick <= high) ticks.push_back(tick);
    }
  }
  return ticks;
}

// Characters, not bytes, of UTF-8 text: to space legend entries.
std::size_t display_length(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string tick_label(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0; keep tabs and newlines.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

namespace {

// A plot's opening: the <svg> element sized width x height, its title, a white background and
// the title drawn at `left`.
std::string plot_open(double width_px, double height_px, double left, const std::string& title) {
  std::string out = kSvgOpen;
  out += " width=\"" + num(width_px) + "\" height=\"" + num(height_px) + "\" viewBox=\"0 0 " +
         num(width_px) + " " + num(height_px) + "\" " + kFont + " font-size=\"12\">";
  out += "<title>" + xml_escape(title) + "</title>";
  append_rect(&out, 0, 0, width_px, height_px, "fill=\"#ffffff\"");
  append_text(&out, left, 20, title, "font-weight=\"bold\" font-size=\"14\"");
  return out;
}

struct PlotArea {
  double left = 0, top = 0, width = 0, height = 0;
};
struct AxisTick {
  double px = 0;  // position along its axis, in pixels
  std::string label;
};

// Grid lines and labels at the ticks, the frame, and the axis titles (the y title rotated).
void append_axes(std::string* out, const PlotArea& area, const std::vector<AxisTick>& x_ticks,
                 const std::vector<AxisTick>& y_ticks, std::string_view x_title,
                 std::string_view y_title) {
  *out += "<g stroke=\"#e3e3e3\" stroke-width=\"1\">";
  std::string labels;
  const double bottom = area.top + area.height;
  for (const AxisTick& tick : x_ticks) {
    *out += "<line x1=\"" + num(tick.px) + "\" y1=\"" + num(area.top) + "\" x2=\"" + num(tick.px) +
            "\" y2=\"" + num(bottom) + "\"/>";
    append_text(&labels, tick.px, bottom + 16, tick.label, "text-anchor=\"middle\"");
  }
  for (const AxisTick& tick : y_ticks) {
    *out += "<line x1=\"" + num(area.left) + "\" y1=\"" + num(tick.px) + "\" x2=\"" +
            num(area.left + area.width) + "\" y2=\"" + num(tick.px) + "\"/>";
    append_text(&labels, area.left - 6, tick.px + 4, tick.label, "text-anchor=\"end\"");
  }
  *out += "</g>" + labels;
  append_rect(out, area.left, area.top, area.width, area.height,
              "fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"");
  append_text(out, area.left + area.width / 2, bottom + 36, x_title, "text-anchor=\"middle\"");
  const double y_title_x = 16, y_title_y = area.top + area.height / 2;
  append_text(out, y_title_x, y_title_y, y_title,
              "text-anchor=\"middle\" transform=\"rotate(-90 " + num(y_title_x) + " " +
                  num(y_title_y) + ")\"");
}

}  // namespace

std::string placement_svg(const PlacementPicture& picture, const SvgOptions& options) {
  const double width_px = std::max(options.width_px, 120.0);
  const double canvas_width = picture.canvas_width, canvas_height = picture.canvas_height;
  if (!(canvas_width > 0) || !(canvas_height > 0) || !std::isfinite(canvas_width) ||
      !std::isfinite(canvas_height)) {
    return placeholder_svg(width_px,
                           picture.design + " / " + picture.method + ": no canvas to draw");
  }
  const double area_width = width_px - 2 * kMarginPx;
  const double area_height =
      std::clamp(area_width * canvas_height / canvas_width, area_width / 4, area_width * 2);
  const double top = kMarginPx + (options.title ? kTitlePx : 0);
  const auto columns = static_cast<std::size_t>(std::max(picture.columns, 0));
  const auto rows = static_cast<std::size_t>(std::max(picture.rows, 0));
  const bool heat_map =
      options.congestion && columns > 0 && rows > 0 && picture.congestion.size() == columns * rows;
  const double legend_px = options.legend ? kLegendRowPx * (heat_map ? 2 : 1) + 6 : 0;
  const double height_px = top + area_height + legend_px + kMarginPx;

  std::string out = kSvgOpen;
  out += " width=\"" + num(width_px) + "\" height=\"" + num(height_px) + "\" viewBox=\"0 0 " +
         num(width_px) + " " + num(height_px) + "\" " + kFont + " font-size=\"12\">";
  char seed[32];
  std::snprintf(seed, sizeof seed, "%llu", static_cast<unsigned long long>(picture.seed));
  const std::string caption = picture.design + " \u00b7 " + picture.method + " \u00b7 seed " +
                              seed + " \u00b7 proxy " + fixed(picture.proxy, 4);
  out += "<title>" + xml_escape(caption) + "</title>";
  if (options.title) append_text(&out, kMarginPx, kMarginPx + 14, caption, "font-weight=\"bold\"");

  // The canvas, in um, y up: one group scaled to fit the drawing area, centred, and flipped.
  const double scale = std::min(area_width / canvas_width, area_height / canvas_height);
  const double origin_x = kMarginPx + (area_width - scale * canvas_width) / 2;
  const double origin_y = top + (area_height + scale * canvas_height) / 2;
  out += "<g transform=\"matrix(" + num(scale) + " 0 0 " + num(-scale) + " " + num(origin_x) + " " +
         num(origin_y) + ")\">";
  append_rect(&out, 0, 0, canvas_width, canvas_height, "fill=\"#ffffff\"");

  const double cell_width = columns > 0 ? canvas_width / static_cast<double>(columns) : 0;
  const double cell_height = rows > 0 ? canvas_height / static_cast<double>(rows) : 0;
  double congestion_max = 0;
  if (heat_map) {
    for (const double value : picture.congestion) {
      if (std::isfinite(value)) congestion_max = std::max(congestion_max, value);
    }
    // Full colour at the most congested cell, or at capacity (1) when nothing overflows.
    const double full_colour_at = std::max(congestion_max, 1.0);
    out += "<g fill=\"" + std::string(kCongestionColour) + "\" shape-rendering=\"crispEdges\">";
    for (std::size_t row = 0; row < rows; ++row) {
      for (std::size_t column = 0; column < columns; ++column) {
        const double value = picture.congestion[row * columns + column];
        if (!(value > 0) || !(congestion_max > 0)) continue;
        const double opacity = 0.6 * std::min(1.0, value / full_colour_at);
        append_rect(&out, cell_width * static_cast<double>(column),
                    cell_height * static_cast<double>(row), cell_width, cell_height,
                    "fill-opacity=\"" + fixed(opacity, 3) + "\"");
      }
    }
    out += "</g>";
  }
  if (options.grid && columns > 0 && rows > 0) {
    out +=
        "<path fill=\"none\" stroke=\"#d8d8d8\" stroke-width=\"0.6\" "
        "vector-effect=\"non-scaling-stroke\" d=\"";
    for (std::size_t column = 1; column < columns; ++column) {
      out += "M" + num(cell_width * static_cast<double>(column)) + " 0V" + num(canvas_height);
    }
    for (std::size_t row = 1; row < rows; ++row) {
      out += "M0 " + num(cell_height * static_cast<double>(row)) + "H" + num(canvas_width);
    }
    out += "\"/>";
  }
  if (!picture.soft_macros.empty()) {
    out += "<g fill-opacity=\"0.9\">";
    for (std::size_t i = 0; i < picture.soft_macros.size(); ++i) {
      const double shade = i < picture.soft_macro_shade.size() ? picture.soft_macro_shade[i] : 0.5;
      append_placed(&out, picture.soft_macros[i], "fill=\"" + soft_colour(shade) + "\"");
    }
    out += "</g>";
  }
  if (!picture.hard_macros.empty()) {
    out += "<g fill=\"" + std::string(kHardMacroColour) +
           "\" stroke=\"#ffffff\" stroke-width=\"0.5\" vector-effect=\"non-scaling-stroke\">";
    for (const PlacedRect& rect : picture.hard_macros) append_placed(&out, rect, "");
    out += "</g>";
  }
  if (!picture.ports.empty()) {
    const double radius = 0.008 * std::max(canvas_width, canvas_height);
    out += "<g fill=\"" + std::string(kPortColour) + "\">";
    for (const PlacedRect& port : picture.ports) {
      out += "<circle cx=\"" + num(port.x) + "\" cy=\"" + num(port.y) + "\" r=\"" + num(radius) +
             "\"/>";
    }
    out += "</g>";
  }
  append_rect(&out, 0, 0, canvas_width, canvas_height,
              "fill=\"none\" stroke=\"#333333\" stroke-width=\"1.5\" "
              "vector-effect=\"non-scaling-stroke\"");
  out += "</g>";

  if (options.legend) {
    double y = top + area_height + 8;
    double x = kMarginPx;
    auto label = [&](const std::string& text) {
      append_text(&out, x, y + 10, text);
      x += 6.5 * static_cast<double>(display_length(text)) + 14;
    };
    append_rect(&out, x, y, 12, 12, "fill=\"" + std::string(kHardMacroColour) + "\"");
    x += 16;
    label("hard macro");
    append_rect(&out, x, y, 6, 12, "fill=\"" + soft_colour(0) + "\"");
    append_rect(&out, x + 6, y, 6, 12, "fill=\"" + soft_colour(1) + "\"");
    x += 16;
    label("soft macro (by cell density)");
    out += "<circle cx=\"" + num(x + 6) + "\" cy=\"" + num(y + 6) + "\" r=\"3\" fill=\"" +
           kPortColour + "\"/>";
    x += 16;
    label("port");
    if (heat_map) {
      x = kMarginPx;
      y += kLegendRowPx;
      append_rect(&out, x, y, 12, 12,
                  "fill=\"" + std::string(kCongestionColour) + "\" fill-opacity=\"0.6\"");
      x += 16;
      label("congestion (max " + tick_label(congestion_max) + ")");
    }
  }
  return out + "</svg>";
}

std::string scaling_svg(const std::vector<ScalingCurve>& curves,
                        const ScalingPlotOptions& options) {
  const double width_px = std::max(options.width_px, 200.0);
  const double plot_height_px = std::max(options.height_px, 150.0);
  // Everything drawn: the points, and the k range.
  double k_max = 1, y_low = std::numeric_limits<double>::infinity(), y_high = -y_low;
  bool any_point = false;
  for (const ScalingCurve& curve : curves) {
    for (std::size_t i = 0; i < std::min(curve.k.size(), curve.best.size()); ++i) {
      if (curve.k[i] < 1 || !std::isfinite(curve.best[i])) continue;
      any_point = true;
      k_max = std::max(k_max, static_cast<double>(curve.k[i]));
      y_low = std::min(y_low, curve.best[i]);
      y_high = std::max(y_high, curve.best[i]);
    }
  }
  if (!any_point) return placeholder_svg(width_px, "no scaling data");

  const bool log_y = y_low > 0;
  auto transform_y = [log_y](double value) { return log_y ? std::log(value) : value; };
  double low = transform_y(y_low), high = transform_y(y_high);
  const double pad =
      high > low ? 0.06 * (high - low) : (log_y ? 0.01 : 0.01 * std::max(1.0, std::fabs(low)));
  low -= pad;
  high += pad;
  const double x_high = std::max(1.0, std::log2(k_max));

  const double left = 72, right = 20, top = 34, bottom = 46;
  const double plot_width = width_px - left - right;
  const double plot_height = plot_height_px - top - bottom;
  const double x_pad = 0.05 * x_high;  // keeps the first and last points off the frame
  auto to_px_x = [&](double k) {
    return left + (std::log2(k) + x_pad) / (x_high + 2 * x_pad) * plot_width;
  };
  auto to_px_y = [&](double value) {
    return top + (high - transform_y(value)) / (high - low) * plot_height;
  };

  const double legend_line = 18;
  const double height_px = plot_height_px + legend_line * static_cast<double>(curves.size()) + 8;
  std::string out = plot_open(width_px, height_px, left, options.title);

  // Axes, ticks and grid.
  std::vector<AxisTick> x_ticks, y_ticks;
  const int x_step = x_high > 12 ? 2 : 1;
  for (int power = 0; power <= static_cast<int>(std::floor(x_high)); power += x_step) {
    const double k = std::ldexp(1.0, power);
    x_ticks.push_back({to_px_x(k), tick_label(k)});
  }
  for (const double tick :
       log_y ? log_ticks(std::exp(low), std::exp(high)) : nice_ticks(low, high, 5)) {
    y_ticks.push_back({to_px_y(tick), tick_label(tick)});
  }
  append_axes(&out, PlotArea{left, top, plot_width, plot_height}, x_ticks, y_ticks,
              "runs k (log2 scale)",
              log_y ? "expected best proxy (log scale)" : "expected best proxy (linear scale)");

  // One colour per curve: the fit as a line, the estimates as points, then the legend.
  bool one_design = true;
  for (const ScalingCurve& curve : curves)
    one_design = one_design && curve.design == curves[0].design;
  constexpr std::size_t kColours = sizeof kPalette / sizeof kPalette[0];
  for (std::size_t c = 0; c < curves.size(); ++c) {
    const ScalingCurve& curve = curves[c];
    const std::string colour = kPalette[c % kColours];
    if (curve.fitted) {
      std::string path;
      constexpr int kSegments = 96;
      for (int i = 0; i <= kSegments; ++i) {
        const double k = std::exp2(x_high * i / kSegments);
        const double value = curve.asymptote + curve.scale * std::pow(k, -curve.exponent);
        if (log_y && !(value > 0)) continue;
        const double y = std::clamp(to_px_y(value), top, top + plot_height);
        path += (path.empty() ? "M" : "L") + num(to_px_x(k)) + " " + num(y);
      }
      if (!path.empty()) {
        out += "<path fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.8\" d=\"" + path +
               "\"/>";
      }
    }
    if (!curve.fitted) {  // no fit to draw: join the estimates with a dashed line
      std::string path;
      for (std::size_t i = 0; i < std::min(curve.k.size(), curve.best.size()); ++i) {
        if (curve.k[i] < 1 || !std::isfinite(curve.best[i])) continue;
        path += (path.empty() ? "M" : "L") + num(to_px_x(static_cast<double>(curve.k[i]))) + " " +
                num(to_px_y(curve.best[i]));
      }
      out += "<path fill=\"none\" stroke=\"" + colour +
             "\" stroke-width=\"1\" stroke-dasharray=\"4 3\" d=\"" + path + "\"/>";
    }
    out += "<g fill=\"" + colour + "\">";
    for (std::size_t i = 0; i < std::min(curve.k.size(), curve.best.size()); ++i) {
      if (curve.k[i] < 1 || !std::isfinite(curve.best[i])) continue;
      out += "<circle cx=\"" + num(to_px_x(static_cast<double>(curve.k[i]))) + "\" cy=\"" +
             num(to_px_y(curve.best[i])) + "\" r=\"3.5\"/>";
    }
    out += "</g>";

    const double y = plot_height_px + legend_line * static_cast<double>(c) + 4;
    append_rect(&out, left, y, 12, 12, "fill=\"" + colour + "\"");
    std::string label = one_design ? curve.method : curve.design + " / " + curve.method;
    label += " (" + std::to_string(curve.samples) + " runs)";
    if (curve.fitted) {
      label += ": fit " + fixed(curve.asymptote, 4) + " + " + fixed(curve.scale, 4) + " k^-" +
               fixed(curve.exponent, 3);
    } else {
      label += ": not fitted";
    }
    append_text(&out, left + 18, y + 10, label);
  }
  return out + "</svg>";
}

namespace {

// Widens a linear value axis by 6% of its span on each side (1% of the value when it is flat),
// so points sit off the frame.
void pad_value_range(double* low, double* high) {
  const double pad = *high > *low ? 0.06 * (*high - *low) : 0.01 * std::max(1.0, std::fabs(*low));
  *low -= pad;
  *high += pad;
}

}  // namespace

std::string budget_svg(const std::vector<BudgetSeries>& series, const BudgetPlotOptions& options) {
  const double width_px = std::max(options.width_px, 200.0);
  const double plot_height_px = std::max(options.height_px, 150.0);
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (const BudgetSeries& one : series) {
    for (const auto& [seconds, proxy] : one.points) {
      if (!(seconds > 0) || !std::isfinite(proxy)) continue;
      x_low = std::min(x_low, std::log10(seconds));
      x_high = std::max(x_high, std::log10(seconds));
      y_low = std::min(y_low, proxy);
      y_high = std::max(y_high, proxy);
    }
  }
  if (!(x_low <= x_high)) return placeholder_svg(width_px, "no time budgets");
  if (x_high - x_low < 0.3) {  // one budget: a decade around it
    x_low -= 0.5;
    x_high += 0.5;
  }
  pad_value_range(&y_low, &y_high);
  const double left = 72, right = 20, top = 34, bottom = 46;
  const double plot_width = width_px - left - right;
  const double plot_height = plot_height_px - top - bottom;
  const double x_pad = 0.05 * (x_high - x_low);
  auto to_px_x = [&](double seconds) {
    return left + (std::log10(seconds) - x_low + x_pad) / (x_high - x_low + 2 * x_pad) * plot_width;
  };
  auto to_px_y = [&](double value) {
    return top + (y_high - value) / (y_high - y_low) * plot_height;
  };
  const double legend_line = 18;
  const double height_px = plot_height_px + legend_line * static_cast<double>(series.size()) + 8;
  std::string out = plot_open(width_px, height_px, left, options.title);
  std::vector<AxisTick> x_ticks, y_ticks;
  for (const double tick : log_ticks(std::pow(10.0, x_low), std::pow(10.0, x_high))) {
    x_ticks.push_back({to_px_x(tick), tick_label(tick)});
  }
  for (const double tick : nice_ticks(y_low, y_high, 5)) {
    y_ticks.push_back({to_px_y(tick), tick_label(tick)});
  }
  append_axes(&out, PlotArea{left, top, plot_width, plot_height}, x_ticks, y_ticks,
              "time budget, s (log scale)", "mean proxy (linear scale)");
  constexpr std::size_t kColours = sizeof kPalette / sizeof kPalette[0];
  for (std::size_t c = 0; c < series.size(); ++c) {
    const std::string colour = kPalette[c % kColours];
    std::string path, points;
    double last = std::nan("");
    for (const auto& [seconds, proxy] : series[c].points) {
      if (!(seconds > 0) || !std::isfinite(proxy)) continue;
      const std::string x = num(to_px_x(seconds));
      const std::string y = num(to_px_y(proxy));
      path += (path.empty() ? "M" : "L") + x + " " + y;
      points += "<circle cx=\"" + x + "\" cy=\"" + y + "\" r=\"3.5\"/>";
      last = proxy;
    }
    if (!path.empty()) {
      out += "<path fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.6\" d=\"" + path +
             "\"/><g fill=\"" + colour + "\">" + points + "</g>";
    }
    const double y = plot_height_px + legend_line * static_cast<double>(c) + 4;
    append_rect(&out, left, y, 12, 12, "fill=\"" + colour + "\"");
    append_text(&out, left + 18, y + 10,
                series[c].label + (std::isfinite(last) ? ": " + fixed(last, 4) + " at the largest"
                                                       : std::string(": no values")));
  }
  return out + "</svg>";
}

std::string training_svg(const TrainingCurve& curve, const TrainingPlotOptions& options) {
  const double width_px = std::max(options.width_px, 200.0);
  const double plot_height_px = std::max(options.height_px, 150.0);
  struct Series {
    const char* name;
    double TrainingPoint::*value;
  };
  constexpr Series kSeries[] = {{"sampled mean", &TrainingPoint::proxy_mean},
                                {"greedy episode", &TrainingPoint::greedy_proxy},
                                {"best so far", &TrainingPoint::best_proxy}};
  double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
  double y_low = x_low, y_high = -x_low;
  for (const TrainingPoint& point : curve.points) {
    for (const Series& series : kSeries) {
      const double value = point.*series.value;
      if (!std::isfinite(value)) continue;
      x_low = std::min(x_low, static_cast<double>(point.iteration));
      x_high = std::max(x_high, static_cast<double>(point.iteration));
      y_low = std::min(y_low, value);
      y_high = std::max(y_high, value);
    }
  }
  if (!(x_low <= x_high)) return placeholder_svg(width_px, curve.label + ": no training data");
  if (x_high - x_low < 1) {  // one iteration: a unit-wide axis around it
    x_low -= 0.5;
    x_high += 0.5;
  }
  pad_value_range(&y_low, &y_high);

  const double left = 72, right = 20, top = 34, bottom = 46;
  const double plot_width = width_px - left - right;
  const double plot_height = plot_height_px - top - bottom;
  const double x_pad = 0.03 * (x_high - x_low);  // keeps the first and last points off the frame
  auto to_px_x = [&](double iteration) {
    return left + (iteration - x_low + x_pad) / (x_high - x_low + 2 * x_pad) * plot_width;
  };
  auto to_px_y = [&](double value) {
    return top + (y_high - value) / (y_high - y_low) * plot_height;
  };

  constexpr std::size_t kSeriesCount = sizeof kSeries / sizeof kSeries[0];
  const double legend_line = 18;
  const double height_px = plot_height_px + legend_line * static_cast<double>(kSeriesCount) + 8;
  std::string out = plot_open(width_px, height_px, left, options.title);

  // Axes, ticks (whole iterations only) and grid.
  std::vector<AxisTick> x_ticks, y_ticks;
  for (const double tick : nice_ticks(x_low, x_high, 6)) {
    if (tick == std::floor(tick)) x_ticks.push_back({to_px_x(tick), tick_label(tick)});
  }
  for (const double tick : nice_ticks(y_low, y_high, 5)) {
    y_ticks.push_back({to_px_y(tick), tick_label(tick)});
  }
  append_axes(&out, PlotArea{left, top, plot_width, plot_height}, x_ticks, y_ticks, "iteration",
              "proxy (linear scale)");

  // One colour per series: a line through its finite values (broken where one is missing),
  // a point at each, then its legend line.
  for (std::size_t c = 0; c < kSeriesCount; ++c) {
    const Series& series = kSeries[c];
    const std::string colour = kPalette[c];
    std::string path, points;
    bool joined = false;
    std::int64_t finite = 0;
    double last = std::nan("");
    for (const TrainingPoint& point : curve.points) {
      const double value = point.*series.value;
      if (!std::isfinite(value)) {
        joined = false;
        continue;
      }
      const std::string x = num(to_px_x(static_cast<double>(point.iteration)));
      const std::string y = num(to_px_y(value));
      path += (joined ? "L" : "M") + x + " " + y;
      joined = true;
      points += "<circle cx=\"" + x + "\" cy=\"" + y + "\" r=\"2.5\"/>";
      ++finite;
      last = value;
    }
    if (finite > 0) {
      out += "<path fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"1.6\" d=\"" + path +
             "\"/><g fill=\"" + colour + "\">" + points + "</g>";
    }
    const double y = plot_height_px + legend_line * static_cast<double>(c) + 4;
    append_rect(&out, left, y, 12, 12, "fill=\"" + colour + "\"");
    const std::string label = std::string(series.name) + (finite > 0 ? ": last " + fixed(last, 4)
                                                                     : std::string(": no values"));
    append_text(&out, left + 18, y + 10, label);
  }
  return out + "</svg>";
}

}  // namespace macroplace::eval
