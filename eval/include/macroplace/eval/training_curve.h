// Reading a training run's curve: the trainer's RUN_DIR/metrics.jsonl (one flat JSON object per
// iteration) into a TrainingCurve for the evaluation report.
//
// Contract: every non-blank line must be one JSON object whose values are numbers, null, true,
// false or strings (no nesting). Each line needs "iteration" (a whole number), "proxy_mean",
// "proxy_min", "best_proxy", "rollout_s" and "update_s"; "greedy_proxy" and "greedy_s" are
// optional (runs written before greedy evaluation: NaN and 0). null reads as NaN (as 0 for the
// seconds); other keys are ignored. A point's seconds are the cumulative rollout + update +
// greedy time up to and including its iteration. On failure the status names
// file:line:column and what was expected, and `curve` is left alone.
//
//   TrainingCurve curve;
//   Status s = read_training_curve("runs/ariane/metrics.jsonl", "rl (runs/ariane)", &curve);
#pragma once

#include <string>

#include "macroplace/base/status.h"
#include "macroplace/eval/results.h"

namespace macroplace::eval {

Status read_training_curve(const std::string& metrics_path, const std::string& label,
                           TrainingCurve* curve);

}  // namespace macroplace::eval
