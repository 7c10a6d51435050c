// AnalyticalKernels: value and gradient of the analytical placer's objective (weighted-average
// wirelength and electrostatic density, ePlace / DREAMPlace), behind one interface with a CPU
// (OpenMP + FFTW) and a CUDA backend.
//
// Contract: set_design() takes the structure once (objects, pins, nets over pins, bins) and
// copies what it needs; each call then takes object centres x/y (all objects, movable first) and
// overwrites the gradients of the movable objects only. Objects [0, movable) move; the rest are
// fixed and enter the density scaled by the target density (DREAMPlace's rule: a fixed macro then
// never counts as overflow). The density is ePlace's electrostatics: the bin charge map (with
// local smoothing, analytical_math.h) minus its mean is the source of Poisson's equation with
// Neumann boundaries, solved by cosine transforms; energy = 1/2 sum(charge x potential), and an
// object's gradient is minus its charge-weighted field. Both backends are deterministic (bin
// charges are summed in 64-bit fixed point; per-object gradients in a fixed order).
//
//   auto kernels = make_analytical_kernels(Backend::kCpu, &error);
//   kernels->set_design(design);
//   double wa = kernels->wirelength(x, y, gamma, grad_x, grad_y);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/kernels/analytical_math.h"
#include "macroplace/kernels/cost_kernels.h"

namespace macroplace::kernels {

struct AnalyticalDesign {
  std::int32_t objects = 0;  // movable first, then fixed
  std::int32_t movable = 0;
  // The last `fillers` movable objects are filler cells (ePlace): they take part in the density
  // only, so that real cells may sit at the target density instead of spreading over all the
  // free space, and are left out of the overflow.
  std::int32_t fillers = 0;
  const double* width = nullptr;  // per object
  const double* height = nullptr;
  std::int32_t pins = 0;
  const std::int32_t* pin_object = nullptr;  // the object each pin sits on
  const double* pin_offset_x = nullptr;      // from the object's centre
  const double* pin_offset_y = nullptr;
  NetArrays nets;                   // terminals are pin indices
  std::int32_t max_net_degree = 0;  // nets above it are left out of the wirelength; 0 = none
  DensityBins bins;
  double target_density = 1.0;
};

struct DensityValue {
  double energy = 0;  // 1/2 sum over bins of charge x potential
  // Sum over bins of max(0, charge - target x bin area) / movable area, fillers left out.
  double overflow = 0;
  double max_density = 0;  // fillers left out
};

class AnalyticalKernels {
 public:
  virtual ~AnalyticalKernels() = default;
  virtual const char* name() const = 0;

  virtual void set_design(const AnalyticalDesign& design) = 0;
  // Sum over nets of weight x (WA_x + WA_y); gradients per movable object.
  virtual double wirelength(const double* x, const double* y, double gamma, double* grad_x,
                            double* grad_y) = 0;
  // Exact half-perimeter wirelength, weighted, of the same nets (degree limit included).
  virtual double hpwl(const double* x, const double* y) = 0;
  // Electrostatic energy, overflow and gradients per movable object.
  virtual DensityValue density(const double* x, const double* y, double* grad_x,
                               double* grad_y) = 0;
  // The bin densities (charge / bin area, fixed objects included, fillers left out) of the last
  // density() call.
  virtual std::vector<double> density_map() const = 0;
};

// Returns nullptr and sets *error when the backend cannot be had (kCuda without a device).
std::unique_ptr<AnalyticalKernels> make_analytical_kernels(Backend backend, std::string* error);

// Solves -laplacian(psi) = rho - mean(rho) on a cols x rows grid of bins with Neumann boundaries
// (cosine series), in micrometres: returns the potential and the field -grad(psi) at the bin
// centres. The CPU backend's solver, public so that tests check it on analytic modes.
class PoissonSolver {
 public:
  PoissonSolver(std::int32_t cols, std::int32_t rows, double bin_width, double bin_height);
  ~PoissonSolver();
  PoissonSolver(const PoissonSolver&) = delete;
  PoissonSolver& operator=(const PoissonSolver&) = delete;
  void solve(const double* rho, double* potential, double* field_x, double* field_y);

 private:
  struct Plans;
  std::int32_t cols_, rows_;
  double bin_width_, bin_height_;
  std::unique_ptr<Plans> plans_;
};

}  // namespace macroplace::kernels
