// ActionSpace: the fixed square action space of Circuit Training's policy (128 x 128 by default)
// and where the placement grid sits in it.
//
// Contract: the real grid (rows x cols, row 0 at the bottom) is centred in a side x side square
// the way Circuit Training lays it out: up_pad = (side - rows) / 2 rows and right_pad =
// (side - cols) / 2 columns of padding come before it (CT's names; "right_pad" is the padding on
// the low-column side). Action a is square row a / side, square column a % side; its grid cell is
// row i = a / side - up_pad, column j = a % side - right_pad, cell index i * cols + j. Padding
// actions have no cell and are always masked.
//
//   ActionSpace space = ActionSpace::make(/*rows=*/21, /*cols=*/24, /*side=*/128);
//   std::int32_t action = space.action_of(/*row=*/0, /*col=*/0);   // 53 * 128 + 52
//   std::int32_t row, col; bool real = space.cell_of(action, &row, &col);
#pragma once

#include <cstdint>

namespace macroplace::env {

struct ActionSpace {
  std::int32_t side = 128;
  std::int32_t rows = 1, cols = 1;
  std::int32_t up_pad = 0, right_pad = 0;

  // Requires 1 <= rows, cols <= side (checked by EnvOptions/ObservationConfig validation).
  static ActionSpace make(std::int32_t rows, std::int32_t cols, std::int32_t side);

  std::int32_t size() const { return side * side; }
  std::int32_t action_of(std::int32_t row, std::int32_t col) const {
    return (row + up_pad) * side + col + right_pad;
  }
  std::int32_t action_of_cell(std::int32_t cell) const {
    return action_of(cell / cols, cell % cols);
  }
  // The grid cell of an action; false for padding and for actions outside [0, size()).
  bool cell_of(std::int32_t action, std::int32_t* row, std::int32_t* col) const;
};

}  // namespace macroplace::env
