// Main for every benchmark: the usual console table for people, or with --json-lines one JSON
// object per line, {"name": ..., "value": ..., "unit": ...}, which bench/run collects.
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

class JsonLinesReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context& /*context*/) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      const std::string name = escaped(run.benchmark_name());
      if (run.error_occurred) {
        std::cout << "{\"name\": \"" << name << "\", \"error\": \"" << escaped(run.error_message)
                  << "\"}\n";
        continue;
      }
      std::cout << "{\"name\": \"" << name << "\", \"value\": " << run.GetAdjustedRealTime()
                << ", \"unit\": \"" << benchmark::GetTimeUnitString(run.time_unit) << "\"}\n";
      for (const auto& [counter, value] : run.counters) {
        std::cout << "{\"name\": \"" << name << "/" << escaped(counter)
                  << "\", \"value\": " << static_cast<double>(value) << ", \"unit\": \"\"}\n";
      }
    }
    std::cout.flush();
  }
};

}  // namespace

int main(int argc, char** argv) {
  bool json_lines = false;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json-lines") == 0) {
      json_lines = true;
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
  if (json_lines) {
    JsonLinesReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
