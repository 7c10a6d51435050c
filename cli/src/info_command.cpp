// `macroplace info`: what a design holds, for people (a table) or machines (--json).
#include <cstdio>
#include <ostream>

#include "command_registry.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/design.h"

namespace macroplace::cli {

namespace {

struct DesignFrame {
  std::optional<double> width, height;
  std::optional<std::int32_t> columns, rows;
};

// Canvas from the placement header first (what the user's flow uses), else from the netlist.
DesignFrame frame_of(const netlist::Netlist& netlist, const netlist::PlacementFile& placement) {
  DesignFrame frame;
  frame.width = placement.settings.width;
  frame.height = placement.settings.height;
  if ((!frame.width || !frame.height) && netlist.canvas) {
    frame.width = netlist.canvas->width();
    frame.height = netlist.canvas->height();
  }
  frame.columns = placement.settings.columns;
  frame.rows = placement.settings.rows;
  return frame;
}

int run_info(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string path = args.positionals()[0];
  netlist::Netlist netlist;
  netlist::PlacementFile placement;
  if (!load_design(path, args.value("--plc"), &netlist, &placement, err)) return kExitFailure;
  const netlist::NetlistCounts counts = netlist.counts();
  const DesignFrame frame = frame_of(netlist, placement);
  const auto format = netlist::design_format_of(path);
  const char* format_name =
      format == netlist::DesignFormat::kBookshelf ? "bookshelf" : "circuit_training";

  if (args.has("--json")) {
    JsonWriter json;
    json.begin_object();
    json.key("file").value(path);
    json.key("format").value(format_name);
    json.key("nodes").value(static_cast<std::int64_t>(netlist.num_nodes()));
    json.key("hard_macros").value(counts.hard_macros);
    json.key("soft_macros").value(counts.soft_macros);
    json.key("ports").value(counts.ports);
    json.key("std_cells").value(counts.std_cells);
    json.key("hard_macro_pins").value(counts.hard_macro_pins);
    json.key("soft_macro_pins").value(counts.soft_macro_pins);
    json.key("nets").value(counts.nets);
    json.key("pins").value(counts.pins);
    json.key("hard_macro_area").value(counts.hard_macro_area);
    json.key("soft_macro_area").value(counts.soft_macro_area);
    json.key("std_cell_area").value(counts.std_cell_area);
    json.key("total_area").value(counts.total_area());
    if (frame.width && frame.height) {
      json.key("canvas").begin_object();
      json.key("width").value(*frame.width).key("height").value(*frame.height);
      json.end_object();
    }
    if (frame.columns && frame.rows) {
      json.key("grid").begin_object();
      json.key("cols").value(*frame.columns).key("rows").value(*frame.rows);
      json.end_object();
    }
    json.end_object();
    out << json.str() << "\n";
    return kExitSuccess;
  }

  char line[256];
  out << "design   " << path << " (" << format_name << ")\n";
  if (args.value("--plc")) out << "placement " << *args.value("--plc") << "\n";
  auto row = [&](const char* label, long long count, double area) {
    if (area > 0) {
      std::snprintf(line, sizeof line, "  %-18s %10lld   area %.6g um^2\n", label, count, area);
    } else {
      std::snprintf(line, sizeof line, "  %-18s %10lld\n", label, count);
    }
    out << line;
  };
  row("hard macros", counts.hard_macros, counts.hard_macro_area);
  row("soft macros", counts.soft_macros, counts.soft_macro_area);
  row("std cells", counts.std_cells, counts.std_cell_area);
  row("ports", counts.ports, 0);
  row("hard-macro pins", counts.hard_macro_pins, 0);
  row("soft-macro pins", counts.soft_macro_pins, 0);
  row("nets", counts.nets, 0);
  row("pins (net terminals)", counts.pins, 0);
  std::snprintf(line, sizeof line, "  %-18s %10s   %.6g um^2\n", "total area", "",
                counts.total_area());
  out << line;
  if (frame.width && frame.height) {
    std::snprintf(line, sizeof line, "  canvas             %.6g x %.6g um\n", *frame.width,
                  *frame.height);
    out << line;
  }
  if (frame.columns && frame.rows) {
    std::snprintf(line, sizeof line, "  grid               %d columns x %d rows\n", *frame.columns,
                  *frame.rows);
    out << line;
  }
  return kExitSuccess;
}

}  // namespace

const Command& info_command() {
  static const Command kCommand{
      {"info",
       "macroplace info FILE [--plc FILE] [--json]",
       "Print the counts and sizes of a design.\n"
       "FILE is a Circuit Training netlist (.pb.txt, .pb.txt.gz) or a Bookshelf design (.aux).\n"
       "'pins' counts net terminals (the sum of all net degrees).",
       {"FILE"},
       {{"--plc", "FILE", "placement file whose header gives canvas and grid", 1},
        {"--json", "", "print one JSON object instead of a table", 0}}},
      run_info,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
