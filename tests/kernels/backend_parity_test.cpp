// Kernel parity: the CUDA backend against the CPU backend on random designs, for every method
// of CostKernels. Per-net HPWL and the wirelength must be identical; grid sums may differ by
// summation order only, so they are compared to 1e-9 relative, with a floor of one unit (a cell's
// area, one net weight, one cell side times the allocation) below which the comparison is
// absolute: near-empty cells are never looked at in isolation by the proxy cost.
// Without a CUDA device every parity test reports SKIPPED (label gpu).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"

namespace macroplace::kernels {
namespace {

constexpr double kRelativeTolerance = 1e-9;

struct RandomDesign {
  double width = 0, height = 0;
  std::vector<double> x, y;  // terminal positions
  std::vector<std::int32_t> begin, terminals;
  std::vector<double> weight;
  std::vector<double> rect_x, rect_y, rect_w, rect_h;      // every node with area
  std::vector<double> macro_x, macro_y, macro_w, macro_h;  // hard macros

  NetArrays nets() const {
    return NetArrays{static_cast<std::int32_t>(weight.size()), begin.data(), terminals.data(),
                     weight.data()};
  }
  RectArrays rects() const {
    return RectArrays{static_cast<std::int32_t>(rect_x.size()), rect_x.data(), rect_y.data(),
                      rect_w.data(), rect_h.data()};
  }
  RectArrays macros() const {
    return RectArrays{static_cast<std::int32_t>(macro_x.size()), macro_x.data(), macro_y.data(),
                      macro_w.data(), macro_h.data()};
  }
};

// A few thousand terminals (some outside the canvas, some on grid lines), nets of degree 1..50
// plus a few of degree 500, weights mostly integer but some not dyadic, rectangles from slivers
// to larger than the canvas (some partly outside, some aligned with the cells).
RandomDesign make_random_design(std::uint32_t seed, std::int32_t cols, std::int32_t rows) {
  std::mt19937_64 rng(seed);
  auto uniform = [&rng](double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(rng);
  };
  auto integer = [&rng](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(rng);
  };
  RandomDesign d;
  d.width = 1433.406;
  d.height = 1217.25;
  const double gw = d.width / cols, gh = d.height / rows;

  const int num_terminals = 4000;
  for (int t = 0; t < num_terminals; ++t) {
    double x = uniform(-0.05 * d.width, 1.05 * d.width);
    double y = uniform(-0.05 * d.height, 1.05 * d.height);
    if (t % 17 == 0) x = integer(0, cols) * gw;  // on a vertical grid line
    if (t % 19 == 0) y = integer(0, rows) * gh;
    d.x.push_back(x);
    d.y.push_back(y);
  }
  d.begin.push_back(0);
  auto add_net = [&](int degree, double weight) {
    // Local nets (pins near one spot) give the 2- and 3-cell cases; the rest span the canvas.
    const bool local = integer(0, 2) != 0;
    const int anchor = integer(0, num_terminals - 1);
    for (int k = 0; k < degree; ++k) {
      int t = local ? (anchor + integer(0, 40)) % num_terminals : integer(0, num_terminals - 1);
      if (k > 0 && integer(0, 9) == 0) t = d.terminals[d.terminals.size() - 1];  // repeat a pin
      d.terminals.push_back(t);
    }
    d.begin.push_back(static_cast<std::int32_t>(d.terminals.size()));
    d.weight.push_back(weight);
  };
  for (int n = 0; n < 1500; ++n) {
    const int r = integer(0, 99);
    const int degree = r < 50 ? integer(1, 3) : r < 90 ? integer(4, 12) : integer(13, 50);
    const int w = integer(0, 9);
    const double weight = w < 7 ? 1.0 : w < 9 ? integer(2, 5) : (w == 9 ? 0.3 : 1.0);
    add_net(degree, weight);
  }
  for (int n = 0; n < 4; ++n) add_net(500, n == 0 ? 0.7 : 1.0);

  auto add_rect = [](std::vector<double>* xs, std::vector<double>* ys, std::vector<double>* ws,
                     std::vector<double>* hs, double x, double y, double w, double h) {
    xs->push_back(x);
    ys->push_back(y);
    ws->push_back(w);
    hs->push_back(h);
  };
  for (int i = 0; i < 3000; ++i) {
    const int kind = integer(0, 19);
    double w, h;
    if (kind < 14) {  // standard-cell-sized to a couple of cells
      w = uniform(0.01, 2.5) * gw;
      h = uniform(0.01, 2.5) * gh;
    } else if (kind < 19) {  // macro-sized
      w = uniform(1, 8) * gw;
      h = uniform(1, 8) * gh;
    } else {  // slivers and giants
      w = integer(0, 1) ? uniform(1e-6, 1e-3) : uniform(0.5, 1.3) * d.width;
      h = integer(0, 1) ? uniform(1e-6, 1e-3) : uniform(0.5, 1.3) * d.height;
    }
    add_rect(&d.rect_x, &d.rect_y, &d.rect_w, &d.rect_h, uniform(-0.1, 1.1) * d.width,
             uniform(-0.1, 1.1) * d.height, w, h);
  }
  for (int i = 0; i < 300; ++i) {
    double x, y, w, h;
    if (i % 3 == 0) {  // exactly covering whole cells: no partial-coverage correction
      const int c0 = integer(0, cols - 1), r0 = integer(0, rows - 1);
      const int nc = integer(1, 4), nr = integer(1, 4);
      w = nc * gw;
      h = nr * gh;
      x = c0 * gw + w / 2;
      y = r0 * gh + h / 2;
    } else {
      w = uniform(0.2, 6) * gw;
      h = uniform(0.2, 6) * gh;
      x = uniform(-0.05, 1.05) * d.width;
      y = uniform(-0.05, 1.05) * d.height;
    }
    add_rect(&d.macro_x, &d.macro_y, &d.macro_w, &d.macro_h, x, y, w, h);
  }
  return d;
}

// |cpu - gpu| <= 1e-9 * max(|cpu|, unit) everywhere; reports the first few differences.
void expect_close(const std::vector<double>& cpu, const std::vector<double>& gpu, double unit,
                  const std::string& what) {
  ASSERT_EQ(cpu.size(), gpu.size());
  int reported = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    const double tolerance = kRelativeTolerance * std::max(std::fabs(cpu[i]), unit);
    if (!(std::fabs(cpu[i] - gpu[i]) <= tolerance) && reported++ < 5) {
      ADD_FAILURE() << what << "[" << i << "]: cpu " << cpu[i] << " cuda " << gpu[i]
                    << " (tolerance " << tolerance << ")";
    }
  }
}

struct GridCase {
  std::int32_t cols, rows;
  std::uint32_t seed;
};
// GoogleTest looks this name up to print a parameter.
void PrintTo(const GridCase& c, std::ostream* os) {  // NOLINT(readability-identifier-naming)
  *os << c.cols << "x" << c.rows << " seed " << c.seed;
}

class BackendParityTest : public ::testing::TestWithParam<GridCase> {
 protected:
  void SetUp() override {
    if (!cuda_device_available()) GTEST_SKIP() << "no CUDA device";
    std::string error;
    cpu_ = make_cost_kernels(Backend::kCpu, &error);
    cuda_ = make_cost_kernels(Backend::kCuda, &error);
    ASSERT_NE(cuda_, nullptr) << error;
    ASSERT_STREQ(cuda_->name(), "cuda");
    design_ = make_random_design(GetParam().seed, GetParam().cols, GetParam().rows);
    grid_ = make_grid(design_.width, design_.height, GetParam().cols, GetParam().rows);
  }
  std::size_t cells() const { return static_cast<std::size_t>(grid_.rows) * grid_.cols; }

