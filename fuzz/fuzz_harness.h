// What each fuzz target runs, shared with tests/netlist/fuzz_regression_test.cpp so that a saved
// fuzz input replays through exactly the code the fuzzer ran.
//
// Each run_* function feeds one input to a reader and checks the readers' contract beyond "does
// not crash" (sanitizers check that part):
// - an error that comes from parsing a file carries that file's name and a line (> 0). Every
//   error these harnesses can provoke is such an error: the harnesses hand the text in memory (CT,
//   .plc) or write every file the .aux names (Bookshelf), so "cannot open"-style errors, the only
//   ones without a line, cannot occur here.
// - an ok() result is a valid model: Netlist::validate() passes (e.g. no NaN/Inf position slipped
//   through), so "malformed input returns !ok()" holds for semantic faults too.
// A violation is returned as Outcome::problem; the fuzzers trap on it, the regression test fails.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/bookshelf.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/def.h"
#include "macroplace/netlist/lef.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"

namespace macroplace::fuzz {

enum class Problem { kNone, kNoLocation, kInvalidModel, kHarness };

struct Outcome {
  Status status;  // what the reader returned (the last step that ran)
  Problem kind = Problem::kNone;
  std::string problem;  // what broke the contract; empty when kind is kNone
};

// The error must name a file and a line.
inline std::string location_problem(const Status& status) {
  // to_string() must not crash on whatever the message holds.
  const std::string text = status.to_string();
  if (status.where().file.empty()) return "error without a file name: " + text;
  if (status.where().line == 0) return "error without a line: " + text;
  return {};
}

inline std::string validity_problem(const netlist::Netlist& netlist) {
  const Status valid = netlist.validate();
  if (valid.ok()) return {};
  return "reader returned ok() but validate() fails: " + valid.to_string();
}

// Checks the reader's result: a located error, or ok() with a valid netlist.
inline void judge(const netlist::Netlist& netlist, Outcome* outcome) {
  if (outcome->status.ok()) {
    outcome->problem = validity_problem(netlist);
    if (!outcome->problem.empty()) outcome->kind = Problem::kInvalidModel;
  } else {
    outcome->problem = location_problem(outcome->status);
    if (!outcome->problem.empty()) outcome->kind = Problem::kNoLocation;
  }
}

// ---- CT netlist ----
inline Outcome run_ct_netlist(const std::uint8_t* data, std::size_t size) {
  Outcome outcome;
  netlist::Netlist netlist;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  outcome.status = netlist::parse_ct_netlist(text, "fuzz.pb.txt", &netlist);
  judge(netlist, &outcome);
  return outcome;
}

// ---- .plc ----
// A small netlist with every node kind, so apply_placement() meets ports, macros, std cells and
// pins (indices 5, 6, 7, 10, which it must refuse with the entry's line).
inline netlist::Netlist small_netlist_for_plc() {
  using netlist::NodeKind;
  netlist::Netlist n;
  n.add_node(NodeKind::kPort, "p0");                                           // 0
  n.add_node(NodeKind::kPort, "p1");                                           // 1
  n.add_node(NodeKind::kPort, "p2");                                           // 2
  const auto m0 = n.add_node(NodeKind::kHardMacro, "m0", 50, 40, 100, 100);    // 3
  const auto m1 = n.add_node(NodeKind::kHardMacro, "m1", 30, 60, 300, 300);    // 4
  n.add_pin(m0, NodeKind::kHardMacroPin, "m0/a", 1, -2);                       // 5
  n.add_pin(m0, NodeKind::kHardMacroPin, "m0/b", -3, 4);                       // 6
  n.add_pin(m1, NodeKind::kHardMacroPin, "m1/a", 0, 0);                        // 7
  const auto g = n.add_node(NodeKind::kSoftMacro, "Grp_0", 80, 80, 200, 200);  // 8
  n.add_node(NodeKind::kStdCell, "s0", 1, 0.5);                                // 9
  n.add_pin(g, NodeKind::kSoftMacroPin, "Grp_0/p", 2, 2);                      // 10
  n.add_node(NodeKind::kStdCell, "s1", 2, 0.5);                                // 11
  const netlist::NodeId net0[] = {0, 5, 9};
  const netlist::NodeId net1[] = {7, 10, 11, 1};
  n.add_net(net0, 3);
  n.add_net(net1, 4, 2.0);
  return n;
}

inline Outcome run_plc(const std::uint8_t* data, std::size_t size) {
  Outcome outcome;
  netlist::PlacementFile plc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  outcome.status = netlist::parse_plc(text, "fuzz.plc", &plc);
  if (!outcome.status.ok()) {
    judge(netlist::Netlist(), &outcome);
    return outcome;
  }
  netlist::Netlist netlist = small_netlist_for_plc();
  outcome.status = netlist::apply_placement(plc, &netlist);
  judge(netlist, &outcome);
  return outcome;
}

// ---- Bookshelf ----
// The input is the design's files in the order .nodes, .nets, .pl, .scl, .wts, separated by the
// line "%%%%" (the bytes kBookshelfSeparator). The .aux names .nodes, .nets and .pl always, .scl
// only when the input has a fourth part and .wts only with a fifth (both are optional in
// Bookshelf); anything after a fifth separator stays in the .wts.
inline constexpr std::string_view kBookshelfSeparator = "%%%%\n";
inline constexpr const char* kBookshelfExtensions[] = {".nodes", ".nets", ".pl", ".scl", ".wts"};

inline std::vector<std::string_view> split_bookshelf(std::string_view input) {
  std::vector<std::string_view> parts;
  while (parts.size() < 4) {
    const std::size_t at = input.find(kBookshelfSeparator);
    if (at == std::string_view::npos) break;
    parts.push_back(input.substr(0, at));
    input.remove_prefix(at + kBookshelfSeparator.size());
  }
  parts.push_back(input);
  return parts;
}

inline bool write_whole(const std::string& path, std::string_view bytes) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return false;
  const bool wrote = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  return std::fclose(file) == 0 && wrote;
}

