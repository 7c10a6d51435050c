#include "macroplace/placement/design_loader.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <unordered_map>

#include "macroplace/netlist/design.h"
#include "macroplace/placement/grid_selection.h"
#include "macroplace/placement/placement_file.h"

namespace macroplace::placement {

namespace fs = std::filesystem;

std::string design_name(const std::string& path_text) {
  const fs::path path(path_text);
  std::string stem = path.filename().string();
  for (const char* suffix : {".gz", ".pb.txt", ".aux", ".plc"}) {
    const std::string s(suffix);
    if (stem.size() > s.size() && stem.compare(stem.size() - s.size(), s.size(), s) == 0) {
      stem.resize(stem.size() - s.size());
    }
  }
  // CT designs are `<design>/netlist.pb.txt[.gz]`: the folder names the design.
  if (stem == "netlist" && path.has_parent_path()) {
    std::string folder = path.parent_path().filename().string();
    if (!folder.empty()) return folder;
  }
  return stem;
}

namespace {

// FNV-1a over the bytes of each value, in a fixed order.
class Fingerprint {
 public:
  void add_bytes(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) hash_ = (hash_ ^ bytes[i]) * 0x100000001b3ULL;
  }
  void add(double value) { add_bytes(&value, sizeof value); }
  void add(std::int64_t value) { add_bytes(&value, sizeof value); }
  void add(std::string_view text) {
    add(static_cast<std::int64_t>(text.size()));
    add_bytes(text.data(), text.size());
  }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_));
    return text;
  }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// A position more than a canvas width or height beyond the canvas is a broken input (a unit
// mix-up, a corrupted file, 1e300), not a placement for the legalizer to repair: said with where
// it was read.
Status check_positions(const LoadedDesign& design,
                       const std::unordered_map<NodeId, std::uint64_t>& plc_lines) {
  const netlist::Netlist& netlist = design.netlist;
  const double width = design.settings.canvas_width, height = design.settings.canvas_height;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (netlist::is_pin(netlist.kind(node))) continue;
    const double x = netlist.x(node), y = netlist.y(node);
    if (std::isfinite(x) && std::isfinite(y) && x >= -width && x <= 2 * width && y >= -height &&
        y <= 2 * height) {
      continue;
    }
    char where[160];
    std::snprintf(where, sizeof where, ") is at (%g, %g), far outside the %g x %g canvas", x, y,
                  width, height);
    const std::string message = "node " + std::to_string(node) + " (" +
                                std::string(netlist.name(node)) + where +
                                " (more than a canvas width or height beyond its edge)";
    const auto line = plc_lines.find(node);
    if (line != plc_lines.end()) {
      return Status::error_at({design.settings_plc, line->second, 1}, message);
    }
    return Status::error_at({design.path, 0, 0}, message);
  }
  return Status();
}

}  // namespace

std::string design_fingerprint(const netlist::Netlist& netlist, const CostSettings& settings) {
  Fingerprint f;
  f.add(static_cast<std::int64_t>(netlist.num_nodes()));
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    f.add(static_cast<std::int64_t>(netlist.kind(node)));
    f.add(netlist.name(node));
    f.add(netlist.width(node));
    f.add(netlist.height(node));
    f.add(netlist.x(node));
    f.add(netlist.y(node));
    f.add(static_cast<std::int64_t>(netlist.orientation(node)));
    f.add(static_cast<std::int64_t>(netlist.fixed(node)));
    if (netlist::is_pin(netlist.kind(node))) {
      f.add(static_cast<std::int64_t>(netlist.pin_owner(node)));
      f.add(netlist.pin_offset_x(node));
      f.add(netlist.pin_offset_y(node));
    }
  }
  f.add(static_cast<std::int64_t>(netlist.num_nets()));
  for (netlist::NetId net = 0; net < netlist.num_nets(); ++net) {
    f.add(netlist.net_weight(net));
    f.add(static_cast<std::int64_t>(netlist.net_degree(net)));
    for (const NodeId* t = netlist.net_terminals_begin(net); t != netlist.net_terminals_end(net);
         ++t) {
      f.add(static_cast<std::int64_t>(*t));
    }
  }
  for (const double value :
       {settings.canvas_width, settings.canvas_height, settings.routes_per_micron_horizontal,
        settings.routes_per_micron_vertical, settings.macro_routes_horizontal,
        settings.macro_routes_vertical, settings.smoothing_range, settings.overlap_threshold}) {
    f.add(value);
  }
  f.add(static_cast<std::int64_t>(settings.columns));
  f.add(static_cast<std::int64_t>(settings.rows));
  f.add(static_cast<std::int64_t>(settings.congestion_grid));
  for (const netlist::Blockage& blockage : settings.blockages) {
    for (const double value :
         {blockage.rect.x0, blockage.rect.y0, blockage.rect.x1, blockage.rect.y1, blockage.rate}) {
      f.add(value);
    }
  }
  return f.hex();
}

