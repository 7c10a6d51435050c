// Built instead of the CUDA backend when no CUDA toolkit was found.
#include "cpu_cost_kernels.h"

namespace macroplace::kernels {

std::unique_ptr<CostKernels> make_cuda_cost_kernels(std::string* error) {
  if (error != nullptr) *error = "macroplace was built without CUDA (no toolkit found)";
  return nullptr;
}

std::unique_ptr<AnalyticalKernels> make_cuda_analytical_kernels(std::string* error) {
  if (error != nullptr) *error = "macroplace was built without CUDA (no toolkit found)";
  return nullptr;
}

bool cuda_runtime_has_device() {
  return false;
}

}  // namespace macroplace::kernels