// `folder` must exist; the files are (over)written there as d.aux, d.nodes, ...
inline Outcome run_bookshelf(const std::uint8_t* data, std::size_t size,
                             const std::string& folder) {
  Outcome outcome;
  const std::vector<std::string_view> parts =
      split_bookshelf(std::string_view(reinterpret_cast<const char*>(data), size));
  std::string aux = "RowBasedPlacement :";
  for (std::size_t i = 0; i < 5; ++i) {
    const std::string_view text = i < parts.size() ? parts[i] : std::string_view();
    if (i >= 3 && i >= parts.size()) continue;  // optional file absent from the input
    if (!write_whole(folder + "/d" + kBookshelfExtensions[i], text)) {
      outcome.kind = Problem::kHarness;
      outcome.problem = "harness: cannot write into " + folder;
      return outcome;
    }
    aux += std::string(" d") + kBookshelfExtensions[i];
  }
  aux += "\n";
  if (!write_whole(folder + "/d.aux", aux)) {
    outcome.kind = Problem::kHarness;
    outcome.problem = "harness: cannot write into " + folder;
    return outcome;
  }
  netlist::Netlist netlist;
  outcome.status = netlist::read_bookshelf(folder + "/d.aux", &netlist);
  judge(netlist, &outcome);
  return outcome;
}

// A reader's error must be located (the LEF and DEF harnesses check ok() results their own way).
inline Outcome located(Outcome outcome) {
  outcome.problem = location_problem(outcome.status);
  if (!outcome.problem.empty()) outcome.kind = Problem::kNoLocation;
  return outcome;
}

// ---- LEF ----
// ok(): every macro's size and pin positions are finite numbers.
inline Outcome run_lef(const std::uint8_t* data, std::size_t size) {
  Outcome outcome;
  netlist::LefLibrary lef;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  outcome.status = netlist::parse_lef(text, "fuzz.lef", &lef);
  if (!outcome.status.ok()) return located(outcome);
  for (const netlist::LefMacro& macro : lef.macros) {
    bool finite = std::isfinite(macro.width) && std::isfinite(macro.height) && macro.width >= 0 &&
                  macro.height >= 0;
    for (const netlist::LefPin& pin : macro.pins) {
      finite = finite && std::isfinite(pin.x) && std::isfinite(pin.y);
    }
    if (!finite) {
      outcome.kind = Problem::kInvalidModel;
      outcome.problem = "ok() with a non-finite size or pin position in macro " + macro.name;
      return outcome;
    }
  }
  return outcome;
}

// ---- DEF ----
// ok(): placing every component one unit to the right writes a DEF that reads back with the
// same sections and exactly those placements.
inline Outcome run_def(const std::uint8_t* data, std::size_t size) {
  Outcome outcome;
  netlist::DefFloorplan def;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  outcome.status = netlist::parse_def(text, "fuzz.def", &def);
  if (!outcome.status.ok()) return located(outcome);
  std::map<std::string, netlist::DefPlacementChange, std::less<>> changes;
  for (const netlist::DefComponent& c : def.components) {
    changes[c.name] = {netlist::DefPlacement::kPlaced, c.x + 1, c.y, c.orientation};
  }
  std::string placed;
  netlist::DefFloorplan back;
  Status s = netlist::def_with_placements(def, changes, &placed);
  if (s.ok()) s = netlist::parse_def(placed, "placed.def", &back);
  bool same = s.ok() && back.components.size() == def.components.size() &&
              back.pins.size() == def.pins.size() && back.rows.size() == def.rows.size();
  for (std::size_t i = 0; same && i < def.components.size(); ++i) {
    const netlist::DefComponent& c = back.components[i];
    same = c.name == def.components[i].name && c.status == netlist::DefPlacement::kPlaced &&
           c.x == def.components[i].x + 1 && c.y == def.components[i].y;
  }
  if (!same) {
    outcome.kind = Problem::kInvalidModel;
    outcome.problem = "placements written back do not read back: " +
                      (s.ok() ? std::string("other components or sections") : s.to_string());
  }
  return outcome;
}

}  // namespace macroplace::fuzz
