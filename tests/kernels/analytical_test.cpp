// The analytical placer's kernels: the Poisson solve on analytic cosine modes, the WA wirelength
// against its definition and finite differences, the density map and overflow on hand-made
// layouts, and determinism across thread counts.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "macroplace/kernels/analytical_kernels.h"
#include "macroplace/kernels/analytical_math.h"

namespace macroplace::kernels {
namespace {

constexpr double kPi = 3.14159265358979323846;

// ---- Poisson ----

struct Mode {
  int u, v;
};

class PoissonModeTest : public ::testing::TestWithParam<Mode> {};

// rho = cos(w_u x) cos(w_v y) at the bin centres solves to psi = rho / (w_u^2 + w_v^2) and
// field = -grad psi, exactly (the discrete transforms invert each other).
TEST_P(PoissonModeTest, SingleCosineModeGivesTheAnalyticPotentialAndField) {
  constexpr std::int32_t kCols = 8, kRows = 6;
  constexpr double kBinWidth = 2.0, kBinHeight = 3.0;
  const Mode mode = GetParam();
  const double wu = kPi * mode.u / (kCols * kBinWidth);
  const double wv = kPi * mode.v / (kRows * kBinHeight);
  const double w2 = wu * wu + wv * wv;
  std::vector<double> rho(kCols * kRows), psi(rho.size()), ex(rho.size()), ey(rho.size());
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kCols; ++c) {
      const double x = (c + 0.5) * kBinWidth, y = (r + 0.5) * kBinHeight;
      rho[r * kCols + c] = std::cos(wu * x) * std::cos(wv * y);
    }
  }
  PoissonSolver solver(kCols, kRows, kBinWidth, kBinHeight);
  solver.solve(rho.data(), psi.data(), ex.data(), ey.data());
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kCols; ++c) {
      const double x = (c + 0.5) * kBinWidth, y = (r + 0.5) * kBinHeight;
      const std::size_t i = r * kCols + c;
      EXPECT_NEAR(psi[i], rho[i] / w2, 1e-12) << "bin " << c << "," << r;
      EXPECT_NEAR(ex[i], wu * std::sin(wu * x) * std::cos(wv * y) / w2, 1e-12);
      EXPECT_NEAR(ey[i], wv * std::cos(wu * x) * std::sin(wv * y) / w2, 1e-12);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, PoissonModeTest,
                         ::testing::Values(Mode{1, 0}, Mode{0, 1}, Mode{1, 1}, Mode{3, 2},
                                           Mode{7, 5}, Mode{7, 0}));

TEST(PoissonSolverTest, UniformDensityHasNoFieldAndModesAddUp) {
  constexpr std::int32_t kCols = 8, kRows = 8;
  PoissonSolver solver(kCols, kRows, 1.0, 1.0);
  std::vector<double> rho(kCols * kRows, 0.7), psi(rho.size()), ex(rho.size()), ey(rho.size());
  solver.solve(rho.data(), psi.data(), ex.data(), ey.data());
  for (std::size_t i = 0; i < rho.size(); ++i) {
    EXPECT_NEAR(psi[i], 0.0, 1e-14);
    EXPECT_NEAR(ex[i], 0.0, 1e-14);
    EXPECT_NEAR(ey[i], 0.0, 1e-14);
  }
  // A density peak: the field points away from it, the potential is highest there.
  std::fill(rho.begin(), rho.end(), 0.0);
  rho[3 * kCols + 3] = 1.0;
  solver.solve(rho.data(), psi.data(), ex.data(), ey.data());
  EXPECT_GT(psi[3 * kCols + 3], psi[3 * kCols + 6]);
  EXPECT_GT(ex[3 * kCols + 5], 0.0);  // right of the peak: pushed right
  EXPECT_LT(ex[3 * kCols + 1], 0.0);  // left of it: pushed left
  EXPECT_GT(ey[5 * kCols + 3], 0.0);
  EXPECT_LT(ey[1 * kCols + 3], 0.0);
}

// ---- WA wirelength ----

