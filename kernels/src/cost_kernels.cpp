// The one place where the backend is chosen (STYLE.md: no CUDA conditionals elsewhere).
#include "macroplace/kernels/cost_kernels.h"

#include "cpu_cost_kernels.h"
#include "macroplace/kernels/analytical_kernels.h"

namespace macroplace::kernels {

bool cuda_device_available() {
  return cuda_runtime_has_device();
}

std::unique_ptr<CostKernels> make_cost_kernels(Backend backend, std::string* error) {
  switch (backend) {
    case Backend::kCpu: return make_cpu_cost_kernels();
    case Backend::kCuda: return make_cuda_cost_kernels(error);
    case Backend::kAuto:
      if (cuda_runtime_has_device()) {
        std::string ignored;
        if (auto kernels = make_cuda_cost_kernels(&ignored)) return kernels;
      }
      return make_cpu_cost_kernels();
  }
  return nullptr;
}

std::unique_ptr<AnalyticalKernels> make_analytical_kernels(Backend backend, std::string* error) {
  switch (backend) {
    case Backend::kCpu: return make_cpu_analytical_kernels();
    case Backend::kCuda: return make_cuda_analytical_kernels(error);
    case Backend::kAuto:
      if (cuda_runtime_has_device()) {
        std::string ignored;
        if (auto kernels = make_cuda_analytical_kernels(&ignored)) return kernels;
      }
      return make_cpu_analytical_kernels();
  }
  return nullptr;
}

}  // namespace macroplace::kernels
