#include "macroplace/placement/simulated_annealing.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "macro_space.h"

namespace macroplace::placement {

namespace {

using Clock = std::chrono::steady_clock;
using internal::allowed_mirrors;
using internal::Box;
using internal::keep_soft_macro_inside;
using internal::MacroSpace;
using internal::movable_soft_macros;
using internal::pull_soft_macros_inside;

// A proposed change: new centre and orientation for a few macros.
struct Proposal {
  std::vector<NodeId> nodes;
  std::vector<double> x, y;
  std::vector<Orientation> orientation;
  void clear() {
    nodes.clear();
    x.clear();
    y.clear();
    orientation.clear();
  }
  void add(NodeId node, double nx, double ny, Orientation o) {
    nodes.push_back(node);
    x.push_back(nx);
    y.push_back(ny);
    orientation.push_back(o);
  }
};

struct Snapshot {
  std::vector<NodeId> nodes;  // every movable macro, hard and soft
  std::vector<double> x, y;
  std::vector<Orientation> orientation;
  CostBreakdown costs;
};

void take_snapshot(const ProxyCost& cost, const CostBreakdown& costs, Snapshot* snapshot) {
  snapshot->x.resize(snapshot->nodes.size());
  snapshot->y.resize(snapshot->nodes.size());
  snapshot->orientation.resize(snapshot->nodes.size());
  for (std::size_t i = 0; i < snapshot->nodes.size(); ++i) {
    snapshot->x[i] = cost.x(snapshot->nodes[i]);
    snapshot->y[i] = cost.y(snapshot->nodes[i]);
    snapshot->orientation[i] = cost.orientation(snapshot->nodes[i]);
  }
  snapshot->costs = costs;
}

void restore_snapshot(const Snapshot& snapshot, ProxyCost* cost) {
  for (std::size_t i = 0; i < snapshot.nodes.size(); ++i) {
    if (cost->orientation(snapshot.nodes[i]) != snapshot.orientation[i]) {
      cost->set_orientation(snapshot.nodes[i], snapshot.orientation[i]);
    }
  }
  cost->set_positions(snapshot.nodes, snapshot.x, snapshot.y);
}

struct Shared {
  const AnnealingOptions& options;
  Clock::time_point start;
  std::atomic<std::int64_t> moves{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  double best_proxy = INFINITY;
  const std::function<void(const AnnealingProgress&)>& progress;
  int threads = 1;           // chains run in waves of this many
  double chain_seconds = 0;  // each chain's share of the time limit; 0: none
};

struct ChainResult {
  Snapshot best;
  std::int64_t moves = 0, accepted = 0;
};

class Chain {
 public:
  // `start`: when this chain's share of the time limit began.
  Chain(std::unique_ptr<ProxyCost> cost, std::uint64_t seed, int index, Clock::time_point start,
        Shared* shared)
      : cost_(std::move(cost)),
        space_(*cost_, shared->options.spacing),
        random_(seed),
        index_(index),
        start_(start),
        shared_(*shared) {
    for (const NodeId node : space_.hard_macros()) {
      if (cost_->placed(node) && !cost_->fixed(node)) movable_.push_back(node);
    }
    if (shared->options.soft_shift_weight > 0) soft_movable_ = movable_soft_macros(*cost_);
    const netlist::Netlist& netlist = cost_->netlist();
    for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
      if (netlist::is_macro(netlist.kind(node)) && !cost_->fixed(node)) {
        result_.best.nodes.push_back(node);
      }
    }
    const CostSettings& s = cost_->settings();
    span_ = std::max(s.canvas_width, s.canvas_height);
    min_shift_ = std::min(s.canvas_width / s.columns, s.canvas_height / s.rows) / 4;
  }

