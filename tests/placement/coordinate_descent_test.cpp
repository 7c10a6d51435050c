// Coordinate descent: never worse, legal, deterministic, stops on small gains.
#include "macroplace/placement/coordinate_descent.h"

#include <gtest/gtest.h>

#include "macroplace/netlist/plc.h"
#include "macroplace/placement/legality.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

class RefineAriane : public ::testing::Test {
 protected:
  void SetUp() override {
    netlist::PlacementFile plc;
    ASSERT_TRUE(macroplace::testing::load_ariane("legalized.plc", &design_, &plc).ok());
    settings_ = settings_for(design_, &plc.settings);
  }
  netlist::Netlist design_;
  CostSettings settings_;
};

TEST_F(RefineAriane, LowersTheCostOfTheReferencePlacementAndStaysLegal) {
  ProxyCost cost(design_, settings_);
  CoordinateDescentOptions options;
  options.radius_cells = 1;
  options.max_passes = 2;
  ASSERT_TRUE(options.validate().ok());
  const CoordinateDescentResult result = refine_macros(&cost, options);
  EXPECT_LE(result.final.proxy, result.initial.proxy);
  EXPECT_GT(result.candidates_tried, 0);
  EXPECT_NEAR(cost.recompute().proxy, result.final.proxy, 1e-9);
  const LegalityReport legality = check_legality(cost);
  EXPECT_TRUE(legality.overlapping_macro_pairs.empty());
  EXPECT_FALSE(legality.hard_macro_off_canvas);
  std::printf("coordinate descent: %.6f -> %.6f in %d passes, %lld kept, %.2f s\n",
              result.initial.proxy, result.final.proxy, result.passes,
              static_cast<long long>(result.moves_kept), result.seconds);
  // Same input, same output.
  ProxyCost again(design_, settings_);
  EXPECT_EQ(refine_macros(&again, options).final.proxy, result.final.proxy);
}

// Orientations are tried only where the macro's cell allows them: limited to their own, no macro
// turns, where unlimited some do.
TEST_F(RefineAriane, TriesOnlyAllowedOrientations) {
  CoordinateDescentOptions options;
  options.radius_cells = 0;
  options.max_passes = 1;
  options.try_orientations = true;
  const auto turned = [&](const netlist::Netlist& design) {
    ProxyCost cost(design, settings_);
    refine_macros(&cost, options);
    EXPECT_TRUE(check_legality(cost).legal());
    int count = 0;
    for (NodeId node = 0; node < design.num_nodes(); ++node) {
      if (design.kind(node) != netlist::NodeKind::kHardMacro) continue;
      EXPECT_TRUE(netlist::allows(design.allowed_orientations(node), cost.orientation(node)));
      count += cost.orientation(node) != design.orientation(node) ? 1 : 0;
    }
    return count;
  };
  EXPECT_GT(turned(design_), 0);
  netlist::Netlist limited = design_;
  for (NodeId node = 0; node < limited.num_nodes(); ++node) {
    if (limited.kind(node) != netlist::NodeKind::kHardMacro) continue;
    limited.set_allowed_orientations(node, netlist::orientation_bit(limited.orientation(node)));
  }
  EXPECT_EQ(turned(limited), 0);
}

TEST_F(RefineAriane, AHugeGainThresholdStopsAfterOnePass) {
  ProxyCost cost(design_, settings_);
  CoordinateDescentOptions options;
  options.radius_cells = 0;
  options.min_relative_gain = 1.0;
  EXPECT_EQ(refine_macros(&cost, options).passes, 1);
}

}  // namespace
}  // namespace macroplace::placement
