#include "macroplace/pretrain/synthetic_design.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "macroplace/placement/grid_selection.h"

namespace macroplace::pretrain {

namespace {

using netlist::NodeId;
using netlist::NodeKind;
using Random = std::mt19937_64;

// Circuit Training's routing capacities, the values every real design of the corpus carries.
constexpr double kRoutesHorizontal = 57.031, kRoutesVertical = 56.818;
constexpr double kMacroRoutesHorizontal = 39.583, kMacroRoutesVertical = 30.303;
constexpr int kMacroAttempts = 16;
// The largest net degree drawn: clustered netlists keep few wide nets (the real designs' widest
// are 21-46 terminals; clustering drops nets wider than 500 sinks).
constexpr std::int32_t kDegreeMax = 50;

// Independent streams of one seed, so that redrawing the macros does not change the nets' draw.
Random stream(std::uint64_t seed, std::uint64_t which) {
  std::seed_seq sequence{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                         static_cast<std::uint32_t>(which)};
  return Random(sequence);
}

double uniform(Random& random, double low, double high) {
  return std::uniform_real_distribution<double>(low, high)(random);
}

std::int32_t uniform_int(Random& random, std::int32_t low, std::int32_t high) {
  return std::uniform_int_distribution<std::int32_t>(low, high)(random);
}

template <typename T>
void draw_if_unset(T* value, T drawn) {
  if (*value == 0) *value = drawn;
}

// P(degree = 2 + k) proportional to (k + 1)^-gamma for k = 0..extra_max, gamma fitted (bisection)
// so that the mean degree is `mean`. Returns the weights.
std::vector<double> degree_law(double mean, std::int32_t extra_max) {
  const auto law = [extra_max](double gamma) {
    std::vector<double> weights(static_cast<std::size_t>(extra_max) + 1);
    for (std::int32_t k = 0; k <= extra_max; ++k) weights[k] = std::pow(k + 1.0, -gamma);
    return weights;
  };
  const auto mean_of = [](const std::vector<double>& weights) {
    double total = 0, sum = 0;
    for (std::size_t k = 0; k < weights.size(); ++k) {
      total += weights[k];
      sum += weights[k] * static_cast<double>(k + 2);
    }
    return sum / total;
  };
  double low = 0.5, high = 12;  // mean falls as gamma grows
  for (int i = 0; i < 60; ++i) {
    const double middle = 0.5 * (low + high);
    (mean_of(law(middle)) > mean ? low : high) = middle;
  }
  return law(0.5 * (low + high));
}

// A node before the netlist is built: its kind, size, hidden spot and pull on nets.
struct Owner {
  NodeKind kind;
  double width = 0, height = 0;
  double spot_x = 0, spot_y = 0;
  double weight = 1;
  bool drives = false;  // already drives a net (a port may drive one)
};

// `value` folded back into [0, limit] at both ends.
double reflect(double value, double limit) {
  value = std::fmod(std::fabs(value), 2 * limit);
  return value > limit ? 2 * limit - value : value;
}

// The hard macros' footprints: `families` sizes, counts split at random, scaled to the share.
bool draw_hard_macros(const SyntheticOptions& o, double width, double height, Random& random,
                      std::vector<std::pair<double, double>>* sizes) {
  const std::int32_t families = std::min(o.footprints, o.hard_macros);
  std::vector<double> area(families), aspect(families), share(families);
  for (std::int32_t f = 0; f < families; ++f) {
    area[f] = std::exp(std::normal_distribution<double>(0, 0.6)(random));
    aspect[f] = uniform(random, 1, 3);
    if (random() % 2 == 0) aspect[f] = 1 / aspect[f];  // tall instead of wide
    share[f] = uniform(random, 0.2, 1);
  }
  // Every family gets at least one macro; the rest by share.
  std::vector<std::int32_t> count(families, 1);
  std::discrete_distribution<std::int32_t> pick(share.begin(), share.end());
  for (std::int32_t i = families; i < o.hard_macros; ++i) ++count[pick(random)];
  double relative = 0;
  for (std::int32_t f = 0; f < families; ++f) relative += count[f] * area[f];
  const double scale = o.hard_macro_area_share * width * height / relative;
  sizes->clear();
  for (std::int32_t f = 0; f < families; ++f) {
    const double w = std::sqrt(scale * area[f] * aspect[f]);
    const double h = std::sqrt(scale * area[f] / aspect[f]);
    if (w > 0.4 * width || h > 0.4 * height) return false;
    for (std::int32_t i = 0; i < count[f]; ++i) sizes->emplace_back(w, h);
  }
  std::shuffle(sizes->begin(), sizes->end(), random);
  return true;
}

// The nodes nearest a point: a bucket grid over the canvas searched ring by ring.
class NearestOwners {
 public:
  // Over the owners `members` names.
  NearestOwners(const std::vector<Owner>& owners, const std::vector<std::int32_t>& members,
                double width, double height)
      : owners_(owners), width_(width), height_(height) {
    side_ = std::max<std::int32_t>(
        1, static_cast<std::int32_t>(std::sqrt(static_cast<double>(members.size()) / 2)));
    buckets_.resize(static_cast<std::size_t>(side_) * side_);
    for (const std::int32_t i : members) {
      buckets_[bucket(owners[i].spot_x, owners[i].spot_y)].push_back(i);
    }
  }

