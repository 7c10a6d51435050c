// Congestion routing (PROXY_COST.md, "Congestion cost" steps 1 and 2), checked against routes
// worked out by hand from the document's wording.
//
// Every test uses a 5 cols x 4 rows grid on a 50 x 40 canvas (10 x 10 cells). Expected H and V
// arrays are row-major in index order (index = row * 5 + col), row 0 (the bottom row) first.
// Reminder: an H unit at (r, c) crosses from (r, c) to (r, c + 1); a V unit at (r, c) crosses from
// (r, c) to (r + 1, c). Cells are written rc(row, col).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/kernels/cost_math.h"
#include "small_grid.h"

namespace macroplace::kernels {
namespace {

using testing::kCells;
using testing::kCols;
using testing::RecordingAccumulator;
using testing::test_grid;
using testing::Values;
using testing::zeros;

Cell rc(std::int32_t row, std::int32_t col) {
  return Cell{row, col};
}

void expect_grid(const Values& actual, const Values& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], 1e-12)
        << what << " at row " << i / kCols << ", col " << i % kCols;
  }
}

Values scaled(Values values, double factor) {
  for (double& value : values) value *= factor;
  return values;
}

Values sum(const Values& a, const Values& b) {
  Values out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = a[i] + b[i];
  return out;
}

// ---- pin to cell (step 1) ----

TEST(PinToCell, FloorOfPositionOverCellSize) {
  const GridGeometry grid = test_grid();
  EXPECT_EQ(column_of(grid, 0.0), 0);
  EXPECT_EQ(column_of(grid, 9.999), 0);
  EXPECT_EQ(column_of(grid, 10.0), 1);  // a cell boundary belongs to the cell above it
  EXPECT_EQ(column_of(grid, 35.0), 3);
  EXPECT_EQ(column_of(grid, 49.999), 4);
  EXPECT_EQ(row_of(grid, 0.0), 0);
  EXPECT_EQ(row_of(grid, 19.999), 1);
  EXPECT_EQ(row_of(grid, 20.0), 2);
  EXPECT_EQ(row_of(grid, 39.999), 3);
}

TEST(PinToCell, PositionsOutsideTheCanvasClampIntoTheGrid) {
  const GridGeometry grid = test_grid();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(column_of(grid, 50.0), 4);  // the canvas edge: floor(50/10) = 5, clamped to 4
  EXPECT_EQ(column_of(grid, 50.5), 4);
  EXPECT_EQ(column_of(grid, -0.001), 0);
  EXPECT_EQ(column_of(grid, -1e300), 0);
  EXPECT_EQ(column_of(grid, 1e300), 4);
  EXPECT_EQ(column_of(grid, -inf), 0);
  EXPECT_EQ(column_of(grid, inf), 4);
  EXPECT_EQ(row_of(grid, 40.0), 3);
  EXPECT_EQ(row_of(grid, -7.0), 0);
  EXPECT_EQ(row_of(grid, 1e300), 3);
  EXPECT_EQ(row_of(grid, -1e300), 0);
  EXPECT_EQ(row_of(grid, std::numeric_limits<double>::quiet_NaN()), 0);
}

// ---- routing (step 2) ----

struct RouteCase {
  const char* name;
  std::vector<Cell> cells;  // distinct cells of the net
  std::int32_t source;      // index of the driver's cell in `cells`
  double weight;
  Values h, v;  // expected, for weight 1 (scaled by `weight` in the test)
};

std::string describe(const std::vector<Cell>& cells) {
  std::string out;
  for (const Cell& cell : cells) {
    out += "(" + std::to_string(cell.row) + "," + std::to_string(cell.col) + ")";
  }
  return out;
}

