// LEF 5.8, the subset a floorplan needs (docs/OPENROAD.md): UNITS DATABASE MICRONS,
// MANUFACTURINGGRID, routing LAYERs (type, direction, pitch, width, offset), SITEs, and MACROs
// with CLASS, SIZE, ORIGIN, SYMMETRY, SITE, PINs (direction, use, port shapes) and OBS.
// Everything else (VIA, VIARULE, SPACING, PROPERTYDEFINITIONS, antenna and electrical data) is
// read past; unknown statements are skipped to their ';'.
//
// Contract:
// - Lengths are in microns, as LEF writes them; shapes are in the macro's own frame (origin at
//   its lower-left corner once ORIGIN is applied, orientation N).
// - A pin's position (LefPin::x, y) is the centre of the bounding box of its shapes on the
//   lowest layer it has shapes on (layer order as the LAYER statements give it; a layer the
//   library does not define ranks after every defined one). Why: most macro pins are one
//   rectangle, where every rule agrees; a pin with shapes on several layers (a via stack, a pin
//   reachable from two metals) is reached by signal routing at its lowest layer, and one layer's
//   bounding box centre is a point that does not move when a file lists its shapes in another
//   order. Circuit Training's Ariane netlist has its SRAM pin offsets exactly so (tested).
// - read_lef() appends to a library, so a technology LEF and then cell/macro LEFs read into one;
//   a macro, layer or site defined twice keeps the later definition (as OpenROAD does) and is
//   reported in `redefined`. Errors name file:line:column and what was expected.
//
//   LefLibrary lef;
//   Status s = read_lef("NangateOpenCellLibrary.tech.lef", &lef);
//   if (s.ok()) s = read_lef("fakeram45_256x16.lef", &lef);
//   const LefMacro* sram = lef.find_macro("fakeram45_256x16");   // sram->width, ->pins
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

struct LefShape {
  std::string layer;
  Rect rect;  // a POLYGON's bounding box
};

struct LefPin {
  std::string name;
  std::string direction;  // INPUT, OUTPUT, INOUT, FEEDTHRU, or empty
  std::string use;        // SIGNAL, POWER, GROUND, CLOCK, ... or empty
  std::vector<LefShape> shapes;
  double x = 0, y = 0;  // the position (see the contract), in the macro's frame
};

struct LefMacro {
  std::string name;
  std::string macro_class;  // BLOCK, CORE, PAD, ENDCAP, COVER, RING (first word of CLASS)
  double width = 0, height = 0;
  double origin_x = 0, origin_y = 0;  // ORIGIN: already applied to the shapes
  std::vector<std::string> symmetry;  // X, Y, R90
  std::string site;
  std::vector<LefPin> pins;
  std::vector<LefShape> obstructions;
  std::string file;  // where it was defined
  std::uint64_t line = 0;

  const LefPin* find_pin(std::string_view name) const;
};

enum class LefDirection : std::uint8_t { kNone, kHorizontal, kVertical };

struct LefLayer {
  std::string name;
  std::string type;  // ROUTING, CUT, MASTERSLICE, OVERLAP, ...
  LefDirection direction = LefDirection::kNone;
  double pitch_x = 0, pitch_y = 0;  // PITCH p sets both; PITCH px py sets each
  double width = 0;
  double offset_x = 0, offset_y = 0;
};

struct LefSite {
  std::string name;
  std::string site_class;  // CORE, PAD
  double width = 0, height = 0;
  std::vector<std::string> symmetry;
};

struct LefLibrary {
  double database_microns = 0;  // UNITS DATABASE MICRONS (0: not given)
  double manufacturing_grid = 0;
  std::vector<LefLayer> layers;  // in definition order (bottom to top in practice)
  std::vector<LefSite> sites;
  std::vector<LefMacro> macros;
  std::vector<std::string> redefined;  // "MACRO name", "LAYER name", "SITE name"

  const LefMacro* find_macro(std::string_view name) const;
  const LefLayer* find_layer(std::string_view name) const;
  const LefSite* find_site(std::string_view name) const;
  // The layer's position in `layers`, or layers.size() for one not defined.
  std::size_t layer_rank(std::string_view name) const;

  // Indexes by name (kept by the reader).
  std::map<std::string, std::size_t, std::less<>> macro_index, layer_index, site_index;
};

// Reads a LEF file (gzip or plain) into `library`, after what it holds.
Status read_lef(const std::string& path, LefLibrary* library);
// The same from text; `file_label` names it in errors.
Status parse_lef(std::string_view text, const std::string& file_label, LefLibrary* library);

}  // namespace macroplace::netlist