  ChainResult run() {
    const AnnealingOptions& options = shared_.options;
    CostBreakdown current = cost_->costs();
    take_snapshot(*cost_, current, &result_.best);
    if (movable_.empty()) return std::move(result_);
    initial_temperature_ = pick_initial_temperature(current.proxy);
    temperature_ = initial_temperature_ * std::pow(options.cooling_span, options.schedule_start);
    const double weights[] = {options.shift_weight,   options.swap_weight,
                              options.mirror_weight,  options.jump_weight,
                              options.shuffle_weight, options.soft_shift_weight};
    std::discrete_distribution<int> move_kind(std::begin(weights), std::end(weights));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::int64_t since_soft = 0;
    while (!shared_.stop.load(std::memory_order_relaxed)) {
      if (options.max_moves > 0 && result_.moves >= options.max_moves) break;
      if ((result_.moves & 255) == 0 && !update_schedule()) break;
      ++result_.moves;
      if (!propose(move_kind(random_))) continue;
      apply(proposal_);
      const CostBreakdown next = cost_->costs();
      const double delta = next.proxy - current.proxy;
      if (delta <= 0 || unit(random_) < std::exp(-delta / temperature_)) {
        current = next;
        ++result_.accepted;
        if (current.proxy < result_.best.costs.proxy) take_snapshot(*cost_, current, &result_.best);
        if (options.replace_soft_macros && options.soft_macro_period > 0 &&
            ++since_soft >= options.soft_macro_period) {
          since_soft = 0;
          options.replace_soft_macros(cost_.get());
          // Whatever the callback did, soft macros this chain shifts stay on the canvas.
          pull_soft_macros_inside(soft_movable_, cost_.get());
          current = cost_->costs();
          if (current.proxy < result_.best.costs.proxy) {
            take_snapshot(*cost_, current, &result_.best);
          }
        }
      } else {
        apply(undo_);
      }
    }
    shared_.moves.fetch_add(result_.moves % 256, std::memory_order_relaxed);
    return std::move(result_);
  }

 private:
  // Temperature from the uphill moves of a short random walk that is undone afterwards:
  // T0 = -mean uphill delta / ln(initial acceptance).
  double pick_initial_temperature(double proxy) {
    double uphill = 0;
    int count = 0;
    for (int i = 0; i < 200; ++i) {
      if (!propose(i % 4 == 0 ? 3 : 0)) continue;
      apply(proposal_);
      const double delta = cost_->costs().proxy - proxy;
      apply(undo_);
      if (delta > 0) {
        uphill += delta;
        ++count;
      }
    }
    const double mean = count > 0 ? uphill / count : 1e-3;
    return std::max(1e-12, -mean / std::log(shared_.options.initial_acceptance));
  }

  // Advances the geometric cooling over this chain's own budget; false when it is spent.
  bool update_schedule() {
    const AnnealingOptions& options = shared_.options;
    double progress = 0;
    if (options.max_moves > 0) {
      progress = static_cast<double>(result_.moves) / static_cast<double>(options.max_moves);
    }
    const Clock::time_point now = Clock::now();
    if (shared_.chain_seconds > 0) {
      const double own_seconds = std::chrono::duration<double>(now - start_).count();
      progress = std::max(progress, own_seconds / shared_.chain_seconds);
    }
    if (progress >= 1.0) return false;
    const double schedule = options.schedule_start + (1 - options.schedule_start) * progress;
    temperature_ = initial_temperature_ * std::pow(options.cooling_span, schedule);
    if (result_.moves > 0) shared_.moves.fetch_add(256, std::memory_order_relaxed);
    // The first chain of each wave reports, so progress keeps coming through later waves.
    const bool reporter = index_ % shared_.threads == 0;
    const double seconds = std::chrono::duration<double>(now - shared_.start).count();
    if (reporter && shared_.progress && seconds - last_report_ >= 0.5) {
      last_report_ = seconds;
      AnnealingProgress report;
      report.seconds = seconds;
      report.moves = shared_.moves.load(std::memory_order_relaxed);
      {
        std::lock_guard<std::mutex> lock(shared_.mutex);
        shared_.best_proxy = std::min(shared_.best_proxy, result_.best.costs.proxy);
        report.best_proxy = shared_.best_proxy;
      }
      report.temperature = temperature_;
      shared_.progress(report);
    } else if (!reporter && (result_.moves & 4095) == 0) {
      std::lock_guard<std::mutex> lock(shared_.mutex);
      shared_.best_proxy = std::min(shared_.best_proxy, result_.best.costs.proxy);
    }
    return true;
  }

