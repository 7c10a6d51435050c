#include "macroplace/netlist/design.h"

#include "macroplace/netlist/bookshelf.h"
#include "macroplace/netlist/ct_netlist.h"

namespace macroplace::netlist {

namespace {
bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}
}  // namespace

std::optional<DesignFormat> design_format_of(const std::string& path) {
  if (ends_with(path, ".pb.txt") || ends_with(path, ".pb.txt.gz") || ends_with(path, ".pbtxt") ||
      ends_with(path, ".pbtxt.gz")) {
    return DesignFormat::kCircuitTraining;
  }
  if (ends_with(path, ".aux")) return DesignFormat::kBookshelf;
  return std::nullopt;
}

Status read_design(const std::string& path, Netlist* out) {
  const auto format = design_format_of(path);
  if (!format) {
    return Status::error_at({path, 0, 0},
                            "unknown design format (expected .pb.txt, .pb.txt.gz or .aux)");
  }
  Status status = *format == DesignFormat::kCircuitTraining ? read_ct_netlist(path, out)
                                                            : read_bookshelf(path, out);
  if (!status.ok()) return status;
  status = out->validate();
  if (!status.ok()) return Status::error_at({path, 0, 0}, status.message());
  return status;
}

Status write_design(const Netlist& netlist, const std::string& path) {
  const auto format = design_format_of(path);
  if (!format) {
    return Status::error_at({path, 0, 0},
                            "unknown design format (expected .pb.txt, .pb.txt.gz or .aux)");
  }
  return *format == DesignFormat::kCircuitTraining ? write_ct_netlist(netlist, path)
                                                   : write_bookshelf(netlist, path);
}

}  // namespace macroplace::netlist
