// Distributed collection: one learner and any number of collector processes, on one machine or
// many, meeting through c10d's TCPStore (LibTorch's rendezvous and key-value store).
//
// Why the store and not a ProcessGroupGloo: a Gloo group has a fixed membership, and one dead
// rank fails every collective of the others. Collectors here come and go (late joins, crashes,
// a restarted learner), so they talk to the learner only through the store's atomic counters and
// keys, which tolerate all of that.
//
// Protocol (keys under "mp/"): the learner publishes its run identity (the training manifest:
// design fingerprint, environment and model options, seed; the design's paths; the episodes per
// unit) and, per policy version v, the weights ("weights/v", then "version" = v). A learner of a
// corpus (pre-training) names the corpus's path and every design's fingerprint in corpus order;
// version v trains on designs_of_iteration(seed, v, D, designs per iteration) (all D, or a seeded
// choice), unit u is collected on design_of_unit(u, units per design, those designs), and the
// learner replays each record on its design. A collector
// claims unit u of version v with an atomic add (the units v needs, no more; a unit whose
// claimer goes silent for collector_timeout_seconds is offered again under the same index),
// collects `unit_episodes` episodes with the
// weights of v, seeded by unit_reset_seed(seed, v, u) and unit_sampler_seed(seed, v, u), and
// delivers the encoded records ("records/v/u", then appends u to the delivery list of v). The
// learner takes delivered units in delivery order until it has an iteration's episodes, closes
// v, and sorts them by unit before the update: without failures the batch is units 0..k-1
// whoever collected them, so a run does not depend on the number of collectors. Records of
// another version are never mixed in (strictly on-policy); late units are counted as dropped.
// With max_staleness K > 0 collection goes on while the learner updates: a version is never
// closed, its quota holds two iterations' units, and gather(v) takes delivered units of versions
// v-K..v, the newest first. PPO's ratio is taken against the acting policy's log-probabilities
// that each record carries (the importance correction for an older policy, clipped as any
// ratio); units older than v-K are dropped and counted. Which units arrive first decides the
// batch, so such runs are not repeatable.
// A collector that dies or hangs stops beating; its unit goes to another one, with the same
// seeds, so the batch is the one an undisturbed run would have had. A collector whose design,
// environment or protocol differs from the learner's is refused before it collects anything.
//
//   CollectorHub (learner)                   run_collector (each collector process)
//   start(identity) ──────── store ────────> check identity, register
//   publish(v, weights) ───────────────────> load weights of v
//   gather(v) <──────────── records/v/u ──── claim u, collect, deliver
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/base/run_folder.h"
#include "macroplace/base/status.h"
#include "macroplace/rl/episode_record.h"
#include "macroplace/rl/torch_policy.h"

namespace macroplace::rl {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 for a learner: any free port (CollectorHub::port() says which)
  std::string text() const { return host + ":" + std::to_string(port); }
};
// "HOST:PORT" (PORT 0-65535); an error naming what is wrong otherwise.
Status parse_endpoint(const std::string& text, Endpoint* out);

// The seeds of unit `unit` of policy version `version` in a run seeded `seed`: the environments'
// reset seed and the action sampler's seed. Pure: a unit can be collected again anywhere.
std::uint64_t unit_reset_seed(std::uint64_t seed, std::int64_t version, std::int64_t unit);
std::uint64_t unit_sampler_seed(std::uint64_t seed, std::int64_t version, std::int64_t unit);

// The designs of a corpus of `designs` that policy version `version` trains on, ascending: all of
// them when designs_per_iteration is 0 or at least `designs`, otherwise that many: those in
// `every_iteration` (indices, fewer than designs_per_iteration) and the rest chosen uniformly
// without replacement among the others by (seed, version). Pure: the learner and every
// collector agree.
std::vector<std::size_t> designs_of_iteration(std::uint64_t seed, std::int64_t version,
                                              std::size_t designs,
                                              std::int32_t designs_per_iteration,
                                              const std::vector<std::size_t>& every_iteration = {});
// Which of `chosen` unit `unit` is collected on: units 0..k-1 on chosen[0], the next k on
// chosen[1], ..., round again for a working-ahead quota (k = units per design; 0: chosen[0]).
std::size_t design_of_unit(std::int64_t unit, std::int64_t units_per_design,
                           const std::vector<std::size_t>& chosen);

