#include "macroplace/eval/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "macroplace/eval/scaling.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/placement/std_cell_flow.h"

namespace macroplace::eval {

namespace {

namespace fs = std::filesystem;
using netlist::NodeId;
using netlist::NodeKind;

RunCosts costs_of(const placement::ProxyCost& cost) {
  const placement::CostBreakdown c = cost.costs();
  RunCosts out;
  out.proxy = c.proxy;
  out.wirelength = c.wirelength;
  out.wirelength_cost = c.wirelength_cost;
  out.density_cost = c.density_cost;
  out.congestion_cost = c.congestion_cost;
  const placement::CostWeights ct = placement::CostWeights::circuit_training();
  out.proxy_ct = ct.wirelength * c.wirelength_cost + ct.density * c.density_cost +
                 ct.congestion * c.congestion_cost;
  return out;
}

PlacedRect rect_of(const placement::ProxyCost& cost, NodeId node) {
  const netlist::Netlist& design = cost.netlist();
  const bool swap = netlist::swaps_width_and_height(cost.orientation(node));
  return PlacedRect{cost.x(node), cost.y(node), swap ? design.height(node) : design.width(node),
                    swap ? design.width(node) : design.height(node)};
}

}  // namespace

PlacementPicture picture_of(const placement::ProxyCost& cost, const std::string& design,
                            const std::string& method, std::uint64_t seed) {
  PlacementPicture picture;
  picture.design = design;
  picture.method = method;
  picture.seed = seed;
  picture.proxy = cost.costs().proxy;
  picture.canvas_width = cost.settings().canvas_width;
  picture.canvas_height = cost.settings().canvas_height;
  picture.columns = cost.settings().columns;
  picture.rows = cost.settings().rows;
  const std::vector<double> density = cost.density_map();
  const kernels::GridGeometry& grid = cost.grid();
  const netlist::Netlist& netlist = cost.netlist();
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (!cost.placed(node)) continue;
    switch (netlist.kind(node)) {
      case NodeKind::kHardMacro: picture.hard_macros.push_back(rect_of(cost, node)); break;
      case NodeKind::kSoftMacro: {
        picture.soft_macros.push_back(rect_of(cost, node));
        const std::int32_t cell = kernels::row_of(grid, cost.y(node)) * grid.cols +
                                  kernels::column_of(grid, cost.x(node));
        picture.soft_macro_shade.push_back(std::clamp(density[cell], 0.0, 1.0));
        break;
      }
      case NodeKind::kPort:
        picture.ports.push_back(PlacedRect{cost.x(node), cost.y(node), 0, 0});
        break;
      default: break;
    }
  }
  std::vector<double> horizontal, vertical;
  cost.congestion_maps(&horizontal, &vertical);
  if (horizontal.size() == density.size()) {
    picture.congestion.resize(horizontal.size());
    for (std::size_t i = 0; i < horizontal.size(); ++i) {
      picture.congestion[i] = std::max(horizontal[i], vertical[i]);
    }
  }
  return picture;
}

namespace {

// A budget in a method's name: "600" (seconds, shortest form).
std::string budget_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&now));
  return text;
}

// The status with "design, method: " before its message; its file:line:column kept.
Status prefixed(const Status& status, const placement::LoadedDesign& design,
                const std::string& method) {
  return Status::error_at(status.where(), design.name + ", " + method + ": " + status.message());
}

std::string placement_file_of(const placement::LoadedDesign& design, const std::string& method,
                              std::int64_t seed) {
  return "placements/" + design.name + "-" + method + "-s" + std::to_string(seed) + ".plc";
}

Status apply_plc_file(const std::string& path, netlist::Netlist* netlist) {
  netlist::PlacementFile plc;
  Status status = netlist::read_plc(path, &plc);
  if (status.ok()) status = netlist::apply_placement(plc, netlist);
  return status;
}

