// The golden values of PROXY_COST.md, computed by Google's binary and independent reproductions.
#include <gtest/gtest.h>

#include <cmath>

#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/proxy_cost.h"
#include "testing/ariane.h"
#include "testing/testing.h"

namespace macroplace::placement {
namespace {

using macroplace::testing::example_path;

void expect_relative(double actual, double expected, double tolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << "expected " << expected;
}

TEST(ProxyCostGolden, MacroTilesWithDefaultCanvasAndGrid) {
  netlist::Netlist design;
  ASSERT_TRUE(
      netlist::read_ct_netlist(example_path("ct/macro_tiles_10x10/netlist.pb.txt"), &design).ok());
  const CostSettings settings = settings_for(design, nullptr);
  EXPECT_EQ(settings.columns, 10);
  EXPECT_DOUBLE_EQ(settings.canvas_width, std::sqrt(250000.0 / 0.6));
  ProxyCost cost(design, settings);
  const CostBreakdown result = cost.costs();
  EXPECT_DOUBLE_EQ(result.wirelength, 5400.0);
  expect_relative(result.wirelength_cost, 0.007745966692414834, 1e-12);
  expect_relative(result.density_cost, 0.3570806661517036, 1e-12);
}

class ArianeGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(macroplace::testing::load_ariane("legalized.plc", &design_, &plc_).ok());
  }
  netlist::Netlist design_;
  netlist::PlacementFile plc_;
};

TEST_F(ArianeGolden, LegalizedAtSmoothingZero) {
  const CostSettings settings = settings_for(design_, &plc_.settings);
  EXPECT_EQ(settings.smoothing_range, 0.0);
  ProxyCost cost(design_, settings);
  const CostBreakdown result = cost.costs();
  expect_relative(result.wirelength_cost, 0.0735682236, 1e-6);
  expect_relative(result.density_cost, 0.4988179062, 1e-6);
  expect_relative(result.congestion_cost, 0.7259148899, 1e-6);
  // The header's rounding (Google's binary): 4763106.815, 0.0736, 0.4988, 0.7259; proxy 0.6859.
  EXPECT_NEAR(result.wirelength, 4763106.815, 0.5);
  EXPECT_NEAR(result.wirelength_cost, 0.0736, 0.00005);
  EXPECT_NEAR(result.density_cost, 0.4988, 0.00005);
  EXPECT_NEAR(result.congestion_cost, 0.7259, 0.00005);
  EXPECT_NEAR(result.proxy, 0.6859, 0.00005);
}

TEST_F(ArianeGolden, LegalizedAtSmoothingTwo) {
  CostSettings settings = settings_for(design_, &plc_.settings);
  settings.smoothing_range = 2;
  ProxyCost cost(design_, settings);
  expect_relative(cost.costs().congestion_cost, 0.7210525, 1e-6);
}

}  // namespace
}  // namespace macroplace::placement
