#include "macroplace/cli/commands.h"

#include <ostream>
#include <utility>

#include "command_registry.h"
#include "macroplace/netlist/design.h"

namespace macroplace::cli {

namespace {

std::vector<Command>& all_commands() {
  static std::vector<Command> commands = {
      info_command(),    convert_command(), cost_command(),  cluster_command(), generate_command(),
      augment_command(), dataset_command(), place_command(), eval_command(),    report_command(),
  };
  return commands;
}

Handover& handover() {
  static Handover function;
  return function;
}

void print_overview(std::ostream& out) {
  out << "macroplace: macro placement with reinforcement learning\n\n"
         "Usage: macroplace COMMAND [arguments] [--help]\n\nCommands:\n";
  for (const Command& command : all_commands()) {
    std::string name = "  " + command.spec.name;
    name.resize(12, ' ');
    out << name << command.spec.summary.substr(0, command.spec.summary.find('\n')) << "\n";
  }
  out << "\nRun 'macroplace COMMAND --help' for a command's options.\n"
         "Exit status: 0 success, 1 invalid input or failed operation, 2 usage error.\n";
}

}  // namespace

void add_command(const Command& command) {
  for (Command& existing : all_commands()) {
    if (existing.spec.name == command.spec.name) {
      existing = command;
      return;
    }
  }
  all_commands().push_back(command);
}

void declare_command(const std::string& name, const std::string& summary,
                     const std::string& provider) {
  Command command;
  command.spec.name = name;
  command.spec.summary = summary;
  command.provider = provider;
  add_command(command);
}

void set_handover(Handover function) {
  handover() = std::move(function);
}

int hand_over(const std::string& command, const std::string& provider, std::ostream& err) {
  if (!handover()) {
    err << "macroplace " << command << ": this needs " << provider
        << ", which this program cannot start\n";
    return kExitFailure;
  }
  return handover()(provider);
}

bool load_design(const std::string& design_path, const std::optional<std::string>& plc_path,
                 netlist::Netlist* netlist, netlist::PlacementFile* placement, std::ostream& err) {
  Status status = netlist::read_design(design_path, netlist);
  if (status.ok() && plc_path) {
    status = netlist::read_plc(*plc_path, placement);
    if (status.ok()) status = netlist::apply_placement(*placement, netlist);
  }
  if (!status.ok()) {
    err << "macroplace: " << status.to_string() << "\n";
    return false;
  }
  return true;
}

int run_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    print_overview(err);
    return kExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_overview(out);
    return kExitSuccess;
  }
  if (args[0] == "--version") {
    out << "macroplace 0.1.0\n";
    return kExitSuccess;
  }
  for (const Command& entry : all_commands()) {
    const Command* command = &entry;
    if (command->spec.name != args[0]) continue;
    if (command->run == nullptr) return hand_over(command->spec.name, command->provider, err);
    ParsedArguments parsed;
    bool help = false;
    const std::string error = parse_arguments(
        command->spec, std::vector<std::string>(args.begin() + 1, args.end()), &parsed, &help);
    if (help) {
      out << help_text(command->spec);
      return kExitSuccess;
    }
    if (!error.empty()) {
      err << "macroplace " << command->spec.name << ": " << error << "\n"
          << "Run 'macroplace " << command->spec.name << " --help' for usage.\n";
      return kExitUsage;
    }
    return command->run(parsed, out, err);
  }
  err << "macroplace: unknown command '" << args[0] << "'\n\n";
  print_overview(err);
  return kExitUsage;
}

}  // namespace macroplace::cli
