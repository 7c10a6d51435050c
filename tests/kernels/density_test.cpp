// Density (PROXY_COST.md, "Density cost"), top_k_mean, and the hard-macro routing blockage with
// its partial-coverage correction ("Congestion cost" step 5), against hand-computed values.
//
// Grid: 5 cols x 4 rows on a 50 x 40 canvas, so cells are 10 x 10 and cell (row, col) spans
// [10*col, 10*col + 10] x [10*row, 10*row + 10]. Arrays are row-major in index order
// (index = row * 5 + col), row 0 (the bottom row) first. Rectangles are written [x0,x1]x[y0,y1].
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/kernels/cost_math.h"
#include "small_grid.h"

namespace macroplace::kernels {
namespace {

using testing::kCells;
using testing::kCols;
using testing::kRows;
using testing::RecordingAccumulator;
using testing::test_grid;
using testing::Values;
using testing::zeros;

// Exact comparison: every expected value here is a small integer or a sum of exactly
// representable products, and untouched cells must stay exactly 0.
void expect_grid_exact(const Values& actual, const Values& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(actual[i], expected[i]) << what << " at row " << i / kCols << ", col " << i % kCols;
  }
}

void expect_grid_near(const Values& actual, const Values& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-9)
        << what << " at row " << i / kCols << ", col " << i % kCols;
  }
}

struct Rect {
  double x0, y0, x1, y1;
};

std::string describe(const Rect& r) {
  return "[" + std::to_string(r.x0) + "," + std::to_string(r.x1) + "]x[" + std::to_string(r.y0) +
         "," + std::to_string(r.y1) + "]";
}

// Rectangles as the kernels take them: centres and sizes.
struct RectColumns {
  std::vector<double> x, y, width, height;
  explicit RectColumns(const std::vector<Rect>& rects) {
    for (const Rect& r : rects) {
      x.push_back((r.x0 + r.x1) / 2);
      y.push_back((r.y0 + r.y1) / 2);
      width.push_back(r.x1 - r.x0);
      height.push_back(r.y1 - r.y0);
    }
  }
  RectArrays arrays() const {
    RectArrays a;
    a.count = static_cast<std::int32_t>(x.size());
    a.x = x.data();
    a.y = y.data();
    a.width = width.data();
    a.height = height.data();
    return a;
  }
};

std::unique_ptr<CostKernels> cpu_kernels() {
  std::string error;
  auto kernels = make_cost_kernels(Backend::kCpu, &error);
  EXPECT_NE(kernels, nullptr) << error;
  return kernels;
}

// ---- clip_to_grid ----

TEST(ClipToGrid, CellsCrossedWithPositiveLength) {
  const GridGeometry grid = test_grid();
  // [10,30]x[10,20]: exactly on boundaries, cols 1..2, row 1 only.
  ClippedRect r = clip_to_grid(grid, 10, 10, 30, 20);
  EXPECT_FALSE(r.empty);
  EXPECT_EQ(r.first_col, 1);
  EXPECT_EQ(r.last_col, 2);
  EXPECT_EQ(r.first_row, 1);
  EXPECT_EQ(r.last_row, 1);
  // [-5,12]x[35,45]: clipped to [0,12]x[35,40]: cols 0..1, row 3.
  r = clip_to_grid(grid, -5, 35, 12, 45);
  EXPECT_FALSE(r.empty);
  EXPECT_EQ(r.x0, 0.0);
  EXPECT_EQ(r.x1, 12.0);
  EXPECT_EQ(r.y0, 35.0);
  EXPECT_EQ(r.y1, 40.0);
  EXPECT_EQ(r.first_col, 0);
  EXPECT_EQ(r.last_col, 1);
  EXPECT_EQ(r.first_row, 3);
  EXPECT_EQ(r.last_row, 3);
  // Outside, touching the edge from outside, zero width: empty.
  EXPECT_TRUE(clip_to_grid(grid, 60, 0, 70, 10).empty);
  EXPECT_TRUE(clip_to_grid(grid, 50, 0, 60, 10).empty);
  EXPECT_TRUE(clip_to_grid(grid, -10, -10, 0, 0).empty);
  EXPECT_TRUE(clip_to_grid(grid, 12, 12, 12, 18).empty);
}

