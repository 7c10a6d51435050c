// gpu_check: CPU-vs-CUDA parity and CUDA kernel timings of CostKernels and AnalyticalKernels
// (through the public factory), in one program that needs
// only the kernels sources (no GoogleTest, no Google Benchmark, no zlib), for machines that lend
// a GPU but lack the project's development packages. Built and run by scripts/gpu-check.
//
// It compiles the CUDA backend into itself (the #include below) to reach the backend's profiling
// hooks, which the library does not export. Output: one JSON object per line,
// {"name": ..., "value": ..., "unit": ...}, then "gpu-check: PASS" or "gpu-check: FAIL".
// Exit status: 0 pass, 1 parity failure, 2 CUDA error, 3 no CUDA device.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cuda_cost_kernels.cu"  // NOLINT: the backend itself, see above
#include "macroplace/kernels/analytical_kernels.h"

namespace mk = macroplace::kernels;

namespace {

constexpr double kRelativeTolerance = 1e-9;
bool g_failed = false;

void emit(const std::string& name, double value, const char* unit) {
  std::printf("{\"name\": \"%s\", \"value\": %.9g, \"unit\": \"%s\"}\n", name.c_str(), value, unit);
  std::fflush(stdout);
}
void emit_text(const std::string& name, const std::string& value) {
  std::printf("{\"name\": \"%s\", \"value\": \"%s\", \"unit\": \"\"}\n", name.c_str(),
              value.c_str());
}

struct Design {
  double width = 0, height = 0;
  std::int32_t cols = 1, rows = 1;
  std::vector<double> x, y;
  std::vector<std::int32_t> begin{0}, terminals;
  std::vector<double> weight;
  std::vector<double> rect_x, rect_y, rect_w, rect_h, macro_x, macro_y, macro_w, macro_h;

  mk::GridGeometry grid() const { return mk::make_grid(width, height, cols, rows); }
  mk::NetArrays nets() const {
    return mk::NetArrays{static_cast<std::int32_t>(weight.size()), begin.data(), terminals.data(),
                         weight.data()};
  }
  mk::RectArrays rects() const {
    return mk::RectArrays{static_cast<std::int32_t>(rect_x.size()), rect_x.data(), rect_y.data(),
                          rect_w.data(), rect_h.data()};
  }
  mk::RectArrays macros() const {
    return mk::RectArrays{static_cast<std::int32_t>(macro_x.size()), macro_x.data(), macro_y.data(),
                          macro_w.data(), macro_h.data()};
  }
  std::size_t cells() const { return static_cast<std::size_t>(cols) * rows; }
};

class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  double uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(rng_);
  }
  int integer(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  double normal(double mean, double sigma) {
    return std::normal_distribution<double>(mean, sigma)(rng_);
  }

 private:
  std::mt19937_64 rng_;
};