  // Fills proposal_ (and undo_) with a legal move of the given kind; false if none was found.
  bool propose(int kind) {
    proposal_.clear();
    undo_.clear();
    std::uniform_int_distribution<std::size_t> pick(0, movable_.size() - 1);
    const NodeId a = movable_[pick(random_)];
    const CostSettings& s = cost_->settings();
    switch (kind) {
      case 0: {  // shift, by a range that shrinks with the temperature
        const double range =
            std::max(min_shift_, span_ * 0.25 * std::sqrt(temperature_ / initial_temperature_));
        std::uniform_real_distribution<double> offset(-range, range);
        proposal_.add(a, cost_->x(a) + offset(random_), cost_->y(a) + offset(random_),
                      cost_->orientation(a));
        break;
      }
      case 1: {  // swap
        const NodeId b = movable_[pick(random_)];
        if (b == a) return false;
        proposal_.add(a, cost_->x(b), cost_->y(b), cost_->orientation(a));
        proposal_.add(b, cost_->x(a), cost_->y(a), cost_->orientation(b));
        break;
      }
      case 2: {  // mirror, into an orientation the macro's cell allows
        Orientation mirrors[3];
        const int count = allowed_mirrors(cost_->orientation(a),
                                          cost_->netlist().allowed_orientations(a), mirrors);
        if (count == 0) return false;
        proposal_.add(a, cost_->x(a), cost_->y(a),
                      mirrors[random_() % static_cast<std::uint64_t>(count)]);
        break;
      }
      case 3: {  // jump anywhere
        std::uniform_real_distribution<double> along_x(0, s.canvas_width);
        std::uniform_real_distribution<double> along_y(0, s.canvas_height);
        proposal_.add(a, along_x(random_), along_y(random_), cost_->orientation(a));
        break;
      }
      case 5: {  // shift a soft macro, once the hard macros have cooled down
        if (soft_movable_.empty() ||
            temperature_ > initial_temperature_ * shared_.options.soft_shift_temperature) {
          return false;
        }
        std::uniform_int_distribution<std::size_t> pick_soft(0, soft_movable_.size() - 1);
        const NodeId soft = soft_movable_[pick_soft(random_)];
        const double range =
            std::max(min_shift_, span_ * 0.25 * std::sqrt(temperature_ / initial_temperature_));
        std::uniform_real_distribution<double> offset(-range, range);
        double x = cost_->x(soft) + offset(random_);
        double y = cost_->y(soft) + offset(random_);
        keep_soft_macro_inside(*cost_, soft, &x, &y);
        proposal_.add(soft, x, y, cost_->orientation(soft));
        break;
      }
      default: {  // shuffle three: a -> b -> c -> a
        const NodeId b = movable_[pick(random_)];
        const NodeId c = movable_[pick(random_)];
        if (a == b || b == c || a == c) return false;
        proposal_.add(a, cost_->x(b), cost_->y(b), cost_->orientation(a));
        proposal_.add(b, cost_->x(c), cost_->y(c), cost_->orientation(b));
        proposal_.add(c, cost_->x(a), cost_->y(a), cost_->orientation(c));
        break;
      }
    }
    if (kind == 5) {
      // Soft macros (clusters) have no legality constraint beyond keeping their footprint on
      // the canvas, which the shift itself clamps to.
      for (const NodeId node : proposal_.nodes) {
        undo_.add(node, cost_->x(node), cost_->y(node), cost_->orientation(node));
      }
      return true;
    }
    boxes_.clear();
    for (std::size_t i = 0; i < proposal_.nodes.size(); ++i) {
      boxes_.push_back(space_.footprint(proposal_.nodes[i], proposal_.x[i], proposal_.y[i],
                                        proposal_.orientation[i]));
    }
    if (!space_.legal(proposal_.nodes, boxes_)) return false;
    for (const NodeId node : proposal_.nodes) {
      undo_.add(node, cost_->x(node), cost_->y(node), cost_->orientation(node));
    }
    return true;
  }

  void apply(const Proposal& change) {
    for (std::size_t i = 0; i < change.nodes.size(); ++i) {
      const NodeId node = change.nodes[i];
      if (cost_->orientation(node) != change.orientation[i]) {
        cost_->set_orientation(node, change.orientation[i]);
      }
      if (cost_->x(node) != change.x[i] || cost_->y(node) != change.y[i]) {
        cost_->move(node, change.x[i], change.y[i]);
      }
    }
  }

