// `macroplace train` and `collect` (need LibTorch: in macroplace-rl and the rl tests, not in the
// cli library).
#pragma once

#include "command_registry.h"

namespace macroplace::cli {

const Command& train_command();
const Command& pretrain_command();
const Command& collect_command();  // collect_command.cpp

}  // namespace macroplace::cli
