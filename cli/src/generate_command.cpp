// `macroplace generate`: seeded synthetic designs for training corpora, each written as a
// Circuit Training netlist with its initial placement, and how their statistics compare with
// real designs'.
#include <filesystem>
#include <ostream>
#include <string>
#include <system_error>
#include <vector>

#include "command_registry.h"
#include "macroplace/base/atomic_file.h"
#include "macroplace/base/atomic_folder.h"
#include "macroplace/base/json_writer.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/pretrain/design_statistics.h"
#include "macroplace/pretrain/synthetic_design.h"

namespace macroplace::cli {

namespace {

void write_statistics_json(const std::vector<pretrain::DesignStatistics>& designs,
                           std::ostream& out) {
  JsonWriter json;
  json.begin_object();
  json.key("designs").begin_array();
  for (const pretrain::DesignStatistics& design : designs) {
    json.begin_object();
    json.key("name").value(design.name);
    for (const auto& [label, value] : design.figures()) json.key(label).value(value);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  out << json.str() << "\n";
}

int run_generate(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const auto out_dir = args.value("-o");
  if (!out_dir) {
    err << "macroplace generate: -o OUTDIR is required\n";
    return kExitUsage;
  }
  double count = 1, seed = 1;
  double hard = 0, soft = 0, ports = 0, footprints = 0;
  pretrain::SyntheticOptions options;
  if (!number_options("generate", args, "--count", 1, 100000, true, &count, err) ||
      !number_options("generate", args, "--seed", 0, 1e15, true, &seed, err) ||
      !number_options("generate", args, "--hard-macros", 1, 100000, true, &hard, err) ||
      !number_options("generate", args, "--soft-macros", 1, 1000000, true, &soft, err) ||
      !number_options("generate", args, "--ports", 1, 100000, true, &ports, err) ||
      !number_options("generate", args, "--footprints", 1, 64, true, &footprints, err) ||
      !number_options("generate", args, "--hard-area", 1e-3, 0.7, false,
                      &options.hard_macro_area_share, err) ||
      !number_options("generate", args, "--soft-area", 1e-3, 0.7, false,
                      &options.soft_macro_area_share, err) ||
      !number_options("generate", args, "--degree", 2.05, 20, false, &options.net_degree_mean,
                      err) ||
      !number_options("generate", args, "--nets-per-node", 0.5, 50, false, &options.nets_per_node,
                      err) ||
      !number_options("generate", args, "--canvas-width", 10, 1e6, false, &options.canvas_width,
                      err)) {
    return kExitUsage;
  }
  options.hard_macros = static_cast<std::int32_t>(hard);
  options.soft_macros = static_cast<std::int32_t>(soft);
  options.ports = static_cast<std::int32_t>(ports);
  options.footprints = static_cast<std::int32_t>(footprints);
  if (Status status = options.validate(); !status.ok()) {
    err << "macroplace generate: " << status.message() << "\n";
    return kExitUsage;
  }
  // Real designs to compare with, read first: a bad path fails before any work.
  std::vector<pretrain::DesignStatistics> table;
  if (const auto compare = args.value("--compare")) {
    for (const std::string& path : split_list(*compare)) {
      placement::LoadedDesign design;
      if (Status status = placement::load_design({path, "", true}, &design); !status.ok()) {
        err << "macroplace: " << status.to_string() << "\n";
        return kExitFailure;
      }
      table.push_back(pretrain::design_statistics(design.netlist, design.settings.canvas_width,
                                                  design.settings.canvas_height));
      table.back().name = design.name;
    }
  }

  const auto first = static_cast<std::uint64_t>(seed);
  std::vector<std::string> names;
  for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(count); ++i) {
    names.push_back("synthetic-" + std::to_string(first + i));
  }
  AtomicFolder folder(*out_dir, names);
  if (const Status status = folder.check(); !status.ok()) {
    err << "macroplace generate: " << status.to_string() << "\n";
    return kExitUsage;
  }
  // Every design folder appears together with the others (an interrupted run leaves the old set).
  std::vector<pretrain::DesignStatistics> synthetic;
  for (std::uint64_t i = 0; i < names.size(); ++i) {
    options.seed = first + i;
    pretrain::SyntheticDesign design;
    Status status = pretrain::generate_design(options, &design);
    const std::string dir = folder.staging() + "/" + names[i];
    std::error_code error;
    if (status.ok() && !std::filesystem::create_directory(dir, error)) {
      status = Status::error("cannot create " + dir + ": " + error.message());
    }
    if (status.ok()) status = netlist::write_ct_netlist(design.netlist, dir + "/netlist.pb.txt");
    if (status.ok()) {
      status = netlist::write_plc(design.netlist, design.settings,
                                  "macroplace generate --seed " + std::to_string(options.seed),
                                  dir + "/initial.plc");
    }
    if (!status.ok()) {
      err << "macroplace generate: seed " << options.seed << ": " << status.message() << "\n";
      return kExitFailure;
    }
    synthetic.push_back(pretrain::design_statistics(design.netlist, *design.settings.width,
                                                    *design.settings.height));
    synthetic.back().name = names[i];
  }
  if (Status status = folder.commit(); !status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return kExitFailure;
  }
  if (synthetic.size() > 1) {
    table.push_back(pretrain::mean_statistics(synthetic, "synthetic mean"));
  } else {
    table.push_back(synthetic[0]);
  }
  if (args.has("--json")) {
    table.insert(table.end() - 1, synthetic.begin(),
                 synthetic.end() - (synthetic.size() > 1 ? 0 : 1));
    write_statistics_json(table, out);
    return kExitSuccess;
  }
  out << "wrote " << names.size() << " design" << (names.size() == 1 ? "" : "s") << " to "
      << *out_dir << " (" << names.front() << (names.size() > 1 ? " to " + names.back() : "")
      << ": netlist.pb.txt, initial.plc)\n\n"
      << pretrain::statistics_table(table);
  return kExitSuccess;
}

}  // namespace

const Command& generate_command() {
  static const Command kCommand{
      {"generate",
       "macroplace generate -o OUTDIR [--count N] [--seed S] [options]",
       "Write N seeded synthetic designs (OUTDIR/synthetic-SEED/netlist.pb.txt and initial.plc)\n"
       "for training corpora: hard macros in a few SRAM-like footprint families, clusters as soft\n"
       "macros, ports along the edges, nets with a fitted degree law and Rent-like locality, a\n"
       "grid by Circuit Training's grid-size selection. Each value not given is drawn per design.\n"
       "Prints how the designs' statistics compare with the real designs given by --compare.",
       {},
       {{"-o", "OUTDIR", "output folder (created if missing; required)", 1},
        {"--count", "N", "designs, seeds S to S + N - 1 (default 1)", 1},
        {"--seed", "S", "first seed (default 1)", 1},
        {"--hard-macros", "N", "hard macros (default: drawn in 16-192)", 1},
        {"--soft-macros", "N", "soft macros (default: drawn in 200-900)", 1},
        {"--ports", "N", "ports (default: drawn in 64-512)", 1},
        {"--footprints", "F", "hard-macro size families (default: drawn in 1-4)", 1},
        {"--hard-area", "S", "hard-macro area / canvas (default: drawn in 0.25-0.5)", 1},
        {"--soft-area", "S", "soft-macro area / canvas (default: drawn in 0.2-0.6)", 1},
        {"--degree", "D", "mean net degree (default: drawn in 3.0-4.2)", 1},
        {"--nets-per-node", "K", "nets / (macros + ports) (default: drawn in 4.5-11)", 1},
        {"--canvas-width", "W", "canvas width in um (default: drawn in 300-2000)", 1},
        {"--compare", "LIST", "comma-separated real designs to compare the statistics with", 1},
        {"--json", "", "print the statistics as one JSON object", 0}}},
      run_generate,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
