#include "macroplace/env/action_space.h"

namespace macroplace::env {

ActionSpace ActionSpace::make(std::int32_t rows, std::int32_t cols, std::int32_t side) {
  ActionSpace space;
  space.side = side;
  space.rows = rows;
  space.cols = cols;
  space.up_pad = (side - rows) / 2;
  space.right_pad = (side - cols) / 2;
  return space;
}

bool ActionSpace::cell_of(std::int32_t action, std::int32_t* row, std::int32_t* col) const {
  if (action < 0 || action >= size()) return false;
  const std::int32_t i = action / side - up_pad;
  const std::int32_t j = action % side - right_pad;
  if (i < 0 || i >= rows || j < 0 || j >= cols) return false;
  *row = i;
  *col = j;
  return true;
}

}  // namespace macroplace::env