  // The `count` nearest owners to (x, y), nearest first (exact: rings until the next ring
  // cannot hold anything nearer).
  void nearest(double x, double y, std::size_t count, std::vector<std::int32_t>* out) const {
    out->clear();
    std::vector<std::pair<double, std::int32_t>> found;
    const std::int32_t cx = column(x), cy = row(y);
    const double cell = std::min(width_, height_) / side_;
    for (std::int32_t ring = 0; ring < side_; ++ring) {
      for (std::int32_t by = cy - ring; by <= cy + ring; ++by) {
        for (std::int32_t bx = cx - ring; bx <= cx + ring; ++bx) {
          if (std::max(std::abs(bx - cx), std::abs(by - cy)) != ring) continue;
          if (bx < 0 || by < 0 || bx >= side_ || by >= side_) continue;
          for (const std::int32_t i : buckets_[static_cast<std::size_t>(by) * side_ + bx]) {
            const double dx = owners_[i].spot_x - x, dy = owners_[i].spot_y - y;
            found.emplace_back(dx * dx + dy * dy, i);
          }
        }
      }
      if (found.size() >= count) {
        std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(count),
                          found.end());
        const double reach = ring * cell;  // everything within this distance has been seen
        if (found[count - 1].first <= reach * reach) break;
      }
    }
    std::sort(found.begin(), found.end());
    for (std::size_t i = 0; i < std::min(count, found.size()); ++i) out->push_back(found[i].second);
  }

 private:
  std::int32_t column(double x) const {
    return std::clamp(static_cast<std::int32_t>(x / width_ * side_), 0, side_ - 1);
  }
  std::int32_t row(double y) const {
    return std::clamp(static_cast<std::int32_t>(y / height_ * side_), 0, side_ - 1);
  }
  std::size_t bucket(double x, double y) const {
    return static_cast<std::size_t>(row(y)) * side_ + column(x);
  }

  const std::vector<Owner>& owners_;
  double width_, height_;
  std::int32_t side_ = 1;
  std::vector<std::vector<std::int32_t>> buckets_;
};

}  // namespace

Status SyntheticOptions::validate() const {
  if (hard_macros < 0 || hard_macros > 100000) return Status::error("hard macros: 0 to 100000");
  if (soft_macros < 0 || soft_macros > 1000000) return Status::error("soft macros: 0 to 1000000");
  if (ports < 0 || ports > 100000) return Status::error("ports: 0 to 100000");
  if (footprints < 0 || footprints > 64) return Status::error("footprints: 0 to 64");
  const auto share = [](double value) { return value == 0 || (value > 0 && value <= 0.7); };
  if (!share(hard_macro_area_share) || !share(soft_macro_area_share)) {
    return Status::error("area shares must be in (0, 0.7]");
  }
  if (!(hard_macro_area_share + soft_macro_area_share <= 1.2)) {
    return Status::error("hard- and soft-macro area shares add up to more than 1.2 of the canvas");
  }
  if (net_degree_mean != 0 && !(net_degree_mean >= 2.05 && net_degree_mean <= 20)) {
    return Status::error("mean net degree: 2.05 to 20");
  }
  if (nets_per_node != 0 && !(nets_per_node >= 0.5 && nets_per_node <= 50)) {
    return Status::error("nets per node: 0.5 to 50");
  }
  if (canvas_width != 0 && !(canvas_width >= 10 && canvas_width <= 1e6)) {
    return Status::error("canvas width: 10 to 1e6 um");
  }
  if (canvas_aspect != 0 && !(canvas_aspect >= 0.25 && canvas_aspect <= 4)) {
    return Status::error("canvas aspect: 0.25 to 4");
  }
  return {};
}

