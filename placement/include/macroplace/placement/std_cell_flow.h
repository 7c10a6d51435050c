// The standard-cell half of the mixed-size flow: every movable standard cell placed by the
// analytical placer around the evaluator's macros, then row-legalized; what full-design HPWL
// (the academic tables' metric) is measured on.
//
// Contract: moves the evaluator's non-fixed standard cells (and, with the analytical placer's
// defaults, soft macros) and nothing else; the evaluator's costs are up to date on return.
// `violations` counts cells the row checker rejects after legalization (0 when it worked).
//
//   StdCellFlowResult flow = place_std_cells(&cost, AnalyticalOptions{});
//   double hpwl = flow.legal_hpwl;
#pragma once

#include <cstdint>

#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/placement/row_legalizer.h"

namespace macroplace::placement {

struct StdCellFlowResult {
  Status status;
  AnalyticalResult global;
  RowLegalizerResult rows;
  std::int64_t violations = 0;
  double global_hpwl = 0;  // weighted HPWL of every net after global placement, um
  double legal_hpwl = 0;   // after row legalization
};

StdCellFlowResult place_std_cells(ProxyCost* cost, const AnalyticalOptions& options);
// The second half alone, for cells a global placement already put in place (`global` left
// empty in the result).
StdCellFlowResult legalize_std_cells(ProxyCost* cost);

}  // namespace macroplace::placement
