// The CUDA backend of CostKernels: thin kernels around the shared math of cost_math.h.
//
// Contract: the same results as the CPU backend up to floating-point summation order, and
// deterministic from run to run. Per-net values (HPWL) are computed by the very same expressions
// and copied back, and the weighted wirelength is summed on the host in net order, so
// net_wirelength is bit-identical to the CPU. Grid sums (density, routing, macro blockage) are
// accumulated with 64-bit fixed-point integer atomics: integer addition is associative, so the
// result does not depend on the order in which threads add (STYLE.md, deterministic reductions).
//
// Fixed-point scale: every grid sum uses a power of two 2^k chosen per call from an upper bound B
// on the magnitude of any cell's total, the largest k with B * 2^k <= 2^61 (two bits of headroom
// below the int64 range for the rounding of each contribution). Values are stored as
// llrint(value * 2^k) in two's complement on unsigned long long, which atomicAdd adds with
// wrap-around, so negative contributions (the macro partial-coverage correction) and
// intermediate excursions are exact as long as the final sum fits. Multiplying by a power of two
// is exact, so each contribution is off by at most half a quantum 2^-k <= B * 2^-60:
//   - net routing: B = sum over nets of |weight| * max(1, degree - 1) (a star net adds at most
//     one unit per other cell to any edge). For integer (or dyadic) weights every contribution is
//     exactly representable as long as B < 2^61, so the result equals the CPU's exactly.
//   - density: B = sum over rectangles of min(|w * h|, cell area) (a rectangle adds at most its
//     area, and at most a cell's area, to one cell). A cell fed by N contributions is within
//     N * B * 2^-61 of the exact sum: for 10^6 rectangles of realistic size, about 1e-13 of a
//     cell's area per thousand contributions.
//   - macro blockage: B_v = |v_alloc| * sum over macros of min(|w|, cell width), B_h likewise with
//     heights; the correction subtracts exactly what was added (rounding is symmetric), so fully
//     cancelled cells are exactly zero.
//
// High-degree nets (net_routing): one thread per net gathers the distinct cells of its pins,
// driver first, into a local array of kLocalCells with linear-search deduplication (the CPU's
// gather_net_cells order) and calls route_net. A net with more distinct cells than that is a star
// net (more than three cells) and is queued for a second kernel with one block per net: each
// thread marks its pins' cells with atomicMin of the pin's position in a per-block scratch grid,
// and the pin that holds a cell's first occurrence routes source -> cell (route_two_cells), which
// is what the CPU's star does; the scratch entries are then reset. O(degree) per net, whatever
// the degree.
//
// Every CUDA call and launch is checked; a failure throws std::runtime_error carrying the CUDA
// error string (the interface returns values; callers treat it as a bug or a lost device).
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "cpu_cost_kernels.h"
#include "cuda_support.h"
#include "fixed_point.h"

