// Internal: the subcommands and the helpers they share.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "arguments.h"
#include "macroplace/eval/evaluation.h"
#include "macroplace/kernels/cost_kernels.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/netlist/plc.h"
#include "macroplace/placement/cost_settings.h"

namespace macroplace::cli {

struct Command {
  CommandSpec spec;
  int (*run)(const ParsedArguments& args, std::ostream& out, std::ostream& err);
};

const Command& info_command();
const Command& convert_command();
const Command& cost_command();
const Command& cluster_command();
const Command& place_command();
const Command& eval_command();
const Command& report_command();
#if MACROPLACE_HAVE_RL
const Command& train_command();
// `place --method rl` (train_command.cpp; only when rl/ is built).
int run_place_with_policy(const ParsedArguments& args, std::ostream& out, std::ostream& err);
// The `rl:CKPT` method of `macroplace eval` (train_command.cpp).
netlist::Status make_rl_eval_method(const std::string& checkpoint, std::int64_t samples,
                                    eval::ExternalMethod* method);
#endif

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

// A design ready for cost evaluation: read (with --plc applied), settings from the header plus
// the command line, and the backend. On failure `exit_status` says how the command should end.
struct CostInputs {
  netlist::Netlist design;
  netlist::PlacementFile placement;
  placement::CostSettings settings;
  kernels::Backend backend = kernels::Backend::kCpu;
};
bool load_cost_inputs(const std::string& command, const ParsedArguments& args, CostInputs* inputs,
                      int* exit_status, std::ostream& err);

// Reads a design and, when given, applies a placement file. Prints the error and returns false
// when anything is wrong.
bool load_design(const std::string& design_path, const std::optional<std::string>& plc_path,
                 netlist::Netlist* netlist, netlist::PlacementFile* placement, std::ostream& err);

}  // namespace macroplace::cli
