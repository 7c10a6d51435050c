// The one design loader: a netlist in any supported format, its placement and cost settings,
// as every command and module reads a design (cost, place, eval, train, the environment).
//
// Contract: load_design() reads the netlist (Circuit Training .pb.txt[.gz], Bookshelf .aux),
// then the placement file: `plc` when given, else (with `plc_beside`) an `initial.plc` in the
// netlist's folder. The placement's positions, orientations and fixed flags are applied and its
// header gives the settings (settings_for()). Without a placement file the canvas is the
// netlist's (CT `FP bbox`, Bookshelf rows), else Circuit Training's default square, and the grid
// comes from grid-size selection (or, with `circuit_training_defaults`, settings_for()'s
// defaults are kept as they are). `reference_plc` names `legalized.plc` (else `initial.plc`)
// beside the netlist, for evaluations; it is not applied. The settings are validated.
// Errors: a .plc that is empty or lists a node twice; a port, macro or std cell more than a
// canvas width or height beyond the canvas (with the .plc line when it came from there).
// A .plc that lists only some nodes is accepted (Circuit Training's tools accept it), with a
// warning in `warnings`.
//
//   LoadedDesign design;
//   Status s = load_design({"examples/ariane133-ng45/netlist.pb.txt.gz"}, &design);
//   ProxyCost cost(design.netlist, design.settings);
#pragma once

#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/cost_settings.h"

namespace macroplace::placement {

struct DesignSource {
  std::string netlist;      // path, any supported format
  std::string plc;          // placement and settings; empty: none (or the one beside)
  bool plc_beside = false;  // with no `plc`: initial.plc beside the netlist, when there is one
  // Without a placement file: Circuit Training's defaults (its default square canvas and
  // 10 x 10 grid, what its evaluator assumes: `macroplace cost`) instead of choosing canvas and
  // grid for placing.
  bool circuit_training_defaults = false;
};

struct LoadedDesign {
  std::string path;                   // the netlist's
  std::string name;                   // the folder of `<design>/netlist.pb.txt`, else the stem
  netlist::Netlist netlist;           // with the placement applied
  netlist::PlacementSettings header;  // settings as a .plc header (what outputs carry)
  CostSettings settings;
  std::string settings_plc;   // the placement file read; empty when none
  std::string reference_plc;  // legalized.plc, else initial.plc, beside the netlist; or empty
  std::vector<std::string> warnings;  // for the user: e.g. a .plc that lists only some nodes
};

Status load_design(const DesignSource& source, LoadedDesign* design);

// A 16-hex-digit fingerprint of what an optimisation sees of a design: every node (kind, name,
// size, position, orientation, fixed flag, pin offsets), every net and the cost settings. Equal
// designs give equal fingerprints on every machine; a run folder records it to refuse resuming
// with another design.
std::string design_fingerprint(const netlist::Netlist& netlist, const CostSettings& settings);

// "ariane133-ng45" for ".../ariane133-ng45/netlist.pb.txt.gz", "ibm01" for ".../ibm01.aux".
std::string design_name(const std::string& path);

}  // namespace macroplace::placement