// The end of every run: on designs with standard cells, all of them placed and row-legalized
// around the method's macros (`place_cells`; otherwise the placement's own HPWL), then the
// record, the written placement (that final placement), the best picture so far and the
// progress line.
Status finish_run(const placement::LoadedDesign& design, const EvalOptions& options,
                  const std::string& name, std::int64_t seed, bool place_cells, double seconds,
                  placement::ProxyCost* cost, std::unique_ptr<PlacementPicture>* best_picture,
                  EvalReport* report) {
  std::optional<double> full_hpwl;
  if (design.netlist.counts().std_cells > 0) {
    if (place_cells) {
      placement::AnalyticalOptions cells;
      cells.seed = static_cast<std::uint64_t>(seed);
      const placement::StdCellFlowResult flow = placement::place_std_cells(cost, cells);
      if (!flow.status.ok()) {
        return Status::error(design.name + ", " + name + ": " + flow.status.message());
      }
      full_hpwl = flow.legal_hpwl;
    } else {
      full_hpwl = cost->costs().wirelength;
    }
  }
  RunRecord record = record_of(*cost, design.name, name, static_cast<std::uint64_t>(seed));
  record.full_hpwl = full_hpwl;
  record.runtime_s = seconds;
  record.placement_file = placement_file_of(design, name, seed);
  const std::string file = (fs::path(options.out_dir) / record.placement_file).string();
  if (Status status = placement::write_placement(*cost, design.header, design.path, file);
      !status.ok()) {
    return status;
  }
  if (!*best_picture || record.costs.proxy < (*best_picture)->proxy) {
    *best_picture = std::make_unique<PlacementPicture>(
        picture_of(*cost, design.name, name, static_cast<std::uint64_t>(seed)));
    (*best_picture)->proxy = record.costs.proxy;
  }
  if (options.progress) {
    char line[256];
    std::snprintf(line, sizeof line, "%-20s %-10s seed %-3lld proxy %.6f  %s  %s",
                  design.name.c_str(), name.c_str(), static_cast<long long>(seed),
                  record.costs.proxy, record.legal ? "legal" : "NOT legal",
                  format_seconds(record.runtime_s).c_str());
    options.progress(line);
  }
  report->runs.push_back(std::move(record));
  return {};
}

}  // namespace

EvalMethod eval_method(const std::string& name) {
  EvalMethod method;
  method.name = name;
  method.flow.method = name;
  return method;
}

Status EvalOptions::validate() const {
  if (methods.empty()) return Status::error("no methods to evaluate");
  for (std::size_t i = 0; i < methods.size(); ++i) {
    const EvalMethod& method = methods[i];
    const bool duplicate =
        std::any_of(methods.begin(), methods.begin() + static_cast<std::ptrdiff_t>(i),
                    [&method](const EvalMethod& other) { return other.name == method.name; });
    if (duplicate) return Status::error("method '" + method.name + "' is listed twice");
    if (method.name.empty() || method.name.find_first_of("/\\ :") != std::string::npos) {
      return Status::error("method name '" + method.name + "' cannot be part of a file name");
    }
    if (method.flow.method == "reference") continue;
    placement::PreparedFlow flow;
    if (Status status = placement::prepare_flow(method.flow, &flow); !status.ok()) return status;
  }
  if (seeds < 1) return Status::error("seeds must be at least 1");
  if (scaling_samples < 0) return Status::error("scaling samples must be non-negative");
  if (out_dir.empty()) return Status::error("an output folder is required");
  if (time_limits_seconds.empty()) return Status::error("no time limit given");
  for (const double seconds : time_limits_seconds) {
    placement::PlacerBudget budget;
    budget.time_limit_seconds = seconds;
    budget.max_moves = max_moves;
    if (Status status = budget.validate(); !status.ok()) return status;
    if (seconds == 0 && max_moves == 0) {
      return Status::error("the methods need a time limit or a move budget");
    }
  }
  return {};
}

Status load_eval_design(const std::string& path, placement::LoadedDesign* design) {
  placement::DesignSource source;
  source.netlist = path;
  source.plc_beside = true;
  return placement::load_design(source, design);
}

