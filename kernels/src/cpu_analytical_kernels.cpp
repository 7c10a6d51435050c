// The CPU backend of AnalyticalKernels: OpenMP loops around analytical_math.h, FFTW for the
// Poisson solve. Deterministic at any thread count: per-net and per-object results land in their
// own slots and are summed in index order; bin charges are 64-bit fixed-point sums.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "analytical_structure.h"
#include "cpu_cost_kernels.h"
#include "fixed_point.h"
#include "macroplace/kernels/analytical_kernels.h"

namespace macroplace::kernels {

namespace {

constexpr std::size_t kParallelMinimum = std::size_t{1} << 17;  // items of work per loop

class CpuAnalyticalKernels final : public AnalyticalKernels {
 public:
  const char* name() const override { return "cpu"; }

  void set_design(const AnalyticalDesign& design) override {
    structure_ = AnalyticalStructure(design);
    const AnalyticalStructure& s = structure_;
    const std::size_t bins = s.bin_count();
    solver_ = std::make_unique<PoissonSolver>(s.bins.cols, s.bins.rows, s.bins.bin_width(),
                                              s.bins.bin_height());
    entry_x_.assign(s.net_terminals.size(), 0.0);
    entry_y_.assign(s.net_terminals.size(), 0.0);
    grad_entry_x_.assign(s.net_terminals.size(), 0.0);
    grad_entry_y_.assign(s.net_terminals.size(), 0.0);
    scratch_.assign(s.net_terminals.size(), 0.0);
    net_value_.assign(s.net_weight.size(), 0.0);
    charge_fixed_.assign(2 * bins, 0);  // [0, bins): cells and fixed objects; then fillers
    real_rho_.assign(bins, 0.0);
    charge_.assign(bins, 0.0);
    rho_.assign(bins, 0.0);
    potential_.assign(bins, 0.0);
    field_x_.assign(bins, 0.0);
    field_y_.assign(bins, 0.0);
  }

  double wirelength(const double* x, const double* y, double gamma, double* grad_x,
                    double* grad_y) override {
    const AnalyticalStructure& s = structure_;
    gather_entries(x, y);
    const auto nets = static_cast<std::int64_t>(s.net_weight.size());
#pragma omp parallel for schedule(dynamic, 256) if (parallel_entries())
    for (std::int64_t n = 0; n < nets; ++n) {
      const std::int32_t begin = s.net_begin[n];
      const std::int32_t end = s.net_begin[n + 1];
      if (!s.net_used[n]) {
        net_value_[n] = 0;
        for (std::int32_t k = begin; k < end; ++k) grad_entry_x_[k] = grad_entry_y_[k] = 0;
        continue;
      }
      double* scratch = &scratch_[begin];
      const double wx =
          wa_net_axis(entry_x_.data(), begin, end, gamma, &grad_entry_x_[begin], scratch);
      const double wy =
          wa_net_axis(entry_y_.data(), begin, end, gamma, &grad_entry_y_[begin], scratch);
      const double weight = s.net_weight[n];
      for (std::int32_t k = begin; k < end; ++k) {
        grad_entry_x_[k] *= weight;
        grad_entry_y_[k] *= weight;
      }
      net_value_[n] = weight * (wx + wy);
    }
    reduce_to_objects(grad_entry_x_, grad_entry_y_, grad_x, grad_y);
    return sum_in_order(net_value_);
  }

  double hpwl(const double* x, const double* y) override {
    const AnalyticalStructure& s = structure_;
    gather_entries(x, y);
    const auto nets = static_cast<std::int64_t>(s.net_weight.size());
#pragma omp parallel for schedule(dynamic, 256) if (parallel_entries())
    for (std::int64_t n = 0; n < nets; ++n) {
      net_value_[n] = s.net_used[n]
                          ? s.net_weight[n] * entries_hpwl(entry_x_.data(), entry_y_.data(),
                                                           s.net_begin[n], s.net_begin[n + 1])
                          : 0.0;
    }
    return sum_in_order(net_value_);
  }

