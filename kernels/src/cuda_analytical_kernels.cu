// The CUDA backend of AnalyticalKernels: thin kernels around analytical_math.h.
//
// Contract: the CPU backend's results up to the device's exp() and summation order, and
// deterministic from run to run. The structure stays on the device after set_design(); each
// call uploads the object positions and downloads the movable objects' gradients. Per-net
// values are summed on the host in net order, per-object gradients on the device in the CPU's
// entry order, bin charges with 64-bit fixed-point atomics (cuda_support.h).
//
// The Poisson solve is the CPU's cosine series written as dense transforms along each axis
// (out[r][u] = sum_c table[u][c] in[r][c]): O(n^3) work instead of an FFT's O(n^2 log n), but
// for the 16..1024 bins per side the placer uses it is a fraction of a millisecond on a
// data-centre GPU, and it needs nothing beyond the CUDA runtime (no cuFFT, whose real-to-real
// cosine transforms would have to be assembled from complex FFTs by hand).
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "analytical_structure.h"
#include "cpu_cost_kernels.h"
#include "cuda_support.h"
#include "macroplace/kernels/analytical_kernels.h"

namespace macroplace::kernels {

namespace {

using cuda::add_fixed;
using cuda::blocks_for;
using cuda::check;
using cuda::check_launch;
using cuda::DeviceBuffer;
using cuda::kThreadsPerBlock;
using cuda::upload;

constexpr double kPi = 3.14159265358979323846;

__global__ void gather_entries_kernel(std::int64_t entries, const std::int32_t* terminals,
                                      const std::int32_t* pin_object, const double* offset_x,
                                      const double* offset_y, const double* x, const double* y,
                                      double* entry_x, double* entry_y) {
  const std::int64_t k = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= entries) return;
  const std::int32_t pin = terminals[k];
  const std::int32_t object = pin_object[pin];
  entry_x[k] = x[object] + offset_x[pin];
  entry_y[k] = y[object] + offset_y[pin];
}

__global__ void wa_kernel(std::int32_t nets, const std::int32_t* begin, const std::uint8_t* used,
                          const double* weight, const double* entry_x, const double* entry_y,
                          double gamma, double* grad_x, double* grad_y, double* scratch,
                          double* value) {
  const std::int32_t n = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (n >= nets) return;
  const std::int32_t first = begin[n], last = begin[n + 1];
  if (!used[n]) {
    for (std::int32_t k = first; k < last; ++k) grad_x[k] = grad_y[k] = 0;
    value[n] = 0;
    return;
  }
  const double wx = wa_net_axis(entry_x, first, last, gamma, grad_x + first, scratch + first);
  const double wy = wa_net_axis(entry_y, first, last, gamma, grad_y + first, scratch + first);
  for (std::int32_t k = first; k < last; ++k) {
    grad_x[k] *= weight[n];
    grad_y[k] *= weight[n];
  }
  value[n] = weight[n] * (wx + wy);
}

__global__ void hpwl_kernel(std::int32_t nets, const std::int32_t* begin, const std::uint8_t* used,
                            const double* weight, const double* entry_x, const double* entry_y,
                            double* value) {
  const std::int32_t n = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (n >= nets) return;
  value[n] = used[n] ? weight[n] * entries_hpwl(entry_x, entry_y, begin[n], begin[n + 1]) : 0.0;
}

__global__ void reduce_kernel(std::int32_t movable, const std::int32_t* entries_begin,
                              const std::int32_t* entries, const double* grad_entry_x,
                              const double* grad_entry_y, double* grad_x, double* grad_y) {
  const std::int32_t i = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= movable) return;
  double sx = 0, sy = 0;
  for (std::int32_t e = entries_begin[i]; e < entries_begin[i + 1]; ++e) {
    sx += grad_entry_x[entries[e]];
    sy += grad_entry_y[entries[e]];
  }
  grad_x[i] = sx;
  grad_y[i] = sy;
}