TEST(WaNetTest, TendsToTheSpanAndItsGradientMatchesFiniteDifferences) {
  const std::vector<double> two = {0.0, 10.0};
  std::vector<double> grad(2), scratch(6);
  EXPECT_NEAR(wa_net_axis(two.data(), 0, 2, 0.01, grad.data(), scratch.data()), 10.0, 1e-9);
  EXPECT_NEAR(grad[0], -1.0, 1e-9);
  EXPECT_NEAR(grad[1], 1.0, 1e-9);
  // Two terminals at a and b, gamma g: WA = (b - a) tanh((b - a) / (2 g)) ... in closed form
  // WA = (b e^(b/g) + a e^(a/g)) / (e^(a/g) + e^(b/g)) - (a e^(-a/g) + b e^(-b/g)) /
  // (e^(-a/g) + e^(-b/g)) = (b - a) (e^d - 1) / (e^d + 1) with d = (b - a) / g.
  const double d = 10.0 / 4.0;
  EXPECT_NEAR(wa_net_axis(two.data(), 0, 2, 4.0, grad.data(), scratch.data()),
              10.0 * (std::exp(d) - 1) / (std::exp(d) + 1), 1e-12);

  std::mt19937 random(7);
  std::uniform_real_distribution<double> position(-50, 50);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> pos(6);
    for (double& p : pos) p = position(random);
    const double gamma = 3.0;
    std::vector<double> g(6), work(6);
    const double value = wa_net_axis(pos.data(), 0, 6, gamma, g.data(), scratch.data());
    const double low = *std::min_element(pos.begin(), pos.end());
    const double high = *std::max_element(pos.begin(), pos.end());
    EXPECT_GT(value, 0.0);
    EXPECT_LE(value, high - low + 1e-12);
    for (int k = 0; k < 6; ++k) {
      const double h = 1e-5;
      std::vector<double> plus = pos, minus = pos;
      plus[k] += h;
      minus[k] -= h;
      const double numeric = (wa_net_axis(plus.data(), 0, 6, gamma, work.data(), scratch.data()) -
                              wa_net_axis(minus.data(), 0, 6, gamma, work.data(), scratch.data())) /
                             (2 * h);
      EXPECT_NEAR(g[k], numeric, 1e-7) << "terminal " << k;
    }
  }
}

// ---- whole-design kernels on a small design ----

// Objects 0..2 movable, 3 fixed; pins with offsets; three nets (one of degree 1, ignored).
struct SmallDesign {
  std::vector<double> width{4, 6, 2, 10}, height{4, 2, 2, 10};
  std::vector<std::int32_t> pin_object{0, 1, 1, 2, 3, 0};
  std::vector<double> offset_x{1, -2, 2, 0, 3, 0}, offset_y{0, 0, 1, 0, -4, 0};
  std::vector<std::int32_t> net_begin{0, 3, 5, 6};
  std::vector<std::int32_t> net_terminals{0, 1, 4, 2, 3, 5};
  std::vector<double> net_weight{1.0, 2.5, 1.0};
  AnalyticalDesign design() const {
    AnalyticalDesign d;
    d.objects = 4;
    d.movable = 3;
    d.width = width.data();
    d.height = height.data();
    d.pins = 6;
    d.pin_object = pin_object.data();
    d.pin_offset_x = offset_x.data();
    d.pin_offset_y = offset_y.data();
    d.nets.num_nets = 3;
    d.nets.begin = net_begin.data();
    d.nets.terminals = net_terminals.data();
    d.nets.weight = net_weight.data();
    d.bins.cols = 8;
    d.bins.rows = 8;
    d.bins.width = 64;
    d.bins.height = 64;
    d.target_density = 0.5;
    return d;
  }
};

std::unique_ptr<AnalyticalKernels> cpu_kernels(const AnalyticalDesign& design) {
  std::string error;
  auto kernels = make_analytical_kernels(Backend::kCpu, &error);
  EXPECT_NE(kernels, nullptr) << error;
  kernels->set_design(design);
  return kernels;
}