// `nets` nets whose pins scatter around a centre (most within a cell or two, some global), a few
// of degree 500 and `huge` of degree 20000; `cells_count` rectangles the size of std-cell
// clusters and `macro_count` macros, some partly outside the canvas. Every pin is a terminal.
Design make_design(std::uint64_t seed, std::int32_t cols, std::int32_t rows, int nets, int huge,
                   int cells_count, int macro_count) {
  Random r(seed);
  Design d;
  d.cols = cols;
  d.rows = rows;
  d.width = 3000.0;
  d.height = 2700.0;
  const double gw = d.width / cols, gh = d.height / rows;
  auto add_net = [&](int degree, double sigma, double weight) {
    const double cx = r.uniform(0, d.width), cy = r.uniform(0, d.height);
    for (int k = 0; k < degree; ++k) {
      double x = r.normal(cx, sigma), y = r.normal(cy, sigma);
      if (r.integer(0, 40) == 0) x = r.integer(0, cols) * gw;  // on a grid line
      if (r.integer(0, 40) == 0) y = r.integer(0, rows) * gh;
      if (k > 0 && r.integer(0, 15) == 0) {  // the same terminal twice
        d.terminals.push_back(d.terminals.back());
        continue;
      }
      d.terminals.push_back(static_cast<std::int32_t>(d.x.size()));
      d.x.push_back(x);
      d.y.push_back(y);
    }
    d.begin.push_back(static_cast<std::int32_t>(d.terminals.size()));
    d.weight.push_back(weight);
  };
  for (int n = 0; n < nets; ++n) {
    const int p = r.integer(0, 99);
    const int degree = p < 60   ? r.integer(2, 3)
                       : p < 90 ? r.integer(4, 10)
                       : p < 97 ? r.integer(11, 20)
                                : r.integer(21, 50);
    const int w = r.integer(0, 19);
    const double weight = w < 15 ? 1.0 : w < 18 ? r.integer(2, 4) : w == 18 ? 0.5 : 0.3;
    add_net(degree, r.integer(0, 19) == 0 ? 0.1 * d.width : 0.6 * gw, weight);
  }
  for (int n = 0; n < std::max(4, nets / 10000); ++n) add_net(500, 0.2 * d.width, 1.0);
  for (int n = 0; n < huge; ++n) add_net(20000, 0.5 * d.width, 1.0);
  for (int i = 0; i < cells_count; ++i) {
    d.rect_x.push_back(r.uniform(-0.02, 1.02) * d.width);
    d.rect_y.push_back(r.uniform(-0.02, 1.02) * d.height);
    d.rect_w.push_back(r.uniform(0.05, 1.5) * gw);
    d.rect_h.push_back(r.uniform(0.05, 1.5) * gh);
  }
  for (int i = 0; i < macro_count; ++i) {
    double w = r.uniform(0.3, 6) * gw, h = r.uniform(0.3, 6) * gh;
    double x = r.uniform(-0.05, 1.05) * d.width, y = r.uniform(-0.05, 1.05) * d.height;
    if (i % 3 == 0) {  // whole cells: no partial-coverage correction
      w = r.integer(1, 5) * gw;
      h = r.integer(1, 5) * gh;
      x = r.integer(0, cols - 1) * gw + w / 2;
      y = r.integer(0, rows - 1) * gh + h / 2;
    }
    d.macro_x.push_back(x);
    d.macro_y.push_back(y);
    d.macro_w.push_back(w);
    d.macro_h.push_back(h);
    // Macros count in the density too.
    d.rect_x.push_back(x);
    d.rect_y.push_back(y);
    d.rect_w.push_back(w);
    d.rect_h.push_back(h);
  }
  return d;
}

// Largest |cpu - cuda| / max(|cpu|, unit); the check passes when it is within 1e-9.
double max_relative_error(const std::vector<double>& cpu, const std::vector<double>& cuda,
                          double unit) {
  double worst = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    const double error = std::fabs(cpu[i] - cuda[i]) / std::max(std::fabs(cpu[i]), unit);
    worst = std::isnan(error) ? INFINITY : std::max(worst, error);
  }
  return worst;
}

void expect_within(const std::string& name, double error) {
  emit(name + "/max_relative_error", error, "1");
  if (!(error <= kRelativeTolerance)) {
    std::fprintf(stderr, "gpu-check: %s: relative error %.3g above %.0e\n", name.c_str(), error,
                 kRelativeTolerance);
    g_failed = true;
  }
}

void expect_true(const std::string& name, bool ok) {
  emit(name, ok ? 1 : 0, "bool");
  if (!ok) {
    std::fprintf(stderr, "gpu-check: %s failed\n", name.c_str());
    g_failed = true;
  }
}

// The results of all four methods on one backend.
struct Results {
  double wirelength = 0;
  std::vector<double> hpwl, density, net_h, net_v, macro_h, macro_v;
};

constexpr double kHAlloc = 39.583, kVAlloc = 30.303;

