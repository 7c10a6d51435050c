// The commands of macroplace-rl, run in-process with what its main registers (the rl method and
// `train`): a policy trained for two iterations is evaluated beside greedy, its runs are legal and
// match `macroplace cost`, the report carries its best-of-k curve and training curve, and
// `place --method rl` fine-tunes before placing.
#include <gtest/gtest.h>
#include <torch/cuda.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/cli/commands.h"
#include "macroplace/rl/policy_placer.h"
#include "run_command.h"
#include "testing/testing.h"
#include "train_command.h"

namespace macroplace::cli {
namespace {

using command_testing::lines_with;
using command_testing::number_after;
using command_testing::Result;
using command_testing::run;
using macroplace::testing::example_path;
using macroplace::testing::make_temp_dir;

const std::string kDesign = "ct/sample_clustered/netlist.pb.txt";

// As macroplace-rl's main does.
const bool kRegistered = [] {
  rl::register_policy_method();
  add_command(train_command());
  add_command(pretrain_command());
  add_command(warmup_command());
  return true;
}();

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t found = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++found;
  }
  return found;
}

// `rl` without a checkpoint places with the shipped policy (no file needed); `rl:` with an empty
// path is a usage error found before any work.
TEST(RlCommands, RlWithoutACheckpointUsesTheShippedPolicy) {
  const std::string out = make_temp_dir("cli_eval_rl_shipped");
  const Result empty =
      run({"eval", "--designs", example_path(kDesign), "--methods", "rl:", "--out", out + "/eval"});
  EXPECT_EQ(empty.status, kExitUsage);
  EXPECT_NE(empty.err.find("cannot read checkpoint ''"), std::string::npos) << empty.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/eval"));  // nothing written

  const Result placed =
      run({"place", example_path(kDesign), "--plc", example_path("ct/sample_clustered/initial.plc"),
           "--method", "rl", "--max-moves", "500", "-o", out + "/placed.plc"});
  ASSERT_EQ(placed.status, kExitSuccess) << placed.err;
  EXPECT_NE(placed.out.find("hard macros: policy: greedy best of 1 episodes"), std::string::npos)
      << placed.out;
  EXPECT_NE(placed.out.find("legality: legal"), std::string::npos) << placed.out;
}

