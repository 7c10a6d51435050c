// The synthetic design generator: deterministic per seed, honours what it is given, writes
// designs that read back whole, keeps Circuit Training's rules (valid netlist, one net per
// driver, every port on a net, a grid that packs the hard macros) and draws local nets (the
// hidden spots it drew them around wire far shorter than the same spots shuffled).
#include "macroplace/pretrain/synthetic_design.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/netlist/rent.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/grid_selection.h"
#include "macroplace/pretrain/design_statistics.h"
#include "testing/testing.h"

namespace macroplace::pretrain {
namespace {

using netlist::NodeId;
using netlist::NodeKind;

SyntheticDesign generate(const SyntheticOptions& options) {
  SyntheticDesign design;
  const Status status = generate_design(options, &design);
  EXPECT_TRUE(status.ok()) << status.message();
  return design;
}

placement::CostSettings settings_of(const SyntheticDesign& design) {
  return placement::settings_for(design.netlist, &design.settings);
}

TEST(SyntheticDesign, SameSeedSameDesignOtherSeedOther) {
  SyntheticOptions options;
  options.seed = 11;
  const SyntheticDesign a = generate(options), b = generate(options);
  EXPECT_EQ(placement::design_fingerprint(a.netlist, settings_of(a)),
            placement::design_fingerprint(b.netlist, settings_of(b)));
  options.seed = 12;
  const SyntheticDesign c = generate(options);
  EXPECT_NE(placement::design_fingerprint(a.netlist, settings_of(a)),
            placement::design_fingerprint(c.netlist, settings_of(c)));
}

TEST(SyntheticDesign, GivenValuesAreHonouredAndRulesKept) {
  SyntheticOptions options;
  options.seed = 3;
  options.hard_macros = 40;
  options.soft_macros = 300;
  options.ports = 120;
  options.footprints = 2;
  options.hard_macro_area_share = 0.35;
  options.soft_macro_area_share = 0.3;
  options.net_degree_mean = 3.5;
  options.nets_per_node = 6;
  options.canvas_width = 800;
  options.canvas_aspect = 1.25;
  const SyntheticDesign design = generate(options);
  const netlist::Netlist& n = design.netlist;
  ASSERT_TRUE(n.validate().ok());
  const double width = *design.settings.width, height = *design.settings.height;
  EXPECT_DOUBLE_EQ(width, 800);
  EXPECT_DOUBLE_EQ(height, 640);
  const DesignStatistics s = design_statistics(n, width, height);
  EXPECT_EQ(s.hard_macros, 40);
  EXPECT_EQ(s.soft_macros, 300);
  EXPECT_EQ(s.ports, 120);
  EXPECT_LE(s.hard_macro_footprints, 2);
  EXPECT_NEAR(s.hard_macro_area_share, 0.35, 1e-9);
  // Soft macros: the share unless a macro had to be capped at a quarter of the canvas.
  EXPECT_LE(s.soft_macro_area_share, 0.3 + 1e-9);
  EXPECT_GT(s.soft_macro_area_share, 0.25);
  // Nets: degree law fitted to the mean (sampling noise over ~2,800 nets), at most 50.
  EXPECT_NEAR(s.net_degree_mean, 3.5, 0.25);
  EXPECT_LE(s.net_degree_max, 50);
  EXPECT_NEAR(s.nets, 6 * 460, 6 * 460 * 0.02 + 120);  // drawn nets, plus one per idle port
  // Every port is on a net and drives at most one; every hard macro fits in 40% of the canvas.
  std::vector<int> drives(static_cast<std::size_t>(n.num_nodes()), 0);
  std::vector<int> on_nets(static_cast<std::size_t>(n.num_nodes()), 0);
  for (netlist::NetId net = 0; net < n.num_nets(); ++net) {
    EXPECT_GE(n.net_degree(net), 2);
    ++drives[n.net_driver(net)];
    for (const NodeId* t = n.net_terminals_begin(net); t != n.net_terminals_end(net); ++t) {
      ++on_nets[netlist::is_pin(n.kind(*t)) ? n.pin_owner(*t) : *t];
    }
  }
  for (NodeId node = 0; node < n.num_nodes(); ++node) {
    EXPECT_LE(drives[node], 1) << n.name(node);
    if (n.kind(node) == NodeKind::kPort) {
      EXPECT_GE(on_nets[node], 1) << n.name(node);
    }
    if (n.kind(node) == NodeKind::kHardMacro) {
      EXPECT_LE(n.width(node), 0.4 * width + 1e-9);
      EXPECT_LE(n.height(node), 0.4 * height + 1e-9);
    }
    if (n.kind(node) == NodeKind::kHardMacroPin) {  // offsets inside the footprint
      EXPECT_LE(std::fabs(n.pin_offset_x(node)), 0.5 * n.width(n.pin_owner(node)));
      EXPECT_LE(std::fabs(n.pin_offset_y(node)), 0.5 * n.height(n.pin_owner(node)));
    }
  }
  // The grid is Circuit Training's choice for these macros on this canvas.
  const placement::GridChoice grid = placement::select_grid(n, width, height);
  ASSERT_TRUE(grid.found);
  EXPECT_EQ(*design.settings.columns, grid.cols);
  EXPECT_EQ(*design.settings.rows, grid.rows);
}

// Wirelength at the hidden spots against the same spots shuffled among the macros: local nets
// are several times shorter.
TEST(SyntheticDesign, NetsAreLocalAroundTheHiddenSpots) {
  SyntheticOptions options;
  options.seed = 5;
  const SyntheticDesign design = generate(options);
  const netlist::Netlist& n = design.netlist;
  ASSERT_EQ(design.spot_x.size(), static_cast<std::size_t>(n.num_nodes()));
  const auto hpwl = [&](const std::vector<double>& x, const std::vector<double>& y) {
    double total = 0;
    for (netlist::NetId net = 0; net < n.num_nets(); ++net) {
      double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
      for (const NodeId* t = n.net_terminals_begin(net); t != n.net_terminals_end(net); ++t) {
        x0 = std::min(x0, x[*t]), x1 = std::max(x1, x[*t]);
        y0 = std::min(y0, y[*t]), y1 = std::max(y1, y[*t]);
      }
      total += (x1 - x0) + (y1 - y0);
    }
    return total;
  };
  // Shuffle the macros' spots (pins follow their macro); ports keep theirs.
  std::vector<NodeId> macros;
  for (NodeId node = 0; node < n.num_nodes(); ++node) {
    if (netlist::is_macro(n.kind(node))) macros.push_back(node);
  }
  std::vector<NodeId> shuffled = macros;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(1));
  std::vector<double> x = design.spot_x, y = design.spot_y;
  for (std::size_t i = 0; i < macros.size(); ++i) {
    x[macros[i]] = design.spot_x[shuffled[i]];
    y[macros[i]] = design.spot_y[shuffled[i]];
  }
  for (NodeId node = 0; node < n.num_nodes(); ++node) {
    if (netlist::is_pin(n.kind(node))) {
      x[node] = x[n.pin_owner(node)];
      y[node] = y[n.pin_owner(node)];
    }
  }
  EXPECT_LT(3 * hpwl(design.spot_x, design.spot_y), hpwl(x, y));
}

// Rent's exponent of a generated design is that of local wiring, in the range usually quoted for
// logic (0.5-0.75; our clustered real designs: 0.46-0.58) and far below random wiring's (0.86 for
// 1024 cells in tests/netlist/rent_test.cpp).
TEST(SyntheticDesign, RentExponentIsThatOfLocalWiring) {
  SyntheticOptions options;
  options.seed = 5;
  const netlist::RentFit fit = netlist::rent_fit(generate(options).netlist);
  EXPECT_GE(fit.levels, 4);
  EXPECT_GT(fit.exponent, 0.4);
  EXPECT_LT(fit.exponent, 0.7);
}

TEST(SyntheticDesign, WrittenDesignReadsBackWhole) {
  SyntheticOptions options;
  options.seed = 8;
  options.hard_macros = 24;
  options.soft_macros = 200;
  const SyntheticDesign design = generate(options);
  const std::string dir = macroplace::testing::make_temp_dir("synthetic_round_trip");
  ASSERT_TRUE(netlist::write_ct_netlist(design.netlist, dir + "/netlist.pb.txt").ok());
  ASSERT_TRUE(
      netlist::write_plc(design.netlist, design.settings, "test", dir + "/initial.plc").ok());
  placement::LoadedDesign loaded;
  const Status status = placement::load_design({dir + "/netlist.pb.txt", "", true}, &loaded);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(placement::design_fingerprint(loaded.netlist, loaded.settings),
            placement::design_fingerprint(design.netlist, settings_of(design)));
  EXPECT_DOUBLE_EQ(loaded.settings.canvas_width, *design.settings.width);
  EXPECT_EQ(loaded.settings.columns, *design.settings.columns);
}

TEST(SyntheticDesign, BadOptionsAreRefused) {
  SyntheticDesign design;
  SyntheticOptions options;
  options.hard_macro_area_share = 0.9;
  EXPECT_FALSE(generate_design(options, &design).ok());
  options = {};
  options.net_degree_mean = 1.5;
  EXPECT_FALSE(generate_design(options, &design).ok());
  options = {};
  options.hard_macros = -1;
  EXPECT_FALSE(generate_design(options, &design).ok());
  // Macros that cannot fit: one macro taking 70% of the canvas is wider than 40% of it.
  options = {};
  options.hard_macros = 1;
  options.hard_macro_area_share = 0.7;
  const Status status = generate_design(options, &design);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("no grid packs"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace macroplace::pretrain