TEST(AnalyticalKernelsTest, WirelengthIsTheWeightedWaSumAndItsGradientIsExact) {
  const SmallDesign small;
  auto kernels = cpu_kernels(small.design());
  std::vector<double> x{10, 30, 50, 20}, y{12, 40, 8, 50};
  const double gamma = 2.0;
  std::vector<double> gx(3), gy(3);
  const double value = kernels->wirelength(x.data(), y.data(), gamma, gx.data(), gy.data());
  // By hand from the definition: net 0 = pins 0, 1, 4; net 1 = pins 2, 3 (net 2 has degree 1).
  const std::vector<double> net0_x{10 + 1, 30 - 2, 20 + 3}, net0_y{12, 40, 50 - 4};
  const std::vector<double> net1_x{30 + 2, 50}, net1_y{40 + 1, 8};
  std::vector<double> g(3), scratch(3);
  const double expected =
      1.0 * (wa_net_axis(net0_x.data(), 0, 3, gamma, g.data(), scratch.data()) +
             wa_net_axis(net0_y.data(), 0, 3, gamma, g.data(), scratch.data())) +
      2.5 * (wa_net_axis(net1_x.data(), 0, 2, gamma, g.data(), scratch.data()) +
             wa_net_axis(net1_y.data(), 0, 2, gamma, g.data(), scratch.data()));
  EXPECT_NEAR(value, expected, 1e-12);
  for (int i = 0; i < 3; ++i) {
    for (int axis = 0; axis < 2; ++axis) {
      const double h = 1e-5;
      std::vector<double> px = x, py = y, mx = x, my = y;
      (axis == 0 ? px : py)[i] += h;
      (axis == 0 ? mx : my)[i] -= h;
      std::vector<double> sx(3), sy(3);
      const double numeric =
          (kernels->wirelength(px.data(), py.data(), gamma, sx.data(), sy.data()) -
           kernels->wirelength(mx.data(), my.data(), gamma, sx.data(), sy.data())) /
          (2 * h);
      EXPECT_NEAR(axis == 0 ? gx[i] : gy[i], numeric, 1e-6) << "object " << i << " axis " << axis;
    }
  }
  // HPWL: net 0 spans x 11..28, y 12..46 = 17 + 34; net 1 spans 32..50, 8..41 = 18 + 33.
  EXPECT_NEAR(kernels->hpwl(x.data(), y.data()), 1.0 * (17 + 34) + 2.5 * (18 + 33), 1e-12);
}

TEST(AnalyticalKernelsTest, MaxNetDegreeLeavesLargeNetsOut) {
  const SmallDesign small;
  AnalyticalDesign design = small.design();
  design.max_net_degree = 2;
  auto kernels = cpu_kernels(design);
  std::vector<double> x{10, 30, 50, 20}, y{12, 40, 8, 50};
  EXPECT_NEAR(kernels->hpwl(x.data(), y.data()), 2.5 * (18 + 33), 1e-12);
  std::vector<double> gx(3), gy(3);
  kernels->wirelength(x.data(), y.data(), 1.0, gx.data(), gy.data());
  EXPECT_EQ(gx[0], 0.0);  // object 0 is only on the 3-pin net
  EXPECT_EQ(gy[0], 0.0);
}

// A design for the density tests: objects of the given sizes ([0, movable) movable), a 64 x 64
// um canvas in `bins` x `bins` bins, and a single one-pin net (the wirelength plays no part).
struct DensityOnlyDesign {
  std::vector<double> width, height;
  std::vector<std::int32_t> pin_object{0};
  std::vector<double> offsets{0};
  std::vector<std::int32_t> net_begin{0, 1}, terminals{0};
  std::vector<double> weight{1};
  AnalyticalDesign design(std::int32_t movable, std::int32_t bins, double target) const {
    AnalyticalDesign d;
    d.objects = static_cast<std::int32_t>(width.size());
    d.movable = movable;
    d.width = width.data();
    d.height = height.data();
    d.pins = 1;
    d.pin_object = pin_object.data();
    d.pin_offset_x = offsets.data();
    d.pin_offset_y = offsets.data();
    d.nets = NetArrays{1, net_begin.data(), terminals.data(), weight.data()};
    d.bins = DensityBins{bins, bins, 0, 0, 64, 64};
    d.target_density = target;
    return d;
  }
};

