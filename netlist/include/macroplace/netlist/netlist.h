// Netlist: the in-memory design every other module reads, in struct-of-arrays form.
//
// Contract: nodes are indexed 0..num_nodes()-1 in Circuit Training (CT) file order, so a node's
// index is its `.plc` node index. Pins of hard and soft macros are nodes too (as in CT files),
// with an owner and an offset from the owner's centre (orientation N). Ports and standard cells
// connect to nets directly, as in CT flat netlists. Nets are stored in CSR form over node indices,
// driver first. Positions are centres in micrometres. validate() checks every invariant.
//
//   Netlist netlist;
//   NodeId macro = netlist.add_node(NodeKind::kHardMacro, "ram0", 50.0, 40.0);
//   NodeId pin = netlist.add_pin(macro, NodeKind::kHardMacroPin, "ram0/clk", 1.0, -2.0);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "macroplace/base/status.h"

namespace macroplace::netlist {

using NodeId = std::int32_t;
using NetId = std::int32_t;
inline constexpr NodeId kNoNode = -1;

enum class NodeKind : std::uint8_t {
  kHardMacro,
  kSoftMacro,
  kPort,
  kStdCell,
  kHardMacroPin,
  kSoftMacroPin,
};
inline constexpr int kNumNodeKinds = 6;

// The eight orientations of DEF/LEF. Offsets in the netlist are for N.
enum class Orientation : std::uint8_t { kN, kFN, kS, kFS, kE, kFE, kW, kFW };

bool is_pin(NodeKind kind);
bool is_macro(NodeKind kind);                    // hard or soft macro
std::string_view node_kind_name(NodeKind kind);  // "hard_macro", "soft_macro", ...

std::string_view orientation_name(Orientation orientation);  // "N", "FN", ...
// Accepts N FN S FS E FE W FW and the aliases R0 MY R180 MX R270 MX90 R90 MY90.
std::optional<Orientation> parse_orientation(std::string_view text);
// A set of orientations, one bit per Orientation value: what a macro's cell lets a placer
// choose (LEF SYMMETRY). Every orientation unless a floorplan or `.plc` says otherwise.
using OrientationSet = std::uint8_t;
inline constexpr OrientationSet kEveryOrientation = 0xFF;
inline constexpr OrientationSet orientation_bit(Orientation orientation) {
  return static_cast<OrientationSet>(1U << static_cast<unsigned>(orientation));
}
inline constexpr bool allows(OrientationSet set, Orientation orientation) {
  return (set & orientation_bit(orientation)) != 0;
}
// "N FS", in Orientation order; "" for the empty set.
std::string orientation_set_name(OrientationSet set);
// True for the quarter-turn orientations, whose footprint swaps width and height.
bool swaps_width_and_height(Orientation orientation);
// The N-frame offset (dx, dy) seen in orientation `orientation` (PROXY_COST.md, Geometry).
void rotate_offset(Orientation orientation, double dx, double dy, double* out_dx, double* out_dy);

// An axis-aligned rectangle [x0,x1] x [y0,y1] in micrometres.
struct Rect {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
};

// A region with reduced placement capacity (`# Blockage : minx miny maxx maxy rate`).
struct Blockage {
  Rect rect;
  double rate = 1.0;
};

// A standard-cell row (Bookshelf `.scl` CoreRow), kept so a Bookshelf design writes back whole.
struct Row {
  double y = 0;  // bottom ("Coordinate")
  double height = 0;
  double site_width = 1, site_spacing = 1;
  double origin_x = 0;  // SubrowOrigin
  std::int64_t num_sites = 0;
  std::string site_orient = "N", site_symmetry = "Y";
};

// A name -> value attribute of the `__metadata__` node, kept so that writers can reproduce it.
struct MetadataAttribute {
  std::string key;
  std::string value;  // as written in the file (number or string)
  bool is_string = false;
};

// An append-only arena of strings addressed by index; keeps millions of names in one allocation.
class StringArena {
 public:
  std::int32_t add(std::string_view text);
  std::string_view get(std::int32_t index) const {
    return std::string_view(chars_.data() + offsets_[index], offsets_[index + 1] - offsets_[index]);
  }
  std::int32_t size() const { return static_cast<std::int32_t>(offsets_.size()) - 1; }
  void reserve(std::size_t strings, std::size_t chars) {
    offsets_.reserve(strings + 1);
    chars_.reserve(chars);
  }

 private:
  std::vector<char> chars_;
  std::vector<std::uint64_t> offsets_{0};
};

struct NetlistCounts {
  std::int64_t hard_macros = 0, soft_macros = 0, ports = 0, std_cells = 0;
  std::int64_t hard_macro_pins = 0, soft_macro_pins = 0;
  std::int64_t nets = 0;
  std::int64_t pins = 0;  // net terminals: the sum of all net degrees
  double hard_macro_area = 0, soft_macro_area = 0, std_cell_area = 0;
  double total_area() const { return hard_macro_area + soft_macro_area + std_cell_area; }
};

class Netlist {
 public:
  // ---- building ----
  NodeId add_node(NodeKind kind, std::string_view name, double width = 0, double height = 0,
                  double x = 0, double y = 0);
  // A pin of a macro; `offset_*` from the owner's centre in orientation N. The owner may be
  // added later (set_pin_owner) when a file names it before defining it.
  NodeId add_pin(NodeId owner, NodeKind kind, std::string_view name, double offset_x,
                 double offset_y);
  void set_pin_owner(NodeId pin, NodeId owner) { pin_owner_[pin] = owner; }
  void set_kind(NodeId node, NodeKind kind) { kind_[node] = kind; }
  void set_size(NodeId node, double width, double height) {
    width_[node] = width;
    height_[node] = height;
  }
  void set_pin_offset(NodeId pin, double dx, double dy) {
    pin_offset_x_[pin] = dx;
    pin_offset_y_[pin] = dy;
  }
  void set_ref_name(NodeId node, std::string_view ref_name);
  void set_port_side(NodeId node, std::string_view side);
  // Adds a net: terminals[0] is the driver. Returns its id.
  NetId add_net(const NodeId* terminals, std::size_t count, double weight = 1.0,
                std::string_view name = {});
  void reserve(std::size_t nodes, std::size_t name_chars);
  // Room for `nets` more nets with `terminals` terminals in all, for readers that know the counts.
  void reserve_nets(std::size_t nets, std::size_t terminals);

