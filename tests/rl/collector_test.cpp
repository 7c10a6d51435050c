// Episode records and their replay: a record survives encoding exactly and a damaged one is
// refused; collection does not depend on the number of environment threads; replaying the
// records rebuilds, row for row, the PPO batch the collector built from what it observed (so a
// learner can train on records from another process); records that do not fit are refused.
#include "macroplace/rl/collector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "macroplace/rl/episode_record.h"
#include "testing/testing.h"

namespace macroplace::rl {
namespace {

EpisodeRecord sample_record() {
  EpisodeRecord record;
  record.design = "0123456789abcdef";
  record.policy_version = 42;
  record.env_seed = 0xfedcba9876543210ULL;
  record.collector = 3;
  record.actions = {5, 17, 0, 16383};
  record.log_probs = {-1.5f, -0.25f, -9.75f, -1e-7f};
  record.values = {0.5f, -0.125f, 3.0f, -2.0f};
  record.rewards = {0, 0, 0, -0.75f};
  record.infeasible = false;
  record.proxy = 0.75;
  record.wirelength_cost = 0.25;
  record.density_cost = 0.5;
  record.congestion_cost = std::numeric_limits<double>::quiet_NaN();
  return record;
}

void expect_same(const EpisodeRecord& a, const EpisodeRecord& b) {
  EXPECT_EQ(a.design, b.design);
  EXPECT_EQ(a.policy_version, b.policy_version);
  EXPECT_EQ(a.env_seed, b.env_seed);
  EXPECT_EQ(a.collector, b.collector);
  EXPECT_EQ(a.actions, b.actions);
  EXPECT_EQ(a.log_probs, b.log_probs);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.rewards, b.rewards);
  EXPECT_EQ(a.infeasible, b.infeasible);
  EXPECT_EQ(a.proxy, b.proxy);
  EXPECT_EQ(a.wirelength_cost, b.wirelength_cost);
  EXPECT_EQ(a.density_cost, b.density_cost);
  EXPECT_EQ(std::isnan(a.congestion_cost), std::isnan(b.congestion_cost));
}

TEST(EpisodeRecord, RoundTripsExactly) {
  const EpisodeRecord record = sample_record();
  const std::string bytes = encode_record(record);
  // Fixed part + 8-byte lengths + per-step fields: the size is what the format says.
  EXPECT_EQ(bytes.size(), 4u + 4 + (8 + 16) + 8 + 8 + 4 + 1 + 4 * 8 + 4 * (8 + 4 * 4) + 4);
  EpisodeRecord back;
  ASSERT_TRUE(decode_record(bytes, "test", &back).ok());
  expect_same(record, back);
  EXPECT_DOUBLE_EQ(record.discounted_return(0.5), -0.75 * 0.125);
}

TEST(EpisodeRecord, DamagedBytesAreRefused) {
  const std::string bytes = encode_record(sample_record());
  EpisodeRecord back;
  for (const std::size_t at :
       {std::size_t{0}, std::size_t{9}, bytes.size() / 2, bytes.size() - 1}) {
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x40);
    const Status status = decode_record(damaged, "collector 7", &back);
    ASSERT_FALSE(status.ok()) << at;
    EXPECT_NE(status.message().find("collector 7"), std::string::npos);
  }
  for (const std::size_t size : {std::size_t{0}, std::size_t{7}, bytes.size() - 1}) {
    EXPECT_FALSE(decode_record(bytes.substr(0, size), "x", &back).ok()) << size;
  }
  EXPECT_FALSE(decode_record(bytes + "x", "x", &back).ok());
}

struct Fixture {
  std::shared_ptr<const env::EnvDesign> design;
  GraphTensors graph;
  PolicyNetwork network{nullptr};
};

Fixture make_fixture(bool spatial, const std::string& name = "sample_clustered") {
  Fixture f;
  env::EnvOptions options;
  options.observation.wire_mask = options.observation.density = spatial;
  const Status status = env::load_env_design(
      macroplace::testing::example_path("ct/" + name + "/netlist.pb.txt"),
      macroplace::testing::example_path("ct/" + name + "/initial.plc"), options, &f.design);
  EXPECT_TRUE(status.ok()) << status.to_string();
  f.graph = make_graph_tensors(f.design->graph);
  PolicyOptions policy;
  policy.spatial_features = spatial;
  policy.action_side = f.design->action_space.side;
  torch::manual_seed(11);
  f.network = PolicyNetwork(policy);
  return f;
}