Status run_evaluation(std::vector<placement::LoadedDesign>& designs, const EvalOptions& options,
                      EvalReport* report) {
  if (Status status = options.validate(); !status.ok()) return status;
  std::error_code error;
  fs::create_directories(fs::path(options.out_dir) / "placements", error);
  if (error) {
    return Status::error("cannot create " + options.out_dir + "/placements: " + error.message());
  }
  report->created = today();
  report->time_limits_s =
      options.max_moves > 0 ? std::vector<double>{0.0} : options.time_limits_seconds;
  report->seeds = options.seeds;
  report->training = options.training;
  const std::vector<PublishedResult> published = published_results();
  for (placement::LoadedDesign& design : designs) {
    for (const PublishedResult& result : published) {
      if (result.design == design.name) report->published.push_back(result);
    }
    for (const EvalMethod& method : options.methods) {
      const bool reference = method.flow.method == "reference";
      if (reference && design.reference_plc.empty()) continue;
      // Every budget for a method that has one; the reference is evaluated once, as it is.
      const std::vector<double>& budgets = report->time_limits_s;
      for (std::size_t b = 0; b < (reference ? 1 : budgets.size()); ++b) {
        const double budget = reference ? 0.0 : budgets[b];
        const std::string name = reference || budgets.size() == 1
                                     ? method.name
                                     : method.name + "@" + budget_text(budget) + "s";
        placement::PreparedFlow flow;
        if (!reference) {
          placement::FlowOptions flow_options = method.flow;
          flow_options.budget.time_limit_seconds = budget;
          flow_options.budget.max_moves = options.max_moves;
          if (Status status = placement::prepare_flow(flow_options, &flow); !status.ok()) {
            return prefixed(status, design, name);
          }
        }
        const std::int64_t seeds = reference ? 1 : options.seeds;
        std::unique_ptr<PlacementPicture> best_picture;
        for (std::int64_t s = 1; s <= seeds; ++s) {
          netlist::Netlist start = design.netlist;
          double seconds = 0;
          std::unique_ptr<placement::ProxyCost> cost;
          if (reference) {
            if (Status status = apply_plc_file(design.reference_plc, &start); !status.ok()) {
              return status;
            }
            cost = std::make_unique<placement::ProxyCost>(start, design.settings);
          } else {
            cost = std::make_unique<placement::ProxyCost>(start, design.settings);
            const placement::FlowResult result =
                flow.run(cost.get(), static_cast<std::uint64_t>(s));
            if (!result.status.ok()) return prefixed(result.status, design, name);
            seconds = result.seconds;
          }
          if (Status status = finish_run(design, options, name, s, !reference, seconds, cost.get(),
                                         &best_picture, report);
              !status.ok()) {
            return status;
          }
          report->runs.back().time_limit_s = budget;
        }
        if (best_picture) report->pictures.push_back(std::move(*best_picture));
      }
    }
    // Best-of-k curves: the randomised baseline (whole method per sample), and every method
    // with a sampler of its own (a policy's episodes; failed samples are left out).
    if (options.scaling_samples > 0) {
      std::vector<EvalMethod> sampled = {eval_method("random")};
      for (const EvalMethod& method : options.methods) {
        if (method.flow.method == "reference" || method.name == "random") continue;
        placement::PreparedFlow flow;
        if (placement::prepare_flow(method.flow, &flow).ok() && flow.has_own_sampler()) {
          sampled.push_back(method);
        }
      }
      for (const EvalMethod& method : sampled) {
        placement::PreparedFlow flow;
        placement::FlowOptions flow_options = method.flow;
        flow_options.budget.time_limit_seconds = report->time_limits_s.front();
        if (Status status = placement::prepare_flow(flow_options, &flow); !status.ok()) {
          return prefixed(status, design, method.name);
        }
        placement::ProxyCost start(design.netlist, design.settings);
        std::vector<double> proxies;
        const auto sampling_start = std::chrono::steady_clock::now();
        if (Status status = flow.sample(start, options.scaling_samples, &proxies); !status.ok()) {
          return prefixed(status, design, method.name);
        }
        ScalingCurve curve =
            scaling_curve(design.name, method.name, proxies, options.scaling_samples);
        if (!proxies.empty()) {
          curve.seconds_per_sample =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - sampling_start)
                  .count() /
              static_cast<double>(proxies.size());
        }
        if (options.progress) {
          options.progress(design.name + ": best-of-k curve from " + std::to_string(curve.samples) +
                           " of " + std::to_string(proxies.size()) + " " + method.name +
                           " samples");
        }
        report->scaling.push_back(std::move(curve));
      }
    }
  }
  return {};
}

RunRecord record_of(const placement::ProxyCost& cost, const std::string& design,
                    const std::string& method, std::uint64_t seed) {
  RunRecord record;
  record.design = design;
  record.method = method;
  record.seed = seed;
  record.costs = costs_of(cost);
  const placement::LegalityReport legality = placement::check_legality(cost);
  record.overlapping_macro_pairs =
      static_cast<std::int64_t>(legality.overlapping_macro_pairs.size());
  record.legal = legality.legal();
  return record;
}

std::vector<PublishedResult> published_results() {
  // ../shared/data/README.md: the TILOS assessment (IEEE TCAD) on a sibling Ariane NG45 clustering.
  const std::string source =
      "TILOS-AI-Institute, 'Assessment of Reinforcement Learning for Macro Placement', IEEE TCAD";
  const std::string note = "sibling clustering (810 clusters, 23 x 28 grid), proxy 1/0.5/0.5";
  const std::vector<std::pair<const char*, double>> rows = {
      {"Circuit Training (from scratch)", 0.848},
      {"Circuit Training (fine-tuned)", 0.820},
      {"simulated annealing (11.5 h, 80 CPUs)", 0.801},
      {"RePlAce", 1.465},
      {"commercial macro placer", 1.270},
      {"human", 1.164}};
  std::vector<PublishedResult> results;
  results.reserve(rows.size());
  for (const auto& [method, proxy] : rows) {
    results.push_back(PublishedResult{"ariane133-ng45", method, proxy, source, note});
  }
  return results;
}

}  // namespace macroplace::eval
