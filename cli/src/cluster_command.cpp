// `macroplace cluster`: a flat netlist clustered into soft macros, written as a Circuit Training
// netlist with an initial placement, ready for `cost` and `place`.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <system_error>

#include "command_registry.h"
#include "macroplace/base/atomic_file.h"
#include "macroplace/base/atomic_folder.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/base/numbers.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/clustering.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/design.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/grid_selection.h"

namespace macroplace::cli {

namespace {

void write_report_json(const netlist::ClusteringReport& report, const std::string& path,
                       const std::string& out_dir, const netlist::ClusteringOptions& options,
                       const char* canvas_source, const char* grid_source,
                       const netlist::Netlist& clustered, std::ostream& out) {
  const netlist::NetlistCounts counts = clustered.counts();
  JsonWriter json;
  json.begin_object();
  json.key("design").value(path);
  json.key("output").value(out_dir);
  json.key("clusters").value(report.clusters);
  json.key("fixed_groups").value(report.fixed_groups);
  json.key("metis_parts").value(report.metis_parts);
  json.key("after_partition").value(report.after_partition);
  json.key("split_off").value(report.split_off);
  json.key("broken_off").value(report.broken_off);
  json.key("merged").value(report.merged);
  json.key("used_positions").value(report.used_positions);
  json.key("graph_vertices").value(report.graph_vertices);
  json.key("graph_edges").value(report.graph_edges);
  json.key("metis_edge_cut").value(report.metis_edge_cut);
  json.key("cut_weight").value(report.cut_weight);
  json.key("internal_nets").value(report.internal_nets);
  json.key("dropped_high_fanout_nets").value(report.dropped_high_fanout_nets);
  json.key("nets").value(counts.nets);
  json.key("soft_macro_pins").value(counts.soft_macro_pins);
  json.key("soft_macro_area").value(counts.soft_macro_area);
  json.key("canvas").begin_object();
  json.key("width").value(options.canvas_width).key("height").value(options.canvas_height);
  json.key("source").value(canvas_source);
  json.end_object();
  json.key("grid").begin_object();
  json.key("cols").value(options.columns).key("rows").value(options.rows);
  json.key("source").value(grid_source);
  json.end_object();
  json.key("seed").value(static_cast<std::int64_t>(options.seed));
  json.key("partition_s").value(report.partition_seconds);
  json.key("runtime_s").value(report.total_seconds);
  json.end_object();
  out << json.str() << "\n";
}

int run_cluster(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const std::string path = args.positionals()[0];
  const auto out_dir = args.value("-o");
  if (!out_dir) {
    err << "macroplace cluster: -o OUTDIR is required\n";
    return kExitUsage;
  }
  AtomicFolder folder(*out_dir, {"netlist.pb.txt", "initial.plc", "clusters.txt"});
  if (const Status status = folder.check(); !status.ok()) {
    err << "macroplace cluster: " << status.to_string() << "\n";
    return kExitUsage;
  }
  netlist::ClusteringOptions options;
  double clusters = options.target_clusters, utilization = 0.6, seed = 1;
  double canvas[2] = {0, 0}, grid[2] = {0, 0};
  if (!number_options("cluster", args, "--clusters", 1, 1e7, true, &clusters, err) ||
      !number_options("cluster", args, "--utilization", 1e-3, 1, false, &utilization, err) ||
      !number_options("cluster", args, "--canvas", 1e-6, 1e9, false, canvas, err) ||
      !number_options("cluster", args, "--grid", 1, 4096, true, grid, err) ||
      !number_options("cluster", args, "--seed", 0, 2147483646, true, &seed, err) ||
      !number_options("cluster", args, "--imbalance", 1e-3, 10, false, &options.imbalance, err) ||
      !number_options("cluster", args, "--bloating", 1e-3, 1e3, false, &options.bloating_ratio,
                      err)) {
    return kExitUsage;
  }
  options.target_clusters = static_cast<std::int32_t>(clusters);
  options.seed = static_cast<std::uint64_t>(seed);
  const std::string shape = args.value("--shape").value_or("column");
  if (shape == "square") {
    options.shape = netlist::SoftMacroShape::kSquare;
  } else if (shape != "column") {
    err << "macroplace cluster: --shape expects column or square, got '" << shape << "'\n";
    return kExitUsage;
  }

  netlist::Netlist flat;
  netlist::PlacementFile header;
  if (Status status = netlist::read_design(path, &flat); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  const auto settings_from = args.value("--settings-from");
  if (settings_from) {
    if (Status status = netlist::read_plc(*settings_from, &header); !status.ok()) {
      err << "macroplace: " << status.to_string() << "\n";
      return kExitFailure;
    }
  }
  netlist::PlacementSettings& settings = header.settings;

  // Canvas: --canvas, else the settings file, else the netlist's FP bbox, else from the area;
  // grid: --grid, else the settings file, else Circuit Training's grid-size selection.
  if (args.has("--canvas")) {
    settings.width = canvas[0];
    settings.height = canvas[1];
  }
  if (args.has("--grid")) {
    settings.columns = static_cast<std::int32_t>(grid[0]);
    settings.rows = static_cast<std::int32_t>(grid[1]);
  }
  placement::CanvasAndGrid chosen;
  if (Status status = placement::choose_canvas_and_grid(flat, settings, utilization, &chosen);
      !status.ok()) {
    err << "macroplace cluster: " << status.message() << " (--grid C R)\n";
    return kExitFailure;
  }
  options.canvas_width = chosen.width;
  options.canvas_height = chosen.height;
  options.columns = chosen.columns;
  options.rows = chosen.rows;
  const auto source = [&](const char* option, const char* chosen_source) {
    return std::string(chosen_source) == "settings"
               ? (args.has(option) ? option : "--settings-from")
               : chosen_source;
  };
  const std::string canvas_text = source("--canvas", chosen.canvas_source);
  const std::string grid_text = source("--grid", chosen.grid_source);
  const char* canvas_source = canvas_text.c_str();
  const char* grid_source = grid_text.c_str();
  if (Status status = options.validate(); !status.ok()) {
    err << "macroplace cluster: " << status.message() << "\n";
    return kExitUsage;
  }

  const netlist::ClusteringResult result = netlist::cluster_netlist(flat, options);
  if (!result.status.ok()) {
    err << "macroplace cluster: " << path << ": " << result.status.message() << "\n";
    return kExitFailure;
  }

  // The three files appear together (an interrupted or failed run leaves the old set).
  const std::string& staging = folder.staging();
  const std::string netlist_path = staging + "/netlist.pb.txt";
  const std::string plc_path = staging + "/initial.plc";
  const std::string clusters_path = staging + "/clusters.txt";
  settings.width = options.canvas_width;
  settings.height = options.canvas_height;
  settings.columns = options.columns;
  settings.rows = options.rows;
  if (settings.blockages.empty()) settings.blockages = flat.blockages;
  Status status = netlist::write_ct_netlist(result.clustered, netlist_path);
  if (status.ok()) status = netlist::write_plc(result.clustered, settings, path, plc_path);
  if (status.ok()) {
    // Which cluster each flat node went to (CT's groups.final): one line per node, -1 if none.
    AtomicFile file(clusters_path);
    std::string text;
    for (const std::int32_t cluster : result.assignment.cluster_of) {
      text.append(std::to_string(cluster)).push_back('\n');
      if (text.size() >= (1 << 16)) {
        file.write(text);
        text.clear();
      }
    }
    file.write(text);
    status = file.commit();
  }
  if (status.ok()) status = folder.commit();
  if (!status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }

  const netlist::ClusteringReport& report = result.report;
  if (args.has("--json")) {
    write_report_json(report, path, *out_dir, options, canvas_source, grid_source, result.clustered,
                      out);
    return kExitSuccess;
  }
  const netlist::NetlistCounts counts = result.clustered.counts();
  char line[512];
  out << "design     " << path << "\n";
  std::snprintf(line, sizeof line,
                "canvas     %.6g x %.6g um (%s), grid %d x %d (%s)\n"
                "clusters   %d: %d METIS parts and %d fixed groups gave %d, %d pieces split off, "
                "%d broken up, %d merged%s\n",
                options.canvas_width, options.canvas_height, canvas_source, options.columns,
                options.rows, grid_source, report.clusters, report.metis_parts, report.fixed_groups,
                report.after_partition, report.split_off, report.broken_off, report.merged,
                report.used_positions ? "" : " (no cell positions)");
  out << line;
  std::snprintf(line, sizeof line,
                "nets       %lld (cut weight %.10g); dropped: %lld inside one cluster, %lld with "
                "more than %d sinks\nsoft macros area %.6g um^2 (x%.6g), %lld pins\n"
                "time       %.3f s (METIS %.3f s)\n",
                static_cast<long long>(counts.nets), report.cut_weight,
                static_cast<long long>(report.internal_nets),
                static_cast<long long>(report.dropped_high_fanout_nets), options.max_fanout,
                counts.soft_macro_area, options.bloating_ratio,
                static_cast<long long>(counts.soft_macro_pins), report.total_seconds,
                report.partition_seconds);
  out << line;
  const std::filesystem::path written(*out_dir);
  out << "wrote " << (written / "netlist.pb.txt").string() << ", "
      << (written / "initial.plc").string() << ", " << (written / "clusters.txt").string() << "\n";
  return kExitSuccess;
}

}  // namespace

const Command& cluster_command() {
  static const Command kCommand{
      {"cluster",
       "macroplace cluster FLAT.pb.txt[.gz] -o OUTDIR [options]",
       "Cluster the standard cells of a flat netlist into soft macros, with METIS.\n"
       "Follows Circuit Training's grouping and writes OUTDIR/netlist.pb.txt, OUTDIR/initial.plc\n"
       "and OUTDIR/clusters.txt (the cluster of each flat node, -1 for none). The canvas comes\n"
       "from --canvas, else --settings-from, else the netlist's FP bbox, else a square holding\n"
       "the design at --utilization; the grid from --grid, else --settings-from, else grid-size\n"
       "selection. --settings-from also copies routing, smoothing and blockage settings into\n"
       "the written .plc.",
       {"FLAT"},
       {{"-o", "OUTDIR", "output folder (created if missing; required)", 1},
        {"--clusters", "N", "METIS parts besides the fixed groups (default 500)", 1},
        {"--utilization", "U", "target utilisation for a canvas from the area (default 0.6)", 1},
        {"--canvas", "W H", "canvas width and height in um", 2},
        {"--grid", "C R", "grid columns and rows", 2},
        {"--settings-from", "PLC", "take canvas, grid and cost settings from this .plc header", 1},
        {"--seed", "S", "METIS seed (default 1)", 1},
        {"--imbalance", "B", "allowed part area above the average, as a fraction (default 0.3)", 1},
        {"--bloating", "R", "soft-macro area / cell area (default 2)", 1},
        {"--shape", "S", "soft macros one grid column wide (column, default, as CT) or square", 1},
        {"--json", "", "print the report as one JSON object", 0}}},
      run_cluster,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
