#include "macroplace/rl/distributed.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <utility>

#include "macroplace/base/text.h"
#include "macroplace/env/placement_env.h"
#include "macroplace/placement/design_loader.h"
#include "macroplace/rl/collector.h"
#include "macroplace/rl/trainer.h"
#include "observation_inputs.h"

namespace macroplace::rl {

namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

// Bumped when keys or their contents change: a collector of another version is refused.
constexpr const char* kProtocol = "macroplace-collect-2";  // 2: corpora
constexpr auto kPoll = std::chrono::milliseconds(10);
constexpr auto kStoreTimeout = std::chrono::milliseconds(10000);

// A whole decimal number and nothing else.
template <typename Int>
bool parse_whole(const std::string& text, Int* out) {
  const char* end = text.data() + text.size();
  const auto result = std::from_chars(text.data(), end, *out);
  return !text.empty() && result.ec == std::errc() && result.ptr == end;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Bytes to_bytes(const std::string& text) {
  return Bytes(text.begin(), text.end());
}

std::string to_text(const Bytes& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::string key(const std::string& a, std::int64_t b) {
  return "mp/" + a + "/" + std::to_string(b);
}

std::string key(const std::string& a, std::int64_t b, std::int64_t c) {
  return key(a, b) + "/" + std::to_string(c);
}

std::string one_line(const std::exception& e) {
  return internal::one_line_reason(e);
}

// The identity as one line of "key=value" pairs joined by '\n' (values have no newline).
std::string encode_identity(const RunManifest& identity) {
  std::string text;
  for (const auto& [name, value] : identity) text += name + "=" + value + "\n";
  return text;
}

RunManifest decode_identity(const std::string& text) {
  RunManifest identity;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto equals = line.find('=');
    if (equals != std::string::npos) identity[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return identity;
}

// A units' records as one value: a count, then each encoded record with its length.
std::string encode_unit(const std::vector<EpisodeRecord>& records) {
  std::string text;
  const auto put = [&text](std::uint64_t value) {
    text.append(reinterpret_cast<const char*>(&value), sizeof value);
  };
  put(records.size());
  for (const EpisodeRecord& record : records) {
    const std::string bytes = encode_record(record);
    put(bytes.size());
    text += bytes;
  }
  return text;
}

Status decode_unit(const std::string& text, const std::string& source,
                   std::vector<EpisodeRecord>* out) {
  std::size_t at = 0;
  const auto get = [&](std::uint64_t* value) {
    if (text.size() - at < sizeof *value) return false;
    std::memcpy(value, text.data() + at, sizeof *value);
    at += sizeof *value;
    return true;
  };
  std::uint64_t count = 0;
  if (!get(&count) || count > text.size()) return Status::error(source + ": a torn unit");
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t size = 0;
    if (!get(&size) || size > text.size() - at) return Status::error(source + ": a torn unit");
    EpisodeRecord record;
    if (Status s = decode_record(std::string_view(text).substr(at, size), source, &record);
        !s.ok()) {
      return s;
    }
    at += size;
    out->push_back(std::move(record));
  }
  if (at != text.size()) return Status::error(source + ": trailing bytes after a unit");
  return {};
}

// The designs a corpus run trains on every iteration (its identity's designs_every_iteration).
std::vector<std::size_t> every_iteration_of(const RunManifest& identity) {
  std::vector<std::size_t> out;
  const auto found = identity.find("designs_every_iteration");
  if (found == identity.end()) return out;
  for (const std::string& text : split_list(found->second)) {
    std::size_t index = 0;
    if (parse_whole(text, &index)) out.push_back(index);
  }
  return out;
}

c10::intrusive_ptr<c10d::TCPStore> connect_store(const Endpoint& where, bool server) {
  c10d::TCPStoreOptions options;
  options.port = where.port;
  options.isServer = server;
  options.waitWorkers = false;
  options.timeout = kStoreTimeout;
  return c10::make_intrusive<c10d::TCPStore>(where.host, options);
}

}  // namespace

Status parse_endpoint(const std::string& text, Endpoint* out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::error("expected HOST:PORT, found '" + text + "'");
  }
  std::int64_t port = 0;
  if (!parse_whole(text.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return Status::error("expected a port 0-65535 after ':' in '" + text + "'");
  }
  out->host = text.substr(0, colon);
  out->port = static_cast<std::uint16_t>(port);
  return {};
}

std::uint64_t unit_reset_seed(std::uint64_t seed, std::int64_t version, std::int64_t unit) {
  return mix(mix(seed * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(version)) ^
             (static_cast<std::uint64_t>(unit) + 0x632BE59BD9B4E019ULL));
}

std::uint64_t unit_sampler_seed(std::uint64_t seed, std::int64_t version, std::int64_t unit) {
  return mix(unit_reset_seed(seed, version, unit) ^ 0xD1B54A32D192ED03ULL);
}

std::vector<std::size_t> designs_of_iteration(std::uint64_t seed, std::int64_t version,
                                              std::size_t designs,
                                              std::int32_t designs_per_iteration,
                                              const std::vector<std::size_t>& every_iteration) {
  std::vector<std::size_t> chosen(designs);
  std::iota(chosen.begin(), chosen.end(), std::size_t{0});
  const auto k = static_cast<std::size_t>(std::max(designs_per_iteration, 0));
  if (k == 0 || k >= designs) return chosen;
  // The pool to draw from: every design not always in.
  std::vector<std::size_t> pool;
  pool.reserve(designs);
  for (std::size_t d = 0; d < designs; ++d) {
    if (std::find(every_iteration.begin(), every_iteration.end(), d) == every_iteration.end()) {
      pool.push_back(d);
    }
  }
  const std::size_t drawn = std::min(pool.size(), k - std::min(k, every_iteration.size()));
  // The first `drawn` of a Fisher-Yates shuffle with raw 64-bit draws (the same on every
  // library).
  std::mt19937_64 draw(mix(unit_reset_seed(seed, version, -1) ^ 0x2545F4914F6CDD1DULL));
  for (std::size_t i = 0; i < drawn; ++i) {
    std::swap(pool[i], pool[i + draw() % (pool.size() - i)]);
  }
  chosen.assign(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(drawn));
  for (const std::size_t d : every_iteration) {
    if (d < designs) chosen.push_back(d);
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

std::size_t design_of_unit(std::int64_t unit, std::int64_t units_per_design,
                           const std::vector<std::size_t>& chosen) {
  if (units_per_design <= 0 || chosen.size() <= 1) return chosen.front();
  return chosen[static_cast<std::size_t>(unit / units_per_design) % chosen.size()];
}

std::string policy_bytes(PolicyNetwork& network) {
  torch::serialize::OutputArchive archive;
  internal::write_policy(network, &archive);  // what policy.pt holds
  std::ostringstream stream;
  archive.save_to(stream);
  return stream.str();
}

Status policy_from_bytes(const std::string& bytes, PolicyNetwork* network) {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(bytes.data(), bytes.size(), torch::Device(torch::kCPU));
    PolicyOptions options;
    internal::read_policy(archive, &options, network);
  } catch (const std::exception& e) {
    return Status::error("unreadable policy from the learner: " + one_line(e));
  }
  return {};
}

// ---- the learner's side ----

struct CollectorHub::Impl {
  HubOptions options;
  c10::intrusive_ptr<c10d::TCPStore> store;
  std::int64_t published = -1;
  // Per collector id: the last heartbeat count seen and when it changed.
  std::map<std::int64_t, std::pair<std::int64_t, Clock::time_point>> beats;
  // Units of the last closed version that were consumed, for counting late ones.
  std::int64_t closed_version = -1, closed_consumed = 0;
  // With max_staleness: per version still in the window, the delivery slots already read.
  std::map<std::int64_t, std::set<std::int64_t>> window_slots;

  std::int64_t counter(const std::string& name) { return store->add(name, 0); }
  // Whether collector `id` has beaten within the timeout (updates what is known of it).
  bool heard_from(std::int64_t id) {
    const std::int64_t beat = counter(key("beat", id));
    auto [entry, fresh] = beats.emplace(id, std::make_pair(beat, Clock::now()));
    if (!fresh && entry->second.first != beat) entry->second = {beat, Clock::now()};
    return seconds_since(entry->second.second) < options.collector_timeout_seconds;
  }
  std::int32_t alive(std::int32_t* registered) {
    const std::int64_t ids = counter("mp/collector_ids");
    *registered = static_cast<std::int32_t>(ids);
    std::int32_t count = 0;
    for (std::int64_t id = 0; id < ids; ++id) count += heard_from(id) ? 1 : 0;
    return count;
  }
  // A gather's collector figures: who contributed, who is alive, who ever registered.
  void count_collectors(const std::set<std::int32_t>& contributors, GatherStats* stats) {
    stats->collectors = static_cast<std::int32_t>(contributors.size());
    stats->collectors_alive = alive(&stats->collectors_registered);
  }
  // While gathering: an error once nothing was delivered for gather_timeout_seconds; about once
  // a second, `waiting` hears the progress and how many collectors are alive.
  Status still_waiting(Clock::time_point last_delivery, Clock::time_point* last_report,
                       const std::string& progress,
                       const std::function<void(const std::string&)>& waiting) {
    if (seconds_since(last_delivery) > options.gather_timeout_seconds) {
      std::int32_t registered = 0;
      const std::int32_t count = alive(&registered);
      return Status::error(
          "no collector delivered for " + std::to_string(options.gather_timeout_seconds) + " s (" +
          std::to_string(registered) + " registered, " + std::to_string(count) + " alive)");
    }
    if (waiting && seconds_since(*last_report) >= 1) {
      *last_report = Clock::now();
      std::int32_t registered = 0;
      const std::int32_t count = alive(&registered);
      waiting("waiting for collectors: " + progress + ", " + std::to_string(count) + " of " +
              std::to_string(registered) + " collectors alive");
    }
    return {};
  }
  // Takes unit `unit` of `version` out of the store: an error when it does not decode or holds
  // records of another version or design.
  Status take_unit(std::int64_t version, std::int64_t unit, std::vector<EpisodeRecord>* records) {
    const std::string name = key("records", version, unit);
    const std::string source =
        "unit " + std::to_string(unit) + " of version " + std::to_string(version);
    if (Status s = decode_unit(to_text(store->get(name)), source, records); !s.ok()) return s;
    store->deleteKey(name);
    const std::string& design = unit_design(version, unit);
    for (const EpisodeRecord& record : *records) {
      if (record.policy_version != version || record.design != design) {
        return Status::error(source + " holds records of another version or design");
      }
    }
    return {};
  }
  // The fingerprint of the design unit `unit` of `version` is collected on (design_of_unit).
  const std::string& unit_design(std::int64_t version, std::int64_t unit) {
    if (design_ids.empty()) {
      design_ids = split_list(options.identity["design"]);
      if (options.identity.count("corpus") != 0) {
        parse_whole(options.identity["units_per_design"], &units_per_design);
        const auto per_iteration = options.identity.find("designs_per_iteration");
        if (per_iteration != options.identity.end()) {
          parse_whole(per_iteration->second, &designs_per_iteration);
        }
        every_iteration = every_iteration_of(options.identity);
        parse_whole(options.identity["seed"], &seed);
      }
    }
    const std::vector<std::size_t> chosen = designs_of_iteration(
        seed, version, design_ids.size(), designs_per_iteration, every_iteration);
    return design_ids[design_of_unit(unit, units_per_design, chosen)];
  }
  std::vector<std::string> design_ids;
  std::int64_t units_per_design = 0;
  std::int32_t designs_per_iteration = 0;
  std::vector<std::size_t> every_iteration;
  std::uint64_t seed = 0;
};

CollectorHub::CollectorHub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CollectorHub::~CollectorHub() {
  try {
    impl_->store->set("mp/stop", to_bytes("1"));
    // The store dies with this process: give collectors a moment to read the stop.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } catch (const std::exception&) {
    // Collectors notice the learner is gone on their own.
  }
}

Status CollectorHub::start(const HubOptions& options, std::unique_ptr<CollectorHub>* out) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->options.identity["protocol"] = kProtocol;
  impl->options.identity["unit_episodes"] = std::to_string(options.unit_episodes);
  try {
    impl->store = connect_store(options.listen, true);
    impl->store->set("mp/identity", to_bytes(encode_identity(impl->options.identity)));
  } catch (const std::exception& e) {
    return Status::error("cannot listen on " + options.listen.text() + ": " + one_line(e));
  }
  out->reset(new CollectorHub(std::move(impl)));
  return {};
}

std::uint16_t CollectorHub::port() const {
  return impl_->store->getPort();
}

std::int32_t CollectorHub::wait_for_collectors(
    std::int32_t count, double timeout_seconds,
    const std::function<void(const std::string&)>& waiting) {
  Impl& m = *impl_;
  const auto start = Clock::now();
  auto last_report = start;
  for (;;) {
    std::int64_t registered = 0;
    try {
      registered = m.counter("mp/collector_ids");
    } catch (const std::exception&) {
      return 0;
    }
    if (registered >= count || seconds_since(start) >= timeout_seconds) {
      return static_cast<std::int32_t>(registered);
    }
    if (waiting && seconds_since(last_report) >= 1) {
      last_report = Clock::now();
      waiting("waiting for collectors to join: " + std::to_string(registered) + " of " +
              std::to_string(count));
    }
    std::this_thread::sleep_for(kPoll);
  }
}

Status CollectorHub::publish(std::int64_t version, const std::string& weights,
                             std::int32_t episodes) {
  Impl& m = *impl_;
  try {
    // The units this version needs, before the version is visible: collectors claim at most
    // these (more only when gather() re-issues the unit of a collector that went silent).
    const std::int64_t units = (episodes + m.options.unit_episodes - 1) / m.options.unit_episodes;
    // Collecting ahead (max_staleness): also the next iteration's units, collected during the
    // update with these weights unless newer ones come first.
    m.store->add(key("quota", version), m.options.max_staleness > 0 ? 2 * units : units);
    m.store->set(key("weights", version), to_bytes(weights));
    m.store->set("mp/version", to_bytes(std::to_string(version)));
    // Two versions back is safe to drop: no collector starts a unit on it any more.
    if (m.published >= 1) m.store->deleteKey(key("weights", m.published - 1));
    m.published = version;
  } catch (const std::exception& e) {
    return Status::error("cannot publish the policy: " + one_line(e));
  }
  return {};
}

Status CollectorHub::gather(std::int64_t version, std::int32_t episodes,
                            std::vector<EpisodeRecord>* out, GatherStats* stats,
                            const std::function<void(const std::string&)>& waiting) {
  if (impl_->options.max_staleness > 0) {
    return gather_recent(version, episodes, out, stats, waiting);
  }
  Impl& m = *impl_;
  out->clear();
  *stats = GatherStats();
  const auto start = Clock::now();
  auto last_delivery = start;
  auto last_report = start;
  try {
    // Units of the previous version delivered after it closed: collected for nothing.
    if (m.closed_version >= 0) {
      const std::int64_t late = m.counter(key("delivered", m.closed_version)) - m.closed_consumed;
      stats->records_dropped = late * m.options.unit_episodes;
    }
    std::map<std::int64_t, std::vector<EpisodeRecord>> units;  // by unit index
    std::set<std::pair<std::int64_t, std::int64_t>> reissued;  // (unit, silent claimer)
    std::int64_t taken = 0;
    std::set<std::int64_t> slots_read;  // delivery slots taken or found a duplicate
    std::map<std::int64_t, Clock::time_point> claimer_unknown;  // claimed units with no claimer
    auto last_check = start;
    while (taken < episodes) {
      // Deliveries: a collector bumps the count, then names the unit in its slot; a slot whose
      // name never comes (its collector died in between) is skipped, and its unit re-issued.
      const std::int64_t delivered = m.counter(key("delivered", version));
      for (std::int64_t slot = 0; slot < delivered && taken < episodes; ++slot) {
        const std::string slot_key = key("delivered", version, slot);
        if (slots_read.count(slot) != 0 || !m.store->check({slot_key})) continue;
        slots_read.insert(slot);
        const std::int64_t unit = std::stoll(to_text(m.store->get(slot_key)));
        const std::string name = key("records", version, unit);
        if (units.count(unit) != 0 || !m.store->check({name})) {
          stats->records_dropped += m.options.unit_episodes;  // a re-issued unit, twice
          continue;
        }
        std::vector<EpisodeRecord> records;
        if (Status s = m.take_unit(version, unit, &records); !s.ok()) return s;
        taken += static_cast<std::int64_t>(records.size());
        units[unit] = std::move(records);
        last_delivery = Clock::now();
      }
      if (taken >= episodes) break;
      if (seconds_since(last_check) >= 0.2) {
        // A unit claimed by a collector that went silent (or died before it could say who it
        // is) is offered again, under the same index (so the same seeds): the batch is the
        // same as if nothing had failed.
        last_check = Clock::now();
        const std::int64_t claims = m.counter(key("claims", version));
        const std::int64_t quota = m.counter(key("quota", version));
        for (std::int64_t unit = 0; unit < std::min(claims, quota); ++unit) {
          if (units.count(unit) != 0) continue;
          const std::string claimer_key = key("claimed", version, unit);
          std::int64_t claimer = -1;
          if (m.store->check({claimer_key})) {
            claimer = std::stoll(to_text(m.store->get(claimer_key)));
            if (m.heard_from(claimer)) continue;
          } else {
            const auto since = claimer_unknown.emplace(unit, Clock::now()).first->second;
            if (seconds_since(since) < m.options.collector_timeout_seconds) continue;
          }
          if (!reissued.insert({unit, claimer}).second) continue;
          const std::int64_t slot = m.store->add(key("reissued", version), 1) - 1;
          m.store->set(key("reissue", version, slot), to_bytes(std::to_string(unit)));
        }
      }
      if (Status s = m.still_waiting(last_delivery, &last_report,
                                     std::to_string(taken) + "/" + std::to_string(episodes) +
                                         " episodes of version " + std::to_string(version),
                                     waiting);
          !s.ok()) {
        return s;
      }
      std::this_thread::sleep_for(kPoll);
    }
    m.store->set(key("closed", version), to_bytes("1"));
    m.closed_version = version;
    m.closed_consumed = static_cast<std::int64_t>(slots_read.size());
    std::set<std::int32_t> contributors;
    for (auto& [unit, records] : units) {
      for (EpisodeRecord& record : records) {
        contributors.insert(record.collector);
        if (static_cast<std::int32_t>(out->size()) < episodes) out->push_back(std::move(record));
      }
    }
    m.count_collectors(contributors, stats);
  } catch (const std::exception& e) {
    return Status::error("collecting from the store failed: " + one_line(e));
  }
  stats->wait_seconds = seconds_since(start);
  return {};
}

Status CollectorHub::gather_recent(std::int64_t version, std::int32_t episodes,
                                   std::vector<EpisodeRecord>* out, GatherStats* stats,
                                   const std::function<void(const std::string&)>& waiting) {
  Impl& m = *impl_;
  out->clear();
  *stats = GatherStats();
  const auto start = Clock::now();
  auto last_delivery = start;
  auto last_report = start;
  const std::int64_t oldest = std::max<std::int64_t>(0, version - m.options.max_staleness);
  try {
    // Versions leaving the window: what was delivered and never taken is dropped.
    for (auto it = m.window_slots.begin(); it != m.window_slots.end() && it->first < oldest;) {
      const std::int64_t delivered = m.counter(key("delivered", it->first));
      stats->records_dropped +=
          (delivered - static_cast<std::int64_t>(it->second.size())) * m.options.unit_episodes;
      for (std::int64_t slot = 0; slot < delivered; ++slot) {
        if (it->second.count(slot) != 0) continue;
        const std::string slot_key = key("delivered", it->first, slot);
        if (!m.store->check({slot_key})) continue;
        m.store->deleteKey(key("records", it->first, std::stoll(to_text(m.store->get(slot_key)))));
      }
      it = m.window_slots.erase(it);
    }
    // Delivered units not yet taken, by (version, slot), until they hold enough episodes.
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> ready;  // -> unit
    for (;;) {
      for (std::int64_t v = oldest; v <= version; ++v) {
        std::set<std::int64_t>& read = m.window_slots[v];
        const std::int64_t delivered = m.counter(key("delivered", v));
        for (std::int64_t slot = 0; slot < delivered; ++slot) {
          if (read.count(slot) != 0 || ready.count({v, slot}) != 0) continue;
          const std::string slot_key = key("delivered", v, slot);
          if (!m.store->check({slot_key})) continue;
          ready[{v, slot}] = std::stoll(to_text(m.store->get(slot_key)));
          last_delivery = Clock::now();
        }
      }
      if (static_cast<std::int64_t>(ready.size()) * m.options.unit_episodes >= episodes) break;
      const std::int64_t have = static_cast<std::int64_t>(ready.size()) * m.options.unit_episodes;
      if (Status s = m.still_waiting(last_delivery, &last_report,
                                     std::to_string(have) + "/" + std::to_string(episodes) +
                                         " episodes of versions " + std::to_string(oldest) + "-" +
                                         std::to_string(version),
                                     waiting);
          !s.ok()) {
        return s;
      }
      std::this_thread::sleep_for(kPoll);
    }
    // The newest version first, in delivery order within a version; the rest wait for the next
    // gather (or age out of the window).
    std::vector<std::pair<std::int64_t, std::int64_t>> order;  // (version, slot)
    order.reserve(ready.size());
    for (const auto& entry : ready) order.push_back(entry.first);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    std::map<std::pair<std::int64_t, std::int64_t>, std::vector<EpisodeRecord>> taken;
    std::int64_t count = 0;
    for (auto it = order.begin(); it != order.end() && count < episodes; ++it) {
      const auto [v, slot] = *it;
      const std::int64_t unit = ready.at(*it);
      m.window_slots[v].insert(slot);
      std::vector<EpisodeRecord> records;
      if (Status s = m.take_unit(v, unit, &records); !s.ok()) return s;
      count += static_cast<std::int64_t>(records.size());
      taken[{v, unit}] = std::move(records);
    }
    std::set<std::int32_t> contributors;
    for (auto& [where, records] : taken) {
      for (EpisodeRecord& record : records) {
        if (static_cast<std::int32_t>(out->size()) >= episodes) {
          ++stats->records_dropped;  // a unit larger than what was missing
          continue;
        }
        contributors.insert(record.collector);
        if (record.policy_version != version) ++stats->records_stale;
        out->push_back(std::move(record));
      }
    }
    m.count_collectors(contributors, stats);
  } catch (const std::exception& e) {
    return Status::error("collecting from the store failed: " + one_line(e));
  }
  stats->wait_seconds = seconds_since(start);
  return {};
}

// ---- a collector ----

namespace {

// The collector's connection, re-made when the learner restarts.
class Connection {
 public:
  Connection(Endpoint where, double timeout_seconds)
      : where_(std::move(where)), timeout_seconds_(timeout_seconds) {}

  c10d::TCPStore& store() { return *store_; }
  bool connected() const { return store_.defined(); }
  void drop() { store_.reset(); }

  // Connects (again), retrying until the timeout; false with `error` set when it runs out.
  bool connect(std::string* error) {
    const auto start = Clock::now();
    for (;;) {
      try {
        store_ = connect_store(where_, false);
        store_->add("mp/ping", 0);
        return true;
      } catch (const std::exception& e) {
        store_.reset();
        if (seconds_since(start) > timeout_seconds_) {
          *error = "cannot reach the learner at " + where_.text() + " for " +
                   std::to_string(static_cast<int>(timeout_seconds_)) + " s: " + one_line(e);
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      }
    }
  }

 private:
  Endpoint where_;
  double timeout_seconds_;
  c10::intrusive_ptr<c10d::TCPStore> store_;
};

// Why this collector cannot work for the learner, or empty.
std::string mismatch(const RunManifest& learner, const RunManifest& mine) {
  const auto value = [](const RunManifest& manifest, const std::string& name) {
    const auto found = manifest.find(name);
    return found == manifest.end() ? std::string("(none)") : found->second;
  };
  if (value(learner, "protocol") != kProtocol) {
    return "the learner speaks protocol " + value(learner, "protocol") + ", this collector " +
           kProtocol + " (use the same macroplace on both)";
  }
  std::string differences;
  for (const auto& [name, own] : mine) {
    if (name != "design" && name.compare(0, 4, "env.") != 0) continue;
    if (value(learner, name) == own) continue;
    std::string difference =
        name + ": learner '" + value(learner, name) + "', collector '" + own + "'";
    if (name == "design" && value(learner, "corpus") != "(none)") {
      // A corpus: its count and the first design that differs, not every fingerprint.
      const std::vector<std::string> theirs = split_list(value(learner, name));
      const std::vector<std::string> ours = split_list(own);
      std::size_t first = 0;
      while (first < theirs.size() && first < ours.size() && theirs[first] == ours[first]) {
        ++first;
      }
      difference = "corpus: learner " + std::to_string(theirs.size()) + " designs, collector " +
                   std::to_string(ours.size()) + ", first difference at design " +
                   std::to_string(first + 1);
    }
    differences += (differences.empty() ? "" : "; ") + difference;
  }
  return differences.empty()
             ? ""
             : "this collector's design or environment differs (" + differences + ")";
}

}  // namespace

Status run_collector(const CollectOptions& options,
                     const std::function<void(const CollectorProgress&)>& progress,
                     CollectorProgress* final_progress) {
  torch::Device device(torch::kCPU);
  if (Status s = parse_device(options.device, &device); !s.ok()) return s;
  Connection connection(options.learner, options.connect_timeout_seconds);
  std::string error;
  if (!connection.connect(&error)) return Status::error(error);

  // The run's identity: the design (or corpus) to load and what must match. Read again after
  // every reconnection: the learner on that port may be another run now.
  RunManifest identity;
  std::int64_t unit_episodes = 0, units_per_design = 0;
  std::int32_t designs_per_iteration = 0;
  std::vector<std::size_t> every_iteration;
  std::uint64_t seed = 0;
  std::string netlist, plc, corpus;
  const auto read_identity = [&]() -> Status {
    try {
      connection.store().wait({"mp/identity"});
      identity = decode_identity(to_text(connection.store().get("mp/identity")));
    } catch (const std::exception& e) {
      return Status::error("the learner sent no run identity: " + one_line(e));
    }
    const auto named = identity.find("corpus");  // pre-training: the corpus's path
    corpus = named == identity.end() || named->second.empty() ? ""
             : options.corpus_path.empty()                    ? named->second
                                                              : options.corpus_path;
    if (!parse_whole(identity["unit_episodes"], &unit_episodes) || unit_episodes <= 0 ||
        !parse_whole(identity["seed"], &seed) ||
        (!corpus.empty() && !parse_whole(identity["units_per_design"], &units_per_design))) {
      if (identity["protocol"] != kProtocol) {
        return Status::error("refused: " + mismatch(identity, {}));
      }
      return Status::error("the learner's run identity is incomplete");
    }
    // A corpus's designs per iteration (absent: every design, every iteration).
    const auto per_iteration = identity.find("designs_per_iteration");
    designs_per_iteration = 0;
    if (per_iteration != identity.end() &&
        !parse_whole(per_iteration->second, &designs_per_iteration)) {
      return Status::error("the learner's run identity is incomplete");
    }
    every_iteration = every_iteration_of(identity);
    netlist = options.netlist_path.empty() ? identity["netlist"] : options.netlist_path;
    plc = options.netlist_path.empty() ? identity["plc"] : options.plc_path;
    return {};
  };
  if (Status s = read_identity(); !s.ok()) return s;

  // What this collector collects on: the learner's design, or each design of its corpus.
  struct Target {
    std::shared_ptr<const env::EnvDesign> design;
    std::string id;
    GraphTensors graph;
    std::unique_ptr<Collector> collector;
  };
  std::vector<Target> targets;
  std::vector<TrainingDesign> corpus_designs;  // loaded once per corpus path
  std::string loaded_corpus;
  CollectorProgress state;
  PolicyNetwork network{nullptr};
  bool spatial = false;
  const auto start = Clock::now();
  int failures = 0;
  torch::set_num_threads(options.torch_threads > 0 ? options.torch_threads
                                                   : std::max(1, options.threads));
  // Loads the targets as the learner builds its environments (defaults, plus the policy's
  // features); `why` says what is wrong when they cannot serve this learner.
  const auto load_targets = [&](std::string* why) -> Status {
    spatial = network->options().spatial_features;
    TrainerOptions reference;
    reference.env.observation.side = network->options().action_side;
    env::EnvOptions env_options = reference.env;
    env_options.observation.wire_mask = env_options.observation.density = spatial;
    targets.clear();
    if (corpus.empty()) {
      Target target;
      if (Status s = env::load_env_design(netlist, plc, env_options, &target.design); !s.ok()) {
        return s;
      }
      targets.push_back(std::move(target));
    } else {
      if (!options.load_corpus) {
        *why = "the learner trains on a corpus (" + corpus + ") and this collector cannot load one";
        return {};
      }
      if (loaded_corpus != corpus) {
        corpus_designs.clear();
        if (Status s = options.load_corpus(corpus, &corpus_designs); !s.ok()) return s;
        loaded_corpus = corpus;
      }
      for (const TrainingDesign& input : corpus_designs) {
        Target target;
        if (Status s =
                env::make_env_design(input.netlist, input.settings, env_options, &target.design);
            !s.ok()) {
          return Status::error("design '" + input.name + "': " + s.message());
        }
        targets.push_back(std::move(target));
      }
    }
    std::string design_id;
    for (Target& target : targets) {
      target.id = placement::design_fingerprint(*target.design->netlist, target.design->settings);
      design_id += (design_id.empty() ? "" : ",") + target.id;
    }
    *why = mismatch(identity, training_manifest(reference, design_id));
    if (!why->empty()) return {};
    for (Target& target : targets) {
      target.graph = make_graph_tensors(target.design->graph).to(device);
      target.collector = std::make_unique<Collector>(target.design, target.id,
                                                     static_cast<std::int32_t>(unit_episodes),
                                                     options.threads, spatial, 1.0);
    }
    return {};
  };
  for (;;) {
    try {
      if (!connection.connected()) {
        if (!connection.connect(&error)) return Status::error(error);
        // A restarted learner: register again, and check and load everything anew.
        state.id = -1;
        state.version = -1;
        targets.clear();
        if (Status s = read_identity(); !s.ok()) return s;
      }
      c10d::TCPStore& store = connection.store();
      if (state.id < 0) {
        state.id = static_cast<std::int32_t>(store.add("mp/collector_ids", 1) - 1);
      }
      if (store.check({"mp/stop"})) break;
      if (!store.check({"mp/version"})) {
        std::this_thread::sleep_for(kPoll);
        continue;
      }
      const std::int64_t version = std::stoll(to_text(store.get("mp/version")));
      if (version != state.version) {
        if (!store.check({key("weights", version)})) continue;  // replaced meanwhile
        if (Status s = policy_from_bytes(to_text(store.get(key("weights", version))), &network);
            !s.ok()) {
          return s;
        }
        network->to(device);
        if (targets.empty() || spatial != network->options().spatial_features ||
            targets[0].design->options.observation.side != network->options().action_side) {
          std::string why;
          if (Status s = load_targets(&why); !s.ok()) return s;
          if (!why.empty()) {
            store.set(key("refused", state.id), to_bytes(why));
            return Status::error("refused by the learner at " + options.learner.text() + ": " +
                                 why);
          }
        }
        state.version = version;
      }
      store.add(key("beat", state.id), 1);
      if (store.check({key("closed", version)})) {
        std::this_thread::sleep_for(kPoll);  // the learner is updating: wait for the next
        continue;
      }
      // A unit to collect: one re-issued (its claimer went silent), else the next new one.
      std::int64_t unit = -1;
      if (store.add(key("reissue_taken", version), 0) < store.add(key("reissued", version), 0)) {
        const std::int64_t slot = store.add(key("reissue_taken", version), 1) - 1;
        if (slot < store.add(key("reissued", version), 0)) {
          unit = std::stoll(to_text(store.get(key("reissue", version, slot))));
        }
      }
      if (unit < 0 && store.add(key("claims", version), 0) < store.add(key("quota", version), 0)) {
        const std::int64_t claim = store.add(key("claims", version), 1) - 1;
        if (claim < store.add(key("quota", version), 0)) unit = claim;
      }
      if (unit < 0) {
        std::this_thread::sleep_for(kPoll);  // every unit of this version is taken
        continue;
      }
      store.set(key("claimed", version, unit), to_bytes(std::to_string(state.id)));
      std::mt19937_64 sampler(unit_sampler_seed(seed, version, unit));
      // A beat at most every 0.2 s while collecting, so a unit may take longer than the
      // learner's collector timeout without being taken for a dead collector's.
      auto last_beat = Clock::now();
      const auto beat = [&] {
        if (seconds_since(last_beat) < 0.2) return;
        last_beat = Clock::now();
        store.add(key("beat", state.id), 1);
      };
      Target& target =
          targets[design_of_unit(unit, units_per_design,
                                 designs_of_iteration(seed, version, targets.size(),
                                                      designs_per_iteration, every_iteration))];
      Rollout rollout =
          target.collector->collect(network, target.graph, unit_reset_seed(seed, version, unit),
                                    &sampler, version, false, beat);
      for (EpisodeRecord& record : rollout.records) record.collector = state.id;
      store.set(key("records", version, unit), to_bytes(encode_unit(rollout.records)));
      const std::int64_t slot = store.add(key("delivered", version), 1) - 1;
      store.set(key("delivered", version, slot), to_bytes(std::to_string(unit)));
      store.add(key("beat", state.id), 1);
      ++state.units;
      state.episodes += unit_episodes;
      state.episodes_per_second = static_cast<double>(state.episodes) / seconds_since(start);
      if (progress) progress(state);
      if (options.max_units >= 0 && state.units >= options.max_units) break;
      failures = 0;
    } catch (const std::exception& e) {
      // The learner went away (or restarted): connect again, or give up after the timeout. The
      // same failure again and again with the learner reachable is not a connection problem.
      if (++failures >= 5) return Status::error("collecting failed: " + one_line(e));
      connection.drop();
    }
  }
  if (final_progress != nullptr) *final_progress = state;
  return {};
}

}  // namespace macroplace::rl
