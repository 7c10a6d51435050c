#include "macroplace/netlist/floorplan.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "text_input.h"

namespace macroplace::netlist {

namespace {

// Sizes within this many microns are the same (LEF and netlists round differently).
constexpr double kSizeTolerance = 1e-3;

// A macro's footprint as placed (width and height swapped by a quarter turn).
std::pair<double, double> placed_size(double width, double height, Orientation orientation) {
  return swaps_width_and_height(orientation) ? std::pair{height, width} : std::pair{width, height};
}

// The last path element of a pin's name: "u0/ram/clk" -> "clk".
std::string_view pin_part(std::string_view name) {
  const std::size_t slash = name.rfind('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// Whether a LEF SYMMETRY (X: flip about the x axis, Y: about the y axis, R90: quarter turns)
// lets the macro be placed in `orientation`.
bool symmetry_allows(const std::vector<std::string>& symmetry, Orientation orientation) {
  const auto has = [&](const char* word) {
    return std::find(symmetry.begin(), symmetry.end(), word) != symmetry.end();
  };
  const bool x = has("X"), y = has("Y"), r90 = has("R90");
  switch (orientation) {
    case Orientation::kN: return true;
    case Orientation::kFN: return y;
    case Orientation::kFS: return x;
    case Orientation::kS: return (x && y) || r90;
    case Orientation::kE:
    case Orientation::kW: return r90;
    case Orientation::kFE:
    case Orientation::kFW: return r90 && (x || y);
  }
  return false;
}

}  // namespace

OrientationSet lef_allowed_orientations(const LefMacro& macro) {
  OrientationSet allowed = 0;
  for (int o = 0; o < 8; ++o) {
    if (symmetry_allows(macro.symmetry, static_cast<Orientation>(o))) {
      allowed |= orientation_bit(static_cast<Orientation>(o));
    }
  }
  return allowed;
}

std::int64_t restrict_orientations(const DefFloorplan& def, const LefLibrary& lef,
                                   Netlist* netlist) {
  std::int64_t restricted = 0;
  for (const DefComponent& component : def.components) {
    const std::optional<NodeId> node = netlist->find(component.name);
    const LefMacro* macro = lef.find_macro(component.macro);
    if (!node || macro == nullptr || netlist->kind(*node) != NodeKind::kHardMacro) continue;
    const OrientationSet allowed = lef_allowed_orientations(*macro);
    netlist->set_allowed_orientations(*node, allowed);
    restricted += allowed == kEveryOrientation ? 0 : 1;
  }
  return restricted;
}

namespace {

// Row grid: the x origin and step of the sites, the rows' y positions (ascending) and their
// smallest spacing (0 with fewer than two rows).
struct RowGrid {
  std::int64_t x_origin = 0, x_step = 0;
  std::vector<std::int64_t> ys;
  std::int64_t pitch = 0;
};

RowGrid row_grid(const DefFloorplan& def) {
  RowGrid grid;
  for (const DefRow& row : def.rows) {
    if (grid.x_step == 0 && row.step_x > 0) {
      grid.x_origin = row.x;
      grid.x_step = row.step_x;
    }
    grid.ys.push_back(row.y);
  }
  std::sort(grid.ys.begin(), grid.ys.end());
  grid.ys.erase(std::unique(grid.ys.begin(), grid.ys.end()), grid.ys.end());
  for (std::size_t i = 1; i < grid.ys.size(); ++i) {
    const std::int64_t gap = grid.ys[i] - grid.ys[i - 1];
    if (grid.pitch == 0 || gap < grid.pitch) grid.pitch = gap;
  }
  return grid;
}

}  // namespace

DefRect floorplan_canvas(const DefFloorplan& def, const FloorplanOptions& options) {
  if (!options.core || def.rows.size() < 2) return def.die;
  // The rows' extent: x from the first site to past the last, y from the lowest row to one
  // row pitch above the highest.
  const RowGrid grid = row_grid(def);
  DefRect core{std::numeric_limits<std::int64_t>::max(), grid.ys.front(),
               std::numeric_limits<std::int64_t>::min(), grid.ys.back() + grid.pitch};
  for (const DefRow& row : def.rows) {
    core.x0 = std::min(core.x0, row.x);
    core.x1 = std::max(core.x1, row.x + row.count_x * std::max<std::int64_t>(row.step_x, 0));
  }
  return core.x1 > core.x0 && core.y1 > core.y0 ? core : def.die;
}

Status apply_floorplan(const DefFloorplan& def, const LefLibrary& lef,
                       const FloorplanOptions& options, Netlist* netlist,
                       PlacementSettings* settings, FloorplanReport* report) {
  *report = {};
  const DefRect canvas = floorplan_canvas(def, options);
  const double unit = def.dbu_per_micron;
  const auto um_x = [&](double x) { return (x - static_cast<double>(canvas.x0)) / unit; };
  const auto um_y = [&](double y) { return (y - static_cast<double>(canvas.y0)) / unit; };
  settings->width = static_cast<double>(canvas.x1 - canvas.x0) / unit;
  settings->height = static_cast<double>(canvas.y1 - canvas.y0) / unit;
  // The netlist's own canvas and rows (what standard-cell placement uses) are the floorplan's.
  netlist->canvas = Rect{0, 0, *settings->width, *settings->height};
  const RowGrid grid = row_grid(def);
  if (!def.rows.empty()) {
    netlist->rows.clear();
    for (const DefRow& row : def.rows) {
      const LefSite* site = lef.find_site(row.site);
      Row out;
      out.y = um_y(static_cast<double>(row.y));
      out.height = site != nullptr ? site->height : static_cast<double>(grid.pitch) / unit;
      out.site_spacing = static_cast<double>(row.step_x) / unit;
      out.site_width = site != nullptr ? site->width : out.site_spacing;
      out.origin_x = um_x(static_cast<double>(row.x));
      out.num_sites = row.count_x;
      out.site_orient = std::string(orientation_name(row.orientation));
      if (out.height > 0 && out.site_spacing > 0) netlist->rows.push_back(out);
    }
  }

  // Each hard macro's pins, to set their offsets from the LEF.
  std::vector<std::vector<NodeId>> pins_of(static_cast<std::size_t>(netlist->num_nodes()));
  for (NodeId node = 0; node < netlist->num_nodes(); ++node) {
    if (netlist->kind(node) == NodeKind::kHardMacroPin && netlist->pin_owner(node) != kNoNode) {
      pins_of[netlist->pin_owner(node)].push_back(node);
    }
  }
  std::int64_t missing_blocks = 0, pins_not_in_lef = 0;
  std::string first_missing, first_pin_missing;
  for (const DefComponent& component : def.components) {
    const std::optional<NodeId> found = netlist->find(component.name);
    const LefMacro* macro = lef.find_macro(component.macro);
    if (!found || netlist->kind(*found) != NodeKind::kHardMacro) {
      if (!found && macro != nullptr && macro->macro_class == "BLOCK") {
        if (missing_blocks++ == 0) first_missing = component.name;
      }
      continue;  // a standard cell, or a block the netlist does not have
    }
    const NodeId node = *found;
    if (macro == nullptr) {
      return internal::error_at(def.file, component.line, 1,
                                "component '" + component.name + "' is an instance of '" +
                                    component.macro + "', which no LEF file defines");
    }
    if (std::abs(netlist->width(node) - macro->width) > kSizeTolerance ||
        std::abs(netlist->height(node) - macro->height) > kSizeTolerance) {
      return internal::error_at(
          def.file, component.line, 1,
          "component '" + component.name + "': the netlist's macro is " +
              std::to_string(netlist->width(node)) + " x " + std::to_string(netlist->height(node)) +
              " um, LEF macro '" + macro->name + "' (" + macro->file + ":" +
              std::to_string(macro->line) + ") is " + std::to_string(macro->width) + " x " +
              std::to_string(macro->height) + " um");
    }
    ++report->macros;
    const OrientationSet allowed = lef_allowed_orientations(*macro);
    netlist->set_allowed_orientations(node, allowed);
    report->macros_restricted += allowed == kEveryOrientation ? 0 : 1;
    for (const NodeId pin : pins_of[node]) {
      const LefPin* lef_pin = macro->find_pin(pin_part(netlist->name(pin)));
      if (lef_pin == nullptr) {
        if (pins_not_in_lef++ == 0) first_pin_missing = std::string(netlist->name(pin));
        continue;
      }
      const double dx = lef_pin->x - macro->width / 2, dy = lef_pin->y - macro->height / 2;
      if (std::abs(netlist->pin_offset_x(pin) - dx) > kSizeTolerance ||
          std::abs(netlist->pin_offset_y(pin) - dy) > kSizeTolerance) {
        ++report->pin_offsets_changed;
      }
      netlist->set_pin_offset(pin, dx, dy);
    }
    if (component.halo) {
      for (const std::int64_t side : *component.halo) {
        report->max_halo = std::max(report->max_halo, static_cast<double>(side) / unit);
      }
    }
    if (component.status == DefPlacement::kNone || component.status == DefPlacement::kUnplaced) {
      continue;
    }
    const auto [w, h] = placed_size(macro->width, macro->height, component.orientation);
    netlist->set_position(node, um_x(static_cast<double>(component.x)) + w / 2,
                          um_y(static_cast<double>(component.y)) + h / 2);
    netlist->set_orientation(node, component.orientation);
    const bool fixed =
        component.status == DefPlacement::kFixed || component.status == DefPlacement::kCover;
    netlist->set_fixed(node, fixed);
    ++report->macros_placed;
    report->macros_fixed += fixed ? 1 : 0;
  }
  if (missing_blocks > 0) {
    report->warnings.push_back(std::to_string(missing_blocks) +
                               " BLOCK components of the DEF are not in the netlist (first: '" +
                               first_missing + "')");
  }
  if (pins_not_in_lef > 0) {
    report->warnings.push_back(std::to_string(pins_not_in_lef) +
                               " macro pins have no LEF pin of their name (first: '" +
                               first_pin_missing + "'); their offsets are kept");
  }

  // IO pins: the placement point plus the first shape's centre, turned by the pin's
  // orientation (DEF places a pin's shapes relative to its point, like a component's).
  std::int64_t ports_missing = 0;
  for (const DefPin& pin : def.pins) {
    if (pin.status == DefPlacement::kNone || pin.status == DefPlacement::kUnplaced) continue;
    const std::optional<NodeId> port = netlist->find(pin.name);
    if (!port || netlist->kind(*port) != NodeKind::kPort) {
      ++ports_missing;
      continue;
    }
    double dx = 0, dy = 0;
    rotate_offset(pin.orientation, 0.5 * static_cast<double>(pin.shape.x0 + pin.shape.x1),
                  0.5 * static_cast<double>(pin.shape.y0 + pin.shape.y1), &dx, &dy);
    netlist->set_position(*port, um_x(static_cast<double>(pin.x) + dx),
                          um_y(static_cast<double>(pin.y) + dy));
    ++report->ports_placed;
  }
  if (ports_missing > 0) {
    report->warnings.push_back(std::to_string(ports_missing) +
                               " placed DEF pins are not ports of the netlist");
  }

  for (const DefBlockage& blockage : def.blockages) {
    if (!blockage.placement || blockage.soft) continue;  // soft: only during global placement
    for (const DefRect& rect : blockage.rects) {
      Blockage out;
      out.rect = {um_x(static_cast<double>(rect.x0)), um_y(static_cast<double>(rect.y0)),
                  um_x(static_cast<double>(rect.x1)), um_y(static_cast<double>(rect.y1))};
      out.rate = blockage.partial > 0 ? blockage.partial / 100 : 1.0;
      settings->blockages.push_back(out);
      ++report->blockages;
    }
  }
  // Halos become the design's macro spacing, plus one site and one row: written back, a macro
  // snaps down onto the site grid and a row (placements_for_def), which can bring two macros up
  // to a site nearer in x and a row nearer in y.
  const double snap = static_cast<double>(std::max(grid.x_step, grid.pitch)) / unit;
  if (report->max_halo > 0 || snap > 0) settings->macro_spacing = report->max_halo + snap;
  for (const std::string& warning : def.warnings) report->warnings.push_back(warning);
  return {};
}

Status netlist_from_def(const DefFloorplan& def, const LefLibrary& lef,
                        const FloorplanOptions& options, Netlist* netlist,
                        PlacementSettings* settings, FloorplanReport* report) {
  Netlist made;
  const DefRect canvas = floorplan_canvas(def, options);
  const double unit = def.dbu_per_micron;
  // Unplaced things start at the canvas's centre (placers move them).
  const double centre_x = static_cast<double>(canvas.x1 - canvas.x0) / unit / 2;
  const double centre_y = static_cast<double>(canvas.y1 - canvas.y0) / unit / 2;
  struct Made {
    NodeId node = kNoNode;
    const LefMacro* macro = nullptr;
    std::map<std::string, NodeId, std::less<>> pins;  // hard macros: pin nodes made so far
  };
  std::map<std::string, Made, std::less<>> components;
  for (const DefComponent& component : def.components) {
    const LefMacro* macro = lef.find_macro(component.macro);
    if (macro == nullptr) {
      return internal::error_at(def.file, component.line, 1,
                                "component '" + component.name + "' is an instance of '" +
                                    component.macro + "', which no LEF file defines");
    }
    const bool block = macro->macro_class == "BLOCK";
    Made entry;
    entry.macro = macro;
    entry.node = made.add_node(block ? NodeKind::kHardMacro : NodeKind::kStdCell, component.name,
                               macro->width, macro->height, centre_x, centre_y);
    if (!block && component.status != DefPlacement::kNone &&
        component.status != DefPlacement::kUnplaced) {
      // Standard cells are placed here; apply_floorplan() places the hard macros.
      const auto [w, h] = placed_size(macro->width, macro->height, component.orientation);
      made.set_position(entry.node, static_cast<double>(component.x - canvas.x0) / unit + w / 2,
                        static_cast<double>(component.y - canvas.y0) / unit + h / 2);
      made.set_orientation(entry.node, component.orientation);
    }
    components[component.name] = std::move(entry);
  }
  std::map<std::string, std::pair<NodeId, bool>, std::less<>> ports;  // node, drives the net
  for (const DefPin& pin : def.pins) {
    const NodeId node = made.add_node(NodeKind::kPort, pin.name, 0, 0, centre_x, centre_y);
    ports[pin.name] = {node, pin.direction == "INPUT"};
  }
  std::vector<NodeId> terminals;
  for (const DefNet& net : def.nets) {
    terminals.clear();
    std::size_t driver = 0;
    bool found_driver = false;
    for (const DefConnection& connection : net.connections) {
      const auto error = [&](const std::string& what) {
        return internal::error_at(def.file, net.line, 1, "net '" + net.name + "': " + what);
      };
      NodeId node = kNoNode;
      bool drives = false;
      if (connection.component == "PIN") {
        const auto port = ports.find(connection.pin);
        if (port == ports.end()) return error("no IO pin '" + connection.pin + "'");
        node = port->second.first;
        drives = port->second.second;
      } else {
        const auto found = components.find(connection.component);
        if (found == components.end()) {
          return error("no component '" + connection.component + "'");
        }
        Made& component = found->second;
        const LefPin* pin = component.macro->find_pin(connection.pin);
        if (pin == nullptr) {
          return error("macro '" + component.macro->name + "' has no pin '" + connection.pin + "'");
        }
        drives = pin->direction == "OUTPUT";
        node = component.node;
        if (made.kind(component.node) == NodeKind::kHardMacro) {
          const auto known = component.pins.find(connection.pin);
          if (known != component.pins.end()) {
            node = known->second;
          } else {
            node = made.add_pin(component.node, NodeKind::kHardMacroPin,
                                connection.component + "/" + connection.pin,
                                pin->x - component.macro->width / 2,
                                pin->y - component.macro->height / 2);
            component.pins[connection.pin] = node;
          }
        }
      }
      if (std::find(terminals.begin(), terminals.end(), node) != terminals.end()) continue;
      if (drives && !found_driver) {
        driver = terminals.size();
        found_driver = true;
      }
      terminals.push_back(node);
    }
    if (terminals.size() < 2) continue;  // nothing to connect
    std::rotate(terminals.begin(), terminals.begin() + static_cast<std::ptrdiff_t>(driver),
                terminals.begin() + static_cast<std::ptrdiff_t>(driver) + 1);
    made.add_net(terminals.data(), terminals.size(), 1.0, net.name);
  }
  made.block_name = def.design;
  if (Status s = apply_floorplan(def, lef, options, &made, settings, report); !s.ok()) return s;
  if (Status s = made.validate(); !s.ok()) return s;
  *netlist = std::move(made);
  return {};
}

RoutingCapacity routes_from_lef(const LefLibrary& lef, const DefFloorplan& def) {
  std::set<std::string, std::less<>> obstructed;
  for (const DefComponent& component : def.components) {
    const LefMacro* macro = lef.find_macro(component.macro);
    if (macro == nullptr || macro->macro_class != "BLOCK") continue;
    for (const LefShape& shape : macro->obstructions) obstructed.insert(shape.layer);
  }
  RoutingCapacity capacity;
  for (const LefLayer& layer : lef.layers) {
    if (layer.type != "ROUTING") continue;
    const bool horizontal = layer.direction == LefDirection::kHorizontal;
    if (!horizontal && layer.direction != LefDirection::kVertical) continue;
    const double pitch = horizontal ? layer.pitch_y : layer.pitch_x;
    if (!(pitch > 0)) continue;
    (horizontal ? capacity.horizontal : capacity.vertical) += 1 / pitch;
    if (obstructed.count(layer.name) != 0) {
      (horizontal ? capacity.macro_horizontal : capacity.macro_vertical) += 1 / pitch;
    }
  }
  return capacity;
}

Status placements_for_def(const Netlist& netlist, const DefFloorplan& def,
                          const FloorplanOptions& options, bool fix_all,
                          std::map<std::string, DefPlacementChange, std::less<>>* out) {
  out->clear();
  const DefRect canvas = floorplan_canvas(def, options);
  const double unit = def.dbu_per_micron;
  const RowGrid grid = row_grid(def);
  for (const DefComponent& component : def.components) {
    const std::optional<NodeId> found = netlist.find(component.name);
    if (!found || netlist.kind(*found) != NodeKind::kHardMacro) continue;
    const NodeId node = *found;
    const Orientation orientation = netlist.orientation(node);
    const auto [w, h] = placed_size(netlist.width(node), netlist.height(node), orientation);
    if (!std::isfinite(netlist.x(node)) || !std::isfinite(netlist.y(node))) {
      return Status::error("macro '" + component.name + "' has no position to write");
    }
    const double x = (netlist.x(node) - w / 2) * unit + static_cast<double>(canvas.x0);
    const double y = (netlist.y(node) - h / 2) * unit + static_cast<double>(canvas.y0);
    DefPlacementChange change;
    change.status = fix_all || netlist.fixed(node) ? DefPlacement::kFixed : DefPlacement::kPlaced;
    change.orientation = orientation;
    // On the site grid and a row: snapped down (a tiny move, less than a site or a row), or to
    // the first site or row when below them.
    if (grid.x_step > 0) {
      const double sites = std::floor(
          (x - static_cast<double>(grid.x_origin)) / static_cast<double>(grid.x_step) + 1e-9);
      change.x =
          grid.x_origin + std::max<std::int64_t>(0, static_cast<std::int64_t>(sites)) * grid.x_step;
    } else {
      change.x = std::llround(x);
    }
    if (!grid.ys.empty()) {
      auto row = std::upper_bound(grid.ys.begin(), grid.ys.end(),
                                  static_cast<std::int64_t>(std::floor(y + 1e-6)));
      change.y = row == grid.ys.begin() ? grid.ys.front() : *std::prev(row);
    } else {
      change.y = std::llround(y);
    }
    (*out)[component.name] = change;
  }
  return {};
}

std::vector<std::string> check_def_placements(
    const DefFloorplan& def, const LefLibrary& lef,
    const std::map<std::string, DefPlacementChange, std::less<>>& placements) {
  std::vector<std::string> problems;
  const RowGrid grid = row_grid(def);
  struct Box {
    const std::string* name;
    double x0, y0, x1, y1;      // the macro
    double hx0, hy0, hx1, hy1;  // with its halo
  };
  std::vector<Box> boxes;
  for (const auto& [name, placement] : placements) {
    const DefComponent* component = def.find_component(name);
    const LefMacro* macro = component != nullptr ? lef.find_macro(component->macro) : nullptr;
    if (macro == nullptr) {
      problems.push_back(name + ": not a DEF component with a LEF macro");
      continue;
    }
    const auto [w, h] = placed_size(macro->width * def.dbu_per_micron,
                                    macro->height * def.dbu_per_micron, placement.orientation);
    Box box{&name,
            static_cast<double>(placement.x),
            static_cast<double>(placement.y),
            static_cast<double>(placement.x) + std::round(w),
            static_cast<double>(placement.y) + std::round(h),
            0,
            0,
            0,
            0};
    const std::array<std::int64_t, 4> halo =
        component->halo.value_or(std::array<std::int64_t, 4>{0, 0, 0, 0});
    box.hx0 = box.x0 - static_cast<double>(halo[0]);
    box.hy0 = box.y0 - static_cast<double>(halo[1]);
    box.hx1 = box.x1 + static_cast<double>(halo[2]);
    box.hy1 = box.y1 + static_cast<double>(halo[3]);
    if (box.x0 < static_cast<double>(def.die.x0) || box.y0 < static_cast<double>(def.die.y0) ||
        box.x1 > static_cast<double>(def.die.x1) || box.y1 > static_cast<double>(def.die.y1)) {
      problems.push_back(name + ": outside the die");
    }
    if (!symmetry_allows(macro->symmetry, placement.orientation)) {
      std::string symmetry;
      for (const std::string& word : macro->symmetry)
        symmetry += (symmetry.empty() ? "" : " ") + word;
      problems.push_back(name + ": orientation " +
                         std::string(orientation_name(placement.orientation)) +
                         " is not allowed by " + macro->name + "'s SYMMETRY (" +
                         (symmetry.empty() ? "none" : symmetry) + ")");
    }
    if (grid.x_step > 0 && (placement.x - grid.x_origin) % grid.x_step != 0) {
      problems.push_back(name + ": x " + std::to_string(placement.x) + " is not on the site grid");
    }
    if (!grid.ys.empty() && !std::binary_search(grid.ys.begin(), grid.ys.end(), placement.y)) {
      problems.push_back(name + ": y " + std::to_string(placement.y) + " is not on a row");
    }
    boxes.push_back(box);
  }
  // A macro may not reach into another's halo: sweep in x over the halo boxes.
  std::sort(boxes.begin(), boxes.end(), [](const Box& a, const Box& b) { return a.hx0 < b.hx0; });
  double widest = 0;
  for (const Box& box : boxes) widest = std::max(widest, box.hx1 - box.hx0);
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    for (std::size_t j = i + 1; j < boxes.size() && boxes[j].hx0 < boxes[i].hx1 + widest; ++j) {
      const Box& a = boxes[i];
      const Box& b = boxes[j];
      const auto reaches = [](const Box& body, const Box& halo) {
        return body.x0 < halo.hx1 && halo.hx0 < body.x1 && body.y0 < halo.hy1 && halo.hy0 < body.y1;
      };
      if (reaches(a, b) || reaches(b, a)) {
        problems.push_back(*a.name + " and " + *b.name + " overlap (halos included)");
      }
    }
  }
  return problems;
}

std::string openroad_tcl(const DefFloorplan& def,
                         const std::map<std::string, DefPlacementChange, std::less<>>& placements) {
  // OpenDB's names for DEF's orientations.
  const auto opendb = [](Orientation orientation) -> const char* {
    switch (orientation) {
      case Orientation::kN: return "R0";
      case Orientation::kS: return "R180";
      case Orientation::kW: return "R90";
      case Orientation::kE: return "R270";
      case Orientation::kFN: return "MY";
      case Orientation::kFS: return "MX";
      case Orientation::kFW: return "MXR90";
      case Orientation::kFE: return "MYR90";
    }
    return "R0";
  };
  std::string out = "# Macro placement written by macroplace for design " + def.design +
                    " (OpenROAD: source this after the floorplan is loaded)\n";
  for (const auto& [name, placement] : placements) {
    // Instance names as OpenDB holds them (DEF's escapes), braced so Tcl keeps the brackets.
    std::string escaped;
    for (const char c : name) {
      if (c == '[' || c == ']') escaped += '\\';
      escaped += c;
    }
    out += "place_macro -macro_name {" + escaped + "} -location {";
    internal::append_number(&out, static_cast<double>(placement.x) / def.dbu_per_micron);
    out += " ";
    internal::append_number(&out, static_cast<double>(placement.y) / def.dbu_per_micron);
    out += "} -orientation " + std::string(opendb(placement.orientation)) + "\n";
  }
  return out;
}

}  // namespace macroplace::netlist
