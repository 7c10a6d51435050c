#include "macroplace/placement/analytical_placer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "macroplace/kernels/analytical_kernels.h"

namespace macroplace::placement {

namespace {

using netlist::NetId;
using netlist::NodeKind;

bool moves(const netlist::Netlist& netlist, NodeId node, const AnalyticalOptions& options) {
  const NodeKind kind = netlist.kind(node);
  const bool movable_kind = kind == NodeKind::kSoftMacro || kind == NodeKind::kStdCell ||
                            (options.move_hard_macros && kind == NodeKind::kHardMacro);
  return movable_kind && !netlist.fixed(node);
}

// The power of two nearest (in log scale) to sqrt(movable), in [16, 1024]: about one object
// per bin.
std::int32_t automatic_bins(std::int64_t movable) {
  const double side = std::sqrt(static_cast<double>(std::max<std::int64_t>(movable, 1)));
  const double exponent = std::round(std::log2(side));
  return static_cast<std::int32_t>(std::clamp(std::exp2(exponent), 16.0, 1024.0));
}

double l1_norm(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::fabs(a[i]) + std::fabs(b[i]);
  return sum;
}

// The placement problem as the kernels see it: objects (movable first), pins, nets over pins.
struct Problem {
  std::vector<NodeId> object_node;       // object -> node
  std::vector<std::int32_t> object_of;   // node -> object, -1 for pins
  std::int32_t cells = 0;                // movable objects of the netlist: [0, cells)
  std::int32_t movable = 0;              // cells, then fillers: [cells, movable)
  std::int32_t std_cells = 0;            // movable standard cells
  std::vector<double> width, height;     // per object, after orientation
  std::vector<std::int32_t> pin_object;  // one pin per distinct net terminal node
  std::vector<double> pin_offset_x, pin_offset_y;
  std::vector<std::int32_t> pin_of_node;  // node -> pin, -1 when on no net
  std::vector<std::int32_t> net_begin, net_terminals;
  std::vector<double> net_weight;
  std::vector<double> pin_count;  // net terminals on each movable object (for preconditioning)
};

// Filler cells (ePlace): total area = target density x free canvas area - movable area, of the
// movable objects' mean size, at most max_fillers_per_object x movable of them (larger when the
// cap binds). Returns the count and sets the size.
std::int32_t filler_count(const netlist::Netlist& netlist, const netlist::Rect& canvas,
                          const AnalyticalOptions& options, const Problem& p,
                          const std::vector<std::uint8_t>& placed, double* width, double* height) {
  if (!options.fillers || p.movable == 0) return 0;
  double movable_area = 0, mean_width = 0, mean_height = 0;
  for (std::int32_t o = 0; o < p.movable; ++o) {
    movable_area += p.width[o] * p.height[o];
    mean_width += p.width[o];
    mean_height += p.height[o];
  }
  mean_width /= p.movable;
  mean_height /= p.movable;
  double fixed_area = 0;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (netlist::is_pin(netlist.kind(node)) || moves(netlist, node, options) || placed[node] == 0)
      continue;
    const double hw = 0.5 * netlist.placed_width(node), hh = 0.5 * netlist.placed_height(node);
    const double ox = std::max(
        0.0, std::min(canvas.x1, netlist.x(node) + hw) - std::max(canvas.x0, netlist.x(node) - hw));
    const double oy = std::max(
        0.0, std::min(canvas.y1, netlist.y(node) + hh) - std::max(canvas.y0, netlist.y(node) - hh));
    fixed_area += ox * oy;
  }
  const double free_area = std::max(0.0, canvas.width() * canvas.height() - fixed_area);
  const double filler_area = options.target_density * free_area - movable_area;
  const double unit = mean_width * mean_height;
  if (!(filler_area > 0) || !(unit > 0)) return 0;
  const double cap = options.max_fillers_per_object * p.movable;
  const double count = std::min(std::floor(filler_area / unit), cap);
  if (count < 1) return 0;
  const double scale = std::sqrt(filler_area / (count * unit));  // > 1 only when capped
  *width = mean_width * scale;
  *height = mean_height * scale;
  return static_cast<std::int32_t>(count);
}

Problem build_problem(const netlist::Netlist& netlist, const netlist::Rect& canvas,
                      const AnalyticalOptions& options, const std::vector<Orientation>& orientation,
                      const std::vector<std::uint8_t>& placed) {
  Problem p;
  const std::int32_t nodes = netlist.num_nodes();
  p.object_of.assign(nodes, -1);
  for (int pass = 0; pass < 2; ++pass) {  // movable objects first, then the fixed ones
    for (NodeId node = 0; node < nodes; ++node) {
      if (netlist::is_pin(netlist.kind(node))) continue;
      if (moves(netlist, node, options) != (pass == 0)) continue;
      p.object_of[node] = static_cast<std::int32_t>(p.object_node.size());
      p.object_node.push_back(node);
      if (pass == 0 && netlist.kind(node) == NodeKind::kStdCell) ++p.std_cells;
      const bool swap = netlist::swaps_width_and_height(orientation[node]);
      const bool present = placed[node] != 0 || pass == 0;
      p.width.push_back(present ? (swap ? netlist.height(node) : netlist.width(node)) : 0.0);
      p.height.push_back(present ? (swap ? netlist.width(node) : netlist.height(node)) : 0.0);
    }
    if (pass == 0) {
      p.cells = static_cast<std::int32_t>(p.object_node.size());
      p.movable = p.cells;
      double width = 0, height = 0;
      const std::int32_t fillers =
          filler_count(netlist, canvas, options, p, placed, &width, &height);
      p.object_node.insert(p.object_node.end(), fillers, netlist::kNoNode);
      p.width.insert(p.width.end(), fillers, width);
      p.height.insert(p.height.end(), fillers, height);
      p.movable += fillers;
    }
  }
  p.pin_of_node.assign(nodes, -1);
  p.net_begin.reserve(static_cast<std::size_t>(netlist.num_nets()) + 1);
  p.net_begin.push_back(0);
  p.net_terminals.reserve(netlist.net_terminals().size());
  p.net_weight.reserve(static_cast<std::size_t>(netlist.num_nets()));
  for (NetId net = 0; net < netlist.num_nets(); ++net) {
    for (const NodeId* t = netlist.net_terminals_begin(net); t != netlist.net_terminals_end(net);
         ++t) {
      const NodeId node = *t;
      if (p.pin_of_node[node] < 0) {
        const bool pin = netlist::is_pin(netlist.kind(node));
        const NodeId owner = pin ? netlist.pin_owner(node) : node;
        double dx = 0, dy = 0;
        if (pin) {
          netlist::rotate_offset(orientation[owner], netlist.pin_offset_x(node),
                                 netlist.pin_offset_y(node), &dx, &dy);
        }
        p.pin_of_node[node] = static_cast<std::int32_t>(p.pin_object.size());
        p.pin_object.push_back(p.object_of[owner]);
        p.pin_offset_x.push_back(dx);
        p.pin_offset_y.push_back(dy);
      }
      p.net_terminals.push_back(p.pin_of_node[node]);
    }
    p.net_begin.push_back(static_cast<std::int32_t>(p.net_terminals.size()));
    // A port driver counts 1, as in the proxy cost.
    const bool port_driver = netlist.kind(netlist.net_driver(net)) == NodeKind::kPort;
    p.net_weight.push_back(port_driver ? 1.0 : netlist.net_weight(net));
  }
  p.pin_count.assign(p.movable, 0.0);
  for (NetId net = 0; net < netlist.num_nets(); ++net) {
    if (p.net_begin[net + 1] - p.net_begin[net] < 2) continue;
    for (std::int32_t k = p.net_begin[net]; k < p.net_begin[net + 1]; ++k) {
      const std::int32_t object = p.pin_object[p.net_terminals[k]];
      if (object < p.movable) p.pin_count[object] += 1;
    }
  }
  return p;
}

constexpr int kMaxBacktracks = 5;
constexpr double kBacktrackRatio = 0.95;

// Nesterov's accelerated gradient with a Lipschitz-estimated step (ePlace, section 5).
class NesterovPlacer {
 public:
  NesterovPlacer(const Problem& problem, const netlist::Rect& canvas,
                 const AnalyticalOptions& options, kernels::AnalyticalKernels* kernels,
                 const kernels::DensityBins& bins)
      : p_(problem),
        canvas_(canvas),
        options_(options),
        kernels_(kernels),
        bins_(bins),
        n_(static_cast<std::size_t>(problem.movable)) {
    for (std::vector<double>* scratch : {&wl_x_, &wl_y_, &d_x_, &d_y_}) scratch->assign(n_, 0.0);
    stop_overflow_ = options.stop_overflow.value_or(problem.std_cells > 0 ? 0.1 : 0.01);
    // The HPWL growth per iteration that leaves the density weight as it is: a fraction of what
    // every net stretching by one bin would add. It scales with the design, not with the current
    // HPWL (which is tiny while everything starts at the centre).
    double nets = 0;
    for (std::size_t n = 0; n + 1 < problem.net_begin.size(); ++n) {
      nets += problem.net_begin[n + 1] - problem.net_begin[n] >= 2 ? 1.0 : 0.0;
    }
    hpwl_reference_ = options.hpwl_growth_reference * std::max(nets, 1.0) *
                      (bins.bin_width() + bins.bin_height());
  }

