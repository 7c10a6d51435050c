#include "macroplace/netlist/netlist.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace macroplace::netlist {

bool is_pin(NodeKind kind) {
  return kind == NodeKind::kHardMacroPin || kind == NodeKind::kSoftMacroPin;
}

bool is_macro(NodeKind kind) {
  return kind == NodeKind::kHardMacro || kind == NodeKind::kSoftMacro;
}

std::string_view node_kind_name(NodeKind kind) {
  switch (kind) {
    case NodeKind::kHardMacro: return "hard_macro";
    case NodeKind::kSoftMacro: return "soft_macro";
    case NodeKind::kPort: return "port";
    case NodeKind::kStdCell: return "std_cell";
    case NodeKind::kHardMacroPin: return "hard_macro_pin";
    case NodeKind::kSoftMacroPin: return "soft_macro_pin";
  }
  return "unknown";
}

namespace {
constexpr std::string_view kOrientationNames[] = {"N", "FN", "S", "FS", "E", "FE", "W", "FW"};
}  // namespace

std::string_view orientation_name(Orientation orientation) {
  return kOrientationNames[static_cast<int>(orientation)];
}

std::string orientation_set_name(OrientationSet set) {
  std::string text;
  for (int i = 0; i < 8; ++i) {
    if (!allows(set, static_cast<Orientation>(i))) continue;
    if (!text.empty()) text.push_back(' ');
    text.append(kOrientationNames[i]);
  }
  return text;
}

std::optional<Orientation> parse_orientation(std::string_view text) {
  for (int i = 0; i < 8; ++i) {
    if (text == kOrientationNames[i]) return static_cast<Orientation>(i);
  }
  // LEF/DEF-style aliases (rotation counter-clockwise, M = mirror about that axis).
  if (text == "R0") return Orientation::kN;
  if (text == "MY") return Orientation::kFN;
  if (text == "R180") return Orientation::kS;
  if (text == "MX") return Orientation::kFS;
  if (text == "R270") return Orientation::kE;
  if (text == "MX90") return Orientation::kFE;
  if (text == "R90") return Orientation::kW;
  if (text == "MY90") return Orientation::kFW;
  return std::nullopt;
}

bool swaps_width_and_height(Orientation orientation) {
  return orientation == Orientation::kE || orientation == Orientation::kFE ||
         orientation == Orientation::kW || orientation == Orientation::kFW;
}

void rotate_offset(Orientation orientation, double dx, double dy, double* out_dx, double* out_dy) {
  switch (orientation) {
    case Orientation::kN:
      *out_dx = dx;
      *out_dy = dy;
      return;
    case Orientation::kFN:
      *out_dx = -dx;
      *out_dy = dy;
      return;
    case Orientation::kS:
      *out_dx = -dx;
      *out_dy = -dy;
      return;
    case Orientation::kFS:
      *out_dx = dx;
      *out_dy = -dy;
      return;
    case Orientation::kE:
      *out_dx = dy;
      *out_dy = -dx;
      return;
    case Orientation::kFE:
      *out_dx = -dy;
      *out_dy = -dx;
      return;
    case Orientation::kW:
      *out_dx = -dy;
      *out_dy = dx;
      return;
    case Orientation::kFW:
      *out_dx = dy;
      *out_dy = dx;
      return;
  }
}

std::int32_t StringArena::add(std::string_view text) {
  chars_.insert(chars_.end(), text.begin(), text.end());
  offsets_.push_back(chars_.size());
  return static_cast<std::int32_t>(offsets_.size()) - 2;
}

void Netlist::reserve(std::size_t nodes, std::size_t name_chars) {
  kind_.reserve(nodes);
  names_.reserve(nodes, name_chars);
  width_.reserve(nodes);
  height_.reserve(nodes);
  x_.reserve(nodes);
  y_.reserve(nodes);
  orientation_.reserve(nodes);
  fixed_.reserve(nodes);
  allowed_orientations_.reserve(nodes);
  pin_owner_.reserve(nodes);
  pin_offset_x_.reserve(nodes);
  pin_offset_y_.reserve(nodes);
  ref_name_.reserve(nodes);
  port_side_.reserve(nodes);
}

void Netlist::reserve_nets(std::size_t nets, std::size_t terminals) {
  net_begin_.reserve(net_begin_.size() + nets);
  net_terminals_.reserve(net_terminals_.size() + terminals);
  net_weight_.reserve(net_weight_.size() + nets);
  net_name_.reserve(net_name_.size() + nets);
}