Results run_all(mk::CostKernels& kernels, const Design& d) {
  Results out;
  const mk::GridGeometry grid = d.grid();
  out.hpwl.resize(d.weight.size());
  out.density.resize(d.cells());
  out.net_h.resize(d.cells());
  out.net_v.resize(d.cells());
  out.macro_h.resize(d.cells());
  out.macro_v.resize(d.cells());
  out.wirelength = kernels.net_wirelength(d.nets(), d.x.data(), d.y.data(), out.hpwl.data());
  kernels.density(grid, d.rects(), out.density.data());
  kernels.net_routing(grid, d.nets(), d.x.data(), d.y.data(), out.net_h.data(), out.net_v.data());
  kernels.macro_routing(grid, d.macros(), kHAlloc, kVAlloc, out.macro_h.data(), out.macro_v.data());
  return out;
}

void compare(const std::string& name, const Design& d, const Results& cpu, const Results& cuda) {
  const mk::GridGeometry grid = d.grid();
  expect_true(name + "/net_wirelength/identical",
              cpu.wirelength == cuda.wirelength && cpu.hpwl == cuda.hpwl);
  expect_within(name + "/density",
                max_relative_error(cpu.density, cuda.density, grid.cell_width * grid.cell_height));
  expect_within(name + "/net_routing_h", max_relative_error(cpu.net_h, cuda.net_h, 1.0));
  expect_within(name + "/net_routing_v", max_relative_error(cpu.net_v, cuda.net_v, 1.0));
  expect_within(name + "/macro_routing_h",
                max_relative_error(cpu.macro_h, cuda.macro_h, grid.cell_height * kHAlloc));
  expect_within(name + "/macro_routing_v",
                max_relative_error(cpu.macro_v, cuda.macro_v, grid.cell_width * kVAlloc));
}

bool identical(const Results& a, const Results& b) {
  return a.wirelength == b.wirelength && a.hpwl == b.hpwl && a.density == b.density &&
         a.net_h == b.net_h && a.net_v == b.net_v && a.macro_h == b.macro_h &&
         a.macro_v == b.macro_v;
}

// Counts what the kernels touch, for the bytes model of the bandwidth figures.
struct CountingAccumulator {
  std::size_t units = 0;
  __host__ __device__ void horizontal(std::int32_t, std::int32_t, double) { ++units; }
  __host__ __device__ void vertical(std::int32_t, std::int32_t, double) { ++units; }
};

struct Traffic {
  double wirelength = 0, density = 0, net_routing = 0, macro_routing = 0;  // bytes
};

