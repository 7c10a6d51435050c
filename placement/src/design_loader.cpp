#include "macroplace/placement/design_loader.h"

#include <filesystem>

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

Status load_design(const DesignSource& source, LoadedDesign* design) {
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
  if (!plc.empty()) {
    netlist::PlacementFile file;
    Status status = netlist::read_plc(plc, &file);
    if (status.ok()) status = netlist::apply_placement(file, &design->netlist);
    if (!status.ok()) return status;
    design->header = file.settings;
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
