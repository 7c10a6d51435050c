// Trainer: single-machine PPO training of the policy on one design (or a corpus of them): batched
// environments on a thread pool collect episodes with the current policy, the learner in the same
// process runs the PPO update, and every iteration leaves its results in the run folder.
//
// Contract:
// - Trainer::create() loads the design, builds the policy (seeded by `seed`) and, with `resume`,
//   restores everything from RUN_DIR/checkpoint.pt (model, optimizer, KL beta, random state,
//   iteration, best placement), so a resumed run continues bit for bit like an uninterrupted one
//   (the policy's architecture comes from the checkpoint; PPO and run options from `options`).
// - run_iteration() collects episodes_per_iteration episodes (one per environment, strictly
//   on-policy), updates the policy, then appends one JSON line to RUN_DIR/metrics.jsonl, rewrites
//   RUN_DIR/best.plc and best.json when a feasible episode beat the best proxy so far (replayed
//   in a fresh environment, so the file is the episode's placement, legal by construction), and
//   writes RUN_DIR/checkpoint.pt, then RUN_DIR/policy.pt (the policy alone, a third of the
//   size: what `place --method rl:FILE` and `--init FILE` read, and what is shipped). Every file
//   is written to a temporary name and renamed.
// - With several designs (TrainerOptions::designs) each iteration does that on every design,
//   one update over all their episodes; best placements are best-NAME.plc / best-NAME.json, and
//   each metrics line has keys "design.NAME.proxy_mean" (proxy_min, greedy_proxy, best_proxy).
//   One design is exactly the single-design run.
// - Deterministic: the same options give bit-identical models and metrics (except timings) when
//   LibTorch runs on one intra-op thread (torch_threads = 1); env threads never change results.
//
//   std::unique_ptr<Trainer> trainer;
//   if (Status s = Trainer::create(options, &trainer); !s.ok()) ...
//   while (trainer->iteration() < options.iterations) trainer->run_iteration(&metrics);
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "macroplace/base/run_folder.h"
#include "macroplace/base/status.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/rl/policy.h"
#include "macroplace/rl/ppo.h"

