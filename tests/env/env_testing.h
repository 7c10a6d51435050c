// Helpers shared by the environment tests: loading the bundled designs, random legal actions.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "macroplace/env/placement_env.h"
#include "testing/testing.h"

namespace macroplace::env::testing {

// examples/<folder>/<netlist> with examples/<folder>/<plc>.
inline std::shared_ptr<const EnvDesign> load_example(const std::string& folder,
                                                     const std::string& netlist,
                                                     const std::string& plc,
                                                     const EnvOptions& options) {
  std::shared_ptr<const EnvDesign> design;
  const Status status =
      load_env_design(macroplace::testing::example_path(folder + "/" + netlist),
                      macroplace::testing::example_path(folder + "/" + plc), options, &design);
  EXPECT_TRUE(status.ok()) << status.to_string();
  return design;
}

inline std::shared_ptr<const EnvDesign> ariane(const EnvOptions& options = EnvOptions{}) {
  return load_example("ariane133-ng45", "netlist.pb.txt.gz", "legalized.plc", options);
}

// A uniformly random action among those the mask allows; -1 when none.
inline std::int32_t random_legal_action(const Observation& observation, std::mt19937_64* random) {
  std::int64_t legal = 0;
  for (const std::uint8_t m : observation.mask) legal += m;
  if (legal == 0) return -1;
  std::int64_t k = std::uniform_int_distribution<std::int64_t>(0, legal - 1)(*random);
  for (std::size_t a = 0; a < observation.mask.size(); ++a) {
    if (observation.mask[a] != 0 && k-- == 0) return static_cast<std::int32_t>(a);
  }
  return -1;
}

}  // namespace macroplace::env::testing