Status load_design(const DesignSource& source, LoadedDesign* design) {
  design->warnings.clear();
  design->path = source.netlist;
  design->name = design_name(source.netlist);
  if (Status status = netlist::read_design(source.netlist, &design->netlist); !status.ok()) {
    return status;
  }
  const fs::path folder = fs::path(source.netlist).parent_path();
  std::error_code error;
  std::string plc = source.plc;
  if (plc.empty() && source.plc_beside && fs::exists(folder / "initial.plc", error)) {
    plc = (folder / "initial.plc").string();
  }
  design->settings_plc = plc;
  std::unordered_map<NodeId, std::uint64_t> plc_lines;  // node -> its line in the .plc
  if (!plc.empty()) {
    netlist::PlacementFile file;
    netlist::PlacementCoverage coverage;
    Status status = netlist::read_plc(plc, &file);
    if (status.ok()) status = netlist::apply_placement(file, &design->netlist, &coverage);
    if (!status.ok()) return status;
    design->header = file.settings;
    for (const netlist::PlacementEntry& entry : file.entries) plc_lines[entry.node] = entry.line;
    // A header-only file gives settings alone (Circuit Training's convention); a partial one is
    // accepted as Circuit Training's tools accept it, but said.
    if (coverage.listed > 0 && coverage.missing > 0) {
      design->warnings.push_back(
          plc + " lists " + std::to_string(coverage.listed) + " of " +
          std::to_string(coverage.listed + coverage.missing) + " ports, macros and std cells; " +
          std::to_string(coverage.missing) + " keep the netlist's positions (first: " +
          std::string(design->netlist.name(coverage.first_missing)) + ")");
    }
  } else if (!source.circuit_training_defaults) {
    const CostSettings defaults = settings_for(design->netlist, nullptr);
    double width = defaults.canvas_width, height = defaults.canvas_height;
    if (design->netlist.canvas) {
      width = design->netlist.canvas->x1;
      height = design->netlist.canvas->y1;
    }
    design->header.width = width;
    design->header.height = height;
    const GridChoice grid = select_grid(design->netlist, width, height);
    design->header.columns = grid.found ? grid.cols : defaults.columns;
    design->header.rows = grid.found ? grid.rows : defaults.rows;
  }
  design->settings = settings_for(
      design->netlist, plc.empty() && source.circuit_training_defaults ? nullptr : &design->header);
  if (plc.empty() && source.circuit_training_defaults) {
    design->header = header_for(design->settings);
  }
  if (Status status = check_positions(*design, plc_lines); !status.ok()) return status;
  design->reference_plc.clear();
  for (const char* name : {"legalized.plc", "initial.plc"}) {
    if (fs::exists(folder / name, error)) {
      design->reference_plc = (folder / name).string();
      break;
    }
  }
  return design->settings.validate();
}

}  // namespace macroplace::placement
