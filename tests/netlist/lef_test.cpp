// LEF reading: NanGate45's technology, cell and SRAM LEF read into one library with the values
// the files hold; the SRAM's pin positions give exactly the pin offsets of Circuit Training's
// flat Ariane netlist (an independent conversion of the same LEF); hand-made LEF for ORIGIN,
// POLYGON, pins on several layers and redefinitions; bad input fails at file:line:column.
#include "macroplace/netlist/lef.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "macroplace/netlist/ct_netlist.h"
#include "testing/testing.h"

namespace macroplace::netlist {
namespace {

using macroplace::testing::example_path;

LefLibrary nangate45() {
  LefLibrary lef;
  for (const char* file :
       {"lef-ng45/NangateOpenCellLibrary.tech.lef", "lef-ng45/NangateOpenCellLibrary.macro.mod.lef",
        "lef-ng45/fakeram45_256x16.lef"}) {
    const Status s = read_lef(example_path(file), &lef);
    EXPECT_TRUE(s.ok()) << s.to_string();
  }
  return lef;
}

TEST(Lef, NanGate45ReadsIntoOneLibrary) {
  const LefLibrary lef = nangate45();
  EXPECT_EQ(lef.database_microns, 2000);
  EXPECT_DOUBLE_EQ(lef.manufacturing_grid, 0.005);
  EXPECT_TRUE(lef.redefined.empty());
  const LefLayer* metal1 = lef.find_layer("metal1");
  const LefLayer* metal2 = lef.find_layer("metal2");
  ASSERT_NE(metal1, nullptr);
  ASSERT_NE(metal2, nullptr);
  EXPECT_EQ(metal1->type, "ROUTING");
  EXPECT_EQ(metal1->direction, LefDirection::kHorizontal);
  EXPECT_DOUBLE_EQ(metal1->pitch_x, 0.14);
  EXPECT_DOUBLE_EQ(metal1->width, 0.07);
  EXPECT_DOUBLE_EQ(metal1->offset_x, 0.095);
  EXPECT_DOUBLE_EQ(metal1->offset_y, 0.07);
  EXPECT_EQ(metal2->direction, LefDirection::kVertical);
  EXPECT_DOUBLE_EQ(metal2->pitch_x, 0.19);
  EXPECT_LT(lef.layer_rank("metal1"), lef.layer_rank("metal2"));
  EXPECT_EQ(lef.find_layer("via1")->type, "CUT");
  const LefSite* site = lef.find_site("FreePDK45_38x28_10R_NP_162NW_34O");
  ASSERT_NE(site, nullptr);
  EXPECT_DOUBLE_EQ(site->width, 0.19);
  EXPECT_DOUBLE_EQ(site->height, 1.4);

  const LefMacro* inverter = lef.find_macro("INV_X1");
  ASSERT_NE(inverter, nullptr);
  EXPECT_EQ(inverter->macro_class, "CORE");
  EXPECT_DOUBLE_EQ(inverter->width, 0.38);
  EXPECT_EQ(inverter->site, "FreePDK45_38x28_10R_NP_162NW_34O");
  EXPECT_NE(inverter->find_pin("ZN"), nullptr);

  const LefMacro* sram = lef.find_macro("fakeram45_256x16");
  ASSERT_NE(sram, nullptr);
  EXPECT_EQ(sram->macro_class, "BLOCK");
  EXPECT_DOUBLE_EQ(sram->width, 57.57);
  EXPECT_DOUBLE_EQ(sram->height, 133.0);
  EXPECT_EQ(sram->symmetry, (std::vector<std::string>{"X", "Y"}));
  EXPECT_EQ(sram->pins.size(), 61u);
  const LefPin* mask = sram->find_pin("w_mask_in[1]");
  ASSERT_NE(mask, nullptr);
  EXPECT_EQ(mask->direction, "INPUT");
  EXPECT_EQ(mask->use, "SIGNAL");
  EXPECT_NEAR(mask->x, 0.035, 1e-12);  // RECT 0.000 4.165 0.070 4.235
  EXPECT_NEAR(mask->y, 4.2, 1e-12);
  EXPECT_EQ(sram->find_pin("VDD")->use, "POWER");
  ASSERT_FALSE(sram->obstructions.empty());
  EXPECT_EQ(sram->obstructions[0].layer, "metal1");
  EXPECT_DOUBLE_EQ(sram->obstructions[0].rect.x1, 57.57);
}

// Circuit Training's flat Ariane gives each SRAM pin an offset from its macro's centre as the
// flow had the macro turned (its netlist does not say how): the LEF pin position minus half the
// macro's size, mirrored in x and/or y. For each macro one mirroring must fit every pin.
TEST(Lef, SramPinPositionsMatchCircuitTrainingsOffsets) {
  const LefLibrary lef = nangate45();
  const LefMacro* sram = lef.find_macro("fakeram45_256x16");
  ASSERT_NE(sram, nullptr);
  Netlist flat;
  ASSERT_TRUE(read_ct_netlist(example_path("ariane133-ng45/flat.pb.txt.gz"), &flat).ok());
  // Per macro, which of the four mirrorings (bit 0: x, bit 1: y) still fit all its pins so far.
  std::map<NodeId, int> fits;
  int compared = 0;
  for (NodeId node = 0; node < flat.num_nodes(); ++node) {
    if (flat.kind(node) != NodeKind::kHardMacroPin) continue;
    const std::string name(flat.name(node));
    const LefPin* pin = sram->find_pin(name.substr(name.rfind('/') + 1));
    ASSERT_NE(pin, nullptr) << name;
    const double dx = pin->x - sram->width / 2, dy = pin->y - sram->height / 2;
    int fit = 0;
    for (int mirror = 0; mirror < 4; ++mirror) {
      const double x = (mirror & 1) != 0 ? -dx : dx, y = (mirror & 2) != 0 ? -dy : dy;
      if (std::abs(flat.pin_offset_x(node) - x) < 1e-6 &&
          std::abs(flat.pin_offset_y(node) - y) < 1e-6) {
        fit |= 1 << mirror;
      }
    }
    const auto [entry, added] = fits.emplace(flat.pin_owner(node), 15);
    entry->second &= fit;
    EXPECT_NE(entry->second, 0) << name << ": no mirroring of the LEF pin fits its offset";
    ++compared;
  }
  EXPECT_EQ(fits.size(), 133u);
  EXPECT_EQ(compared, 7847);  // every macro pin of the design
}

constexpr const char* kHandMade = R"(VERSION 5.8 ;
# a comment ; with a semicolon
UNITS
  DATABASE MICRONS 1000 ;
END UNITS
LAYER m1
  TYPE ROUTING ;
  DIRECTION HORIZONTAL ;
  PITCH 0.2 0.4 ;
END m1
LAYER m2
  TYPE ROUTING ;
  DIRECTION VERTICAL ;
END m2
VIA v12 DEFAULT
  LAYER m1 ; RECT -0.1 -0.1 0.1 0.1 ;
END v12
MACRO block
  CLASS BLOCK ;
  ORIGIN 1 2 ;
  SIZE 10 BY 20 ;
  PIN a
    PORT
      LAYER m2 ;
      RECT 0 0 2 2 ;
      LAYER m1 ;
      RECT MASK 1 3 3 5 5 ;
      RECT 5 3 7 5 ;
    END
  END a
  PIN b
    PORT
      LAYER m9 ;
      POLYGON 0 0 4 0 4 6 0 6 ;
    END
  END b
  OBS
    LAYER m1 ;
    RECT 0 0 1 1 ;
  END
END block
MACRO block
  SIZE 5 BY 5 ;
END block
END LIBRARY
)";

TEST(Lef, HandMadeShapesOriginAndRedefinition) {
  LefLibrary lef;
  const Status s = parse_lef(kHandMade, "hand.lef", &lef);
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(lef.database_microns, 1000);
  EXPECT_DOUBLE_EQ(lef.find_layer("m1")->pitch_x, 0.2);
  EXPECT_DOUBLE_EQ(lef.find_layer("m1")->pitch_y, 0.4);
  EXPECT_EQ(lef.redefined, (std::vector<std::string>{"MACRO block"}));
  EXPECT_DOUBLE_EQ(lef.find_macro("block")->width, 5);  // the later definition

  LefLibrary first;
  const std::string text(kHandMade);
  ASSERT_TRUE(
      parse_lef(text.substr(0, text.find("MACRO block\n  SIZE 5")), "hand.lef", &first).ok());
  const LefMacro* block = first.find_macro("block");
  ASSERT_NE(block, nullptr);
  EXPECT_EQ(block->macro_class, "BLOCK");
  // Pin a: shapes on m2 and m1; m1 is lower: the centre of its two shapes' box (3..7, 3..5),
  // shifted by ORIGIN (1, 2).
  const LefPin* a = block->find_pin("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->shapes.size(), 3u);
  EXPECT_DOUBLE_EQ(a->x, 5 + 1);
  EXPECT_DOUBLE_EQ(a->y, 4 + 2);
  // Pin b: a polygon on an undefined layer, as its bounding box.
  const LefPin* b = block->find_pin("b");
  ASSERT_NE(b, nullptr);
  EXPECT_DOUBLE_EQ(b->x, 2 + 1);
  EXPECT_DOUBLE_EQ(b->y, 3 + 2);
  ASSERT_EQ(block->obstructions.size(), 1u);
  EXPECT_DOUBLE_EQ(block->obstructions[0].rect.x0, 1);
  EXPECT_DOUBLE_EQ(block->obstructions[0].rect.y1, 3);
}

void expect_error(const std::string& text, const std::string& where, const std::string& what) {
  LefLibrary lef;
  const Status s = parse_lef(text, "bad.lef", &lef);
  ASSERT_FALSE(s.ok()) << text;
  EXPECT_NE(s.to_string().find(where), std::string::npos) << s.to_string();
  EXPECT_NE(s.to_string().find(what), std::string::npos) << s.to_string();
}

TEST(Lef, BadInputFailsAtItsPlace) {
  expect_error("UNITS\n  DATABASE MICRONS abc ;\nEND UNITS\n", "bad.lef:2:20", "number");
  expect_error("MACRO m\n  SIZE 1 BY 2 ;\nEND n\n", "bad.lef:3:5", "expected 'END m'");
  expect_error("MACRO m\n  SIZE 1 2 ;\nEND m\n", "bad.lef:2:10", "expected 'BY'");
  expect_error("MACRO m\n  SIZE 1 BY 2 ;\n  PIN p\n    PORT\n      LAYER x ;\n      RECT 1 2 3 ;\n",
               "bad.lef:6:7", "RECT needs 4 coordinates");
  expect_error("MACRO m\n  SIZE 1 BY 2 ;\n  OBS\n    RECT 0 0 1 1 ;\n", "bad.lef:4:5",
               "before any LAYER");
  expect_error("MACRO m\n  CLASS BLOCK ;\nEND m\n", "bad.lef:1:1", "no SIZE");
  expect_error("MACRO m\n  SIZE 1 BY 2 ;\n", "file ends early", "END m");
  expect_error("LAYER m1\n  DIRECTION SIDEWAYS ;\nEND m1\n", "bad.lef:2:3", "HORIZONTAL");
  expect_error("MACRO m\n  SIZE -1 BY 2 ;\nEND m\n", "bad.lef:2:8", ">= 0");
}

}  // namespace
}  // namespace macroplace::netlist