  DensityValue density(const double* x, const double* y, double* grad_x, double* grad_y) override {
    const AnalyticalStructure& s = structure_;
    const DensityBins& bins = s.bins;
    const double scale = s.charge_scale;
    std::fill(charge_fixed_.begin(), charge_fixed_.end(), 0);
    // Fixed objects: their true footprint, at the target density.
    for (std::int32_t i = s.movable; i < s.objects; ++i) {
      const SmoothedRect r = fixed_rect(x[i], y[i], s.width[i], s.height[i], s.target_density);
      for_each_bin_overlap(bins, r, [&](std::int32_t bin, double area) {
        charge_fixed_[bin] += static_cast<std::int64_t>(std::llrint(area * scale));
      });
    }
    const std::int32_t movable = s.movable;
    const std::int32_t filler_begin = s.filler_begin();
    const auto filler_offset = static_cast<std::int64_t>(charge_.size());
#pragma omp parallel for schedule(dynamic, 256) if (parallel_objects())
    for (std::int32_t i = 0; i < movable; ++i) {
      const SmoothedRect r = smoothed_rect(bins, x[i], y[i], s.width[i], s.height[i]);
      std::int64_t* map = charge_fixed_.data() + (i >= filler_begin ? filler_offset : 0);
      for_each_bin_overlap(bins, r, [&](std::int32_t bin, double area) {
        const auto quantum = static_cast<std::int64_t>(std::llrint(area * scale));
#pragma omp atomic
        map[bin] += quantum;
      });
    }
    const double bin_area = bins.bin_width() * bins.bin_height();
    const double inverse_scale = 1.0 / scale;
    DensityValue value;
    double overflow = 0;
    for (std::size_t b = 0; b < charge_.size(); ++b) {
      const double real = static_cast<double>(charge_fixed_[b]) * inverse_scale;
      const double filler = static_cast<double>(charge_fixed_[b + charge_.size()]) * inverse_scale;
      charge_[b] = real + filler;
      rho_[b] = charge_[b] / bin_area;
      real_rho_[b] = real / bin_area;
      overflow += std::max(0.0, real - s.target_density * bin_area);
      value.max_density = std::max(value.max_density, real_rho_[b]);
    }
    value.overflow = s.movable_area > 0 ? overflow / s.movable_area : 0.0;
    solver_->solve(rho_.data(), potential_.data(), field_x_.data(), field_y_.data());
    double energy = 0;
    for (std::size_t b = 0; b < charge_.size(); ++b) energy += charge_[b] * potential_[b];
    value.energy = 0.5 * energy;
#pragma omp parallel for schedule(dynamic, 256) if (parallel_objects())
    for (std::int32_t i = 0; i < movable; ++i) {
      const SmoothedRect r = smoothed_rect(bins, x[i], y[i], s.width[i], s.height[i]);
      double gx = 0, gy = 0;
      for_each_bin_overlap(bins, r, [&](std::int32_t bin, double area) {
        gx -= area * field_x_[bin];
        gy -= area * field_y_[bin];
      });
      grad_x[i] = gx;
      grad_y[i] = gy;
    }
    return value;
  }

  std::vector<double> density_map() const override {
    return real_rho_;
  }

 private:
  // entry_x_[k] / entry_y_[k] = position of net terminal k (its pin).
  void gather_entries(const double* x, const double* y) {
    const AnalyticalStructure& s = structure_;
    const auto entries = static_cast<std::int64_t>(s.net_terminals.size());
#pragma omp parallel for schedule(static) if (parallel_entries())
    for (std::int64_t k = 0; k < entries; ++k) {
      const std::int32_t pin = s.net_terminals[k];
      const std::int32_t object = s.pin_object[pin];
      entry_x_[k] = x[object] + s.pin_offset_x[pin];
      entry_y_[k] = y[object] + s.pin_offset_y[pin];
    }
  }

  void reduce_to_objects(const std::vector<double>& gx, const std::vector<double>& gy,
                         double* grad_x, double* grad_y) const {
    const AnalyticalStructure& s = structure_;
#pragma omp parallel for schedule(dynamic, 256) if (parallel_objects())
    for (std::int32_t i = 0; i < s.movable; ++i) {
      double sx = 0, sy = 0;
      for (std::int32_t e = s.object_entries_begin[i]; e < s.object_entries_begin[i + 1]; ++e) {
        sx += gx[s.object_entries[e]];
        sy += gy[s.object_entries[e]];
      }
      grad_x[i] = sx;
      grad_y[i] = sy;
    }
  }

  // Threads pay only on large designs: on Ariane's 782 clusters the loops take microseconds and
  // OpenMP's barriers cost more than they save (much more when other work shares the cores).
  bool parallel_entries() const {
    return structure_.net_terminals.size() >= kParallelMinimum;
  }
  bool parallel_objects() const {
    return static_cast<std::size_t>(structure_.movable) * 8 >= kParallelMinimum;
  }

  static double sum_in_order(const std::vector<double>& values) {
    double sum = 0;
    for (const double value : values) sum += value;
    return sum;
  }

  AnalyticalStructure structure_;
  std::unique_ptr<PoissonSolver> solver_;
  std::vector<double> entry_x_, entry_y_, grad_entry_x_, grad_entry_y_, scratch_, net_value_;
  std::vector<std::int64_t> charge_fixed_;
  std::vector<double> charge_, rho_, real_rho_, potential_, field_x_, field_y_;
};

}  // namespace

std::unique_ptr<AnalyticalKernels> make_cpu_analytical_kernels() {
  return std::make_unique<CpuAnalyticalKernels>();
}

}  // namespace macroplace::kernels
