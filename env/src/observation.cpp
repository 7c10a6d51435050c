#include "macroplace/env/observation.h"

#include <string>

namespace macroplace::env {

Status ObservationConfig::validate() const {
  if (max_nodes < 1) return Status::error("max_nodes must be positive");
  if (max_edges < 1) return Status::error("max_edges must be positive");
  if (side < 1 || side > 4096) {
    return Status::error("action space side must be in 1..4096 (got " + std::to_string(side) + ")");
  }
  return Status();
}

void Observation::allocate(const ObservationConfig& config) {
  const std::size_t cells = static_cast<std::size_t>(config.side) * config.side;
  metadata.assign(kMetadataSize, 0.0F);
  node_features.assign(static_cast<std::size_t>(config.max_nodes) * kNodeFeatures, 0.0F);
  edge_src.assign(static_cast<std::size_t>(config.max_edges), 0);
  edge_dst.assign(static_cast<std::size_t>(config.max_edges), 0);
  edge_weight.assign(static_cast<std::size_t>(config.max_edges), 0.0F);
  num_nodes = num_edges = 0;
  current_node = 0;
  mask.assign(cells, 0);
  wire_mask.assign(config.wire_mask ? cells : 0, 0.0F);
  density.assign(config.density ? cells : 0, 0.0F);
  congestion.assign(config.congestion ? cells : 0, 0.0F);
}

}  // namespace macroplace::env
