// The bundled clustered Ariane (ariane133-ng45) with one of its placements applied: the design
// most placement tests start from.
#pragma once

#include <string>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "testing/testing.h"

namespace macroplace::testing {

// Reads examples/ariane133-ng45/netlist.pb.txt.gz and applies `placement` ("legalized.plc" or
// "initial.plc") from the same folder.
inline Status load_ariane(const std::string& placement, netlist::Netlist* design,
                          netlist::PlacementFile* plc) {
  Status status =
      netlist::read_ct_netlist(example_path("ariane133-ng45/netlist.pb.txt.gz"), design);
  if (status.ok()) status = netlist::read_plc(example_path("ariane133-ng45/" + placement), plc);
  if (status.ok()) status = netlist::apply_placement(*plc, design);
  return status;
}

}  // namespace macroplace::testing