NodeId Netlist::add_node(NodeKind kind, std::string_view name, double width, double height,
                         double x, double y) {
  const NodeId id = num_nodes();
  kind_.push_back(kind);
  names_.add(name);
  width_.push_back(width);
  height_.push_back(height);
  x_.push_back(x);
  y_.push_back(y);
  orientation_.push_back(Orientation::kN);
  fixed_.push_back(0);
  allowed_orientations_.push_back(kEveryOrientation);
  pin_owner_.push_back(kNoNode);
  pin_offset_x_.push_back(0);
  pin_offset_y_.push_back(0);
  ref_name_.push_back(-1);
  port_side_.push_back(-1);
  name_index_.clear();
  return id;
}

NodeId Netlist::add_pin(NodeId owner, NodeKind kind, std::string_view name, double offset_x,
                        double offset_y) {
  const NodeId id = add_node(kind, name);
  pin_owner_[id] = owner;
  pin_offset_x_[id] = offset_x;
  pin_offset_y_[id] = offset_y;
  return id;
}

void Netlist::set_ref_name(NodeId node, std::string_view ref_name) {
  ref_name_[node] = extra_strings_.add(ref_name);
}

void Netlist::set_port_side(NodeId node, std::string_view side) {
  port_side_[node] = extra_strings_.add(side);
}

std::string_view Netlist::ref_name(NodeId node) const {
  return ref_name_[node] < 0 ? std::string_view() : extra_strings_.get(ref_name_[node]);
}

std::string_view Netlist::port_side(NodeId node) const {
  return port_side_[node] < 0 ? std::string_view() : extra_strings_.get(port_side_[node]);
}

std::string_view Netlist::net_name(NetId net) const {
  return net_name_[net] < 0 ? std::string_view() : extra_strings_.get(net_name_[net]);
}

NetId Netlist::add_net(const NodeId* terminals, std::size_t count, double weight,
                       std::string_view name) {
  net_terminals_.insert(net_terminals_.end(), terminals, terminals + count);
  net_begin_.push_back(static_cast<std::int32_t>(net_terminals_.size()));
  net_weight_.push_back(weight);
  net_name_.push_back(name.empty() ? -1 : extra_strings_.add(name));
  return num_nets() - 1;
}

double Netlist::placed_width(NodeId node) const {
  return swaps_width_and_height(orientation_[node]) ? height_[node] : width_[node];
}

double Netlist::placed_height(NodeId node) const {
  return swaps_width_and_height(orientation_[node]) ? width_[node] : height_[node];
}

void Netlist::terminal_position(NodeId node, double* px, double* py) const {
  const NodeId owner = pin_owner_[node];
  if (owner == kNoNode) {
    *px = x_[node];
    *py = y_[node];
    return;
  }
  double dx = 0, dy = 0;
  rotate_offset(orientation_[owner], pin_offset_x_[node], pin_offset_y_[node], &dx, &dy);
  *px = x_[owner] + dx;
  *py = y_[owner] + dy;
}

std::optional<NodeId> Netlist::find(std::string_view name) const {
  if (name_index_.empty() && num_nodes() > 0) {
    name_index_.reserve(static_cast<std::size_t>(num_nodes()));
    for (NodeId i = 0; i < num_nodes(); ++i) name_index_.emplace(names_.get(i), i);
  }
  auto it = name_index_.find(name);
  if (it == name_index_.end()) return std::nullopt;
  return it->second;
}

NetlistCounts Netlist::counts() const {
  NetlistCounts c;
  for (NodeId i = 0; i < num_nodes(); ++i) {
    const double area = width_[i] * height_[i];
    switch (kind_[i]) {
      case NodeKind::kHardMacro:
        ++c.hard_macros;
        c.hard_macro_area += area;
        break;
      case NodeKind::kSoftMacro:
        ++c.soft_macros;
        c.soft_macro_area += area;
        break;
      case NodeKind::kPort: ++c.ports; break;
      case NodeKind::kStdCell:
        ++c.std_cells;
        c.std_cell_area += area;
        break;
      case NodeKind::kHardMacroPin: ++c.hard_macro_pins; break;
      case NodeKind::kSoftMacroPin: ++c.soft_macro_pins; break;
    }
  }
  c.nets = num_nets();
  c.pins = static_cast<std::int64_t>(net_terminals_.size());
  return c;
}

