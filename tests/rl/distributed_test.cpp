// Distributed collection on loopback: collectors deliver exactly the units an in-process
// collector gives for the same seeds; a unit whose claimer goes silent is re-issued under the same
// index; a collector of another design is refused; collector processes can die mid-run and the
// run ends as an undisturbed one.
#include "macroplace/rl/distributed.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <vector>

#include "macroplace/placement/design_loader.h"
#include "macroplace/rl/collector.h"
#include "macroplace/rl/trainer.h"
#include "testing/testing.h"

namespace macroplace::rl {
namespace {

using macroplace::testing::example_path;

const std::string kNetlist = "ct/sample_clustered/netlist.pb.txt";
const std::string kPlc = "ct/sample_clustered/initial.plc";
constexpr std::uint64_t kSeed = 9;

struct HubSetup {
  std::shared_ptr<const env::EnvDesign> design;
  std::string design_id;
  GraphTensors graph;
  PolicyNetwork network{nullptr};
  std::unique_ptr<CollectorHub> hub;
};

// A hub for the sample design, serving `unit_episodes` per unit, with a fresh policy.
HubSetup make_setup(std::int32_t unit_episodes, double collector_timeout,
                    std::int32_t max_staleness = 0) {
  HubSetup s;
  EXPECT_TRUE(env::load_env_design(example_path(kNetlist), example_path(kPlc), {}, &s.design).ok());
  s.design_id = placement::design_fingerprint(*s.design->netlist, s.design->settings);
  s.graph = make_graph_tensors(s.design->graph);
  PolicyOptions policy;
  policy.action_side = s.design->action_space.side;
  torch::manual_seed(4);
  s.network = PolicyNetwork(policy);
  TrainerOptions reference;
  reference.seed = kSeed;
  HubOptions hub;
  hub.identity = training_manifest(reference, s.design_id);
  hub.identity["netlist"] = example_path(kNetlist);
  hub.identity["plc"] = example_path(kPlc);
  hub.unit_episodes = unit_episodes;
  hub.collector_timeout_seconds = collector_timeout;
  hub.gather_timeout_seconds = 60;
  hub.max_staleness = max_staleness;
  const Status status = CollectorHub::start(hub, &s.hub);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return s;
}

// What an in-process collector gives for unit `unit` of version `version`.
std::vector<EpisodeRecord> unit_in_process(HubSetup& s, std::int64_t version, std::int64_t unit,
                                           std::int32_t unit_episodes) {
  Collector collector(s.design, s.design_id, unit_episodes, 1, false, 1.0);
  std::mt19937_64 sampler(unit_sampler_seed(kSeed, version, unit));
  return collector
      .collect(s.network, s.graph, unit_reset_seed(kSeed, version, unit), &sampler, version, false)
      .records;
}

// The records of units 0..units-1, as gathered, equal the in-process ones byte for byte (but
// for who collected them).
void expect_in_process_units(HubSetup& s, const std::vector<EpisodeRecord>& gathered,
                             std::int64_t version, std::int64_t units, std::int32_t per_unit) {
  ASSERT_EQ(gathered.size(), static_cast<std::size_t>(units * per_unit));
  for (std::int64_t unit = 0; unit < units; ++unit) {
    const std::vector<EpisodeRecord> expected = unit_in_process(s, version, unit, per_unit);
    for (std::int32_t i = 0; i < per_unit; ++i) {
      EpisodeRecord got = gathered[static_cast<std::size_t>(unit * per_unit + i)];
      EXPECT_GE(got.collector, 0);
      got.collector = expected[i].collector;
      EXPECT_EQ(encode_record(got), encode_record(expected[i])) << "unit " << unit << " #" << i;
    }
  }
}

CollectOptions collect_options(const HubSetup& s) {
  CollectOptions options;
  options.learner.port = s.hub->port();
  options.connect_timeout_seconds = 20;
  return options;
}

TEST(Distributed, CollectorsDeliverTheUnitsAnInProcessCollectorGives) {
  HubSetup s = make_setup(2, 30);
  ASSERT_TRUE(s.hub->publish(0, policy_bytes(s.network), 6).ok());
  Status first, second;
  std::thread a([&] { first = run_collector(collect_options(s), {}); });
  std::thread b([&] { second = run_collector(collect_options(s), {}); });
  std::vector<EpisodeRecord> records;
  GatherStats stats;
  const Status gathered = s.hub->gather(0, 6, &records, &stats);
  ASSERT_TRUE(gathered.ok()) << gathered.to_string();
  expect_in_process_units(s, records, 0, 3, 2);
  EXPECT_GE(stats.collectors, 1);
  EXPECT_EQ(stats.collectors_registered, 2);

  // The next version: the collectors pick up the new weights.
  torch::manual_seed(5);
  s.network = PolicyNetwork(s.network->options());
  ASSERT_TRUE(s.hub->publish(1, policy_bytes(s.network), 4).ok());
  ASSERT_TRUE(s.hub->gather(1, 4, &records, &stats).ok());
  expect_in_process_units(s, records, 1, 2, 2);

  s.hub.reset();  // stop
  a.join();
  b.join();
  EXPECT_TRUE(first.ok()) << first.to_string();
  EXPECT_TRUE(second.ok()) << second.to_string();
}

// The rendezvous of a launched job: the learner waits for the collectors it expects (bounded),
// so none arrives after a short run has ended.
TEST(Distributed, RendezvousWaitsForTheExpectedCollectorsWithinItsTimeout) {
  HubSetup s = make_setup(2, 30);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(s.hub->wait_for_collectors(1, 0.3), 0);  // nobody came: back after the timeout
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  Status collected;
  std::thread collector([&] { collected = run_collector(collect_options(s), {}); });
  EXPECT_EQ(s.hub->wait_for_collectors(1, 60), 1);
  EXPECT_EQ(s.hub->wait_for_collectors(2, 0.2), 1);
  s.hub.reset();  // stop
  collector.join();
  EXPECT_TRUE(collected.ok()) << collected.to_string();
}

// With max_staleness 1 collectors go on while the learner "updates": the next gather takes the
// units collected meanwhile with the previous weights (byte for byte the in-process units of
// that version, counted stale), the newest first; units older than the window are dropped and
// counted. Collectors run a fixed number of units here, so what is delivered when is known.
TEST(Distributed, WithStalenessCollectorsWorkAheadAndOldUnitsAreDropped) {
  HubSetup s = make_setup(2, 30, /*max_staleness=*/1);
  const auto collect_units = [&s](std::int64_t units) {
    CollectOptions options = collect_options(s);
    options.max_units = units;
    const Status status = run_collector(options, {});
    EXPECT_TRUE(status.ok()) << status.to_string();
  };
  const auto next_policy = [&s](std::uint64_t seed) {
    torch::manual_seed(seed);
    s.network = PolicyNetwork(s.network->options());
  };
  std::vector<EpisodeRecord> records;
  GatherStats stats;
  ASSERT_TRUE(s.hub->publish(0, policy_bytes(s.network), 4).ok());
  collect_units(4);  // the quota of version 0 holds two iterations' units
  ASSERT_TRUE(s.hub->gather(0, 4, &records, &stats).ok());
  EXPECT_EQ(stats.records_stale, 0);
  for (const EpisodeRecord& record : records) EXPECT_EQ(record.policy_version, 0);

  // Version 1's gather takes version 0's other two units: stale, collected ahead.
  std::vector<EpisodeRecord> ahead = unit_in_process(s, 0, 2, 2);
  const std::vector<EpisodeRecord> ahead_3 = unit_in_process(s, 0, 3, 2);
  ahead.insert(ahead.end(), ahead_3.begin(), ahead_3.end());
  next_policy(5);
  ASSERT_TRUE(s.hub->publish(1, policy_bytes(s.network), 4).ok());
  ASSERT_TRUE(s.hub->gather(1, 4, &records, &stats).ok());
  EXPECT_EQ(stats.records_stale, 4);
  EXPECT_EQ(stats.records_dropped, 0);
  ASSERT_EQ(records.size(), 4u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EpisodeRecord got = records[i];
    got.collector = -1;
    EXPECT_EQ(encode_record(got), encode_record(ahead[i])) << i;
  }

  // Four units of version 1: two go into version 2's batch; at version 3 the other two are out
  // of the window and dropped.
  collect_units(4);
  next_policy(6);
  ASSERT_TRUE(s.hub->publish(2, policy_bytes(s.network), 4).ok());
  ASSERT_TRUE(s.hub->gather(2, 4, &records, &stats).ok());
  EXPECT_EQ(stats.records_stale, 4);
  for (const EpisodeRecord& record : records) EXPECT_EQ(record.policy_version, 1);
  collect_units(2);
  next_policy(7);
  ASSERT_TRUE(s.hub->publish(3, policy_bytes(s.network), 4).ok());
  ASSERT_TRUE(s.hub->gather(3, 4, &records, &stats).ok());
  EXPECT_EQ(stats.records_dropped, 4);
  EXPECT_EQ(stats.records_stale, 4);
  for (const EpisodeRecord& record : records) EXPECT_EQ(record.policy_version, 2);
}

// A "collector" that claims unit 0 and goes silent, claims unit 1 and dies before saying who
// it is, and counts a delivery it never names: after the timeout units 0 and 1 are collected by
// the real collector, with their own seeds, and the batch is the undisturbed one.
TEST(Distributed, UnitsOfASilentCollectorAreReissuedUnderTheirIndex) {
  HubSetup s = make_setup(2, 0.5);
  ASSERT_TRUE(s.hub->publish(0, policy_bytes(s.network), 6).ok());
  c10d::TCPStoreOptions options;
  options.port = s.hub->port();
  options.isServer = false;
  c10d::TCPStore silent("127.0.0.1", options);
  const auto bytes = [](const std::string& text) {
    return std::vector<std::uint8_t>(text.begin(), text.end());
  };
  const std::int64_t id = silent.add("mp/collector_ids", 1) - 1;
  ASSERT_EQ(silent.add("mp/claims/0", 1) - 1, 0);
  silent.set("mp/claimed/0/0", bytes(std::to_string(id)));
  silent.add("mp/beat/" + std::to_string(id), 1);
  ASSERT_EQ(silent.add("mp/claims/0", 1) - 1, 1);  // no "claimed" key: died right after
  silent.add("mp/delivered/0", 1);                 // a slot that is never named

  Status collected;
  std::thread real([&] { collected = run_collector(collect_options(s), {}); });
  std::vector<EpisodeRecord> records;
  GatherStats stats;
  const auto start = std::chrono::steady_clock::now();
  const Status gathered = s.hub->gather(0, 6, &records, &stats);
  ASSERT_TRUE(gathered.ok()) << gathered.to_string();
  EXPECT_GE(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
  expect_in_process_units(s, records, 0, 3, 2);
  EXPECT_EQ(stats.collectors, 1);
  EXPECT_EQ(stats.collectors_registered, 2);
  EXPECT_EQ(stats.collectors_alive, 1);
  s.hub.reset();
  real.join();
  EXPECT_TRUE(collected.ok()) << collected.to_string();
}

TEST(Distributed, ACollectorOfAnotherDesignIsRefused) {
  HubSetup s = make_setup(2, 30);
  ASSERT_TRUE(s.hub->publish(0, policy_bytes(s.network), 4).ok());
  CollectOptions options = collect_options(s);
  options.netlist_path = example_path("ct/macro_tiles_10x10/netlist.pb.txt");
  const Status status = run_collector(options, {});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("refused"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("design: learner '" + s.design_id + "'"), std::string::npos)
      << status.message();
}

// Loads the Circuit Training examples at `paths` ("ct/NAME", names without "ct/") as a corpus,
// as a collector's corpus loader does.
Status load_example_corpus(const std::vector<std::string>& paths,
                           std::vector<TrainingDesign>* designs) {
  designs->clear();
  for (const std::string& path : paths) {
    placement::LoadedDesign loaded;
    Status s = placement::load_design(
        {example_path(path + "/netlist.pb.txt"), example_path(path + "/initial.plc"), false},
        &loaded);
    if (!s.ok()) return s;
    designs->push_back({path.substr(3),
                        std::make_shared<const netlist::Netlist>(std::move(loaded.netlist)),
                        loaded.settings});
  }
  return Status();
}

// Two iterations of pre-training on the corpus `paths` (written to corpus.txt, which the
// collectors are told to load) with `collectors` collector threads.
void run_corpus(const std::vector<std::string>& paths, const std::string& dir, int collectors,
                std::vector<IterationMetrics>* got, std::vector<double>* parameters,
                std::int32_t designs_per_iteration = 0,
                const std::vector<std::size_t>& every_iteration = {}) {
  const auto load = [&](const std::string& corpus, std::vector<TrainingDesign>* designs) {
    EXPECT_EQ(corpus, std::filesystem::absolute("corpus.txt").string());
    return load_example_corpus(paths, designs);
  };
  TrainerOptions options;
  ASSERT_TRUE(load(std::filesystem::absolute("corpus.txt").string(), &options.designs).ok());
  options.corpus_path = "corpus.txt";
  options.run_dir = macroplace::testing::make_temp_dir(dir);
  options.episodes_per_iteration = 4;  // per design
  options.iterations = 2;
  options.torch_threads = 1;
  options.seed = kSeed;
  options.ppo.minibatch_size = 8;
  options.listen = "127.0.0.1:0";
  options.unit_episodes = 2;
  options.designs_per_iteration = designs_per_iteration;
  options.designs_every_iteration = every_iteration;
  std::unique_ptr<Trainer> trainer;
  const Status created = Trainer::create(options, &trainer);
  ASSERT_TRUE(created.ok()) << created.to_string();
  CollectOptions collect;
  collect.learner.port = trainer->collector_port();
  collect.load_corpus = load;
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(collectors));
  std::vector<Status> results(static_cast<std::size_t>(collectors));
  for (int i = 0; i < collectors; ++i) {
    threads.emplace_back([&, i] { results[i] = run_collector(collect, {}); });
  }
  got->resize(2);
  for (IterationMetrics& m : *got) {
    const Status iterated = trainer->run_iteration(&m);
    ASSERT_TRUE(iterated.ok()) << iterated.to_string();
  }
  *parameters = trainer->parameters();
  trainer.reset();  // stop
  for (std::thread& thread : threads) thread.join();
  for (const Status& result : results) EXPECT_TRUE(result.ok()) << result.to_string();
}

// Pre-training with collectors: each loads the learner's corpus, collects units of every design,
// and the learner replays each record on its design. One collector or two give the same run;
// a collector that cannot load corpora, or whose corpus differs, is refused.
TEST(Distributed, CorpusCollectorsGiveTheSameRunWithAnyCount) {
  const std::vector<std::string> paths = {"ct/sample_clustered", "ct/simple_grouped_with_coords"};
  const auto load = [&](const std::string& corpus, std::vector<TrainingDesign>* designs) {
    EXPECT_EQ(corpus, std::filesystem::absolute("corpus.txt").string());
    return load_example_corpus(paths, designs);
  };
  const auto run = [&](const std::string& dir, int collectors, std::vector<IterationMetrics>* got,
                       std::vector<double>* parameters, std::int32_t designs_per_iteration = 0) {
    run_corpus(paths, dir, collectors, got, parameters, designs_per_iteration);
  };
  std::vector<IterationMetrics> one, two;
  std::vector<double> one_parameters, two_parameters;
  run("rl_corpus_collect_1", 1, &one, &one_parameters);
  run("rl_corpus_collect_2", 2, &two, &two_parameters);
  ASSERT_EQ(one.size(), 2u);
  ASSERT_EQ(two.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(one[i].episodes, 8);  // 4 per design
    ASSERT_EQ(one[i].designs.size(), 2u);
    EXPECT_EQ(one[i].designs[1].name, "simple_grouped_with_coords");
    EXPECT_TRUE(std::isfinite(one[i].designs[0].proxy_mean));
    EXPECT_TRUE(std::isfinite(one[i].designs[1].proxy_mean));
    EXPECT_EQ(one[i].proxy_mean, two[i].proxy_mean) << i;
    EXPECT_EQ(one[i].designs[1].proxy_mean, two[i].designs[1].proxy_mean) << i;
    EXPECT_EQ(one[i].total_loss, two[i].total_loss) << i;
  }
  EXPECT_EQ(one_parameters, two_parameters);

  // One design per iteration: the learner and the collectors draw the same one (the learner
  // refuses a unit whose records are of another design), and only it is trained and reported.
  std::vector<IterationMetrics> drawn;
  run("rl_corpus_collect_drawn", 2, &drawn, &two_parameters, 1);
  ASSERT_EQ(drawn.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(drawn[i].episodes, 4);
    ASSERT_EQ(drawn[i].designs.size(), 1u);
    const std::size_t d = designs_of_iteration(kSeed, static_cast<std::int64_t>(i), 2, 1).at(0);
    EXPECT_EQ(drawn[i].designs[0].name, paths[d].substr(3)) << i;
  }

  // Refusals: no corpus loader; a corpus of other designs.
  TrainerOptions options;
  ASSERT_TRUE(load(std::filesystem::absolute("corpus.txt").string(), &options.designs).ok());
  options.corpus_path = "corpus.txt";
  options.run_dir = macroplace::testing::make_temp_dir("rl_corpus_collect_refused");
  options.episodes_per_iteration = 2;
  options.listen = "127.0.0.1:0";
  options.gather_timeout_seconds = 5;
  std::unique_ptr<Trainer> trainer;
  ASSERT_TRUE(Trainer::create(options, &trainer).ok());
  // The learner publishes version 0 when an iteration starts; with no delivery it gives up.
  Status learned;
  std::thread learner([&] { learned = trainer->run_iteration(nullptr); });
  CollectOptions collect;
  collect.learner.port = trainer->collector_port();
  collect.connect_timeout_seconds = 20;
  Status status = run_collector(collect, {});
  EXPECT_NE(status.message().find("cannot load one"), std::string::npos) << status.message();
  collect.corpus_path = "copy-here.txt";  // the corpus at another path on this machine
  collect.load_corpus = [&](const std::string& corpus, std::vector<TrainingDesign>* designs) {
    EXPECT_EQ(corpus, "copy-here.txt");
    Status s = load(std::filesystem::absolute("corpus.txt").string(), designs);
    designs->pop_back();  // one design fewer
    return s;
  };
  status = run_collector(collect, {});
  EXPECT_NE(status.message().find("corpus: learner 2 designs, collector 1"), std::string::npos)
      << status.message();
  learner.join();
  EXPECT_FALSE(learned.ok());
}

// A corpus's designs per iteration: k distinct ones in corpus order, the same for the same
// (seed, version), every design about equally often over many versions; all of them for 0 or
// k >= D. Units go k at a time to each chosen design.
TEST(Distributed, DesignsOfAnIterationAreASeededUniformChoice) {
  EXPECT_EQ(designs_of_iteration(3, 7, 4, 0), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(designs_of_iteration(3, 7, 4, 9), (std::vector<std::size_t>{0, 1, 2, 3}));
  constexpr std::size_t kDesigns = 6;
  constexpr std::int64_t kVersions = 3000;
  std::vector<int> times(kDesigns, 0);
  int differ_from_previous = 0;
  std::vector<std::size_t> previous;
  for (std::int64_t v = 0; v < kVersions; ++v) {
    const std::vector<std::size_t> chosen = designs_of_iteration(11, v, kDesigns, 2);
    ASSERT_EQ(chosen.size(), 2u);
    EXPECT_LT(chosen[0], chosen[1]);  // distinct, ascending
    EXPECT_LT(chosen[1], kDesigns);
    EXPECT_EQ(chosen, designs_of_iteration(11, v, kDesigns, 2));
    for (const std::size_t d : chosen) ++times[d];
    differ_from_previous += chosen != previous ? 1 : 0;
    previous = chosen;
  }
  // Each design is drawn with probability 1/3: 1000 of 3000 expected, binomial sd ~26.
  for (const int count : times) EXPECT_NEAR(count, 1000, 130);
  // 15 pairs: the same pair twice in a row 1 time in 15.
  EXPECT_GT(differ_from_previous, kVersions * 4 / 5);
  EXPECT_NE(designs_of_iteration(1, 0, 50, 5), designs_of_iteration(2, 0, 50, 5));
  const std::vector<std::size_t> chosen = {1, 4, 5};
  EXPECT_EQ(design_of_unit(0, 2, chosen), 1u);
  EXPECT_EQ(design_of_unit(1, 2, chosen), 1u);
  EXPECT_EQ(design_of_unit(2, 2, chosen), 4u);
  EXPECT_EQ(design_of_unit(5, 2, chosen), 5u);
  EXPECT_EQ(design_of_unit(6, 2, chosen), 1u);  // working ahead: round again
  EXPECT_EQ(design_of_unit(5, 0, chosen), 1u);  // one design
}

// Designs named for every iteration are in every choice; the rest of the k are drawn uniformly
// among the others. Collectors read them from the learner's identity and draw the same.
TEST(Distributed, DesignsInEveryIterationAreAlwaysChosen) {
  constexpr std::int64_t kVersions = 3000;
  std::vector<int> times(6, 0);
  for (std::int64_t v = 0; v < kVersions; ++v) {
    const std::vector<std::size_t> chosen = designs_of_iteration(11, v, 6, 3, {1, 4});
    ASSERT_EQ(chosen.size(), 3u);
    EXPECT_TRUE(std::is_sorted(chosen.begin(), chosen.end()));
    EXPECT_EQ(std::count(chosen.begin(), chosen.end(), 1u), 1);
    EXPECT_EQ(std::count(chosen.begin(), chosen.end(), 4u), 1);
    for (const std::size_t d : chosen) ++times[d];
  }
  EXPECT_EQ(times[1], kVersions);
  EXPECT_EQ(times[4], kVersions);
  // One of the 4 others each time: 750 of 3000 expected, binomial sd ~24.
  for (const std::size_t d : {0u, 2u, 3u, 5u}) EXPECT_NEAR(times[d], 750, 120) << d;

  const std::vector<std::string> paths = {"ct/sample_clustered", "ct/simple_grouped_with_coords",
                                          "ct/simple_with_coords"};
  std::vector<IterationMetrics> got;
  std::vector<double> parameters;
  run_corpus(paths, "rl_corpus_collect_every", 1, &got, &parameters, 2, {2});
  ASSERT_EQ(got.size(), 2u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].episodes, 8);
    ASSERT_EQ(got[i].designs.size(), 2u);
    EXPECT_EQ(got[i].designs[1].name, "simple_with_coords") << i;
    const std::size_t other =
        designs_of_iteration(kSeed, static_cast<std::int64_t>(i), 3, 2, {2}).at(0);
    EXPECT_EQ(got[i].designs[0].name, paths[other].substr(3)) << i;
  }
}

// A learner of another macroplace (another protocol) is refused before anything is loaded.
TEST(Distributed, ALearnerOfAnotherProtocolIsRefused) {
  c10d::TCPStoreOptions options;
  options.port = 0;
  options.isServer = true;
  options.waitWorkers = false;
  c10d::TCPStore learner("127.0.0.1", options);
  const std::string identity = "protocol=macroplace-collect-0\nseed=1\n";
  learner.set("mp/identity", std::vector<std::uint8_t>(identity.begin(), identity.end()));
  CollectOptions collect;
  collect.learner.port = learner.getPort();
  collect.connect_timeout_seconds = 5;
  const Status status = run_collector(collect, {});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("protocol macroplace-collect-0"), std::string::npos)
      << status.message();
}