// `pretrain` on a generated corpus of two designs: each design's best placement and metrics,
// and the pre-trained policy places a third design it never saw (legal result).
TEST(RlCommands, PretrainOnACorpusAndPlaceAnotherDesign) {
  const std::string dir = make_temp_dir("cli_pretrain");
  ASSERT_EQ(run({"generate", "-o", dir + "/corpus", "--count", "2", "--hard-macros", "6",
                 "--soft-macros", "40", "--ports", "16"})
                .status,
            kExitSuccess);
  const Result trained = run({"pretrain", dir + "/corpus", "--out", dir + "/run", "--iterations",
                              "2", "--episodes-per-design", "2", "--minibatch", "8", "--epochs",
                              "1", "--record-episodes", "--keep-policy-every", "1"});
  ASSERT_EQ(trained.status, kExitSuccess) << trained.err;
  EXPECT_NE(trained.out.find("pre-training on 2 designs"), std::string::npos) << trained.out;
  EXPECT_NE(trained.out.find("synthetic-2"), std::string::npos) << trained.out;
  for (const char* file :
       {"checkpoint.pt", "policy.pt", "best-synthetic-1.plc", "best-synthetic-2.json",
        "policies/iteration-000001.pt", "policies/iteration-000002.pt"}) {
    EXPECT_TRUE(std::filesystem::exists(dir + "/run/" + file)) << file;
  }
  const std::string metrics = macroplace::testing::read_file(dir + "/run/metrics.jsonl");
  EXPECT_EQ(count(metrics, "\n"), 2u);
  EXPECT_EQ(count(metrics, "\"design.synthetic-2.greedy_proxy\": "), 2u);
  const Result placed =
      run({"place", example_path(kDesign), "--plc", example_path("ct/sample_clustered/initial.plc"),
           "--method", "rl:" + dir + "/run/policy.pt", "--max-moves", "500", "-o",
           dir + "/placed.plc"});
  EXPECT_EQ(placed.status, kExitSuccess) << placed.err;
  EXPECT_NE(placed.out.find("legality: legal"), std::string::npos) << placed.out;

  // The recorded episodes (2 iterations x 2 designs x 2) into a dataset of the same corpus, each
  // under its design; a corpus without one of the run's designs writes nothing and says which.
  const Result built = run({"dataset", "build", dir + "/corpus", "-o", dir + "/data.h5",
                            "--samples", "0", "--episodes", dir + "/run"});
  ASSERT_EQ(built.status, kExitSuccess) << built.err;
  EXPECT_NE(built.out.find("2 designs, 0 samples, 8 episodes"), std::string::npos) << built.out;
  const Result inspected = run({"dataset", "inspect", dir + "/data.h5"});
  ASSERT_EQ(inspected.status, kExitSuccess) << inspected.err;
  EXPECT_EQ(lines_with(inspected.out, {"synthetic-", "       0        4  "}).size(), 2u)
      << inspected.out;
  macroplace::testing::write_file(dir + "/one.txt", "corpus/synthetic-1/netlist.pb.txt\n");
  const Result partial = run({"dataset", "build", dir + "/one.txt", "-o", dir + "/one.h5",
                              "--samples", "0", "--episodes", dir + "/run"});
  EXPECT_EQ(partial.status, kExitFailure);
  EXPECT_NE(partial.err.find("4 episodes of design 'synthetic-2'"), std::string::npos)
      << partial.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/one.h5"));

  // --every-iteration names designs of the corpus, fewer than --designs-per-iteration.
  const Result unknown = run({"pretrain", dir + "/corpus", "--out", dir + "/run3",
                              "--designs-per-iteration", "1", "--every-iteration", "synthetic-9"});
  EXPECT_EQ(unknown.status, kExitUsage);
  EXPECT_NE(unknown.err.find("no design named 'synthetic-9'"), std::string::npos) << unknown.err;
  const Result too_many = run({"pretrain", dir + "/corpus", "--out", dir + "/run3",
                               "--designs-per-iteration", "1", "--every-iteration", "synthetic-2"});
  EXPECT_EQ(too_many.status, kExitUsage);
  EXPECT_NE(too_many.err.find("more designs per iteration"), std::string::npos) << too_many.err;

  const Result not_a_count =
      run({"pretrain", dir + "/corpus", "--out", dir + "/run3", "--keep-policy-every", "two"});
  EXPECT_EQ(not_a_count.status, kExitUsage);
  EXPECT_NE(not_a_count.err.find("--keep-policy-every expects a count"), std::string::npos)
      << not_a_count.err;

  const Result empty = run({"pretrain", dir + "/nothing", "--out", dir + "/run2"});
  EXPECT_EQ(empty.status, kExitFailure);
  EXPECT_NE(empty.err.find("nothing"), std::string::npos) << empty.err;
}

