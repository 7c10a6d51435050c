// Augmented designs: a mirrored placement costs what the original does (wirelength and density
// exactly; congestion within 0.1%: CT's routing is not quite symmetric), every terminal lands
// where the mirror puts it (pins turned with their macros' orientations), a
// mirror twice is the original, and a hard-macro subset keeps the drawn share, drops the macros'
// pins and the nets left with one terminal, and is a valid netlist, repeatably for a seed; a
// stretched canvas keeps its area, ports on their sides and pins on their macros.
#include "macroplace/pretrain/augment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <string>

#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/pretrain/synthetic_design.h"

namespace macroplace::pretrain {
namespace {

using netlist::NodeId;
using netlist::NodeKind;

// A synthetic design with its macros scattered over the canvas and a few of them turned, so
// that mirroring moves everything and pins in every frame.
SyntheticDesign scattered_design() {
  SyntheticOptions options;
  options.seed = 5;
  options.hard_macros = 12;
  options.soft_macros = 60;
  options.ports = 20;
  SyntheticDesign design;
  EXPECT_TRUE(generate_design(options, &design).ok());
  std::mt19937_64 random(3);
  const double width = *design.settings.width, height = *design.settings.height;
  std::uniform_real_distribution<double> x(0.1 * width, 0.9 * width), y(0.1 * height, 0.9 * height);
  const netlist::Orientation turns[] = {netlist::Orientation::kN, netlist::Orientation::kFN,
                                        netlist::Orientation::kE, netlist::Orientation::kFS,
                                        netlist::Orientation::kW};
  int macro = 0;
  for (NodeId node = 0; node < design.netlist.num_nodes(); ++node) {
    const NodeKind kind = design.netlist.kind(node);
    if (kind != NodeKind::kHardMacro && kind != NodeKind::kSoftMacro) continue;
    design.netlist.set_position(node, x(random), y(random));
    if (kind == NodeKind::kHardMacro) design.netlist.set_orientation(node, turns[macro++ % 5]);
  }
  return design;
}

placement::CostBreakdown costs_of(const netlist::Netlist& netlist,
                                  const netlist::PlacementSettings& header) {
  placement::ProxyCost cost(netlist, placement::settings_for(netlist, &header));
  return cost.costs();
}

TEST(Augment, MirroredPlacementsCostTheSame) {
  const SyntheticDesign design = scattered_design();
  const placement::CostBreakdown original = costs_of(design.netlist, design.settings);
  for (const auto& [mirror_x, mirror_y] : {std::pair{true, false}, {false, true}, {true, true}}) {
    SCOPED_TRACE(std::to_string(mirror_x) + std::to_string(mirror_y));
    AugmentOptions options;
    options.mirror_x = mirror_x;
    options.mirror_y = mirror_y;
    netlist::Netlist mirrored;
    netlist::PlacementSettings header;
    ASSERT_TRUE(augment_design(design.netlist, design.settings, options, &mirrored, &header).ok());
    ASSERT_EQ(mirrored.num_nodes(), design.netlist.num_nodes());
    // Something moved: the first hard macro is not where it was.
    NodeId first = 0;
    while (design.netlist.kind(first) != NodeKind::kHardMacro) ++first;
    EXPECT_NE(mirror_x ? mirrored.x(first) : mirrored.y(first),
              mirror_x ? design.netlist.x(first) : design.netlist.y(first));
    // Every terminal where the mirror puts it.
    for (NodeId node = 0; node < design.netlist.num_nodes(); ++node) {
      double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
      design.netlist.terminal_position(node, &x0, &y0);
      mirrored.terminal_position(node, &x1, &y1);
      EXPECT_NEAR(x1, mirror_x ? *design.settings.width - x0 : x0, 1e-9) << node;
      EXPECT_NEAR(y1, mirror_y ? *design.settings.height - y0 : y0, 1e-9) << node;
    }
    const placement::CostBreakdown costs = costs_of(mirrored, header);
    EXPECT_NEAR(costs.wirelength_cost, original.wirelength_cost, 1e-9);
    EXPECT_NEAR(costs.density_cost, original.density_cost, 1e-9);
    // Circuit Training's routing is not quite mirror-symmetric (the L shapes it picks for
    // three-pin nets, terminals on cell boundaries): measured 5e-6 to 2e-4 apart here.
    EXPECT_NEAR(costs.congestion_cost, original.congestion_cost, 1e-3 * original.congestion_cost);
    EXPECT_NEAR(costs.proxy, original.proxy, 1e-3 * original.proxy);

    // Mirrored again: the original.
    netlist::Netlist back;
    netlist::PlacementSettings back_header;
    ASSERT_TRUE(augment_design(mirrored, header, options, &back, &back_header).ok());
    for (NodeId node = 0; node < design.netlist.num_nodes(); ++node) {
      EXPECT_NEAR(back.x(node), design.netlist.x(node), 1e-9);
      EXPECT_NEAR(back.y(node), design.netlist.y(node), 1e-9);
      if (netlist::is_pin(design.netlist.kind(node))) {
        EXPECT_EQ(back.pin_offset_x(node), design.netlist.pin_offset_x(node));
        EXPECT_EQ(back.pin_offset_y(node), design.netlist.pin_offset_y(node));
      }
      EXPECT_EQ(back.port_side(node), design.netlist.port_side(node));
    }
  }
}

TEST(Augment, HardMacroSubsetKeepsTheShareAndAValidNetlist) {
  const SyntheticDesign design = scattered_design();
  AugmentOptions options;
  options.hard_macro_share = 0.5;
  options.seed = 7;
  netlist::Netlist subset, again;
  netlist::PlacementSettings header;
  ASSERT_TRUE(augment_design(design.netlist, design.settings, options, &subset, &header).ok());
  ASSERT_TRUE(augment_design(design.netlist, design.settings, options, &again, &header).ok());
  const netlist::NetlistCounts before = design.netlist.counts(), after = subset.counts();
  EXPECT_EQ(after.hard_macros, 6);  // half of 12
  EXPECT_EQ(after.soft_macros, before.soft_macros);
  EXPECT_EQ(after.ports, before.ports);
  EXPECT_LT(after.hard_macro_pins, before.hard_macro_pins);
  EXPECT_LE(after.nets, before.nets);
  EXPECT_TRUE(subset.validate().ok());
  std::set<std::string> kept, kept_again;
  for (NodeId node = 0; node < subset.num_nodes(); ++node) {
    if (subset.kind(node) == NodeKind::kHardMacro) kept.insert(std::string(subset.name(node)));
    if (netlist::is_pin(subset.kind(node))) {
      EXPECT_NE(subset.pin_owner(node), netlist::kNoNode);  // no pin of a dropped macro
    }
  }
  for (netlist::NetId net = 0; net < subset.num_nets(); ++net) {
    EXPECT_GE(subset.net_degree(net), 2);
  }
  for (NodeId node = 0; node < again.num_nodes(); ++node) {
    if (again.kind(node) == NodeKind::kHardMacro) kept_again.insert(std::string(again.name(node)));
  }
  EXPECT_EQ(kept, kept_again);  // the same seed, the same subset
  options.seed = 8;
  ASSERT_TRUE(augment_design(design.netlist, design.settings, options, &again, &header).ok());
  kept_again.clear();
  for (NodeId node = 0; node < again.num_nodes(); ++node) {
    if (again.kind(node) == NodeKind::kHardMacro) kept_again.insert(std::string(again.name(node)));
  }
  EXPECT_NE(kept, kept_again);
}

// Stretched to 4 times the aspect ratio: the canvas twice as wide and half as high (same area),
// the grid likewise, ports scaled along their sides, macros inside the new canvas at their
// scaled centres unless that would hang over an edge, pins still on their macros.
TEST(Augment, StretchedCanvasKeepsAreaPortsAndPins) {
  const SyntheticDesign design = scattered_design();
  const double width = *design.settings.width, height = *design.settings.height;
  AugmentOptions options;
  options.aspect = 4;
  netlist::Netlist wide;
  netlist::PlacementSettings header;
  ASSERT_TRUE(augment_design(design.netlist, design.settings, options, &wide, &header).ok());
  ASSERT_EQ(wide.num_nodes(), design.netlist.num_nodes());
  EXPECT_NEAR(*header.width, 2 * width, 1e-9);
  EXPECT_NEAR(*header.height, height / 2, 1e-9);
  EXPECT_EQ(*header.columns, 2 * *design.settings.columns);
  EXPECT_EQ(*header.rows, static_cast<std::int32_t>(std::lround(*design.settings.rows / 2.0)));
  int scaled_macros = 0;
  for (NodeId node = 0; node < wide.num_nodes(); ++node) {
    const NodeKind kind = wide.kind(node);
    if (kind == NodeKind::kPort) {
      EXPECT_NEAR(wide.x(node), 2 * design.netlist.x(node), 1e-9);
      EXPECT_NEAR(wide.y(node), design.netlist.y(node) / 2, 1e-9);
      EXPECT_EQ(wide.port_side(node), design.netlist.port_side(node));
    } else if (kind == NodeKind::kHardMacro || kind == NodeKind::kSoftMacro) {
      const bool swaps = netlist::swaps_width_and_height(wide.orientation(node));
      const double w = swaps ? wide.height(node) : wide.width(node);
      const double h = swaps ? wide.width(node) : wide.height(node);
      EXPECT_EQ(wide.width(node), design.netlist.width(node));
      EXPECT_GE(wide.x(node) - w / 2, -1e-9) << node;
      EXPECT_LE(wide.x(node) + w / 2, *header.width + 1e-9) << node;
      if (h <= *header.height) {
        EXPECT_GE(wide.y(node) - h / 2, -1e-9) << node;
        EXPECT_LE(wide.y(node) + h / 2, *header.height + 1e-9) << node;
      }
      const double y = design.netlist.y(node) / 2;
      if (y - h / 2 >= 0 && y + h / 2 <= *header.height) {
        EXPECT_NEAR(wide.x(node), 2 * design.netlist.x(node), 1e-9) << node;
        EXPECT_NEAR(wide.y(node), y, 1e-9) << node;
        scaled_macros += kind == NodeKind::kHardMacro ? 1 : 0;
      }
    } else if (netlist::is_pin(kind)) {
      const NodeId owner = wide.pin_owner(node);
      double px0 = 0, py0 = 0, ox0 = 0, oy0 = 0, px1 = 0, py1 = 0, ox1 = 0, oy1 = 0;
      design.netlist.terminal_position(node, &px0, &py0);
      design.netlist.terminal_position(owner, &ox0, &oy0);
      wide.terminal_position(node, &px1, &py1);
      wide.terminal_position(owner, &ox1, &oy1);
      EXPECT_NEAR(px1 - ox1, px0 - ox0, 1e-9) << node;
      EXPECT_NEAR(py1 - oy1, py0 - oy0, 1e-9) << node;
    }
  }
  EXPECT_GT(scaled_macros, 0);
  const placement::CostBreakdown costs = costs_of(wide, header);
  EXPECT_TRUE(std::isfinite(costs.proxy));

  // So flat a canvas that a hard macro cannot fit: refused, naming it.
  options.aspect = 100;
  const Status status = augment_design(design.netlist, design.settings, options, &wide, &header);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("does not fit"), std::string::npos) << status.message();
}

TEST(Augment, BadOptionsAreRefused) {
  const SyntheticDesign design = scattered_design();
  netlist::Netlist out;
  netlist::PlacementSettings header;
  AugmentOptions options;
  options.hard_macro_share = 0;
  EXPECT_FALSE(augment_design(design.netlist, design.settings, options, &out, &header).ok());
  options.hard_macro_share = 1.5;
  EXPECT_FALSE(augment_design(design.netlist, design.settings, options, &out, &header).ok());
  options.hard_macro_share = 1;
  options.aspect = 0;
  EXPECT_FALSE(augment_design(design.netlist, design.settings, options, &out, &header).ok());
  options.aspect = 1;
  options.mirror_x = true;
  const Status status = augment_design(design.netlist, {}, options, &out, &header);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("canvas"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace macroplace::pretrain