// 2-cell nets: H units on the source's row, from min(cs,ck) to max(cs,ck)-1; V units on the
// sink's column, from min(rs,rk) to max(rs,rk)-1.
const std::vector<RouteCase>& two_cell_cases() {
  static const std::vector<RouteCase> kCases = {
      {"sink right, same row",
       // source (1,1), sink (1,4): H row 1 cols 1..3; no V (same row).
       {rc(1, 1), rc(1, 4)},
       0,
       1.0,
       {0, 0, 0, 0, 0,   // row 0
        0, 1, 1, 1, 0,   // row 1
        0, 0, 0, 0, 0,   // row 2
        0, 0, 0, 0, 0},  // row 3
       zeros()},
      {"sink left, same row",
       // source (2,4), sink (2,0): H row 2 cols 0..3.
       {rc(2, 4), rc(2, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,   // row 0
        0, 0, 0, 0, 0,   // row 1
        1, 1, 1, 1, 0,   // row 2
        0, 0, 0, 0, 0},  // row 3
       zeros()},
      {"sink above, same column",
       // source (0,2), sink (3,2): V col 2 rows 0..2; no H.
       {rc(0, 2), rc(3, 2)},
       0,
       1.0,
       zeros(),
       {0, 0, 1, 0, 0,    // row 0
        0, 0, 1, 0, 0,    // row 1
        0, 0, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"sink below, same column",
       // source (3,1), sink (1,1): V col 1 rows 1..2.
       {rc(3, 1), rc(1, 1)},
       0,
       1.0,
       zeros(),
       {0, 0, 0, 0, 0,    // row 0
        0, 1, 0, 0, 0,    // row 1
        0, 1, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"sink above right",
       // source (0,0), sink (3,4): H row 0 cols 0..3; V col 4 (the sink's) rows 0..2.
       {rc(0, 0), rc(3, 4)},
       0,
       1.0,
       {1, 1, 1, 1, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 1,    // row 0
        0, 0, 0, 0, 1,    // row 1
        0, 0, 0, 0, 1,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"sink below left",
       // source (3,4), sink (0,0): H row 3 (the source's) cols 0..3; V col 0 (the sink's) rows
       // 0..2.
       {rc(3, 4), rc(0, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        1, 1, 1, 1, 0},   // row 3
       {1, 0, 0, 0, 0,    // row 0
        1, 0, 0, 0, 0,    // row 1
        1, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"sink above left, source second in the array",
       // cells[1] = source (0,3), sink (2,1): H row 0 cols 1..2; V col 1 rows 0..1.
       {rc(2, 1), rc(0, 3)},
       1,
       1.0,
       {0, 1, 1, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 1, 0, 0, 0,    // row 0
        0, 1, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"sink below right, weight 2.5",
       // source (2,1), sink (1,3): H row 2 cols 1..2; V col 3 row 1; every unit 2.5.
       {rc(2, 1), rc(1, 3)},
       0,
       2.5,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 1, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 1, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"adjacent cells, weight 0.25",
       // source (3,3), sink (2,4): H row 3 col 3; V col 4 row 2.
       {rc(3, 3), rc(2, 4)},
       0,
       0.25,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 1, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 1,    // row 2
        0, 0, 0, 0, 0}},  // row 3
  };
  return kCases;
}

// 3-cell nets: sorted by (col, row) into (r1,c1), (r2,c2), (r3,c3); the first of cases a-d that
// applies. The source plays no part.
const std::vector<RouteCase>& three_cell_cases() {
  static const std::vector<RouteCase> kCases = {
      {"a. L-shape going up",
       // sorted (0,0) (1,2) (3,4): c1<c2<c3 and 0 < r2=1 < 3.
       // H row 0 cols 0..1; H row 1 cols 2..3; V col 2 rows 0..0; V col 4 rows 1..2.
       {rc(3, 4), rc(0, 0), rc(1, 2)},
       0,
       1.0,
       {1, 1, 0, 0, 0,    // row 0
        0, 0, 1, 1, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 1, 0, 0,    // row 0
        0, 0, 0, 0, 1,    // row 1
        0, 0, 0, 0, 1,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"a. L-shape going down",
       // sorted (3,0) (2,1) (0,4): c1<c2<c3 and 0 < r2=2 < 3.
       // H row 3 cols 0..0; H row 2 cols 1..3; V col 1 rows 2..2; V col 4 rows 0..1.
       {rc(0, 4), rc(2, 1), rc(3, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 1, 1, 1, 0,    // row 2
        1, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 1,    // row 0
        0, 0, 0, 0, 1,    // row 1
        0, 1, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"b. corner",
       // sorted (0,0) (2,3) (3,3): not a (c2 == c3); c2==c3, c1<c2, r1=0 < min(2,3).
       // H row 0 cols 0..2; V col 3 rows 0..2.
       {rc(3, 3), rc(2, 3), rc(0, 0)},
       0,
       1.0,
       {1, 1, 1, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 1, 0,    // row 0
        0, 0, 0, 1, 0,    // row 1
        0, 0, 0, 1, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"b. corner, weight 3",
       // sorted (1,1) (2,4) (3,4): H row 1 cols 1..3; V col 4 rows 1..2.
       {rc(2, 4), rc(1, 1), rc(3, 4)},
       0,
       3.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 1, 1, 1, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 1,    // row 1
        0, 0, 0, 0, 1,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"c. two on one row, the first below",
       // sorted (0,0) (2,2) (2,4): not a (r2 = max(r1,r3)), not b (c2 != c3); r2 == r3.
       // H row 0 cols 0..1; H row 2 cols 2..3; V col 2 rows 0..1.
       {rc(2, 4), rc(2, 2), rc(0, 0)},
       0,
       1.0,
       {1, 1, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 1, 1, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 1, 0, 0,    // row 0
        0, 0, 1, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"c. two on one row, the first above",
       // sorted (3,1) (1,2) (1,4): not a (r2 = min(r1,r3)); r2 == r3.
       // H row 3 cols 1..1; H row 1 cols 2..3; V col 2 rows 1..2.
       {rc(1, 4), rc(3, 1), rc(1, 2)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 1, 1, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 1, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 1, 0, 0,    // row 1
        0, 0, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"c. two on one row, the first in the same column",
       // sorted (0,1) (2,1) (2,3): not a, not b (c1 == c2); r2 == r3.
       // H row 0 cols 1..0 (none); H row 2 cols 1..2; V col 1 rows 0..1.
       {rc(2, 3), rc(0, 1), rc(2, 1)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 1, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 1, 0, 0, 0,    // row 0
        0, 1, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"c. all three on one row",
       // sorted (1,0) (1,2) (1,4): not a (r2 not strictly between); r2 == r3.
       // H row 1 cols 0..1 and cols 2..3; V col 2 rows 1..0 (none).
       {rc(1, 2), rc(1, 4), rc(1, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,   // row 0
        1, 1, 1, 1, 0,   // row 1
        0, 0, 0, 0, 0,   // row 2
        0, 0, 0, 0, 0},  // row 3
       zeros()},
      {"d. T-shape",
       // sorted by col (3,0) (0,2) (3,4): not a (r2=0 not between 3 and 3), not b, not c.
       // by row: (0,2) (3,0) (3,4). H row 3 cols 0..3; V col 2 rows 0..2; V col 4 rows 3..2
       // (none).
       {rc(3, 4), rc(0, 2), rc(3, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        1, 1, 1, 1, 0},   // row 3
       {0, 0, 1, 0, 0,    // row 0
        0, 0, 1, 0, 0,    // row 1
        0, 0, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"d. middle cell highest by column order",
       // sorted by col (1,0) (3,2) (0,4): not a (3 > max(1,0)), not b, not c (3 != 0).
       // by row: (0,4) (1,0) (3,2). H row 1 cols 0..3; V col 4 rows 0..0; V col 2 rows 1..2.
       {rc(0, 4), rc(3, 2), rc(1, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        1, 1, 1, 1, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 1,    // row 0
        0, 0, 1, 0, 0,    // row 1
        0, 0, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"d. middle row shared with the first",
       // sorted by col (1,0) (1,2) (3,4): not a (r2 = min(r1,r3) = 1), not b, not c (1 != 3).
       // by row: (1,0) (1,2) (3,4). H row 1 cols 0..3; V col 0 rows 1..0 (none); V col 4 rows
       // 1..2.
       {rc(3, 4), rc(1, 2), rc(1, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        1, 1, 1, 1, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 1,    // row 1
        0, 0, 0, 0, 1,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"d. corner that fails b (first cell above the column pair)",
       // sorted by col (3,0) (1,3) (2,3): not a, not b (r1=3 >= min(1,2)), not c (1 != 2).
       // by row: (1,3) (2,3) (3,0). H row 2 cols 0..2; V col 3 rows 1..1; V col 0 rows 2..2.
       {rc(2, 3), rc(3, 0), rc(1, 3)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        1, 1, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 1, 0,    // row 1
        1, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"d. two in the first column",
       // sorted by col (0,0) (3,0) (1,3): not a, not b (c1 == c2), not c (3 != 1).
       // by row: (0,0) (1,3) (3,0). H row 1 cols 0..2; V col 0 rows 0..0; V col 0 rows 1..2.
       {rc(1, 3), rc(3, 0), rc(0, 0)},
       0,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        1, 1, 1, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {1, 0, 0, 0, 0,    // row 0
        1, 0, 0, 0, 0,    // row 1
        1, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"d. all three in one column, weight 1.5",
       // sorted (0,1) (2,1) (3,1): not a, not b (c1 == c2), not c (2 != 3).
       // by row: same. H row 2 cols 1..0 (none); V col 1 rows 0..1; V col 1 rows 2..2.
       {rc(3, 1), rc(2, 1), rc(0, 1)},
       0,
       1.5,
       zeros(),
       {0, 1, 0, 0, 0,    // row 0
        0, 1, 0, 0, 0,    // row 1
        0, 1, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
  };
  return kCases;
}

// More than 3 cells: a star of 2-cell routes from the source.
const std::vector<RouteCase>& star_cases() {
  static const std::vector<RouteCase> kCases = {
      {"4-cell star, source third, weight 0.5",
       // source (1,2):
       //   -> (3,0): H row 1 cols 0..1; V col 0 rows 1..2
       //   -> (0,4): H row 1 cols 2..3; V col 4 rows 0..0
       //   -> (1,4): H row 1 cols 2..3
       {rc(3, 0), rc(0, 4), rc(1, 2), rc(1, 4)},
       2,
       0.5,
       {0, 0, 0, 0, 0,    // row 0
        1, 1, 2, 2, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 0, 0, 1,    // row 0
        1, 0, 0, 0, 0,    // row 1
        1, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"5-cell star, source first, weight 2",
       // source (0,0):
       //   -> (3,4): H row 0 cols 0..3; V col 4 rows 0..2
       //   -> (2,1): H row 0 cols 0..0; V col 1 rows 0..1
       //   -> (0,3): H row 0 cols 0..2
       //   -> (3,0): V col 0 rows 0..2
       {rc(0, 0), rc(3, 4), rc(2, 1), rc(0, 3), rc(3, 0)},
       0,
       2.0,
       {3, 2, 2, 1, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        0, 0, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {1, 1, 0, 0, 1,    // row 0
        1, 1, 0, 0, 1,    // row 1
        1, 0, 0, 0, 1,    // row 2
        0, 0, 0, 0, 0}},  // row 3
      {"4-cell star, source last, in the middle of the grid",
       // source (2,2):
       //   -> (0,2): V col 2 rows 0..1
       //   -> (3,2): V col 2 rows 2..2
       //   -> (2,0): H row 2 cols 0..1
       {rc(0, 2), rc(3, 2), rc(2, 0), rc(2, 2)},
       3,
       1.0,
       {0, 0, 0, 0, 0,    // row 0
        0, 0, 0, 0, 0,    // row 1
        1, 1, 0, 0, 0,    // row 2
        0, 0, 0, 0, 0},   // row 3
       {0, 0, 1, 0, 0,    // row 0
        0, 0, 1, 0, 0,    // row 1
        0, 0, 1, 0, 0,    // row 2
        0, 0, 0, 0, 0}},  // row 3
  };
  return kCases;
}

void check_route_net(const RouteCase& c, const std::vector<Cell>& cells, std::int32_t source) {
  SCOPED_TRACE(std::string(c.name) + " cells " + describe(cells) + " source " +
               std::to_string(source));
  RecordingAccumulator acc;
  route_net(cells.data(), static_cast<std::int32_t>(cells.size()), source, c.weight, acc);
  expect_grid(acc.h, scaled(c.h, c.weight), "H");
  expect_grid(acc.v, scaled(c.v, c.weight), "V");
}

TEST(RouteNet, TwoCells) {
  for (const RouteCase& c : two_cell_cases()) {
    check_route_net(c, c.cells, c.source);
    // route_two_cells directly, source first.
    SCOPED_TRACE(c.name);
    RecordingAccumulator acc;
    route_two_cells(c.cells[c.source], c.cells[1 - c.source], c.weight, acc);
    expect_grid(acc.h, scaled(c.h, c.weight), "H (route_two_cells)");
    expect_grid(acc.v, scaled(c.v, c.weight), "V (route_two_cells)");
  }
}

TEST(RouteNet, TwoCellsDependOnWhichIsTheSource) {
  // source (3,1), sink (1,3): H row 3 cols 1..2; V col 3 rows 1..2.
  // source (1,3), sink (3,1): H row 1 cols 1..2; V col 1 rows 1..2.
  const std::vector<Cell> cells = {rc(3, 1), rc(1, 3)};
  RecordingAccumulator first, second;
  route_net(cells.data(), 2, 0, 1.0, first);
  route_net(cells.data(), 2, 1, 1.0, second);
  expect_grid(first.h, {0, 0, 0, 0, 0,   // row 0
                        0, 0, 0, 0, 0,   // row 1
                        0, 0, 0, 0, 0,   // row 2
                        0, 1, 1, 0, 0},  // row 3
              "H, source (3,1)");
  expect_grid(first.v, {0, 0, 0, 0, 0,   // row 0
                        0, 0, 0, 1, 0,   // row 1
                        0, 0, 0, 1, 0,   // row 2
                        0, 0, 0, 0, 0},  // row 3
              "V, source (3,1)");
  expect_grid(second.h, {0, 0, 0, 0, 0,   // row 0
                         0, 1, 1, 0, 0,   // row 1
                         0, 0, 0, 0, 0,   // row 2
                         0, 0, 0, 0, 0},  // row 3
              "H, source (1,3)");
  expect_grid(second.v, {0, 0, 0, 0, 0,   // row 0
                         0, 1, 0, 0, 0,   // row 1
                         0, 1, 0, 0, 0,   // row 2
                         0, 0, 0, 0, 0},  // row 3
              "V, source (1,3)");
}

TEST(RouteNet, ThreeCellsInEveryOrderAndWithEverySource) {
  for (const RouteCase& c : three_cell_cases()) {
    std::array<int, 3> order = {0, 1, 2};
    do {
      const std::vector<Cell> cells = {c.cells[order[0]], c.cells[order[1]], c.cells[order[2]]};
      for (std::int32_t source = 0; source < 3; ++source) check_route_net(c, cells, source);
      SCOPED_TRACE(std::string(c.name) + " route_three_cells " + describe(cells));
      RecordingAccumulator acc;
      route_three_cells(cells[0], cells[1], cells[2], c.weight, acc);
      expect_grid(acc.h, scaled(c.h, c.weight), "H");
      expect_grid(acc.v, scaled(c.v, c.weight), "V");
    } while (std::next_permutation(order.begin(), order.end()));
  }
}

TEST(RouteNet, StarFromTheSource) {
  for (const RouteCase& c : star_cases()) check_route_net(c, c.cells, c.source);
}

TEST(RouteNet, StarDoesNotDependOnTheOrderOfTheOtherCells) {
  const RouteCase& c = star_cases()[1];
  std::vector<Cell> cells = c.cells;
  std::reverse(cells.begin() + 1, cells.end());  // source stays at index 0
  check_route_net(c, cells, 0);
}

TEST(RouteNet, NetInOneCellAddsNothing) {
  RecordingAccumulator acc;
  const Cell cell = rc(2, 3);
  route_net(&cell, 1, 0, 5.0, acc);
  route_net(&cell, 0, 0, 5.0, acc);
  expect_grid(acc.h, zeros(), "H");
  expect_grid(acc.v, zeros(), "V");
}

// ---- gather_net_cells (step 1: distinct cells, the driver's first) ----

TEST(GatherNetCells, RepeatedCellsCollapseAndTheDriverComesFirst) {
  const GridGeometry grid = test_grid();
  // terminal:   0     1     2     3     4     5
  // cell:     (2,3) (0,0) (2,3) (0,0) (1,4) (2,3)
  const std::vector<double> x = {31.0, 1.0, 39.5, 9.0, 45.0, 35.0};
  const std::vector<double> y = {21.0, 1.0, 29.5, 9.0, 15.0, 25.0};
  // The net is driven by terminal 2 (listed first), then the others.
  const std::vector<std::int32_t> terminals = {2, 0, 1, 5, 3, 4};
  std::vector<std::int64_t> stamp(kCells, -1);
  std::vector<Cell> cells;
  const std::int32_t count =
      gather_net_cells(grid, terminals.data(), 0, 6, x.data(), y.data(), &stamp, 0, &cells);
  ASSERT_EQ(count, 3);
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0].row, 2);
  EXPECT_EQ(cells[0].col, 3);
  EXPECT_EQ(cells[1].row, 0);
  EXPECT_EQ(cells[1].col, 0);
  EXPECT_EQ(cells[2].row, 1);
  EXPECT_EQ(cells[2].col, 4);

  // A sub-range with a new mark reuses the stamp: terminals [3, 6) = 5, 3, 4.
  const std::int32_t again =
      gather_net_cells(grid, terminals.data(), 3, 6, x.data(), y.data(), &stamp, 1, &cells);
  ASSERT_EQ(again, 3);
  EXPECT_EQ(cells[0].row, 2);
  EXPECT_EQ(cells[0].col, 3);
  EXPECT_EQ(cells[1].row, 0);
  EXPECT_EQ(cells[1].col, 0);
  EXPECT_EQ(cells[2].row, 1);
  EXPECT_EQ(cells[2].col, 4);

  // All pins in one cell: one cell.
  const std::vector<std::int32_t> same = {0, 2, 5};
  EXPECT_EQ(gather_net_cells(grid, same.data(), 0, 3, x.data(), y.data(), &stamp, 2, &cells), 1);
}

TEST(GatherNetCells, PositionsOutsideTheCanvasClampToEdgeCells) {
  const GridGeometry grid = test_grid();
  const double inf = std::numeric_limits<double>::infinity();
  // terminal 0: (-100, -100)    -> (0,0)
  // terminal 1: (1e300, 15)     -> (1,4)
  // terminal 2: (25, 1e300)     -> (3,2)
  // terminal 3: (-1e300, 1e300) -> (3,0)
  // terminal 4: (inf, -inf)     -> (0,4)
  // terminal 5: (50, 40)        -> (3,4): the far canvas corner
  // terminal 6: (-0.5, -0.5)    -> (0,0) again, collapses
  const std::vector<double> x = {-100, 1e300, 25, -1e300, inf, 50, -0.5};
  const std::vector<double> y = {-100, 15, 1e300, 1e300, -inf, 40, -0.5};
  const std::vector<std::int32_t> terminals = {0, 1, 2, 3, 4, 5, 6};
  std::vector<std::int64_t> stamp(kCells, 7);  // any values other than the mark
  std::vector<Cell> cells;
  const std::int32_t count =
      gather_net_cells(grid, terminals.data(), 0, 7, x.data(), y.data(), &stamp, 3, &cells);
  const std::vector<std::array<std::int32_t, 2>> expected = {{0, 0}, {1, 4}, {3, 2},
                                                             {3, 0}, {0, 4}, {3, 4}};
  ASSERT_EQ(count, static_cast<std::int32_t>(expected.size()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(cells[i].row, expected[i][0]) << "cell " << i;
    EXPECT_EQ(cells[i].col, expected[i][1]) << "cell " << i;
  }
}

// ---- CostKernels::net_routing: gather + route for many nets ----

// Centre of cell (row, col).
double cx(std::int32_t col) {
  return (col + 0.5) * 10.0;
}
double cy(std::int32_t row) {
  return (row + 0.5) * 10.0;
}

TEST(CpuNetRouting, SumOfThePerNetRoutes) {
  std::string error;
  auto kernels = make_cost_kernels(Backend::kCpu, &error);
  ASSERT_NE(kernels, nullptr) << error;
  const GridGeometry grid = test_grid();

  std::vector<double> x, y;
  std::vector<std::int32_t> begin = {0}, terminals;
  std::vector<double> weight;
  std::vector<Values> expected_h, expected_v;
  auto add_net = [&](const std::vector<std::array<double, 2>>& pins, double w, Values h, Values v) {
    for (const auto& pin : pins) {
      terminals.push_back(static_cast<std::int32_t>(x.size()));
      x.push_back(pin[0]);
      y.push_back(pin[1]);
    }
    begin.push_back(static_cast<std::int32_t>(terminals.size()));
    weight.push_back(w);
    expected_h.push_back(scaled(std::move(h), w));
    expected_v.push_back(scaled(std::move(v), w));
  };

  // Net 0, weight 1: driver (0,3), sink (2,1): H row 0 cols 1..2; V col 1 rows 0..1.
  add_net({{cx(3), cy(0)}, {cx(1), cy(2)}}, 1.0, {0, 1, 1, 0, 0,   // row 0
                                                  0, 0, 0, 0, 0,   // row 1
                                                  0, 0, 0, 0, 0,   // row 2
                                                  0, 0, 0, 0, 0},  // row 3
          {0, 1, 0, 0, 0,                                          // row 0
           0, 1, 0, 0, 0,                                          // row 1
           0, 0, 0, 0, 0,                                          // row 2
           0, 0, 0, 0, 0});
  // Net 1, weight 2: cells (1,2) [driver], (3,4), (0,0): the L-shape going up (see above).
  add_net({{cx(2), cy(1)}, {cx(4), cy(3)}, {cx(0), cy(0)}}, 2.0, three_cell_cases()[0].h,
          three_cell_cases()[0].v);
  // Net 2, weight 0.5: driver (1,2), then (3,0), (0,4), (1,4): the 4-cell star (see above).
  add_net({{cx(2), cy(1)}, {cx(0), cy(3)}, {cx(4), cy(0)}, {cx(4), cy(1)}}, 0.5, star_cases()[0].h,
          star_cases()[0].v);
  // Net 3, weight 3: three pins all inside cell (2,2): nothing.
  add_net({{21, 21}, {29, 29}, {25, 22}}, 3.0, zeros(), zeros());
  // Net 4, weight 1: pins in (3,4), (3,4), (3,0), (3,0): two distinct cells, source (3,4):
  // H row 3 cols 0..3.
  add_net({{41, 31}, {49.5, 39.5}, {1, 31}, {9, 39}}, 1.0, {0, 0, 0, 0, 0,   // row 0
                                                            0, 0, 0, 0, 0,   // row 1
                                                            0, 0, 0, 0, 0,   // row 2
                                                            1, 1, 1, 1, 0},  // row 3
          zeros());
  // Net 5, weight 1: four pins in three distinct cells, (0,0) [driver], (2,3), (2,3), (3,3):
  // routed as 3 cells (case b. corner: H row 0 cols 0..2; V col 3 rows 0..2), not as a star
  // (which would put 2 on H row 0 and on V col 3 rows 0..1).
  add_net({{cx(0), cy(0)}, {31, 21}, {39, 29}, {cx(3), cy(3)}}, 1.0, {1, 1, 1, 0, 0,   // row 0
                                                                      0, 0, 0, 0, 0,   // row 1
                                                                      0, 0, 0, 0, 0,   // row 2
                                                                      0, 0, 0, 0, 0},  // row 3
          {0, 0, 0, 1, 0,                                                              // row 0
           0, 0, 0, 1, 0,                                                              // row 1
           0, 0, 0, 1, 0,                                                              // row 2
           0, 0, 0, 0, 0});
  // Net 6, weight 1: driver far outside at (-100, -100) -> (0,0); sink at (1e9, 15) -> (1,4):
  // H row 0 cols 0..3; V col 4 rows 0..0.
  add_net({{-100, -100}, {1e9, 15}}, 1.0, {1, 1, 1, 1, 0,   // row 0
                                           0, 0, 0, 0, 0,   // row 1
                                           0, 0, 0, 0, 0,   // row 2
                                           0, 0, 0, 0, 0},  // row 3
          {0, 0, 0, 0, 1,                                   // row 0
           0, 0, 0, 0, 0,                                   // row 1
           0, 0, 0, 0, 0,                                   // row 2
           0, 0, 0, 0, 0});

  Values total_h = zeros(), total_v = zeros();
  for (std::size_t n = 0; n < expected_h.size(); ++n) {
    total_h = sum(total_h, expected_h[n]);
    total_v = sum(total_v, expected_v[n]);
  }
  // The same totals summed by hand, as a check on the check.
  expect_grid(total_h, {4,   5,   3, 1, 0,   // row 0
                        0.5, 0.5, 3, 3, 0,   // row 1
                        0,   0,   0, 0, 0,   // row 2
                        1,   1,   1, 1, 0},  // row 3
              "hand-summed H");
  expect_grid(total_v, {0,   1, 2, 1, 1.5,  // row 0
                        0.5, 1, 0, 1, 2,    // row 1
                        0.5, 0, 0, 1, 2,    // row 2
                        0,   0, 0, 0, 0},   // row 3
              "hand-summed V");

  NetArrays nets;
  nets.num_nets = static_cast<std::int32_t>(weight.size());
  nets.begin = begin.data();
  nets.terminals = terminals.data();
  nets.weight = weight.data();
  Values h(kCells, 123.0), v(kCells, -7.0);  // overwritten
  kernels->net_routing(grid, nets, x.data(), y.data(), h.data(), v.data());
  expect_grid(h, total_h, "H");
  expect_grid(v, total_v, "V");

  // Each net alone.
  for (std::int32_t n = 0; n < nets.num_nets; ++n) {
    SCOPED_TRACE("net " + std::to_string(n));
    NetArrays one = nets;
    one.num_nets = 1;
    one.begin = begin.data() + n;
    one.weight = weight.data() + n;
    kernels->net_routing(grid, one, x.data(), y.data(), h.data(), v.data());
    expect_grid(h, expected_h[static_cast<std::size_t>(n)], "H");
    expect_grid(v, expected_v[static_cast<std::size_t>(n)], "V");
  }
}

}  // namespace
}  // namespace macroplace::kernels
