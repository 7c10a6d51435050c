// Internal: the subcommands and the helpers they share.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "arguments.h"
#include "macroplace/base/text.h"
#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/placement_flow.h"

namespace macroplace::cli {

struct Command {
  CommandSpec spec;
  // Null for a command this process only declares: running it hands over to `provider`.
  int (*run)(const ParsedArguments& args, std::ostream& out, std::ostream& err) = nullptr;
  std::string provider;
};

// Adds a command (or replaces the declaration of one with the same name).
void add_command(const Command& command);

const Command& info_command();
const Command& convert_command();
const Command& cost_command();
const Command& cluster_command();
const Command& generate_command();
const Command& augment_command();
const Command& dataset_command();
const Command& place_command();
const Command& eval_command();
const Command& report_command();

// Runs the command's handover to `provider` (set_handover()); an error when there is none.
int hand_over(const std::string& command, const std::string& provider, std::ostream& err);

// The cost-setting options (--canvas, --grid, --routes, --macro-alloc, --smoothing, --weights,
// --preset, --congestion-grid, --backend) appended to a command's own.
std::vector<OptionSpec> with_cost_options(std::vector<OptionSpec> options);
// Applies those options to settings taken from a placement header; false (after printing why)
// on a bad value.
bool apply_cost_overrides(const ParsedArguments& args, placement::CostSettings* settings,
                          std::ostream& err);
// Reads an optional whole-number option (at least `low`); false after printing why when its value
// is not one. `command` names the command in the message.
bool whole_number_option(const char* command, const ParsedArguments& args, const std::string& name,
                         std::int64_t low, std::int64_t* out, std::ostream& err);
bool cost_backend_of(const ParsedArguments& args, kernels::Backend* backend, std::ostream& err);

// A design ready for cost evaluation: loaded by placement::load_design() (--plc applied),
// settings from its header plus the command line, and the backend. On failure `exit_status`
// says how the command should end.
struct CostInputs {
  placement::LoadedDesign design;
  kernels::Backend backend = kernels::Backend::kCpu;
};
bool load_cost_inputs(const std::string& command, const ParsedArguments& args, CostInputs* inputs,
                      int* exit_status, std::ostream& err);

// The placer options of every registered placer (placement/placer.h), appended to a command's
// own, and the parameters the command line gave for them.
std::vector<OptionSpec> with_placer_options(std::vector<OptionSpec> options);
placement::PlacerParameters placer_parameters(const ParsedArguments& args);
// The numeric values of an option (as many as it takes), each checked against [low, high] and,
// with `whole`, to be a whole number; absent: `out` unchanged; false after printing why.
bool number_options(const char* command, const ParsedArguments& args, const std::string& name,
                    double low, double high, bool whole, double* out, std::ostream& err);
// Reads the stage options with_placer_options() adds (--soft-macros, --refine, --candidates,
// --refine-candidates) into `flow`; false (after printing why) on a bad value.
bool stage_options(const std::string& command, const ParsedArguments& args,
                   placement::FlowOptions* flow, std::ostream& err);
// Splits "rl:CKPT" into method "rl" and its argument option (--policy CKPT); false (after
// printing why) when the method takes no argument.
bool method_with_argument(const std::string& command, const std::string& text,
                          placement::FlowOptions* flow, std::ostream& err);

// Every output file must be a new name in an existing folder or a regular file (AtomicFile's
// rule), checked before any work: false after printing why (a usage error).
bool check_outputs(const std::string& command, const std::vector<std::string>& paths,
                   std::ostream& err);

// Reads a design and, when given, applies a placement file. Prints the error and returns false
// when anything is wrong.
bool load_design(const std::string& design_path, const std::optional<std::string>& plc_path,
                 netlist::Netlist* netlist, netlist::PlacementFile* placement, std::ostream& err);

}  // namespace macroplace::cli
