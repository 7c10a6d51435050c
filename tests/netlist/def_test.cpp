// DEF reading and placement write-back: Ariane's OpenROAD-flow floorplans read with the values
// the files hold (die, rows, tracks, components, pins, halos); placements written into the
// unplaced floorplan read back as the placed floorplan's, and change nothing else (removing the
// added clauses gives the original bytes; re-placing a placed file as it is changes no byte);
// hand-made DEF for blockages, nets and polygons; bad input fails at file:line:column.
#include "macroplace/netlist/def.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;

DefFloorplan read_example(const std::string& name) {
  DefFloorplan def;
  const Status s = read_def(example_path("ariane133-ng45/def/" + name), &def);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return def;
}

TEST(Def, Ariane133FloorplanReads) {
  const DefFloorplan def = read_example("ariane133_fp.def");
  EXPECT_EQ(def.version, "5.8");
  EXPECT_EQ(def.design, "ariane");
  EXPECT_EQ(def.dbu_per_micron, 2000);
  EXPECT_EQ(def.die.x0, 0);
  EXPECT_EQ(def.die.x1, 2714720);
  EXPECT_EQ(def.die.y1, 2713760);
  EXPECT_TRUE(def.warnings.empty());
  ASSERT_EQ(def.rows.size(), 962u);
  const DefRow& row = def.rows[0];
  EXPECT_EQ(row.name, "CORE_ROW_0");
  EXPECT_EQ(row.site, "FreePDK45_38x28_10R_NP_162NW_34O");
  EXPECT_EQ(row.x, 10260);
  EXPECT_EQ(row.y, 10080);
  EXPECT_EQ(row.orientation, Orientation::kFS);
  EXPECT_EQ(row.count_x, 7090);
  EXPECT_EQ(row.step_x, 380);
  EXPECT_EQ(def.rows[1].orientation, Orientation::kN);
  ASSERT_EQ(def.tracks.size(), 20u);
  EXPECT_EQ(def.tracks[0].axis, 'Y');
  EXPECT_EQ(def.tracks[0].start, 3820);
  EXPECT_EQ(def.tracks[0].count, 847);
  EXPECT_EQ(def.tracks[0].step, 3200);
  EXPECT_EQ(def.tracks[0].layers, (std::vector<std::string>{"metal10"}));
  ASSERT_EQ(def.components.size(), 133u);
  const DefComponent& first = def.components[0];
  EXPECT_EQ(first.name, "i_cache_subsystem/i_icache/sram_block[0].data_sram/macro_mem[0].i_ram");
  EXPECT_EQ(first.macro, "fakeram45_256x16");
  EXPECT_EQ(first.status, DefPlacement::kNone);
  EXPECT_FALSE(first.halo.has_value());
  EXPECT_NE(def.find_component(first.name), nullptr);
  ASSERT_EQ(def.pins.size(), 495u);
  const DefPin& clock = def.pins[0];
  EXPECT_EQ(clock.name, "clk_i");
  EXPECT_EQ(clock.net, "clk_i");
  EXPECT_EQ(clock.direction, "INPUT");
  EXPECT_EQ(clock.use, "SIGNAL");
  EXPECT_EQ(clock.layer, "metal3");
  EXPECT_EQ(clock.shape.x0, -70);
  EXPECT_EQ(clock.shape.y1, 140);
  EXPECT_EQ(clock.status, DefPlacement::kFixed);
  EXPECT_EQ(clock.x, 0);
  EXPECT_EQ(clock.y, 475020);
  EXPECT_EQ(clock.orientation, Orientation::kE);
  EXPECT_TRUE(def.nets.empty());
}