  // x/y: every object's centre; the movable ones are moved.
  AnalyticalResult run(std::vector<double>* x, std::vector<double>* y) {
    AnalyticalResult result;
    result.movable = static_cast<std::int64_t>(n_);
    std::vector<double>& ux = *x;
    std::vector<double>& uy = *y;
    clamp(&ux, &uy);
    std::vector<double> vx = ux, vy = uy;  // the look-ahead point
    std::vector<double> gx(n_), gy(n_), next_gx(n_), next_gy(n_);

    // The first gradient fixes the density weight: wirelength and density pull with the given
    // ratio of strengths.
    double overflow = 1.0;
    double gamma = gamma_for(overflow);
    kernels_->wirelength(vx.data(), vy.data(), gamma, wl_x_.data(), wl_y_.data());
    kernels::DensityValue density =
        kernels_->density(vx.data(), vy.data(), d_x_.data(), d_y_.data());
    overflow = density.overflow;
    const double density_norm = l1_norm(d_x_, d_y_);
    lambda_ = density_norm > 0
                  ? options_.initial_density_weight_ratio * l1_norm(wl_x_, wl_y_) / density_norm
                  : 1.0;
    if (!(lambda_ > 0) || !std::isfinite(lambda_)) lambda_ = 1.0;
    combine(&gx, &gy);

    // First step size from a small trial move along the gradient.
    double step = initial_step(vx, vy, gx, gy, gamma);
    double a = 1.0;
    double hpwl = kernels_->hpwl(vx.data(), vy.data());
    double previous_hpwl = hpwl;
    int iteration = 0;
    std::vector<double> new_ux = ux, new_uy = uy, next_vx = vx, next_vy = vy;
    for (; iteration < options_.max_iterations; ++iteration) {
      // u' = v - step g; v' = u' + (a - 1) / a' (u' - u). ePlace's backtracking: when the
      // Lipschitz estimate at v' calls for a much shorter step than the one taken, the step is
      // retaken with the shorter one (a few times at most).
      const double next_a = 0.5 * (1.0 + std::sqrt(4.0 * a * a + 1.0));
      const double momentum = (a - 1.0) / next_a;
      gamma = gamma_for(overflow);
      for (int attempt = 0; attempt < kMaxBacktracks; ++attempt) {
        for (std::size_t i = 0; i < n_; ++i) {
          new_ux[i] = vx[i] - step * gx[i];
          new_uy[i] = vy[i] - step * gy[i];
        }
        clamp(&new_ux, &new_uy);
        for (std::size_t i = 0; i < n_; ++i) {
          next_vx[i] = new_ux[i] + momentum * (new_ux[i] - ux[i]);
          next_vy[i] = new_uy[i] + momentum * (new_uy[i] - uy[i]);
        }
        clamp(&next_vx, &next_vy);
        density = gradient_at(next_vx, next_vy, gamma, &next_gx, &next_gy);
        const double estimate =
            lipschitz_step(vx, vy, next_vx, next_vy, gx, gy, next_gx, next_gy, step);
        const bool accepted = estimate >= kBacktrackRatio * step;
        step = estimate;
        if (accepted) break;
      }
      std::swap(ux, new_ux);
      std::swap(uy, new_uy);
      std::swap(vx, next_vx);
      std::swap(vy, next_vy);
      std::swap(gx, next_gx);
      std::swap(gy, next_gy);
      a = next_a;
      overflow = density.overflow;

      hpwl = kernels_->hpwl(vx.data(), vy.data());
      update_density_weight(hpwl, previous_hpwl);
      previous_hpwl = hpwl;
      if (options_.progress) options_.progress(iteration + 1, hpwl, overflow);
      if (iteration + 1 >= options_.min_iterations && overflow <= stop_overflow_) {
        ++iteration;
        break;
      }
    }
    // The result is the look-ahead point v, where the gradients (and the overflow that stopped
    // the loop) were evaluated, as in DREAMPlace; the main sequence u can lag it by a step.
    std::copy(vx.begin(), vx.begin() + static_cast<std::ptrdiff_t>(n_), ux.begin());
    std::copy(vy.begin(), vy.begin() + static_cast<std::ptrdiff_t>(n_), uy.begin());
    result.overflow = overflow;
    result.hpwl = kernels_->hpwl(ux.data(), uy.data());
    result.iterations = iteration;
    result.backend = kernels_->name();
    return result;
  }

