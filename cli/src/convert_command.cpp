// `macroplace convert`: between Bookshelf and Circuit Training (.pb.txt + .plc), keeping
// positions, orientations and fixed flags.
#include <ostream>

#include "command_registry.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/design.h"

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

int run_convert(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string input = args.positionals()[0];
  const std::string output = args.positionals()[1];
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
       "macroplace convert IN OUT [--plc FILE] [--plc-out FILE]",
       "Convert a design between Bookshelf (.aux) and Circuit Training (.pb.txt[.gz] + .plc).\n"
       "Positions, orientations and fixed flags are kept. Writing a Circuit Training netlist\n"
       "also writes its placement to OUT with the extension .plc (or --plc-out).",
       {"IN", "OUT"},
       {{"--plc", "FILE", "placement to apply to IN before converting", 1},
        {"--plc-out", "FILE", "where to write the .plc of a Circuit Training OUT", 1}}},
      run_convert,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