// `warmup`: a dataset's samples warm the encoder up, the policy file starts a pre-training run,
// and the report has every epoch; a dataset without samples is an error that names the design.
TEST(RlCommands, WarmupFromADatasetThenPretrainFromIt) {
  const std::string dir = make_temp_dir("cli_warmup");
  ASSERT_EQ(run({"generate", "-o", dir + "/corpus", "--count", "2", "--hard-macros", "6",
                 "--soft-macros", "40", "--ports", "16"})
                .status,
            kExitSuccess);
  const Result built = run({"dataset", "build", dir + "/corpus", "-o", dir + "/data.h5",
                            "--samples", "6", "--time-limit", "0.2"});
  ASSERT_EQ(built.status, kExitSuccess) << built.err;
  const Result warmed =
      run({"warmup", dir + "/data.h5", "--out", dir + "/warm.pt", "--epochs", "3", "--minibatch",
           "4", "--validation", "0.34", "--report", dir + "/warmup.json"});
  ASSERT_EQ(warmed.status, kExitSuccess) << warmed.err;
  // 2 designs x 6 samples: 2 of each design validate (0.34 x 6), 4 train.
  EXPECT_NE(warmed.out.find("2 designs, 8 placements to train on, 4 to validate"),
            std::string::npos)
      << warmed.out;
  EXPECT_NE(warmed.out.find("after epoch 3"), std::string::npos) << warmed.out;
  const std::string report = macroplace::testing::read_file(dir + "/warmup.json");
  EXPECT_EQ(count(report, "\"validation_loss\":"), 3u) << report;
  const Result pretrained =
      run({"pretrain", dir + "/corpus", "--out", dir + "/run", "--init", dir + "/warm.pt",
           "--iterations", "1", "--episodes-per-design", "2", "--minibatch", "8", "--epochs", "1"});
  EXPECT_EQ(pretrained.status, kExitSuccess) << pretrained.err;

  const Result empty =
      run({"dataset", "build", dir + "/corpus", "-o", dir + "/empty.h5", "--samples", "0"});
  ASSERT_EQ(empty.status, kExitSuccess) << empty.err;
  const Result refused = run({"warmup", dir + "/empty.h5", "--out", dir + "/none.pt"});
  EXPECT_EQ(refused.status, kExitFailure);
  EXPECT_NE(refused.err.find("design 'synthetic-1': 0 placements"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/none.pt"));
  EXPECT_EQ(run({"warmup", dir + "/data.h5"}).status, kExitUsage);  // no --out
  EXPECT_EQ(run({"warmup", dir + "/data.h5", "--out", dir + "/x.pt", "--epochs", "0"}).status,
            kExitUsage);
}

// --device: a name that is no device is a usage error; CUDA where this LibTorch has none is a
// failure that says why, before the run folder is touched.
TEST(RlCommands, TrainDeviceOption) {
  const std::string dir = make_temp_dir("cli_train_device");
  const std::vector<std::string> base = {"train",
                                         example_path(kDesign),
                                         "--plc",
                                         example_path("ct/sample_clustered/initial.plc"),
                                         "--iterations",
                                         "1",
                                         "--episodes-per-iter",
                                         "2",
                                         "--minibatch",
                                         "4"};
  std::vector<std::string> bad = base;
  bad.insert(bad.end(), {"--out", dir + "/bad", "--device", "gpu"});
  const Result refused = run(bad);
  EXPECT_EQ(refused.status, kExitUsage);
  EXPECT_NE(refused.err.find("expected cpu, cuda, cuda:N or auto"), std::string::npos)
      << refused.err;
  std::vector<std::string> automatic = base;
  automatic.insert(automatic.end(), {"--out", dir + "/auto", "--device", "auto"});
  const Result ran = run(automatic);
  EXPECT_EQ(ran.status, kExitSuccess) << ran.err;
  if (!torch::cuda::is_available()) {
    std::vector<std::string> cuda = base;
    cuda.insert(cuda.end(), {"--out", dir + "/cuda", "--device", "cuda"});
    const Result failed = run(cuda);
    EXPECT_EQ(failed.status, kExitFailure);
    EXPECT_NE(failed.err.find("no CUDA"), std::string::npos) << failed.err;
  }
}

TEST(RlCommands, MissingCheckpointFails) {
  const std::string dir = make_temp_dir("cli_eval_missing_checkpoint");
  const Result result = run({"eval", "--designs", example_path(kDesign), "--methods",
                             "rl:" + dir + "/none.pt", "--out", dir + "/eval", "--quiet"});
  EXPECT_EQ(result.status, kExitUsage);
  EXPECT_NE(result.err.find("cannot read checkpoint '" + dir + "/none.pt'"), std::string::npos)
      << result.err;
}

TEST(RlCommands, TrainedPolicyIsEvaluatedWithItsTrainingCurve) {
  const std::string dir = make_temp_dir("cli_eval_rl");
  const std::string run_dir = dir + "/run";
  const std::string netlist = example_path(kDesign);
  const Result train =
      run({"train", netlist, "--plc", example_path("ct/sample_clustered/initial.plc"), "--out",
           run_dir, "--iterations", "2", "--episodes-per-iter", "4", "--minibatch", "8",
           "--threads", "1", "--torch-threads", "1", "--seed", "3", "--quiet"});
  ASSERT_EQ(train.status, kExitSuccess) << train.err;

  const std::string out = dir + "/eval";
  const Result eval =
      run({"eval", "--designs", netlist, "--methods", "greedy,rl:" + run_dir + "/checkpoint.pt",
           "--seeds", "1", "--samples", "2", "--scaling-samples", "4", "--max-moves", "2000",
           "--out", out, "--quiet"});
  ASSERT_EQ(eval.status, kExitSuccess) << eval.err;
  const std::string json = macroplace::testing::read_file(out + "/results.json");

  // One rl run (one seed), legal, written, and its proxy is what `macroplace cost` says of it.
  const std::vector<std::string> runs =
      lines_with(json, {"\"method\": \"rl\"", "\"placement_file\""});
  ASSERT_EQ(runs.size(), 1U) << json;
  EXPECT_NE(runs[0].find("\"legal\": true"), std::string::npos) << runs[0];
  EXPECT_NE(runs[0].find("\"placement_file\": \"placements/sample_clustered-rl-s1.plc\""),
            std::string::npos)
      << runs[0];
  const std::string placement = out + "/placements/sample_clustered-rl-s1.plc";
  const Result cost = run({"cost", netlist, "--plc", placement, "--json"});
  ASSERT_EQ(cost.status, kExitSuccess) << cost.err;
  EXPECT_NEAR(number_after(runs[0], "\"proxy\": "), number_after(cost.out, "\"proxy\":"), 1e-9);
  EXPECT_EQ(lines_with(json, {"\"method\": \"greedy\"", "\"placement_file\""}).size(), 1U);

  // Best-of-k curves of random and of rl (from 4 sampled episodes: k = 1, 2, 4).
  const std::vector<std::string> curves = lines_with(json, {"\"method\": \"rl\"", "\"k\": "});
  ASSERT_EQ(curves.size(), 1U) << json;
  EXPECT_NE(curves[0].find("\"samples\": 4"), std::string::npos) << curves[0];
  EXPECT_NE(curves[0].find("\"k\": [1, 2, 4]"), std::string::npos) << curves[0];

  // The training curve of the run folder: two iterations.
  EXPECT_NE(json.find("{\"label\": \"rl (" + run_dir + ")\", \"source\": \"" + run_dir +
                      "/metrics.jsonl\""),
            std::string::npos)
      << json;
  EXPECT_EQ(count(json, "{\"iteration\": "), 2U) << json;
  const std::string markdown = macroplace::testing::read_file(out + "/report.md");
  EXPECT_NE(markdown.find("\n## Training\n"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| rl (" + run_dir + ") | 2 |"), std::string::npos) << markdown;
  const std::string html = macroplace::testing::read_file(out + "/report.html");
  EXPECT_NE(html.find("<h2>Training</h2>"), std::string::npos);
  EXPECT_NE(html.find("<h3>rl (" + run_dir + ")</h3>"), std::string::npos);
  EXPECT_NE(html.find(">Proxy per training iteration<"), std::string::npos);
  EXPECT_NE(html.find(">sampled mean: last "), std::string::npos);

  // The same checkpoint fine-tuned on the design before placing (one iteration), and as the
  // start of a new training run.
  const Result tuned =
      run({"place", netlist, "--plc", example_path("ct/sample_clustered/initial.plc"), "--method",
           "rl", "--policy", run_dir + "/checkpoint.pt", "--finetune-minutes", "0.000001",
           "--max-moves", "2000", "-o", dir + "/tuned.plc"});
  ASSERT_EQ(tuned.status, kExitSuccess) << tuned.err;
  EXPECT_NE(tuned.out.find("fine-tuned 1 iterations; policy: greedy best of 1 episodes"),
            std::string::npos)
      << tuned.out;
  EXPECT_TRUE(std::filesystem::exists(dir + "/tuned.plc"));
  const Result bad_minutes =
      run({"place", netlist, "--method", "rl", "--policy", run_dir + "/checkpoint.pt",
           "--finetune-minutes", "-1", "-o", dir + "/bad.plc"});
  EXPECT_EQ(bad_minutes.status, kExitUsage);
  const Result init =
      run({"train", netlist, "--plc", example_path("ct/sample_clustered/initial.plc"), "--out",
           dir + "/tuned_run", "--init", run_dir + "/checkpoint.pt", "--iterations", "1",
           "--episodes-per-iter", "4", "--minibatch", "8", "--threads", "1", "--quiet"});
  ASSERT_EQ(init.status, kExitSuccess) << init.err;
  EXPECT_EQ(lines_with(macroplace::testing::read_file(dir + "/tuned_run/metrics.jsonl"),
                       {"\"iteration\": 1,"})
                .size(),
            1U);
}

}  // namespace
}  // namespace macroplace::cli