TEST(Distributed, EndpointsParse) {
  Endpoint endpoint;
  ASSERT_TRUE(parse_endpoint("10.0.0.7:29500", &endpoint).ok());
  EXPECT_EQ(endpoint.host, "10.0.0.7");
  EXPECT_EQ(endpoint.port, 29500);
  ASSERT_TRUE(parse_endpoint("[::1]:0", &endpoint).ok());
  EXPECT_EQ(endpoint.host, "[::1]");
  for (const char* bad : {"", "host", ":80", "host:", "host:65536", "host:-1", "host:8x"}) {
    EXPECT_FALSE(parse_endpoint(bad, &endpoint).ok()) << bad;
  }
}

// Collector processes, one killed after the first iteration: the run ends as one with a single
// collector thread, bit for bit (the same units, the same seeds).
TEST(Distributed, TrainingOutlivesAKilledCollectorProcessAndEqualsAnUndisturbedRun) {
  const auto options_for = [](const std::string& dir) {
    TrainerOptions options;
    options.netlist_path = example_path(kNetlist);
    options.plc_path = example_path(kPlc);
    options.run_dir = macroplace::testing::make_temp_dir(dir);
    options.episodes_per_iteration = 8;
    options.iterations = 3;
    options.torch_threads = 1;
    options.seed = kSeed;
    options.ppo.minibatch_size = 8;
    options.listen = "127.0.0.1:0";
    options.unit_episodes = 2;
    options.collector_timeout_seconds = 1;
    return options;
  };
  // Reference: one collector in a thread.
  std::unique_ptr<Trainer> reference;
  ASSERT_TRUE(Trainer::create(options_for("rl_distributed_reference"), &reference).ok());
  CollectOptions in_thread;
  in_thread.learner.port = reference->collector_port();
  std::thread collector([&] { (void)run_collector(in_thread, {}); });
  std::vector<IterationMetrics> expected(3);
  for (IterationMetrics& m : expected) ASSERT_TRUE(reference->run_iteration(&m).ok());
  const std::vector<double> expected_parameters = reference->parameters();
  reference.reset();
  collector.join();

  std::unique_ptr<Trainer> trainer;
  ASSERT_TRUE(Trainer::create(options_for("rl_distributed_kill"), &trainer).ok());
  std::vector<pid_t> children;
  children.reserve(2);
  for (int i = 0; i < 2; ++i) {
    const pid_t child = fork();
    if (child == 0) {
      const std::string port = "127.0.0.1:" + std::to_string(trainer->collector_port());
      execl(MACROPLACE_RL_EXECUTABLE, "macroplace-rl", "collect", "--connect", port.c_str(),
            "--torch-threads", "1", "--quiet", static_cast<char*>(nullptr));
      _exit(127);
    }
    children.push_back(child);
  }
  std::vector<IterationMetrics> got(3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(trainer->run_iteration(&got[i]).ok());
    if (i == 0) {
      kill(children[0], SIGKILL);
      waitpid(children[0], nullptr, 0);
    }
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(got[i].proxy_mean, expected[i].proxy_mean) << i;
    EXPECT_EQ(got[i].entropy, expected[i].entropy) << i;
    EXPECT_EQ(got[i].total_loss, expected[i].total_loss) << i;
  }
  EXPECT_EQ(got[2].collectors, 1);
  EXPECT_EQ(trainer->parameters(), expected_parameters);
  trainer.reset();  // stop: the surviving collector exits 0
  int status = 0;
  ASSERT_EQ(waitpid(children[1], &status, 0), children[1]);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// Started by a launcher (torchrun's variables here): rank 0 learns, ranks 1 and 2 collect, and
// the run equals one with two local collectors.
TEST(Distributed, LauncherRanksLearnAndCollect) {
  const std::string dir = macroplace::testing::make_temp_dir("rl_launcher");
  const auto start = [&](const std::string& run, int rank, int size, const std::string& port,
                         const std::vector<std::string>& extra) {
    const pid_t child = fork();
    if (child != 0) return child;
    if (size > 0) {
      setenv("RANK", std::to_string(rank).c_str(), 1);
      setenv("WORLD_SIZE", std::to_string(size).c_str(), 1);
      setenv("MASTER_ADDR", "127.0.0.1", 1);
      setenv("MASTER_PORT", port.c_str(), 1);
    }
    std::vector<std::string> args = {"macroplace-rl",
                                     "train",
                                     example_path(kNetlist),
                                     "--plc",
                                     example_path(kPlc),
                                     "--out",
                                     dir + "/" + run,
                                     "--episodes-per-iter",
                                     "8",
                                     "--iterations",
                                     "3",
                                     "--minibatch",
                                     "8",
                                     "--torch-threads",
                                     "1",
                                     "--seed",
                                     "5",
                                     "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(MACROPLACE_RL_EXECUTABLE, argv.data());
    _exit(127);
  };
  const auto exit_code = [](pid_t child) {
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  };
  ASSERT_EQ(exit_code(start("reference", 0, 0, "", {"--collectors", "2"})), 0);
  // A port that is free now: bind one, note it, let it go.
  c10d::TCPStoreOptions probe;
  probe.port = 0;
  probe.isServer = true;
  probe.waitWorkers = false;
  std::string port;
  {
    c10d::TCPStore store("127.0.0.1", probe);
    port = std::to_string(store.getPort());
  }
  std::vector<pid_t> ranks;
  ranks.reserve(3);
  for (int rank = 0; rank < 3; ++rank) ranks.push_back(start("launched", rank, 3, port, {}));
  for (const pid_t rank : ranks) EXPECT_EQ(exit_code(rank), 0);
  const auto metrics = [&](const std::string& run) {
    std::vector<std::string> lines;
    std::istringstream text(macroplace::testing::read_file(dir + "/" + run + "/metrics.jsonl"));
    for (std::string line; std::getline(text, line);) {
      lines.push_back(line.substr(0, line.find(", \"rollout_s\"")));  // timings last
    }
    return lines;
  };
  EXPECT_EQ(metrics("launched"), metrics("reference"));

  // A world without the learner's address is a usage error.
  const pid_t lost = fork();
  if (lost == 0) {
    unsetenv("MASTER_ADDR");
    setenv("SLURM_PROCID", "1", 1);
    setenv("SLURM_NTASKS", "4", 1);
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    execl(MACROPLACE_RL_EXECUTABLE, "macroplace-rl", "train", example_path(kNetlist).c_str(),
          "--out", (dir + "/lost").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  EXPECT_EQ(exit_code(lost), 2);
}

}  // namespace
}  // namespace macroplace::rl
