// The CLI's OpenROAD side (docs/OPENROAD.md): LEF files read into one library, and a placed
// netlist's macros written into a floorplan DEF and/or an OpenROAD Tcl script, refused when the
// placement is not legal there.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/netlist/def.h"
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

// The floorplan and its LEF, read from --def-in and --lef before anything is placed, so a bad
// file stops the command before the work and the placers can keep to what the LEF allows.
struct OpenroadInputs {
  netlist::LefLibrary lef;
  netlist::DefFloorplan def;
};
// Prints the error and returns false when a file cannot be read.
bool read_openroad_inputs(const std::string& command, const ParsedArguments& args,
                          OpenroadInputs* inputs, std::ostream& err);

// Writes the DEF (the floorplan with the netlist's hard macros placed) and/or the Tcl script to
// the given paths, with --fixed and --core from `args`. A placement the checker finds illegal
// (off the die, off the grid, overlapping with halos, an orientation the LEF does not allow) is
// reported and nothing is written.
bool write_openroad_outputs(const std::string& command, const ParsedArguments& args,
                            const OpenroadInputs& inputs, const netlist::Netlist& netlist,
                            const std::optional<std::string>& def_out,
                            const std::optional<std::string>& tcl_out, std::ostream& out,
                            std::ostream& err);

}  // namespace macroplace::cli
