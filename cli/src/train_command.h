// `macroplace train` (needs LibTorch: in macroplace-rl and the rl tests, not in the cli library).
#pragma once

#include "command_registry.h"

namespace macroplace::cli {

const Command& train_command();

}  // namespace macroplace::cli
