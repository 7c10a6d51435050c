// The backends behind the factories: the CPU ones (OpenMP where it pays and stays deterministic)
// and the CUDA ones (or their stubs when CUDA is not built).
#pragma once

#include <memory>

#include "macroplace/kernels/analytical_kernels.h"
#include "macroplace/kernels/cost_kernels.h"

namespace macroplace::kernels {

std::unique_ptr<CostKernels> make_cpu_cost_kernels();
std::unique_ptr<AnalyticalKernels> make_cpu_analytical_kernels();
// Defined in the .cu files when CUDA is built, otherwise by the stub.
std::unique_ptr<CostKernels> make_cuda_cost_kernels(std::string* error);
std::unique_ptr<AnalyticalKernels> make_cuda_analytical_kernels(std::string* error);
bool cuda_runtime_has_device();

}  // namespace macroplace::kernels
