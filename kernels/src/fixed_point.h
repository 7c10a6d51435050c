// 64-bit fixed-point sums: what makes scattered sums (density bins, routing) independent of the
// order in which threads add, on the CPU and on the GPU (STYLE.md, deterministic reductions).
#pragma once

#include <algorithm>
#include <cmath>

namespace macroplace::kernels {

// The power of two 2^k with bound * 2^k <= 2^61, where `bound` caps the magnitude of any one
// total: two bits of headroom below the int64 range for the rounding of each contribution.
// Values are stored as llrint(value * 2^k); multiplying by a power of two is exact, so each
// contribution is off by at most half a quantum 2^-k <= bound * 2^-60. Non-finite or zero
// bounds (NaN inputs, empty designs) fall back to 2^0: the result is then as meaningless as the
// input, but no arithmetic is undefined.
inline double fixed_point_scale(double bound) {
  if (!(bound > 0) || !std::isfinite(bound)) return 1.0;
  int exponent = 0;
  std::frexp(bound, &exponent);  // bound < 2^exponent
  const int k = std::clamp(61 - exponent, -1000, 1000);
  return std::ldexp(1.0, k);
}

}  // namespace macroplace::kernels
