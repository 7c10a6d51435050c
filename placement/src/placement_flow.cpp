#include "macroplace/placement/placement_flow.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>

#include "macroplace/placement/macro_legalizer.h"

namespace macroplace::placement {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string proxy_text(double proxy) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", proxy);
  return text;
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

// Each candidate is a whole evaluator in memory (a few MB for a clustered design).
constexpr std::int32_t kMaxCandidates = 256;

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
  if (options.candidates < 1 || options.candidates > kMaxCandidates) {
    return Status::error("candidates must be between 1 and " + std::to_string(kMaxCandidates));
  }
  if (options.refine_candidates < 1 || options.refine_candidates > options.candidates) {
    return Status::error("refined candidates must be between 1 and the candidates (" +
                         std::to_string(options.candidates) + ")");
  }
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
  if (legalizer.packed_onto_grid) {
    legalized.summary += " (packed onto a grid: nearest free spots did not fit them all)";
  }
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
  context.candidates = options_.candidates;  // 1..kMaxCandidates (prepare_flow checked)
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
  // One stage on one placement with an equal share of the time left (`shares` of them left).
  const auto run_stage = [&](Stage stage, ProxyCost* placement, double shares,
                             bool soft_macros_placed, StageReport* report) {
    Placer* placer = stage == Stage::kHardMacros   ? hard_.get()
                     : stage == Stage::kSoftMacros ? soft_.get()
                                                   : refine_.get();
    report->stage = stage;
    report->placer = stage == Stage::kHardMacros   ? recipe_.hard_macros
                     : stage == Stage::kSoftMacros ? recipe_.soft_macros
                                                   : recipe_.refine;
    // At least a little time, so that a time budget is never read as "no limit".
    PlacerContext stage_context = context;
    if (context.budget.time_limit_seconds > 0) {
      stage_context.budget.time_limit_seconds =
          std::max(1e-3, (context.budget.time_limit_seconds - since(start)) / shares);
    }
    const auto stage_start = Clock::now();
    std::unique_ptr<ProxyCost> before;
    if (stage == Stage::kSoftMacros && soft_macros_placed) before = placement->clone();
    Status status = placer->place(placement, stage_context, report);
    if (status.ok() && before && !(placement->costs().proxy < before->costs().proxy)) {
      // The hard-macro placer's soft macros were better: keep them.
      placement->copy_placement(*before);
      report->kept = false;
      report->summary += " (not kept: the proxy did not fall)";
    }
    report->seconds = since(stage_start);
    report->after = placement->costs();
    return status;
  };

  const auto finish = [&]() {
    result.final = cost->costs();
    result.legality = check_legality(*cost);
    result.seconds = since(start);
    return result;
  };
  if (!result.status.ok()) return finish();
  StageReport hard;
  result.status = run_stage(Stage::kHardMacros, cost, 1, false, &hard);
  const bool soft_macros_placed = hard.placed_soft_macros;
  // The candidates to finish: the evaluator's placement, then the hard stage's alternatives.
  std::vector<ProxyCost*> candidates = {cost};
  std::vector<std::unique_ptr<ProxyCost>> owned;
  for (const std::shared_ptr<const ProxyCost>& alternative : hard.alternatives) {
    if (static_cast<std::int32_t>(candidates.size()) >= options_.candidates) break;
    owned.push_back(alternative->clone());
    candidates.push_back(owned.back().get());
  }
  hard.alternatives.clear();
  result.stages.push_back(std::move(hard));
  if (!result.status.ok()) return finish();

  // Soft macros on every candidate, one share of the time kept for refinement.
  const std::size_t count = candidates.size();
  std::vector<StageReport> soft(count);
  for (std::size_t i = 0; i < count && result.status.ok(); ++i) {
    result.status = run_stage(Stage::kSoftMacros, candidates[i],
                              count == 1 ? 1.0 : static_cast<double>(count - i + 1),
                              soft_macros_placed, &soft[i]);
  }
  // The best `refine_candidates` by exact proxy are refined, each with an equal share.
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return candidates[a]->costs().proxy < candidates[b]->costs().proxy;
  });
  // refine_candidates >= 1 (prepare_flow checked); fewer candidates may have come back.
  const std::size_t refined = std::min(count, static_cast<std::size_t>(options_.refine_candidates));
  std::vector<StageReport> refine(count);
  std::size_t winner = order[0];
  for (std::size_t j = 0; j < refined && result.status.ok(); ++j) {
    const std::size_t i = order[j];
    result.status = run_stage(Stage::kRefine, candidates[i], static_cast<double>(refined - j),
                              false, &refine[i]);
    if (candidates[i]->costs().proxy < candidates[winner]->costs().proxy) winner = i;
  }
  if (count == 1) {
    result.stages.push_back(std::move(soft[0]));
    if (!refine[0].placer.empty()) result.stages.push_back(std::move(refine[0]));
  } else {
    // One report per stage: the winner's, with every candidate's time and proxy.
    const auto combined = [&](std::vector<StageReport>& reports,
                              const std::vector<std::size_t>& which, const char* what) {
      StageReport report = reports[winner];
      report.seconds = 0;
      std::string proxies;
      for (const std::size_t i : which) {
        report.seconds += reports[i].seconds;
        proxies += (proxies.empty() ? "" : ", ") + proxy_text(reports[i].after.proxy);
      }
      report.figures.emplace_back(what, static_cast<double>(which.size()));
      report.summary += "; " + std::to_string(which.size()) + " " + what + ": " + proxies +
                        " (kept: candidate " + std::to_string(winner + 1) + " of the hard stage)";
      return report;
    };
    std::vector<std::size_t> all(count), best(order.begin(), order.begin() + refined);
    for (std::size_t i = 0; i < count; ++i) all[i] = i;
    if (!soft[winner].placer.empty()) result.stages.push_back(combined(soft, all, "candidates"));
    if (!refine[winner].placer.empty()) result.stages.push_back(combined(refine, best, "refined"));
    if (winner != 0) cost->copy_placement(*candidates[winner]);
  }
  return finish();
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