TEST(AnalyticalKernelsTest, DensityMapOverflowAndChargeConservation) {
  // 8 x 8 bins of 8 x 8 um. Object 0 (16 x 16) exactly covers bins (1..2, 1..2): density 1
  // there. The fixed object (10 x 10, target 0.5) adds 0.5 x its overlap. Small objects are
  // smoothed but keep their area.
  const DensityOnlyDesign objects{{16, 1, 3, 8}, {16, 1, 2.5, 8}};
  const AnalyticalDesign design = objects.design(3, 8, 0.5);
  auto kernels = cpu_kernels(design);
  // Object 3 (fixed, 8 x 8) exactly covers bin (column 2, row 6).
  std::vector<double> x{16, 44.5, 50, 20}, y{16, 20.5, 44, 52};
  std::vector<double> gx(3), gy(3);
  const DensityValue value = kernels->density(x.data(), y.data(), gx.data(), gy.data());
  const std::vector<double> map = kernels->density_map();
  for (int r = 1; r <= 2; ++r) {
    for (int c = 1; c <= 2; ++c) EXPECT_NEAR(map[r * 8 + c], 1.0, 1e-12);
  }
  EXPECT_NEAR(map[6 * 8 + 2], 0.5, 1e-12);
  double total = 0;
  for (double d : map) total += d * 64.0;
  EXPECT_NEAR(total, 256 + 1 + 7.5 + 0.5 * 64, 1e-9);
  // Overflow: the four full bins exceed 0.5 by 0.5 x 64 each; the smoothed small objects stay
  // below the target (their density is at most 1 / (sqrt(2) x 8)^2 and 7.5 / 128 per bin).
  EXPECT_NEAR(value.overflow, 4 * 0.5 * 64 / (256 + 1 + 7.5), 1e-9);
  EXPECT_NEAR(value.max_density, 1.0, 1e-12);
  EXPECT_GT(value.energy, 0.0);
}

TEST(AnalyticalKernelsTest, DensityGradientPushesOverlappingObjectsApart) {
  const DensityOnlyDesign objects{{12, 12}, {12, 12}};
  const AnalyticalDesign design = objects.design(2, 16, 1.0);
  auto kernels = cpu_kernels(design);
  // Mirror images about x = 32 at the same height: gradients opposite in x, equal in y.
  std::vector<double> x{29, 35}, y{32, 32};
  std::vector<double> gx(2), gy(2);
  kernels->density(x.data(), y.data(), gx.data(), gy.data());
  EXPECT_GT(gx[0], 0.0);  // descending -grad moves the left object left
  EXPECT_LT(gx[1], 0.0);
  EXPECT_NEAR(gx[0], -gx[1], 1e-9 * std::fabs(gx[0]));
  EXPECT_NEAR(gy[0], gy[1], 1e-9 * std::fabs(gx[0]));
}

