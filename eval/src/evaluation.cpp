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
#include "macroplace/netlist/design.h"
#include "macroplace/placement/grid_selection.h"
#include "macroplace/placement/legality.h"
#include "macroplace/placement/placement_file.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/placement/std_cell_flow.h"

namespace macroplace::eval {

namespace {

namespace fs = std::filesystem;
using netlist::NodeId;
using netlist::NodeKind;
using netlist::Status;

std::string design_name(const fs::path& path) {
  std::string stem = path.filename().string();
  for (const char* suffix : {".gz", ".pb.txt", ".aux", ".plc"}) {
    const std::string s(suffix);
    if (stem.size() > s.size() && stem.compare(stem.size() - s.size(), s.size(), s) == 0) {
      stem.resize(stem.size() - s.size());
    }
  }
  // CT designs are `<design>/netlist.pb.txt[.gz]`: the folder names the design.
  if (stem == "netlist" && path.has_parent_path()) {
    std::string folder = path.parent_path().filename().string();
    if (!folder.empty()) return folder;
  }
  return stem;
}

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
Status prefixed(const Status& status, const EvalDesign& design, const std::string& method) {
  return Status::error_at(status.where(), design.name + ", " + method + ": " + status.message());
}

std::string placement_file_of(const EvalDesign& design, const std::string& method,
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
Status finish_run(const EvalDesign& design, const EvalOptions& options, const std::string& name,
                  std::int64_t seed, bool place_cells, double seconds, placement::ProxyCost* cost,
                  std::unique_ptr<PlacementPicture>* best_picture, EvalReport* report) {
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

Status EvalOptions::validate() const {
  if (methods.empty() && external_methods.empty()) return Status::error("no methods to evaluate");
  for (std::size_t i = 0; i < external_methods.size(); ++i) {
    const ExternalMethod& external = external_methods[i];
    if (external.name.empty() || !external.place) {
      return Status::error("an external method needs a name and a place() callback");
    }
    const bool duplicate =
        parse_method(external.name).has_value() ||
        std::any_of(
            external_methods.begin(), external_methods.begin() + static_cast<std::ptrdiff_t>(i),
            [&external](const ExternalMethod& other) { return other.name == external.name; });
    if (duplicate) {
      return Status::error("method name '" + external.name + "' is taken by another method");
    }
    if (external.name.find_first_of("/\\ ") != std::string::npos) {
      return Status::error("method name '" + external.name + "' cannot be part of a file name");
    }
  }
  if (seeds < 1) return Status::error("seeds must be at least 1");
  if (scaling_samples < 0) return Status::error("scaling samples must be non-negative");
  if (out_dir.empty()) return Status::error("an output folder is required");
  BaselineOptions baseline;
  baseline.time_limit_seconds = time_limit_seconds;
  baseline.max_moves = max_moves;
  return baseline.validate();
}

Status load_eval_design(const std::string& path, EvalDesign* design) {
  design->path = path;
  design->name = design_name(fs::path(path));
  if (Status status = netlist::read_design(path, &design->netlist); !status.ok()) return status;
  const fs::path folder = fs::path(path).parent_path();
  const fs::path initial = folder / "initial.plc";
  std::error_code error;
  if (fs::exists(initial, error)) {
    netlist::PlacementFile plc;
    Status status = netlist::read_plc(initial.string(), &plc);
    if (status.ok()) status = netlist::apply_placement(plc, &design->netlist);
    if (!status.ok()) return status;
    design->header = plc.settings;
    design->settings_plc = initial.string();
  } else {
    // No placement header: the netlist's canvas (CT `FP bbox`, Bookshelf rows), else Circuit
    // Training's default square, and a grid chosen by grid-size selection.
    const placement::CostSettings defaults = placement::settings_for(design->netlist, nullptr);
    double width = defaults.canvas_width, height = defaults.canvas_height;
    if (design->netlist.canvas) {
      width = design->netlist.canvas->x1;
      height = design->netlist.canvas->y1;
    }
    design->header.width = width;
    design->header.height = height;
    const placement::GridChoice grid = placement::select_grid(design->netlist, width, height);
    design->header.columns = grid.found ? grid.cols : defaults.columns;
    design->header.rows = grid.found ? grid.rows : defaults.rows;
  }
  design->settings = placement::settings_for(design->netlist, &design->header);
  design->settings.weights = placement::CostWeights::published();
  for (const char* name : {"legalized.plc", "initial.plc"}) {
    if (fs::exists(folder / name, error)) {
      design->reference_plc = (folder / name).string();
      break;
    }
  }
  return design->settings.validate();
}

Status run_evaluation(std::vector<EvalDesign>& designs, const EvalOptions& options,
                      EvalReport* report) {
  if (Status status = options.validate(); !status.ok()) return status;
  std::error_code error;
  fs::create_directories(fs::path(options.out_dir) / "placements", error);
  if (error) {
    return Status::error("cannot create " + options.out_dir + "/placements: " + error.message());
  }
  report->created = today();
  report->time_limit_s = options.time_limit_seconds;
  report->seeds = options.seeds;
  for (const ExternalMethod& external : options.external_methods) {
    if (external.training) report->training.push_back(*external.training);
  }
  const std::vector<PublishedResult> published = published_results();
  for (EvalDesign& design : designs) {
    for (const PublishedResult& result : published) {
      if (result.design == design.name) report->published.push_back(result);
    }
    for (const Method method : options.methods) {
      if (method == Method::kReference && design.reference_plc.empty()) continue;
      const std::string name(method_name(method));
      const std::int64_t seeds = method == Method::kReference ? 1 : options.seeds;
      std::unique_ptr<PlacementPicture> best_picture;
      for (std::int64_t s = 1; s <= seeds; ++s) {
        netlist::Netlist start = design.netlist;
        if (method == Method::kReference) {
          if (Status status = apply_plc_file(design.reference_plc, &start); !status.ok()) {
            return status;
          }
        }
        placement::ProxyCost cost(start, design.settings);
        BaselineOptions baseline;
        baseline.seed = static_cast<std::uint64_t>(s);
        baseline.time_limit_seconds = options.time_limit_seconds;
        baseline.max_moves = options.max_moves;
        const BaselineRun run = run_baseline(method, &cost, baseline);
        if (!run.status.ok()) {
          return Status::error(design.name + ", " + name + ": " + run.status.message());
        }
        if (Status status = finish_run(design, options, name, s, method != Method::kReference,
                                       run.seconds, &cost, &best_picture, report);
            !status.ok()) {
          return status;
        }
      }
      if (best_picture) report->pictures.push_back(std::move(*best_picture));
    }
    // External methods: the callback writes the run's file, which is then read back and
    // finished like a built-in method's placement (and rewritten by finish_run).
    for (const ExternalMethod& external : options.external_methods) {
      std::unique_ptr<PlacementPicture> best_picture;
      for (std::int64_t s = 1; s <= options.seeds; ++s) {
        const std::string file =
            (fs::path(options.out_dir) / placement_file_of(design, external.name, s)).string();
        double seconds = 0;
        Status status = external.place(design, static_cast<std::uint64_t>(s), file, &seconds);
        netlist::Netlist placed = design.netlist;
        if (status.ok()) status = apply_plc_file(file, &placed);
        if (!status.ok()) {
          return prefixed(status, design, external.name);
        }
        placement::ProxyCost cost(placed, design.settings);
        if (status = finish_run(design, options, external.name, s, true, seconds, &cost,
                                &best_picture, report);
            !status.ok()) {
          return status;
        }
      }
      if (best_picture) report->pictures.push_back(std::move(*best_picture));
    }
    // Best-of-k of the randomised baseline: independent random placements, seeds apart from
    // the table's.
    if (options.scaling_samples > 0) {
      std::vector<double> samples;
      samples.reserve(static_cast<std::size_t>(options.scaling_samples));
      for (std::int64_t i = 0; i < options.scaling_samples; ++i) {
        placement::ProxyCost cost(design.netlist, design.settings);
        BaselineOptions baseline;
        baseline.seed = 1000000 + static_cast<std::uint64_t>(i);
        const BaselineRun run = run_baseline(Method::kRandom, &cost, baseline);
        if (!run.status.ok()) return run.status;
        samples.push_back(run.costs.proxy);
      }
      report->scaling.push_back(
          scaling_curve(design.name, "random", samples, options.scaling_samples));
      if (options.progress) {
        options.progress(design.name + ": best-of-k curve from " +
                         std::to_string(options.scaling_samples) + " random placements");
      }
      // And of each external method that can sample (failed samples are left out).
      for (const ExternalMethod& external : options.external_methods) {
        if (!external.sample) continue;
        std::vector<double> proxies;
        if (Status status = external.sample(design, options.scaling_samples, &proxies);
            !status.ok()) {
          return prefixed(status, design, external.name);
        }
        ScalingCurve curve =
            scaling_curve(design.name, external.name, proxies, options.scaling_samples);
        if (options.progress) {
          options.progress(design.name + ": best-of-k curve from " + std::to_string(curve.samples) +
                           " of " + std::to_string(proxies.size()) + " " + external.name +
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