void expect_equal(const torch::Tensor& a, const torch::Tensor& b, const char* what) {
  ASSERT_EQ(a.defined(), b.defined()) << what;
  if (!a.defined()) return;
  EXPECT_EQ(a.sizes(), b.sizes()) << what;
  EXPECT_EQ(a.scalar_type(), b.scalar_type()) << what;
  EXPECT_TRUE(torch::equal(a, b)) << what;
}

void expect_equal(const PpoBatch& a, const PpoBatch& b) {
  expect_equal(a.inputs.metadata, b.inputs.metadata, "metadata");
  expect_equal(a.inputs.node_features, b.inputs.node_features, "node_features");
  expect_equal(a.inputs.current_node, b.inputs.current_node, "current_node");
  expect_equal(a.inputs.mask, b.inputs.mask, "mask");
  expect_equal(a.inputs.spatial, b.inputs.spatial, "spatial");
  expect_equal(a.actions, b.actions, "actions");
  expect_equal(a.old_log_probs, b.old_log_probs, "old_log_probs");
  expect_equal(a.old_values, b.old_values, "old_values");
  expect_equal(a.returns, b.returns, "returns");
}

TEST(Collector, ReplayRebuildsTheCollectedBatchAndThreadsChangeNothing) {
  for (const bool spatial : {false, true}) {
    Fixture f = make_fixture(spatial);
    Collector one_thread(f.design, "design-a", 6, 1, spatial, 0.9);
    Collector two_threads(f.design, "design-a", 6, 2, spatial, 0.9);
    std::mt19937_64 random_a(5), random_b(5);
    const Rollout a = one_thread.collect(f.network, f.graph, 77, &random_a, 3, true);
    const Rollout b = two_threads.collect(f.network, f.graph, 77, &random_b, 3, true);
    ASSERT_EQ(a.records.size(), 6u);
    EXPECT_EQ(a.env_steps, a.batch.size());
    for (std::size_t i = 0; i < a.records.size(); ++i) {
      EXPECT_EQ(encode_record(a.records[i]), encode_record(b.records[i])) << i;
      EXPECT_EQ(a.records[i].policy_version, 3);
      EXPECT_EQ(a.records[i].design, "design-a");
    }
    expect_equal(a.batch, b.batch);

    // Through bytes, as from another process, into a collector of its own.
    std::vector<EpisodeRecord> received;
    for (const EpisodeRecord& record : a.records) {
      EpisodeRecord back;
      ASSERT_TRUE(decode_record(encode_record(record), "test", &back).ok());
      received.push_back(back);
    }
    Collector learner(f.design, "design-a", 6, 2, spatial, 0.9);
    PpoBatch replayed;
    const Status status = learner.replay(received, &replayed);
    ASSERT_TRUE(status.ok()) << status.to_string();
    expect_equal(a.batch, replayed);
    // Returns by hand for the first row of episode 0 (row 0): sum of discounted rewards.
    EXPECT_FLOAT_EQ(replayed.returns[0].item<float>(),
                    static_cast<float>(a.records[0].discounted_return(0.9)));
  }
}

TEST(Collector, RecordsThatDoNotFitAreRefused) {
  Fixture f = make_fixture(false);
  Collector collector(f.design, "design-a", 4, 1, false, 1.0);
  std::mt19937_64 random(1);
  int steps = 0;  // the heartbeat hook: once per step of the batch
  const Rollout rollout =
      collector.collect(f.network, f.graph, 9, &random, 0, false, [&steps] { ++steps; });
  EXPECT_EQ(rollout.batch.actions.defined(), false);  // no inputs kept
  EXPECT_EQ(steps, rollout.records[0].steps());       // every episode has the same length here
  PpoBatch batch;
  Collector learner(f.design, "design-a", 4, 1, false, 1.0);
  ASSERT_TRUE(learner.replay(rollout.records, &batch).ok());

  EXPECT_FALSE(learner.replay({}, &batch).ok());

  std::vector<EpisodeRecord> records = rollout.records;
  records[1].design = "design-b";
  Status status = learner.replay(records, &batch);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("design-b"), std::string::npos) << status.message();

  records = rollout.records;
  records[2].rewards.back() += 1.0f;  // a different environment would give other rewards
  status = learner.replay(records, &batch);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("diverged"), std::string::npos) << status.message();

  records = rollout.records;
  records[0].actions[0] = records[1].actions[0] == 0 ? -1 : -2;  // not a grid cell
  EXPECT_FALSE(learner.replay(records, &batch).ok());

  records = rollout.records;
  records[3].actions.push_back(0);  // longer than the episode
  records[3].log_probs.push_back(0);
  records[3].values.push_back(0);
  records[3].rewards.push_back(0);
  EXPECT_FALSE(learner.replay(records, &batch).ok());
}

