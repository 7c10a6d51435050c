// OpenROAD interop on Ariane 133: the placed-macros floorplan applied to Circuit Training's flat
// netlist puts every macro pin where DEF's orientation rules, worked by hand from the LEF in
// database units, put it (so every net's HPWL is the DEF placement's); the placement written
// back as DEF placements is the DEF's own and passes the checker; the checker finds overlaps
// (halos included), off-grid and off-die macros; the Tcl script has one place_macro per macro.
#include "macroplace/netlist/floorplan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "macroplace/netlist/ct_netlist.h"
#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;

struct Ariane {
  LefLibrary lef;
  DefFloorplan def;
  Netlist netlist;
  PlacementSettings settings;
  FloorplanReport report;
};

const Ariane& ariane() {
  static const Ariane* loaded = [] {
    auto* a = new Ariane;
    for (const char* file :
         {"lef-ng45/NangateOpenCellLibrary.tech.lef",
          "lef-ng45/NangateOpenCellLibrary.macro.mod.lef", "lef-ng45/fakeram45_256x16.lef"}) {
      EXPECT_TRUE(read_lef(example_path(file), &a->lef).ok());
    }
    EXPECT_TRUE(
        read_def(example_path("ariane133-ng45/def/ariane133_fp_placed_macros.def"), &a->def).ok());
    EXPECT_TRUE(read_ct_netlist(example_path("ariane133-ng45/flat.pb.txt.gz"), &a->netlist).ok());
    const Status s = apply_floorplan(a->def, a->lef, {}, &a->netlist, &a->settings, &a->report);
    EXPECT_TRUE(s.ok()) << s.to_string();
    return a;
  }();
  return *loaded;
}

// DEF's placement of a LEF point (px, py) of a w x h macro placed at (x, y) with `o`, by the
// DEF reference's table (the lower-left corner of the turned footprint is (x, y)).
std::pair<double, double> def_point(Orientation o, double x, double y, double w, double h,
                                    double px, double py) {
  switch (o) {
    case Orientation::kN: return {x + px, y + py};
    case Orientation::kS: return {x + w - px, y + h - py};
    case Orientation::kFN: return {x + w - px, y + py};
    case Orientation::kFS: return {x + px, y + h - py};
    case Orientation::kE: return {x + py, y + w - px};
    case Orientation::kW: return {x + h - py, y + px};
    case Orientation::kFE: return {x + py, y + px};
    case Orientation::kFW: return {x + h - py, y + w - px};
  }
  return {x, y};
}

