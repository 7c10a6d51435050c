// `macroplace augment`: a variant of a design for pre-training corpora (mirrored, or a subset of
// its hard macros), written as a Circuit Training netlist with its placement header.
#include <ostream>
#include <string>

#include "command_registry.h"
#include "macroplace/base/atomic_folder.h"
#include "macroplace/cli/commands.h"
#include "macroplace/netlist/ct_netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/pretrain/augment.h"
#include "macroplace/pretrain/corpus.h"

namespace macroplace::cli {

namespace {

int run_augment(const ParsedArguments& args, std::ostream& out, std::ostream& err) {
  const auto out_dir = args.value("-o");
  if (!out_dir) {
    err << "macroplace augment: -o OUTDIR is required\n";
    return kExitUsage;
  }
  pretrain::AugmentOptions options;
  const std::string mirror = args.value("--mirror").value_or("");
  if (mirror != "" && mirror != "x" && mirror != "y" && mirror != "xy") {
    err << "macroplace augment: --mirror expects x, y or xy\n";
    return kExitUsage;
  }
  options.mirror_x = mirror.find('x') != std::string::npos;
  options.mirror_y = mirror.find('y') != std::string::npos;
  double seed = 1;
  if (!number_options("augment", args, "--hard-macro-share", 1e-9, 1, false,
                      &options.hard_macro_share, err) ||
      !number_options("augment", args, "--aspect", 0.01, 100, false, &options.aspect, err) ||
      !number_options("augment", args, "--seed", 0, 1e15, true, &seed, err)) {
    return kExitUsage;
  }
  options.seed = static_cast<std::uint64_t>(seed);
  if (!options.mirror_x && !options.mirror_y && options.hard_macro_share == 1 &&
      options.aspect == 1) {
    err << "macroplace augment: nothing to do: give --mirror, --aspect and/or "
           "--hard-macro-share\n";
    return kExitUsage;
  }
  AtomicFolder folder(*out_dir, {"netlist.pb.txt", "initial.plc"});
  if (const Status status = folder.check(); !status.ok()) {
    err << "macroplace augment: " << status.to_string() << "\n";
    return kExitUsage;
  }
  // As a corpus loads it: its initial.plc beside, flat designs clustered.
  const std::string input = args.positionals()[0];
  pretrain::CorpusDesign design;
  Status status = pretrain::load_corpus_design({"design", input}, &design);
  netlist::Netlist augmented;
  netlist::PlacementSettings header;
  if (status.ok()) {
    status = pretrain::augment_design(design.design.netlist, design.design.header, options,
                                      &augmented, &header);
  }
  if (status.ok()) {
    status = netlist::write_ct_netlist(augmented, folder.staging() + "/netlist.pb.txt");
  }
  if (status.ok()) {
    status = netlist::write_plc(
        augmented, header,
        "macroplace augment " + input + (mirror.empty() ? "" : " --mirror " + mirror) +
            " --aspect " + std::to_string(options.aspect) + " --hard-macro-share " +
            std::to_string(options.hard_macro_share) + " --seed " + std::to_string(options.seed),
        folder.staging() + "/initial.plc");
  }
  if (status.ok()) status = folder.commit();
  if (!status.ok()) {
    err << "macroplace augment: " << status.to_string() << "\n";
    return kExitFailure;
  }
  const netlist::NetlistCounts counts = augmented.counts();
  out << "wrote " << *out_dir << "/{netlist.pb.txt,initial.plc}: " << counts.hard_macros
      << " hard macros, " << counts.soft_macros << " soft macros, " << counts.ports << " ports, "
      << counts.nets << " nets" << (design.clustered ? " (clustered first)" : "") << "\n";
  return kExitSuccess;
}

}  // namespace

const Command& augment_command() {
  static const Command kCommand{
      {"augment",
       "macroplace augment DESIGN -o OUTDIR [--mirror x|y|xy] [--aspect A]\n"
       "                  [--hard-macro-share F] [--seed S]",
       "Write a variant of DESIGN for pre-training corpora (OUTDIR/netlist.pb.txt and\n"
       "initial.plc): mirrored about the canvas's centre lines (nodes, pins turned with their\n"
       "macros, port sides, blockages), stretched to A times the canvas's aspect ratio at the\n"
       "same area (positions, blockages and the grid scale; macros keep their size), and/or\n"
       "with a seeded share of its hard macros (the others go with their pins, and nets left\n"
       "with one terminal). DESIGN loads as in a corpus: its initial.plc beside it, a flat\n"
       "design clustered first.",
       {"DESIGN"},
       {{"-o", "OUTDIR", "output folder (created if missing; required)", 1},
        {"--mirror", "x|y|xy", "mirror x (left-right), y (bottom-top) or both", 1},
        {"--aspect", "A",
         "width/height times A at the same area, [0.01, 100] (default 1: unchanged)", 1},
        {"--hard-macro-share", "F", "keep this share of the hard macros, (0, 1] (default 1)", 1},
        {"--seed", "S", "draws the hard-macro subset (default 1)", 1}}},
      run_augment,
      {}};
  return kCommand;
}

}  // namespace macroplace::cli
