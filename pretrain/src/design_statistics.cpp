#include "macroplace/pretrain/design_statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "macroplace/netlist/rent.h"

namespace macroplace::pretrain {

using netlist::NodeId;
using netlist::NodeKind;

namespace {

struct Field {
  const char* label;
  double DesignStatistics::*member;
};
constexpr Field kFields[] = {{"hard macros", &DesignStatistics::hard_macros},
                             {"soft macros", &DesignStatistics::soft_macros},
                             {"ports", &DesignStatistics::ports},
                             {"nets", &DesignStatistics::nets},
                             {"canvas aspect (w/h)", &DesignStatistics::canvas_aspect},
                             {"hard-macro area / canvas", &DesignStatistics::hard_macro_area_share},
                             {"soft-macro area / canvas", &DesignStatistics::soft_macro_area_share},
                             {"hard-macro footprints", &DesignStatistics::hard_macro_footprints},
                             {"hard-macro aspect, max", &DesignStatistics::hard_macro_aspect_max},
                             {"net degree, mean", &DesignStatistics::net_degree_mean},
                             {"2-pin nets", &DesignStatistics::two_pin_net_share},
                             {"nets of degree > 10", &DesignStatistics::large_net_share},
                             {"net degree, max", &DesignStatistics::net_degree_max},
                             {"nets per hard macro", &DesignStatistics::nets_per_hard_macro},
                             {"nets per soft macro", &DesignStatistics::nets_per_soft_macro},
                             {"nets per port", &DesignStatistics::nets_per_port},
                             {"nets with a hard macro", &DesignStatistics::hard_macro_net_share},
                             {"nets with a port", &DesignStatistics::port_net_share},
                             {"Rent exponent", &DesignStatistics::rent_exponent}};

}  // namespace

std::vector<std::pair<std::string, double>> DesignStatistics::figures() const {
  std::vector<std::pair<std::string, double>> out;
  for (const Field& field : kFields) out.emplace_back(field.label, this->*field.member);
  return out;
}

DesignStatistics design_statistics(const netlist::Netlist& netlist, double canvas_width,
                                   double canvas_height) {
  DesignStatistics s;
  const double canvas_area = canvas_width * canvas_height;
  s.canvas_aspect = canvas_height > 0 ? canvas_width / canvas_height : 0;
  std::vector<std::pair<double, double>> footprints;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const NodeKind kind = netlist.kind(node);
    const double w = netlist.width(node), h = netlist.height(node);
    if (kind == NodeKind::kHardMacro) {
      s.hard_macros += 1;
      s.hard_macro_area_share += w * h / canvas_area;
      if (w > 0 && h > 0)
        s.hard_macro_aspect_max = std::max({s.hard_macro_aspect_max, w / h, h / w});
      footprints.emplace_back(std::min(w, h), std::max(w, h));
    } else if (kind == NodeKind::kSoftMacro || kind == NodeKind::kStdCell) {
      s.soft_macros += kind == NodeKind::kSoftMacro ? 1 : 0;
      s.soft_macro_area_share += w * h / canvas_area;
    } else if (kind == NodeKind::kPort) {
      s.ports += 1;
    }
  }
  // Distinct footprints (either orientation), 1% apart.
  std::sort(footprints.begin(), footprints.end());
  std::vector<std::pair<double, double>> distinct;
  for (const auto& f : footprints) {
    const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const auto& d) {
      return std::fabs(d.first - f.first) <= 0.01 * d.first &&
             std::fabs(d.second - f.second) <= 0.01 * d.second;
    });
    if (!seen) distinct.push_back(f);
  }
  s.hard_macro_footprints = static_cast<double>(distinct.size());

  // Nets: degrees and which node kinds they touch (a pin counts as its macro).
  std::vector<std::int32_t> nets_of(static_cast<std::size_t>(netlist.num_nodes()), 0);
  std::vector<std::int32_t> last_net(static_cast<std::size_t>(netlist.num_nodes()), -1);
  double terminals = 0;
  for (netlist::NetId net = 0; net < netlist.num_nets(); ++net) {
    const std::int32_t degree = netlist.net_degree(net);
    terminals += degree;
    s.two_pin_net_share += degree == 2 ? 1 : 0;
    s.large_net_share += degree > 10 ? 1 : 0;
    s.net_degree_max = std::max<double>(s.net_degree_max, degree);
    bool hard = false, port = false;
    for (const NodeId* t = netlist.net_terminals_begin(net); t != netlist.net_terminals_end(net);
         ++t) {
      const NodeId owner = netlist::is_pin(netlist.kind(*t)) ? netlist.pin_owner(*t) : *t;
      if (owner < 0) continue;
      hard = hard || netlist.kind(owner) == NodeKind::kHardMacro;
      port = port || netlist.kind(owner) == NodeKind::kPort;
      if (last_net[owner] != net) {
        last_net[owner] = net;
        ++nets_of[owner];
      }
    }
    s.hard_macro_net_share += hard ? 1 : 0;
    s.port_net_share += port ? 1 : 0;
  }
  s.nets = netlist.num_nets();
  if (s.nets > 0) {
    s.net_degree_mean = terminals / s.nets;
    s.two_pin_net_share /= s.nets;
    s.large_net_share /= s.nets;
    s.hard_macro_net_share /= s.nets;
    s.port_net_share /= s.nets;
  }
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const NodeKind kind = netlist.kind(node);
    if (kind == NodeKind::kHardMacro) s.nets_per_hard_macro += nets_of[node];
    if (kind == NodeKind::kSoftMacro) s.nets_per_soft_macro += nets_of[node];
    if (kind == NodeKind::kPort) s.nets_per_port += nets_of[node];
  }
  if (s.hard_macros > 0) s.nets_per_hard_macro /= s.hard_macros;
  if (s.soft_macros > 0) s.nets_per_soft_macro /= s.soft_macros;
  if (s.ports > 0) s.nets_per_port /= s.ports;
  s.rent_exponent = netlist::rent_fit(netlist).exponent;
  return s;
}

