// Internal: the subcommands and the helpers they share.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "arguments.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::cli {

struct Command {
  CommandSpec spec;
  int (*run)(const ParsedArguments& args, std::ostream& out, std::ostream& err);
};

const Command& info_command();
const Command& convert_command();
const Command& cost_command();

// Reads a design and, when given, applies a placement file. Prints the error and returns false
// when anything is wrong.
bool load_design(const std::string& design_path, const std::optional<std::string>& plc_path,
                 netlist::Netlist* netlist, netlist::PlacementFile* placement, std::ostream& err);

}  // namespace macroplace::cli