TEST(Floorplan, PlacedArianeMacroPinsAreWhereDefPutsThem) {
  const Ariane& a = ariane();
  EXPECT_EQ(a.report.macros, 133);
  EXPECT_EQ(a.report.macros_placed, 133);
  EXPECT_EQ(a.report.macros_fixed, 0);
  EXPECT_EQ(a.report.ports_placed, 495);
  EXPECT_DOUBLE_EQ(a.report.max_halo, 5.0);  // HALO 10000 at 2000 units per micron
  // The halo plus a row pitch (2800 units; sites are 380): the spacing placers keep.
  ASSERT_TRUE(a.settings.macro_spacing.has_value());
  EXPECT_DOUBLE_EQ(*a.settings.macro_spacing, 5.0 + 1.4);
  EXPECT_NEAR(*a.settings.width, 2714720 / 2000.0, 1e-9);
  EXPECT_NEAR(*a.settings.height, 2713760 / 2000.0, 1e-9);
  // The flat netlist holds offsets as its flow had the macros turned; the LEF's (orientation N)
  // replace them wherever a macro is turned there.
  EXPECT_GT(a.report.pin_offsets_changed, 0);

  // Every macro pin by hand, in database units.
  const double unit = a.def.dbu_per_micron;
  std::int64_t pins = 0;
  std::set<Orientation> seen;
  std::vector<double> hand_x(static_cast<std::size_t>(a.netlist.num_nodes()));
  std::vector<double> hand_y(hand_x.size());
  for (NodeId node = 0; node < a.netlist.num_nodes(); ++node) {
    a.netlist.terminal_position(node, &hand_x[node], &hand_y[node]);  // cells and ports
  }
  for (NodeId node = 0; node < a.netlist.num_nodes(); ++node) {
    if (a.netlist.kind(node) != NodeKind::kHardMacroPin) continue;
    const NodeId owner = a.netlist.pin_owner(node);
    const DefComponent* component = a.def.find_component(std::string(a.netlist.name(owner)));
    ASSERT_NE(component, nullptr);
    const LefMacro* macro = a.lef.find_macro(component->macro);
    const std::string name(a.netlist.name(node));
    const LefPin* pin = macro->find_pin(name.substr(name.rfind('/') + 1));
    ASSERT_NE(pin, nullptr);
    const auto [hx, hy] = def_point(component->orientation, static_cast<double>(component->x),
                                    static_cast<double>(component->y), macro->width * unit,
                                    macro->height * unit, pin->x * unit, pin->y * unit);
    double x = 0, y = 0;
    a.netlist.terminal_position(node, &x, &y);
    EXPECT_NEAR(x, hx / unit, 1e-6) << name;
    EXPECT_NEAR(y, hy / unit, 1e-6) << name;
    hand_x[node] = hx / unit;
    hand_y[node] = hy / unit;
    seen.insert(component->orientation);
    ++pins;
  }
  EXPECT_EQ(pins, 7847);
  EXPECT_GE(seen.size(), 2u);  // more than one orientation was exercised
  // So the wirelength (weighted HPWL over every net) is the DEF placement's, worked by hand.
  double by_hand = 0, converted = 0;
  for (NetId net = 0; net < a.netlist.num_nets(); ++net) {
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
    double cx0 = 1e300, cx1 = -1e300, cy0 = 1e300, cy1 = -1e300;
    for (const NodeId* t = a.netlist.net_terminals_begin(net);
         t != a.netlist.net_terminals_end(net); ++t) {
      x0 = std::min(x0, hand_x[*t]), x1 = std::max(x1, hand_x[*t]);
      y0 = std::min(y0, hand_y[*t]), y1 = std::max(y1, hand_y[*t]);
      double x = 0, y = 0;
      a.netlist.terminal_position(*t, &x, &y);
      cx0 = std::min(cx0, x), cx1 = std::max(cx1, x), cy0 = std::min(cy0, y),
      cy1 = std::max(cy1, y);
    }
    by_hand += a.netlist.net_weight(net) * (x1 - x0 + y1 - y0);
    converted += a.netlist.net_weight(net) * (cx1 - cx0 + cy1 - cy0);
  }
  EXPECT_GT(by_hand, 0);
  EXPECT_NEAR(converted, by_hand, 1e-9 * by_hand);

  // IO pins: DEF's point plus its shape's centre turned (clk_i: E, ( -70 0 ) ( 70 140 )).
  const std::optional<NodeId> clock = a.netlist.find("clk_i");
  ASSERT_TRUE(clock.has_value());
  EXPECT_NEAR(a.netlist.x(*clock), (0 + 70) / unit, 1e-9);
  EXPECT_NEAR(a.netlist.y(*clock), (475020 - 0) / unit, 1e-9);
}

// The DEF's own placements, as changes.
std::map<std::string, DefPlacementChange, std::less<>> own_placements(const DefFloorplan& def) {
  std::map<std::string, DefPlacementChange, std::less<>> out;
  for (const DefComponent& c : def.components) {
    out[c.name] = {DefPlacement::kPlaced, c.x, c.y, c.orientation};
  }
  return out;
}