// The policy (architecture and weights) as bytes, as the learner publishes it, and back.
std::string policy_bytes(PolicyNetwork& network);
Status policy_from_bytes(const std::string& bytes, PolicyNetwork* network);

struct HubOptions {
  Endpoint listen;
  // The run's identity as training_manifest() gives it, plus "netlist" and "plc" (the paths a
  // collector uses when given none of its own). The hub adds "protocol" and "unit_episodes".
  RunManifest identity;
  std::int32_t unit_episodes = 4;  // episodes per claimed unit; divides episodes per iteration
  double collector_timeout_seconds = 30;  // a collector silent this long counts as gone
  double gather_timeout_seconds = 600;    // no delivery at all for this long: an error
  std::int32_t max_staleness = 0;         // 0: strictly on-policy; K: records up to K versions old
};

struct GatherStats {
  std::int32_t collectors = 0;        // distinct collectors whose records are in the batch
  std::int32_t collectors_alive = 0;  // heard from within collector_timeout_seconds
  std::int32_t collectors_registered = 0;
  std::int64_t records_dropped = 0;  // delivered for an earlier version after it closed
  std::int64_t records_stale = 0;    // taken from an older version (max_staleness > 0)
  double wait_seconds = 0;
};

class CollectorHub {
 public:
  static Status start(const HubOptions& options, std::unique_ptr<CollectorHub>* out);
  ~CollectorHub();  // tells every collector to stop
  CollectorHub(const CollectorHub&) = delete;
  CollectorHub& operator=(const CollectorHub&) = delete;

  std::uint16_t port() const;
  // Waits until `count` collectors have registered, at most `timeout_seconds` (the rendezvous
  // of a launched job, whose ranks start together: a run short enough to end before a slow rank
  // connects would leave that rank failing to reach it). Returns how many registered.
  std::int32_t wait_for_collectors(std::int32_t count, double timeout_seconds,
                                   const std::function<void(const std::string&)>& waiting = {});
  // Makes `weights` (policy_bytes()) the current version, for which `episodes` will be
  // gathered.
  Status publish(std::int64_t version, const std::string& weights, std::int32_t episodes);
  // Waits for `episodes` records of `version` (or, with max_staleness, of recent versions) and
  // returns them by version and unit, then closes the version (strictly on-policy only).
  // `waiting` (optional) is called about once a second while waiting, with a short status.
  Status gather(std::int64_t version, std::int32_t episodes, std::vector<EpisodeRecord>* out,
                GatherStats* stats, const std::function<void(const std::string&)>& waiting = {});

 private:
  struct Impl;
  explicit CollectorHub(std::unique_ptr<Impl> impl);
  // gather() with max_staleness > 0.
  Status gather_recent(std::int64_t version, std::int32_t episodes, std::vector<EpisodeRecord>* out,
                       GatherStats* stats, const std::function<void(const std::string&)>& waiting);
  std::unique_ptr<Impl> impl_;
};

struct TrainingDesign;  // trainer.h

// Loads the designs of a corpus (a folder or list file) in corpus order: pretrain/'s loader,
// which rl/ cannot call itself (pretrain/ is built on rl/).
using CorpusLoader =
    std::function<Status(const std::string& corpus, std::vector<TrainingDesign>* designs)>;

struct CollectOptions {
  Endpoint learner;
  std::string netlist_path, plc_path;    // empty: the learner's paths
  CorpusLoader load_corpus;              // for a learner of a corpus; none: such one refuses
  std::string corpus_path;               // that corpus here; empty: the learner's path
  std::int32_t threads = 1;              // environment threads
  std::int32_t torch_threads = 0;        // LibTorch threads; 0: threads
  std::string device = "cpu";            // the policy's inference (parse_device's names)
  double connect_timeout_seconds = 120;  // to reach (or reach again) the learner
  std::int64_t max_units = -1;           // stop after this many units (tests); -1: no limit
};

struct CollectorProgress {
  std::int32_t id = -1;
  std::int64_t version = -1, units = 0, episodes = 0;
  double episodes_per_second = 0;
};

// Runs one collector until the learner says stop (ok), the learner is unreachable for
// connect_timeout_seconds (an error), or the learner refuses it (an error saying why).
Status run_collector(const CollectOptions& options,
                     const std::function<void(const CollectorProgress&)>& progress,
                     CollectorProgress* final_progress = nullptr);

}  // namespace macroplace::rl
