#include "macroplace/placement/placement_flow.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "macroplace/placement/macro_legalizer.h"

namespace macroplace::placement {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The recipe with the overrides applied.
Status resolve(const FlowOptions& options, MethodInfo* recipe) {
  const PlacerRegistry& registry = PlacerRegistry::global();
  const MethodInfo* method = registry.method(options.method);
  if (method == nullptr) {
    return Status::error("unknown method '" + options.method +
                         "' (methods: " + registry.method_names() + ")");
  }
  *recipe = *method;
  if (!options.hard_macros.empty()) recipe->hard_macros = options.hard_macros;
  if (!options.soft_macros.empty()) recipe->soft_macros = options.soft_macros;
  if (!options.refine.empty()) recipe->refine = options.refine;
  return {};
}

const PlacerInfo* stage_placer(const MethodInfo& recipe, Stage stage) {
  const std::string& name = stage == Stage::kHardMacros   ? recipe.hard_macros
                            : stage == Stage::kSoftMacros ? recipe.soft_macros
                                                          : recipe.refine;
  return PlacerRegistry::global().placer(stage, name);
}

constexpr Stage kStages[] = {Stage::kHardMacros, Stage::kSoftMacros, Stage::kRefine};

}  // namespace

std::optional<std::string> provider(const FlowOptions& options) {
  MethodInfo recipe;
  if (!resolve(options, &recipe).ok()) return std::nullopt;
  for (const Stage stage : kStages) {
    const PlacerInfo* info = stage_placer(recipe, stage);
    if (info != nullptr && !info->create && !info->provider.empty()) return info->provider;
  }
  return std::nullopt;
}

Status prepare_flow(const FlowOptions& options, PreparedFlow* flow) {
  if (Status s = options.budget.validate(); !s.ok()) return s;
  MethodInfo recipe;
  if (Status s = resolve(options, &recipe); !s.ok()) return s;
  PreparedFlow prepared;
  for (const Stage stage : kStages) {
    const PlacerInfo* info = stage_placer(recipe, stage);
    const std::string& name = stage == Stage::kHardMacros   ? recipe.hard_macros
                              : stage == Stage::kSoftMacros ? recipe.soft_macros
                                                            : recipe.refine;
    if (info == nullptr) {
      std::string known;
      for (const PlacerInfo& placer : PlacerRegistry::global().placers()) {
        if (placer.stage == stage) known += (known.empty() ? "" : ", ") + placer.name;
      }
      return Status::error("no " + std::string(stage_name(stage)) + " placer named '" + name +
                           "' (" + known + ")");
    }
    if (!info->create) {
      return Status::error(
          "method '" + recipe.name + "': the " + info->name + " placer is in " +
          (info->provider.empty() ? std::string("another build") : info->provider) +
          ", not in this program");
    }
    std::unique_ptr<Placer> placer;
    if (Status s = info->create(options.parameters, &placer); !s.ok()) {
      return Status::error("method '" + recipe.name + "': " + s.message());
    }
    std::shared_ptr<Placer> shared(std::move(placer));
    if (stage == Stage::kHardMacros) prepared.hard_ = shared;
    if (stage == Stage::kSoftMacros) {
      prepared.soft_ = shared;
      prepared.soft_macro_period_ = info->soft_macro_period;
    }
    if (stage == Stage::kRefine) prepared.refine_ = shared;
  }
  prepared.recipe_ = recipe;
  prepared.options_ = options;
  *flow = std::move(prepared);
  return {};
}

