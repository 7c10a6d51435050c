#include "analytical_structure.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "fixed_point.h"

namespace macroplace::kernels {

AnalyticalStructure::AnalyticalStructure(const AnalyticalDesign& design)
    : objects(design.objects),
      movable(design.movable),
      fillers(design.fillers),
      width(design.width, design.width + design.objects),
      height(design.height, design.height + design.objects),
      pin_object(design.pin_object, design.pin_object + design.pins),
      pin_offset_x(design.pin_offset_x, design.pin_offset_x + design.pins),
      pin_offset_y(design.pin_offset_y, design.pin_offset_y + design.pins),
      net_begin(design.nets.begin, design.nets.begin + design.nets.num_nets + 1),
      net_terminals(design.nets.terminals, design.nets.terminals + net_begin.back()),
      net_weight(design.nets.weight, design.nets.weight + design.nets.num_nets),
      bins(design.bins),
      target_density(design.target_density) {
  if (movable < 0 || movable > objects) throw std::invalid_argument("bad movable object count");
  if (fillers < 0 || fillers > movable) throw std::invalid_argument("bad filler count");
  if (bins.cols < 2 || bins.rows < 2 || !(bins.width > 0) || !(bins.height > 0)) {
    throw std::invalid_argument("density bins need at least 2 x 2 bins over a positive canvas");
  }
  const std::int32_t nets = design.nets.num_nets;
  net_used.assign(nets, 0);
  for (std::int32_t n = 0; n < nets; ++n) {
    const std::int32_t degree = net_begin[n + 1] - net_begin[n];
    net_used[n] = degree >= 2 && (design.max_net_degree <= 0 || degree <= design.max_net_degree);
  }
  // Entries of each movable object: counting sort by object, stable in entry order.
  object_entries_begin.assign(static_cast<std::size_t>(movable) + 1, 0);
  for (std::int32_t n = 0; n < nets; ++n) {
    if (!net_used[n]) continue;
    for (std::int32_t k = net_begin[n]; k < net_begin[n + 1]; ++k) {
      const std::int32_t object = pin_object[net_terminals[k]];
      if (object < movable) ++object_entries_begin[object + 1];
    }
  }
  for (std::int32_t i = 0; i < movable; ++i) object_entries_begin[i + 1] += object_entries_begin[i];
  object_entries.assign(object_entries_begin.back(), 0);
  std::vector<std::int32_t> next(object_entries_begin.begin(), object_entries_begin.end() - 1);
  for (std::int32_t n = 0; n < nets; ++n) {
    if (!net_used[n]) continue;
    for (std::int32_t k = net_begin[n]; k < net_begin[n + 1]; ++k) {
      const std::int32_t object = pin_object[net_terminals[k]];
      if (object < movable) object_entries[next[object]++] = k;
    }
  }

  // Charges: a bin holds at most every object's area; in bin areas that bounds any total.
  double total_area = 0;
  for (std::int32_t i = 0; i < objects; ++i) {
    const double area = std::fabs(width[i] * height[i]);
    total_area += area;
    if (i < movable - fillers) movable_area += area;
  }
  charge_scale = fixed_point_scale(total_area);
}

}  // namespace macroplace::kernels
