#include <cmath>
#include <set>
#include <string>

#include "builtin_placers.h"
#include "macroplace/base/numbers.h"
#include "macroplace/placement/placer.h"

namespace macroplace::placement {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kHardMacros: return "hard macros";
    case Stage::kSoftMacros: return "soft macros";
    case Stage::kRefine: return "refine";
  }
  return "unknown";
}

Status PlacerBudget::validate() const {
  if (!(time_limit_seconds >= 0) || !std::isfinite(time_limit_seconds)) {
    return Status::error("the time limit must be a non-negative number of seconds");
  }
  if (max_moves < 0) return Status::error("the move budget must be non-negative");
  if (threads < 0) return Status::error("threads must be non-negative");
  return {};
}

Status Placer::sample(const ProxyCost& /*start*/, std::int64_t /*samples*/,
                      const PlacerContext& /*context*/, std::vector<double>* /*proxies*/) {
  return Status::error("this placer does not sample placements");
}

PlacerRegistry& PlacerRegistry::global() {
  static PlacerRegistry* registry = [] {
    auto* r = new PlacerRegistry;  // never destroyed: placers may register from static objects
    internal::add_builtin_placers(r);
    return r;
  }();
  return *registry;
}

void PlacerRegistry::add(PlacerInfo placer) {
  for (PlacerInfo& existing : placers_) {
    if (existing.stage == placer.stage && existing.name == placer.name) {
      existing = std::move(placer);
      return;
    }
  }
  placers_.push_back(std::move(placer));
}

void PlacerRegistry::add(MethodInfo method) {
  for (MethodInfo& existing : methods_) {
    if (existing.name == method.name) {
      existing = std::move(method);
      return;
    }
  }
  methods_.push_back(std::move(method));
}

const PlacerInfo* PlacerRegistry::placer(Stage stage, std::string_view name) const {
  for (const PlacerInfo& placer : placers_) {
    if (placer.stage == stage && placer.name == name) return &placer;
  }
  return nullptr;
}

const MethodInfo* PlacerRegistry::method(std::string_view name) const {
  for (const MethodInfo& method : methods_) {
    if (method.name == name) return &method;
  }
  return nullptr;
}

std::vector<PlacerOption> PlacerRegistry::options() const {
  std::vector<PlacerOption> out;
  std::set<std::string, std::less<>> seen;
  for (const PlacerInfo& placer : placers_) {
    for (const PlacerOption& option : placer.options) {
      if (seen.insert(option.name).second) out.push_back(option);
    }
  }
  return out;
}

std::string PlacerRegistry::method_names() const {
  std::string out;
  for (const MethodInfo& method : methods_) out += (out.empty() ? "" : ", ") + method.name;
  return out;
}

std::string PlacerRegistry::help() const {
  std::string out = "Methods (hard macros -> soft macros -> refine):\n";
  for (const MethodInfo& method : methods_) {
    std::string line = "  " + method.name;
    line.resize(14, ' ');
    out += line + method.summary + " [" + method.hard_macros + " -> " + method.soft_macros +
           " -> " + method.refine + "]\n";
  }
  for (const Stage stage : {Stage::kSoftMacros, Stage::kRefine}) {
    out += stage == Stage::kSoftMacros ? "Soft-macro placers (--soft-macros):\n"
                                       : "Refiners (--refine):\n";
    for (const PlacerInfo& placer : placers_) {
      if (placer.stage != stage) continue;
      std::string line = "  " + placer.name;
      line.resize(14, ' ');
      out += line + placer.summary + "\n";
    }
  }
  return out;
}

Status number_parameter(const PlacerParameters& parameters, std::string_view name, double low,
                        double high, double* out) {
  const auto it = parameters.find(name);
  if (it == parameters.end()) return {};
  double value = 0;
  if (!parse_number(it->second, &value) || value < low || value > high) {
    return Status::error(std::string(name) + " expects a number in [" + std::to_string(low) + ", " +
                         std::to_string(high) + "], got '" + it->second + "'");
  }
  *out = value;
  return {};
}

Status whole_parameter(const PlacerParameters& parameters, std::string_view name, std::int64_t low,
                       std::int64_t* out) {
  const auto it = parameters.find(name);
  if (it == parameters.end()) return {};
  double value = 0;
  if (!parse_number(it->second, &value) || value != std::floor(value) ||
      value < static_cast<double>(low) || value > 1e15) {
    return Status::error(std::string(name) + " expects a whole number >= " + std::to_string(low) +
                         ", got '" + it->second + "'");
  }
  *out = static_cast<std::int64_t>(value);
  return {};
}

}  // namespace macroplace::placement
