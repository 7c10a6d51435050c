// CostKernels: the whole-design kernels of the proxy cost on plain arrays, behind one interface
// with a CPU (OpenMP) and a CUDA backend.
//
// Contract: kernels know nothing of netlists. Nets are CSR arrays over terminal indices (the
// first terminal of a net is its driver); x/y give every terminal's position; rectangles are
// centres and sizes in micrometres. Every method overwrites its outputs. Results are the same on
// every backend up to floating-point summation order; the CPU backend is deterministic at any
// thread count. make_cost_kernels(kAuto) picks CUDA when it was built and a device is present.
//
//   auto kernels = make_cost_kernels(Backend::kCpu, &error);
//   double wirelength = kernels->net_wirelength(nets, x, y, hpwl.data());
//   kernels->density(grid, rects, cell_area.data());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/kernels/cost_math.h"

namespace macroplace::kernels {

struct NetArrays {
  std::int32_t num_nets = 0;
  const std::int32_t* begin = nullptr;      // num_nets + 1 offsets into terminals
  const std::int32_t* terminals = nullptr;  // terminal indices; terminals[begin[n]] drives net n
  const double* weight = nullptr;           // per net
};

struct RectArrays {
  std::int32_t count = 0;
  const double* x = nullptr;  // centres
  const double* y = nullptr;
  const double* width = nullptr;
  const double* height = nullptr;
};

enum class Backend { kAuto, kCpu, kCuda };

class CostKernels {
 public:
  virtual ~CostKernels() = default;
  virtual const char* name() const = 0;

  // HPWL of every net into hpwl[num_nets]; returns the weighted sum (the wirelength).
  virtual double net_wirelength(const NetArrays& nets, const double* x, const double* y,
                                double* hpwl) = 0;
  // cell_area[rows * cols] = the area of the rectangles inside each cell (parts outside the
  // canvas ignored; overlapping rectangles count twice).
  virtual void density(const GridGeometry& grid, const RectArrays& rects, double* cell_area) = 0;
  // h, v [rows * cols] = the routing demand of the nets, in net weights (not yet normalised).
  virtual void net_routing(const GridGeometry& grid, const NetArrays& nets, const double* x,
                           const double* y, double* h, double* v) = 0;
  // h, v [rows * cols] = the routing blockage of the hard macros, (overlap length) x allocation,
  // partial-coverage correction applied (not yet normalised).
  virtual void macro_routing(const GridGeometry& grid, const RectArrays& macros, double h_alloc,
                             double v_alloc, double* h, double* v) = 0;
};

// Returns nullptr and sets *error when the backend cannot be had (kCuda without a device).
std::unique_ptr<CostKernels> make_cost_kernels(Backend backend, std::string* error);
// True when the CUDA backend was built and a device is present.
bool cuda_device_available();

// ---- small host-side steps shared by every backend ----

// Congestion smoothing (PROXY_COST.md step 4): every V value at (r, c) is spread evenly over the
// columns [c - s, c + s] inside the grid of row r; every H value over rows [r - s, r + s] of
// column c. s = floor(smoothing_range).
void smooth_routing(const GridGeometry& grid, double smoothing_range, const double* h,
                    const double* v, double* h_out, double* v_out);

// Mean of the k largest values (k clamped into [1, count]); `scratch` is reused storage.
double top_k_mean(const double* values, std::size_t count, std::size_t k,
                  std::vector<double>* scratch);

// Distinct cells of a net, the driver's first: gathers cells of terminals [begin, end) into
// `cells`, using `stamp` (rows * cols entries, any values, owned by the caller) to skip repeats
// in O(degree). `mark` must differ from every value already in `stamp` for these cells; callers
// pass an increasing counter.
std::int32_t gather_net_cells(const GridGeometry& grid, const std::int32_t* terminals,
                              std::int32_t begin, std::int32_t end, const double* x,
                              const double* y, std::vector<std::int64_t>* stamp, std::int64_t mark,
                              std::vector<Cell>* cells);

}  // namespace macroplace::kernels
