// Rent's exponent on netlists whose exponent is known from geometry: a ring (every block of it
// has 2 terminals: p = 0), a 2-D torus (a block's terminals grow with its perimeter: p = 1/2)
// and random wiring (a block's terminals grow with its cells: p near 1). Ring and torus have no
// boundary, so every block sees the same surroundings.
#include "macroplace/netlist/rent.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace macroplace::netlist {
namespace {

// Soft macros with one pin per net end; `edges` are pairs of cell indices.
Netlist cells_and_two_pin_nets(int cells, const std::vector<std::pair<int, int>>& edges) {
  Netlist n;
  std::vector<NodeId> cell(static_cast<std::size_t>(cells));
  for (int c = 0; c < cells; ++c) {
    cell[c] = n.add_node(NodeKind::kSoftMacro, "Grp_" + std::to_string(c), 1, 1);
  }
  int pins = 0;
  for (const auto& [a, b] : edges) {
    const NodeId terminals[] = {
        n.add_pin(cell[a], NodeKind::kSoftMacroPin, "p" + std::to_string(pins++), 0, 0),
        n.add_pin(cell[b], NodeKind::kSoftMacroPin, "p" + std::to_string(pins++), 0, 0)};
    n.add_net(terminals, 2);
  }
  return n;
}

TEST(RentTest, RingHasExponentZero) {
  std::vector<std::pair<int, int>> edges;
  edges.reserve(1024);
  for (int c = 0; c < 1024; ++c) edges.emplace_back(c, (c + 1) % 1024);
  const Netlist n = cells_and_two_pin_nets(1024, edges);
  ASSERT_TRUE(n.validate().ok());
  const RentFit fit = rent_fit(n);
  EXPECT_EQ(fit.levels, 6);  // blocks of 128, 64, ..., 4 cells
  EXPECT_NEAR(fit.exponent, 0, 1e-9);
  EXPECT_NEAR(fit.coefficient, 2, 1e-9);  // a segment's two ends
}

TEST(RentTest, TorusHasExponentOneHalf) {
  const int side = 32;
  std::vector<std::pair<int, int>> edges;
  for (int r = 0; r < side; ++r) {
    for (int c = 0; c < side; ++c) {
      edges.emplace_back(r * side + c, r * side + (c + 1) % side);
      edges.emplace_back(r * side + c, (r + 1) % side * side + c);
    }
  }
  const RentFit fit = rent_fit(cells_and_two_pin_nets(side * side, edges));
  EXPECT_EQ(fit.levels, 6);
  EXPECT_NEAR(fit.exponent, 0.5, 0.05);
}

TEST(RentTest, RandomWiringHasExponentNearOne) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> any(0, 1023);
  std::vector<std::pair<int, int>> edges;
  for (int c = 0; c < 1024; ++c) {
    for (int k = 0; k < 3; ++k) {
      int other = any(random);
      while (other == c) other = any(random);
      edges.emplace_back(c, other);
    }
  }
  const Netlist n = cells_and_two_pin_nets(1024, edges);
  const RentFit fit = rent_fit(n);
  EXPECT_GT(fit.exponent, 0.8);
  EXPECT_LE(fit.exponent, 1.05);
  const RentFit again = rent_fit(n);  // deterministic for a seed
  EXPECT_EQ(again.exponent, fit.exponent);
  EXPECT_EQ(again.coefficient, fit.coefficient);
}

// Ports are outside every block; a design too small to bisect twice has no fit.
TEST(RentTest, TinyDesignHasNoFit) {
  const RentFit fit = rent_fit(cells_and_two_pin_nets(6, {{0, 1}, {1, 2}, {3, 4}}));
  EXPECT_EQ(fit.levels, 0);
  EXPECT_EQ(fit.exponent, 0);
}

}  // namespace
}  // namespace macroplace::netlist
