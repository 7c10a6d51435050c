// Datasets: designs, placements with their exact costs, and episode records of a corpus in one
// HDF5 file (schema in docs/DATASET.md), for pre-training and for the encoder's supervised
// warm-up.
//
// Contract:
// - The writer creates a new file (a temporary renamed into place by commit(): readers never see
//   half a dataset). Per design it stores the netlist arrays and cost settings (the static graph
//   and features) with the design's fingerprint; samples and episodes are appended in any
//   number of calls. Every array is chunked, compressed (shuffle + deflate) and checksummed
//   (Fletcher-32), so a corrupt chunk is an error when read, not bad numbers.
// - The reader refuses a file that is not a macroplace dataset, has another schema version, or
//   misses or mis-sizes an array, naming the file and the array. A design read back is rebuilt
//   as a Netlist and checked against its stored fingerprint (mismatch: an error), so what a
//   learner trains on is exactly what was written.
// - A sample is a whole placement of the design's placeable nodes (ports, hard and soft macros,
//   standard cells: `DatasetDesign::placeable`, netlist order) with its exact cost components
//   and where it came from (method, seed).
//
//   std::unique_ptr<DatasetWriter> writer;
//   Status s = DatasetWriter::create("corpus.h5", &writer);
//   s = writer->add_design("ariane", netlist, settings);
//   s = writer->append_samples("ariane", samples);
//   s = writer->commit();
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "macroplace/base/status.h"
#include "macroplace/netlist/netlist.h"
#include "macroplace/placement/cost_settings.h"
#include "macroplace/placement/proxy_cost.h"

namespace macroplace::pretrain {

inline constexpr std::int32_t kDatasetVersion = 1;

struct DatasetSample {
  std::string method;  // what placed it: "random", "greedy", "sa", "rl", ...
  std::uint64_t seed = 0;
  std::vector<double> x, y;               // per placeable node, centres in um
  std::vector<std::uint8_t> orientation;  // per placeable node, netlist::Orientation
  placement::CostBreakdown costs;         // exact, by ProxyCost with the design's settings
};

// A sample of the evaluator's current placement.
DatasetSample sample_of(const placement::ProxyCost& cost, const std::string& method,
                        std::uint64_t seed);
// The nodes a sample lists: every port, macro and standard cell, in netlist order.
std::vector<netlist::NodeId> placeable_nodes(const netlist::Netlist& netlist);

class DatasetWriter {
 public:
  static Status create(const std::string& path, std::unique_ptr<DatasetWriter>* out);
  ~DatasetWriter();
  DatasetWriter(const DatasetWriter&) = delete;
  DatasetWriter& operator=(const DatasetWriter&) = delete;

  // The netlist (with its current placement as the design's start) and settings; names are
  // unique within a dataset.
  Status add_design(const std::string& name, const netlist::Netlist& netlist,
                    const placement::CostSettings& settings);
  Status append_samples(const std::string& name, const std::vector<DatasetSample>& samples);
  // One serialized episode record (rl::EpisodeRecord bytes; opaque here).
  Status append_episode(const std::string& name, const std::string& bytes);
  Status commit();

 private:
  struct Impl;
  DatasetWriter();
  std::unique_ptr<Impl> impl_;
};

struct DatasetDesign {
  std::string name, fingerprint;
  netlist::Netlist netlist;  // at the design's start placement
  placement::CostSettings settings;
  std::vector<netlist::NodeId> placeable;
  std::int64_t samples = 0, episodes = 0;
};

class DatasetReader {
 public:
  static Status open(const std::string& path, std::unique_ptr<DatasetReader>* out);
  ~DatasetReader();
  DatasetReader(const DatasetReader&) = delete;
  DatasetReader& operator=(const DatasetReader&) = delete;

  std::int32_t version() const;
  const std::vector<std::string>& designs() const;  // in the order they were added
  Status read_design(const std::string& name, DatasetDesign* out) const;
  // Samples [first, first + count) of a design.
  Status read_samples(const std::string& name, std::int64_t first, std::int64_t count,
                      std::vector<DatasetSample>* out) const;
  Status read_episode(const std::string& name, std::int64_t index, std::string* bytes) const;

 private:
  struct Impl;
  DatasetReader();
  std::unique_ptr<Impl> impl_;
};

}  // namespace macroplace::pretrain
