// Torch-free: the `rl` method's registry entries (policy_method.h).
#include "macroplace/rl/policy_method.h"

namespace macroplace::rl {

placement::PlacerInfo policy_placer_info() {
  placement::PlacerInfo info;
  info.name = "rl";
  info.stage = placement::Stage::kHardMacros;
  info.summary =
      "a policy trained by `macroplace train` or `pretrain`, or the shipped one (greedy or best of "
      "sampled episodes)";
  info.options = {
      {"--policy", "CKPT",
       "rl: RUN_DIR/policy.pt or checkpoint.pt (default: the shipped pre-trained policy)"},
      {"--samples", "K", "rl: best of the greedy and K sampled episodes (default 0)"},
      {"--sample-share", "F",
       "rl: sample episodes for this share of the time budget (K, when given, still caps)"},
      {"--finetune-minutes", "M", "rl: fine-tune the policy on this design for M minutes first"}};
  return info;
}

placement::MethodInfo policy_method_info() {
  placement::MethodInfo method;
  method.name = "rl";
  method.summary = "a trained policy places the hard macros (rl:CKPT; the shipped one by default)";
  method.hard_macros = "rl";
  method.soft_macros = "analytical";
  method.refine = "sa";
  method.argument_option = "--policy";
  return method;
}

void declare_policy_method(const std::string& provider) {
  placement::PlacerInfo placer = policy_placer_info();
  placer.provider = provider;
  placement::PlacerRegistry::global().add(std::move(placer));
  placement::PlacerRegistry::global().add(policy_method_info());
}

}  // namespace macroplace::rl