// Charges of every object: cells and fixed objects into charge[0, bins), fillers (objects
// [filler_begin, movable)) into charge[bins, 2 bins).
__global__ void scatter_kernel(std::int32_t first, std::int32_t last, std::int32_t movable,
                               std::int32_t filler_begin, DensityBins bins, double target_density,
                               const double* x, const double* y, const double* width,
                               const double* height, double scale, unsigned long long* charge) {
  const std::int32_t i = first + static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= last) return;
  if (i >= filler_begin && i < movable) {
    charge += static_cast<std::int64_t>(bins.cols) * bins.rows;
  }
  const SmoothedRect r = i < movable ? smoothed_rect(bins, x[i], y[i], width[i], height[i])
                                     : fixed_rect(x[i], y[i], width[i], height[i], target_density);
  for_each_bin_overlap(
      bins, r, [&](std::int32_t bin, double area) { add_fixed(&charge[bin], area, scale); });
}

// charge = cells + fillers (the Poisson source), real = cells alone (overflow, density map).
__global__ void charge_kernel(std::int64_t bins, const unsigned long long* fixed,
                              double inverse_scale, double inverse_bin_area, double* charge,
                              double* real, double* rho) {
  const std::int64_t b = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (b >= bins) return;
  real[b] = static_cast<double>(static_cast<long long>(fixed[b])) * inverse_scale;
  const double filler =
      static_cast<double>(static_cast<long long>(fixed[b + bins])) * inverse_scale;
  charge[b] = real[b] + filler;
  rho[b] = charge[b] * inverse_bin_area;
}

// out[r][u] = sum_c table[u][c] in[r][c] (along x), for a rows x cols map.
__global__ void transform_x_kernel(std::int32_t rows, std::int32_t cols, const double* table,
                                   const double* in, double* out) {
  const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<std::int64_t>(rows) * cols) return;
  const std::int64_t r = index / cols;
  const std::int64_t u = index % cols;
  const double* row = in + r * cols;
  const double* t = table + u * cols;
  double sum = 0;
  for (std::int32_t c = 0; c < cols; ++c) sum += t[c] * row[c];
  out[index] = sum;
}

// out[v][c] = sum_r table[v][r] in[r][c] (along y).
__global__ void transform_y_kernel(std::int32_t rows, std::int32_t cols, const double* table,
                                   const double* in, double* out) {
  const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<std::int64_t>(rows) * cols) return;
  const std::int64_t v = index / cols;
  const std::int64_t c = index % cols;
  const double* t = table + v * rows;
  double sum = 0;
  for (std::int32_t r = 0; r < rows; ++r) sum += t[r] * in[static_cast<std::int64_t>(r) * cols + c];
  out[index] = sum;
}

// Coefficients: a_uv / (w_u^2 + w_v^2), and the same times w_u (field x) and w_v (field y).
__global__ void coefficient_kernel(std::int32_t rows, std::int32_t cols, double wx, double wy,
                                   double normalisation, const double* transformed,
                                   double* potential, double* along_x, double* along_y) {
  const std::int64_t index = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (index >= static_cast<std::int64_t>(rows) * cols) return;
  const double u = static_cast<double>(index % cols) * wx;
  const double v = static_cast<double>(index / cols) * wy;
  const double w2 = u * u + v * v;
  const double a = index == 0 ? 0.0 : transformed[index] * normalisation / w2;
  potential[index] = a;
  along_x[index] = a * u;
  along_y[index] = a * v;
}

__global__ void gather_field_kernel(std::int32_t movable, DensityBins bins, const double* x,
                                    const double* y, const double* width, const double* height,
                                    const double* field_x, const double* field_y, double* grad_x,
                                    double* grad_y) {
  const std::int32_t i = static_cast<std::int32_t>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= movable) return;
  const SmoothedRect r = smoothed_rect(bins, x[i], y[i], width[i], height[i]);
  double gx = 0, gy = 0;
  for_each_bin_overlap(bins, r, [&](std::int32_t bin, double area) {
    gx -= area * field_x[bin];
    gy -= area * field_y[bin];
  });
  grad_x[i] = gx;
  grad_y[i] = gy;
}