// Bytes each method's kernels must read and write at least: inputs once (positions once per
// pin), 16 bytes per fixed-point atomic (read + write of 8), grid clears and conversions.
Traffic traffic_of(const Design& d) {
  const mk::GridGeometry grid = d.grid();
  const double nets = static_cast<double>(d.weight.size());
  const double pins = static_cast<double>(d.terminals.size());
  const double cells = static_cast<double>(d.cells());
  Traffic t;
  t.wirelength = 4 * (nets + 1) + 4 * pins + 16 * pins + 8 * nets;

  double contributions = 0;
  for (std::size_t i = 0; i < d.rect_x.size(); ++i) {
    const mk::ClippedRect r =
        mk::clip_to_grid(grid, d.rect_x[i] - d.rect_w[i] / 2, d.rect_y[i] - d.rect_h[i] / 2,
                         d.rect_x[i] + d.rect_w[i] / 2, d.rect_y[i] + d.rect_h[i] / 2);
    if (!r.empty)
      contributions += (r.last_row - r.first_row + 1.0) * (r.last_col - r.first_col + 1.0);
  }
  t.density = 32.0 * static_cast<double>(d.rect_x.size()) + 16 * contributions + 24 * cells;

  CountingAccumulator routes;
  std::vector<std::int64_t> stamp(d.cells(), -1);
  std::vector<mk::Cell> net_cells;
  double star_pins = 0;
  for (std::size_t n = 0; n < d.weight.size(); ++n) {
    const std::int32_t count =
        mk::gather_net_cells(grid, d.terminals.data(), d.begin[n], d.begin[n + 1], d.x.data(),
                             d.y.data(), &stamp, static_cast<std::int64_t>(n), &net_cells);
    if (count > mk::kLocalCells) star_pins += d.begin[n + 1] - d.begin[n];
    mk::route_net(net_cells.data(), count, 0, d.weight[n], routes);
  }
  t.net_routing = 4 * (nets + 1) + 8 * nets + 20 * pins + 3 * 20 * star_pins +
                  16 * static_cast<double>(routes.units) + 2 * 24 * cells;

  CountingAccumulator blockage;
  for (std::size_t i = 0; i < d.macro_x.size(); ++i) {
    const mk::ClippedRect r =
        mk::clip_to_grid(grid, d.macro_x[i] - d.macro_w[i] / 2, d.macro_y[i] - d.macro_h[i] / 2,
                         d.macro_x[i] + d.macro_w[i] / 2, d.macro_y[i] + d.macro_h[i] / 2);
    mk::add_macro_blockage(grid, r, kHAlloc, kVAlloc, 1.0, blockage);
  }
  t.macro_routing = 32.0 * static_cast<double>(d.macro_x.size()) +
                    16 * static_cast<double>(blockage.units) + 2 * 24 * cells;
  return t;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double wall_ms(const std::function<void()>& call) {
  const auto start = std::chrono::steady_clock::now();
  call();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// Times one method: CUDA kernels alone (events around the kernel phase), the device time with the
// copies, the whole call (host wall clock), and the CPU backend's call for comparison.
void time_method(const std::string& method, mk::cuda_backend::CudaCostKernels& cuda,
                 mk::CostKernels& cpu, const std::function<void(mk::CostKernels&)>& call,
                 double bytes, double peak_bytes_per_s, int repeats) {
  call(cuda);  // warm-up: allocations, first-launch costs
  std::vector<double> kernels, device, wall, host;
  for (int i = 0; i < repeats; ++i) {
    wall.push_back(wall_ms([&] { call(cuda); }));
    const mk::cuda_backend::CallTiming t = cuda.last_timing();
    kernels.push_back(t.kernels_ms);
    device.push_back(t.upload_ms + t.kernels_ms + t.download_ms);
  }
  for (int i = 0; i < 3; ++i) host.push_back(wall_ms([&] { call(cpu); }));
  const double kernel_ms = median(kernels);
  const double achieved = bytes / (kernel_ms * 1e-3);
  const std::string name = "cuda/" + method;
  emit(name + "/kernel_ms", kernel_ms, "ms");
  emit(name + "/device_ms_with_copies", median(device), "ms");
  emit(name + "/call_ms", median(wall), "ms");
  emit(name + "/kernel_bytes", bytes, "B");
  emit(name + "/kernel_bandwidth", achieved * 1e-9, "GB/s");
  emit(name + "/kernel_bandwidth_fraction_of_peak", achieved / peak_bytes_per_s, "1");
  emit("cpu/" + method + "/call_ms", median(host), "ms");
  emit(name + "/speedup_call_vs_cpu", median(host) / median(wall), "x");
}

void check_analytical();  // below: CPU-vs-CUDA parity of AnalyticalKernels

int run() {
  int device = 0;
  mk::check(cudaGetDevice(&device), "cudaGetDevice");
  cudaDeviceProp props{};
  mk::check(cudaGetDeviceProperties(&props, device), "cudaGetDeviceProperties");
  int memory_clock_khz = 0, bus_width_bits = 0;
  mk::check(cudaDeviceGetAttribute(&memory_clock_khz, cudaDevAttrMemoryClockRate, device),
            "cudaDeviceGetAttribute");
  mk::check(cudaDeviceGetAttribute(&bus_width_bits, cudaDevAttrGlobalMemoryBusWidth, device),
            "cudaDeviceGetAttribute");
  // Double data rate: two transfers per memory clock.
  const double peak = 2.0 * memory_clock_khz * 1e3 * (bus_width_bits / 8.0);
  emit_text("device", props.name);
  emit("device/compute_capability", props.major + props.minor / 10.0, "");
  emit("device/multiprocessors", props.multiProcessorCount, "");
  emit("device/memory_clock", memory_clock_khz * 1e-3, "MHz");
  emit("device/memory_bus_width", bus_width_bits, "bit");
  emit("device/theoretical_bandwidth", peak * 1e-9, "GB/s");
  emit("device/global_memory", static_cast<double>(props.totalGlobalMem) / (1 << 30), "GiB");

  std::string error;
  auto cpu = mk::make_cost_kernels(mk::Backend::kCpu, &error);
  mk::cuda_backend::CudaCostKernels cuda;

  // 1. Random designs like the GoogleTest parity test's: both grids, every method.
  struct Case {
    std::int32_t cols, rows;
    std::uint64_t seed;
  };
  for (const Case& c :
       {Case{24, 21, 1}, Case{24, 21, 2}, Case{128, 128, 3}, Case{128, 128, 4}, Case{3, 2, 5}}) {
    const Design d = make_design(c.seed, c.cols, c.rows, 1500, 0, 3000, 300);
    const std::string name = "parity/random_" + std::to_string(c.cols) + "x" +
                             std::to_string(c.rows) + "_seed" + std::to_string(c.seed);
    compare(name, d, run_all(*cpu, d), run_all(cuda, d));
  }

  // 2. A synthetic design of about a million pins: parity, determinism, timings.
  const auto build_start = std::chrono::steady_clock::now();
  const Design big = make_design(42, 128, 128, 200000, 2, 200000, 1000);
  emit("big/nets", static_cast<double>(big.weight.size()), "");
  emit("big/pins", static_cast<double>(big.terminals.size()), "");
  emit("big/rects", static_cast<double>(big.rect_x.size()), "");
  emit("big/macros", static_cast<double>(big.macro_x.size()), "");
  emit("big/generate_ms",
       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - build_start)
           .count(),
       "ms");
  const Results big_cpu = run_all(*cpu, big);
  const Results big_cuda = run_all(cuda, big);
  compare("parity/big_128x128", big, big_cpu, big_cuda);
  expect_true("determinism/big_128x128/cuda_runs_bit_identical",
              identical(big_cuda, run_all(cuda, big)));

  cuda.set_profiling(true);
  const Traffic traffic = traffic_of(big);
  const mk::GridGeometry grid = big.grid();
  std::vector<double> per_net(big.weight.size()), a(big.cells()), b(big.cells());
  const int repeats = 10;
  time_method(
      "net_wirelength", cuda, *cpu,
      [&](mk::CostKernels& k) {
        k.net_wirelength(big.nets(), big.x.data(), big.y.data(), per_net.data());
      },
      traffic.wirelength, peak, repeats);
  time_method(
      "density", cuda, *cpu, [&](mk::CostKernels& k) { k.density(grid, big.rects(), a.data()); },
      traffic.density, peak, repeats);
  time_method(
      "net_routing", cuda, *cpu,
      [&](mk::CostKernels& k) {
        k.net_routing(grid, big.nets(), big.x.data(), big.y.data(), a.data(), b.data());
      },
      traffic.net_routing, peak, repeats);
  time_method(
      "macro_routing", cuda, *cpu,
      [&](mk::CostKernels& k) {
        k.macro_routing(grid, big.macros(), kHAlloc, kVAlloc, a.data(), b.data());
      },
      traffic.macro_routing, peak, repeats);
  check_analytical();
  return g_failed ? 1 : 0;
}

// ---- analytical placer kernels (AnalyticalKernels) ----

// A random mixed-size design for the analytical kernels: `movable` small cells and a few large
// fixed macros on a 1000 um canvas, nets of 2..8 pins with offsets.
struct AnalyticalCase {
  std::vector<double> width, height, x, y, offset_x, offset_y, weight;
  std::vector<std::int32_t> pin_object, begin{0}, terminals;
  mk::AnalyticalDesign design;
};

void make_analytical_case(std::uint32_t seed, std::int32_t movable, std::int32_t fixed,
                          std::int32_t bins, AnalyticalCase* c) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const std::int32_t objects = movable + fixed;
  for (std::int32_t i = 0; i < objects; ++i) {
    const bool big = i >= movable;
    c->width.push_back(big ? 40 + 60 * unit(random) : 0.4 + 2 * unit(random));
    c->height.push_back(big ? 40 + 60 * unit(random) : 1.4);
    c->x.push_back(1000 * unit(random));
    c->y.push_back(1000 * unit(random));
  }
  const std::int32_t pins = 4 * objects;
  for (std::int32_t p = 0; p < pins; ++p) {
    const auto object = static_cast<std::int32_t>(unit(random) * objects) % objects;
    c->pin_object.push_back(object);
    c->offset_x.push_back((unit(random) - 0.5) * c->width[object]);
    c->offset_y.push_back((unit(random) - 0.5) * c->height[object]);
  }
  for (std::int32_t n = 0; n < objects; ++n) {
    const int degree = 2 + static_cast<int>(unit(random) * 7);
    for (int k = 0; k < degree; ++k) {
      c->terminals.push_back(static_cast<std::int32_t>(unit(random) * pins) % pins);
    }
    c->begin.push_back(static_cast<std::int32_t>(c->terminals.size()));
    c->weight.push_back(1.0 + (n % 3));
  }
  mk::AnalyticalDesign& d = c->design;
  d.objects = objects;
  d.movable = movable;
  d.width = c->width.data();
  d.height = c->height.data();
  d.pins = pins;
  d.pin_object = c->pin_object.data();
  d.pin_offset_x = c->offset_x.data();
  d.pin_offset_y = c->offset_y.data();
  d.nets = mk::NetArrays{static_cast<std::int32_t>(c->weight.size()), c->begin.data(),
                         c->terminals.data(), c->weight.data()};
  d.bins = mk::DensityBins{bins, bins, 0, 0, 1000, 1000};
  d.target_density = 0.8;
}

