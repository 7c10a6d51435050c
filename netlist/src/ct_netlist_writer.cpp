// Writer for Circuit Training `.pb.txt` netlists: the layout Circuit Training's own files use,
// numbers in shortest round-trip form so a written file reads back to the same doubles.
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "macroplace/netlist/atomic_file.h"
#include "macroplace/netlist/ct_netlist.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

void append_number(std::string* out, double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out->append(buffer, result.ptr);
}

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

  // Circuit Training lets a node drive one net (its `input:` list).
  std::vector<NetId> driven_net(static_cast<std::size_t>(netlist.num_nodes()), -1);
  for (NetId net = 0; net < netlist.num_nets(); ++net) {
    const NodeId driver = netlist.net_driver(net);
    if (driven_net[driver] != -1) {
      return Status::error("cannot write " + path + ": node " +
                           internal::quote(netlist.name(driver)) +
                           " drives more than one net, which the Circuit Training format "
                           "cannot express");
    }
    driven_net[driver] = net;
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
    for (double value : {blockage.rect.x0, blockage.rect.y0, blockage.rect.x1, blockage.rect.y1,
                         blockage.rate}) {
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
    const NetId net = driven_net[node];
    double weight = 1.0;
    if (net >= 0) {
      weight = netlist.net_weight(net);
      for (const NodeId* t = netlist.net_terminals_begin(net) + 1; t != netlist.net_terminals_end(net);
           ++t) {
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
