// Observation: what the policy sees at each step, in fixed-size flat buffers laid out for
// Circuit Training's model (RL_REFERENCE.md, Environment), plus optional dense spatial features.
//
// Contract: every buffer has a fixed size set by ObservationConfig, whatever the design, so
// observations of many environments stack into one tensor:
//   metadata       [kMetadataSize]              see MetadataIndex
//   node_features  [max_nodes * kNodeFeatures]  node-major; see NodeFeature; zero padding
//   edge_src, edge_dst, edge_weight [max_edges] the design graph's edges (src < dst), zero padding
//   current_node   the graph node of the macro to place now (0 once the episode is over)
//   mask           [side * side]                1 where the action is legal (action_space.h)
//   wire_mask, density, congestion [side * side] when enabled, else empty; zero on padding.
// Graph nodes are those of design_graph.h. Lengths are normalised by (W + H): x, y of a node's
// centre, width and height (0 for soft macros and port clusters, as in CT). A hard macro not yet
// placed shows its initial position (the input placement's, CT's mixed-size pre-placement) or
// the canvas centre (EnvOptions::unplaced_location). Types: 1 hard macro, 2 soft macro, 3 port
// cluster. Spatial features, on the real grid cells (padding 0):
//   wire_mask   weighted HPWL increase of the current macro's nets if its centre went to the
//               cell (nets with no other placed terminal add their own pin spread, a constant);
//               min-max normalised to [0, 1] over the grid unless normalize_wire_mask is off.
//   density     the proxy cost's cell density (placed area / cell area, may exceed 1).
//   congestion  max(horizontal, vertical) routing congestion of the cell (proxy cost rules).
//
//   const Observation& obs = env.reset(seed);
//   const float* x_of_node_7 = &obs.node_features[7 * kNodeFeatures + kFeatureX];
//   bool legal = obs.mask[action] != 0;
#pragma once

#include <cstdint>
#include <vector>

#include "macroplace/base/status.h"

namespace macroplace::env {

inline constexpr int kMetadataSize = 12;
// Metadata scalars, in order (RL_REFERENCE.md): the sum of the raw edge counts / max_edges (as
// CT's extractor computes it), numbers of hard macros, soft macros and port clusters / max_nodes,
// total horizontal and vertical routes (routes per um x H, resp. x W, / 1000), total hard-macro
// routing allocation (the same products), grid columns and rows / side, W / (W + H), H / (W + H).
enum MetadataIndex : int {
  kMetaEdges,
  kMetaHardMacros,
  kMetaSoftMacros,
  kMetaPortClusters,
  kMetaHorizontalRoutes,
  kMetaVerticalRoutes,
  kMetaHorizontalMacroRoutes,
  kMetaVerticalMacroRoutes,
  kMetaColumns,
  kMetaRows,
  kMetaWidth,
  kMetaHeight,
};

inline constexpr int kNodeFeatures = 6;
enum NodeFeature : int {
  kFeatureX,
  kFeatureY,
  kFeatureWidth,
  kFeatureHeight,
  kFeatureType,
  kFeaturePlaced
};
enum NodeType : int { kHardMacroNode = 1, kSoftMacroNode = 2, kPortClusterNode = 3 };

struct ObservationConfig {
  std::int32_t max_nodes = 5000;   // RL_REFERENCE.md: CT pads to at most 5000 nodes
  std::int32_t max_edges = 70000;  // and 70000 edges
  std::int32_t side = 128;         // the action space is side x side
  // Optional dense spatial features (beyond CT), off by default.
  bool wire_mask = false;
  bool density = false;
  bool congestion = false;
  bool normalize_wire_mask = true;

  Status validate() const;
};

struct Observation {
  std::vector<float> metadata;
  std::vector<float> node_features;
  std::vector<std::int32_t> edge_src, edge_dst;
  std::vector<float> edge_weight;
  std::int32_t num_nodes = 0, num_edges = 0;  // real (unpadded) counts
  std::int32_t current_node = 0;
  std::vector<std::uint8_t> mask;
  std::vector<float> wire_mask, density, congestion;

  // Sizes every buffer for `config` and zero-fills it.
  void allocate(const ObservationConfig& config);
};

}  // namespace macroplace::env
