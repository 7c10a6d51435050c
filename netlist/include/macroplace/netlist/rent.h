// Rent's rule for a netlist: a block of G cells has T = t * G^p terminals. The exponent p says
// how local the connectivity is (about 0 for a chain, 0.5 for a 2-D mesh, 1 for random wiring;
// 0.5-0.75 is the range usually quoted for logic). Measured, as Landman and Russo did, by
// recursive min-cut bisection (METIS here); fitted by least squares of log T on log G over the
// levels' means.
//
//   const RentFit fit = rent_fit(netlist);  // fit.exponent, fit.coefficient, fit.levels
#pragma once

#include <cstdint>

#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

struct RentFit {
  double exponent = 0;      // p; 0 when fewer than 2 levels could be measured
  double coefficient = 0;   // t, terminals per cell
  std::int32_t levels = 0;  // bisection levels in the fit
};

// Cells are hard macros, soft macros and standard cells (a pin counts as its owner). A block's
// terminals are the nets with a cell in it and a cell outside it or a port. The whole design,
// its halves and quarters (where its few ports hold T below the power law: Rent's region II)
// and blocks under 4 cells are left out of the fit; nets of more than 16 cells count as
// terminals but do not steer the cuts. Deterministic for a seed.
RentFit rent_fit(const Netlist& netlist, std::uint64_t seed = 1);

}  // namespace macroplace::netlist
