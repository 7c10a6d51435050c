// The whole tree on a GPU (issue 19): base, netlist, kernels (CPU and CUDA), placement, env and
// rl built by scripts/gpu-check against the GPU machine's PyTorch LibTorch, with the Debian
// libraries the tree needs carried there (scripts/gpu-check --pack-deps). On the bundled Ariane:
// - the full proxy evaluation (wirelength, density, congestion; ProxyCost::recompute) of the
//   flat netlist (88k standard cells) and of the clustered one, CPU vs CUDA, median of 20, with
//   the two proxies' relative difference;
// - the analytical placer on the flat netlist (256 x 256 bins, as `place --method analytical`
//   chooses there): milliseconds per iteration, CPU vs CUDA, over the same iteration count;
// - a short training run (`train`'s defaults, 16 episodes per iteration, all host cores) on the
//   clustered Ariane with the policy on the CPU and then on the GPU, for the same wall time:
//   the learning curve per wall-clock second (greedy proxy after each update).
// Output: one JSON object per line {"name": ..., "value": ..., "unit": ...} (the curve's points
// carry "seconds" and "iteration" too), then "gpu-tree-check: PASS" or "gpu-tree-check: FAIL".
// Exit status: 0 pass, 1 parity failure, 2 a step failed, 3 no CUDA device.
// `--cpu-only` runs the CPU halves alone (a machine without a GPU); `--train-seconds S` sets
// each training run's wall time (default 90).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/placement/analytical_placer.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/rl/trainer.h"