// ---- density: add_rect_area and CostKernels::density ----

struct AreaCase {
  const char* name;
  std::vector<Rect> rects;
  Values expected;
};

const std::vector<AreaCase>& area_cases() {
  static const std::vector<AreaCase> kCases = {
      {"inside one cell",
       // [12,18]x[23,27]: all in cell (2,1): 6 * 4 = 24.
       {{12, 23, 18, 27}},
       {0, 0,  0, 0, 0,    // row 0
        0, 0,  0, 0, 0,    // row 1
        0, 24, 0, 0, 0,    // row 2
        0, 0,  0, 0, 0}},  // row 3
      {"spanning 2x2 cells",
       // [4,13]x[16,25]: x: col 0 gets 10-4 = 6, col 1 gets 13-10 = 3;
       //                 y: row 1 gets 20-16 = 4, row 2 gets 25-20 = 5.
       // (1,0) 6*4 = 24, (1,1) 3*4 = 12, (2,0) 6*5 = 30, (2,1) 3*5 = 15; total 81 = 9*9.
       {{4, 16, 13, 25}},
       {0,  0,  0, 0, 0,    // row 0
        24, 12, 0, 0, 0,    // row 1
        30, 15, 0, 0, 0,    // row 2
        0,  0,  0, 0, 0}},  // row 3
      {"exactly on cell boundaries",
       // [10,30]x[10,20]: cells (1,1) and (1,2), 100 each; neighbours untouched (exactly 0).
       {{10, 10, 30, 20}},
       {0, 0,   0,   0, 0,    // row 0
        0, 100, 100, 0, 0,    // row 1
        0, 0,   0,   0, 0,    // row 2
        0, 0,   0,   0, 0}},  // row 3
      {"one whole cell",
       // [20,30]x[0,10]: cell (0,2), 100.
       {{20, 0, 30, 10}},
       {0, 0, 100, 0, 0,                                                  // row 0
        0, 0, 0,   0, 0,                                                  // row 1
        0, 0, 0,   0, 0,                                                  // row 2
        0, 0, 0,   0, 0}},                                                // row 3
      {"the whole canvas", {{0, 0, 50, 40}}, {100, 100, 100, 100, 100,    // row 0
                                              100, 100, 100, 100, 100,    // row 1
                                              100, 100, 100, 100, 100,    // row 2
                                              100, 100, 100, 100, 100}},  // row 3
      {"partly outside, top left",
       // [-5,5]x[35,45]: inside [0,5]x[35,40]: cell (3,0), 5 * 5 = 25.
       {{-5, 35, 5, 45}},
       {0,  0, 0, 0, 0,    // row 0
        0,  0, 0, 0, 0,    // row 1
        0,  0, 0, 0, 0,    // row 2
        25, 0, 0, 0, 0}},  // row 3
      {"partly outside, bottom right",
       // [45,60]x[-10,15]: inside [45,50]x[0,15]: col 4 width 5; row 0 height 10, row 1 height 5.
       // (0,4) 50, (1,4) 25.
       {{45, -10, 60, 15}},
       {0, 0, 0, 0, 50,   // row 0
        0, 0, 0, 0, 25,   // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"larger than the canvas on every side",
       {{-100, -100, 200, 200}},
       {100, 100, 100, 100, 100,    // row 0
        100, 100, 100, 100, 100,    // row 1
        100, 100, 100, 100, 100,    // row 2
        100, 100, 100, 100, 100}},  // row 3
      {"entirely outside (right, left, below, above) and touching the edge from outside",
       {{60, 0, 70, 10}, {-20, 5, -1, 15}, {10, -30, 20, -10}, {10, 45, 20, 60}, {50, 0, 60, 40}},
       zeros()},
      {"zero size", {{12, 12, 12, 18}, {12, 12, 18, 12}}, zeros()},
      {"overlapping rectangles count twice",
       // [12,18]x[23,27] twice: 24 + 24 in (2,1); plus [15,25]x[20,30]: (2,1) 5*10 = 50,
       // (2,2) 50.
       {{12, 23, 18, 27}, {12, 23, 18, 27}, {15, 20, 25, 30}},
       {0, 0,  0,  0, 0,    // row 0
        0, 0,  0,  0, 0,    // row 1
        0, 98, 50, 0, 0,    // row 2
        0, 0,  0,  0, 0}},  // row 3
  };
  return kCases;
}

TEST(Density, AddRectAreaHandComputed) {
  const GridGeometry grid = test_grid();
  for (const AreaCase& c : area_cases()) {
    SCOPED_TRACE(c.name);
    Values area = zeros();
    for (const Rect& r : c.rects) {
      add_rect_area(grid, r.x0, r.y0, r.x1, r.y1, 1.0, 0, kRows, area.data());
    }
    expect_grid_exact(area, c.expected, "area");
    // sign -1 takes it all away again.
    for (const Rect& r : c.rects) {
      add_rect_area(grid, r.x0, r.y0, r.x1, r.y1, -1.0, 0, kRows, area.data());
    }
    expect_grid_exact(area, zeros(), "area after removal");
  }
}

TEST(Density, CpuKernelHandComputed) {
  auto kernels = cpu_kernels();
  ASSERT_NE(kernels, nullptr);
  const GridGeometry grid = test_grid();
  for (const AreaCase& c : area_cases()) {
    SCOPED_TRACE(c.name);
    const RectColumns rects(c.rects);
    Values area(kCells, 42.0);  // overwritten
    kernels->density(grid, rects.arrays(), area.data());
    expect_grid_exact(area, c.expected, "area");
  }
}

TEST(Density, AddRectAreaOnlyTouchesTheRequestedRows) {
  const GridGeometry grid = test_grid();
  // [4,13]x[16,25] (the 2x2 case) restricted to rows [1,2): only row 1's 24 and 12.
  Values area = zeros();
  add_rect_area(grid, 4, 16, 13, 25, 1.0, 1, 2, area.data());
  expect_grid_exact(area, {0,  0,  0, 0, 0,   // row 0
                           24, 12, 0, 0, 0,   // row 1
                           0,  0,  0, 0, 0,   // row 2
                           0,  0,  0, 0, 0},  // row 3
                    "rows [1,2)");
  // Rows [2,4) then add the rest.
  add_rect_area(grid, 4, 16, 13, 25, 1.0, 2, 4, area.data());
  expect_grid_exact(area, {0,  0,  0, 0, 0,   // row 0
                           24, 12, 0, 0, 0,   // row 1
                           30, 15, 0, 0, 0,   // row 2
                           0,  0,  0, 0, 0},  // row 3
                    "rows [1,4)");
}

// The cell areas of a rectangle add up to its area inside the canvas.
TEST(Density, CellAreasSumToTheClippedArea) {
  auto kernels = cpu_kernels();
  ASSERT_NE(kernels, nullptr);
  const GridGeometry grid = test_grid();
  std::mt19937 random(20240607);
  std::uniform_real_distribution<double> centre_x(-20.0, 70.0), centre_y(-20.0, 60.0),
      size(0.0, 40.0);
  std::vector<Rect> all;
  double total_clipped = 0;
  for (int i = 0; i < 1000; ++i) {
    const double cx = centre_x(random), cy = centre_y(random);
    const double w = size(random), h = size(random);
    const Rect r{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
    all.push_back(r);
    const double clipped = std::max(0.0, std::min(r.x1, 50.0) - std::max(r.x0, 0.0)) *
                           std::max(0.0, std::min(r.y1, 40.0) - std::max(r.y0, 0.0));
    total_clipped += clipped;
    Values area = zeros();
    add_rect_area(grid, r.x0, r.y0, r.x1, r.y1, 1.0, 0, kRows, area.data());
    double sum = 0;
    for (double a : area) {
      EXPECT_GE(a, 0.0) << describe(r);
      EXPECT_LE(a, 100.0 + 1e-9) << describe(r);
      sum += a;
    }
    EXPECT_NEAR(sum, clipped, 1e-9 * std::max(1.0, clipped)) << describe(r);
  }
  // All at once through the kernel: overlaps count, so the total is the sum.
  const RectColumns rects(all);
  Values area = zeros();
  kernels->density(grid, rects.arrays(), area.data());
  double sum = 0;
  for (double a : area) sum += a;
  EXPECT_NEAR(sum, total_clipped, 1e-9 * total_clipped);
}

// ---- top_k_mean ----

TEST(TopKMean, HandComputed) {
  std::vector<double> scratch;
  const std::vector<double> values = {3, 1, 4, 1, 5, 9, 2, 6};                        // sum 31
  EXPECT_DOUBLE_EQ(top_k_mean(values.data(), values.size(), 3, &scratch), 20.0 / 3);  // 9+6+5
  EXPECT_DOUBLE_EQ(top_k_mean(values.data(), values.size(), 1, &scratch), 9.0);
  EXPECT_DOUBLE_EQ(top_k_mean(values.data(), values.size(), 0, &scratch), 9.0);  // k -> 1
  EXPECT_DOUBLE_EQ(top_k_mean(values.data(), values.size(), 8, &scratch), 31.0 / 8);
  EXPECT_DOUBLE_EQ(top_k_mean(values.data(), values.size(), 100, &scratch), 31.0 / 8);  // k -> 8
  // Ties.
  const std::vector<double> ties = {2, 7, 7, 1, 7};
  EXPECT_DOUBLE_EQ(top_k_mean(ties.data(), ties.size(), 2, &scratch), 7.0);
  EXPECT_DOUBLE_EQ(top_k_mean(ties.data(), ties.size(), 3, &scratch), 7.0);
  EXPECT_DOUBLE_EQ(top_k_mean(ties.data(), ties.size(), 4, &scratch), 23.0 / 4);  // 7+7+7+2
  const std::vector<double> all_equal = {0.25, 0.25, 0.25};
  EXPECT_DOUBLE_EQ(top_k_mean(all_equal.data(), all_equal.size(), 2, &scratch), 0.25);
  // Negative values.
  const std::vector<double> negative = {-3, -1, -2, -5};
  EXPECT_DOUBLE_EQ(top_k_mean(negative.data(), negative.size(), 2, &scratch), -1.5);  // -1-2
  EXPECT_DOUBLE_EQ(top_k_mean(negative.data(), negative.size(), 10, &scratch), -11.0 / 4);
  const std::vector<double> mixed = {-1, 0.5, -0.5};
  EXPECT_DOUBLE_EQ(top_k_mean(mixed.data(), mixed.size(), 2, &scratch), 0.0);  // 0.5-0.5
  // One value.
  const double one = 4.5;
  EXPECT_DOUBLE_EQ(top_k_mean(&one, 1, 3, &scratch), 4.5);
  // The input is left alone.
  EXPECT_EQ(values, (std::vector<double>{3, 1, 4, 1, 5, 9, 2, 6}));
}

TEST(TopKMean, DensityCostOfTheTestGrid) {
  // k = max(1, floor(0.1 * 20)) = 2. The 2x2 rectangle [4,13]x[16,25] gives cell densities
  // 24/100, 12/100, 30/100, 15/100: the two largest 0.30 and 0.24, mean 0.27,
  // density_cost = 0.5 * 0.27 = 0.135.
  const GridGeometry grid = test_grid();
  Values area = zeros();
  add_rect_area(grid, 4, 16, 13, 25, 1.0, 0, kRows, area.data());
  Values density;
  for (double a : area) density.push_back(a / (grid.cell_width * grid.cell_height));
  std::vector<double> scratch;
  EXPECT_NEAR(0.5 * top_k_mean(density.data(), density.size(), 2, &scratch), 0.135, 1e-15);
}

// ---- macro routing blockage (step 5), raw: before normalisation ----
//
// h_alloc = 3, v_alloc = 2: each cell gets V += dx * 2 and H += dy * 3, where (dx, dy) is the
// macro's overlap with the cell; then the partial-coverage correction.

constexpr double kHAlloc = 3.0, kVAlloc = 2.0;

struct BlockageCase {
  const char* name;
  Rect macro;
  Values h, v;  // expected, after the correction
};

const std::vector<BlockageCase>& blockage_cases() {
  static const std::vector<BlockageCase> kCases = {
      {"exactly one full cell",
       // [10,20]x[20,30] = cell (2,1): dx = dy = 10: V = 10*2 = 20, H = 10*3 = 30.
       // One row, one column: no correction.
       {10, 20, 20, 30},
       {0, 0,  0, 0, 0,    // row 0
        0, 0,  0, 0, 0,    // row 1
        0, 30, 0, 0, 0,    // row 2
        0, 0,  0, 0, 0},   // row 3
       {0, 0,  0, 0, 0,    // row 0
        0, 0,  0, 0, 0,    // row 1
        0, 20, 0, 0, 0,    // row 2
        0, 0,  0, 0, 0}},  // row 3
      {"2x2 full cells",
       // [10,30]x[0,20] = cells (0,1) (0,2) (1,1) (1,2), each dx = dy = 10: V 20, H 30.
       // Both rows and both columns fully covered: no correction.
       {10, 0, 30, 20},
       {0, 30, 30, 0, 0,    // row 0
        0, 30, 30, 0, 0,    // row 1
        0, 0,  0,  0, 0,    // row 2
        0, 0,  0,  0, 0},   // row 3
       {0, 20, 20, 0, 0,    // row 0
        0, 20, 20, 0, 0,    // row 1
        0, 0,  0,  0, 0,    // row 2
        0, 0,  0,  0, 0}},  // row 3
      {"inside one cell, partly covering it",
       // [12,16]x[12,15] in cell (1,1): dx 4, dy 3: V 8, H 9. One row and column: no correction.
       {12, 12, 16, 15},
       {0, 0, 0, 0, 0,    // row 0
        0, 9, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 8, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"2 rows, top row partly covered",
       // [10,20]x[10,25]: col 1 dx 10; row 1 dy 10, row 2 dy 5.
       // raw: (1,1) V 20, H 30; (2,1) V 20, H 15.
       // correction: 2 rows, top row partial (|5 - 10| > 1e-5) -> remove top row's V: (2,1) V 0.
       // One column: H kept.
       {10, 10, 20, 25},
       {0, 0,  0, 0, 0,    // row 0
        0, 30, 0, 0, 0,    // row 1
        0, 15, 0, 0, 0,    // row 2
        0, 0,  0, 0, 0},   // row 3
       {0, 0,  0, 0, 0,    // row 0
        0, 20, 0, 0, 0,    // row 1
        0, 0,  0, 0, 0,    // row 2
        0, 0,  0, 0, 0}},  // row 3
      {"2 columns, left column partly covered",
       // [15,30]x[0,10]: col 1 dx 5, col 2 dx 10; row 0 dy 10.
       // raw: (0,1) V 10, H 30; (0,2) V 20, H 30.
       // correction: 2 columns, left partial -> remove the right column's H: (0,2) H 0.
       // One row: V kept.
       {15, 0, 30, 10},
       {0, 30, 0, 0, 0,     // row 0
        0, 0,  0, 0, 0,     // row 1
        0, 0,  0, 0, 0,     // row 2
        0, 0,  0, 0, 0},    // row 3
       {0, 10, 20, 0, 0,    // row 0
        0, 0,  0,  0, 0,    // row 1
        0, 0,  0,  0, 0,    // row 2
        0, 0,  0,  0, 0}},  // row 3
      {"2 columns, right column partly covered",
       // [10,25]x[30,40]: col 1 dx 10, col 2 dx 5; row 3 dy 10.
       // raw: (3,1) V 20, H 30; (3,2) V 10, H 30.
       // correction: right partial -> remove the right column's H: (3,2) H 0.
       {10, 30, 25, 40},
       {0, 0,  0, 0, 0,     // row 0
        0, 0,  0, 0, 0,     // row 1
        0, 0,  0, 0, 0,     // row 2
        0, 30, 0, 0, 0},    // row 3
       {0, 0,  0,  0, 0,    // row 0
        0, 0,  0,  0, 0,    // row 1
        0, 0,  0,  0, 0,    // row 2
        0, 20, 10, 0, 0}},  // row 3
      {"2 rows and 2 columns, top row and left column partly covered",
       // [15,30]x[20,35]: col 1 dx 5, col 2 dx 10; row 2 dy 10, row 3 dy 5.
       // raw: (2,1) V 10, H 30; (2,2) V 20, H 30; (3,1) V 10, H 15; (3,2) V 20, H 15.
       // correction: top row's V removed: (3,1) V 0, (3,2) V 0;
       //             right column's H removed: (2,2) H 0, (3,2) H 0.
       {15, 20, 30, 35},
       {0, 0,  0, 0, 0,     // row 0
        0, 0,  0, 0, 0,     // row 1
        0, 30, 0, 0, 0,     // row 2
        0, 15, 0, 0, 0},    // row 3
       {0, 0,  0,  0, 0,    // row 0
        0, 0,  0,  0, 0,    // row 1
        0, 10, 20, 0, 0,    // row 2
        0, 0,  0,  0, 0}},  // row 3
      {"3 rows, aligned except the bottom row partly covered",
       // [20,30]x[5,30]: col 2 dx 10; row 0 dy 5, rows 1 and 2 dy 10.
       // raw: (0,2) V 20, H 15; (1,2) V 20, H 30; (2,2) V 20, H 30.
       // correction: bottom row partial -> remove the TOP row's V: (2,2) V 0. One column.
       {20, 5, 30, 30},
       {0, 0, 15, 0, 0,    // row 0
        0, 0, 30, 0, 0,    // row 1
        0, 0, 30, 0, 0,    // row 2
        0, 0, 0,  0, 0},   // row 3
       {0, 0, 20, 0, 0,    // row 0
        0, 0, 20, 0, 0,    // row 1
        0, 0, 0,  0, 0,    // row 2
        0, 0, 0,  0, 0}},  // row 3
      {"2 rows, both partly covered",
       // [0,10]x[5,15]: col 0 dx 10; row 0 dy 5, row 1 dy 5.
       // raw: (0,0) V 20, H 15; (1,0) V 20, H 15. correction: top row's V removed: (1,0) V 0.
       {0, 5, 10, 15},
       {15, 0, 0, 0, 0,    // row 0
        15, 0, 0, 0, 0,    // row 1
        0,  0, 0, 0, 0,    // row 2
        0,  0, 0, 0, 0},   // row 3
       {20, 0, 0, 0, 0,    // row 0
        0,  0, 0, 0, 0,    // row 1
        0,  0, 0, 0, 0,    // row 2
        0,  0, 0, 0, 0}},  // row 3
      {"partly outside the canvas, one cell",
       // [45,55]x[0,10]: inside [45,50]x[0,10]: (0,4) dx 5, dy 10: V 10, H 30.
       {45, 0, 55, 10},
       {0, 0, 0, 0, 30,   // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 10,   // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"partly outside the canvas, 2 rows, bottom row partial",
       // [10,20]x[25,45]: inside [10,20]x[25,40]: col 1 dx 10; row 2 dy 5, row 3 dy 10.
       // raw: (2,1) V 20, H 15; (3,1) V 20, H 30. correction: top row's V removed: (3,1) V 0.
       {10, 25, 20, 45},
       {0, 0,  0, 0, 0,    // row 0
        0, 0,  0, 0, 0,    // row 1
        0, 15, 0, 0, 0,    // row 2
        0, 30, 0, 0, 0},   // row 3
       {0, 0,  0, 0, 0,    // row 0
        0, 0,  0, 0, 0,    // row 1
        0, 20, 0, 0, 0,    // row 2
        0, 0,  0, 0, 0}},  // row 3
      {"entirely outside the canvas", {60, 0, 70, 10}, zeros(), zeros()},
  };
  return kCases;
}

TEST(MacroBlockage, HandComputedWithThePartialCoverageCorrection) {
  const GridGeometry grid = test_grid();
  for (const BlockageCase& c : blockage_cases()) {
    SCOPED_TRACE(std::string(c.name) + " " + describe(c.macro));
    RecordingAccumulator acc;
    add_macro_blockage(grid, clip_to_grid(grid, c.macro.x0, c.macro.y0, c.macro.x1, c.macro.y1),
                       kHAlloc, kVAlloc, 1.0, acc);
    expect_grid_exact(acc.h, c.h, "H");
    expect_grid_exact(acc.v, c.v, "V");
    // sign -1 removes exactly what sign +1 added.
    add_macro_blockage(grid, clip_to_grid(grid, c.macro.x0, c.macro.y0, c.macro.x1, c.macro.y1),
                       kHAlloc, kVAlloc, -1.0, acc);
    expect_grid_exact(acc.h, zeros(), "H after removal");
    expect_grid_exact(acc.v, zeros(), "V after removal");
  }
}

TEST(MacroBlockage, PartialCoverageWithinTheToleranceCountsAsFull) {
  // [10,20]x[10,30 - 1e-7]: col 1 dx 10; row 1 dy 10, row 2 dy 10 - 1e-7: |dy - 10| < 1e-5, so
  // no correction: V 20 in both rows; H 30 and 3 * (10 - 1e-7).
  const GridGeometry grid = test_grid();
  RecordingAccumulator acc;
  add_macro_blockage(grid, clip_to_grid(grid, 10, 10, 20, 30 - 1e-7), kHAlloc, kVAlloc, 1.0, acc);
  expect_grid_near(acc.h, {0, 0,
                           0, 0,
                           0,  // row 0
                           0, 30,
                           0, 0,
                           0,  // row 1
                           0, 3 * (10 - 1e-7),
                           0, 0,
                           0,  // row 2
                           0, 0,
                           0, 0,
                           0},  // row 3
                   "H");
  expect_grid_near(acc.v, {0, 0,  0, 0, 0,   // row 0
                           0, 20, 0, 0, 0,   // row 1
                           0, 20, 0, 0, 0,   // row 2
                           0, 0,  0, 0, 0},  // row 3
                   "V");
  // ... but 1e-4 short is partial: the top row's V goes.
  RecordingAccumulator partial;
  add_macro_blockage(grid, clip_to_grid(grid, 10, 10, 20, 30 - 1e-4), kHAlloc, kVAlloc, 1.0,
                     partial);
  EXPECT_NEAR(partial.v[11], 0.0, 1e-9);
  EXPECT_NEAR(partial.v[6], 20.0, 1e-9);
}

TEST(MacroBlockage, CpuKernelPerMacroAndSummed) {
  auto kernels = cpu_kernels();
  ASSERT_NE(kernels, nullptr);
  const GridGeometry grid = test_grid();
  std::vector<Rect> all;
  Values total_h = zeros(), total_v = zeros();
  for (const BlockageCase& c : blockage_cases()) {
    SCOPED_TRACE(std::string(c.name) + " " + describe(c.macro));
    const RectColumns macros(std::vector<Rect>{c.macro});
    Values h(kCells, 5.0), v(kCells, 6.0);  // overwritten
    kernels->macro_routing(grid, macros.arrays(), kHAlloc, kVAlloc, h.data(), v.data());
    expect_grid_exact(h, c.h, "H");
    expect_grid_exact(v, c.v, "V");
    all.push_back(c.macro);
    for (std::size_t i = 0; i < total_h.size(); ++i) {
      total_h[i] += c.h[i];
      total_v[i] += c.v[i];
    }
  }
  const RectColumns macros(all);
  Values h(kCells, 5.0), v(kCells, 6.0);
  kernels->macro_routing(grid, macros.arrays(), kHAlloc, kVAlloc, h.data(), v.data());
  expect_grid_exact(h, total_h, "H, all macros");
  expect_grid_exact(v, total_v, "V, all macros");
}

}  // namespace
}  // namespace macroplace::kernels
