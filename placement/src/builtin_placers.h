// The placers and methods every registry starts with (placer_registry.cpp adds them).
#pragma once

namespace macroplace::placement {
class PlacerRegistry;
namespace internal {
void add_builtin_placers(PlacerRegistry* registry);
}  // namespace internal
}  // namespace macroplace::placement
