// The row-bucketed, multi-threaded density path (20,000 rectangles and up) equals the plain
// serial sum bit for bit, whatever the number of threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <random>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"

namespace macroplace::kernels {
namespace {

TEST(DensityLarge, BucketedPathEqualsSerialSumAtAnyThreadCount) {
  const GridGeometry grid = make_grid(1000, 800, 24, 21);
  std::mt19937 random(99);
  std::uniform_real_distribution<double> x(-50, 1050), y(-50, 850), size(0.1, 120);
  const int count = 30000;
  std::vector<double> rx(count), ry(count), rw(count), rh(count);
  for (int i = 0; i < count; ++i) {
    rx[i] = x(random);
    ry[i] = y(random);
    rw[i] = size(random);
    rh[i] = size(random) / 4;
  }
  std::vector<double> serial(24 * 21, 0.0);
  for (int i = 0; i < count; ++i) {
    add_rect_area(grid, rx[i] - rw[i] / 2, ry[i] - rh[i] / 2, rx[i] + rw[i] / 2, ry[i] + rh[i] / 2,
                  1.0, 0, grid.rows, serial.data());
  }
  std::string error;
  auto kernels = make_cost_kernels(Backend::kCpu, &error);
  const RectArrays rects{count, rx.data(), ry.data(), rw.data(), rh.data()};
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    std::vector<double> cells(24 * 21, -1.0);
    kernels->density(grid, rects, cells.data());
    for (std::size_t c = 0; c < cells.size(); ++c) {
      ASSERT_EQ(cells[c], serial[c]) << "cell " << c << " with " << threads << " threads";
    }
  }
}

}  // namespace
}  // namespace macroplace::kernels