 private:
  double gamma_for(double overflow) const {
    const double bin = bins_.bin_width() + bins_.bin_height();
    const double o = std::clamp(overflow, 0.0, 1.0);
    return options_.gamma_factor * bin * std::pow(10.0, (o - 0.1) * 20.0 / 9.0 - 1.0);
  }

  // g = (grad WL + lambda grad D) / max(1, pins + lambda x area): ePlace's preconditioner.
  // g = (grad WL + lambda grad D) / max(1, pins + lambda x area) from the last wirelength and
  // density gradients: ePlace's preconditioner.
  void combine(std::vector<double>* gx, std::vector<double>* gy) const {
    for (std::size_t i = 0; i < n_; ++i) {
      const double precondition =
          std::max(1.0, p_.pin_count[i] + lambda_ * p_.width[i] * p_.height[i]);
      (*gx)[i] = (wl_x_[i] + lambda_ * d_x_[i]) / precondition;
      (*gy)[i] = (wl_y_[i] + lambda_ * d_y_[i]) / precondition;
    }
  }

  // The preconditioned gradient at (x, y); returns the density's value there.
  kernels::DensityValue gradient_at(const std::vector<double>& x, const std::vector<double>& y,
                                    double gamma, std::vector<double>* gx,
                                    std::vector<double>* gy) {
    kernels_->wirelength(x.data(), y.data(), gamma, wl_x_.data(), wl_y_.data());
    const kernels::DensityValue density =
        kernels_->density(x.data(), y.data(), d_x_.data(), d_y_.data());
    combine(gx, gy);
    return density;
  }

