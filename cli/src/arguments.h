// A small declarative option parser shared by the subcommands: each command lists its options
// once, and the same table drives parsing, validation and the --help text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace macroplace::cli {

struct OptionSpec {
  std::string name;        // "--plc"
  std::string value_name;  // "FILE"; empty for a flag
  std::string help;
  int values = 1;  // how many values follow (0 for a flag)
  // Given several times, every value is kept in order (values()); otherwise the last one counts.
  bool repeatable = false;
};

struct CommandSpec {
  std::string name;                      // "info"
  std::string usage;                     // "macroplace info FILE [options]"
  std::string summary;                   // one paragraph
  std::vector<std::string> positionals;  // names, all required
  std::vector<OptionSpec> options;
};

class ParsedArguments {
 public:
  bool has(const std::string& option) const { return values_.count(option) > 0; }
  const std::vector<std::string>& values(const std::string& option) const {
    return values_.at(option);
  }
  std::optional<std::string> value(const std::string& option) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  friend std::string parse_arguments(const CommandSpec&, const std::vector<std::string>&,
                                     ParsedArguments*, bool*);
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positionals_;
};

// Parses args (after the subcommand name). Returns an error message, or "" on success.
// Sets *help when --help/-h was given (then nothing else is checked).
std::string parse_arguments(const CommandSpec& spec, const std::vector<std::string>& args,
                            ParsedArguments* parsed, bool* help);

std::string help_text(const CommandSpec& spec);

// The arguments that parse to `parsed` under `spec` (options in the spec's order, then the
// positionals): what runs the same command again in another process.
std::vector<std::string> arguments_of(const CommandSpec& spec, const ParsedArguments& parsed);

}  // namespace macroplace::cli