namespace {

using macroplace::kernels::Backend;
using macroplace::placement::LoadedDesign;
using macroplace::placement::ProxyCost;
using Clock = std::chrono::steady_clock;

void figure(const std::string& name, double value, const char* unit) {
  std::printf("{\"name\": \"%s\", \"value\": %.9g, \"unit\": \"%s\"}\n", name.c_str(), value, unit);
  std::fflush(stdout);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

const char* backend_name(Backend backend) {
  return backend == Backend::kCuda ? "cuda" : "cpu";
}

bool load(const std::string& netlist, const std::string& plc, LoadedDesign* design) {
  const macroplace::Status status = macroplace::placement::load_design({netlist, plc}, design);
  if (!status.ok()) std::fprintf(stderr, "gpu-tree-check: %s\n", status.to_string().c_str());
  return status.ok();
}

// Median milliseconds of a full evaluation; the proxy it gives into `proxy`.
double proxy_ms(const LoadedDesign& design, Backend backend, double* proxy) {
  ProxyCost cost(design.netlist, design.settings, backend);
  *proxy = cost.recompute().proxy;  // warm-up: allocations, first copies
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto start = Clock::now();
    *proxy = cost.recompute().proxy;
    ms.push_back(seconds_since(start) * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// CPU vs CUDA full evaluation of one design; false when the proxies differ beyond rounding.
bool evaluation(const std::string& label, const LoadedDesign& design, bool cuda) {
  double cpu_proxy = 0;
  const double cpu_ms = proxy_ms(design, Backend::kCpu, &cpu_proxy);
  figure(label + "/proxy", cpu_proxy, "1");
  figure(label + "/cpu/proxy_evaluation_ms", cpu_ms, "ms");
  if (!cuda) return true;
  double cuda_proxy = 0;
  const double cuda_ms = proxy_ms(design, Backend::kCuda, &cuda_proxy);
  const double difference = std::abs(cuda_proxy - cpu_proxy) / std::max(1e-12, cpu_proxy);
  figure(label + "/cuda/proxy_evaluation_ms", cuda_ms, "ms");
  figure(label + "/cuda/speedup_vs_cpu", cpu_ms / cuda_ms, "x");
  figure(label + "/cuda/proxy_relative_difference", difference, "1");
  return difference <= 1e-9;
}

// The analytical placer on the flat netlist: ms per iteration for the same iteration count.
bool analytical(const LoadedDesign& flat, bool cuda) {
  const macroplace::netlist::Rect canvas{0, 0, flat.settings.canvas_width,
                                         flat.settings.canvas_height};
  double cpu_ms_per_iteration = 0;
  for (const Backend backend : {Backend::kCpu, Backend::kCuda}) {
    if (backend == Backend::kCuda && !cuda) break;
    macroplace::placement::AnalyticalOptions options;
    options.backend = backend;
    options.bins = 256;
    options.max_iterations = 200;
    options.min_iterations = 200;  // the same work on both backends
    std::vector<double> x = flat.netlist.xs(), y = flat.netlist.ys();
    const macroplace::placement::AnalyticalResult result =
        macroplace::placement::place_analytical(flat.netlist, canvas, options, &x, &y);
    if (!result.status.ok()) {
      std::fprintf(stderr, "gpu-tree-check: analytical on %s: %s\n", backend_name(backend),
                   result.status.to_string().c_str());
      return false;
    }
    const std::string name = std::string("flat_ariane/analytical/") + backend_name(backend);
    const double ms = result.seconds * 1e3 / std::max(1, result.iterations);
    figure(name + "/iterations", result.iterations, "");
    figure(name + "/ms_per_iteration", ms, "ms");
    figure(name + "/overflow", result.overflow, "1");
    figure(name + "/hpwl", result.hpwl, "um");
    if (backend == Backend::kCpu) {
      cpu_ms_per_iteration = ms;
    } else {
      figure(name + "/speedup_vs_cpu", cpu_ms_per_iteration / ms, "x");
    }
  }
  return true;
}

// A training run of `seconds` with the policy on `device`: one curve point per iteration.
bool training(const std::string& device, double seconds, const std::string& run_dir) {
  std::filesystem::remove_all(run_dir);
  macroplace::rl::TrainerOptions options;
  options.netlist_path = "examples/ariane133-ng45/netlist.pb.txt.gz";
  options.plc_path = "examples/ariane133-ng45/legalized.plc";
  options.run_dir = run_dir;
  options.device = device;
  options.episodes_per_iteration = 16;
  options.iterations = 100000;
  options.time_limit_seconds = seconds;
  options.threads = static_cast<std::int32_t>(std::max(1U, std::thread::hardware_concurrency()));
  options.seed = 1;
  const auto start = Clock::now();
  const macroplace::Status status =
      macroplace::rl::train(options, [&](const macroplace::rl::IterationMetrics& m) {
        std::printf(
            "{\"name\": \"train/%s/greedy_proxy\", \"value\": %.9g, \"unit\": \"1\", "
            "\"seconds\": %.3f, \"iteration\": %d, \"update_seconds\": %.3f, "
            "\"rollout_seconds\": %.3f, \"env_steps\": %lld}\n",
            device.c_str(), m.greedy_proxy, seconds_since(start), m.iteration, m.update_seconds,
            m.rollout_seconds, static_cast<long long>(m.env_steps));
        std::fflush(stdout);
      });
  if (!status.ok()) {
    std::fprintf(stderr, "gpu-tree-check: training on %s: %s\n", device.c_str(),
                 status.to_string().c_str());
  }
  return status.ok();
}

}  // namespace

int main(int argc, char** argv) {
  bool cpu_only = false;
  double train_seconds = 90;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cpu-only") {
      cpu_only = true;
    } else if (arg == "--train-seconds" && i + 1 < argc) {
      train_seconds = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: gpu_tree_check [--cpu-only] [--train-seconds S]\n");
      return 2;
    }
  }
  std::string error;
  const bool cuda =
      !cpu_only && macroplace::kernels::make_cost_kernels(Backend::kCuda, &error) != nullptr;
  if (!cpu_only && !cuda) {
    std::fprintf(stderr, "gpu-tree-check: no CUDA device: %s\n", error.c_str());
    std::printf("gpu-tree-check: FAIL\n");
    return 3;
  }
  bool parity = true, steps = true;
  LoadedDesign flat, clustered;
  if (load("examples/ariane133-ng45/flat.pb.txt.gz", "", &flat) &&
      load("examples/ariane133-ng45/netlist.pb.txt.gz", "examples/ariane133-ng45/legalized.plc",
           &clustered)) {
    parity = evaluation("flat_ariane", flat, cuda) && parity;
    parity = evaluation("clustered_ariane", clustered, cuda) && parity;
    steps = analytical(flat, cuda) && steps;
  } else {
    steps = false;
  }
  steps = training("cpu", train_seconds, "build-gpu/train-cpu") && steps;
  if (cuda) steps = training("cuda", train_seconds, "build-gpu/train-cuda") && steps;
  std::printf("gpu-tree-check: %s\n", parity && steps ? "PASS" : "FAIL");
  return !parity ? 1 : !steps ? 2 : 0;
}