// The rows of record i in a batch laid out as the contract says: chunks of `chunk` records one
// after the other, each step-major (for each step, the chunk's records still running, by index).
std::vector<std::int64_t> rows_of(const std::vector<EpisodeRecord>& records, std::size_t chunk,
                                  std::size_t i) {
  std::vector<std::int64_t> rows;
  std::int64_t row = 0;
  for (std::size_t first = 0; first < records.size(); first += chunk) {
    const std::size_t last = std::min(records.size(), first + chunk);
    std::int64_t longest = 0;
    for (std::size_t k = first; k < last; ++k) longest = std::max(longest, records[k].steps());
    for (std::int64_t t = 0; t < longest; ++t) {
      for (std::size_t k = first; k < last; ++k) {
        if (t >= records[k].steps()) continue;
        if (k == i) rows.push_back(row);
        ++row;
      }
    }
  }
  return rows;
}

void expect_same_rows(const PpoBatch& a, const std::vector<std::int64_t>& rows_a, const PpoBatch& b,
                      const std::vector<std::int64_t>& rows_b) {
  const torch::Tensor ia = torch::tensor(rows_a, torch::kInt64);
  const torch::Tensor ib = torch::tensor(rows_b, torch::kInt64);
  expect_equal(a.index(ia), b.index(ib));
}

// A learner's collector need not have one environment per record: 8 records collected by 4
// environments replay through 3 (chunks of 3, 3 and 2), each record's rows equal to those the
// collector built from its observations.
TEST(Collector, ReplayTakesAnyNumberOfRecords) {
  Fixture f = make_fixture(false);
  Collector collector(f.design, "design-a", 4, 1, false, 0.95);
  std::mt19937_64 random(2);
  const Rollout first = collector.collect(f.network, f.graph, 31, &random, 0, true);
  const Rollout second = collector.collect(f.network, f.graph, 32, &random, 0, true);
  std::vector<EpisodeRecord> records = first.records;
  records.insert(records.end(), second.records.begin(), second.records.end());
  const PpoBatch collected = PpoBatch::cat({first.batch, second.batch});

  Collector learner(f.design, "design-a", 3, 2, false, 0.95);
  PpoBatch replayed;
  const Status status = learner.replay(records, &replayed);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(replayed.size(), collected.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    expect_same_rows(collected, rows_of(records, 4, i), replayed, rows_of(records, 3, i));
  }
}

// Records of two designs of different sizes and episode lengths, interleaved, become one batch
// per design (in order of first appearance), each equal to what that design's collector saw,
// with its own graph; a record of a design the learner does not know is refused.
TEST(Collector, RecordsOfSeveralDesignsReplayIntoOneBatchEach) {
  Fixture a = make_fixture(false);
  Fixture b = make_fixture(false, "macro_tiles_10x10");
  ASSERT_NE(a.design->graph.num_nodes(), b.design->graph.num_nodes());
  Collector collect_a(a.design, "design-a", 3, 1, false, 1.0);
  Collector collect_b(b.design, "design-b", 2, 1, false, 1.0);
  std::mt19937_64 random(4);
  const Rollout ra = collect_a.collect(a.network, a.graph, 5, &random, 1, true);
  const Rollout rb = collect_b.collect(a.network, b.graph, 6, &random, 1, true);
  ASSERT_NE(ra.records[0].steps(), rb.records[0].steps());
  const std::vector<EpisodeRecord> records = {rb.records[0], ra.records[0], ra.records[1],
                                              rb.records[1], ra.records[2]};

  Collector learner_a(a.design, "design-a", 2, 1, false, 1.0);
  Collector learner_b(b.design, "design-b", 2, 1, false, 1.0);
  const std::map<std::string, ReplayDesign> designs = {{"design-a", {&learner_a, &a.graph}},
                                                       {"design-b", {&learner_b, &b.graph}}};
  std::vector<DesignBatch> parts;
  const Status status = replay_designs(designs, records, &parts);
  ASSERT_TRUE(status.ok()) << status.to_string();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].graph, &b.graph);  // design-b's record comes first
  EXPECT_EQ(parts[1].graph, &a.graph);
  expect_equal(parts[0].batch, rb.batch);
  for (std::size_t i = 0; i < ra.records.size(); ++i) {
    expect_same_rows(ra.batch, rows_of(ra.records, 3, i), parts[1].batch,
                     rows_of(ra.records, 2, i));
  }

  std::vector<EpisodeRecord> stranger = records;
  stranger[3].design = "design-c";
  const Status refused = replay_designs(designs, stranger, &parts);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.message().find("design-c"), std::string::npos) << refused.message();
}

}  // namespace
}  // namespace macroplace::rl