TEST(Floorplan, PlacementsWriteBackOnTheGridAndPassTheChecker) {
  const Ariane& a = ariane();
  // Innovus left these macros off the site grid and between rows (the checker says so); the
  // same placements written back change not one byte.
  const auto own = own_placements(a.def);
  std::vector<std::string> problems = check_def_placements(a.def, a.lef, own);
  EXPECT_FALSE(problems.empty());
  for (const std::string& problem : problems) {
    EXPECT_TRUE(problem.find("site grid") != std::string::npos ||
                problem.find("not on a row") != std::string::npos)
        << problem;
  }
  std::string text;
  ASSERT_TRUE(def_with_placements(a.def, own, &text).ok());
  EXPECT_EQ(text, a.def.text);

  // From the netlist: each macro snapped down onto the site grid (380 units) and a row (2800),
  // less than a site and a row from where the DEF had it, and legal with the halos.
  std::map<std::string, DefPlacementChange, std::less<>> placements;
  ASSERT_TRUE(placements_for_def(a.netlist, a.def, {}, false, &placements).ok());
  ASSERT_EQ(placements.size(), 133u);
  for (const DefComponent& c : a.def.components) {
    const DefPlacementChange& p = placements.at(c.name);
    EXPECT_GE(c.x - p.x, 0) << c.name;
    EXPECT_LT(c.x - p.x, 380) << c.name;
    EXPECT_GE(c.y - p.y, 0) << c.name;
    EXPECT_LT(c.y - p.y, 2800) << c.name;
    EXPECT_EQ(p.orientation, c.orientation) << c.name;
    EXPECT_EQ(p.status, DefPlacement::kPlaced);
  }
  problems = check_def_placements(a.def, a.lef, placements);
  EXPECT_TRUE(problems.empty()) << problems.size() << " problems, first: " << problems.front();

  // Off the grid by one unit, outside the die, and into a neighbour's halo.
  auto broken = placements;
  const std::string& first = a.def.components[0].name;
  broken[first].x += 1;
  problems = check_def_placements(a.def, a.lef, broken);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("not on the site grid"), std::string::npos) << problems[0];
  broken = placements;
  broken[first].x = a.def.die.x1 - 1000 - (a.def.die.x1 - 1000 - a.def.rows[0].x) % 380;
  problems = check_def_placements(a.def, a.lef, broken);
  EXPECT_NE(std::find_if(problems.begin(), problems.end(),
                         [](const std::string& p) {
                           return p.find("outside the die") != std::string::npos;
                         }),
            problems.end());
  // A quarter turn the SRAM's SYMMETRY (X Y) does not allow; a flip it does.
  broken = placements;
  broken[first].orientation = Orientation::kE;
  problems = check_def_placements(a.def, a.lef, broken);
  EXPECT_NE(std::find_if(problems.begin(), problems.end(),
                         [](const std::string& p) {
                           return p.find(
                                      "orientation E is not allowed by fakeram45_256x16's "
                                      "SYMMETRY (X Y)") != std::string::npos;
                         }),
            problems.end());
  broken = placements;
  broken[first].orientation = Orientation::kS;
  problems = check_def_placements(a.def, a.lef, broken);
  EXPECT_TRUE(problems.empty()) << problems.front();
  // The second macro 1 um (2000 units, inside its 5 um halo) right of the first's right edge.
  broken = placements;
  const std::string& second = a.def.components[1].name;
  const double width = a.lef.find_macro("fakeram45_256x16")->width * a.def.dbu_per_micron;
  broken[second] = broken[first];
  broken[second].x = broken[first].x + static_cast<std::int64_t>(width) + 2000;
  broken[second].x -= (broken[second].x - a.def.rows[0].x) % 380;
  problems = check_def_placements(a.def, a.lef, broken);
  EXPECT_NE(std::find_if(problems.begin(), problems.end(),
                         [&](const std::string& p) {
                           return p.find("overlap (halos included)") != std::string::npos &&
                                  p.find(second) != std::string::npos;
                         }),
            problems.end());

  // Fixed on request; a macro moved by less than the distance to the next site and row above
  // snaps back to the same grid point.
  Netlist moved = a.netlist;
  const NodeId node = *moved.find(first);
  std::map<std::string, DefPlacementChange, std::less<>> again;
  ASSERT_TRUE(placements_for_def(moved, a.def, {}, true, &again).ok());
  EXPECT_EQ(again[first].status, DefPlacement::kFixed);
  const double slack_x = static_cast<double>(a.def.components[0].x - placements[first].x) / 2000.0;
  moved.set_position(node, moved.x(node) - slack_x + 0.1, moved.y(node));
  ASSERT_TRUE(placements_for_def(moved, a.def, {}, false, &again).ok());
  EXPECT_EQ(again[first].x, placements[first].x);
  EXPECT_EQ(again[first].y, placements[first].y);
}

// LEF SYMMETRY -> the orientations placers may choose, worked by hand from the LEF reference:
// X mirrors about the x axis (FS), Y about the y axis (FN), both give S, R90 the quarter turns.
TEST(Floorplan, SymmetryLimitsTheOrientationsPlacersMayChoose) {
  const auto allowed = [](std::vector<std::string> symmetry) {
    LefMacro macro;
    macro.symmetry = std::move(symmetry);
    return orientation_set_name(lef_allowed_orientations(macro));
  };
  EXPECT_EQ(allowed({}), "N");
  EXPECT_EQ(allowed({"X"}), "N FS");
  EXPECT_EQ(allowed({"Y"}), "N FN");
  EXPECT_EQ(allowed({"X", "Y"}), "N FN S FS");
  EXPECT_EQ(allowed({"R90"}), "N S E W");
  EXPECT_EQ(allowed({"X", "Y", "R90"}), "N FN S FS E FE W FW");

  // Ariane's SRAMs are SYMMETRY X Y: every one of the 133 is limited to the four upright ones.
  const Ariane& a = ariane();
  EXPECT_EQ(a.report.macros_restricted, 133);
  std::int64_t limited = 0;
  for (NodeId node = 0; node < a.netlist.num_nodes(); ++node) {
    if (a.netlist.kind(node) != NodeKind::kHardMacro) continue;
    EXPECT_EQ(orientation_set_name(a.netlist.allowed_orientations(node)), "N FN S FS");
    ++limited;
  }
  EXPECT_EQ(limited, 133);
  // The same from restrict_orientations() on a netlist no floorplan was applied to; a macro the
  // DEF does not name keeps every orientation.
  Netlist fresh;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/flat.pb.txt.gz"), &fresh).ok());
  const NodeId extra = fresh.add_node(NodeKind::kHardMacro, "not_in_the_def", 5, 5);
  EXPECT_EQ(restrict_orientations(a.def, a.lef, &fresh), 133);
  for (NodeId node = 0; node < a.netlist.num_nodes(); ++node) {
    EXPECT_EQ(fresh.allowed_orientations(node), a.netlist.allowed_orientations(node));
  }
  EXPECT_EQ(fresh.allowed_orientations(extra), kEveryOrientation);
}