  // The Lipschitz estimate of the step between two points: |v' - v| / |g' - g| (or `fallback`
  // when either is zero).
  double lipschitz_step(const std::vector<double>& vx, const std::vector<double>& vy,
                        const std::vector<double>& next_vx, const std::vector<double>& next_vy,
                        const std::vector<double>& gx, const std::vector<double>& gy,
                        const std::vector<double>& next_gx, const std::vector<double>& next_gy,
                        double fallback) const {
    double dv = 0, dg = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      dv +=
          (next_vx[i] - vx[i]) * (next_vx[i] - vx[i]) + (next_vy[i] - vy[i]) * (next_vy[i] - vy[i]);
      dg +=
          (next_gx[i] - gx[i]) * (next_gx[i] - gx[i]) + (next_gy[i] - gy[i]) * (next_gy[i] - gy[i]);
    }
    return dg > 0 && dv > 0 ? std::sqrt(dv / dg) : fallback;
  }

  double initial_step(const std::vector<double>& vx, const std::vector<double>& vy,
                      const std::vector<double>& gx, const std::vector<double>& gy, double gamma) {
    double norm = 0;
    for (std::size_t i = 0; i < n_; ++i) norm += gx[i] * gx[i] + gy[i] * gy[i];
    const double fallback = 0.01 * std::max(bins_.bin_width(), bins_.bin_height());
    if (!(norm > 0)) return fallback;
    // Trial point: move the largest gradient by a tenth of a bin.
    double largest = 0;
    for (std::size_t i = 0; i < n_; ++i)
      largest = std::max({largest, std::fabs(gx[i]), std::fabs(gy[i])});
    const double trial = 0.1 * bins_.bin_width() / largest;
    std::vector<double> tx = vx, ty = vy;
    for (std::size_t i = 0; i < n_; ++i) {
      tx[i] -= trial * gx[i];
      ty[i] -= trial * gy[i];
    }
    clamp(&tx, &ty);
    std::vector<double> tgx(n_), tgy(n_);
    gradient_at(tx, ty, gamma, &tgx, &tgy);
    return lipschitz_step(vx, vy, tx, ty, gx, gy, tgx, tgy, fallback);
  }

