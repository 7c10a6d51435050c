// The CPU backend of CostKernels (OpenMP where it pays and stays deterministic).
#pragma once

#include <memory>

#include "macroplace/kernels/cost_kernels.h"

namespace macroplace::kernels {

std::unique_ptr<CostKernels> make_cpu_cost_kernels();
// Defined in cuda_cost_kernels.cu when CUDA is built, otherwise by the stub.
std::unique_ptr<CostKernels> make_cuda_cost_kernels(std::string* error);
bool cuda_runtime_has_device();

}  // namespace macroplace::kernels
