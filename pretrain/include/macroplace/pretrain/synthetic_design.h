// Synthetic designs for training corpora: seeded, clustered macro-placement designs in Circuit
// Training's form (hard macros with pins, soft macros, boundary ports, nets driver first).
//
// Contract: generate_design() is a pure function of its options (the same seed gives the same
// netlist and settings on every machine). What it draws, each value given in the options or drawn
// from the range named there:
// - a canvas (width 300-2000 um, aspect 0.8-1.25) and Circuit Training's routing capacities
//   (57.031 / 56.818 routes per um, 39.583 / 30.303 for macros: what the real designs carry);
// - hard macros in a few footprint families (SRAM-like: one to four sizes, aspect 1-3, wide or
//   tall), together a given share of the canvas, each at most 40% of its width and height;
// - soft macros (clusters) of log-normal area, square, together a given share of the canvas;
// - ports spread along the four edges;
// - nets with a degree law fitted to a mean (power law, most nets 2-pin, a long tail) whose
//   terminals are local: every node has a hidden spot on the canvas (ports their own), a net
//   starts at a node and each further terminal is found a power-law distance away (short hops
//   common, long ones rare: Rent-like locality), the node nearest that point weighted by its
//   kind (hard macros take many nets, ports few). Hard-macro terminals are pins at random
//   offsets inside the footprint, soft-macro terminals pins at the centre; a node drives at most
//   one net (Circuit Training's rule);
// - a grid by Circuit Training's grid-size selection, redrawing the macros (a derived seed) when
//   no grid packs them.
// Every macro starts at the canvas centre (the flow legalizes), ports on the edges. The hidden
// spots are not written anywhere (SyntheticDesign keeps them in memory).
//
//   SyntheticOptions options;
//   options.seed = 7;
//   SyntheticDesign design;
//   Status s = generate_design(options, &design);
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::pretrain {

struct SyntheticOptions {
  std::uint64_t seed = 1;
  // 0: drawn (uniformly in the range given).
  std::int32_t hard_macros = 0;      // [16, 192]
  std::int32_t soft_macros = 0;      // [200, 900]
  std::int32_t ports = 0;            // [64, 512]
  std::int32_t footprints = 0;       // hard-macro size families, [1, 4]
  double hard_macro_area_share = 0;  // of the canvas, [0.25, 0.5]
  double soft_macro_area_share = 0;  // of the canvas, [0.2, 0.6]
  double net_degree_mean = 0;        // [3.0, 4.2]
  double nets_per_node = 0;          // nets / (hard + soft macros + ports), [4.5, 11]
  double canvas_width = 0;           // um, [300, 2000]
  double canvas_aspect = 0;          // width / height, [0.8, 1.25]

  Status validate() const;
};

struct SyntheticDesign {
  netlist::Netlist netlist;
  netlist::PlacementSettings settings;  // canvas, grid and routing capacities
  SyntheticOptions drawn;               // the options with every drawn value filled in
  // Each node's hidden spot (a pin: its macro's), by node index: the placement the nets were
  // drawn around. Not a legal placement and not written; tests measure locality with it.
  std::vector<double> spot_x, spot_y;
};

Status generate_design(const SyntheticOptions& options, SyntheticDesign* out);

}  // namespace macroplace::pretrain
