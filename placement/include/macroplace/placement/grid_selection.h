// GridSelection: picks the placement grid (columns x rows) for a design that has none, by
// Circuit Training's rule (circuit_training/grouping/grid_size_selection.py).
//
// Contract: every (cols, rows) with cols in [min_cols, max_cols), rows in [min_rows, max_rows),
// min_cells <= cols*rows <= max_cells and grid-cell aspect ratio (either way) <= max_aspect_ratio
// is a candidate on the given canvas (the canvas is an input; it is never chosen). A candidate is
// feasible when all movable hard macros, largest area first (ties by netlist index), pack
// greedily: each goes, centred on a cell centre, into the first cell (index row*cols + col,
// row 0 at the bottom) where it overlaps no macro placed before it, no fixed macro and no
// blockage (and, by default, stays inside the canvas). Each feasible candidate scores
//   key_metric = empty_ratio + (1 - horizontal_waste) + (1 - vertical_waste)
// where empty_ratio is the share of cells no macro touches after packing and the waste ratios
// are waste_ratio() of the macro widths (heights), in netlist order, on the cell width (height).
// Among candidates whose key_metric is within `tolerance` of the best (relative), the one with
// the largest key_metric / cells wins; ties go to the larger key_metric, then fewer rows, then
// fewer columns. Deterministic; no state beyond the arguments.
//
//   GridChoice choice = select_grid(netlist, canvas_width, canvas_height);
//   if (choice.found) settings.columns = choice.cols, settings.rows = choice.rows;
#pragma once

#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::placement {

using netlist::NodeId;

struct GridSelectionOptions {
  int min_cols = 10, max_cols = 128;      // columns swept: [min_cols, max_cols)
  int min_rows = 10, max_rows = 128;      // rows swept: [min_rows, max_rows)
  int min_cells = 500, max_cells = 4096;  // cols * rows, both bounds inclusive
  double max_aspect_ratio = 1.5;          // of one grid cell, w/h or h/w
  // Relative slack on the best key_metric within which fewer cells are preferred (CT's flag
  // default; CT's select_from_grid_choices() defaults to 0.1 when called directly).
  double tolerance = 0.05;
  // Micrometres added to every macro width and height in the waste ratios only, as CT's
  // `add_size` (packing ignores it there too).
  double add_size = 0;
  // Micrometres kept free between hard macros when packing (CT's plc spacing; 0 in its tests).
  double macro_spacing = 0;
  // Packed macros must lie inside the canvas. CT's placement-cost default is off (macros may hang
  // over the edge); ours keeps them inside, like the rest of this project.
  bool keep_inside_canvas = true;
  // Also pack fixed hard macros (CT's grid_select_include_fixed_macros). When false they stay
  // where they are and block the cells they cover.
  bool include_fixed_macros = false;

  Status validate() const;
};

// The metrics of one feasible candidate grid.
struct GridCandidate {
  int cols = 0, rows = 0;
  double empty_ratio = 0;       // cells with (macro area)/(cell area) < 1e-5, after packing
  double horizontal_waste = 0;  // waste_ratio(macro widths + add_size, canvas_width / cols)
  double vertical_waste = 0;    // waste_ratio(macro heights + add_size, canvas_height / rows)
  double key_metric = 0;        // empty_ratio + (1 - horizontal_waste) + (1 - vertical_waste)
  int cells() const { return cols * rows; }
};

struct GridChoice {
  bool found = false;  // false: no hard macro, bad canvas or options, or nothing packs
  int cols = 0, rows = 0;
  // Wasted space of the choice: (1 - empty_ratio) + horizontal_waste + vertical_waste, that is
  // 3 - key_metric (lower is better).
  double waste = 0;
  GridCandidate metrics;  // of the chosen grid
  int candidates = 0;     // grids that met the size, cell-count and aspect-ratio limits
  int feasible = 0;       // of those, grids where every hard macro packed
};

// Where each hard macro went when packing into one grid.
struct MacroPacking {
  bool packed = false;        // every macro in `order` found a cell
  std::vector<NodeId> order;  // the macros packed, in packing order
  std::vector<int> cells;     // cell index (row*cols + col) per macro of `order`; -1 if none
  double empty_ratio = 0;     // as in GridCandidate; only meaningful when packed
};

// One segment of length `segment` centred on a cell of size `cell`: the (odd) number of cells it
// spans and the length it occupies in its last cell (CT's get_span_and_extra_piece).
struct SegmentSpan {
  int span = 1;
  double extra_piece = 0;
};
SegmentSpan segment_span(double segment, double cell);

// Segments laid side by side in the given order, each centred on a cell, sharing a cell with
// the previous one when both ends fit in it: the share of the spanned length left unoccupied
// (CT's get_waste_ratio). `segments` must have a positive sum; `cell` must be positive.
double waste_ratio(const std::vector<double>& segments, double cell);

// The hard macros grid selection packs, largest area first, ties by netlist index (CT's
// descending_size_macro_first order): movable ones, plus fixed ones when the options say so.
std::vector<NodeId> hard_macros_to_pack(const netlist::Netlist& netlist,
                                        const GridSelectionOptions& options);

// Packs hard_macros_to_pack() greedily into a cols x rows grid on the canvas (see the contract).
MacroPacking pack_hard_macros(const netlist::Netlist& netlist, double canvas_width,
                              double canvas_height, int cols, int rows,
                              const GridSelectionOptions& options = {});

// Every feasible candidate grid with its metrics, rows outer and columns inner, ascending (CT's
// get_grid_choices). Empty when there is no hard macro or the canvas is not positive.
// `candidates`, when given, receives how many grids met the limits before packing.
std::vector<GridCandidate> evaluate_grids(const netlist::Netlist& netlist, double canvas_width,
                                          double canvas_height,
                                          const GridSelectionOptions& options = {},
                                          int* candidates = nullptr);

// The choice among candidates (CT's select_from_grid_choices); `candidates` in evaluate_grids()
// order. found is false when `candidates` is empty.
GridChoice choose_grid(const std::vector<GridCandidate>& candidates, double tolerance);

GridChoice select_grid(const netlist::Netlist& netlist, double canvas_width, double canvas_height,
                       const GridSelectionOptions& options = {});

// Canvas and grid for a design that may state neither (clustering a flat netlist, a corpus):
// the settings' canvas, else the netlist's FP bbox, else a square holding its area at
// `utilization`; the settings' grid, else Circuit Training's 10 x 10 when there is no hard
// macro, else select_grid(). Fails when no grid packs the hard macros. The sources say where
// each came from, for reports.
struct CanvasAndGrid {
  double width = 0, height = 0;
  int columns = 0, rows = 0;
  const char* canvas_source = "";  // "settings", "FP bbox", "area / utilization"
  const char* grid_source = "";    // "settings", "default (no hard macros)", "grid-size selection"
};
Status choose_canvas_and_grid(const netlist::Netlist& netlist,
                              const netlist::PlacementSettings& settings, double utilization,
                              CanvasAndGrid* out);

}  // namespace macroplace::placement