namespace macroplace::rl {

// One design of a training run over several (pre-training on a corpus).
struct TrainingDesign {
  std::string name;  // names its metrics and best placement files
  std::shared_ptr<const netlist::Netlist> netlist;
  placement::CostSettings settings;
};

// The run folder's log of recorded episodes (TrainerOptions::record_episodes).
inline constexpr const char* kEpisodesLog = "episodes.jsonl";

struct TrainerOptions {
  // Several designs (pre-training on a corpus): when non-empty, used instead of netlist_path /
  // netlist. Every iteration collects episodes_per_iteration episodes on each design (or on
  // designs_per_iteration of them) and makes one PPO update over all of them (ppo_update over
  // DesignBatches). With `listen`, collectors
  // load the designs from `corpus_path` (the corpus they were read from: a folder or list file)
  // and must find the same designs (fingerprints), in the same order.
  std::vector<TrainingDesign> designs;
  std::string corpus_path;
  std::string netlist_path;
  std::string plc_path;  // placement and settings; may be empty for designs that carry them
  // Or the design in memory (fine-tuning at placement time): used instead of the paths when set.
  std::shared_ptr<const netlist::Netlist> netlist;
  placement::CostSettings settings;
  std::string run_dir;  // created when missing
  PolicyOptions policy;
  // A new policy's head fitted to the design's grid (PolicyOptions::fit_action_side) instead of
  // policy.action_side: far fewer logits, a faster update; the policy then places designs whose
  // grid fits its side. A resumed or --init policy keeps its own side.
  bool fit_action_side = false;
  PpoOptions ppo;
  // The policy's spatial_features switch turns on wire mask + density, and the observation side
  // is always the policy's action side.
  env::EnvOptions env;
  std::int32_t episodes_per_iteration = 16;
  // With several designs: how many of them each iteration trains on (episodes_per_iteration
  // episodes each), a seeded choice per iteration (designs_of_iteration in distributed.h); 0:
  // all. Fewer designs with more episodes each give PPO several returns per design to compare
  // within one update, at the same cost per iteration.
  std::int32_t designs_per_iteration = 0;
  // Designs (indices into `designs`) in every iteration's choice when designs_per_iteration
  // draws fewer than all, e.g. the few real designs of a mostly synthetic corpus, which uniform
  // draws would visit rarely; the rest are drawn among the others. Fewer than
  // designs_per_iteration.
  std::vector<std::size_t> designs_every_iteration;
  std::int32_t iterations = 100;
  // Stop after the first iteration that ends past this many seconds of the run (this process's
  // part of it); 0: no limit.
  double time_limit_seconds = 0;
  // After each update, one greedy (argmax) episode with the new policy: its proxy is the
  // learning curve a user places with (metrics' greedy_proxy), and it competes for best.plc.
  bool greedy_evaluation = true;
  std::int32_t threads = 1;        // environment threads (BatchedEnv); 0: one per core
  std::int32_t torch_threads = 0;  // LibTorch intra-op threads; 0: same as threads
  // Where the policy runs, for the PPO update and for collecting in this process: "cpu",
  // "cuda", "cuda:N" or "auto" (parse_device in torch_policy.h); environments stay on CPU
  // threads. A run control, not part of the run's identity: a run may resume on another device
  // (then not bit for bit).
  std::string device = "cpu";
  std::uint64_t seed = 1;
  // Every episode the updates train on, appended to RUN_DIR/episodes.jsonl after each iteration
  // (kEpisodesLog: one line per episode with its iteration, design name and fingerprint, and the
  // EpisodeRecord's bytes in base64), for datasets (`dataset build --episodes RUN`). A run
  // control: a resume may turn it on or off; the file is cut back to the checkpoint like the
  // metrics.
  bool record_episodes = false;
  // Every K-th iteration's policy kept as RUN_DIR/policies/iteration-NNNNNN.pt (a policy file
  // like policy.pt), for curves over a run's policies and for choosing one afterwards; 0: none.
  // A run control like record_episodes. Written after policy.pt, so a kill may lose the
  // checkpoint's own, which the resume writes again.
  std::int32_t keep_policy_every = 0;
  bool resume = false;
  // Start from this checkpoint's policy (architecture and weights; a pre-trained or another
  // design's run) instead of a random one; the optimizer, iteration count and best placement
  // start fresh. Ignored with `resume`.
  std::string initial_checkpoint;
  // Distributed collection (rl/distributed.h): with `listen` ("HOST:PORT"; port 0: any free
  // one), the trainer collects nothing itself and trains on the records of collector processes
  // (`macroplace collect --connect`); otherwise it collects in-process.
  std::string listen;
  std::int32_t unit_episodes = 0;         // episodes per collector unit; 0: the largest divisor of
                                          // episodes_per_iteration up to 4
  double collector_timeout_seconds = 30;  // a collector silent this long counts as gone
  double gather_timeout_seconds = 600;    // no delivery for this long ends the run
  // 0: strictly on-policy (repeatable). K > 0: collectors go on during the update and records
  // up to K versions old are used, corrected by PPO's ratio to the acting policy (not
  // repeatable: arrival order decides the batch).
  std::int32_t max_staleness = 0;

