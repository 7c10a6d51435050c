// The `rl` method as the placement registry knows it, without LibTorch: its hard-macro placer's
// options and its recipe (policy -> analytical soft macros -> coordinate descent). A program
// that does not link rl/ declares it (naming the executable that does, so commands can hand
// over); rl/ registers the same entries with the factory (policy_placer.h).
//
//   declare_policy_method("macroplace-rl");  // in `macroplace`
//   register_policy_method();                // in `macroplace-rl` and the tests
#pragma once

#include <string>

#include "macroplace/placement/placer.h"

namespace macroplace::rl {

placement::PlacerInfo policy_placer_info();  // without a factory
placement::MethodInfo policy_method_info();
// Adds both to the global registry, the placer provided by `provider`.
void declare_policy_method(const std::string& provider);

}  // namespace macroplace::rl