TEST(Floorplan, TclPlacesEveryMacroInMicrons) {
  const Ariane& a = ariane();
  const std::string tcl = openroad_tcl(a.def, own_placements(a.def));
  std::size_t lines = 0;
  for (std::size_t at = tcl.find("place_macro"); at != std::string::npos;
       at = tcl.find("place_macro", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 133u);
  // The first component: PLACED ( 2173480 1560080 ) FN at 2000 units per micron.
  EXPECT_NE(tcl.find("place_macro -macro_name "
                     "{i_cache_subsystem/i_icache/sram_block\\[0\\].data_sram/"
                     "macro_mem\\[0\\].i_ram} -location {1086.74 780.04} -orientation MY\n"),
            std::string::npos)
      << tcl.substr(0, 400);
}

constexpr const char* kSmallLef = R"(UNITS
  DATABASE MICRONS 1000 ;
END UNITS
LAYER m1
  TYPE ROUTING ;
  DIRECTION HORIZONTAL ;
  PITCH 0.2 ;
END m1
MACRO ram
  CLASS BLOCK ;
  SIZE 10 BY 20 ;
  PIN clk DIRECTION INPUT ; PORT LAYER m1 ; RECT 0 1 0.2 1.2 ; END END clk
  PIN q DIRECTION OUTPUT ; PORT LAYER m1 ; RECT 9.8 10 10 10.2 ; END END q
END ram
MACRO inv
  CLASS CORE ;
  SIZE 0.4 BY 1 ;
  PIN A DIRECTION INPUT ; PORT LAYER m1 ; RECT 0 0 0.1 0.1 ; END END A
  PIN Z DIRECTION OUTPUT ; PORT LAYER m1 ; RECT 0.3 0 0.4 0.1 ; END END Z
END inv
)";

constexpr const char* kSmallDef = R"(VERSION 5.8 ;
DESIGN small ;
UNITS DISTANCE MICRONS 1000 ;
DIEAREA ( 0 0 ) ( 100000 80000 ) ;
COMPONENTS 3 ;
- ram0 ram + PLACED ( 10000 20000 ) N ;
- u1 inv + PLACED ( 50000 40000 ) N ;
- u2 inv ;
END COMPONENTS
PINS 2 ;
- clk + NET n_clk + DIRECTION INPUT + LAYER m1 ( -50 0 ) ( 50 100 ) + FIXED ( 0 40000 ) E ;
- out + NET n_z + DIRECTION OUTPUT ;
END PINS
NETS 3 ;
- n_clk ( u1 A ) ( PIN clk ) ( ram0 clk ) ;
- n_q ( u2 A ) ( ram0 q ) ( u1 A ) + USE SIGNAL ;
- n_z ( PIN out ) ( u1 Z ) ;
END NETS
END DESIGN
)";

