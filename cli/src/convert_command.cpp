// `macroplace convert`: between Bookshelf and Circuit Training (.pb.txt + .plc), keeping
// positions, orientations and fixed flags.
#include <ostream>

#include "command_registry.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/def.h"
#include "macroplace/netlist/design.h"
#include "macroplace/netlist/floorplan.h"
#include "openroad_outputs.h"

namespace macroplace::cli {

namespace {

// "out.pb.txt" / "out.pb.txt.gz" -> "out.plc".
std::string placement_path_for(const std::string& netlist_path) {
  for (const char* suffix : {".pb.txt.gz", ".pbtxt.gz", ".pb.txt", ".pbtxt"}) {
    const std::string s(suffix);
    if (netlist_path.size() > s.size() &&
        netlist_path.compare(netlist_path.size() - s.size(), s.size(), s) == 0) {
      return netlist_path.substr(0, netlist_path.size() - s.size()) + ".plc";
    }
  }
  return netlist_path + ".plc";
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// FLOORPLAN.def -> OUT.plc: the floorplan applied to --netlist (docs/OPENROAD.md).
int convert_floorplan(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string input = args.positionals()[0];
  const std::string output = args.positionals()[1];
  // With --netlist the floorplan applies to that netlist (OUT.plc); without, the DEF's own
  // components and NETS are the netlist (OUT.pb.txt and its .plc).
  const bool own_netlist = !args.has("--netlist");
  const auto format = netlist::design_format_of(output);
  if (own_netlist ? format != netlist::DesignFormat::kCircuitTraining
                  : !ends_with(output, ".plc")) {
    err << "macroplace convert: "
        << (own_netlist ? "a floorplan without --netlist becomes a Circuit Training netlist: OUT "
                          "must end in .pb.txt or .pb.txt.gz\n"
                        : "a floorplan applied to --netlist becomes a placement: OUT must end "
                          "in .plc\n");
    return kExitUsage;
  }
  if (!args.has("--lef")) {
    err << "macroplace convert: a floorplan needs its LEF files: --lef FILE (one per file)\n";
    return kExitUsage;
  }
  const std::string plc_path =
      own_netlist ? args.value("--plc-out").value_or(placement_path_for(output)) : output;
  std::vector<std::string> outputs = {output};
  if (own_netlist) outputs.push_back(plc_path);
  if (!check_outputs("convert", outputs, err)) return kExitUsage;
  netlist::LefLibrary lef;
  if (!read_lef_files("convert", args, &lef, err)) return kExitFailure;
  netlist::DefFloorplan def;
  netlist::Netlist design;
  netlist::PlacementFile base;
  Status status = netlist::read_def(input, &def);
  if (status.ok() && !own_netlist &&
      !load_design(*args.value("--netlist"), args.value("--plc"), &design, &base, err)) {
    return kExitFailure;
  }
  netlist::PlacementSettings settings = base.settings;  // grid and routing from --plc, if given
  settings.blockages.clear();
  netlist::FloorplanReport report;
  netlist::FloorplanOptions options;
  options.core = args.has("--core");
  if (status.ok()) {
    status = own_netlist ? netlist::netlist_from_def(def, lef, options, &design, &settings, &report)
                         : netlist::apply_floorplan(def, lef, options, &design, &settings, &report);
  }
  netlist::RoutingCapacity routes;
  if (status.ok() && args.has("--routes-from-lef")) {
    routes = netlist::routes_from_lef(lef, def);
    if (!(routes.horizontal > 0 && routes.vertical > 0)) {
      status = Status::error(
          "--routes-from-lef: the LEF files define no horizontal and vertical "
          "routing layers with a pitch");
    }
    settings.routes_per_micron_horizontal = routes.horizontal;
    settings.routes_per_micron_vertical = routes.vertical;
    settings.macro_routes_horizontal = routes.macro_horizontal;
    settings.macro_routes_vertical = routes.macro_vertical;
  }
  if (status.ok() && own_netlist) status = netlist::write_design(design, output);
  if (status.ok()) {
    status = netlist::write_plc(design, settings, "macroplace convert " + input, plc_path);
  }
  if (!status.ok()) {
    err << "macroplace convert: " << status.to_string() << "\n";
    return kExitFailure;
  }
  for (const std::string& warning : report.warnings) err << "warning: " << warning << "\n";
  out << "wrote " << (own_netlist ? output + " and " + plc_path : output) << ": canvas "
      << *settings.width << " x " << *settings.height << " um; " << report.macros << " macros ("
      << report.macros_placed << " placed, " << report.macros_fixed << " fixed), "
      << report.ports_placed << " IO pins, " << report.blockages << " placement blockages";
  if (own_netlist) {
    const netlist::NetlistCounts counts = design.counts();
    out << "; " << counts.std_cells << " standard cells, " << counts.nets << " nets";
  } else {
    out << "; " << report.pin_offsets_changed << " macro pin offsets taken from the LEF";
  }
  if (args.has("--routes-from-lef")) {
    out << "; routes per micron " << routes.horizontal << " / " << routes.vertical
        << " (h / v), used by macros " << routes.macro_horizontal << " / " << routes.macro_vertical;
  }
  if (settings.macro_spacing) {
    out << "; macros kept " << *settings.macro_spacing << " um apart (halos up to "
        << report.max_halo << " um, plus a row or site for snapping)";
  }
  if (report.macros_restricted > 0) {
    out << "; " << report.macros_restricted
        << " macros limited to the orientations their LEF SYMMETRY allows";
  }
  out << "\n";
  return kExitSuccess;
}

// DESIGN -> OUT.def: the design's macros written into the floorplan --def-in.
int convert_to_def(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  if (!args.has("--def-in")) {
    err << "macroplace convert: writing DEF needs the floorplan to place into: --def-in FILE\n";
    return kExitUsage;
  }
  std::vector<std::string> outputs = {args.positionals()[1]};
  for (const std::string& path : openroad_output_paths(args)) outputs.push_back(path);
  if (!check_outputs("convert", outputs, err)) return kExitUsage;
  OpenroadInputs floorplan;
  if (!read_openroad_inputs("convert", args, &floorplan, err)) return kExitFailure;
  netlist::Netlist design;
  netlist::PlacementFile placement;
  if (!load_design(args.positionals()[0], args.value("--plc"), &design, &placement, err)) {
    return kExitFailure;
  }
  return write_openroad_outputs("convert", args, floorplan, design, args.positionals()[1],
                                args.value("--tcl-out"), out, err)
             ? kExitSuccess
             : kExitFailure;
}

int run_convert(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string input = args.positionals()[0];
  const std::string output = args.positionals()[1];
  if (ends_with(input, ".def") || ends_with(input, ".def.gz")) {
    return convert_floorplan(args, out, err);
  }
  if (ends_with(output, ".def")) return convert_to_def(args, out, err);
  const auto output_format = netlist::design_format_of(output);
  if (!output_format) {
    err << "macroplace convert: " << output
        << ": unknown output format (expected .pb.txt, .pb.txt.gz or .aux)\n";
    return kExitUsage;
  }
  std::vector<std::string> outputs = {output};
  if (*output_format == netlist::DesignFormat::kCircuitTraining) {
    outputs.push_back(args.value("--plc-out").value_or(placement_path_for(output)));
  }
  if (!check_outputs("convert", outputs, err)) return kExitUsage;
  netlist::Netlist netlist;
  netlist::PlacementFile placement;
  if (!load_design(input, args.value("--plc"), &netlist, &placement, err)) return kExitFailure;

  Status status = netlist::write_design(netlist, output);
  std::string written = output;
  if (status.ok() && *output_format == netlist::DesignFormat::kCircuitTraining) {
    // The placement travels in a .plc beside the netlist; its header keeps the settings the
    // input stated, and the canvas when the input only had rows or an FP bbox.
    netlist::PlacementSettings settings = placement.settings;
    if ((!settings.width || !settings.height) && netlist.canvas) {
      settings.width = netlist.canvas->width();
      settings.height = netlist.canvas->height();
    }
    const std::string plc_path = args.value("--plc-out").value_or(placement_path_for(output));
    status = netlist::write_plc(netlist, settings, input, plc_path);
    written += " and " + plc_path;
  }
  if (!status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  out << "wrote " << written << "\n";
  return kExitSuccess;
}

}  // namespace

const Command& convert_command() {
  static const Command kCommand{
      {"convert",
       "macroplace convert IN OUT [--plc FILE] [--plc-out FILE]\n"
       "       macroplace convert FLOORPLAN.def OUT.plc --netlist N.pb.txt --lef F.lef ...\n"
       "       macroplace convert DESIGN.def OUT.pb.txt --lef F.lef ...\n"
       "       macroplace convert N.pb.txt PLACED.def --plc P.plc --def-in FLOORPLAN.def \\\n"
       "                          --lef F.lef ... [--tcl-out FILE]",
       "Convert a design between Bookshelf (.aux) and Circuit Training (.pb.txt[.gz] + .plc).\n"
       "Positions, orientations and fixed flags are kept. Writing a Circuit Training netlist\n"
       "also writes its placement to OUT with the extension .plc (or --plc-out).\n"
       "OpenROAD (docs/OPENROAD.md): an IN that is a floorplan DEF is applied to --netlist\n"
       "(canvas = die, or rows with --core; macros placed/fixed and turned as the DEF says,\n"
       "sizes checked and pin offsets taken from the LEF, IO pins, placement blockages) and\n"
       "written as OUT.plc (grid and routing from --plc when given); without --netlist the\n"
       "DEF's components and NETS become the netlist OUT.pb.txt (and its .plc). An OUT that\n"
       "ends in .def is the floorplan --def-in with IN's macros placed on its site grid and\n"
       "rows, every other byte unchanged; an illegal placement (off the die, off the grid, an\n"
       "orientation the LEF does not allow, a macro in another's halo) is refused.",
       {"IN", "OUT"},
       [] {
         std::vector<OptionSpec> options = {
             {"--plc", "FILE", "placement to apply to IN (or to --netlist) before converting", 1},
             {"--plc-out", "FILE", "where to write the .plc of a Circuit Training OUT", 1},
             {"--netlist", "FILE", "the Circuit Training netlist a floorplan DEF applies to", 1},
             {"--routes-from-lef", "",
              "routing capacity from the LEF's layer pitches (docs/OPENROAD.md) instead of --plc's "
              "or the defaults",
              0}};
         for (OptionSpec& option : openroad_output_options()) {
           if (option.name != "--def-out") options.push_back(std::move(option));
         }
         return options;
       }()},
      run_convert,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
