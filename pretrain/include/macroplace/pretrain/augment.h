// Augmentations of a design for pre-training corpora: a mirrored copy, one on a canvas of
// another aspect ratio, or one with a random subset of its hard macros. Each is a new design (new
// netlist, same cost settings), written like any other and listed in a corpus.
//
// Contract: augment_design() is a pure function of its inputs (the seed draws the subset).
// Mirroring about the canvas's vertical (x) or horizontal (y) centre line moves every node's
// centre, every pin's offset (in the frame of its owner's orientation, so the absolute pin
// position is mirrored too), port sides, blockages and the canvas outline. The mirrored
// placement has the original's wirelength and density costs; its congestion cost differs by
// ~1e-4 relative (Circuit Training's routing of three-pin nets and of terminals on cell
// boundaries is not mirror-symmetric). Stretching to another aspect ratio scales every centre
// (ports stay on their sides), blockages, the canvas and the grid; macros keep their sizes, and
// one that would hang over the new canvas is moved inside (a hard macro that cannot fit is an
// error). A macro subset keeps
// round(share x hard macros) of them (at least 1), drawn without replacement; the others go
// with their pins, and nets left with fewer than two terminals go too (a dropped driver's net
// is driven by its next terminal).
//
//   AugmentOptions options;
//   options.mirror_x = true;
//   netlist::Netlist mirrored;
//   netlist::PlacementSettings header;
//   Status s = augment_design(design.netlist, design.header, options, &mirrored, &header);
#pragma once

#include <cstdint>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::pretrain {

struct AugmentOptions {
  bool mirror_x = false;          // x -> width - x
  bool mirror_y = false;          // y -> height - y
  double hard_macro_share = 1.0;  // (0, 1]: keep this share of the hard macros
  // The canvas's width / height times this, at the same area: x times sqrt(aspect), y divided by
  // it, the grid's columns and rows likewise (rounded); macros keep their size.
  double aspect = 1.0;
  std::uint64_t seed = 1;  // draws the subset

  Status validate() const;
};

// `header` gives the canvas (width and height are required for mirroring); `out_header` is it
// with its blockages mirrored.
Status augment_design(const netlist::Netlist& in, const netlist::PlacementSettings& header,
                      const AugmentOptions& options, netlist::Netlist* out,
                      netlist::PlacementSettings* out_header);

}  // namespace macroplace::pretrain