  void update_density_weight(double hpwl, double previous_hpwl) {
    constexpr double kUpper = 1.05, kLower = 0.95;
    const double delta = hpwl - previous_hpwl;
    const double factor =
        delta < 0 ? kUpper
                  : std::clamp(std::pow(kUpper, 1.0 - delta / hpwl_reference_), kLower, kUpper);
    lambda_ *= factor;
  }

  // Keeps every movable footprint inside the canvas (centred when it is wider than the canvas).
  void clamp(std::vector<double>* x, std::vector<double>* y) const {
    for (std::size_t i = 0; i < n_; ++i) {
      (*x)[i] = clamp_axis((*x)[i], p_.width[i], canvas_.x0, canvas_.x1);
      (*y)[i] = clamp_axis((*y)[i], p_.height[i], canvas_.y0, canvas_.y1);
    }
  }
  static double clamp_axis(double value, double size, double low, double high) {
    const double lo = low + 0.5 * size;
    const double hi = high - 0.5 * size;
    if (lo > hi) return 0.5 * (low + high);
    if (!std::isfinite(value)) return 0.5 * (lo + hi);
    return std::clamp(value, lo, hi);
  }

  const Problem& p_;
  netlist::Rect canvas_;
  const AnalyticalOptions& options_;
  kernels::AnalyticalKernels* kernels_;
  kernels::DensityBins bins_;
  std::size_t n_;
  std::vector<double> wl_x_, wl_y_, d_x_, d_y_;  // the last gradients, per movable object
  double lambda_ = 1.0;
  double stop_overflow_ = 0.1;
  double hpwl_reference_ = 1.0;
};

