// Per-element math of the proxy cost (PROXY_COST.md), written once for the CPU and CUDA backends.
//
// Contract: every function here is a pure function of its arguments, inline, and callable from
// host and device code (MACROPLACE_HD); the OpenMP loops and CUDA kernels are thin drivers around
// it, so the CPU tests exercise the math the GPU runs. Grid cells are indexed row * cols + col,
// row 0 at the bottom. An H unit at (r, c) is a crossing from (r, c) to (r, c + 1); a V unit at
// (r, c) a crossing from (r, c) to (r + 1, c).
//
//   GridGeometry grid = make_grid(1433.406, 1433.406, 24, 21);
//   int col = column_of(grid, x);                     // congestion: clamped into the grid
//   route_net(cells, count, source, weight, cols, accumulator);
#pragma once

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define MACROPLACE_HD __host__ __device__ inline
#else
#define MACROPLACE_HD inline
#endif

namespace macroplace::kernels {

struct GridGeometry {
  std::int32_t cols = 1, rows = 1;
  double width = 0, height = 0;            // canvas [0, width] x [0, height], micrometres
  double cell_width = 0, cell_height = 0;  // width / cols, height / rows
};

MACROPLACE_HD GridGeometry make_grid(double width, double height, std::int32_t cols,
                                     std::int32_t rows) {
  GridGeometry grid;
  grid.cols = cols;
  grid.rows = rows;
  grid.width = width;
  grid.height = height;
  grid.cell_width = width / cols;
  grid.cell_height = height / rows;
  return grid;
}

MACROPLACE_HD double min2(double a, double b) {
  return a < b ? a : b;
}
MACROPLACE_HD double max2(double a, double b) {
  return a > b ? a : b;
}
MACROPLACE_HD std::int32_t min2i(std::int32_t a, std::int32_t b) {
  return a < b ? a : b;
}
MACROPLACE_HD std::int32_t max2i(std::int32_t a, std::int32_t b) {
  return a > b ? a : b;
}

// floor(value / cell) clamped into [0, count - 1]; NaN and huge values clamp too, so positions
// outside the canvas never index outside the grid. (Truncation equals floor for the non-negative
// values that reach it, and avoids a libm call per pin on the hot path.)
MACROPLACE_HD std::int32_t clamped_cell(double value, double cell, std::int32_t count) {
  const double index = value / cell;
  if (!(index >= 0)) return 0;  // negative, or NaN
  if (index >= count - 1) return count - 1;
  return static_cast<std::int32_t>(index);
}

// The congestion cell of a pin (PROXY_COST.md, congestion step 1).
MACROPLACE_HD std::int32_t column_of(const GridGeometry& grid, double x) {
  return clamped_cell(x, grid.cell_width, grid.cols);
}
MACROPLACE_HD std::int32_t row_of(const GridGeometry& grid, double y) {
  return clamped_cell(y, grid.cell_height, grid.rows);
}

// Length of [a0, a1] inside [b0, b1] (0 when disjoint).
MACROPLACE_HD double overlap_length(double a0, double a1, double b0, double b1) {
  const double low = max2(a0, b0), high = min2(a1, b1);
  return high > low ? high - low : 0.0;
}

// The cells [first, last] that the interval [low, high] (already clipped to the canvas) crosses
// with positive length. Returns false when it crosses none.
MACROPLACE_HD bool cell_span(double low, double high, double cell, std::int32_t count,
                             std::int32_t* first, std::int32_t* last) {
  if (!(high > low)) return false;
  double f = floor(low / cell);
  double l = ceil(high / cell) - 1;
  if (f < 0) f = 0;
  if (l > count - 1) l = count - 1;
  if (l < f) return false;
  *first = static_cast<std::int32_t>(f);
  *last = static_cast<std::int32_t>(l);
  return true;
}

// A rectangle clipped to the canvas; `empty` when nothing of it is inside.
struct ClippedRect {
  double x0, y0, x1, y1;
  std::int32_t first_col, last_col, first_row, last_row;
  bool empty;
};

MACROPLACE_HD ClippedRect clip_to_grid(const GridGeometry& grid, double x0, double y0, double x1,
                                       double y1) {
  ClippedRect r;
  r.x0 = max2(x0, 0.0);
  r.y0 = max2(y0, 0.0);
  r.x1 = min2(x1, grid.width);
  r.y1 = min2(y1, grid.height);
  r.first_col = r.last_col = r.first_row = r.last_row = 0;
  r.empty = !cell_span(r.x0, r.x1, grid.cell_width, grid.cols, &r.first_col, &r.last_col) ||
            !cell_span(r.y0, r.y1, grid.cell_height, grid.rows, &r.first_row, &r.last_row);
  return r;
}

// Overlap of a clipped rectangle with cell (row, col), per axis.
MACROPLACE_HD double overlap_in_column(const GridGeometry& grid, const ClippedRect& r,
                                       std::int32_t col) {
  return overlap_length(r.x0, r.x1, col * grid.cell_width, (col + 1) * grid.cell_width);
}
MACROPLACE_HD double overlap_in_row(const GridGeometry& grid, const ClippedRect& r,
                                    std::int32_t row) {
  return overlap_length(r.y0, r.y1, row * grid.cell_height, (row + 1) * grid.cell_height);
}

// Adds sign x the area of rectangle [x0,x1] x [y0,y1] inside each cell (density, PROXY_COST.md).
MACROPLACE_HD void add_rect_area(const GridGeometry& grid, double x0, double y0, double x1,
                                 double y1, double sign, std::int32_t row_begin,
                                 std::int32_t row_end, double* cell_area) {
  const ClippedRect r = clip_to_grid(grid, x0, y0, x1, y1);
  if (r.empty) return;
  const std::int32_t first = max2i(r.first_row, row_begin);
  const std::int32_t last = min2i(r.last_row, row_end - 1);
  for (std::int32_t row = first; row <= last; ++row) {
    const double dy = overlap_in_row(grid, r, row);
    for (std::int32_t col = r.first_col; col <= r.last_col; ++col) {
      cell_area[row * grid.cols + col] += sign * (dy * overlap_in_column(grid, r, col));
    }
  }
}

// ---- congestion routing (PROXY_COST.md, congestion step 2) ----

struct Cell {
  std::int32_t row, col;
};

// Adds `weight` to H units on `row` for columns [min(c0,c1), max(c0,c1) - 1].
template <typename Accumulator>
MACROPLACE_HD void add_horizontal(std::int32_t row, std::int32_t c0, std::int32_t c1, double weight,
                                  Accumulator& acc) {
  for (std::int32_t c = min2i(c0, c1); c < max2i(c0, c1); ++c) acc.horizontal(row, c, weight);
}

// Adds `weight` to V units on `col` for rows [min(r0,r1), max(r0,r1) - 1].
template <typename Accumulator>
MACROPLACE_HD void add_vertical(std::int32_t col, std::int32_t r0, std::int32_t r1, double weight,
                                Accumulator& acc) {
  for (std::int32_t r = min2i(r0, r1); r < max2i(r0, r1); ++r) acc.vertical(r, col, weight);
}

// Two cells: H along the source's row, V along the sink's column.
template <typename Accumulator>
MACROPLACE_HD void route_two_cells(Cell source, Cell sink, double weight, Accumulator& acc) {
  add_horizontal(source.row, source.col, sink.col, weight, acc);
  add_vertical(sink.col, source.row, sink.row, weight, acc);
}

MACROPLACE_HD bool before_by_column(Cell a, Cell b) {
  return a.col != b.col ? a.col < b.col : a.row < b.row;
}
MACROPLACE_HD bool before_by_row(Cell a, Cell b) {
  return a.row != b.row ? a.row < b.row : a.col < b.col;
}

template <typename Less>
MACROPLACE_HD void sort_three(Cell* c, Less less) {
  Cell t;
  if (less(c[1], c[0])) {
    t = c[0];
    c[0] = c[1];
    c[1] = t;
  }
  if (less(c[2], c[1])) {
    t = c[1];
    c[1] = c[2];
    c[2] = t;
  }
  if (less(c[1], c[0])) {
    t = c[0];
    c[0] = c[1];
    c[1] = t;
  }
}

// Three distinct cells: the L, corner, row and T cases of PROXY_COST.md, in that order.
template <typename Accumulator>
MACROPLACE_HD void route_three_cells(Cell a, Cell b, Cell d, double weight, Accumulator& acc) {
  Cell c[3] = {a, b, d};
  sort_three(c, before_by_column);
  const std::int32_t r1 = c[0].row, c1 = c[0].col, r2 = c[1].row, c2 = c[1].col, r3 = c[2].row,
                     c3 = c[2].col;
  if (c1 < c2 && c2 < c3 && min2i(r1, r3) < r2 && r2 < max2i(r1, r3)) {  // a. L-shape
    add_horizontal(r1, c1, c2, weight, acc);
    add_horizontal(r2, c2, c3, weight, acc);
    add_vertical(c2, r1, r2, weight, acc);
    add_vertical(c3, r2, r3, weight, acc);
  } else if (c2 == c3 && c1 < c2 && r1 < min2i(r2, r3)) {  // b. corner
    add_horizontal(r1, c1, c2, weight, acc);
    add_vertical(c2, r1, max2i(r2, r3), weight, acc);
  } else if (r2 == r3) {  // c. two on one row
    add_horizontal(r1, c1, c2, weight, acc);
    add_horizontal(r2, c2, c3, weight, acc);
    add_vertical(c2, r1, r2, weight, acc);
  } else {  // d. T-shape
    sort_three(c, before_by_row);
    const std::int32_t low = min2i(min2i(c[0].col, c[1].col), c[2].col);
    const std::int32_t high = max2i(max2i(c[0].col, c[1].col), c[2].col);
    add_horizontal(c[1].row, low, high, weight, acc);
    add_vertical(c[0].col, c[0].row, c[1].row, weight, acc);
    add_vertical(c[2].col, c[1].row, c[2].row, weight, acc);
  }
}

// Routes a net given its distinct cells (cells[source] is the driver's). Nets in one cell add
// nothing; more than three cells route as a star from the source.
template <typename Accumulator>
MACROPLACE_HD void route_net(const Cell* cells, std::int32_t count, std::int32_t source,
                             double weight, Accumulator& acc) {
  if (count <= 1) return;
  if (count == 2) {
    route_two_cells(cells[source], cells[1 - source], weight, acc);
  } else if (count == 3) {
    route_three_cells(cells[0], cells[1], cells[2], weight, acc);
  } else {
    for (std::int32_t i = 0; i < count; ++i) {
      if (i != source) route_two_cells(cells[source], cells[i], weight, acc);
    }
  }
}

// The host-side accumulator: adds straight into row-major H and V arrays.
struct GridAccumulator {
  double* h;
  double* v;
  std::int32_t cols;
  void horizontal(std::int32_t row, std::int32_t col, double w) { h[row * cols + col] += w; }
  void vertical(std::int32_t row, std::int32_t col, double w) { v[row * cols + col] += w; }
};

// ---- macro routing blockage (PROXY_COST.md, congestion step 5) ----

// Adds a hard macro's routing blockage: for each cell it overlaps by (dx, dy),
// V += dx * v_alloc and H += dy * h_alloc; then the partial-coverage correction removes what it
// added to V in its top row (when it spans several rows and its bottom or top row is partly
// covered) and to H in its right column (likewise for columns). Values are not yet normalised.
template <typename Accumulator>
MACROPLACE_HD void add_macro_blockage(const GridGeometry& grid, const ClippedRect& r,
                                      double h_alloc, double v_alloc, double sign,
                                      Accumulator& acc) {
  if (r.empty) return;
  for (std::int32_t row = r.first_row; row <= r.last_row; ++row) {
    const double dy = overlap_in_row(grid, r, row);
    for (std::int32_t col = r.first_col; col <= r.last_col; ++col) {
      const double dx = overlap_in_column(grid, r, col);
      acc.vertical(row, col, sign * dx * v_alloc);
      acc.horizontal(row, col, sign * dy * h_alloc);
    }
  }
  constexpr double kTolerance = 1e-5;
  if (r.last_row > r.first_row &&
      (fabs(overlap_in_row(grid, r, r.first_row) - grid.cell_height) > kTolerance ||
       fabs(overlap_in_row(grid, r, r.last_row) - grid.cell_height) > kTolerance)) {
    for (std::int32_t col = r.first_col; col <= r.last_col; ++col) {
      acc.vertical(r.last_row, col, -sign * overlap_in_column(grid, r, col) * v_alloc);
    }
  }
  if (r.last_col > r.first_col &&
      (fabs(overlap_in_column(grid, r, r.first_col) - grid.cell_width) > kTolerance ||
       fabs(overlap_in_column(grid, r, r.last_col) - grid.cell_width) > kTolerance)) {
    for (std::int32_t row = r.first_row; row <= r.last_row; ++row) {
      acc.horizontal(row, r.last_col, -sign * overlap_in_row(grid, r, row) * h_alloc);
    }
  }
}

}  // namespace macroplace::kernels
