// Congestion smoothing (PROXY_COST.md, "Congestion cost" step 4), against hand-computed spreads:
// with s = floor(smoothing_range), a V value at (r, c) is divided by the number of columns of
// [c - s, c + s] inside the grid and that share added to each of them in row r; an H value at
// (r, c) likewise over the rows [r - s, r + s] of column c.
//
// Grid: 5 cols x 4 rows on a 50 x 40 canvas. Arrays are row-major in index order
// (index = row * 5 + col), row 0 (the bottom row) first.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"
#include "small_grid.h"

namespace macroplace::kernels {
namespace {

using testing::kCells;
using testing::kCols;
using testing::kRows;
using testing::test_grid;
using testing::Values;
using testing::zeros;

Values unit_at(std::int32_t row, std::int32_t col, double value = 1.0) {
  Values values = zeros();
  values[static_cast<std::size_t>(row) * kCols + col] = value;
  return values;
}

void expect_grid(const Values& actual, const Values& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-12)
        << what << " at row " << i / kCols << ", col " << i % kCols;
  }
}

struct Smoothed {
  Values h, v;
};

Smoothed smooth(double range, const Values& h, const Values& v) {
  Smoothed out{Values(kCells, 99.0), Values(kCells, -99.0)};  // overwritten
  smooth_routing(test_grid(), range, h.data(), v.data(), out.h.data(), out.v.data());
  return out;
}

struct SmoothCase {
  const char* name;
  double range;
  Values h_in, v_in;
  Values h_out, v_out;
};

constexpr double kHalf = 1.0 / 2, kThird = 1.0 / 3, kQuarter = 1.0 / 4, kFifth = 1.0 / 5;
constexpr double kTwoThirds = 2.0 / 3;

