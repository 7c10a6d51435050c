// The encoder's supervised warm-up: on random placements of a small Circuit Training design
// with their exact costs, the encoder learns how they differ (validation error under half of
// predicting no differences), only the encoder's weights change, the run is repeatable, and bad
// inputs are errors that name the design.
#include "macroplace/rl/warmup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "macroplace/placement/design_loader.h"
#include "macroplace/placement/proxy_cost.h"
#include "macroplace/rl/torch_policy.h"
#include "testing/testing.h"

namespace macroplace::rl {
namespace {

// `count` placements of ct/sample_clustered: every macro at a uniformly drawn centre that keeps
// it on the canvas (ports where the design has them), with the costs ProxyCost computes.
WarmupDesign random_placements(std::int32_t count, std::uint64_t seed) {
  placement::LoadedDesign loaded;
  const Status s = placement::load_design(
      {macroplace::testing::example_path("ct/sample_clustered/netlist.pb.txt"),
       macroplace::testing::example_path("ct/sample_clustered/initial.plc"), false},
      &loaded);
  EXPECT_TRUE(s.ok()) << s.to_string();
  WarmupDesign design;
  design.name = "sample_clustered";
  design.settings = loaded.settings;
  auto netlist = std::make_shared<netlist::Netlist>(std::move(loaded.netlist));
  for (netlist::NodeId node = 0; node < netlist->num_nodes(); ++node) {
    const netlist::NodeKind kind = netlist->kind(node);
    if (netlist::is_macro(kind) || kind == netlist::NodeKind::kPort) design.nodes.push_back(node);
  }
  std::mt19937_64 random(seed);
  placement::ProxyCost cost(*netlist, design.settings);
  for (std::int32_t p = 0; p < count; ++p) {
    std::vector<double> x, y;
    for (const netlist::NodeId node : design.nodes) {
      double cx = netlist->x(node), cy = netlist->y(node);
      if (netlist::is_macro(netlist->kind(node))) {
        const double half_w = netlist->placed_width(node) / 2;
        const double half_h = netlist->placed_height(node) / 2;
        cx = std::uniform_real_distribution<double>(half_w,
                                                    design.settings.canvas_width - half_w)(random);
        cy = std::uniform_real_distribution<double>(half_h,
                                                    design.settings.canvas_height - half_h)(random);
        cost.move(node, cx, cy);
      }
      x.push_back(cx);
      y.push_back(cy);
    }
    design.x.push_back(std::move(x));
    design.y.push_back(std::move(y));
    design.costs.push_back(cost.costs());
  }
  design.netlist = std::move(netlist);
  return design;
}

WarmupOptions small_options() {
  WarmupOptions options;
  options.epochs = 40;
  options.minibatch_size = 16;
  options.learning_rate = 3e-3;
  options.validation_share = 0.25;
  options.seed = 5;
  return options;
}

std::vector<torch::Tensor> parameters_of(const std::string& path, PolicyNetwork* network) {
  PolicyOptions options;
  *network = PolicyNetwork(options);
  torch::serialize::InputArchive archive;
  archive.load_from(path);
  torch::serialize::InputArchive model;
  archive.read("model", model);
  (*network)->load(model);
  return (*network)->parameters();
}

TEST(WarmupTest, EncoderLearnsToPredictCostsAndOnlyTheEncoderChanges) {
  const std::string dir = macroplace::testing::make_temp_dir("warmup");
  const std::vector<WarmupDesign> designs = {random_placements(256, 1)};
  const WarmupOptions options = small_options();
  WarmupResult result;
  std::int32_t heard = 0;
  const Status s =
      warm_up_encoder(designs, options, dir + "/warm.pt", &result,
                      [&](const WarmupEpoch& epoch) { EXPECT_EQ(epoch.epoch, ++heard); });
  ASSERT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(heard, options.epochs);
  ASSERT_EQ(result.epochs.size(), static_cast<std::size_t>(options.epochs));
  EXPECT_EQ(result.validation_placements, 64);  // a quarter of 256
  EXPECT_EQ(result.train_placements, 192);
  // Standardised over the training placements, the validation targets' mean square is near 1.
  EXPECT_GT(result.baseline_loss, 0.5);
  EXPECT_LT(result.baseline_loss, 2.0);
  const double last = result.epochs.back().validation_loss;
  EXPECT_LT(last, 0.5 * result.baseline_loss) << "baseline " << result.baseline_loss;
  EXPECT_LT(last, 0.5 * result.initial_loss);
  EXPECT_LT(result.epochs.back().train_loss, 0.5 * result.epochs.front().train_loss);

  // The file is a policy file: the trained encoder, and the heads exactly as a new network
  // of the same seed has them.
  PolicyNetwork warmed{nullptr};
  const std::vector<torch::Tensor> after = parameters_of(dir + "/warm.pt", &warmed);
  torch::manual_seed(options.seed);
  PolicyNetwork fresh(options.policy);
  std::int32_t encoder_changed = 0, heads_kept = 0;
  const auto named = fresh->named_parameters();
  const auto warmed_named = warmed->named_parameters();
  for (const auto& item : named) {
    const torch::Tensor& trained = warmed_named[item.key()];
    const bool equal = torch::equal(trained, item.value());
    const std::string& name = item.key();
    if (name.rfind("head", 0) == 0 || name.rfind("deconv", 0) == 0 || name.rfind("value", 0) == 0) {
      EXPECT_TRUE(equal) << name;
      heads_kept += equal ? 1 : 0;
    } else {
      encoder_changed += equal ? 0 : 1;
    }
  }
  EXPECT_GT(heads_kept, 0);
  EXPECT_GT(encoder_changed, 4);
  EXPECT_EQ(after.size(), fresh->parameters().size());

  // Repeatable with one LibTorch thread.
  WarmupResult again;
  ASSERT_TRUE(warm_up_encoder(designs, options, dir + "/again.pt", &again, {}).ok());
  for (std::size_t e = 0; e < result.epochs.size(); ++e) {
    EXPECT_EQ(again.epochs[e].validation_loss, result.epochs[e].validation_loss) << e;
  }
  // A time limit stops after the epoch that passes it.
  WarmupOptions limited = options;
  limited.time_limit_seconds = 1e-9;
  WarmupResult one;
  ASSERT_TRUE(warm_up_encoder(designs, limited, dir + "/one.pt", &one, {}).ok());
  EXPECT_EQ(one.epochs.size(), 1u);
}

TEST(WarmupTest, BadInputsAreErrorsThatNameTheDesign) {
  const std::string dir = macroplace::testing::make_temp_dir("warmup_errors");
  const WarmupOptions options = small_options();
  WarmupResult result;
  Status s = warm_up_encoder({random_placements(3, 1)}, options, dir + "/p.pt", &result, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("design 'sample_clustered': 3 placements"), std::string::npos)
      << s.message();

  WarmupDesign missing = random_placements(8, 1);
  const auto hard =
      std::find_if(missing.nodes.begin(), missing.nodes.end(), [&](netlist::NodeId node) {
        return missing.netlist->kind(node) == netlist::NodeKind::kHardMacro;
      });
  ASSERT_NE(hard, missing.nodes.end());
  const std::ptrdiff_t column = hard - missing.nodes.begin();
  missing.nodes.erase(hard);
  for (auto& x : missing.x) x.erase(x.begin() + column);
  for (auto& y : missing.y) y.erase(y.begin() + column);
  s = warm_up_encoder({missing}, options, dir + "/p.pt", &result, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("is not in the placements"), std::string::npos) << s.message();

  WarmupDesign short_row = random_placements(8, 1);
  short_row.x[5].pop_back();
  s = warm_up_encoder({short_row}, options, dir + "/p.pt", &result, {});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("placement 5 lists"), std::string::npos) << s.message();

  EXPECT_FALSE(warm_up_encoder({}, options, dir + "/p.pt", &result, {}).ok());
  WarmupOptions no_epochs = options;
  no_epochs.epochs = 0;
  EXPECT_FALSE(
      warm_up_encoder({random_placements(8, 1)}, no_epochs, dir + "/p.pt", &result, {}).ok());
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.pt"));  // nothing written on an error
}

}  // namespace
}  // namespace macroplace::rl
