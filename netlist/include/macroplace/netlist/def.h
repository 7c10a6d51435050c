// DEF 5.8, the floorplan subset (docs/OPENROAD.md): UNITS, DIEAREA (a polygon as its bounding
// box, with a warning), ROW, TRACKS, COMPONENTS (PLACED/FIXED/COVER/UNPLACED, orientation,
// HALO), PINS (net, direction, use, the first LAYER shape, placement), BLOCKAGES (placement and
// routing) and NETS (their connections; routing is read past). Other sections (VIAS,
// SPECIALNETS, REGIONS, GROUPS, ...) are read past.
//
// Contract:
// - Coordinates stay in database units (integers, as DEF writes them); `dbu_per_micron`
//   converts. Names are unescaped (`a\[0\]` is `a[0]`, the netlist's spelling).
// - A component's (x, y) is DEF's placement point: the lower-left corner of its footprint as
//   placed (turned by its orientation). DefComponent::placement_span and name_end record where
//   its placement clause is in the text, so write_def_placements() can change placements and
//   leave every other byte as it was.
// - Errors name file:line:column and what was expected; a section's declared count must match
//   what it holds.
//
//   DefFloorplan def;
//   Status s = read_def("ariane133_fp.def", &def);
//   for (const DefComponent& c : def.components) ... c.name, c.macro, c.status, c.x, c.y
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

struct DefRect {
  std::int64_t x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

enum class DefPlacement : std::uint8_t { kNone, kUnplaced, kPlaced, kFixed, kCover };
std::string_view def_placement_name(DefPlacement placement);  // "", "UNPLACED", "PLACED", ...

struct DefRow {
  std::string name, site;
  std::int64_t x = 0, y = 0;
  Orientation orientation = Orientation::kN;
  std::int64_t count_x = 1, count_y = 1, step_x = 0, step_y = 0;
};

struct DefTracks {
  char axis = 'X';  // X: tracks at x positions (vertical wires); Y: at y positions
  std::int64_t start = 0, count = 0, step = 0;
  std::vector<std::string> layers;
};

struct DefComponent {
  std::string name, macro;
  DefPlacement status = DefPlacement::kNone;
  std::int64_t x = 0, y = 0;
  Orientation orientation = Orientation::kN;
  std::optional<std::array<std::int64_t, 4>> halo;  // left, bottom, right, top
  bool soft_halo = false;
  std::uint64_t line = 0;
  // Where its placement clause ("+ PLACED ( x y ) N", "+ UNPLACED", ...) is in the text, or
  // {0, 0} when it has none; name_end: just past its macro name (where one can be added).
  std::size_t placement_begin = 0, placement_end = 0, name_end = 0;
};

struct DefPin {
  std::string name, net, direction, use;
  std::string layer;  // the first LAYER shape's layer, and its rectangle around the pin's point
  DefRect shape;
  DefPlacement status = DefPlacement::kNone;
  std::int64_t x = 0, y = 0;
  Orientation orientation = Orientation::kN;
  std::uint64_t line = 0;
};

struct DefBlockage {
  bool placement = true;  // PLACEMENT, or a routing blockage on `layer`
  std::string layer, component;
  bool soft = false;
  double partial = 0;          // PARTIAL max density in percent (0: a hard blockage)
  std::vector<DefRect> rects;  // a POLYGON as its bounding box
};

struct DefConnection {
  std::string component;  // "PIN" for an IO pin (then `pin` is the IO pin's name)
  std::string pin;
};

struct DefNet {
  std::string name;
  std::vector<DefConnection> connections;
  std::uint64_t line = 0;
};

struct DefFloorplan {
  std::string file;
  std::string text;  // the whole file, for write_def_placements()
  std::string version, design;
  double dbu_per_micron = 0;
  DefRect die;
  std::vector<DefRow> rows;
  std::vector<DefTracks> tracks;
  std::vector<DefComponent> components;
  std::vector<DefPin> pins;
  std::vector<DefBlockage> blockages;
  std::vector<DefNet> nets;
  std::vector<std::string> warnings;  // e.g. a polygonal die read as its bounding box

  const DefComponent* find_component(std::string_view name) const;
  std::map<std::string, std::size_t, std::less<>> component_index;
};

Status read_def(const std::string& path, DefFloorplan* out);
Status parse_def(std::string_view text, const std::string& file_label, DefFloorplan* out);

// New placements for some components, by name.
struct DefPlacementChange {
  DefPlacement status = DefPlacement::kPlaced;  // kPlaced or kFixed
  std::int64_t x = 0, y = 0;
  Orientation orientation = Orientation::kN;
};

// The floorplan's text with the named components' placement clauses replaced (or added after the
// macro name where there was none), every other byte unchanged. An unknown name is an error.
Status def_with_placements(const DefFloorplan& def,
                           const std::map<std::string, DefPlacementChange, std::less<>>& changes,
                           std::string* out);

}  // namespace macroplace::netlist