TEST(AnalyticalKernelsTest, FillersPushButStayOutOfOverflowAndTheMap) {
  // Two 16 x 16 objects (large enough not to be smoothed) on the same 2 x 2 bins; the second is
  // a filler. The map and the overflow see only the first; the field (hence both gradients)
  // sees both.
  const DensityOnlyDesign objects{{16, 16}, {16, 16}};
  AnalyticalDesign design = objects.design(2, 8, 0.5);
  std::vector<double> x{24, 24}, y{24, 24};  // both exactly on bins (columns 2-3, rows 2-3)
  std::vector<double> gx(2), gy(2);
  auto without = cpu_kernels(design);
  const DensityValue both_real = without->density(x.data(), y.data(), gx.data(), gy.data());
  EXPECT_NEAR(without->density_map()[3 * 8 + 3], 2.0, 1e-12);
  EXPECT_NEAR(both_real.overflow, 4 * (2.0 - 0.5) * 64 / 512, 1e-12);
  design.fillers = 1;
  auto with = cpu_kernels(design);
  std::vector<double> fx(2), fy(2);
  const DensityValue one_real = with->density(x.data(), y.data(), fx.data(), fy.data());
  EXPECT_NEAR(with->density_map()[3 * 8 + 3], 1.0, 1e-12);
  EXPECT_NEAR(one_real.overflow, 4 * (1.0 - 0.5) * 64 / 256, 1e-12);
  EXPECT_NEAR(one_real.max_density, 1.0, 1e-12);
  // Same charges in the Poisson source: same energy and gradients.
  EXPECT_NEAR(one_real.energy, both_real.energy, 1e-12 * std::fabs(both_real.energy));
  EXPECT_NEAR(fx[0], gx[0], 1e-12 * std::fabs(gx[0]) + 1e-15);
  EXPECT_NEAR(fy[1], gy[1], 1e-12 * std::fabs(gy[1]) + 1e-15);
}

TEST(AnalyticalKernelsTest, ResultsDoNotDependOnTheThreadCount) {
  // 20000 random objects and 30000 nets (enough for the threaded loops): every output
  // bit-identical on 1 and 2 threads.
  std::mt19937 random(3);
  std::uniform_real_distribution<double> coordinate(0, 300), size(0.5, 6);
  const std::int32_t objects = 20000, movable = 19000;
  std::vector<double> width(objects), height(objects), x(objects), y(objects);
  for (std::int32_t i = 0; i < objects; ++i) {
    width[i] = size(random);
    height[i] = size(random);
    x[i] = coordinate(random);
    y[i] = coordinate(random);
  }
  std::vector<std::int32_t> pin_object(objects);
  std::vector<double> offsets(objects, 0.25);
  for (std::int32_t i = 0; i < objects; ++i) pin_object[i] = i;
  std::vector<std::int32_t> begin{0}, terminals;
  std::vector<double> weight;
  std::uniform_int_distribution<std::int32_t> pick(0, objects - 1), degree(2, 8);
  for (int n = 0; n < 30000; ++n) {
    const std::int32_t d = degree(random);
    for (std::int32_t k = 0; k < d; ++k) terminals.push_back(pick(random));
    begin.push_back(static_cast<std::int32_t>(terminals.size()));
    weight.push_back(1.0 + n % 3);
  }
  AnalyticalDesign design;
  design.objects = objects;
  design.movable = movable;
  design.width = width.data();
  design.height = height.data();
  design.pins = objects;
  design.pin_object = pin_object.data();
  design.pin_offset_x = offsets.data();
  design.pin_offset_y = offsets.data();
  design.nets = NetArrays{static_cast<std::int32_t>(weight.size()), begin.data(), terminals.data(),
                          weight.data()};
  design.bins = DensityBins{128, 128, 0, 0, 300, 300};
  auto run = [&](int threads, std::vector<double>* out) {
    omp_set_num_threads(threads);
    auto kernels = cpu_kernels(design);
    std::vector<double> gx(movable), gy(movable), dx(movable), dy(movable);
    out->clear();
    out->push_back(kernels->wirelength(x.data(), y.data(), 1.5, gx.data(), gy.data()));
    const DensityValue value = kernels->density(x.data(), y.data(), dx.data(), dy.data());
    out->push_back(value.energy);
    out->push_back(value.overflow);
    out->insert(out->end(), gx.begin(), gx.end());
    out->insert(out->end(), gy.begin(), gy.end());
    out->insert(out->end(), dx.begin(), dx.end());
    out->insert(out->end(), dy.begin(), dy.end());
  };
  std::vector<double> one, two;
  run(1, &one);
  run(2, &two);
  omp_set_num_threads(omp_get_num_procs());
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t i = 0; i < one.size(); ++i) ASSERT_EQ(one[i], two[i]) << "output " << i;
}

}  // namespace
}  // namespace macroplace::kernels