  std::unique_ptr<ProxyCost> cost_;
  MacroSpace space_;
  std::mt19937_64 random_;
  int index_;
  Clock::time_point start_;
  Shared& shared_;
  std::vector<NodeId> movable_, soft_movable_;
  double span_ = 0, min_shift_ = 0;
  double initial_temperature_ = 1, temperature_ = 1;
  double last_report_ = -1;
  Proposal proposal_, undo_;
  std::vector<Box> boxes_;
  ChainResult result_;
};

}  // namespace

Status AnnealingOptions::validate() const {
  if (!(time_limit_seconds >= 0) || !(std::isfinite(time_limit_seconds))) {
    return Status::error("time limit must be a non-negative number of seconds");
  }
  if (time_limit_seconds == 0 && max_moves <= 0) {
    return Status::error("give a time limit or a number of moves");
  }
  if (chains < 1 || chains > 256) return Status::error("chains must be in 1..256");
  if (threads < 0) return Status::error("threads must be 0 (automatic) or positive");
  if (!(spacing >= 0)) return Status::error("spacing must be non-negative");
  if (!(soft_shift_temperature >= 0 && soft_shift_temperature <= 1)) {
    return Status::error("soft-shift temperature must be a fraction in [0, 1]");
  }
  if (!(cooling_span > 0 && cooling_span <= 1))
    return Status::error("cooling span must be in (0, 1]");
  if (!(schedule_start >= 0 && schedule_start < 1)) {
    return Status::error("schedule start must be a fraction in [0, 1)");
  }
  if (!(initial_acceptance > 0 && initial_acceptance < 1)) {
    return Status::error("initial acceptance must be in (0, 1)");
  }
  const double weights[] = {shift_weight, swap_weight,    mirror_weight,
                            jump_weight,  shuffle_weight, soft_shift_weight};
  double total = 0;
  for (const double w : weights) {
    if (!(w >= 0)) return Status::error("move weights must be non-negative");
    total += w;
  }
  if (!(total > 0)) return Status::error("at least one move weight must be positive");
  return Status();
}

AnnealingResult anneal_macros(ProxyCost* cost, const AnnealingOptions& options,
                              const std::function<void(const AnnealingProgress&)>& progress) {
  const int threads =
      options.threads > 0
          ? options.threads
          : std::max(1, std::min<int>(options.chains,
                                      static_cast<int>(std::thread::hardware_concurrency())));
  const int waves = (options.chains + threads - 1) / threads;
  // Each chain's share of the time limit, counted from its own start.
  const double chain_seconds = options.time_limit_seconds / waves;
  Shared shared{options, Clock::now(), {}, {}, {}, INFINITY, progress, threads, chain_seconds};
  AnnealingResult result;
  // Soft macros hanging over the canvas edge are not a legal start: the density cost does not
  // see the part outside. Pulled in once here, every chain starts from the same legal state.
  if (options.soft_shift_weight > 0) pull_soft_macros_inside(movable_soft_macros(*cost), cost);
  result.initial = cost->costs();
  std::vector<ChainResult> outcomes(static_cast<std::size_t>(options.chains));
  // Chains run in waves of `threads`, each chain with its own share of the time limit from its
  // own start; chain i always uses seed + i, so results do not depend on how chains are spread
  // over threads.
  for (int first = 0; first < options.chains; first += threads) {
    std::vector<std::thread> workers;
    for (int i = first; i < std::min(options.chains, first + threads); ++i) {
      workers.emplace_back([&, i] {
        const Clock::time_point start = Clock::now();
        Chain chain(cost->clone(),
                    options.seed + static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull, i, start,
                    &shared);
        outcomes[static_cast<std::size_t>(i)] = chain.run();
      });
    }
    for (std::thread& worker : workers) worker.join();
  }
  int best = 0;
  for (int i = 0; i < options.chains; ++i) {
    result.moves += outcomes[static_cast<std::size_t>(i)].moves;
    result.chain_moves.push_back(outcomes[static_cast<std::size_t>(i)].moves);
    result.accepted += outcomes[static_cast<std::size_t>(i)].accepted;
    if (outcomes[static_cast<std::size_t>(i)].best.costs.proxy <
        outcomes[static_cast<std::size_t>(best)].best.costs.proxy) {
      best = i;
    }
  }
  restore_snapshot(outcomes[static_cast<std::size_t>(best)].best, cost);
  result.best = cost->costs();
  result.best_chain = best;
  result.seconds = std::chrono::duration<double>(Clock::now() - shared.start).count();
  return result;
}

}  // namespace macroplace::placement
