// Placement files `.plc` (Circuit Training): a header of settings, then one line per port,
// macro and standard cell: `node_index x y orientation fixed`.
//
// Contract: parse/read keep every header setting they recognise (columns, rows, canvas, routing
// and macro-allocation capacities, smoothing, overlap threshold, blockages) and every placement
// line with its line number, so apply_placement() can point at a bad index. A file with no
// line at all is an error. write_plc() writes the layout Circuit Training's tools read,
// atomically.
//
//   PlacementFile plc;
//   Status status = read_plc("legalized.plc", &plc);
//   if (status.ok()) status = apply_placement(plc, &netlist);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

// The settings a `.plc` header can state; unset values are absent, not defaulted, so callers
// can tell "the file says" from "our default".
// The orientations some macros may take (`# Allowed orientations : N FS : 3 7 12`, macroplace's
// own line, from a floorplan's LEF SYMMETRY); Circuit Training's tools skip it.
struct OrientationRule {
  OrientationSet allowed = kEveryOrientation;
  std::vector<NodeId> nodes;
  std::uint64_t line = 0;  // where it was read
};

struct PlacementSettings {
  std::optional<std::int32_t> columns, rows;
  std::optional<double> width, height;
  std::optional<double> routes_per_micron_horizontal, routes_per_micron_vertical;
  std::optional<double> macro_routes_horizontal, macro_routes_vertical;
  std::optional<double> smoothing_range;
  std::optional<double> overlap_threshold;
  // um kept clear between hard macros (`# Macro spacing : D`, macroplace's own line: a
  // floorplan's halos); Circuit Training's tools skip it.
  std::optional<double> macro_spacing;
  // Read from the file; apply_placement() hands them to the netlist, and write_plc() writes the
  // netlist's own (Netlist::allowed_orientations), so they cannot disagree.
  std::vector<OrientationRule> orientation_rules;
  std::vector<Blockage> blockages;
  std::string project, block;
};

struct PlacementEntry {
  NodeId node = kNoNode;
  double x = 0, y = 0;
  std::optional<Orientation> orientation;  // absent for ports (`-`)
  bool fixed = false;
  std::uint64_t line = 0;  // where it was read (0 when made in memory)
};

struct PlacementFile {
  std::string file;  // the path it was read from, for error messages
  PlacementSettings settings;
  std::vector<PlacementEntry> entries;
};

Status read_plc(const std::string& path, PlacementFile* out);
Status parse_plc(std::string_view text, const std::string& file_label, PlacementFile* out);

// Which of the netlist's ports, macros and std cells a placement file lists.
struct PlacementCoverage {
  std::int64_t listed = 0, missing = 0;
  NodeId first_missing = kNoNode;
};

// Moves the netlist's nodes to the file's positions and restricts the orientations of the macros
// its rules name. Errors (with the file's line) for indices out of range, naming pins, listed
// twice, or a rule naming what is not a macro. Nodes the file does not list keep the netlist's
// positions, as in Circuit Training's tools (whose test designs have header-only files that give
// settings alone); `coverage` counts them so that callers can warn about a partial file.
Status apply_placement(const PlacementFile& placement, Netlist* netlist,
                       PlacementCoverage* coverage = nullptr);

// Writes the netlist's current placement (every port, macro and std cell) with `settings` in the
// header (its orientation rules from the netlist's allowed orientations), plus informational lines
// (counts, area, source) so the file documents itself.
Status write_plc(const Netlist& netlist, const PlacementSettings& settings,
                 const std::string& source, const std::string& path);

}  // namespace macroplace::netlist