  Status validate() const;
};

// Reads `key = value` lines (# comments) into options: the PpoOptions fields by name (clip_ratio,
// entropy_coefficient, learning_rate, minibatch_size, epochs, ...), episodes_per_iteration,
// iterations, time_limit (seconds), greedy_evaluation, threads, torch_threads, seed,
// spatial_features and the policy widths. Unknown keys
// and bad values fail with file:line.
Status apply_config_file(const std::string& path, TrainerOptions* options);
// One `key`, `value` pair as in a config file.
Status apply_config_value(const std::string& key, const std::string& value,
                          TrainerOptions* options);

// What defines a run, as its manifest (RUN_DIR/manifest.json) records it: the design's
// fingerprint, the model, the PPO and environment options, episodes per iteration and the seed.
// Not how long or on how many threads it runs (iterations, time_limit, threads, torch_threads):
// a resume may change those. A resume whose manifest differs in anything else is refused.
RunManifest training_manifest(const TrainerOptions& options, const std::string& design_fingerprint);

// One design's share of an iteration (runs over several designs).
struct DesignMetrics {
  std::string name;
  double proxy_mean = 0, proxy_min = 0;  // its feasible episodes (NaN if none)
  double greedy_proxy = 0;               // NaN: no greedy evaluation, or infeasible
  double best_proxy = 0;                 // its best so far (NaN if none)
};

// With several designs the episode figures are over all designs' episodes, greedy_proxy and
// best_proxy the means of the designs' (what a corpus run is judged by), and `designs` has each.
struct IterationMetrics {
  std::int32_t iteration = 0;  // 1-based, the iteration just finished
  std::int32_t episodes = 0, infeasible_episodes = 0;
  std::int64_t env_steps = 0;
  double proxy_mean = 0, proxy_min = 0, proxy_max = 0;  // feasible episodes (NaN if none)
  double wirelength_mean = 0, density_mean = 0, congestion_mean = 0;
  double return_mean = 0;
  double entropy = 0, kl = 0, kl_beta = 0;
  double policy_loss = 0, value_loss = 0, total_loss = 0, clip_fraction = 0;
  std::int32_t epochs_run = 0, minibatches = 0;
  double rollout_seconds = 0, update_seconds = 0;
  double episodes_per_second = 0, env_steps_per_second = 0;
  double greedy_proxy = 0;  // the greedy episode's proxy after the update (NaN: none/infeasible)
  double greedy_seconds = 0;
  double best_proxy = 0;  // the run's best feasible proxy so far (NaN if none)
  bool new_best = false;
  // Distributed collection (0 when collecting in-process).
  std::int32_t collectors = 0;         // distinct collectors whose episodes were used
  std::int32_t collectors_alive = 0;   // heard from recently
  std::int64_t records_dropped = 0;    // delivered for a closed version (or too old)
  std::int64_t records_stale = 0;      // used although of an older version (max_staleness)
  double replay_seconds = 0;           // rebuilding the batch from records
  std::vector<DesignMetrics> designs;  // with several designs
};

class Trainer {
 public:
  static Status create(const TrainerOptions& options, std::unique_ptr<Trainer>* out);
  ~Trainer();
  Trainer(const Trainer&) = delete;
  Trainer& operator=(const Trainer&) = delete;

  Status run_iteration(IterationMetrics* metrics);
  // With TrainerOptions::listen: the port collectors connect to (0 otherwise).
  std::uint16_t collector_port() const;
  // Called about once a second while waiting for collectors, with a short status.
  void set_waiting(std::function<void(const std::string&)> waiting);
  // With TrainerOptions::listen: waits until `count` collectors have joined, at most
  // `timeout_seconds`; returns how many did (0 without listen).
  std::int32_t wait_for_collectors(std::int32_t count, double timeout_seconds);
  std::int32_t iteration() const;  // iterations completed (restored on resume)
  double best_proxy() const;
  std::int64_t parameter_count() const;
  const TrainerOptions& options() const;
  // The model's parameters flattened to doubles, for equivalence checks.
  std::vector<double> parameters() const;

 private:
  struct Impl;
  explicit Trainer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs the trainer's iterations until options.iterations are done or one ends past the time
// limit, calling `progress` after each.
Status train(Trainer& trainer, const std::function<void(const IterationMetrics&)>& progress);
// The same on a new Trainer::create(options).
Status train(const TrainerOptions& options,
             const std::function<void(const IterationMetrics&)>& progress);

}  // namespace macroplace::rl