Status generate_design(const SyntheticOptions& options, SyntheticDesign* out) {
  if (Status s = options.validate(); !s.ok()) return s;
  SyntheticOptions o = options;
  Random draws = stream(o.seed, 0);
  draw_if_unset(&o.hard_macros, uniform_int(draws, 16, 192));
  draw_if_unset(&o.soft_macros, uniform_int(draws, 200, 900));
  draw_if_unset(&o.ports, uniform_int(draws, 64, 512));
  draw_if_unset(&o.footprints, uniform_int(draws, 1, 4));
  draw_if_unset(&o.hard_macro_area_share, uniform(draws, 0.25, 0.5));
  draw_if_unset(&o.soft_macro_area_share, uniform(draws, 0.2, 0.6));
  draw_if_unset(&o.net_degree_mean, uniform(draws, 3.0, 4.2));
  draw_if_unset(&o.nets_per_node, uniform(draws, 4.5, 11));
  draw_if_unset(&o.canvas_width, uniform(draws, 300, 2000));
  draw_if_unset(&o.canvas_aspect, uniform(draws, 0.8, 1.25));
  const double width = o.canvas_width, height = o.canvas_width / o.canvas_aspect;

  // Hard macros: redrawn until Circuit Training's grid selection packs them.
  std::vector<std::pair<double, double>> hard_sizes;
  placement::GridChoice grid;
  for (int attempt = 0; attempt < kMacroAttempts && !grid.found; ++attempt) {
    Random macros = stream(o.seed, 1 + static_cast<std::uint64_t>(attempt));
    if (!draw_hard_macros(o, width, height, macros, &hard_sizes)) continue;
    netlist::Netlist packing;
    for (const auto& [w, h] : hard_sizes) packing.add_node(NodeKind::kHardMacro, "m", w, h);
    grid = placement::select_grid(packing, width, height);
  }
  if (o.hard_macros > 0 && !grid.found) {
    return Status::error("no grid packs the drawn hard macros after " +
                         std::to_string(kMacroAttempts) +
                         " draws: lower the hard-macro area share or the macro count");
  }

  // Owners: ports, hard macros, soft macros, each with a hidden spot.
  Random spots = stream(o.seed, 100);
  std::vector<Owner> owners;
  owners.reserve(static_cast<std::size_t>(o.ports) + static_cast<std::size_t>(o.hard_macros) +
                 static_cast<std::size_t>(o.soft_macros));
  for (std::int32_t i = 0; i < o.ports; ++i) {
    // Along the perimeter, uniformly.
    const double t = uniform(spots, 0, 2 * (width + height));
    Owner port{NodeKind::kPort};
    if (t < width) {
      port.spot_x = t, port.spot_y = 0;
    } else if (t < width + height) {
      port.spot_x = width, port.spot_y = t - width;
    } else if (t < 2 * width + height) {
      port.spot_x = 2 * width + height - t, port.spot_y = height;
    } else {
      port.spot_x = 0, port.spot_y = 2 * (width + height) - t;
    }
    port.weight = 0.05;  // a port is on one or two nets
    owners.push_back(port);
  }
  for (const auto& [w, h] : hard_sizes) {
    Owner macro{NodeKind::kHardMacro, w, h, uniform(spots, 0, width), uniform(spots, 0, height)};
    macro.weight = 2;
    owners.push_back(macro);
  }
  std::vector<double> soft_area(static_cast<std::size_t>(o.soft_macros));
  for (double& area : soft_area) area = std::exp(std::normal_distribution<double>(0, 0.5)(spots));
  const double soft_total = std::accumulate(soft_area.begin(), soft_area.end(), 0.0);
  for (const double area : soft_area) {
    const double side =
        std::min(std::sqrt(area / soft_total * o.soft_macro_area_share * width * height),
                 0.25 * std::min(width, height));
    Owner soft{NodeKind::kSoftMacro, side, side, uniform(spots, 0, width),
               uniform(spots, 0, height)};
    soft.weight = 2;
    owners.push_back(soft);
  }

  // Nets: a start drawn by weight, further terminals a power-law hop away.
  Random wiring = stream(o.seed, 200);
  const auto total_nodes = static_cast<double>(owners.size());
  const auto net_count = static_cast<std::int64_t>(std::llround(o.nets_per_node * total_nodes));
  const std::int32_t extra_max = std::max<std::int32_t>(
      1, std::min<std::int32_t>(kDegreeMax - 2, static_cast<std::int32_t>(total_nodes / 4)));
  const std::vector<double> degrees = degree_law(o.net_degree_mean, extra_max);
  std::discrete_distribution<std::int32_t> draw_extra(degrees.begin(), degrees.end());
  std::vector<double> weights;
  weights.reserve(owners.size());
  for (const Owner& owner : owners) weights.push_back(owner.weight);
  std::discrete_distribution<std::int32_t> draw_start(weights.begin(), weights.end());
  // Further terminals are macros: a port joins a net as its start, or alone (below). (Ports lie
  // denser along the edges than macros inside: as nearest nodes they would take every net that
  // passes near an edge.)
  std::vector<std::int32_t> macros;
  for (std::size_t i = 0; i < owners.size(); ++i) {
    if (owners[i].kind != NodeKind::kPort) macros.push_back(static_cast<std::int32_t>(i));
  }
  const NearestOwners nearest(owners, macros, width, height);
  const double spacing = std::sqrt(width * height / total_nodes);
  const double reach = std::hypot(width, height);
  constexpr double kHopExponent = 1.2;  // P(hop > r) = (r0 / r)^1.2
  std::vector<std::vector<std::int32_t>> nets;
  std::vector<std::int32_t> close;
  for (std::int64_t n = 0; n < net_count && !owners.empty(); ++n) {
    const std::int32_t degree =
        std::min<std::int32_t>(2 + draw_extra(wiring), static_cast<std::int32_t>(owners.size()));
    std::vector<std::int32_t> net = {draw_start(wiring)};
    const Owner& start = owners[net[0]];
    for (int tries = 0; static_cast<std::int32_t>(net.size()) < degree && tries < 8 * degree;
         ++tries) {
      const double hop =
          std::min(reach, 0.5 * spacing * std::pow(1 - uniform(wiring, 0, 1), -1 / kHopExponent));
      const double angle = uniform(wiring, 0, 2 * M_PI);
      // Reflected at the edges (clamping would pile the points up among the ports).
      const double x = reflect(start.spot_x + hop * std::cos(angle), width);
      const double y = reflect(start.spot_y + hop * std::sin(angle), height);
      nearest.nearest(x, y, 4, &close);
      std::vector<double> pull;
      for (const std::int32_t i : close) {
        const bool taken = std::find(net.begin(), net.end(), i) != net.end();
        pull.push_back(taken ? 0 : owners[i].weight);
      }
      if (std::all_of(pull.begin(), pull.end(), [](double p) { return p == 0; })) continue;
      std::discrete_distribution<std::size_t> choose(pull.begin(), pull.end());
      net.push_back(close[choose(wiring)]);
    }
    if (net.size() < 2) continue;
    // The driver: the first terminal that may still drive (a port drives at most one net;
    // every macro terminal is a pin of its own).
    const auto driver = std::find_if(net.begin(), net.end(), [&](std::int32_t i) {
      return owners[i].kind != NodeKind::kPort || !owners[i].drives;
    });
    if (driver == net.end()) continue;
    std::iter_swap(net.begin(), driver);
    owners[net[0]].drives = true;
    nets.push_back(std::move(net));
  }

  // Every port on a net: one left out drives a 2-pin net to the nearest macro.
  {
    std::vector<bool> used(owners.size(), false);
    for (const auto& net : nets) {
      for (const std::int32_t i : net) used[i] = true;
    }
    for (std::size_t i = 0; i < owners.size(); ++i) {
      if (used[i] || owners[i].kind != NodeKind::kPort) continue;
      nearest.nearest(owners[i].spot_x, owners[i].spot_y, 1, &close);
      if (close.empty()) continue;
      owners[i].drives = true;
      nets.push_back({static_cast<std::int32_t>(i), close[0]});
    }
  }

  // The netlist: ports, then each macro followed by its pins (one per net it is on), then nets.
  SyntheticDesign design;
  netlist::Netlist& netlist = design.netlist;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> connections(owners.size());
  for (std::size_t n = 0; n < nets.size(); ++n) {
    for (std::size_t t = 0; t < nets[n].size(); ++t) connections[nets[n][t]].emplace_back(n, t);
  }
  std::vector<std::vector<NodeId>> terminals(nets.size());
  for (std::size_t n = 0; n < nets.size(); ++n) terminals[n].resize(nets[n].size());
  Random offsets = stream(o.seed, 300);
  std::int32_t ports = 0, hard = 0, soft = 0;
  const auto spot_of = [&](const Owner& owner) {
    design.spot_x.resize(static_cast<std::size_t>(netlist.num_nodes()), owner.spot_x);
    design.spot_y.resize(static_cast<std::size_t>(netlist.num_nodes()), owner.spot_y);
  };
  for (std::size_t i = 0; i < owners.size(); ++i) {
    const Owner& owner = owners[i];
    if (owner.kind == NodeKind::kPort) {
      const NodeId port = netlist.add_node(NodeKind::kPort, "io" + std::to_string(ports++), 0, 0,
                                           owner.spot_x, owner.spot_y);
      for (const auto& [n, t] : connections[i]) terminals[n][t] = port;
      spot_of(owner);
      continue;
    }
    const bool is_hard = owner.kind == NodeKind::kHardMacro;
    const std::string name =
        is_hard ? "m" + std::to_string(hard++) : "Grp_" + std::to_string(soft++);
    const NodeId macro =
        netlist.add_node(owner.kind, name, owner.width, owner.height, width / 2, height / 2);
    std::int32_t pin = 0;
    for (const auto& [n, t] : connections[i]) {
      const double dx = is_hard ? uniform(offsets, -0.45, 0.45) * owner.width : 0;
      const double dy = is_hard ? uniform(offsets, -0.45, 0.45) * owner.height : 0;
      terminals[n][t] =
          netlist.add_pin(macro, is_hard ? NodeKind::kHardMacroPin : NodeKind::kSoftMacroPin,
                          name + "/p" + std::to_string(pin++), dx, dy);
      netlist.set_position(terminals[n][t], width / 2 + dx, height / 2 + dy);  // as readers do
    }
    spot_of(owner);
  }
  // In driver order, as Circuit Training's files list them (the design equals its file form).
  std::sort(terminals.begin(), terminals.end(),
            [](const auto& a, const auto& b) { return a[0] < b[0]; });
  for (const std::vector<NodeId>& net : terminals) netlist.add_net(net.data(), net.size());
  netlist.canvas = netlist::Rect{0, 0, width, height};
  netlist.block_name = "synthetic_" + std::to_string(o.seed);

  netlist::PlacementSettings& settings = design.settings;
  settings.width = width;
  settings.height = height;
  settings.columns = grid.found ? grid.cols : 10;
  settings.rows = grid.found ? grid.rows : 10;
  settings.routes_per_micron_horizontal = kRoutesHorizontal;
  settings.routes_per_micron_vertical = kRoutesVertical;
  settings.macro_routes_horizontal = kMacroRoutesHorizontal;
  settings.macro_routes_vertical = kMacroRoutesVertical;
  settings.block = netlist.block_name;
  if (Status s = netlist.validate(); !s.ok()) {
    return Status::error("generated an invalid netlist (a bug): " + s.message());
  }
  design.drawn = o;
  *out = std::move(design);
  return {};
}

}  // namespace macroplace::pretrain