TEST(Def, PlacementsWriteBackAndReadTheSame) {
  const DefFloorplan unplaced = read_example("ariane133_fp.def");
  const DefFloorplan placed = read_example("ariane133_fp_placed_macros.def");
  ASSERT_EQ(placed.components.size(), 133u);
  const DefComponent& first = placed.components[0];
  EXPECT_EQ(first.status, DefPlacement::kPlaced);
  EXPECT_EQ(first.x, 2173480);
  EXPECT_EQ(first.y, 1560080);
  EXPECT_EQ(first.orientation, Orientation::kFN);
  ASSERT_TRUE(first.halo.has_value());
  EXPECT_EQ(*first.halo, (std::array<std::int64_t, 4>{10000, 10000, 10000, 10000}));

  std::map<std::string, DefPlacementChange, std::less<>> changes;
  for (const DefComponent& c : placed.components) {
    changes[c.name] = {DefPlacement::kPlaced, c.x, c.y, c.orientation};
  }
  std::string text;
  ASSERT_TRUE(def_with_placements(unplaced, changes, &text).ok());
  DefFloorplan again;
  ASSERT_TRUE(parse_def(text, "again.def", &again).ok());
  EXPECT_EQ(again.rows.size(), unplaced.rows.size());
  EXPECT_EQ(again.pins.size(), unplaced.pins.size());
  EXPECT_EQ(again.die.x1, unplaced.die.x1);
  ASSERT_EQ(again.components.size(), 133u);
  for (const DefComponent& c : placed.components) {
    const DefComponent* back = again.find_component(c.name);
    ASSERT_NE(back, nullptr) << c.name;
    EXPECT_EQ(back->status, DefPlacement::kPlaced);
    EXPECT_EQ(back->x, c.x);
    EXPECT_EQ(back->y, c.y);
    EXPECT_EQ(back->orientation, c.orientation);
  }
  // Nothing else changed: without the added clauses the text is the original's.
  std::string stripped = text;
  for (const auto& [name, change] : changes) {
    const std::string clause = " + PLACED ( " + std::to_string(change.x) + " " +
                               std::to_string(change.y) + " ) " +
                               std::string(orientation_name(change.orientation));
    const std::size_t at = stripped.find(clause);
    ASSERT_NE(at, std::string::npos) << clause;
    stripped.erase(at, clause.size());
  }
  EXPECT_EQ(stripped, unplaced.text);

  // Re-placing the placed file where it is changes no byte; moving one changes only its clause.
  std::string same;
  ASSERT_TRUE(def_with_placements(placed, changes, &same).ok());
  EXPECT_EQ(same, placed.text);
  changes.clear();
  changes[first.name] = {DefPlacement::kFixed, 100, 200, Orientation::kS};
  ASSERT_TRUE(def_with_placements(placed, changes, &text).ok());
  ASSERT_TRUE(parse_def(text, "moved.def", &again).ok());
  EXPECT_EQ(again.components[0].status, DefPlacement::kFixed);
  EXPECT_EQ(again.components[0].x, 100);
  EXPECT_EQ(again.components[0].orientation, Orientation::kS);
  EXPECT_EQ(again.components[0].halo, first.halo);
  EXPECT_EQ(again.components[1].x, placed.components[1].x);

  changes["no/such/macro"] = {};
  EXPECT_FALSE(def_with_placements(placed, changes, &text).ok());
}

constexpr const char* kHandMade = R"(VERSION 5.8 ;
DESIGN hand ;
UNITS DISTANCE MICRONS 1000 ;
DIEAREA ( 0 0 ) ( 5000 0 ) ( 5000 4000 ) ( 0 4000 ) ;
COMPONENTS 2 ;
- u\[0\] RAM + SOURCE DIST + FIXED ( 100 200 ) FE + HALO SOFT 1 2 3 4 ;
- u1 INV + UNPLACED ;
END COMPONENTS
BLOCKAGES 2 ;
- PLACEMENT + PARTIAL 40 RECT ( 0 0 ) ( 10 20 ) ;
- LAYER metal2 + COMPONENT u1 POLYGON ( 0 0 ) ( 5 0 ) ( 5 7 ) ;
END BLOCKAGES
NETS 1 ;
- n1 ( PIN a ) ( u\[0\] D + SYNTHESIZED ) ( u1 A ) + USE SIGNAL
  + ROUTED metal2 ( 10 10 ) ( * 20 ) via1 ;
END NETS
END DESIGN
)";