namespace macroplace::kernels {

namespace {

using cuda::add_fixed;
using cuda::blocks_for;
using cuda::check;
using cuda::check_launch;
using cuda::DeviceBuffer;
using cuda::kThreadsPerBlock;

constexpr int kLocalCells = 32;  // distinct cells a net-routing thread deduplicates on its own
// Per-block scratch grids of the high-degree kernel are capped at this many bytes in all.
constexpr std::size_t kScratchBytes = std::size_t{64} << 20;

// ---- device accumulation ----

// The routing accumulator of route_net / add_macro_blockage on fixed-point device grids. Its
// methods are __host__ __device__ only so that the __host__ __device__ templates of cost_math.h
// may name them; they are only ever called on the device.
struct FixedGridAccumulator {
  unsigned long long* h;
  unsigned long long* v;
  std::int32_t cols;
  double h_scale, v_scale;
  __host__ __device__ void horizontal(std::int32_t row, std::int32_t col, double w) {
#if defined(__CUDA_ARCH__)
    add_fixed(&h[row * cols + col], w, h_scale);
#endif
  }
  __host__ __device__ void vertical(std::int32_t row, std::int32_t col, double w) {
#if defined(__CUDA_ARCH__)
    add_fixed(&v[row * cols + col], w, v_scale);
#endif
  }
};

// ---- kernels ----

__global__ void hpwl_kernel(std::int32_t num_nets, const std::int32_t* begin,
                            const std::int32_t* terminals, const double* x, const double* y,
                            double* hpwl) {
  const std::int32_t n = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (n >= num_nets) return;
  // The CPU's expressions, in the CPU's order: min/max are exact, so the values are identical.
  double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
  const std::int32_t first = begin[n], last = begin[n + 1];
  for (std::int32_t k = first; k < last; ++k) {
    const std::int32_t t = terminals[k];
    const double tx = x[t], ty = y[t];
    x_low = min2(x_low, tx);
    x_high = max2(x_high, tx);
    y_low = min2(y_low, ty);
    y_high = max2(y_high, ty);
  }
  hpwl[n] = last > first ? (x_high - x_low) + (y_high - y_low) : 0.0;
}

__global__ void density_kernel(GridGeometry grid, std::int32_t count, const double* x,
                               const double* y, const double* width, const double* height,
                               double scale, unsigned long long* cell_area) {
  const std::int32_t i = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= count) return;
  // add_rect_area's clipping and per-cell products, with a fixed-point atomic in place of +=.
  const ClippedRect r = clip_to_grid(grid, x[i] - width[i] / 2, y[i] - height[i] / 2,
                                     x[i] + width[i] / 2, y[i] + height[i] / 2);
  if (r.empty) return;
  for (std::int32_t row = r.first_row; row <= r.last_row; ++row) {
    const double dy = overlap_in_row(grid, r, row);
    for (std::int32_t col = r.first_col; col <= r.last_col; ++col) {
      add_fixed(&cell_area[row * grid.cols + col], 1.0 * (dy * overlap_in_column(grid, r, col)),
                scale);
    }
  }
}

__device__ inline Cell cell_of(const GridGeometry& grid, const double* x, const double* y,
                               std::int32_t t) {
  return Cell{row_of(grid, y[t]), column_of(grid, x[t])};
}

// One thread per net: distinct cells in first-occurrence order (the driver's first), then
// route_net. Nets with more than kLocalCells distinct cells go to the overflow list.
__global__ void route_nets_kernel(GridGeometry grid, std::int32_t num_nets,
                                  const std::int32_t* begin, const std::int32_t* terminals,
                                  const double* weight, const double* x, const double* y,
                                  FixedGridAccumulator acc, std::int32_t* overflow,
                                  std::int32_t* overflow_count) {
  const std::int32_t n = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (n >= num_nets) return;
  Cell cells[kLocalCells];
  std::int32_t count = 0;
  const std::int32_t last = begin[n + 1];
  for (std::int32_t k = begin[n]; k < last; ++k) {
    const Cell cell = cell_of(grid, x, y, terminals[k]);
    bool seen = false;
    for (std::int32_t j = 0; j < count && !seen; ++j)
      seen = cells[j].row == cell.row && cells[j].col == cell.col;
    if (seen) continue;
    if (count == kLocalCells) {  // too many distinct cells for this thread: a star net
      overflow[atomicAdd(overflow_count, 1)] = n;
      return;
    }
    cells[count++] = cell;
  }
  route_net(cells, count, 0, weight[n], acc);
}

// One block per overflowing net (a star from the driver's cell). `first_slot` is this launch's
// scratch: gridDim.x grids of rows * cols entries, all UINT_MAX on entry and on exit.
__global__ void route_star_nets_kernel(GridGeometry grid, const std::int32_t* begin,
                                       const std::int32_t* terminals, const double* weight,
                                       const double* x, const double* y, FixedGridAccumulator acc,
                                       const std::int32_t* overflow,
                                       const std::int32_t* overflow_count, unsigned* first_slot) {
  const std::size_t cells = static_cast<std::size_t>(grid.rows) * grid.cols;
  unsigned* first = first_slot + blockIdx.x * cells;
  const std::int32_t count = *overflow_count;
  for (std::int32_t i = static_cast<std::int32_t>(blockIdx.x); i < count;
       i += static_cast<std::int32_t>(gridDim.x)) {
    const std::int32_t n = overflow[i];
    const std::int32_t b = begin[n], e = begin[n + 1];
    const Cell source = cell_of(grid, x, y, terminals[b]);
    const std::int32_t source_index = source.row * grid.cols + source.col;
    for (std::int32_t k = b + static_cast<std::int32_t>(threadIdx.x); k < e;
         k += static_cast<std::int32_t>(blockDim.x)) {
      const Cell cell = cell_of(grid, x, y, terminals[k]);
      atomicMin(&first[cell.row * grid.cols + cell.col], static_cast<unsigned>(k - b));
    }
    __syncthreads();
    const double w = weight[n];
    for (std::int32_t k = b + static_cast<std::int32_t>(threadIdx.x); k < e;
         k += static_cast<std::int32_t>(blockDim.x)) {
      const Cell cell = cell_of(grid, x, y, terminals[k]);
      const std::int32_t index = cell.row * grid.cols + cell.col;
      if (index != source_index && first[index] == static_cast<unsigned>(k - b))
        route_two_cells(source, cell, w, acc);
    }
    __syncthreads();
    for (std::int32_t k = b + static_cast<std::int32_t>(threadIdx.x); k < e;
         k += static_cast<std::int32_t>(blockDim.x)) {
      const Cell cell = cell_of(grid, x, y, terminals[k]);
      first[cell.row * grid.cols + cell.col] = UINT_MAX;
    }
    __syncthreads();
  }
}

__global__ void macro_blockage_kernel(GridGeometry grid, std::int32_t count, const double* x,
                                      const double* y, const double* width, const double* height,
                                      double h_alloc, double v_alloc, FixedGridAccumulator acc) {
  const std::int32_t i = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= count) return;
  const ClippedRect r = clip_to_grid(grid, x[i] - width[i] / 2, y[i] - height[i] / 2,
                                     x[i] + width[i] / 2, y[i] + height[i] / 2);
  add_macro_blockage(grid, r, h_alloc, v_alloc, 1.0, acc);
}

