// `.plc` placement files (FORMATS.md section 2).
#include "macroplace/netlist/plc.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <string>
#include <vector>

#include "macroplace/base/atomic_file.h"
#include "macroplace/base/atomic_folder.h"
#include "text_input.h"

namespace macroplace::netlist {

namespace {

using internal::append_number;

using internal::error_at;
using internal::quote;
using internal::Token;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The numbers on a header line, e.g. "Columns : 24  Rows : 21" -> {24, 21}.
std::vector<double> numbers_of(const std::vector<Token>& tokens) {
  std::vector<double> numbers;
  for (const Token& token : tokens) {
    double value = 0;
    if (parse_number(token.text, &value)) numbers.push_back(value);
  }
  return numbers;
}

Status parse_header_line(std::string_view line, std::uint64_t line_number, const std::string& file,
                         PlacementSettings* settings) {
  std::string_view body = trim(line.substr(1));
  std::vector<Token> tokens;
  internal::split_tokens(line, &tokens);
  auto expect_numbers = [&](std::size_t count, const char* form,
                            std::vector<double>* numbers) -> Status {
    *numbers = numbers_of(tokens);
    if (numbers->size() != count) {
      return error_at(file, line_number, 1, std::string("expected '# ") + form + "'");
    }
    return Status();
  };
  std::vector<double> numbers;
  Status status;
  if (starts_with(body, "Columns")) {
    if (!(status = expect_numbers(2, "Columns : C  Rows : R", &numbers)).ok()) return status;
    if (numbers[0] < 1 || numbers[1] < 1 || numbers[0] != std::floor(numbers[0]) ||
        numbers[1] != std::floor(numbers[1]) || numbers[0] > 1e6 || numbers[1] > 1e6) {
      return error_at(file, line_number, 1, "columns and rows must be whole numbers in 1..1e6");
    }
    settings->columns = static_cast<std::int32_t>(numbers[0]);
    settings->rows = static_cast<std::int32_t>(numbers[1]);
  } else if (starts_with(body, "Width")) {
    if (!(status = expect_numbers(2, "Width : W  Height : H", &numbers)).ok()) return status;
    if (numbers[0] <= 0 || numbers[1] <= 0) {
      return error_at(file, line_number, 1, "canvas width and height must be positive");
    }
    settings->width = numbers[0];
    settings->height = numbers[1];
  } else if (starts_with(body, "Routes per micron")) {
    if (!(status = expect_numbers(2, "Routes per micron, hor : H  ver : V", &numbers)).ok()) {
      return status;
    }
    settings->routes_per_micron_horizontal = numbers[0];
    settings->routes_per_micron_vertical = numbers[1];
  } else if (starts_with(body, "Routes used by macros")) {
    if (!(status = expect_numbers(2, "Routes used by macros, hor : H  ver : V", &numbers)).ok()) {
      return status;
    }
    settings->macro_routes_horizontal = numbers[0];
    settings->macro_routes_vertical = numbers[1];
  } else if (starts_with(body, "Smoothing factor")) {
    if (!(status = expect_numbers(1, "Smoothing factor : N", &numbers)).ok()) return status;
    settings->smoothing_range = numbers[0];
  } else if (starts_with(body, "Overlap threshold")) {
    if (!(status = expect_numbers(1, "Overlap threshold : X", &numbers)).ok()) return status;
    settings->overlap_threshold = numbers[0];
  } else if (starts_with(body, "Macro spacing")) {
    if (!(status = expect_numbers(1, "Macro spacing : D", &numbers)).ok()) return status;
    if (!(numbers[0] >= 0) || !std::isfinite(numbers[0])) {
      return error_at(file, line_number, 1, "macro spacing must be a number >= 0");
    }
    settings->macro_spacing = numbers[0];
  } else if (starts_with(body, "Allowed orientations")) {
    // Tokens: # Allowed orientations : NAME... : INDEX...
    OrientationRule rule;
    rule.allowed = 0;
    rule.line = line_number;
    int colons = 0;
    for (const Token& token : tokens) {
      if (token.text == ":") {
        ++colons;
      } else if (colons == 1) {
        const std::optional<Orientation> orientation = parse_orientation(token.text);
        if (!orientation) {
          return error_at(
              file, line_number, token.column,
              "expected an orientation (N FN S FS E FE W FW), found " + quote(token.text));
        }
        rule.allowed |= orientation_bit(*orientation);
      } else if (colons == 2) {
        std::int64_t index = 0;
        if (!internal::parse_int64(token.text, &index) || index < 0 || index > INT32_MAX) {
          return error_at(file, line_number, token.column,
                          "expected a node index, found " + quote(token.text));
        }
        rule.nodes.push_back(static_cast<NodeId>(index));
      }
    }
    if (colons != 2 || rule.allowed == 0 || rule.nodes.empty()) {
      return error_at(file, line_number, 1,
                      "expected '# Allowed orientations : N FS ... : index index ...'");
    }
    settings->orientation_rules.push_back(std::move(rule));
  } else if (starts_with(body, "Blockage")) {
    if (!(status = expect_numbers(5, "Blockage : minx miny maxx maxy rate", &numbers)).ok()) {
      return status;
    }
    settings->blockages.push_back({{numbers[0], numbers[1], numbers[2], numbers[3]}, numbers[4]});
  } else if (starts_with(body, "Project") || starts_with(body, "Block ") ||
             starts_with(body, "Block:")) {
    const std::size_t colon = body.find(':');
    const std::string value(colon == std::string_view::npos ? "" : trim(body.substr(colon + 1)));
    (starts_with(body, "Project") ? settings->project : settings->block) = value;
  }
  return Status();
}

Status parse_entry(const std::vector<Token>& tokens, std::uint64_t line_number,
                   const std::string& file, PlacementEntry* entry) {
  if (tokens.size() < 4 || tokens.size() > 5) {
    return error_at(file, line_number, tokens.empty() ? 1 : tokens[0].column,
                    "expected 'node_index x y orientation fixed'");
  }
  std::int64_t index = 0;
  if (!internal::parse_int64(tokens[0].text, &index) || index < 0 || index > INT32_MAX) {
    return error_at(file, line_number, tokens[0].column,
                    "expected a node index, found " + quote(tokens[0].text));
  }
  entry->node = static_cast<NodeId>(index);
  if (!parse_number(tokens[1].text, &entry->x)) {
    return error_at(file, line_number, tokens[1].column,
                    "expected a finite x coordinate, found " + quote(tokens[1].text));
  }
  if (!parse_number(tokens[2].text, &entry->y)) {
    return error_at(file, line_number, tokens[2].column,
                    "expected a finite y coordinate, found " + quote(tokens[2].text));
  }
  if (tokens[3].text == "-") {
    entry->orientation.reset();
  } else {
    entry->orientation = parse_orientation(tokens[3].text);
    if (!entry->orientation) {
      return error_at(
          file, line_number, tokens[3].column,
          "expected an orientation (N FN S FS E FE W FW or -), found " + quote(tokens[3].text));
    }
  }
  entry->fixed = false;
  if (tokens.size() == 5) {
    if (tokens[4].text != "0" && tokens[4].text != "1") {
      return error_at(file, line_number, tokens[4].column,
                      "expected the fixed flag 0 or 1, found " + quote(tokens[4].text));
    }
    entry->fixed = tokens[4].text == "1";
  }
  entry->line = line_number;
  return Status();
}

}  // namespace

Status parse_plc(std::string_view text, const std::string& file_label, PlacementFile* out) {
  *out = PlacementFile();
  out->file = file_label;
  internal::LineReader lines(text);
  std::string_view line;
  std::uint64_t line_number = 0;
  std::vector<Token> tokens;
  bool blank = true;
  while (lines.next(&line, &line_number)) {
    const std::string_view stripped = trim(line);
    if (stripped.empty()) continue;
    blank = false;
    if (stripped.front() == '#') {
      Status status = parse_header_line(stripped, line_number, file_label, &out->settings);
      if (!status.ok()) return status;
      continue;
    }
    internal::split_tokens(line, &tokens);
    PlacementEntry entry;
    Status status = parse_entry(tokens, line_number, file_label, &entry);
    if (!status.ok()) return status;
    out->entries.push_back(entry);
  }
  // A header-only file is Circuit Training's way of giving settings alone (its test designs have
  // them); a file with nothing at all is a mistake, such as an output cut short.
  if (blank) {
    return error_at(file_label, 1, 1,
                    "the placement file is empty (expected '#' header lines and 'node_index x y "
                    "orientation fixed' lines)");
  }
  return Status();
}

Status read_plc(const std::string& path, PlacementFile* out) {
  std::string text;
  Status status = internal::read_whole_file(path, &text);
  if (!status.ok()) return status;
  return parse_plc(text, path, out);
}

Status apply_placement(const PlacementFile& placement, Netlist* netlist,
                       PlacementCoverage* coverage) {
  std::vector<std::uint64_t> listed_at(static_cast<std::size_t>(netlist->num_nodes()), 0);
  for (const PlacementEntry& entry : placement.entries) {
    if (entry.node < 0 || entry.node >= netlist->num_nodes()) {
      return error_at(placement.file, entry.line, 1,
                      "node index " + std::to_string(entry.node) + " is out of range (the " +
                          "netlist has " + std::to_string(netlist->num_nodes()) + " nodes)");
    }
    if (is_pin(netlist->kind(entry.node))) {
      return error_at(placement.file, entry.line, 1,
                      "node index " + std::to_string(entry.node) + " is the pin " +
                          quote(netlist->name(entry.node)) + "; pins follow their macro");
    }
    // Two positions for one node: which one was meant cannot be told.
    std::uint64_t& first = listed_at[static_cast<std::size_t>(entry.node)];
    if (first != 0) {
      return error_at(placement.file, entry.line, 1,
                      "node index " + std::to_string(entry.node) + " (" +
                          quote(netlist->name(entry.node)) + ") is listed twice; first at line " +
                          std::to_string(first));
    }
    first = entry.line == 0 ? 1 : entry.line;
    netlist->set_position(entry.node, entry.x, entry.y);
    if (entry.orientation) netlist->set_orientation(entry.node, *entry.orientation);
    netlist->set_fixed(entry.node, entry.fixed);
  }
  for (const OrientationRule& rule : placement.settings.orientation_rules) {
    for (const NodeId node : rule.nodes) {
      if (node >= netlist->num_nodes() || !is_macro(netlist->kind(node))) {
        return error_at(placement.file, rule.line, 1,
                        "allowed orientations for node index " + std::to_string(node) +
                            ", which is not a macro of the netlist");
      }
      netlist->set_allowed_orientations(node, rule.allowed);
    }
  }
  if (coverage != nullptr) {
    *coverage = PlacementCoverage();
    for (NodeId node = 0; node < netlist->num_nodes(); ++node) {
      if (is_pin(netlist->kind(node))) continue;
      if (listed_at[static_cast<std::size_t>(node)] != 0) {
        ++coverage->listed;
      } else {
        if (coverage->missing == 0) coverage->first_missing = node;
        ++coverage->missing;
      }
    }
  }
  return Status();
}

Status write_plc(const Netlist& netlist, const PlacementSettings& settings,
                 const std::string& source, const std::string& path) {
  std::string text;
  auto pair_line = [&](const char* first, double a, const char* second, double b) {
    text.append("# ").append(first).append(" : ");
    append_number(&text, a);
    text.append("  ").append(second).append(" : ");
    append_number(&text, b);
    text.push_back('\n');
  };
  const NetlistCounts counts = netlist.counts();
  char date[64] = "";
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  if (gmtime_r(&now, &utc) != nullptr) std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &utc);
  text.append("# Placement file for Circuit Training\n");
  text.append("# Written by macroplace\n");
  text.append("# Source input file(s) : " + source + "\n");
  text.append("# This file : " + AtomicFolder::committed_path(path) + "\n");
  text.append(std::string("# Date : ") + date + " UTC\n");
  if (settings.columns && settings.rows) {
    text.append("# Columns : " + std::to_string(*settings.columns) +
                "  Rows : " + std::to_string(*settings.rows) + "\n");
  }
  if (settings.width && settings.height) {
    pair_line("Width", *settings.width, "Height", *settings.height);
  }
  text.append("# Area (stdcell+macros) : ");
  append_number(&text, counts.total_area());
  text.push_back('\n');
  if (!settings.project.empty()) text.append("# Project : " + settings.project + "\n");
  if (!settings.block.empty()) text.append("# Block : " + settings.block + "\n");
  if (settings.routes_per_micron_horizontal && settings.routes_per_micron_vertical) {
    pair_line("Routes per micron, hor", *settings.routes_per_micron_horizontal, "ver",
              *settings.routes_per_micron_vertical);
  }
  if (settings.macro_routes_horizontal && settings.macro_routes_vertical) {
    pair_line("Routes used by macros, hor", *settings.macro_routes_horizontal, "ver",
              *settings.macro_routes_vertical);
  }
  if (settings.smoothing_range) {
    text.append("# Smoothing factor : ");
    append_number(&text, *settings.smoothing_range);
    text.push_back('\n');
  }
  if (settings.overlap_threshold) {
    text.append("# Overlap threshold : ");
    append_number(&text, *settings.overlap_threshold);
    text.push_back('\n');
  }
  if (settings.macro_spacing && *settings.macro_spacing > 0) {
    text.append("# Macro spacing : ");
    append_number(&text, *settings.macro_spacing);
    text.push_back('\n');
  }
  // One line per restricted set, in the order of its first macro.
  std::vector<std::pair<OrientationSet, std::string>> rules;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const OrientationSet set = netlist.allowed_orientations(node);
    if (set == kEveryOrientation || !is_macro(netlist.kind(node))) continue;
    auto rule =
        std::find_if(rules.begin(), rules.end(), [&](const auto& r) { return r.first == set; });
    if (rule == rules.end()) {
      rules.emplace_back(set, "# Allowed orientations : " + orientation_set_name(set) + " :");
      rule = rules.end() - 1;
    }
    rule->second += " " + std::to_string(node);
  }
  for (const auto& rule : rules) text.append(rule.second).push_back('\n');
  for (const Blockage& blockage : settings.blockages) {
    text.append("# Blockage :");
    for (double value :
         {blockage.rect.x0, blockage.rect.y0, blockage.rect.x1, blockage.rect.y1, blockage.rate}) {
      text.push_back(' ');
      append_number(&text, value);
    }
    text.push_back('\n');
  }
  char counts_text[512];
  std::snprintf(
      counts_text, sizeof counts_text,
      "#\n# Counts of node types:\n"
      "# HARD_MACROs     : %9lld\n# HARD_MACRO_PINs : %9lld\n"
      "# MACROs          : %9lld\n# MACRO_PINs      : %9lld\n"
      "# PORTs           : %9lld\n# SOFT_MACROs     : %9lld\n"
      "# SOFT_MACRO_PINs : %9lld\n# STDCELLs        : %9lld\n#\n",
      static_cast<long long>(counts.hard_macros), static_cast<long long>(counts.hard_macro_pins),
      static_cast<long long>(counts.hard_macros) + static_cast<long long>(counts.soft_macros),
      static_cast<long long>(counts.hard_macro_pins) +
          static_cast<long long>(counts.soft_macro_pins),
      static_cast<long long>(counts.ports), static_cast<long long>(counts.soft_macros),
      static_cast<long long>(counts.soft_macro_pins), static_cast<long long>(counts.std_cells));
  text.append(counts_text);
  text.append("# node_index x y orientation fixed\n");
  AtomicFile file(path);
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    const NodeKind kind = netlist.kind(node);
    if (is_pin(kind)) continue;
    text.append(std::to_string(node));
    text.push_back(' ');
    append_number(&text, netlist.x(node));
    text.push_back(' ');
    append_number(&text, netlist.y(node));
    text.push_back(' ');
    text.append(kind == NodeKind::kPort ? std::string_view("-")
                                        : orientation_name(netlist.orientation(node)));
    text.append(netlist.fixed(node) ? " 1\n" : " 0\n");
    if (text.size() >= (1 << 16)) {
      file.write(text);
      text.clear();
    }
  }
  file.write(text);
  return file.commit();
}

}  // namespace macroplace::netlist