FlowResult PreparedFlow::run(ProxyCost* cost) const {
  const auto start = Clock::now();
  FlowResult result;
  result.initial = cost->costs();

  StageReport legalized;
  legalized.placer = "legalize";
  const LegalizerResult legalizer = legalize_macros(cost, {});
  legalized.seconds = legalizer.seconds;
  legalized.after = result.after_legalizer = cost->costs();
  legalized.figures = {{"moved", legalizer.moved},
                       {"displacement_um", legalizer.total_displacement}};
  legalized.summary = "legalizer: " + std::to_string(legalizer.moved) + " hard macros moved";
  result.stages.push_back(legalized);
  if (!legalizer.unplaced.empty()) {
    result.status = Status::error(std::to_string(legalizer.unplaced.size()) +
                                  " hard macros found no legal spot (first: '" +
                                  std::string(cost->netlist().name(legalizer.unplaced[0])) +
                                  "'); the canvas may be too small");
  }

  PlacerContext context;
  context.budget = options_.budget;
  context.progress = options_.progress;
  if (recipe_.soft_macros != "keep") {
    const std::shared_ptr<Placer> soft = soft_;
    context.place_soft_macros = [soft, &context](ProxyCost* c) {
      StageReport ignored;
      PlacerContext quiet = context;
      quiet.progress = nullptr;
      quiet.place_soft_macros = nullptr;
      return soft->place(c, quiet, &ignored);
    };
    context.soft_macro_period = soft_macro_period_;
  }
  bool soft_macros_placed = false;
  for (const Stage stage : kStages) {
    if (!result.status.ok()) break;
    Placer* placer = stage == Stage::kHardMacros   ? hard_.get()
                     : stage == Stage::kSoftMacros ? soft_.get()
                                                   : refine_.get();
    StageReport report;
    report.stage = stage;
    report.placer = stage == Stage::kHardMacros   ? recipe_.hard_macros
                    : stage == Stage::kSoftMacros ? recipe_.soft_macros
                                                  : recipe_.refine;
    // Each stage gets the time the stages before it left (at least a little, so that a time
    // budget is never read as "no limit").
    PlacerContext stage_context = context;
    if (context.budget.time_limit_seconds > 0) {
      stage_context.budget.time_limit_seconds =
          std::max(1e-3, context.budget.time_limit_seconds - since(start));
    }
    const auto stage_start = Clock::now();
    std::unique_ptr<ProxyCost> before;
    if (stage == Stage::kSoftMacros && soft_macros_placed) before = cost->clone();
    result.status = placer->place(cost, stage_context, &report);
    if (result.status.ok() && before && !(cost->costs().proxy < before->costs().proxy)) {
      // The hard-macro placer's soft macros were better: keep them.
      std::vector<netlist::NodeId> nodes;
      std::vector<double> x, y;
      for (netlist::NodeId node = 0; node < before->netlist().num_nodes(); ++node) {
        if (netlist::is_pin(before->netlist().kind(node))) continue;
        nodes.push_back(node);
        x.push_back(before->x(node));
        y.push_back(before->y(node));
      }
      cost->set_positions(nodes, x, y);
      report.kept = false;
      report.summary += " (not kept: the proxy did not fall)";
    }
    if (stage == Stage::kHardMacros) soft_macros_placed = report.placed_soft_macros;
    report.seconds = since(stage_start);
    report.after = cost->costs();
    result.stages.push_back(std::move(report));
  }
  result.final = cost->costs();
  result.legality = check_legality(*cost);
  result.seconds = since(start);
  return result;
}

FlowResult PreparedFlow::run(ProxyCost* cost, std::uint64_t seed) const {
  PreparedFlow seeded = *this;
  seeded.options_.budget.seed = seed;
  return seeded.run(cost);
}

Status PreparedFlow::sample(const ProxyCost& start, std::int64_t samples,
                            std::vector<double>* proxies) const {
  proxies->clear();
  if (hard_->has_sampler()) {
    PlacerContext context;
    context.budget = options_.budget;
    return hard_->sample(start, samples, context, proxies);
  }
  for (std::int64_t i = 0; i < samples; ++i) {
    std::unique_ptr<ProxyCost> cost = start.clone();
    PreparedFlow one = *this;
    one.options_.budget.seed = 1000000 + static_cast<std::uint64_t>(i);  // apart from run seeds
    one.options_.progress = nullptr;
    const FlowResult result = one.run(cost.get());
    proxies->push_back(result.status.ok() ? result.final.proxy
                                          : std::numeric_limits<double>::quiet_NaN());
  }
  return {};
}

}  // namespace macroplace::placement