  std::unique_ptr<CostKernels> cpu_, cuda_;
  RandomDesign design_;
  GridGeometry grid_;
};

TEST_P(BackendParityTest, NetWirelengthIsIdentical) {
  const NetArrays nets = design_.nets();
  std::vector<double> cpu_hpwl(nets.num_nets), cuda_hpwl(nets.num_nets, -1.0);
  const double cpu =
      cpu_->net_wirelength(nets, design_.x.data(), design_.y.data(), cpu_hpwl.data());
  const double cuda =
      cuda_->net_wirelength(nets, design_.x.data(), design_.y.data(), cuda_hpwl.data());
  EXPECT_EQ(cpu, cuda);
  EXPECT_EQ(cpu_hpwl, cuda_hpwl);
}

TEST_P(BackendParityTest, DensityMatches) {
  std::vector<double> cpu(cells()), cuda(cells(), -1.0);
  cpu_->density(grid_, design_.rects(), cpu.data());
  cuda_->density(grid_, design_.rects(), cuda.data());
  expect_close(cpu, cuda, grid_.cell_width * grid_.cell_height, "cell_area");
}

TEST_P(BackendParityTest, NetRoutingMatches) {
  std::vector<double> cpu_h(cells()), cpu_v(cells()), cuda_h(cells(), -1.0), cuda_v(cells(), -1.0);
  cpu_->net_routing(grid_, design_.nets(), design_.x.data(), design_.y.data(), cpu_h.data(),
                    cpu_v.data());
  cuda_->net_routing(grid_, design_.nets(), design_.x.data(), design_.y.data(), cuda_h.data(),
                     cuda_v.data());
  expect_close(cpu_h, cuda_h, 1.0, "h");
  expect_close(cpu_v, cuda_v, 1.0, "v");
}

TEST_P(BackendParityTest, MacroRoutingMatches) {
  const double h_alloc = 39.583, v_alloc = 30.303;
  std::vector<double> cpu_h(cells()), cpu_v(cells()), cuda_h(cells(), -1.0), cuda_v(cells(), -1.0);
  cpu_->macro_routing(grid_, design_.macros(), h_alloc, v_alloc, cpu_h.data(), cpu_v.data());
  cuda_->macro_routing(grid_, design_.macros(), h_alloc, v_alloc, cuda_h.data(), cuda_v.data());
  expect_close(cpu_h, cuda_h, grid_.cell_height * h_alloc, "h");
  expect_close(cpu_v, cuda_v, grid_.cell_width * v_alloc, "v");
}

// Device buffers are kept and grown: a large call, a small one, then the large one again.
TEST_P(BackendParityTest, RepeatedCallsWithChangingSizes) {
  const RandomDesign small = make_random_design(GetParam().seed + 100, 3, 2);
  const GridGeometry small_grid = make_grid(small.width, small.height, 3, 2);
  for (int round = 0; round < 2; ++round) {
    std::vector<double> cpu_h(6), cpu_v(6), cuda_h(6), cuda_v(6);
    cpu_->net_routing(small_grid, small.nets(), small.x.data(), small.y.data(), cpu_h.data(),
                      cpu_v.data());
    cuda_->net_routing(small_grid, small.nets(), small.x.data(), small.y.data(), cuda_h.data(),
                       cuda_v.data());
    expect_close(cpu_h, cuda_h, 1.0, "small h");
    expect_close(cpu_v, cuda_v, 1.0, "small v");

    std::vector<double> big_cpu_h(cells()), big_cpu_v(cells()), big_h(cells()), big_v(cells());
    cpu_->net_routing(grid_, design_.nets(), design_.x.data(), design_.y.data(), big_cpu_h.data(),
                      big_cpu_v.data());
    cuda_->net_routing(grid_, design_.nets(), design_.x.data(), design_.y.data(), big_h.data(),
                       big_v.data());
    expect_close(big_cpu_h, big_h, 1.0, "big h");
    expect_close(big_cpu_v, big_v, 1.0, "big v");
  }
}

TEST_P(BackendParityTest, EmptyInputsGiveZeros) {
  const NetArrays no_nets{};
  const RectArrays no_rects{};
  std::vector<double> h(cells(), -1.0), v(cells(), -1.0);
  EXPECT_EQ(cuda_->net_wirelength(no_nets, nullptr, nullptr, nullptr), 0.0);
  cuda_->net_routing(grid_, no_nets, nullptr, nullptr, h.data(), v.data());
  EXPECT_EQ(h, std::vector<double>(cells(), 0.0));
  EXPECT_EQ(v, std::vector<double>(cells(), 0.0));
  std::fill(h.begin(), h.end(), -1.0);
  cuda_->density(grid_, no_rects, h.data());
  EXPECT_EQ(h, std::vector<double>(cells(), 0.0));
  std::fill(h.begin(), h.end(), -1.0);
  std::fill(v.begin(), v.end(), -1.0);
  cuda_->macro_routing(grid_, no_rects, 1.0, 1.0, h.data(), v.data());
  EXPECT_EQ(h, std::vector<double>(cells(), 0.0));
  EXPECT_EQ(v, std::vector<double>(cells(), 0.0));
}

INSTANTIATE_TEST_SUITE_P(Grids, BackendParityTest,
                         ::testing::Values(GridCase{24, 21, 1}, GridCase{24, 21, 2},
                                           GridCase{128, 128, 3}, GridCase{128, 128, 4}),
                         [](const ::testing::TestParamInfo<GridCase>& param_info) {
                           return std::to_string(param_info.param.cols) + "x" +
                                  std::to_string(param_info.param.rows) + "_seed" +
                                  std::to_string(param_info.param.seed);
                         });

// Runs everywhere: the factory says why when it cannot give a CUDA backend.
TEST(CudaFactoryTest, CudaBackendOnlyWithADevice) {
  std::string error;
  const std::unique_ptr<CostKernels> cuda = make_cost_kernels(Backend::kCuda, &error);
  if (cuda_device_available()) {
    ASSERT_NE(cuda, nullptr) << error;
    EXPECT_STREQ(cuda->name(), "cuda");
  } else {
    EXPECT_EQ(cuda, nullptr);
    EXPECT_FALSE(error.empty());
    const std::unique_ptr<CostKernels> automatic = make_cost_kernels(Backend::kAuto, &error);
    ASSERT_NE(automatic, nullptr);
    EXPECT_STREQ(automatic->name(), "cpu");
  }
}

}  // namespace
}  // namespace macroplace::kernels