// Tables [k][j] of one axis with n bins: forward 2 cos(pi (j + 1/2) k / n) (DCT-II), and
// [j][k] of the evaluations c_k cos(pi (j + 1/2) k / n) (DCT-III) and 2 sin(...) for k >= 1.
void axis_tables(std::int32_t n, std::vector<double>* forward, std::vector<double>* cosine,
                 std::vector<double>* sine) {
  const auto size = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  forward->assign(size, 0.0);
  cosine->assign(size, 0.0);
  sine->assign(size, 0.0);
  for (std::int32_t k = 0; k < n; ++k) {
    for (std::int32_t j = 0; j < n; ++j) {
      const double angle = kPi * (j + 0.5) * k / n;
      (*forward)[static_cast<std::size_t>(k) * n + j] = 2.0 * std::cos(angle);
      (*cosine)[static_cast<std::size_t>(j) * n + k] = (k == 0 ? 1.0 : 2.0) * std::cos(angle);
      (*sine)[static_cast<std::size_t>(j) * n + k] = k == 0 ? 0.0 : 2.0 * std::sin(angle);
    }
  }
}

class CudaAnalyticalKernels final : public AnalyticalKernels {
 public:
  const char* name() const override { return "cuda"; }

  void set_design(const AnalyticalDesign& design) override {
    s_ = AnalyticalStructure(design);
    upload(&width_, s_.width.data(), s_.width.size());
    upload(&height_, s_.height.data(), s_.height.size());
    upload(&pin_object_, s_.pin_object.data(), s_.pin_object.size());
    upload(&pin_offset_x_, s_.pin_offset_x.data(), s_.pin_offset_x.size());
    upload(&pin_offset_y_, s_.pin_offset_y.data(), s_.pin_offset_y.size());
    upload(&net_begin_, s_.net_begin.data(), s_.net_begin.size());
    upload(&net_terminals_, s_.net_terminals.data(), s_.net_terminals.size());
    upload(&net_weight_, s_.net_weight.data(), s_.net_weight.size());
    upload(&net_used_, s_.net_used.data(), s_.net_used.size());
    upload(&entries_begin_, s_.object_entries_begin.data(), s_.object_entries_begin.size());
    upload(&entries_, s_.object_entries.data(), s_.object_entries.size());
    const std::size_t entries = s_.net_terminals.size();
    for (auto* buffer : {&entry_x_, &entry_y_, &grad_entry_x_, &grad_entry_y_, &scratch_}) {
      buffer->reserve(entries);
    }
    net_value_.reserve(s_.net_weight.size());
    host_net_value_.assign(s_.net_weight.size(), 0.0);
    const std::size_t bins = s_.bin_count();
    charge_fixed_.reserve(2 * bins);
    for (auto* buffer : {&charge_, &real_charge_, &rho_, &work_a_, &work_b_, &potential_, &field_x_,
                         &field_y_, &coefficient_x_, &coefficient_y_}) {
      buffer->reserve(bins);
    }
    host_charge_.assign(bins, 0.0);
    host_real_charge_.assign(bins, 0.0);
    host_rho_.assign(bins, 0.0);
    host_potential_.assign(bins, 0.0);
    std::vector<double> forward, cosine, sine;
    axis_tables(s_.bins.cols, &forward, &cosine, &sine);
    upload(&forward_x_, forward.data(), forward.size());
    upload(&cosine_x_, cosine.data(), cosine.size());
    upload(&sine_x_, sine.data(), sine.size());
    axis_tables(s_.bins.rows, &forward, &cosine, &sine);
    upload(&forward_y_, forward.data(), forward.size());
    upload(&cosine_y_, cosine.data(), cosine.size());
    upload(&sine_y_, sine.data(), sine.size());
    gradient_x_.reserve(static_cast<std::size_t>(s_.movable));
    gradient_y_.reserve(static_cast<std::size_t>(s_.movable));
  }

  double wirelength(const double* x, const double* y, double gamma, double* grad_x,
                    double* grad_y) override {
    gather_entries(x, y);
    const auto nets = static_cast<std::int32_t>(s_.net_weight.size());
    if (nets > 0) {
      wa_kernel<<<blocks_for(nets), kThreadsPerBlock>>>(
          nets, net_begin_.get(), net_used_.get(), net_weight_.get(), entry_x_.get(),
          entry_y_.get(), gamma, grad_entry_x_.get(), grad_entry_y_.get(), scratch_.get(),
          net_value_.get());
      check_launch("wa_kernel");
    }
    if (s_.movable > 0) {
      reduce_kernel<<<blocks_for(s_.movable), kThreadsPerBlock>>>(
          s_.movable, entries_begin_.get(), entries_.get(), grad_entry_x_.get(),
          grad_entry_y_.get(), gradient_x_.get(), gradient_y_.get());
      check_launch("reduce_kernel");
    }
    download_gradients(grad_x, grad_y);
    return sum_net_values();
  }

