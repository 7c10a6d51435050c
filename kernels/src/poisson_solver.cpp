// Poisson's equation by cosine transforms (ePlace, section 4): with the bin densities expanded
// as rho = sum_uv c_u c_v a_uv cos(w_u x) cos(w_v y) (c_0 = 1, c_k = 2, x and y at bin centres,
// w_u = pi u / canvas width), the potential is sum c c a_uv / (w_u^2 + w_v^2) cos cos (the (0,0)
// term, the mean, dropped) and the field is its derivative, a sine series along one axis.
//
// FFTW's real-to-real kinds give exactly these sums: REDFT10 (DCT-II) takes the bins to 4 rows
// cols a_uv, REDFT01 (DCT-III) evaluates X_0 + 2 sum_k X_k cos(...), and RODFT01 (DST-III)
// evaluates 2 sum_k X_k sin(pi (j + 1/2)(k + 1) / n) + (-1)^j X_(n-1), so the sine series over
// u = 1..n-1 is RODFT01 of the coefficients shifted down by one with X_(n-1) = 0. Plans are made
// with FFTW_ESTIMATE so that the same algorithm, hence the same rounding, runs every time.
#include <fftw3.h>

#include <cstring>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "macroplace/kernels/analytical_kernels.h"

namespace macroplace::kernels {

namespace {

constexpr double kPi = 3.14159265358979323846;

// FFTW's planner is not thread-safe; plans are made under this lock (execution is safe).
std::mutex& planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

struct PoissonSolver::Plans {
  double* input = nullptr;
  double* output = nullptr;
  fftw_plan forward = nullptr;       // DCT-II in both axes
  fftw_plan potential = nullptr;     // DCT-III in both axes
  fftw_plan field_x = nullptr;       // DST-III along x (columns), DCT-III along y (rows)
  fftw_plan field_y = nullptr;       // DCT-III along x, DST-III along y
  std::vector<double> coefficients;  // a_uv / (w_u^2 + w_v^2)

  ~Plans() {
    const std::lock_guard<std::mutex> lock(planner_mutex());
    for (fftw_plan plan : {forward, potential, field_x, field_y}) {
      if (plan != nullptr) fftw_destroy_plan(plan);
    }
    fftw_free(input);
    fftw_free(output);
  }
};

PoissonSolver::PoissonSolver(std::int32_t cols, std::int32_t rows, double bin_width,
                             double bin_height)
    : cols_(cols),
      rows_(rows),
      bin_width_(bin_width),
      bin_height_(bin_height),
      plans_(std::make_unique<Plans>()) {
  if (cols < 2 || rows < 2) throw std::invalid_argument("PoissonSolver needs at least 2 x 2 bins");
  const std::size_t size = static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows);
  plans_->coefficients.assign(size, 0.0);
  const std::lock_guard<std::mutex> lock(planner_mutex());
  plans_->input = fftw_alloc_real(size);
  plans_->output = fftw_alloc_real(size);
  // Row-major [row][col]: FFTW's first dimension is y (rows), the second x (columns).
  const auto plan = [&](fftw_r2r_kind along_y, fftw_r2r_kind along_x) {
    return fftw_plan_r2r_2d(rows, cols, plans_->input, plans_->output, along_y, along_x,
                            FFTW_ESTIMATE);
  };
  plans_->forward = plan(FFTW_REDFT10, FFTW_REDFT10);
  plans_->potential = plan(FFTW_REDFT01, FFTW_REDFT01);
  plans_->field_x = plan(FFTW_REDFT01, FFTW_RODFT01);
  plans_->field_y = plan(FFTW_RODFT01, FFTW_REDFT01);
}

PoissonSolver::~PoissonSolver() = default;

void PoissonSolver::solve(const double* rho, double* potential, double* field_x, double* field_y) {
  const std::size_t size = static_cast<std::size_t>(cols_) * static_cast<std::size_t>(rows_);
  Plans& p = *plans_;
  std::memcpy(p.input, rho, size * sizeof(double));
  fftw_execute(p.forward);
  const double normalisation = 1.0 / (4.0 * cols_ * rows_);
  const double wx = kPi / (cols_ * bin_width_);
  const double wy = kPi / (rows_ * bin_height_);
  for (std::int32_t v = 0; v < rows_; ++v) {
    for (std::int32_t u = 0; u < cols_; ++u) {
      const double w2 = (u * wx) * (u * wx) + (v * wy) * (v * wy);
      const std::size_t i = static_cast<std::size_t>(v) * cols_ + u;
      p.coefficients[i] = (u == 0 && v == 0) ? 0.0 : p.output[i] * normalisation / w2;
    }
  }
  std::memcpy(p.input, p.coefficients.data(), size * sizeof(double));
  fftw_execute(p.potential);
  std::memcpy(potential, p.output, size * sizeof(double));

  // Field along x: coefficient (v, u) x w_u, shifted to index u - 1 along x.
  for (std::int32_t v = 0; v < rows_; ++v) {
    double* row = p.input + static_cast<std::size_t>(v) * cols_;
    const double* a = p.coefficients.data() + static_cast<std::size_t>(v) * cols_;
    for (std::int32_t k = 0; k + 1 < cols_; ++k) row[k] = a[k + 1] * ((k + 1) * wx);
    row[cols_ - 1] = 0.0;
  }
  fftw_execute(p.field_x);
  std::memcpy(field_x, p.output, size * sizeof(double));

  // Field along y: coefficient (v, u) x w_v, shifted to index v - 1 along y.
  for (std::int32_t k = 0; k + 1 < rows_; ++k) {
    double* row = p.input + static_cast<std::size_t>(k) * cols_;
    const double* a = p.coefficients.data() + static_cast<std::size_t>(k + 1) * cols_;
    for (std::int32_t u = 0; u < cols_; ++u) row[u] = a[u] * ((k + 1) * wy);
  }
  std::memset(p.input + static_cast<std::size_t>(rows_ - 1) * cols_, 0, cols_ * sizeof(double));
  fftw_execute(p.field_y);
  std::memcpy(field_y, p.output, size * sizeof(double));
}

}  // namespace macroplace::kernels
