// DesignStatistics: the structural figures by which a synthetic design is compared with real
// ones (counts, area shares of the canvas, hard-macro footprints, net degrees, connectivity of
// each node kind, Rent's exponent). Every figure is a property of the netlist and its canvas alone,
// not of a placement.
//
//   DesignStatistics s = design_statistics(netlist, canvas_width, canvas_height);
//   std::string table = statistics_table({ariane, synthetic_mean});
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "macroplace/netlist/netlist.h"

namespace macroplace::pretrain {

struct DesignStatistics {
  std::string name;
  double hard_macros = 0, soft_macros = 0, ports = 0, nets = 0;
  double canvas_aspect = 0;          // width / height
  double hard_macro_area_share = 0;  // hard-macro area / canvas area
  double soft_macro_area_share = 0;  // soft-macro (and std-cell) area / canvas area
  double hard_macro_footprints = 0;  // distinct hard-macro (width, height), 1% apart
  double hard_macro_aspect_max = 0;  // largest max(w/h, h/w) of a hard macro
  double net_degree_mean = 0;        // terminals per net
  double two_pin_net_share = 0;      // nets of degree 2
  double large_net_share = 0;        // nets of degree > 10
  double net_degree_max = 0;
  double nets_per_hard_macro = 0;  // mean nets touching a hard macro (through its pins)
  double nets_per_soft_macro = 0;
  double nets_per_port = 0;
  double hard_macro_net_share = 0;  // nets with a hard-macro terminal
  double port_net_share = 0;        // nets with a port terminal
  double rent_exponent = 0;         // netlist::rent_fit's p (locality of the connectivity)

  // (label, value) in the order statistics_table() prints them.
  std::vector<std::pair<std::string, double>> figures() const;
};

DesignStatistics design_statistics(const netlist::Netlist& netlist, double canvas_width,
                                   double canvas_height);
// The mean of each figure over several designs (named `name`).
DesignStatistics mean_statistics(const std::vector<DesignStatistics>& designs,
                                 const std::string& name);
// One row per figure, one column per design, fixed-width text.
std::string statistics_table(const std::vector<DesignStatistics>& designs);

}  // namespace macroplace::pretrain
