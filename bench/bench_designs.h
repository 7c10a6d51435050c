// The bundled designs as the benchmarks load them.
#pragma once

#include <string>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::bench {

inline std::string example(const char* relative) {
  return std::string(MACROPLACE_SOURCE_DIR) + "/examples/" + relative;
}

// ariane133-ng45's clustered netlist with its reference placement (legalized.plc) applied.
struct Ariane {
  netlist::Netlist design;
  netlist::PlacementFile plc;
  Ariane() {
    netlist::read_ct_netlist(example("ariane133-ng45/netlist.pb.txt.gz"), &design);
    netlist::read_plc(example("ariane133-ng45/legalized.plc"), &plc);
    netlist::apply_placement(plc, &design);
  }
};

}  // namespace macroplace::bench
