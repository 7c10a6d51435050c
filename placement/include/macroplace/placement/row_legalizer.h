// Row legalization of standard cells around fixed macros: what follows a global (analytical)
// placement of a flat netlist, so that full-design HPWL can be reported on a legal placement.
//
// Contract: legalize_rows() moves every non-fixed standard cell (NodeKind::kStdCell) onto rows:
// its bottom on a row, its left edge on a site, no two cells overlapping, no cell overlapping a
// hard or soft macro footprint (placed_width/height at the given centre), a fixed standard cell or
// a blockage with rate > 0, everything inside the canvas (required). Nothing else moves. The
// method is Abacus (Spindler, Schlichtmann, Johannes, ISPD 2008): rows are cut into free segments
// around the obstacles; cells are taken by desired left edge (ties by node index) and each goes
// to the row, among those nearest its desired position, where a trial PlaceRow (clusters at their
// quadratic optimum, cell weight = width) moves it least (|dx| + |dy|); clusters are snapped to
// sites at the end without creating overlaps. A placement that is already legal (to 5e-7 um)
// comes back bit for bit. Cells taller than a row (multi-row cells) and cells with no room
// anywhere stay where they are and are counted in `unplaced`. The result is deterministic.
// count_row_violations() checks the same rules.
//
//   RowLegalizerResult result = legalize_rows(netlist, RowLegalizerOptions{}, &x, &y);
//   if (!result.status.ok()) std::cerr << result.status.to_string() << "\n";
//   assert(count_row_violations(netlist, result.row_height, result.site_width, x, y) == 0);
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::placement {

struct RowLegalizerOptions {
  // Row height (um). 0: the netlist's rows when it has some, else rows of the most common
  // standard-cell height (ties: the smaller height). Rows other than the netlist's are stacked
  // from the canvas bottom and span its width; a height other than the netlist rows' (most common)
  // one replaces them.
  double row_height = 0;
  // Site pitch (um), sites counted from each row's origin (the canvas left edge for rows of our
  // own). 0: the netlist rows' site spacing when they are used, else derived: the largest
  // s >= 0.001 such that every standard-cell width is a multiple of s to 1e-6 relative tolerance
  // (NanGate45 widths give 0.19), else 0.001. A cell takes its width rounded up to whole sites.
  double site_width = 0;
  // Rows tried above and below the cell's nearest row; 0: until the vertical displacement alone
  // exceeds the best cost found. When no row in that range has room, every row is tried.
  int max_row_search = 0;

  Status validate() const;
};

struct RowLegalizerResult {
  Status status;                  // not ok on invalid options or input, or when no row fits
  std::int64_t cells = 0;         // standard cells legalized
  std::int64_t unplaced = 0;      // standard cells that found no room (left where they were)
  double total_displacement = 0;  // sum of |dx| + |dy| over the legalized cells (um)
  double max_displacement = 0;    // largest |dx| + |dy| (um)
  // The row height and site pitch used, which count_row_violations() takes (with netlist rows of
  // several site pitches, site_width is the first row's: give the checker 0 instead).
  double row_height = 0;
  double site_width = 0;
  double seconds = 0;  // wall time of the call
};

// Legalizes the non-fixed standard cells of `netlist` whose centres are x/y (indexed by NodeId,
// size num_nodes; macros and other obstacles are read from x/y too). Only standard-cell entries
// of x/y change. On a non-ok status nothing changes.
RowLegalizerResult legalize_rows(const netlist::Netlist& netlist,
                                 const RowLegalizerOptions& options, std::vector<double>* x,
                                 std::vector<double>* y);

// The number of non-fixed standard cells that break any rule of the file comment at centres x/y:
// bottom not on a row, left edge not on a site, outside the canvas or its row, taller than its
// row, overlapping another standard cell, a macro footprint or a blockage with rate > 0 (0 =
// legal). Rows and sites are built as legalize_rows() builds them from `row_height` and
// `site_width` (0 resolves as in RowLegalizerOptions). Geometric tolerance 1e-6 um. No canvas or
// no possible row: every such cell counts.
std::int64_t count_row_violations(const netlist::Netlist& netlist, double row_height,
                                  double site_width, const std::vector<double>& x,
                                  const std::vector<double>& y);

}  // namespace macroplace::placement