struct AnalyticalOutputs {
  double wirelength = 0, hpwl = 0, energy = 0, overflow = 0;
  std::vector<double> wl_x, wl_y, d_x, d_y, map;
};

AnalyticalOutputs run_analytical(mk::AnalyticalKernels& k, const AnalyticalCase& c) {
  AnalyticalOutputs o;
  const auto n = static_cast<std::size_t>(c.design.movable);
  o.wl_x.resize(n);
  o.wl_y.resize(n);
  o.d_x.resize(n);
  o.d_y.resize(n);
  o.wirelength = k.wirelength(c.x.data(), c.y.data(), 8.0, o.wl_x.data(), o.wl_y.data());
  o.hpwl = k.hpwl(c.x.data(), c.y.data());
  const mk::DensityValue value = k.density(c.x.data(), c.y.data(), o.d_x.data(), o.d_y.data());
  o.energy = value.energy;
  o.overflow = value.overflow;
  o.map = k.density_map();
  return o;
}

// Largest |a - b| over the largest |a|: the error of a gradient field as a whole.
double field_error(const std::vector<double>& a, const std::vector<double>& b) {
  double scale = 0, worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, std::fabs(a[i]));
    worst = std::max(worst, std::fabs(a[i] - b[i]));
  }
  return scale > 0 ? worst / scale : worst;
}

