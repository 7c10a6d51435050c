// Writer for Circuit Training `.pb.txt` netlists: the layout Circuit Training's own files use,
// numbers in shortest round-trip form so a written file reads back to the same doubles.
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "macroplace/base/atomic_file.h"
#include "macroplace/netlist/ct_netlist.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

using internal::append_number;

void append_quoted(std::string* out, std::string_view text) {
  out->push_back('"');
  for (const char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(ch);
    } else if (c < 32 || c >= 127) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\%03o", c);
      out->append(buffer);
    } else {
      out->push_back(ch);
    }
  }
  out->push_back('"');
}

void append_string_attribute(std::string* out, std::string_view key, std::string_view value) {
  out->append("  attr {\n    key: ");
  append_quoted(out, key);
  out->append("\n    value {\n      placeholder: ");
  append_quoted(out, value);
  out->append("\n    }\n  }\n");
}

void append_number_attribute(std::string* out, std::string_view key, double value) {
  out->append("  attr {\n    key: ");
  append_quoted(out, key);
  out->append("\n    value {\n      f: ");
  append_number(out, value);
  out->append("\n    }\n  }\n");
}

std::string_view type_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::kHardMacro: return "MACRO";
    case NodeKind::kSoftMacro: return "macro";
    case NodeKind::kPort: return "PORT";
    case NodeKind::kStdCell: return "STDCELL";
    case NodeKind::kHardMacroPin: return "MACRO_PIN";
    case NodeKind::kSoftMacroPin: return "macro_pin";
  }
  return "";
}

}  // namespace

Status write_ct_netlist(const Netlist& netlist, const std::string& path) {
  Status status = netlist.validate();
  if (!status.ok()) return Status::error("cannot write " + path + ": " + status.message());

  // Nets by driver, in net order: the first is the node's `input:` list, any further ones go to
  // the macroplace.extra_net.* attributes (see ct_netlist.h).
  std::vector<std::int32_t> first_net(static_cast<std::size_t>(netlist.num_nodes()) + 1, 0);
  for (NetId net = 0; net < netlist.num_nets(); ++net) ++first_net[netlist.net_driver(net) + 1];
  for (std::size_t i = 1; i < first_net.size(); ++i) first_net[i] += first_net[i - 1];
  std::vector<NetId> nets_by_driver(static_cast<std::size_t>(netlist.num_nets()));
  {
    std::vector<std::int32_t> next(first_net.begin(), first_net.end() - 1);
    for (NetId net = 0; net < netlist.num_nets(); ++net) {
      nets_by_driver[next[netlist.net_driver(net)]++] = net;
    }
  }

  const bool gzip = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  AtomicFile file(path, gzip);
  std::string text;
  text.reserve(1 << 16);
  text.append("# proto-file: tensorflow/core/framework/graph.proto\n");
  text.append("# proto-message: tensorflow.GraphDef\n");
  text.append("# Written by macroplace\n");
  if (netlist.canvas) {
    const double corners[4] = {netlist.canvas->x0, netlist.canvas->y0, netlist.canvas->x1,
                               netlist.canvas->y1};
    text.append("# FP bbox: {");
    for (int i = 0; i < 4; ++i) {
      append_number(&text, corners[i]);
      text.push_back(i < 3 ? ' ' : '}');
    }
    text.push_back('\n');
  }
  if (!netlist.block_name.empty()) text.append("# Block : " + netlist.block_name + "\n");
  for (const Blockage& blockage : netlist.blockages) {
    text.append("# Blockage :");
    for (double value :
         {blockage.rect.x0, blockage.rect.y0, blockage.rect.x1, blockage.rect.y1, blockage.rate}) {
      text.push_back(' ');
      append_number(&text, value);
    }
    text.push_back('\n');
  }
  if (!netlist.metadata.empty()) {
    text.append("node {\n  name: \"__metadata__\"\n");
    for (const MetadataAttribute& attribute : netlist.metadata) {
      if (attribute.is_string) {
        append_string_attribute(&text, attribute.key, attribute.value);
      } else {
        text.append("  attr {\n    key: ");
        append_quoted(&text, attribute.key);
        text.append("\n    value {\n      f: " + attribute.value + "\n    }\n  }\n");
      }
    }
    text.append("}\n");
  }

  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const NodeKind kind = netlist.kind(node);
    if (kind == NodeKind::kSoftMacro && netlist.name(node).rfind("Grp_", 0) != 0) {
      return Status::error("cannot write " + path + ": soft macro " +
                           internal::quote(netlist.name(node)) +
                           " must be named Grp_* to read back as a soft macro");
    }
    text.append("node {\n  name: ");
    append_quoted(&text, netlist.name(node));
    text.push_back('\n');
    const std::int32_t nets_begin = first_net[node], nets_end = first_net[node + 1];
    double weight = 1.0;
    if (nets_begin < nets_end) {
      const NetId net = nets_by_driver[nets_begin];
      weight = netlist.net_weight(net);
      for (const NodeId* t = netlist.net_terminals_begin(net) + 1;
           t != netlist.net_terminals_end(net); ++t) {
        text.append("  input: ");
        append_quoted(&text, netlist.name(*t));
        text.push_back('\n');
      }
    }
    append_string_attribute(&text, "type", type_name(kind));
    if (is_pin(kind)) {
      append_string_attribute(&text, "macro_name", netlist.name(netlist.pin_owner(node)));
      append_number_attribute(&text, "x_offset", netlist.pin_offset_x(node));
      append_number_attribute(&text, "y_offset", netlist.pin_offset_y(node));
      double px = 0, py = 0;
      netlist.terminal_position(node, &px, &py);
      append_number_attribute(&text, "x", px);
      append_number_attribute(&text, "y", py);
    } else {
      if (kind != NodeKind::kPort || netlist.width(node) != 0 || netlist.height(node) != 0) {
        append_number_attribute(&text, "width", netlist.width(node));
        append_number_attribute(&text, "height", netlist.height(node));
      }
      append_number_attribute(&text, "x", netlist.x(node));
      append_number_attribute(&text, "y", netlist.y(node));
      if (kind == NodeKind::kHardMacro || netlist.orientation(node) != Orientation::kN) {
        append_string_attribute(&text, "orientation", orientation_name(netlist.orientation(node)));
      }
      if (!netlist.port_side(node).empty()) {
        append_string_attribute(&text, "side", netlist.port_side(node));
      }
      if (!netlist.ref_name(node).empty()) {
        append_string_attribute(&text, "ref_name", netlist.ref_name(node));
      }
    }
    if (weight != 1.0) append_number_attribute(&text, "weight", weight);
    for (std::int32_t k = 1; k < nets_end - nets_begin; ++k) {
      const NetId extra = nets_by_driver[nets_begin + k];
      const std::string prefix = "macroplace.extra_net." + std::to_string(k) + ".";
      const NodeId* sinks = netlist.net_terminals_begin(extra) + 1;
      for (std::int32_t i = 0; sinks + i != netlist.net_terminals_end(extra); ++i) {
        append_string_attribute(&text, prefix + "input." + std::to_string(i),
                                netlist.name(sinks[i]));
      }
      if (netlist.net_weight(extra) != 1.0) {
        append_number_attribute(&text, prefix + "weight", netlist.net_weight(extra));
      }
    }
    text.append("}\n");
    if (text.size() >= (1 << 16)) {
      file.write(text);
      text.clear();
    }
  }
  file.write(text);
  return file.commit();
}

}  // namespace macroplace::netlist
