#include "arguments.h"

#include <sstream>

namespace macroplace::cli {

std::optional<std::string> ParsedArguments::value(const std::string& option) const {
  auto it = values_.find(option);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.front();
}

std::string parse_arguments(const CommandSpec& spec, const std::vector<std::string>& args,
                            ParsedArguments* parsed, bool* help) {
  *help = false;
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      *help = true;
      return "";
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool short_option = arg.size() == 2 && arg[0] == '-' && arg[1] != '-';
    if ((arg.size() > 2 && arg.compare(0, 2, "--") == 0) || short_option) {
      std::string name = arg;
      std::vector<std::string> inline_value;
      const std::size_t equals = arg.find('=');
      if (equals != std::string::npos) {
        name = arg.substr(0, equals);
        inline_value.push_back(arg.substr(equals + 1));
      }
      const OptionSpec* option = nullptr;
      for (const OptionSpec& candidate : spec.options) {
        if (candidate.name == name) option = &candidate;
      }
      if (option == nullptr) return "unknown option " + name + " for '" + spec.name + "'";
      std::vector<std::string> values = inline_value;
      if (option->values == 0 && !values.empty()) return name + " takes no value";
      while (static_cast<int>(values.size()) < option->values) {
        if (i + 1 >= args.size()) {
          return name + " expects " + std::to_string(option->values) +
                 " value(s): " + option->value_name;
        }
        values.push_back(args[++i]);
      }
      std::vector<std::string>& stored = parsed->values_[name];
      if (!option->repeatable) stored.clear();  // the last one counts
      stored.insert(stored.end(), values.begin(), values.end());
    } else {
      parsed->positionals_.push_back(arg);
    }
  }
  if (parsed->positionals_.size() < spec.positionals.size()) {
    return "missing " + spec.positionals[parsed->positionals_.size()] + " (usage: " + spec.usage +
           ")";
  }
  if (parsed->positionals_.size() > spec.positionals.size()) {
    return "unexpected argument '" + parsed->positionals_[spec.positionals.size()] + "'";
  }
  return "";
}

std::string help_text(const CommandSpec& spec) {
  std::ostringstream out;
  out << "Usage: " << spec.usage << "\n\n" << spec.summary << "\n";
  if (!spec.options.empty()) {
    out << "\nOptions:\n";
    for (const OptionSpec& option : spec.options) {
      std::string left = "  " + option.name;
      if (!option.value_name.empty()) left += " " + option.value_name;
      if (left.size() < 26)
        left.resize(26, ' ');
      else
        left += "  ";
      out << left << option.help << "\n";
    }
  }
  out << "  --help                  show this help\n"
      << "\nExit status: 0 success, 1 invalid input or failed operation, 2 usage error.\n";
  return out.str();
}

std::vector<std::string> arguments_of(const CommandSpec& spec, const ParsedArguments& parsed) {
  std::vector<std::string> out;
  for (const OptionSpec& option : spec.options) {
    if (!parsed.has(option.name)) continue;
    const std::vector<std::string>& values = parsed.values(option.name);
    if (option.values == 0) {
      out.push_back(option.name);
      continue;
    }
    for (std::size_t at = 0; at < values.size(); at += static_cast<std::size_t>(option.values)) {
      out.push_back(option.name);
      out.insert(out.end(), values.begin() + static_cast<std::ptrdiff_t>(at),
                 values.begin() + static_cast<std::ptrdiff_t>(at) + option.values);
    }
  }
  out.insert(out.end(), parsed.positionals().begin(), parsed.positionals().end());
  return out;
}

}  // namespace macroplace::cli
