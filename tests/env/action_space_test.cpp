// Padding of the grid into Circuit Training's square action space, worked out by hand.
#include "macroplace/env/action_space.h"

#include <gtest/gtest.h>

#include <set>

namespace macroplace::env {
namespace {

TEST(ActionSpace, ArianeGridInTheDefaultSquare) {
  // Ariane's .plc: Columns 24, Rows 21. up_pad = (128 - 21) / 2 = 53 rows before the grid,
  // right_pad = (128 - 24) / 2 = 52 columns before it.
  const ActionSpace space = ActionSpace::make(/*rows=*/21, /*cols=*/24, /*side=*/128);
  EXPECT_EQ(space.up_pad, 53);
  EXPECT_EQ(space.right_pad, 52);
  EXPECT_EQ(space.size(), 16384);
  EXPECT_EQ(space.action_of(0, 0), 53 * 128 + 52);    // 6836
  EXPECT_EQ(space.action_of(20, 23), 73 * 128 + 75);  // 9419, the last real cell
  EXPECT_EQ(space.action_of_cell(1 * 24 + 2), 54 * 128 + 54);
  std::int32_t row = -1, col = -1;
  ASSERT_TRUE(space.cell_of(6836, &row, &col));
  EXPECT_EQ(row, 0);
  EXPECT_EQ(col, 0);
  ASSERT_TRUE(space.cell_of(9419, &row, &col));
  EXPECT_EQ(row, 20);
  EXPECT_EQ(col, 23);
  // Padding on every side of the grid, and actions outside the square.
  EXPECT_FALSE(space.cell_of(52 * 128 + 60, &row, &col));  // the square row below row 0
  EXPECT_FALSE(space.cell_of(74 * 128 + 60, &row, &col));  // the square row above row 20
  EXPECT_FALSE(space.cell_of(60 * 128 + 51, &row, &col));  // left of column 0
  EXPECT_FALSE(space.cell_of(60 * 128 + 76, &row, &col));  // right of column 23
  EXPECT_FALSE(space.cell_of(-1, &row, &col));
  EXPECT_FALSE(space.cell_of(16384, &row, &col));
}

TEST(ActionSpace, TransposedGridSwapsThePads) {
  // 24 rows x 21 columns: up_pad (128 - 24) / 2 = 52, right_pad (128 - 21) / 2 = 53.
  const ActionSpace space = ActionSpace::make(/*rows=*/24, /*cols=*/21, /*side=*/128);
  EXPECT_EQ(space.up_pad, 52);
  EXPECT_EQ(space.right_pad, 53);
}

TEST(ActionSpace, OddPaddingRoundsDownAndEveryCellHasExactlyOneAction) {
  // 3 x 5 in 8: up_pad (8 - 3) / 2 = 2, right_pad (8 - 5) / 2 = 1 (the extra padding goes
  // after the grid, as CT's integer division puts it).
  const ActionSpace space = ActionSpace::make(3, 5, 8);
  EXPECT_EQ(space.up_pad, 2);
  EXPECT_EQ(space.right_pad, 1);
  std::set<std::int32_t> cells;
  for (std::int32_t a = 0; a < space.size(); ++a) {
    std::int32_t row = 0, col = 0;
    if (!space.cell_of(a, &row, &col)) continue;
    EXPECT_EQ(space.action_of(row, col), a);
    cells.insert(row * 5 + col);
  }
  EXPECT_EQ(cells.size(), 15u);
  EXPECT_EQ(*cells.begin(), 0);
  EXPECT_EQ(*cells.rbegin(), 14);
  // Square rows 2..4, square columns 1..5 are the grid.
  std::int32_t row = 0, col = 0;
  EXPECT_TRUE(space.cell_of(2 * 8 + 1, &row, &col));
  EXPECT_FALSE(space.cell_of(2 * 8 + 0, &row, &col));
  EXPECT_FALSE(space.cell_of(2 * 8 + 6, &row, &col));
  EXPECT_TRUE(space.cell_of(4 * 8 + 5, &row, &col));
  EXPECT_FALSE(space.cell_of(5 * 8 + 5, &row, &col));
}

TEST(ActionSpace, FullGridHasNoPadding) {
  const ActionSpace space = ActionSpace::make(128, 128, 128);
  EXPECT_EQ(space.up_pad, 0);
  EXPECT_EQ(space.right_pad, 0);
  std::int32_t row = 0, col = 0;
  ASSERT_TRUE(space.cell_of(129, &row, &col));
  EXPECT_EQ(row, 1);
  EXPECT_EQ(col, 1);
}

}  // namespace
}  // namespace macroplace::env