void check_analytical() {
  for (const std::int32_t movable : {2000, 200000}) {
    AnalyticalCase c;
    make_analytical_case(7, movable, 100, movable > 10000 ? 512 : 64, &c);
    std::string error;
    auto cpu = mk::make_analytical_kernels(mk::Backend::kCpu, &error);
    auto cuda = mk::make_analytical_kernels(mk::Backend::kCuda, &error);
    if (cuda == nullptr) {
      std::fprintf(stderr, "gpu-check: analytical CUDA backend: %s\n", error.c_str());
      g_failed = true;
      return;
    }
    cpu->set_design(c.design);
    cuda->set_design(c.design);
    const AnalyticalOutputs a = run_analytical(*cpu, c);
    const AnalyticalOutputs b = run_analytical(*cuda, c);
    const std::string name = "analytical/" + std::to_string(movable);
    expect_within(name + "/wirelength", std::fabs(a.wirelength - b.wirelength) / a.wirelength);
    expect_within(name + "/hpwl", std::fabs(a.hpwl - b.hpwl) / a.hpwl);
    expect_within(name + "/wirelength_gradient",
                  std::max(field_error(a.wl_x, b.wl_x), field_error(a.wl_y, b.wl_y)));
    expect_within(name + "/density_map", field_error(a.map, b.map));
    expect_within(name + "/overflow", std::fabs(a.overflow - b.overflow));
    // The CUDA Poisson solve (dense transforms) and FFTW round differently: compare energy and
    // field to 1e-9 of their scale.
    expect_within(name + "/energy", std::fabs(a.energy - b.energy) / std::fabs(a.energy));
    expect_within(name + "/density_gradient",
                  std::max(field_error(a.d_x, b.d_x), field_error(a.d_y, b.d_y)));
    const AnalyticalOutputs again = run_analytical(*cuda, c);
    expect_true(name + "/cuda_deterministic",
                again.wl_x == b.wl_x && again.d_x == b.d_x && again.energy == b.energy);
    std::vector<double> gx(c.x.size()), gy(c.x.size());
    const auto time = [&](mk::AnalyticalKernels& k, const char* what) {
      std::vector<double> wl, dens;
      for (int i = 0; i < 5; ++i) {
        wl.push_back(
            wall_ms([&] { k.wirelength(c.x.data(), c.y.data(), 8.0, gx.data(), gy.data()); }));
        dens.push_back(wall_ms([&] { k.density(c.x.data(), c.y.data(), gx.data(), gy.data()); }));
      }
      emit(name + "/" + what + "/wirelength_call_ms", median(wl), "ms");
      emit(name + "/" + what + "/density_call_ms", median(dens), "ms");
    };
    time(*cuda, "cuda");
    time(*cpu, "cpu");
  }
}
}  // namespace