// A DEF with NETS and no Circuit Training netlist: its components, pins and nets become one.
TEST(Floorplan, DefWithNetsBecomesANetlist) {
  LefLibrary lef;
  ASSERT_TRUE(parse_lef(kSmallLef, "small.lef", &lef).ok());
  DefFloorplan def;
  ASSERT_TRUE(parse_def(kSmallDef, "small.def", &def).ok());
  Netlist made;
  PlacementSettings settings;
  FloorplanReport report;
  const Status s = netlist_from_def(def, lef, {}, &made, &settings, &report);
  ASSERT_TRUE(s.ok()) << s.to_string();
  const NetlistCounts counts = made.counts();
  EXPECT_EQ(counts.hard_macros, 1);
  EXPECT_EQ(counts.std_cells, 2);
  EXPECT_EQ(counts.ports, 2);
  EXPECT_EQ(counts.hard_macro_pins, 2);  // clk and q, the pins nets use
  EXPECT_EQ(counts.nets, 3);
  EXPECT_DOUBLE_EQ(*settings.width, 100);
  EXPECT_DOUBLE_EQ(*settings.height, 80);
  const NodeId ram = *made.find("ram0");
  EXPECT_DOUBLE_EQ(made.x(ram), 10 + 5);  // lower-left (10, 20) um, 10 x 20
  EXPECT_DOUBLE_EQ(made.y(ram), 20 + 10);
  const NodeId u1 = *made.find("u1"), u2 = *made.find("u2");
  EXPECT_DOUBLE_EQ(made.x(u1), 50 + 0.2);
  EXPECT_DOUBLE_EQ(made.y(u1), 40 + 0.5);
  EXPECT_DOUBLE_EQ(made.x(u2), 50);  // unplaced: the canvas's centre
  EXPECT_DOUBLE_EQ(made.y(u2), 40);
  const NodeId clk_pin = *made.find("ram0/clk");
  EXPECT_NEAR(made.pin_offset_x(clk_pin), 0.1 - 5, 1e-12);
  EXPECT_NEAR(made.pin_offset_y(clk_pin), 1.1 - 10, 1e-12);
  // The IO pin: ( 0 40000 ) turned E with its shape's centre ( 0 50 ) -> ( 50 0 ).
  const NodeId clk = *made.find("clk");
  EXPECT_NEAR(made.x(clk), 0.05, 1e-12);
  EXPECT_NEAR(made.y(clk), 40, 1e-12);
  // Drivers first: the INPUT IO pin, the macro's OUTPUT pin, the cell's OUTPUT Z.
  const auto first = [&](NetId net) { return *made.net_terminals_begin(net); };
  ASSERT_EQ(made.net_degree(0), 3);
  EXPECT_EQ(first(0), clk);
  EXPECT_EQ(first(1), *made.find("ram0/q"));
  EXPECT_EQ(first(2), u1);
  EXPECT_EQ(made.net_name(2), "n_z");
  EXPECT_TRUE(made.validate().ok());

  // A net naming what is not there fails at its line.
  std::string bad(kSmallDef);
  bad.replace(bad.find("( u2 A ) ( ram0 q )"), 19, "( u9 A ) ( ram0 q )");
  ASSERT_TRUE(parse_def(bad, "bad.def", &def).ok());
  const Status unknown = netlist_from_def(def, lef, {}, &made, &settings, &report);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.to_string().find("bad.def:16:1"), std::string::npos) << unknown.to_string();
  EXPECT_NE(unknown.to_string().find("no component 'u9'"), std::string::npos);
}

// NanGate45's routing layers by hand: horizontal metal1 0.14, metal3 0.14, metal5 0.28,
// metal7 0.8, metal9 1.6; vertical metal2 0.19, metal4 0.28, metal6 0.28, metal8 0.8,
// metal10 1.6; the SRAM obstructs metal1-4 (and OVERLAP, not a routing layer).
TEST(Floorplan, RoutesFromTheLefLayerPitches) {
  const Ariane& a = ariane();
  const RoutingCapacity routes = routes_from_lef(a.lef, a.def);
  EXPECT_NEAR(routes.horizontal, 1 / 0.14 + 1 / 0.14 + 1 / 0.28 + 1 / 0.8 + 1 / 1.6, 1e-9);
  EXPECT_NEAR(routes.vertical, 1 / 0.19 + 1 / 0.28 + 1 / 0.28 + 1 / 0.8 + 1 / 1.6, 1e-9);
  EXPECT_NEAR(routes.macro_horizontal, 1 / 0.14 + 1 / 0.14, 1e-9);
  EXPECT_NEAR(routes.macro_vertical, 1 / 0.19 + 1 / 0.28, 1e-9);
}

// --core: the rows' extent (first site to past the last, lowest row to one pitch above the
// highest) instead of the die.
TEST(Floorplan, CoreCanvasIsTheRowsExtent) {
  const Ariane& a = ariane();
  FloorplanOptions core;
  core.core = true;
  const DefRect rows = floorplan_canvas(a.def, core);
  std::int64_t top = 0;
  for (const DefRow& row : a.def.rows) top = std::max(top, row.y);
  EXPECT_EQ(rows.x0, 10260);
  EXPECT_EQ(rows.x1, 10260 + 7090 * 380);
  EXPECT_EQ(rows.y0, 10080);
  EXPECT_EQ(rows.y1, top + 2800);
  const DefRect die = floorplan_canvas(a.def, {});
  EXPECT_EQ(die.x1, a.def.die.x1);
}

}  // namespace
}  // namespace macroplace::netlist