AnalyticalResult run_placer(const netlist::Netlist& netlist, const netlist::Rect& canvas,
                            const AnalyticalOptions& options,
                            const std::vector<Orientation>& orientation,
                            const std::vector<std::uint8_t>& placed, std::vector<double>* x,
                            std::vector<double>* y) {
  const auto start = std::chrono::steady_clock::now();
  AnalyticalResult result;
  result.status = options.validate();
  if (!result.status.ok()) return result;
  if (!(canvas.width() > 0) || !(canvas.height() > 0)) {
    result.status = Status::error("the analytical placer needs a canvas of positive size");
    return result;
  }
  if (x->size() != static_cast<std::size_t>(netlist.num_nodes()) || y->size() != x->size()) {
    result.status = Status::error("positions must have one entry per node");
    return result;
  }
  const Problem problem = build_problem(netlist, canvas, options, orientation, placed);
  if (problem.movable == 0) {
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
  std::string error;
  auto kernels = kernels::make_analytical_kernels(options.backend, &error);
  if (kernels == nullptr) {
    result.status = Status::error("analytical placer: " + error);
    return result;
  }
  kernels::DensityBins bins;
  bins.cols = bins.rows = options.bins > 0 ? options.bins : automatic_bins(problem.cells);
  bins.x0 = canvas.x0;
  bins.y0 = canvas.y0;
  bins.width = canvas.width();
  bins.height = canvas.height();
  kernels::AnalyticalDesign design;
  design.objects = static_cast<std::int32_t>(problem.object_node.size());
  design.movable = problem.movable;
  design.fillers = problem.movable - problem.cells;
  design.width = problem.width.data();
  design.height = problem.height.data();
  design.pins = static_cast<std::int32_t>(problem.pin_object.size());
  design.pin_object = problem.pin_object.data();
  design.pin_offset_x = problem.pin_offset_x.data();
  design.pin_offset_y = problem.pin_offset_y.data();
  design.nets = kernels::NetArrays{static_cast<std::int32_t>(problem.net_weight.size()),
                                   problem.net_begin.data(), problem.net_terminals.data(),
                                   problem.net_weight.data()};
  design.max_net_degree = options.max_net_degree;
  design.bins = bins;
  design.target_density = options.target_density;
  kernels->set_design(design);

  // Object positions: the start for movable objects, the given ones for the rest.
  std::vector<double> ox(problem.object_node.size()), oy(problem.object_node.size());
  std::mt19937_64 random(options.seed);
  std::normal_distribution<double> noise(0.0, 1.0);
  const double cx = 0.5 * (canvas.x0 + canvas.x1), cy = 0.5 * (canvas.y0 + canvas.y1);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (std::size_t o = 0; o < problem.object_node.size(); ++o) {
    const NodeId node = problem.object_node[o];
    if (node == netlist::kNoNode) {  // a filler: anywhere on the canvas (DREAMPlace)
      ox[o] = canvas.x0 + canvas.width() * uniform(random);
      oy[o] = canvas.y0 + canvas.height() * uniform(random);
      continue;
    }
    ox[o] = (*x)[node];
    oy[o] = (*y)[node];
    if (static_cast<std::int32_t>(o) < problem.movable) {
      if (options.start_at_centre) {
        ox[o] = cx;
        oy[o] = cy;
      }
      ox[o] += options.initial_noise * canvas.width() * noise(random);
      oy[o] += options.initial_noise * canvas.height() * noise(random);
    }
  }
  NesterovPlacer placer(problem, canvas, options, kernels.get(), bins);
  result = placer.run(&ox, &oy);
  result.movable = problem.cells;
  result.fillers = problem.movable - problem.cells;
  for (std::int32_t o = 0; o < problem.cells; ++o) {
    (*x)[problem.object_node[o]] = ox[o];
    (*y)[problem.object_node[o]] = oy[o];
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

Status AnalyticalOptions::validate() const {
  if (bins != 0 && (bins < 2 || bins > 4096)) {
    return Status::error("density bins per side must be 0 (automatic) or in [2, 4096]");
  }
  if (!(target_density > 0) || target_density > 1) {
    return Status::error("target density must be in (0, 1]");
  }
  if (stop_overflow && (!(*stop_overflow >= 0) || !std::isfinite(*stop_overflow))) {
    return Status::error("stop overflow must be a non-negative number");
  }
  if (max_iterations < 1 || min_iterations < 0) {
    return Status::error("max iterations must be at least 1 and min iterations non-negative");
  }
  if (!(initial_density_weight_ratio > 0) || !std::isfinite(initial_density_weight_ratio)) {
    return Status::error("initial density weight ratio must be positive");
  }
  if (!(hpwl_growth_reference > 0) || !std::isfinite(hpwl_growth_reference)) {
    return Status::error("hpwl growth reference must be positive");
  }
  if (!(gamma_factor > 0) || !std::isfinite(gamma_factor)) {
    return Status::error("gamma factor must be positive");
  }
  if (max_net_degree < 0) return Status::error("max net degree must be non-negative");
  if (!(max_fillers_per_object >= 0) || !std::isfinite(max_fillers_per_object)) {
    return Status::error("max fillers per object must be non-negative");
  }
  if (!(initial_noise >= 0) || !std::isfinite(initial_noise)) {
    return Status::error("initial noise must be non-negative");
  }
  return {};
}

AnalyticalResult place_analytical(const netlist::Netlist& netlist, const netlist::Rect& canvas,
                                  const AnalyticalOptions& options, std::vector<double>* x,
                                  std::vector<double>* y) {
  std::vector<Orientation> orientation(netlist.num_nodes());
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    orientation[node] = netlist.orientation(node);
  }
  const std::vector<std::uint8_t> placed(netlist.num_nodes(), 1);
  return run_placer(netlist, canvas, options, orientation, placed, x, y);
}

AnalyticalResult place_soft_macros_analytical(ProxyCost* cost, const AnalyticalOptions& options) {
  const netlist::Netlist& netlist = cost->netlist();
  const std::int32_t nodes = netlist.num_nodes();
  std::vector<double> x(nodes), y(nodes);
  std::vector<Orientation> orientation(nodes);
  std::vector<std::uint8_t> placed(nodes);
  for (NodeId node = 0; node < nodes; ++node) {
    x[node] = cost->x(node);
    y[node] = cost->y(node);
    orientation[node] = cost->orientation(node);
    placed[node] = cost->placed(node) ? 1 : 0;
  }
  const netlist::Rect canvas{0, 0, cost->settings().canvas_width, cost->settings().canvas_height};
  AnalyticalResult result = run_placer(netlist, canvas, options, orientation, placed, &x, &y);
  if (!result.status.ok()) return result;
  std::vector<NodeId> moved;
  std::vector<double> mx, my;
  for (NodeId node = 0; node < nodes; ++node) {
    if (moves(netlist, node, options) && cost->placed(node)) {
      moved.push_back(node);
      mx.push_back(x[node]);
      my.push_back(y[node]);
    }
  }
  cost->set_positions(moved, mx, my);
  return result;
}

}  // namespace macroplace::placement
