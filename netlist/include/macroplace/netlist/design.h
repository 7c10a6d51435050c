// Reading and writing a design in whichever format its file name says.
//
// Contract: `.pb.txt` / `.pb.txt.gz` / `.pbtxt` are Circuit Training netlists, `.aux` is a
// Bookshelf design, `.plc` a placement. Unknown extensions are an error naming the accepted ones.
//
//   Netlist netlist;
//   Status status = read_design("ibm01.aux", &netlist);
#pragma once

#include <optional>
#include <string>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

enum class DesignFormat { kCircuitTraining, kBookshelf };

std::optional<DesignFormat> design_format_of(const std::string& path);
Status read_design(const std::string& path, Netlist* out);
Status write_design(const Netlist& netlist, const std::string& path);

}  // namespace macroplace::netlist
