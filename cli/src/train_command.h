// `macroplace train` and `collect` (need LibTorch: in macroplace-rl and the rl tests, not in the
// cli library).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "command_registry.h"
#include "macroplace/base/status.h"
#include "macroplace/rl/trainer.h"

namespace macroplace::cli {

const Command& train_command();
const Command& pretrain_command();
const Command& collect_command();  // collect_command.cpp
const Command& warmup_command();   // warmup_command.cpp

// The designs of a corpus (a folder or list file) as the trainer takes them, flat ones clustered
// (pretrain/corpus.h); `progress` (optional) hears "loading design i/n: NAME". What `pretrain`
// trains on and what its collectors load.
Status load_training_corpus(const std::string& corpus, std::vector<rl::TrainingDesign>* designs,
                            const std::function<void(const std::string&)>& progress);

// --action-side (128, the head's side x 2^k, or 'fit') into `policy`, or *fit for 'fit' (the
// caller fits the head to its designs' grids); false after printing why.
bool action_side_option(const char* command, const ParsedArguments& args, rl::PolicyOptions* policy,
                        bool* fit, std::ostream& err);

}  // namespace macroplace::cli
