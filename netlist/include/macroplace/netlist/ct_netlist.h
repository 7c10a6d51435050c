// Circuit Training netlists: the protobuf text format `.pb.txt`, optionally gzip-compressed.
//
// Contract: read_ct_netlist() streams the file (a bounded window, never the whole text, never a
// message tree) and fills a Netlist whose node indices are the file's node indices (the node
// `__metadata__` excluded). Every malformed input yields a Status with file:line:column; token
// sizes are bounded so hostile input cannot allocate without bound. write_ct_netlist() writes a
// file that reads back to the same Netlist.
//
// Circuit Training lets each node drive one net. A design from Bookshelf can have a standard
// cell driving several nets (ibm01 has such cells even with the best choice of drivers); the
// writer keeps those nets as attributes of the driver, `macroplace.extra_net.<k>.input.<i>`
// (a sink name) and `macroplace.extra_net.<k>.weight`, which Circuit Training's own tools ignore
// as unknown attributes and this reader restores, so nothing is lost.
//
//   Netlist netlist;
//   Status status = read_ct_netlist("netlist.pb.txt.gz", &netlist);
//   if (status.ok()) status = write_ct_netlist(netlist, "copy.pb.txt");
#pragma once

#include <string>
#include <string_view>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"

namespace macroplace::netlist {

// Reads `path`; gzip input is recognised by its magic bytes, whatever the file name.
Status read_ct_netlist(const std::string& path, Netlist* out);
// Parses text held in memory; `file_label` names it in error messages.
Status parse_ct_netlist(std::string_view text, const std::string& file_label, Netlist* out);
// Writes atomically (temporary file + rename); gzip-compressed when `path` ends in `.gz`.
Status write_ct_netlist(const Netlist& netlist, const std::string& path);

}  // namespace macroplace::netlist