// --cpu-only: the host side alone (design generation, CPU backend, bytes model), for checking
// this program on a machine without a GPU.
int cpu_only() {
  std::string error;
  auto cpu = mk::make_cost_kernels(mk::Backend::kCpu, &error);
  const auto start = std::chrono::steady_clock::now();
  const Design big = make_design(42, 128, 128, 200000, 2, 200000, 1000);
  emit("big/pins", static_cast<double>(big.terminals.size()), "");
  emit("big/generate_ms",
       std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
       "ms");
  Results results;
  emit("cpu/run_all_ms", wall_ms([&] { results = run_all(*cpu, big); }), "ms");
  const Traffic t = traffic_of(big);
  emit("big/net_routing_kernel_bytes", t.net_routing, "B");
  emit("big/density_kernel_bytes", t.density, "B");
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--cpu-only") return cpu_only();
  std::string error;
  if (!mk::cuda_runtime_has_device() || mk::make_cuda_cost_kernels(&error) == nullptr) {
    if (error.empty()) mk::make_cuda_cost_kernels(&error);
    std::printf("gpu-check: NO DEVICE (%s)\n", error.empty() ? "no CUDA device" : error.c_str());
    return 3;
  }
  int status = 0;
  try {
    status = run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gpu-check: %s\n", e.what());
    std::printf("gpu-check: FAIL\n");
    return 2;
  }
  std::printf("gpu-check: %s\n", status == 0 ? "PASS" : "FAIL");
  return status;
}