// out[i] = fixed[i] / scale, as doubles (a power of two: exact but for the final rounding of
// the 64-bit integer to 53 bits).
__global__ void fixed_to_double_kernel(std::size_t count, const unsigned long long* fixed,
                                       double inverse_scale, double* out) {
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= count) return;
  out[i] = __ll2double_rn(static_cast<long long>(fixed[i])) * inverse_scale;
}

}  // namespace

// ---- the backend ----

// Named (not anonymous) so that scripts/gpu_check.cu, which compiles this file into its own
// program, can reach the profiling hooks without the library exporting them.
namespace cuda_backend {

// Device time of the last call, by phase, when profiling is on (scripts/gpu_check.cu).
struct CallTiming {
  float upload_ms = 0, kernels_ms = 0, download_ms = 0;
};

class CudaCostKernels : public CostKernels {
 public:
  CudaCostKernels() {
    check(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate");
    int device = 0;
    check(cudaGetDevice(&device), "cudaGetDevice");
    check(cudaDeviceGetAttribute(&multiprocessors_, cudaDevAttrMultiProcessorCount, device),
          "cudaDeviceGetAttribute");
    for (cudaEvent_t& event : mark_) check(cudaEventCreate(&event), "cudaEventCreate");
  }
  ~CudaCostKernels() override {
    for (cudaEvent_t event : mark_)
      if (event != nullptr) cudaEventDestroy(event);
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
  }
  CudaCostKernels(const CudaCostKernels&) = delete;
  CudaCostKernels& operator=(const CudaCostKernels&) = delete;

  const char* name() const override { return "cuda"; }

  double net_wirelength(const NetArrays& nets, const double* x, const double* y,
                        double* hpwl) override {
    if (nets.num_nets <= 0) return 0.0;
    mark(0);
    upload_nets(nets, x, y, /*with_weights=*/false);
    mark(1);
    hpwl_kernel<<<blocks_for(nets.num_nets), kThreadsPerBlock, 0, stream_>>>(
        nets.num_nets, begin_.get(), terminals_.get(), x_.get(), y_.get(), out_a_.get());
    check_launch("hpwl_kernel");
    mark(2);
    download(hpwl, out_a_.get(), nets.num_nets);
    mark(3);
    finish();
    // In net order on the host, exactly as the CPU backend sums.
    double total = 0;
    for (std::int32_t n = 0; n < nets.num_nets; ++n) total += nets.weight[n] * hpwl[n];
    return total;
  }

  void density(const GridGeometry& grid, const RectArrays& rects, double* cell_area) override {
    const std::size_t cells = static_cast<std::size_t>(grid.rows) * grid.cols;
    const double unit = grid.cell_width * grid.cell_height;
    double bound = 0;
    for (std::int32_t i = 0; i < rects.count; ++i) {
      const double area = std::fabs(rects.width[i] * rects.height[i]);
      bound += area < unit ? area : unit;  // NaN counts a whole cell
    }
    const double scale = fixed_point_scale(bound);
    mark(0);
    upload_rects(rects);
    reserve_grids(cells);
    mark(1);
    check(cudaMemsetAsync(fixed_h_.get(), 0, cells * sizeof(unsigned long long), stream_),
          "cudaMemsetAsync");
    if (rects.count > 0) {
      density_kernel<<<blocks_for(rects.count), kThreadsPerBlock, 0, stream_>>>(
          grid, rects.count, rx_.get(), ry_.get(), rw_.get(), rh_.get(), scale, fixed_h_.get());
      check_launch("density_kernel");
    }
    to_double(cells, fixed_h_.get(), scale, out_a_.get());
    mark(2);
    download(cell_area, out_a_.get(), cells);
    mark(3);
    finish();
  }

  void net_routing(const GridGeometry& grid, const NetArrays& nets, const double* x,
                   const double* y, double* h, double* v) override {
    const std::size_t cells = static_cast<std::size_t>(grid.rows) * grid.cols;
    if (nets.num_nets <= 0) {
      std::fill(h, h + cells, 0.0);
      std::fill(v, v + cells, 0.0);
      return;
    }
    double bound = 0;
    for (std::int32_t n = 0; n < nets.num_nets; ++n) {
      const std::int32_t degree = nets.begin[n + 1] - nets.begin[n];
      bound += std::fabs(nets.weight[n]) * (degree > 2 ? degree - 1 : 1);
    }
    const double scale = fixed_point_scale(bound);
    // Blocks of the star kernel: enough to fill the device, as many scratch grids as fit.
    const std::size_t star_blocks = std::max<std::size_t>(
        1, std::min<std::size_t>(
               2 * static_cast<std::size_t>(multiprocessors_),
               kScratchBytes / (std::max<std::size_t>(cells, 1) * sizeof(unsigned))));
    mark(0);
    upload_nets(nets, x, y, /*with_weights=*/true);
    reserve_grids(cells);
    overflow_.reserve(std::max<std::int32_t>(nets.num_nets, 1));
    counter_.reserve(1);
    if (first_slot_.reserve(star_blocks * cells) || !first_slot_clean_) {
      check(
          cudaMemsetAsync(first_slot_.get(), 0xff, star_blocks * cells * sizeof(unsigned), stream_),
          "cudaMemsetAsync");
    }
    first_slot_clean_ = false;  // until this call completes
    mark(1);
    check(cudaMemsetAsync(fixed_h_.get(), 0, cells * sizeof(unsigned long long), stream_),
          "cudaMemsetAsync");
    check(cudaMemsetAsync(fixed_v_.get(), 0, cells * sizeof(unsigned long long), stream_),
          "cudaMemsetAsync");
    check(cudaMemsetAsync(counter_.get(), 0, sizeof(std::int32_t), stream_), "cudaMemsetAsync");
    const FixedGridAccumulator acc{fixed_h_.get(), fixed_v_.get(), grid.cols, scale, scale};
    route_nets_kernel<<<blocks_for(nets.num_nets), kThreadsPerBlock, 0, stream_>>>(
        grid, nets.num_nets, begin_.get(), terminals_.get(), weight_.get(), x_.get(), y_.get(), acc,
        overflow_.get(), counter_.get());
    check_launch("route_nets_kernel");
    route_star_nets_kernel<<<static_cast<unsigned>(star_blocks), kThreadsPerBlock, 0, stream_>>>(
        grid, begin_.get(), terminals_.get(), weight_.get(), x_.get(), y_.get(), acc,
        overflow_.get(), counter_.get(), first_slot_.get());
    check_launch("route_star_nets_kernel");
    to_double(cells, fixed_h_.get(), scale, out_a_.get());
    to_double(cells, fixed_v_.get(), scale, out_b_.get());
    mark(2);
    download(h, out_a_.get(), cells);
    download(v, out_b_.get(), cells);
    mark(3);
    finish();
    first_slot_clean_ = true;
  }

  void macro_routing(const GridGeometry& grid, const RectArrays& macros, double h_alloc,
                     double v_alloc, double* h, double* v) override {
    const std::size_t cells = static_cast<std::size_t>(grid.rows) * grid.cols;
    double width_bound = 0, height_bound = 0;
    for (std::int32_t i = 0; i < macros.count; ++i) {
      const double w = std::fabs(macros.width[i]), ht = std::fabs(macros.height[i]);
      width_bound += w < grid.cell_width ? w : grid.cell_width;  // NaN counts a whole cell
      height_bound += ht < grid.cell_height ? ht : grid.cell_height;
    }
    const double h_scale = fixed_point_scale(height_bound * std::fabs(h_alloc));
    const double v_scale = fixed_point_scale(width_bound * std::fabs(v_alloc));
    mark(0);
    upload_rects(macros);
    reserve_grids(cells);
    mark(1);
    check(cudaMemsetAsync(fixed_h_.get(), 0, cells * sizeof(unsigned long long), stream_),
          "cudaMemsetAsync");
    check(cudaMemsetAsync(fixed_v_.get(), 0, cells * sizeof(unsigned long long), stream_),
          "cudaMemsetAsync");
    if (macros.count > 0) {
      const FixedGridAccumulator acc{fixed_h_.get(), fixed_v_.get(), grid.cols, h_scale, v_scale};
      macro_blockage_kernel<<<blocks_for(macros.count), kThreadsPerBlock, 0, stream_>>>(
          grid, macros.count, rx_.get(), ry_.get(), rw_.get(), rh_.get(), h_alloc, v_alloc, acc);
      check_launch("macro_blockage_kernel");
    }
    to_double(cells, fixed_h_.get(), h_scale, out_a_.get());
    to_double(cells, fixed_v_.get(), v_scale, out_b_.get());
    mark(2);
    download(h, out_a_.get(), cells);
    download(v, out_b_.get(), cells);
    mark(3);
    finish();
  }

  // Profiling for scripts/gpu_check.cu: device time by phase of the last call.
  void set_profiling(bool on) { profiling_ = on; }
  CallTiming last_timing() const { return timing_; }

 private:
  template <typename T>
  void upload(DeviceBuffer<T>& buffer, const T* host, std::size_t count) {
    buffer.reserve(std::max<std::size_t>(count, 1));
    if (count > 0) {
      check(cudaMemcpyAsync(buffer.get(), host, count * sizeof(T), cudaMemcpyHostToDevice, stream_),
            "cudaMemcpyAsync to device");
    }
  }
  template <typename T>
  void download(T* host, const T* device, std::size_t count) {
    if (count == 0) return;
    check(cudaMemcpyAsync(host, device, count * sizeof(T), cudaMemcpyDeviceToHost, stream_),
          "cudaMemcpyAsync to host");
  }

  // Nets in CSR form plus the positions of every terminal they name (0 .. largest index).
  void upload_nets(const NetArrays& nets, const double* x, const double* y, bool with_weights) {
    const std::size_t slots = static_cast<std::size_t>(nets.begin[nets.num_nets]);
    std::int32_t largest = -1;
    for (std::size_t k = 0; k < slots; ++k) {
      const std::int32_t t = nets.terminals[k];
      if (t < 0) throw std::invalid_argument("CUDA backend: negative terminal index");
      largest = t > largest ? t : largest;
    }
    const std::size_t positions = static_cast<std::size_t>(largest) + 1;
    upload(begin_, nets.begin, static_cast<std::size_t>(nets.num_nets) + 1);
    upload(terminals_, nets.terminals, slots);
    if (with_weights) upload(weight_, nets.weight, static_cast<std::size_t>(nets.num_nets));
    upload(x_, x, positions);
    upload(y_, y, positions);
    out_a_.reserve(std::max<std::size_t>(static_cast<std::size_t>(nets.num_nets), 1));
  }

  void upload_rects(const RectArrays& rects) {
    const std::size_t count = static_cast<std::size_t>(std::max(rects.count, 0));
    upload(rx_, rects.x, count);
    upload(ry_, rects.y, count);
    upload(rw_, rects.width, count);
    upload(rh_, rects.height, count);
  }

  void reserve_grids(std::size_t cells) {
    fixed_h_.reserve(cells);
    fixed_v_.reserve(cells);
    out_a_.reserve(cells);
    out_b_.reserve(cells);
  }

  void to_double(std::size_t cells, const unsigned long long* fixed, double scale, double* out) {
    fixed_to_double_kernel<<<blocks_for(cells), kThreadsPerBlock, 0, stream_>>>(cells, fixed,
                                                                                1.0 / scale, out);
    check_launch("fixed_to_double_kernel");
  }

  void mark(int phase) {
    if (profiling_) check(cudaEventRecord(mark_[phase], stream_), "cudaEventRecord");
  }

  // Waits for the stream (surfacing any execution error) and reads the phase times.
  void finish() {
    check(cudaStreamSynchronize(stream_), "kernel execution");
    if (!profiling_) return;
    check(cudaEventElapsedTime(&timing_.upload_ms, mark_[0], mark_[1]), "cudaEventElapsedTime");
    check(cudaEventElapsedTime(&timing_.kernels_ms, mark_[1], mark_[2]), "cudaEventElapsedTime");
    check(cudaEventElapsedTime(&timing_.download_ms, mark_[2], mark_[3]), "cudaEventElapsedTime");
  }

  cudaStream_t stream_ = nullptr;
  int multiprocessors_ = 1;
  cudaEvent_t mark_[4] = {nullptr, nullptr, nullptr, nullptr};
  bool profiling_ = false;
  CallTiming timing_;

  DeviceBuffer<std::int32_t> begin_, terminals_, overflow_, counter_;
  DeviceBuffer<double> weight_, x_, y_;
  DeviceBuffer<double> rx_, ry_, rw_, rh_;
  DeviceBuffer<unsigned long long> fixed_h_, fixed_v_;
  DeviceBuffer<double> out_a_, out_b_;
  DeviceBuffer<unsigned> first_slot_;  // star-net scratch, all UINT_MAX between calls
  bool first_slot_clean_ = false;
};

}  // namespace cuda_backend

std::unique_ptr<CostKernels> make_cuda_cost_kernels(std::string* error) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    cudaGetLastError();  // clear the error state
    if (error != nullptr) {
      *error = std::string("no CUDA device: ") +
               (status != cudaSuccess ? cudaGetErrorString(status) : "device count is 0");
    }
    return nullptr;
  }
  try {
    return std::make_unique<cuda_backend::CudaCostKernels>();
  } catch (const std::exception& e) {
    if (error != nullptr) *error = e.what();
    return nullptr;
  }
}

bool cuda_runtime_has_device() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return false;
  }
  return count > 0;
}

}  // namespace macroplace::kernels