Status Netlist::validate() const {
  auto fail = [this](NodeId node, const std::string& what) {
    return Status::error("node " + std::to_string(node) + " '" + std::string(name(node)) +
                         "': " + what);
  };
  for (NodeId i = 0; i < num_nodes(); ++i) {
    if (!std::isfinite(width_[i]) || !std::isfinite(height_[i]) || width_[i] < 0 ||
        height_[i] < 0) {
      return fail(i, "size must be finite and non-negative");
    }
    if (!std::isfinite(x_[i]) || !std::isfinite(y_[i])) return fail(i, "position is not finite");
    if (allowed_orientations_[i] == 0) return fail(i, "no orientation is allowed");
    if (is_pin(kind_[i])) {
      const NodeId owner = pin_owner_[i];
      if (owner < 0 || owner >= num_nodes()) return fail(i, "pin has no owner");
      const NodeKind expected =
          kind_[i] == NodeKind::kHardMacroPin ? NodeKind::kHardMacro : NodeKind::kSoftMacro;
      if (kind_[owner] != expected) {
        return fail(i, "pin kind does not match its owner '" + std::string(name(owner)) + "'");
      }
      if (!std::isfinite(pin_offset_x_[i]) || !std::isfinite(pin_offset_y_[i])) {
        return fail(i, "pin offset is not finite");
      }
    } else if (pin_owner_[i] != kNoNode) {
      return fail(i, "only pins have owners");
    }
  }
  for (NetId n = 0; n < num_nets(); ++n) {
    if (net_degree(n) < 1) return Status::error("net " + std::to_string(n) + " is empty");
    if (!std::isfinite(net_weight_[n]) || net_weight_[n] <= 0) {
      return Status::error("net " + std::to_string(n) + " has a non-positive weight");
    }
    for (const NodeId* t = net_terminals_begin(n); t != net_terminals_end(n); ++t) {
      if (*t < 0 || *t >= num_nodes()) {
        return Status::error("net " + std::to_string(n) + " names a node out of range");
      }
    }
  }
  return Status();
}

namespace {
std::vector<NetId> canonical_net_order(const Netlist& netlist) {
  std::vector<NetId> order(static_cast<std::size_t>(netlist.num_nets()));
  for (NetId net = 0; net < netlist.num_nets(); ++net) order[net] = net;
  std::sort(order.begin(), order.end(), [&netlist](NetId x, NetId y) {
    return std::lexicographical_compare(
        netlist.net_terminals_begin(x), netlist.net_terminals_end(x),
        netlist.net_terminals_begin(y), netlist.net_terminals_end(y));
  });
  return order;
}

bool close(double a, double b, double tolerance) {
  return std::fabs(a - b) <= tolerance * std::max(1.0, std::max(std::fabs(a), std::fabs(b)));
}
}  // namespace

Status compare_netlists(const Netlist& a, const Netlist& b, double tolerance) {
  if (a.num_nodes() != b.num_nodes()) {
    return Status::error("node counts differ: " + std::to_string(a.num_nodes()) + " vs " +
                         std::to_string(b.num_nodes()));
  }
  for (NodeId i = 0; i < a.num_nodes(); ++i) {
    auto diff = [&](const std::string& what) {
      return Status::error("node " + std::to_string(i) + " '" + std::string(a.name(i)) +
                           "': " + what + " differs");
    };
    if (a.kind(i) != b.kind(i)) return diff("kind");
    if (a.name(i) != b.name(i)) return diff("name");
    if (a.pin_owner(i) != b.pin_owner(i)) return diff("pin owner");
    if (!close(a.pin_offset_x(i), b.pin_offset_x(i), tolerance) ||
        !close(a.pin_offset_y(i), b.pin_offset_y(i), tolerance)) {
      return diff("pin offset");
    }
    if (is_pin(a.kind(i))) continue;  // a pin's position and size follow its owner
    if (!close(a.width(i), b.width(i), tolerance) || !close(a.height(i), b.height(i), tolerance)) {
      return diff("size");
    }
    if (!close(a.x(i), b.x(i), tolerance) || !close(a.y(i), b.y(i), tolerance)) {
      return diff("position");
    }
    if (a.orientation(i) != b.orientation(i)) return diff("orientation");
    if (a.fixed(i) != b.fixed(i)) return diff("fixed flag");
    if (a.allowed_orientations(i) != b.allowed_orientations(i)) {
      return diff("allowed orientations");
    }
  }
  if (a.num_nets() != b.num_nets()) {
    return Status::error("net counts differ: " + std::to_string(a.num_nets()) + " vs " +
                         std::to_string(b.num_nets()));
  }
  // Nets are compared as a set: formats list them in different orders (CT by driver, Bookshelf
  // in file order), and the order carries no meaning.
  const std::vector<NetId> order_a = canonical_net_order(a), order_b = canonical_net_order(b);
  for (std::size_t i = 0; i < order_a.size(); ++i) {
    const NetId na = order_a[i], nb = order_b[i];
    if (a.net_degree(na) != b.net_degree(nb) ||
        !std::equal(a.net_terminals_begin(na), a.net_terminals_end(na),
                    b.net_terminals_begin(nb))) {
      return Status::error("net " + std::to_string(na) + " driven by '" +
                           std::string(a.name(a.net_driver(na))) + "' has no equal");
    }
    if (!close(a.net_weight(na), b.net_weight(nb), tolerance)) {
      return Status::error("net " + std::to_string(na) + " weight differs");
    }
  }
  return Status();
}

}  // namespace macroplace::netlist
