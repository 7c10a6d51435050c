// What the CUDA backends share: checked calls, launch sizes, growing device buffers, fixed-point
// atomics. Only included by .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>

namespace macroplace::kernels::cuda {

constexpr int kThreadsPerBlock = 256;

// Every CUDA call is checked; a failure throws std::runtime_error carrying the CUDA error string.
inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("CUDA backend: ") + what + ": " +
                             cudaGetErrorString(status));
  }
}

// A launch is checked twice: configuration errors at once, execution errors at the next sync.
inline void check_launch(const char* kernel) {
  check(cudaGetLastError(), kernel);
}

inline unsigned blocks_for(std::size_t items) {
  return static_cast<unsigned>((items + kThreadsPerBlock - 1) / kThreadsPerBlock);
}

// A device array that keeps its storage across calls and grows when needed.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (data_ != nullptr) cudaFree(data_);  // nothing to do about an error in a destructor
  }
  // Returns true when the storage was (re)allocated, so its contents are undefined.
  bool reserve(std::size_t count) {
    if (count <= capacity_) return false;
    if (data_ != nullptr) check(cudaFree(data_), "cudaFree");
    data_ = nullptr;
    capacity_ = 0;
    check(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)), "cudaMalloc");
    capacity_ = count;
    return true;
  }
  T* get() const { return data_; }

 private:
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

// Copies count elements host -> device (growing the buffer as needed).
template <typename T>
void upload(DeviceBuffer<T>* buffer, const T* host, std::size_t count) {
  buffer->reserve(count);
  if (count > 0) {
    check(cudaMemcpy(buffer->get(), host, count * sizeof(T), cudaMemcpyHostToDevice),
          "cudaMemcpy to device");
  }
}

// Adds value x scale, rounded to an integer, to a 64-bit two's complement slot (fixed_point.h).
__device__ inline void add_fixed(unsigned long long* slot, double value, double scale) {
  atomicAdd(slot, static_cast<unsigned long long>(__double2ll_rn(value * scale)));
}

}  // namespace macroplace::kernels::cuda