  double hpwl(const double* x, const double* y) override {
    gather_entries(x, y);
    const auto nets = static_cast<std::int32_t>(s_.net_weight.size());
    if (nets > 0) {
      hpwl_kernel<<<blocks_for(nets), kThreadsPerBlock>>>(nets, net_begin_.get(), net_used_.get(),
                                                          net_weight_.get(), entry_x_.get(),
                                                          entry_y_.get(), net_value_.get());
      check_launch("hpwl_kernel");
    }
    return sum_net_values();
  }

  DensityValue density(const double* x, const double* y, double* grad_x, double* grad_y) override {
    upload_positions(x, y);
    const std::size_t bins = s_.bin_count();
    const auto rows = s_.bins.rows;
    const auto cols = s_.bins.cols;
    check(cudaMemset(charge_fixed_.get(), 0, 2 * bins * sizeof(unsigned long long)), "cudaMemset");
    if (s_.objects > 0) {
      scatter_kernel<<<blocks_for(s_.objects), kThreadsPerBlock>>>(
          0, s_.objects, s_.movable, s_.filler_begin(), s_.bins, s_.target_density, x_.get(),
          y_.get(), width_.get(), height_.get(), s_.charge_scale, charge_fixed_.get());
      check_launch("scatter_kernel");
    }
    const double bin_area = s_.bins.bin_width() * s_.bins.bin_height();
    charge_kernel<<<blocks_for(bins), kThreadsPerBlock>>>(
        static_cast<std::int64_t>(bins), charge_fixed_.get(), 1.0 / s_.charge_scale, 1.0 / bin_area,
        charge_.get(), real_charge_.get(), rho_.get());
    check_launch("charge_kernel");

    // Poisson: forward DCT-II along x then y, coefficients, evaluations.
    const unsigned grid = blocks_for(bins);
    transform_x_kernel<<<grid, kThreadsPerBlock>>>(rows, cols, forward_x_.get(), rho_.get(),
                                                   work_a_.get());
    transform_y_kernel<<<grid, kThreadsPerBlock>>>(rows, cols, forward_y_.get(), work_a_.get(),
                                                   work_b_.get());
    coefficient_kernel<<<grid, kThreadsPerBlock>>>(
        rows, cols, kPi / s_.bins.width, kPi / s_.bins.height, 1.0 / (4.0 * cols * rows),
        work_b_.get(), work_a_.get(), coefficient_x_.get(), coefficient_y_.get());
    check_launch("forward transform");
    evaluate(cosine_x_, cosine_y_, work_a_, potential_);
    evaluate(sine_x_, cosine_y_, coefficient_x_, field_x_);
    evaluate(cosine_x_, sine_y_, coefficient_y_, field_y_);
    if (s_.movable > 0) {
      gather_field_kernel<<<blocks_for(s_.movable), kThreadsPerBlock>>>(
          s_.movable, s_.bins, x_.get(), y_.get(), width_.get(), height_.get(), field_x_.get(),
          field_y_.get(), gradient_x_.get(), gradient_y_.get());
      check_launch("gather_field_kernel");
    }
    download_gradients(grad_x, grad_y);
    check(cudaMemcpy(host_charge_.data(), charge_.get(), bins * sizeof(double),
                     cudaMemcpyDeviceToHost),
          "cudaMemcpy charge");
    check(cudaMemcpy(host_real_charge_.data(), real_charge_.get(), bins * sizeof(double),
                     cudaMemcpyDeviceToHost),
          "cudaMemcpy real charge");
    check(cudaMemcpy(host_potential_.data(), potential_.get(), bins * sizeof(double),
                     cudaMemcpyDeviceToHost),
          "cudaMemcpy potential");
    // The small reductions run on the host, in the CPU backend's order.
    DensityValue value;
    double overflow = 0, energy = 0;
    for (std::size_t b = 0; b < bins; ++b) {
      host_rho_[b] = host_real_charge_[b] / bin_area;
      overflow += std::fmax(0.0, host_real_charge_[b] - s_.target_density * bin_area);
      value.max_density = std::fmax(value.max_density, host_rho_[b]);
      energy += host_charge_[b] * host_potential_[b];
    }
    value.overflow = s_.movable_area > 0 ? overflow / s_.movable_area : 0.0;
    value.energy = 0.5 * energy;
    return value;
  }

