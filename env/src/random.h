// Internal: a small, portable random source (SplitMix64), so that a seed gives the same macro
// order and episode seeds with every standard library.
#pragma once

#include <cstdint>

namespace macroplace::env::internal {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) (bound > 0), without modulo bias: values below 2^64 mod bound are
  // drawn again.
  std::uint64_t below(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const std::uint64_t value = next();
      if (value >= threshold) return value % bound;
    }
  }

 private:
  std::uint64_t state_;
};

// A well-mixed seed for stream `index` of a base seed (per-environment, per-episode seeds).
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t index) {
  SplitMix64 mix(seed ^ (0x632be59bd9b4e019ULL * (index + 1)));
  return mix.next();
}

}  // namespace macroplace::env::internal
