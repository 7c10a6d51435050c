// EpisodeRecord: one episode as a collector sends it to the learner. Compact (no observations:
// the learner rebuilds them by replaying the deterministic environment from `env_seed` with the
// recorded actions) and self-describing (the design's fingerprint and the policy version that
// acted travel with it, so a learner refuses records of another design and counts stale ones).
//
// Contract: encode_record() writes a versioned little-endian byte string ending in a CRC-32 of
// everything before it; decode_record() accepts exactly what encode_record() wrote and reports
// anything else (a wrong magic or version, a length that does not add up, a bad checksum) as an
// error naming `source`. Per step: the action, its log-probability under the acting policy, the
// value estimate and the reward, as the collector's network produced them (float32, as the
// tensors hold them).
//
//   std::string bytes = encode_record(record);
//   EpisodeRecord back;
//   if (Status s = decode_record(bytes, "collector 3", &back); !s.ok()) ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "macroplace/base/status.h"

namespace macroplace::rl {

struct EpisodeRecord {
  std::string design;               // design fingerprint (placement::design_fingerprint)
  std::int64_t policy_version = 0;  // the learner's iteration count when the weights were sent
  std::uint64_t env_seed = 0;       // the environment's reset seed for this episode
  std::int32_t collector = -1;      // which collector produced it (-1: the learner's own)
  std::vector<std::int32_t> actions;
  std::vector<float> log_probs, values, rewards;  // one per step, as actions
  bool infeasible = false;
  // The final placement's costs (NaN for an infeasible episode's proxy).
  double proxy = 0, wirelength_cost = 0, density_cost = 0, congestion_cost = 0;

  std::int64_t steps() const { return static_cast<std::int64_t>(actions.size()); }
  // Discounted return from the first step.
  double discounted_return(double discount) const;
};

std::string encode_record(const EpisodeRecord& record);
Status decode_record(std::string_view bytes, const std::string& source, EpisodeRecord* out);

}  // namespace macroplace::rl