  std::vector<double> density_map() const override { return host_rho_; }

 private:
  void upload_positions(const double* x, const double* y) {
    upload(&x_, x, static_cast<std::size_t>(s_.objects));
    upload(&y_, y, static_cast<std::size_t>(s_.objects));
  }

  void gather_entries(const double* x, const double* y) {
    upload_positions(x, y);
    const auto entries = static_cast<std::int64_t>(s_.net_terminals.size());
    if (entries == 0) return;
    gather_entries_kernel<<<blocks_for(static_cast<std::size_t>(entries)), kThreadsPerBlock>>>(
        entries, net_terminals_.get(), pin_object_.get(), pin_offset_x_.get(), pin_offset_y_.get(),
        x_.get(), y_.get(), entry_x_.get(), entry_y_.get());
    check_launch("gather_entries_kernel");
  }

  // out = evaluation along x (table_x) then along y (table_y) of the coefficients `in`.
  void evaluate(const DeviceBuffer<double>& table_x, const DeviceBuffer<double>& table_y,
                const DeviceBuffer<double>& in, DeviceBuffer<double>& out) {
    const unsigned grid = blocks_for(s_.bin_count());
    transform_x_kernel<<<grid, kThreadsPerBlock>>>(s_.bins.rows, s_.bins.cols, table_x.get(),
                                                   in.get(), work_b_.get());
    transform_y_kernel<<<grid, kThreadsPerBlock>>>(s_.bins.rows, s_.bins.cols, table_y.get(),
                                                   work_b_.get(), out.get());
    check_launch("inverse transform");
  }

  void download_gradients(double* grad_x, double* grad_y) {
    const std::size_t bytes = static_cast<std::size_t>(s_.movable) * sizeof(double);
    if (bytes == 0) return;
    check(cudaMemcpy(grad_x, gradient_x_.get(), bytes, cudaMemcpyDeviceToHost), "cudaMemcpy");
    check(cudaMemcpy(grad_y, gradient_y_.get(), bytes, cudaMemcpyDeviceToHost), "cudaMemcpy");
  }

  double sum_net_values() {
    const std::size_t nets = host_net_value_.size();
    if (nets == 0) return 0;
    check(cudaMemcpy(host_net_value_.data(), net_value_.get(), nets * sizeof(double),
                     cudaMemcpyDeviceToHost),
          "cudaMemcpy net values");
    double sum = 0;
    for (const double value : host_net_value_) sum += value;
    return sum;
  }

  AnalyticalStructure s_;
  DeviceBuffer<double> width_, height_, pin_offset_x_, pin_offset_y_, net_weight_, x_, y_;
  DeviceBuffer<std::int32_t> pin_object_, net_begin_, net_terminals_, entries_begin_, entries_;
  DeviceBuffer<std::uint8_t> net_used_;
  DeviceBuffer<double> entry_x_, entry_y_, grad_entry_x_, grad_entry_y_, scratch_, net_value_;
  DeviceBuffer<double> gradient_x_, gradient_y_;
  DeviceBuffer<unsigned long long> charge_fixed_;
  DeviceBuffer<double> charge_, real_charge_, rho_, work_a_, work_b_, potential_, field_x_,
      field_y_;
  DeviceBuffer<double> coefficient_x_, coefficient_y_;
  DeviceBuffer<double> forward_x_, cosine_x_, sine_x_, forward_y_, cosine_y_, sine_y_;
  std::vector<double> host_net_value_, host_charge_, host_real_charge_, host_rho_, host_potential_;
};

}  // namespace

std::unique_ptr<AnalyticalKernels> make_cuda_analytical_kernels(std::string* error) {
  if (!cuda_runtime_has_device()) {
    if (error != nullptr) *error = "no CUDA device is available";
    return nullptr;
  }
  return std::make_unique<CudaAnalyticalKernels>();
}

}  // namespace macroplace::kernels
