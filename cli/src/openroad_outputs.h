// The CLI's OpenROAD side (docs/OPENROAD.md): LEF files read into one library, and a placed
// netlist's macros written into a floorplan DEF and/or an OpenROAD Tcl script, refused when the
// placement is not legal there.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/netlist/lef.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::cli {

// --lef FILE (repeatable), --def-in FILE, --def-out FILE, --tcl-out FILE, --fixed, --core.
std::vector<OptionSpec> openroad_output_options();

// Reads every --lef file (in order) into `lef`; prints the error and returns false otherwise.
bool read_lef_files(const std::string& command, const ParsedArguments& args,
                    netlist::LefLibrary* lef, std::ostream& err);

// Whether the command asks for DEF or Tcl output (and then has --def-in and --lef).
bool wants_openroad_outputs(const std::string& command, const ParsedArguments& args, bool* wanted,
                            std::ostream& err);
// The paths it will write, for check_outputs().
std::vector<std::string> openroad_output_paths(const ParsedArguments& args);

// Writes the DEF (the --def-in floorplan with the netlist's hard macros placed) and/or the Tcl
// script to the given paths, with --lef, --fixed and --core from `args`. A placement the checker
// finds illegal (off the die, off the grid, overlapping with halos) is reported and nothing is
// written.
bool write_openroad_outputs(const std::string& command, const ParsedArguments& args,
                            const netlist::Netlist& netlist,
                            const std::optional<std::string>& def_out,
                            const std::optional<std::string>& tcl_out, std::ostream& out,
                            std::ostream& err);

}  // namespace macroplace::cli
