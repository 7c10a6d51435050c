// OpenROAD interop: an OpenROAD floorplan (DEF + LEF) applied to a netlist, and a netlist's
// macro placement back as DEF placements or an OpenROAD Tcl script (docs/OPENROAD.md).
//
// Contract:
// - The canvas is the DEF's die (or, with `core`, the rows' bounding box); netlist coordinates
//   are microns from the canvas's lower-left corner, DEF's database units from the DEF origin.
// - apply_floorplan() makes the canvas (settings and the netlist's own) and the netlist's rows
//   (LEF site sizes) the floorplan's, and sets, for every DEF component that is a hard macro of the
//   netlist (same name), its centre, orientation and fixed flag (FIXED and COVER are fixed;
//   UNPLACED and unstated leave the netlist's position); checks its size against its LEF macro (a
//   mismatch over 1 nm is an error naming both) and sets its pins' offsets from the LEF (pin
//   position minus half the size, orientation N), counting the pins whose netlist offsets differed;
//   moves every placed DEF pin to its port; turns placement blockages into the settings' blockages
//   (rate 1, or a PARTIAL one's density); and makes the widest halo, plus one site width or row
//   pitch (whichever is larger), the settings' macro spacing, so that placements written back
//   snapped onto the grid still keep every halo clear.
// - placements_for_def() turns the netlist's hard macros into DEF placements: lower-left corners
//   in database units, snapped down to the site grid of the rows (x) and to a row (y) when the
//   DEF has rows, so every macro is row-aligned and on the site grid. check_def_placements()
//   says whether such placements are legal: inside the die, on the grid, in an orientation the
//   macro's LEF SYMMETRY allows (X: FS, Y: FN, X Y: also S, R90: the quarter turns), and no
//   macro reaching into another's halo.
//
//   FloorplanReport report;
//   Status s = apply_floorplan(def, lef, {}, &netlist, &settings, &report);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/def.h"
#include "macroplace/netlist/lef.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::netlist {

struct FloorplanOptions {
  bool core = false;  // the canvas is the rows' bounding box instead of the die
};

struct FloorplanReport {
  std::int64_t macros = 0;               // DEF components that are hard macros of the netlist
  std::int64_t macros_placed = 0;        // of them PLACED/FIXED/COVER (moved)
  std::int64_t macros_fixed = 0;         // of them FIXED/COVER
  std::int64_t macros_restricted = 0;    // of them limited by LEF SYMMETRY (fewer orientations)
  std::int64_t ports_placed = 0;         // DEF pins placed onto the netlist's ports
  std::int64_t pin_offsets_changed = 0;  // macro pins whose offset the LEF changed (> 1 nm)
  std::int64_t blockages = 0;
  double max_halo = 0;                // microns, the widest halo side of any macro
  std::vector<std::string> warnings;  // components not in the netlist, DEF warnings, ...
};

// A netlist made from the DEF alone, for a DEF with NETS and no Circuit Training netlist:
// BLOCK components become hard macros (LEF size; a pin node per LEF pin a net uses, at its LEF
// offset), other components standard cells, DEF pins ports; each net connects them driver first
// (the terminal whose LEF pin is an OUTPUT, or an INPUT IO pin; else its first). Placed
// components and pins sit where the DEF puts them, the others at the canvas's centre. Settings
// and the report as apply_floorplan() gives them. A component whose macro no LEF defines, or a
// net naming an unknown component or pin, is an error at its line.
Status netlist_from_def(const DefFloorplan& def, const LefLibrary& lef,
                        const FloorplanOptions& options, Netlist* netlist,
                        PlacementSettings* settings, FloorplanReport* report);

// Routing capacity from the technology, in tracks per micron (the .plc's "Routes per micron"
// and "Routes used by macros"): per direction, the sum of 1 / pitch over the LEF's routing layers
// of that preferred direction (a horizontal layer's pitch across its wires is its y pitch);
// over macros, the same sum over the layers the DEF's BLOCK macros obstruct (their OBS layers),
// whose tracks a macro takes away.
struct RoutingCapacity {
  double horizontal = 0, vertical = 0;
  double macro_horizontal = 0, macro_vertical = 0;
};
RoutingCapacity routes_from_lef(const LefLibrary& lef, const DefFloorplan& def);

// The orientations a LEF macro's SYMMETRY allows (N always; X adds FS, Y FN, X and Y or R90
// add S, R90 the quarter turns E and W, R90 with X or Y also FE and FW). What placers may
// choose, so that a placement can be written back: check_def_placements() refuses the rest.
OrientationSet lef_allowed_orientations(const LefMacro& macro);

// Limits each hard macro of the netlist that is a DEF component to the orientations its LEF
// macro allows (apply_floorplan() does this too); returns how many are limited.
std::int64_t restrict_orientations(const DefFloorplan& def, const LefLibrary& lef,
                                   Netlist* netlist);

// The canvas in database units.
DefRect floorplan_canvas(const DefFloorplan& def, const FloorplanOptions& options);

Status apply_floorplan(const DefFloorplan& def, const LefLibrary& lef,
                       const FloorplanOptions& options, Netlist* netlist,
                       PlacementSettings* settings, FloorplanReport* report);

// The netlist's hard macros that are DEF components, as DEF placements (PLACED, or FIXED for
// fixed macros and with `fix_all`).
Status placements_for_def(const Netlist& netlist, const DefFloorplan& def,
                          const FloorplanOptions& options, bool fix_all,
                          std::map<std::string, DefPlacementChange, std::less<>>* out);

// Legality of DEF placements for `def`'s components with the LEF sizes: each problem as a line.
std::vector<std::string> check_def_placements(
    const DefFloorplan& def, const LefLibrary& lef,
    const std::map<std::string, DefPlacementChange, std::less<>>& placements);

// An OpenROAD script that places the macros: one `place_macro` per placement (location in
// microns, the lower-left corner; orientation in OpenDB's names R0, MY, ...).
std::string openroad_tcl(const DefFloorplan& def,
                         const std::map<std::string, DefPlacementChange, std::less<>>& placements);

}  // namespace macroplace::netlist
