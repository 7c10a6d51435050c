// The host-side copy of an AnalyticalDesign that both backends of AnalyticalKernels start from:
// the arrays themselves plus what is derived from them once (which nets count, which net
// terminals belong to each movable object, the fixed-point scale of bin charges).
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/kernels/analytical_kernels.h"

namespace macroplace::kernels {

struct AnalyticalStructure {
  AnalyticalStructure() = default;
  explicit AnalyticalStructure(const AnalyticalDesign& design);

  std::size_t bin_count() const {
    return static_cast<std::size_t>(bins.cols) * static_cast<std::size_t>(bins.rows);
  }

  std::int32_t objects = 0, movable = 0, fillers = 0;
  std::int32_t filler_begin() const { return movable - fillers; }
  std::vector<double> width, height;
  std::vector<std::int32_t> pin_object;
  std::vector<double> pin_offset_x, pin_offset_y;
  std::vector<std::int32_t> net_begin, net_terminals;
  std::vector<double> net_weight;
  std::vector<std::uint8_t> net_used;  // degree in [2, max_net_degree]
  // Net-terminal entries (indices into net_terminals) of each movable object, in entry order.
  std::vector<std::int32_t> object_entries_begin, object_entries;
  DensityBins bins;
  double target_density = 1;
  double movable_area = 0;  // fillers left out
  // Fixed-point scale of bin charges (fixed_point.h): no bin holds more than all objects' area.
  double charge_scale = 1;
};

}  // namespace macroplace::kernels