const std::vector<SmoothCase>& cases() {
  static const std::vector<SmoothCase> kCases = {
      // ---- a single V unit: spread along its row ----
      {"V at column 0, s=0: unchanged", 0, zeros(), unit_at(1, 0), zeros(), unit_at(1, 0)},
      {"V at column 0, s=1: columns [-1,1] -> {0,1} in the grid, 1/2 each",
       1,
       zeros(),
       unit_at(1, 0),
       zeros(),
       {0,     0,     0, 0, 0,    // row 0
        kHalf, kHalf, 0, 0, 0,    // row 1
        0,     0,     0, 0, 0,    // row 2
        0,     0,     0, 0, 0}},  // row 3
      {"V at column 0, s=2: columns [-2,2] -> {0,1,2}, 1/3 each",
       2,
       zeros(),
       unit_at(1, 0),
       zeros(),
       {0,      0,      0,      0, 0,    // row 0
        kThird, kThird, kThird, 0, 0,    // row 1
        0,      0,      0,      0, 0,    // row 2
        0,      0,      0,      0, 0}},  // row 3
      {"V at column 2, s=0: unchanged", 0, zeros(), unit_at(2, 2), zeros(), unit_at(2, 2)},
      {"V at column 2, s=1: columns {1,2,3}, 1/3 each",
       1,
       zeros(),
       unit_at(2, 2),
       zeros(),
       {0, 0,      0,      0,      0,    // row 0
        0, 0,      0,      0,      0,    // row 1
        0, kThird, kThird, kThird, 0,    // row 2
        0, 0,      0,      0,      0}},  // row 3
      {"V at column 2, s=2: columns {0..4}, 1/5 each",
       2,
       zeros(),
       unit_at(2, 2),
       zeros(),
       {0,      0,      0,      0,      0,       // row 0
        0,      0,      0,      0,      0,       // row 1
        kFifth, kFifth, kFifth, kFifth, kFifth,  // row 2
        0,      0,      0,      0,      0}},     // row 3
      {"V at column 1, s=2: columns [-1,3] -> {0..3}, 1/4 each",
       2,
       zeros(),
       unit_at(0, 1),
       zeros(),
       {kQuarter, kQuarter, kQuarter, kQuarter, 0,    // row 0
        0,        0,        0,        0,        0,    // row 1
        0,        0,        0,        0,        0,    // row 2
        0,        0,        0,        0,        0}},  // row 3
      {"V at the last column, s=0: unchanged", 0, zeros(), unit_at(3, 4), zeros(), unit_at(3, 4)},
      {"V at the last column, s=1: columns [3,5] -> {3,4}, 1/2 each",
       1,
       zeros(),
       unit_at(3, 4),
       zeros(),
       {0, 0, 0, 0,     0,        // row 0
        0, 0, 0, 0,     0,        // row 1
        0, 0, 0, 0,     0,        // row 2
        0, 0, 0, kHalf, kHalf}},  // row 3
      {"V at the last column, s=2: columns [2,6] -> {2,3,4}, 1/3 each",
       2,
       zeros(),
       unit_at(3, 4),
       zeros(),
       {0, 0, 0,      0,      0,         // row 0
        0, 0, 0,      0,      0,         // row 1
        0, 0, 0,      0,      0,         // row 2
        0, 0, kThird, kThird, kThird}},  // row 3
      {"V at column 2, s=5 (wider than the grid): all 5 columns",
       5,
       zeros(),
       unit_at(0, 2, 10.0),
       zeros(),
       {2, 2, 2, 2, 2,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      // ---- a single H unit: spread along its column ----
      {"H at row 0, s=0: unchanged", 0, unit_at(0, 2), zeros(), unit_at(0, 2), zeros()},
      {"H at row 0, s=1: rows [-1,1] -> {0,1}, 1/2 each",
       1,
       unit_at(0, 2),
       zeros(),
       {0, 0, kHalf, 0, 0,   // row 0
        0, 0, kHalf, 0, 0,   // row 1
        0, 0, 0,     0, 0,   // row 2
        0, 0, 0,     0, 0},  // row 3
       zeros()},
      {"H at row 0, s=2: rows {0,1,2}, 1/3 each",
       2,
       unit_at(0, 2),
       zeros(),
       {0, 0, kThird, 0, 0,   // row 0
        0, 0, kThird, 0, 0,   // row 1
        0, 0, kThird, 0, 0,   // row 2
        0, 0, 0,      0, 0},  // row 3
       zeros()},
      {"H at the last row, s=0: unchanged", 0, unit_at(3, 1), zeros(), unit_at(3, 1), zeros()},
      {"H at the last row, s=1: rows [2,4] -> {2,3}, 1/2 each",
       1,
       unit_at(3, 1),
       zeros(),
       {0, 0,     0, 0, 0,   // row 0
        0, 0,     0, 0, 0,   // row 1
        0, kHalf, 0, 0, 0,   // row 2
        0, kHalf, 0, 0, 0},  // row 3
       zeros()},
      {"H at the last row, s=2: rows [1,5] -> {1,2,3}, 1/3 each",
       2,
       unit_at(3, 1),
       zeros(),
       {0, 0,      0, 0, 0,   // row 0
        0, kThird, 0, 0, 0,   // row 1
        0, kThird, 0, 0, 0,   // row 2
        0, kThird, 0, 0, 0},  // row 3
       zeros()},
      {"H at row 1, s=1: rows {0,1,2}, 1/3 each",
       1,
       unit_at(1, 4, 3.0),
       zeros(),
       {0, 0, 0, 0, 1,   // row 0
        0, 0, 0, 0, 1,   // row 1
        0, 0, 0, 0, 1,   // row 2
        0, 0, 0, 0, 0},  // row 3
       zeros()},
      {"H at row 1, s=2: rows [-1,3] -> {0..3}, 1/4 each",
       2,
       unit_at(1, 0),
       zeros(),
       {kQuarter, 0, 0, 0, 0,   // row 0
        kQuarter, 0, 0, 0, 0,   // row 1
        kQuarter, 0, 0, 0, 0,   // row 2
        kQuarter, 0, 0, 0, 0},  // row 3
       zeros()},
      // ---- H and V together, overlapping spreads add ----
      {"H and V together, s=1",
       1,
       // H: 2 at (0,0), 1 at (2,0).
       //   (0,0): rows {0,1} -> 1 each; (2,0): rows {1,2,3} -> 1/3 each.
       {2, 0, 0, 0, 0,   // row 0
        0, 0, 0, 0, 0,   // row 1
        1, 0, 0, 0, 0,   // row 2
        0, 0, 0, 0, 0},  // row 3
       // V: 1 at (1,0), 1 at (1,1).
       //   (1,0): cols {0,1} -> 1/2 each; (1,1): cols {0,1,2} -> 1/3 each.
       {0, 0, 0, 0, 0,            // row 0
        1, 1, 0, 0, 0,            // row 1
        0, 0, 0, 0, 0,            // row 2
        0, 0, 0, 0, 0},           // row 3
       {1,          0, 0, 0, 0,   // row 0
        1 + kThird, 0, 0, 0, 0,   // row 1
        kThird,     0, 0, 0, 0,   // row 2
        kThird,     0, 0, 0, 0},  // row 3
       {0,
        0,
        0,
        0,
        0,  // row 0
        kHalf + kThird,
        kHalf + kThird,
        kThird,
        0,
        0,  // row 1
        0,
        0,
        0,
        0,
        0,  // row 2
        0,
        0,
        0,
        0,
        0}},  // row 3
      // ---- s = floor(range) ----
      {"range 1.7 behaves as 1 (V at column 0: {0,1})",
       1.7,
       zeros(),
       unit_at(1, 0),
       zeros(),
       {0,     0,     0, 0, 0,    // row 0
        kHalf, kHalf, 0, 0, 0,    // row 1
        0,     0,     0, 0, 0,    // row 2
        0,     0,     0, 0, 0}},  // row 3
      {"range 1.7 behaves as 1 (H at row 3: {2,3})",
       1.7,
       unit_at(3, 1),
       zeros(),
       {0, 0,     0, 0, 0,   // row 0
        0, 0,     0, 0, 0,   // row 1
        0, kHalf, 0, 0, 0,   // row 2
        0, kHalf, 0, 0, 0},  // row 3
       zeros()},
      {"range 0.9 behaves as 0 (unchanged)", 0.9, unit_at(3, 1), unit_at(1, 0), unit_at(3, 1),
       unit_at(1, 0)},
      {"range 2.5 behaves as 2 (V at column 4: {2,3,4}, weight 2)",
       2.5,
       zeros(),
       unit_at(0, 4, 2.0),
       zeros(),
       {0, 0, kTwoThirds, kTwoThirds, kTwoThirds,  // row 0
        0, 0, 0,          0,          0,           // row 1
        0, 0, 0,          0,          0,           // row 2
        0, 0, 0,          0,          0}},         // row 3
  };
  return kCases;
}

TEST(SmoothRouting, HandComputedSpreads) {
  for (const SmoothCase& c : cases()) {
    SCOPED_TRACE(c.name);
    const Smoothed out = smooth(c.range, c.h_in, c.v_in);
    expect_grid(out.h, c.h_out, "H");
    expect_grid(out.v, c.v_out, "V");
  }
}

// Smoothing moves V only along its row and H only along its column, so every row's V total and
// every column's H total is kept.
TEST(SmoothRouting, ConservesRowTotalsOfVAndColumnTotalsOfH) {
  std::mt19937 random(12345);
  std::uniform_real_distribution<double> value(0.0, 10.0);
  for (double range : {0.0, 1.0, 1.5, 2.0, 3.0, 7.0}) {
    SCOPED_TRACE("range " + std::to_string(range));
    Values h = zeros(), v = zeros();
    for (std::size_t i = 0; i < h.size(); ++i) {
      // Leave some zeros in place.
      h[i] = i % 3 == 0 ? 0.0 : value(random);
      v[i] = i % 4 == 1 ? 0.0 : value(random);
    }
    const Smoothed out = smooth(range, h, v);
    for (std::int32_t row = 0; row < kRows; ++row) {
      double in = 0, smoothed = 0;
      for (std::int32_t col = 0; col < kCols; ++col) {
        in += v[static_cast<std::size_t>(row) * kCols + col];
        smoothed += out.v[static_cast<std::size_t>(row) * kCols + col];
      }
      EXPECT_NEAR(smoothed, in, 1e-12 * in) << "V total of row " << row;
    }
    for (std::int32_t col = 0; col < kCols; ++col) {
      double in = 0, smoothed = 0;
      for (std::int32_t row = 0; row < kRows; ++row) {
        in += h[static_cast<std::size_t>(row) * kCols + col];
        smoothed += out.h[static_cast<std::size_t>(row) * kCols + col];
      }
      EXPECT_NEAR(smoothed, in, 1e-12 * in) << "H total of column " << col;
    }
  }
}

// Smoothing is linear: the smoothed sum of single units equals the smoothed whole.
TEST(SmoothRouting, IsTheSumOfItsSingleUnits) {
  Values h = zeros(), v = zeros();
  for (std::size_t i = 0; i < h.size(); ++i) {
    h[i] = static_cast<double>(i % 7);
    v[i] = static_cast<double>((i * 3) % 5);
  }
  const Smoothed whole = smooth(2, h, v);
  Values h_sum = zeros(), v_sum = zeros();
  for (std::int32_t row = 0; row < kRows; ++row) {
    for (std::int32_t col = 0; col < kCols; ++col) {
      const std::size_t i = static_cast<std::size_t>(row) * kCols + col;
      const Smoothed part = smooth(2, unit_at(row, col, h[i]), unit_at(row, col, v[i]));
      for (std::size_t j = 0; j < h_sum.size(); ++j) {
        h_sum[j] += part.h[j];
        v_sum[j] += part.v[j];
      }
    }
  }
  expect_grid(whole.h, h_sum, "H");
  expect_grid(whole.v, v_sum, "V");
}

}  // namespace
}  // namespace macroplace::kernels
