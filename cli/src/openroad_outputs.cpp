#include "openroad_outputs.h"

#include <map>

#include "macroplace/base/atomic_file.h"
#include "macroplace/netlist/floorplan.h"

namespace macroplace::cli {

std::vector<OptionSpec> openroad_output_options() {
  return {{"--lef", "FILE", "a LEF file (technology first, then macros; repeat for each)", 1, true},
          {"--def-in", "FILE", "the OpenROAD floorplan (DEF) the macros go into", 1},
          {"--def-out", "FILE", "write the floorplan DEF with the macros placed", 1},
          {"--tcl-out", "FILE", "write an OpenROAD script of place_macro commands", 1},
          {"--fixed", "", "mark every written macro FIXED instead of PLACED", 0},
          {"--core", "", "the canvas is the floorplan's rows (core area), not its die", 0}};
}

bool read_lef_files(const std::string& command, const ParsedArguments& args,
                    netlist::LefLibrary* lef, std::ostream& err) {
  if (!args.has("--lef")) {
    err << "macroplace " << command << ": give the LEF files with --lef FILE (one per file)\n";
    return false;
  }
  for (const std::string& path : args.values("--lef")) {
    if (const Status s = netlist::read_lef(path, lef); !s.ok()) {
      err << "macroplace " << command << ": " << s.to_string() << "\n";
      return false;
    }
  }
  return true;
}

bool wants_openroad_outputs(const std::string& command, const ParsedArguments& args, bool* wanted,
                            std::ostream& err) {
  *wanted = args.has("--def-out") || args.has("--tcl-out");
  if (!*wanted && (args.has("--def-in") || args.has("--fixed"))) {
    err << "macroplace " << command
        << ": --def-in and --fixed are for --def-out or --tcl-out; give one of them\n";
    return false;
  }
  if (*wanted && (!args.has("--def-in") || !args.has("--lef"))) {
    err << "macroplace " << command
        << ": --def-out and --tcl-out need the floorplan (--def-in FILE) and its LEF (--lef "
           "FILE ...)\n";
    return false;
  }
  return true;
}

std::vector<std::string> openroad_output_paths(const ParsedArguments& args) {
  std::vector<std::string> paths;
  for (const char* option : {"--def-out", "--tcl-out"}) {
    if (args.has(option)) paths.push_back(*args.value(option));
  }
  return paths;
}

bool read_openroad_inputs(const std::string& command, const ParsedArguments& args,
                          OpenroadInputs* inputs, std::ostream& err) {
  if (!read_lef_files(command, args, &inputs->lef, err)) return false;
  if (const Status s = netlist::read_def(*args.value("--def-in"), &inputs->def); !s.ok()) {
    err << "macroplace " << command << ": " << s.to_string() << "\n";
    return false;
  }
  return true;
}

bool write_openroad_outputs(const std::string& command, const ParsedArguments& args,
                            const OpenroadInputs& inputs, const netlist::Netlist& netlist,
                            const std::optional<std::string>& def_out,
                            const std::optional<std::string>& tcl_out, std::ostream& out,
                            std::ostream& err) {
  const auto fail = [&](const std::string& message) {
    err << "macroplace " << command << ": " << message << "\n";
    return false;
  };
  const netlist::LefLibrary& lef = inputs.lef;
  const netlist::DefFloorplan& def = inputs.def;
  netlist::FloorplanOptions options;
  options.core = args.has("--core");
  std::map<std::string, netlist::DefPlacementChange, std::less<>> placements;
  if (const Status s =
          netlist::placements_for_def(netlist, def, options, args.has("--fixed"), &placements);
      !s.ok()) {
    return fail(s.to_string());
  }
  if (placements.empty()) {
    return fail("no hard macro of the design is a component of " + def.file +
                " (instance names must match)");
  }
  const std::vector<std::string> problems = netlist::check_def_placements(def, lef, placements);
  if (!problems.empty()) {
    err << "macroplace " << command << ": the placement is not legal in " << def.file << " ("
        << problems.size() << " problems); nothing written:\n";
    for (std::size_t i = 0; i < problems.size() && i < 10; ++i) err << "  " << problems[i] << "\n";
    return false;
  }
  if (def_out) {
    std::string text;
    if (const Status s = netlist::def_with_placements(def, placements, &text); !s.ok()) {
      return fail(s.to_string());
    }
    AtomicFile file(*def_out);
    file.write(text);
    if (const Status s = file.commit(); !s.ok()) return fail(s.to_string());
    out << "wrote " << *def_out << ": " << placements.size()
        << " macros placed on the site grid and rows of " << def.file << "\n";
  }
  if (tcl_out) {
    AtomicFile file(*tcl_out);
    file.write(netlist::openroad_tcl(def, placements));
    if (const Status s = file.commit(); !s.ok()) return fail(s.to_string());
    out << "wrote " << *tcl_out << ": " << placements.size() << " place_macro commands\n";
  }
  return true;
}

}  // namespace macroplace::cli
