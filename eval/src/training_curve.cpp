// The trainer's metrics.jsonl into a TrainingCurve (base/json_reader.h reads each line and
// reports file:line:column on anything it does not expect).
#include "macroplace/eval/training_curve.h"

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "macroplace/base/json_reader.h"

namespace macroplace::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

Status read_training_curve(const std::string& metrics_path, const std::string& label,
                           TrainingCurve* curve) {
  std::ifstream file(metrics_path, std::ios::binary);
  if (!file) return Status::error("cannot read '" + metrics_path + "'");
  TrainingCurve out;
  out.label = label;
  out.source = metrics_path;
  double seconds = 0;
  std::uint64_t line_number = 0;
  for (std::string line; std::getline(file, line);) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    FlatJsonObject object;
    if (Status s = parse_flat_json_object(line, metrics_path, line_number, &object); !s.ok()) {
      return s;
    }

    TrainingPoint point;
    double iteration = 0;
    if (Status s = object.number("iteration", &iteration); !s.ok()) return s;
    if (!(iteration >= 0) || iteration != std::floor(iteration) ||
        iteration > std::numeric_limits<std::int32_t>::max()) {
      return object.error(object.find("iteration"),
                          "expected a whole number >= 0 for \"iteration\"");
    }
    point.iteration = static_cast<std::int32_t>(iteration);
    double rollout = 0, update = 0, greedy = 0;
    const struct {
      const char* key;
      bool required;
      double missing;
      double* out;
    } fields[] = {{"proxy_mean", true, 0, &point.proxy_mean},
                  {"proxy_min", true, 0, &point.proxy_min},
                  {"best_proxy", true, 0, &point.best_proxy},
                  {"greedy_proxy", false, kNaN, &point.greedy_proxy},
                  {"rollout_s", true, 0, &rollout},
                  {"update_s", true, 0, &update},
                  {"greedy_s", false, 0, &greedy}};
    for (const auto& field : fields) {
      Status s = field.required ? object.number(field.key, field.out)
                                : object.number(field.key, field.missing, field.out);
      if (!s.ok()) return s;
    }
    // Seconds written as null (non-finite) add nothing.
    for (const double part : {rollout, update, greedy}) {
      if (std::isfinite(part)) seconds += part;
    }
    point.seconds = seconds;
    out.points.push_back(point);
  }
  if (file.bad()) return Status::error("cannot read '" + metrics_path + "'");
  *curve = std::move(out);
  return {};
}

}  // namespace macroplace::eval