  // ---- nodes ----
  std::int32_t num_nodes() const { return static_cast<std::int32_t>(kind_.size()); }
  NodeKind kind(NodeId node) const { return kind_[node]; }
  std::string_view name(NodeId node) const { return names_.get(node); }
  double width(NodeId node) const { return width_[node]; }
  double height(NodeId node) const { return height_[node]; }
  double x(NodeId node) const { return x_[node]; }
  double y(NodeId node) const { return y_[node]; }
  Orientation orientation(NodeId node) const { return orientation_[node]; }
  bool fixed(NodeId node) const { return fixed_[node] != 0; }
  // The orientations a placer may give the node (kEveryOrientation unless restricted).
  OrientationSet allowed_orientations(NodeId node) const { return allowed_orientations_[node]; }
  NodeId pin_owner(NodeId pin) const { return pin_owner_[pin]; }
  double pin_offset_x(NodeId pin) const { return pin_offset_x_[pin]; }
  double pin_offset_y(NodeId pin) const { return pin_offset_y_[pin]; }
  std::string_view ref_name(NodeId node) const;   // std cells; empty when unknown
  std::string_view port_side(NodeId node) const;  // ports; empty when unknown
  // Footprint width/height after orientation (quarter turns swap them).
  double placed_width(NodeId node) const;
  double placed_height(NodeId node) const;
  // Absolute position of a terminal: a pin at owner centre + rotated offset, anything else at
  // its own centre.
  void terminal_position(NodeId node, double* px, double* py) const;

  void set_position(NodeId node, double x, double y) {
    x_[node] = x;
    y_[node] = y;
  }
  void set_orientation(NodeId node, Orientation orientation) { orientation_[node] = orientation; }
  void set_fixed(NodeId node, bool fixed) { fixed_[node] = fixed ? 1 : 0; }
  void set_allowed_orientations(NodeId node, OrientationSet set) {
    allowed_orientations_[node] = set;
  }

  // Whole arrays, for kernels and placers that work on spans.
  const std::vector<double>& xs() const { return x_; }
  const std::vector<double>& ys() const { return y_; }
  const std::vector<NodeKind>& kinds() const { return kind_; }

  // ---- nets (CSR) ----
  std::int32_t num_nets() const { return static_cast<std::int32_t>(net_weight_.size()); }
  std::int32_t net_degree(NetId net) const { return net_begin_[net + 1] - net_begin_[net]; }
  NodeId net_driver(NetId net) const { return net_terminals_[net_begin_[net]]; }
  const NodeId* net_terminals_begin(NetId net) const {
    return net_terminals_.data() + net_begin_[net];
  }
  const NodeId* net_terminals_end(NetId net) const {
    return net_terminals_.data() + net_begin_[net + 1];
  }
  double net_weight(NetId net) const { return net_weight_[net]; }
  std::string_view net_name(NetId net) const;  // empty when the format has no net names
  const std::vector<std::int32_t>& net_begin() const { return net_begin_; }
  const std::vector<NodeId>& net_terminals() const { return net_terminals_; }
  const std::vector<double>& net_weights() const { return net_weight_; }

  // ---- design-level data ----
  // Canvas (core area) when the file states one (CT `# FP bbox`, Bookshelf rows).
  std::optional<Rect> canvas;
  std::vector<Blockage> blockages;
  std::string block_name;
  std::vector<MetadataAttribute> metadata;
  // Standard-cell rows when the format has them (Bookshelf `.scl`).
  std::vector<Row> rows;

  // Looks a node up by name (builds an index on first use).
  std::optional<NodeId> find(std::string_view name) const;

  NetlistCounts counts() const;

  // Checks every invariant: pin owners are macros of the matching kind, sizes finite and
  // non-negative, positions finite, some orientation allowed, net terminals in range, weights
  // finite and positive.
  Status validate() const;

 private:
  std::vector<NodeKind> kind_;
  StringArena names_;
  std::vector<double> width_, height_, x_, y_;
  std::vector<Orientation> orientation_;
  std::vector<std::uint8_t> fixed_;
  std::vector<OrientationSet> allowed_orientations_;
  std::vector<NodeId> pin_owner_;
  std::vector<double> pin_offset_x_, pin_offset_y_;
  // Optional per-node strings, stored sparsely: index into extra_strings_ or -1.
  std::vector<std::int32_t> ref_name_, port_side_;
  StringArena extra_strings_;

  std::vector<std::int32_t> net_begin_{0};
  std::vector<NodeId> net_terminals_;
  std::vector<double> net_weight_;
  std::vector<std::int32_t> net_name_;  // into extra_strings_, or -1

  // Name -> node, built on first find() and dropped when nodes are added.
  mutable std::unordered_map<std::string_view, NodeId> name_index_;
};

// Two netlists describe the same design: same nodes (kind, name, size, position within
// `tolerance`, orientation, allowed orientations, fixed, pin owners and offsets) and the same nets.
// Returns the first difference found as an error, or ok.
Status compare_netlists(const Netlist& a, const Netlist& b, double tolerance);

}  // namespace macroplace::netlist