TEST(Def, HandMadeBlockagesNetsAndPolygonDie) {
  DefFloorplan def;
  const Status s = parse_def(kHandMade, "hand.def", &def);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(def.die.x1, 5000);
  EXPECT_EQ(def.die.y1, 4000);
  ASSERT_EQ(def.warnings.size(), 1u);
  EXPECT_NE(def.warnings[0].find("hand.def:4: DIEAREA is a polygon"), std::string::npos);
  ASSERT_EQ(def.components.size(), 2u);
  EXPECT_EQ(def.components[0].name, "u[0]");
  EXPECT_EQ(def.components[0].status, DefPlacement::kFixed);
  EXPECT_EQ(def.components[0].orientation, Orientation::kFE);
  EXPECT_TRUE(def.components[0].soft_halo);
  EXPECT_EQ(*def.components[0].halo, (std::array<std::int64_t, 4>{1, 2, 3, 4}));
  EXPECT_EQ(def.components[1].status, DefPlacement::kUnplaced);
  ASSERT_EQ(def.blockages.size(), 2u);
  EXPECT_TRUE(def.blockages[0].placement);
  EXPECT_EQ(def.blockages[0].partial, 40);
  EXPECT_EQ(def.blockages[0].rects[0].y1, 20);
  EXPECT_FALSE(def.blockages[1].placement);
  EXPECT_EQ(def.blockages[1].layer, "metal2");
  EXPECT_EQ(def.blockages[1].component, "u1");
  EXPECT_EQ(def.blockages[1].rects[0].y1, 7);
  ASSERT_EQ(def.nets.size(), 1u);
  ASSERT_EQ(def.nets[0].connections.size(), 3u);
  EXPECT_EQ(def.nets[0].connections[0].component, "PIN");
  EXPECT_EQ(def.nets[0].connections[1].component, "u[0]");
  EXPECT_EQ(def.nets[0].connections[2].pin, "A");

  // UNPLACED replaced by a placement, the escaped name found by its netlist spelling.
  std::map<std::string, DefPlacementChange, std::less<>> changes;
  changes["u1"] = {DefPlacement::kPlaced, 7, 8, Orientation::kN};
  std::string text;
  ASSERT_TRUE(def_with_placements(def, changes, &text).ok());
  EXPECT_NE(text.find("- u1 INV + PLACED ( 7 8 ) N ;"), std::string::npos) << text;
}

void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  DefFloorplan def;
  const Status s = parse_def(text, "bad.def", &def);
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_NE(s.to_string().find(where), std::string::npos) << s.to_string();
  EXPECT_NE(s.to_string().find(what), std::string::npos) << s.to_string();
}

TEST(Def, BadInputFailsAtItsPlace) {
  const std::string units = "UNITS DISTANCE MICRONS 1000 ;\n";
  expect_error(units + "COMPONENTS 2 ;\n- a M ;\nEND COMPONENTS\nEND DESIGN\n", "bad.def:2:1",
               "declares 2 and holds 1");
  expect_error(units + "COMPONENTS 1 ;\n- a M + PLACED ( 1 2 ) Q ;\nEND COMPONENTS\n",
               "bad.def:3:24", "expected an orientation");
  expect_error(units + "COMPONENTS 1 ;\n- a M + PLACED ( 1 x ) N ;\n", "bad.def:3:20",
               "an integer");
  expect_error(units + "DIEAREA ( 0 0 ) ;\n", "bad.def:2:17", "at least two points");
  expect_error(units + "DIEAREA ( 0 0 ) ( 0 5 ) ;\nEND DESIGN\n", "bad.def:2:1", "no area");
  expect_error(units + "COMPONENTS 1 ;\n- a M ;\n", "file ends early", "END COMPONENTS");
  expect_error(units + "COMPONENTS 1 ;\n- a M ;\n- a M ;\nEND COMPONENTS\n", "bad.def:4:1",
               "defined twice");
  expect_error(units + "BLOCKAGES 1 ;\n- PLACEMENT ;\nEND BLOCKAGES\n", "bad.def:3:1",
               "without RECT");
  expect_error("DESIGN x ;\nEND DESIGN\n", "bad.def:1:1", "no UNITS");
  expect_error(units + "COMPONENTS 0 ;\nEND COMPONENTS\n", "file ends early", "END DESIGN");
}

}  // namespace
}  // namespace macroplace::netlist
