#include "macroplace/placement/cost_settings.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace macroplace::placement {

namespace {
bool positive(double value) {
  return std::isfinite(value) && value > 0;
}
}  // namespace

Status CostSettings::validate() const {
  if (!positive(canvas_width) || !positive(canvas_height)) {
    return Status::error("canvas width and height must be positive (got " +
                         std::to_string(canvas_width) + " x " + std::to_string(canvas_height) +
                         ")");
  }
  if (columns < 1 || rows < 1 || columns > 4096 || rows > 4096) {
    return Status::error("grid columns and rows must be in 1..4096 (got " +
                         std::to_string(columns) + " x " + std::to_string(rows) + ")");
  }
  if (!positive(routes_per_micron_horizontal) || !positive(routes_per_micron_vertical)) {
    return Status::error("routes per micron must be positive");
  }
  if (!std::isfinite(macro_routes_horizontal) || !std::isfinite(macro_routes_vertical) ||
      macro_routes_horizontal < 0 || macro_routes_vertical < 0) {
    return Status::error("macro routing allocation must be finite and non-negative");
  }
  if (!std::isfinite(smoothing_range) || smoothing_range < 0 || smoothing_range > 1000) {
    return Status::error("smoothing range must be in 0..1000");
  }
  if (!std::isfinite(weights.wirelength) || !std::isfinite(weights.density) ||
      !std::isfinite(weights.congestion)) {
    return Status::error("cost weights must be finite");
  }
  return Status();
}

CostSettings settings_for(const netlist::Netlist& netlist,
                          const netlist::PlacementSettings* header) {
  CostSettings settings;
  // Circuit Training's default canvas: a square holding the design at 60% utilisation.
  const double side = std::sqrt(netlist.counts().total_area() / 0.6);
  settings.canvas_width = settings.canvas_height = side;
  settings.blockages = netlist.blockages;
  if (header == nullptr) return settings;
  for (const netlist::Blockage& blockage : header->blockages) {
    const bool known = std::any_of(
        settings.blockages.begin(), settings.blockages.end(), [&](const netlist::Blockage& b) {
          return b.rect.x0 == blockage.rect.x0 && b.rect.y0 == blockage.rect.y0 &&
                 b.rect.x1 == blockage.rect.x1 && b.rect.y1 == blockage.rect.y1;
        });
    if (!known) settings.blockages.push_back(blockage);
  }
  if (header->width && header->height) {
    settings.canvas_width = *header->width;
    settings.canvas_height = *header->height;
  }
  if (header->columns && header->rows) {
    settings.columns = *header->columns;
    settings.rows = *header->rows;
  }
  if (header->routes_per_micron_horizontal) {
    settings.routes_per_micron_horizontal = *header->routes_per_micron_horizontal;
  }
  if (header->routes_per_micron_vertical) {
    settings.routes_per_micron_vertical = *header->routes_per_micron_vertical;
  }
  if (header->macro_routes_horizontal) {
    settings.macro_routes_horizontal = *header->macro_routes_horizontal;
  }
  if (header->macro_routes_vertical)
    settings.macro_routes_vertical = *header->macro_routes_vertical;
  if (header->smoothing_range) settings.smoothing_range = *header->smoothing_range;
  if (header->overlap_threshold) settings.overlap_threshold = *header->overlap_threshold;
  if (header->macro_spacing) settings.macro_spacing = *header->macro_spacing;
  return settings;
}

}  // namespace macroplace::placement
