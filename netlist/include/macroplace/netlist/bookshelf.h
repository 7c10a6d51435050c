// Bookshelf designs (ISPD 2005 and ICCAD 2004 academic benchmarks): `.aux` naming `.nodes`,
// `.nets`, `.wts`, `.pl`, `.scl`.
//
// Contract: read_bookshelf() classifies nodes as FORMATS.md section 3 says (small terminal =
// port, large terminal = fixed hard macro, movable node taller than a row = hard macro, else std
// cell), converts lower-left `.pl` coordinates to centres, and turns every connection to a hard
// macro into a hard-macro pin node (CT style) carrying the `.nets` offset. LF and CRLF both
// parse. write_bookshelf() writes all five files plus the `.aux` beside `aux_path`, atomically.
//
//   Netlist netlist;
//   Status status = read_bookshelf("ibm01/ibm01.aux", &netlist);
//   if (status.ok()) status = write_bookshelf(netlist, "out/ibm01.aux");
#pragma once

#include <string>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

Status read_bookshelf(const std::string& aux_path, Netlist* out);
Status write_bookshelf(const Netlist& netlist, const std::string& aux_path);

}  // namespace macroplace::netlist