DesignStatistics mean_statistics(const std::vector<DesignStatistics>& designs,
                                 const std::string& name) {
  DesignStatistics mean;
  mean.name = name;
  if (designs.empty()) return mean;
  const double n = static_cast<double>(designs.size());
  for (const DesignStatistics& design : designs) {
    for (const Field& field : kFields) mean.*field.member += design.*field.member / n;
  }
  return mean;
}

std::string statistics_table(const std::vector<DesignStatistics>& designs) {
  std::size_t label_width = 0;
  if (designs.empty()) return "";
  for (const auto& [label, value] : designs[0].figures()) {
    label_width = std::max(label_width, label.size());
  }
  std::vector<std::size_t> widths;
  widths.reserve(designs.size());
  for (const DesignStatistics& design : designs)
    widths.push_back(std::max<std::size_t>(10, design.name.size()));
  std::string out(label_width, ' ');
  for (std::size_t j = 0; j < designs.size(); ++j) {
    out += "  " + std::string(widths[j] - designs[j].name.size(), ' ') + designs[j].name;
  }
  out += "\n";
  const std::size_t rows = designs[0].figures().size();
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string label = designs[0].figures()[i].first;
    out += label + std::string(label_width - label.size(), ' ');
    for (std::size_t j = 0; j < designs.size(); ++j) {
      const double value = designs[j].figures()[i].second;
      char text[32];
      std::snprintf(text, sizeof text,
                    std::fabs(value) >= 100 || value == std::floor(value) ? "%.0f" : "%.3f", value);
      const std::string cell = text;
      out += "  " + std::string(widths[j] > cell.size() ? widths[j] - cell.size() : 0, ' ') + cell;
    }
    out += "\n";
  }
  return out;
}

}  // namespace macroplace::pretrain
