// Macro legalizer: takes any placement (overlapping hard macros, macros outside the canvas) to a
// legal one, moving each hard macro as little as possible.
//
// Contract: fixed hard macros never move and are obstacles. Movable placed hard macros are taken
// largest footprint area first (ties by node index); each goes to the legal centre nearest (in
// Euclidean distance) to its current centre, given the macros already placed. Legal means: the
// footprint (orientation applied, orientation kept) lies inside [0, W] x [0, H]; in x or in y it
// is at least `spacing` away from every fixed or already-placed hard macro; it does not overlap
// any of the settings' blockages (when `avoid_blockages`). The search is exact: the nearest free
// centre lies on a lattice of candidate coordinates snapped against obstacle, blockage and canvas
// edges, which is visited in growing distance (a spiral over that lattice) with a uniform-bin
// index answering the overlap queries. When that leaves some macro without a legal centre (the
// ones placed first can cut the free space into pieces where a packing exists), every movable
// macro is packed onto a grid instead (grid selection's packing, on the settings' grid or the
// one select_grid() finds: `packed_onto_grid`). A macro with no legal centre either way stays
// where it was and is listed in `unplaced`; a macro in an orientation its cell does not allow
// is first turned into the nearest allowed one. Soft macros, standard cells, ports and unplaced
// nodes are ignored.
// Positions are written back with ProxyCost::set_positions(), so costs() is current afterwards.
//
//   LegalizerResult result = legalize_macros(&cost, LegalizerOptions{});
//   if (!result.unplaced.empty()) std::cerr << result.unplaced.size() << " macros not placed\n";
//   std::cout << result.total_displacement << " um moved in " << result.seconds << " s\n";
#pragma once

#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::placement {

struct LegalizerOptions {
  // Minimum gap between two hard macros, in x or in y (um); PROXY_COST.md's 0.1 um by default.
  double spacing = 0.1;
  // Keep hard macros out of the settings' blockages (the netlist's and the .plc header's).
  bool avoid_blockages = true;

  Status validate() const;
};

struct LegalizerResult {
  std::vector<NodeId> unplaced;  // movable hard macros with no legal spot; left where they were
  int moved = 0;                 // hard macros whose centre changed
  int reoriented = 0;            // turned into an orientation their cell allows
  // Nearest free spots left some macro without one, and every movable macro was packed onto a
  // grid instead (grid selection's packing: legal, far from where they were).
  bool packed_onto_grid = false;
  double total_displacement = 0;  // sum of Euclidean centre displacements (um)
  double max_displacement = 0;    // largest single displacement (um)
  double seconds = 0;             // wall time of the call
};

// Legalizes the hard macros of `cost` in place. `options` must validate (a bad value is a bug and
// throws std::invalid_argument).
LegalizerResult legalize_macros(ProxyCost* cost, const LegalizerOptions& options);

}  // namespace macroplace::placement
