// The small grid the hand-worked kernel tests share: 5 columns x 4 rows on a 50 x 40 um canvas
// (10 x 10 um cells), row-major arrays with row 0 at the bottom.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "macroplace/kernels/cost_math.h"

namespace macroplace::kernels::testing {

constexpr std::int32_t kCols = 5, kRows = 4, kCells = kCols * kRows;

using Values = std::vector<double>;

inline GridGeometry test_grid() {
  return make_grid(50.0, 40.0, kCols, kRows);
}

inline Values zeros() {
  return Values(kCells, 0.0);
}

// Records H and V units into full-grid arrays; a unit outside the grid is a test failure.
struct RecordingAccumulator {
  Values h = zeros(), v = zeros();
  void horizontal(std::int32_t row, std::int32_t col, double w) { add(&h, "H", row, col, w); }
  void vertical(std::int32_t row, std::int32_t col, double w) { add(&v, "V", row, col, w); }
  static void add(Values* values, const char* what, std::int32_t row, std::int32_t col, double w) {
    if (row < 0 || row >= kRows || col < 0 || col >= kCols) {
      ADD_FAILURE() << what << " unit outside the grid at row " << row << ", col " << col;
      return;
    }
    (*values)[static_cast<std::size_t>(row) * kCols + col] += w;
  }
};

}  // namespace macroplace::kernels::testing
