#include "macroplace/placement/row_legalizer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace macroplace::placement {

namespace {

using netlist::NodeId;
using netlist::NodeKind;
using netlist::Rect;

// Geometric slack (um): two boxes overlap when they share more than this in x and in y; a cell is
// on a row or a site when within this of it. Far above rounding in micrometre coordinates, far
// below any site.
constexpr double kTolerance = 1e-6;
// Derived site pitches are at least this (um) and divide every width to this relative tolerance.
constexpr double kMinSiteWidth = 0.001;
constexpr double kSiteRelativeTolerance = 1e-6;
// A desired left edge this close to a site (um) counts as on it, so that a legal cell's trial
// cost is exactly 0 and abutting legal cells do not look like overlapping ones; a final position
// this close to the input one keeps the input coordinates bit for bit. Half of kTolerance, so two
// kept neighbours overlap by at most kTolerance (which the checker accepts).
constexpr double kKeepSlack = kTolerance / 2;
constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool finite_non_negative(double value) {
  return std::isfinite(value) && value >= 0;
}

// One row as both the legalizer and the checker see it.
struct RowGeometry {
  double y = 0;       // bottom (um)
  double height = 0;  // um
  double x0 = 0;      // usable extent (um), inside the canvas
  double x1 = 0;
  double site_origin = 0;  // sites start at site_origin + k * site
  double site = 1;
};

struct Rows {
  Status status;
  double row_height = 0;
  double site_width = 0;
  std::vector<RowGeometry> rows;  // sorted by y, then x0
};

// The distinct values as {value, count}, ascending; a value within `relative` (relative) of the
// first value of the group before it joins that group.
std::vector<std::pair<double, std::int64_t>> distinct_values(std::vector<double> values,
                                                             double relative) {
  std::sort(values.begin(), values.end());
  std::vector<std::pair<double, std::int64_t>> out;
  for (double value : values) {
    if (!out.empty() && value - out.back().first <= relative * value) {
      ++out.back().second;
    } else {
      out.emplace_back(value, 1);
    }
  }
  return out;
}

// The most common positive standard-cell height (ties: the smaller); 0 when there is none.
double most_common_height(const netlist::Netlist& design) {
  std::vector<double> heights;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != NodeKind::kStdCell) continue;
    const double height = design.placed_height(node);
    if (std::isfinite(height) && height > 0) heights.push_back(height);
  }
  double best = 0;
  std::int64_t best_count = 0;
  for (const auto& [height, count] : distinct_values(std::move(heights), 1e-9)) {
    if (count > best_count) {
      best = height;
      best_count = count;
    }
  }
  return best;
}

// The largest s >= kMinSiteWidth dividing every positive standard-cell width; it divides the
// smallest width, so it is that width over some k. kMinSiteWidth when none does; 0 without cells.
double derived_site_width(const netlist::Netlist& design) {
  std::vector<double> widths;
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    if (design.kind(node) != NodeKind::kStdCell) continue;
    const double width = design.placed_width(node);
    if (std::isfinite(width) && width > 0) widths.push_back(width);
  }
  if (widths.empty()) return 0;
  const auto distinct = distinct_values(std::move(widths), 1e-12);
  const double smallest = distinct.front().first;
  const auto max_divisor = static_cast<std::int64_t>(std::floor(smallest / kMinSiteWidth + 1e-9));
  for (std::int64_t k = 1; k <= max_divisor; ++k) {
    const double site = smallest / static_cast<double>(k);
    bool divides_all = true;
    for (const auto& entry : distinct) {
      const double width = entry.first;
      if (std::abs(width - std::round(width / site) * site) > kSiteRelativeTolerance * width) {
        divides_all = false;
        break;
      }
    }
    if (divides_all) return site;
  }
  return kMinSiteWidth;
}

// Builds the rows for a row height and site pitch (0 = resolve as RowLegalizerOptions says).
Rows make_rows(const netlist::Netlist& design, double row_height, double site_width) {
  Rows out;
  if (!design.canvas) {
    out.status = Status::error("row legalization needs a canvas; the netlist has none");
    return out;
  }
  const Rect& canvas = *design.canvas;
  if (!(canvas.width() > 0 && canvas.height() > 0)) {
    out.status = Status::error("the canvas is empty");
    return out;
  }
  // The netlist's rows serve unless a different row height is asked for.
  std::vector<double> netlist_heights;
  netlist_heights.reserve(design.rows.size());
  for (const netlist::Row& row : design.rows) {
    if (row.height > 0) netlist_heights.push_back(row.height);
  }
  double netlist_height = 0;
  std::int64_t netlist_height_count = 0;
  for (const auto& [height, count] : distinct_values(std::move(netlist_heights), 1e-9)) {
    if (count > netlist_height_count) {
      netlist_height = height;
      netlist_height_count = count;
    }
  }
  if (netlist_height > 0 &&
      (row_height == 0 || std::abs(row_height - netlist_height) <= 1e-9 * netlist_height)) {
    for (const netlist::Row& row : design.rows) {
      double site = site_width;
      if (site <= 0) site = row.site_spacing > 0 ? row.site_spacing : row.site_width;
      if (!(site > 0) || !(row.height > 0)) continue;
      if (row.y < canvas.y0 - kTolerance || row.y + row.height > canvas.y1 + kTolerance) continue;
      const double spacing = row.site_spacing > 0 ? row.site_spacing : site;
      RowGeometry geometry;
      geometry.y = row.y;
      geometry.height = row.height;
      geometry.x0 = std::max(row.origin_x, canvas.x0);
      geometry.x1 =
          std::min(row.origin_x + static_cast<double>(row.num_sites) * spacing, canvas.x1);
      geometry.site_origin = row.origin_x;
      geometry.site = site;
      if (geometry.x1 <= geometry.x0) continue;
      out.rows.push_back(geometry);
    }
    if (out.rows.empty()) {
      out.status = Status::error("none of the netlist's rows lies inside the canvas");
      return out;
    }
    out.row_height = netlist_height;
    out.site_width = out.rows.front().site;
  } else {
    out.row_height = row_height > 0 ? row_height : most_common_height(design);
    out.site_width = site_width > 0 ? site_width : derived_site_width(design);
    if (!(out.row_height > 0) || !(out.site_width > 0)) {
      out.status = Status::error(
          "no row height or site width given and no standard cell to derive them from");
      return out;
    }
    const auto count =
        static_cast<std::int64_t>(std::floor((canvas.height() + kTolerance) / out.row_height));
    if (count < 1) {
      out.status = Status::error("no row of height " + std::to_string(out.row_height) +
                                 " fits in a canvas " + std::to_string(canvas.height()) + " high");
      return out;
    }
    out.rows.reserve(static_cast<std::size_t>(count));
    for (std::int64_t k = 0; k < count; ++k) {
      RowGeometry geometry;
      geometry.y = canvas.y0 + static_cast<double>(k) * out.row_height;
      geometry.height = out.row_height;
      geometry.x0 = canvas.x0;
      geometry.x1 = canvas.x1;
      geometry.site_origin = canvas.x0;
      geometry.site = out.site_width;
      out.rows.push_back(geometry);
    }
  }
  std::stable_sort(out.rows.begin(), out.rows.end(), [](const auto& a, const auto& b) {
    return a.y < b.y || (a.y == b.y && a.x0 < b.x0);
  });
  return out;
}

// Footprints every non-fixed standard cell must stay clear of: macros, fixed standard cells and
// blockages with rate > 0 (boxes of zero area are left out).
std::vector<Rect> obstacles_of(const netlist::Netlist& design, const std::vector<double>& x,
                               const std::vector<double>& y) {
  std::vector<Rect> out;
  out.reserve(design.blockages.size());
  for (const netlist::Blockage& blockage : design.blockages) {
    if (blockage.rate > 0 && blockage.rect.width() > 0 && blockage.rect.height() > 0) {
      out.push_back(blockage.rect);
    }
  }
  for (NodeId node = 0; node < design.num_nodes(); ++node) {
    const NodeKind kind = design.kind(node);
    if (!netlist::is_macro(kind) && !(kind == NodeKind::kStdCell && design.fixed(node))) continue;
    const double width = design.placed_width(node);
    const double height = design.placed_height(node);
    if (!(width > 0 && height > 0)) continue;
    out.push_back(
        {x[node] - width / 2, y[node] - height / 2, x[node] + width / 2, y[node] + height / 2});
  }
  return out;
}

bool is_movable_cell(const netlist::Netlist& design, NodeId node) {
  return design.kind(node) == NodeKind::kStdCell && !design.fixed(node);
}

// ---- Abacus ----

// A run of abutting cells at the position minimizing sum e_i (x_i - x'_i)^2 over its cells:
// x = q / e with e = sum e_i and q = sum e_i (x'_i - offset_i), clamped into the segment.
struct Cluster {
  double x = 0;  // left edge (sites)
  double e = 0;
  double q = 0;
  double w = 0;            // width (sites)
  std::int32_t first = 0;  // index of its first cell in Segment::cells
};

// A free stretch of one row, in whole sites [a, b] counted from the row's site origin.
struct Segment {
  std::int32_t row = 0;
  double a = 0;
  double b = 0;
  double used = 0;  // sites taken by the cells committed so far
  std::vector<Cluster> clusters;
  std::vector<std::int32_t> cells;  // indices into the cell list, left to right
  std::vector<double> cell_widths;  // their widths in sites
  // Cells of zero width, which overlap nothing: {index into the cell list, site}. Kept out of the
  // clusters, where they would push legal neighbours about.
  std::vector<std::pair<std::int32_t, double>> points;
};

// Merges `cluster` into the clusters before it while they overlap, as Abacus' Collapse does;
// returns the final cluster and how many of `clusters` (from the back) it swallowed.
template <typename Clusters>
Cluster collapse(const Segment& segment, const Clusters& clusters, Cluster cluster,
                 std::size_t* swallowed) {
  std::size_t back = clusters.size();
  while (true) {
    cluster.x = std::clamp(cluster.q / cluster.e, segment.a, segment.b - cluster.w);
    if (back == 0) break;
    const Cluster& previous = clusters[back - 1];
    if (previous.x + previous.w <= cluster.x) break;
    Cluster merged = previous;
    merged.q = previous.q + cluster.q - cluster.e * previous.w;
    merged.e = previous.e + cluster.e;
    merged.w = previous.w + cluster.w;
    cluster = merged;
    --back;
  }
  *swallowed = clusters.size() - back;
  return cluster;
}

// Where Abacus' PlaceRow would put a cell appended to `segment` (left edge, sites), without
// changing the segment.
double trial_position(const Segment& segment, double desired, double width, double weight) {
  Cluster cluster{0, weight, weight * desired, width, 0};
  std::size_t swallowed = 0;
  cluster = collapse(segment, segment.clusters, cluster, &swallowed);
  return cluster.x + cluster.w - width;
}

void commit(Segment* segment, std::int32_t cell, double desired, double width, double weight) {
  Cluster cluster{0, weight, weight * desired, width,
                  static_cast<std::int32_t>(segment->cells.size())};
  segment->cells.push_back(cell);
  segment->cell_widths.push_back(width);
  segment->used += width;
  std::size_t swallowed = 0;
  cluster = collapse(*segment, segment->clusters, cluster, &swallowed);
  segment->clusters.resize(segment->clusters.size() - swallowed);
  segment->clusters.push_back(cluster);
}

// Final left edges (sites) of a segment's cells: each cluster starts on the site nearest its
// optimum (rounding is monotone and widths are whole sites, so clusters stay apart), cells abut
// inside it; two sweeps then make sure of it against any rounding surprise.
std::vector<double> snapped_positions(const Segment& segment) {
  const std::size_t count = segment.cells.size();
  std::vector<double> left(count);
  for (std::size_t c = 0; c < segment.clusters.size(); ++c) {
    const Cluster& cluster = segment.clusters[c];
    const std::size_t end = c + 1 < segment.clusters.size() ? segment.clusters[c + 1].first : count;
    double position = std::clamp(std::floor(cluster.x + 0.5), segment.a, segment.b - cluster.w);
    for (auto i = static_cast<std::size_t>(cluster.first); i < end; ++i) {
      left[i] = position;
      position += segment.cell_widths[i];
    }
  }
  double end = segment.a;
  for (std::size_t i = 0; i < count; ++i) {
    left[i] = std::max(left[i], end);
    end = left[i] + segment.cell_widths[i];
  }
  double start = segment.b;
  for (std::size_t i = count; i-- > 0;) {
    left[i] = std::min(left[i], start - segment.cell_widths[i]);
    start = left[i];
  }
  return left;
}

struct MovableCell {
  NodeId node = 0;
  double left = 0;  // desired left edge and bottom (um)
  double bottom = 0;
  double width = 0;  // footprint (um)
  double height = 0;
};

// Width of a cell in whole sites (a cell that is not a multiple takes the next site too).
double width_in_sites(double width, double site) {
  return std::max(0.0, std::ceil(width / site - kSiteRelativeTolerance));
}

// The desired left edge in sites from the row's origin; within kKeepSlack of a site, on it.
double desired_in_sites(double left, const RowGeometry& row) {
  const double sites = (left - row.site_origin) / row.site;
  const double nearest = std::round(sites);
  return std::abs(sites - nearest) * row.site <= kKeepSlack ? nearest : sites;
}

class AbacusLegalizer {
 public:
  AbacusLegalizer(const Rows& rows, const std::vector<Rect>& obstacles, int max_row_search)
      : rows_(rows.rows), max_row_search_(max_row_search) {
    build_segments(obstacles);
    row_y_.reserve(rows_.size());
    for (const RowGeometry& row : rows_) row_y_.push_back(row.y);
  }

  // Places cell `index` (already in x order); false when no segment has room for it.
  bool place(std::int32_t index, const MovableCell& cell) {
    Choice best;
    if (max_row_search_ > 0) search(cell, max_row_search_, &best);
    if (best.segment < 0) search(cell, 0, &best);
    if (best.segment < 0) return false;
    Segment& segment = segments_[best.segment];
    const RowGeometry& row = rows_[segment.row];
    const double width = width_in_sites(cell.width, row.site);
    const double desired = desired_in_sites(cell.left, row);
    if (width == 0) {
      segment.points.emplace_back(index, std::clamp(desired, segment.a, segment.b));
    } else {
      commit(&segment, index, desired, width, std::max(width, 1.0));
    }
    return true;
  }

  // Calls visit(cell index, left edge um, bottom um) for every placed cell.
  template <typename Visit>
  void for_each_position(Visit visit) const {
    for (const Segment& segment : segments_) {
      const RowGeometry& row = rows_[segment.row];
      const std::vector<double> left = snapped_positions(segment);
      for (std::size_t i = 0; i < segment.cells.size(); ++i) {
        visit(segment.cells[i], row.site_origin + left[i] * row.site, row.y);
      }
      for (const auto& [index, site] : segment.points) {
        const double snapped = std::clamp(std::floor(site + 0.5), segment.a, segment.b);
        visit(index, row.site_origin + snapped * row.site, row.y);
      }
    }
  }

 private:
  struct Choice {
    double cost = kInfinity;
    std::int32_t segment = -1;
  };

  void build_segments(const std::vector<Rect>& obstacles) {
    // Obstacle x-intervals cutting each row: an obstacle cuts the rows it overlaps by more than
    // kTolerance vertically.
    std::vector<std::vector<std::pair<double, double>>> cuts(rows_.size());
    double tallest = 0;
    for (const RowGeometry& row : rows_) tallest = std::max(tallest, row.height);
    for (const Rect& box : obstacles) {
      auto first =
          std::lower_bound(rows_.begin(), rows_.end(), box.y0 - tallest,
                           [](const RowGeometry& row, double value) { return row.y < value; });
      for (auto it = first; it != rows_.end() && it->y < box.y1 - kTolerance; ++it) {
        if (it->y + it->height > box.y0 + kTolerance) {
          cuts[static_cast<std::size_t>(it - rows_.begin())].emplace_back(box.x0, box.x1);
        }
      }
    }
    row_segment_begin_.reserve(rows_.size() + 1);
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      row_segment_begin_.push_back(static_cast<std::int32_t>(segments_.size()));
      const RowGeometry& row = rows_[r];
      std::vector<std::pair<double, double>>& row_cuts = cuts[r];
      std::sort(row_cuts.begin(), row_cuts.end());
      double cursor = row.x0;
      const auto add_free = [&](double from, double to) {
        const double slack = kTolerance / row.site;
        double a = std::ceil((from - row.site_origin) / row.site - slack);
        double b = std::floor((to - row.site_origin) / row.site + slack);
        // Snapping outward by the slack must not leave the row's extent.
        while (row.site_origin + a * row.site < row.x0 - kTolerance) a += 1;
        while (row.site_origin + b * row.site > row.x1 + kTolerance) b -= 1;
        if (b > a) {
          Segment segment;
          segment.row = static_cast<std::int32_t>(r);
          segment.a = a;
          segment.b = b;
          segments_.push_back(std::move(segment));
        }
      };
      for (const auto& [cut_x0, cut_x1] : row_cuts) {
        if (cut_x0 > cursor) add_free(cursor, std::min(cut_x0, row.x1));
        cursor = std::max(cursor, cut_x1);
        if (cursor >= row.x1) break;
      }
      if (cursor < row.x1) add_free(cursor, row.x1);
    }
    row_segment_begin_.push_back(static_cast<std::int32_t>(segments_.size()));
  }

  // Tries rows by growing vertical distance from the cell's desired bottom (all rows when
  // `limit` is 0, else the nearest row and `limit` on each side), stopping when the vertical
  // distance alone reaches the best cost.
  void search(const MovableCell& cell, int limit, Choice* best) const {
    const auto count = static_cast<std::int64_t>(rows_.size());
    std::int64_t up = std::lower_bound(row_y_.begin(), row_y_.end(), cell.bottom) - row_y_.begin();
    std::int64_t down = up - 1;
    const auto distance = [&](std::int64_t r) {
      return std::abs(rows_[static_cast<std::size_t>(r)].y - cell.bottom);
    };
    std::int64_t low = 0;
    std::int64_t high = count - 1;
    if (limit > 0) {
      const bool up_nearer = up < count && (down < 0 || distance(up) <= distance(down));
      const std::int64_t nearest = up_nearer ? up : down;
      low = std::max<std::int64_t>(0, nearest - limit);
      high = std::min<std::int64_t>(count - 1, nearest + limit);
    }
    while (true) {
      const bool up_ok = up <= high;
      const bool down_ok = down >= low;
      if (!up_ok && !down_ok) break;
      std::int64_t r = 0;
      if (up_ok && (!down_ok || distance(up) <= distance(down))) {
        r = up++;
      } else {
        r = down--;
      }
      const double vertical = distance(r);
      if (vertical >= best->cost) break;
      try_row(cell, static_cast<std::int32_t>(r), vertical, best);
    }
  }

  void try_row(const MovableCell& cell, std::int32_t r, double vertical, Choice* best) const {
    const RowGeometry& row = rows_[static_cast<std::size_t>(r)];
    if (cell.height > row.height + kTolerance) return;
    const double width = width_in_sites(cell.width, row.site);
    const double weight = std::max(width, 1.0);
    const double desired = desired_in_sites(cell.left, row);
    const std::int32_t begin = row_segment_begin_[static_cast<std::size_t>(r)];
    const std::int32_t end = row_segment_begin_[static_cast<std::size_t>(r) + 1];
    // The first segment starting right of the desired left edge; the one before may contain it.
    std::int32_t right = static_cast<std::int32_t>(
        std::upper_bound(segments_.begin() + begin, segments_.begin() + end, desired,
                         [](double value, const Segment& s) { return value < s.a; }) -
        segments_.begin());
    std::int32_t left = right - 1;
    const auto has_room = [&](std::int32_t s) {
      const Segment& segment = segments_[static_cast<std::size_t>(s)];
      return segment.b - segment.a - segment.used >= width;
    };
    while (left >= begin && !has_room(left)) --left;
    while (right < end && !has_room(right)) ++right;
    for (const std::int32_t s : {left, right}) {
      if (s < begin || s >= end) continue;
      const Segment& segment = segments_[static_cast<std::size_t>(s)];
      // A lower bound on the cost: the move needed to fit in the segment at all.
      const double reach =
          std::max({0.0, segment.a - desired, desired + width - segment.b}) * row.site;
      if (vertical + reach >= best->cost) continue;
      const double position = width == 0 ? std::clamp(desired, segment.a, segment.b)
                                         : trial_position(segment, desired, width, weight);
      const double cost = vertical + std::abs(position - desired) * row.site;
      if (cost < best->cost) {
        best->cost = cost;
        best->segment = s;
      }
    }
  }

  const std::vector<RowGeometry>& rows_;
  int max_row_search_;
  std::vector<double> row_y_;
  std::vector<Segment> segments_;
  std::vector<std::int32_t> row_segment_begin_;
};

// Bins boxes on a uniform grid over the canvas so that overlap checks meet only near boxes.
class BoxGrid {
 public:
  BoxGrid(const Rect& canvas, double bin_width, double bin_height, const std::vector<Rect>& boxes)
      : canvas_(canvas), boxes_(boxes) {
    columns_ = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::ceil(canvas.width() / bin_width)), 1, 2048);
    rows_ = std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::ceil(canvas.height() / bin_height)), 1, 2048);
    bin_width_ = canvas.width() / static_cast<double>(columns_);
    bin_height_ = canvas.height() / static_cast<double>(rows_);
    const auto bins = static_cast<std::size_t>(columns_ * rows_);
    begin_.assign(bins + 1, 0);
    for_each_entry([&](std::size_t bin, std::size_t) { ++begin_[bin + 1]; });
    for (std::size_t b = 0; b < bins; ++b) begin_[b + 1] += begin_[b];
    entries_.resize(begin_[bins]);
    std::vector<std::size_t> fill(begin_.begin(), begin_.end() - 1);
    for_each_entry([&](std::size_t bin, std::size_t box) {
      entries_[fill[bin]++] = static_cast<std::int32_t>(box);
    });
  }

  std::size_t bins() const { return begin_.size() - 1; }
  const std::int32_t* bin_begin(std::size_t bin) const { return entries_.data() + begin_[bin]; }
  const std::int32_t* bin_end(std::size_t bin) const { return entries_.data() + begin_[bin + 1]; }

 private:
  std::int64_t column(double value) const {
    return std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::floor((value - canvas_.x0) / bin_width_)), 0, columns_ - 1);
  }
  std::int64_t row(double value) const {
    return std::clamp<std::int64_t>(
        static_cast<std::int64_t>(std::floor((value - canvas_.y0) / bin_height_)), 0, rows_ - 1);
  }
  template <typename Visit>
  void for_each_entry(Visit visit) const {
    for (std::size_t i = 0; i < boxes_.size(); ++i) {
      const Rect& box = boxes_[i];
      for (std::int64_t r = row(box.y0); r <= row(box.y1); ++r) {
        for (std::int64_t c = column(box.x0); c <= column(box.x1); ++c) {
          visit(static_cast<std::size_t>(r * columns_ + c), i);
        }
      }
    }
  }

  Rect canvas_;
  const std::vector<Rect>& boxes_;
  std::int64_t columns_ = 1, rows_ = 1;
  double bin_width_ = 1, bin_height_ = 1;
  std::vector<std::size_t> begin_;
  std::vector<std::int32_t> entries_;
};

bool boxes_overlap(const Rect& a, const Rect& b) {
  return std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > kTolerance &&
         std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > kTolerance;
}

// True when a cell with footprint `box` sits legally on one of `rows` (sorted by y).
bool on_a_row(const std::vector<RowGeometry>& rows, const Rect& box) {
  auto it = std::lower_bound(rows.begin(), rows.end(), box.y0 - kTolerance,
                             [](const RowGeometry& row, double value) { return row.y < value; });
  for (; it != rows.end() && it->y <= box.y0 + kTolerance; ++it) {
    if (box.height() > it->height + kTolerance) continue;
    if (box.x0 < it->x0 - kTolerance || box.x1 > it->x1 + kTolerance) continue;
    const double sites = (box.x0 - it->site_origin) / it->site;
    if (std::abs(sites - std::round(sites)) * it->site <= kTolerance) return true;
  }
  return false;
}

}  // namespace

Status RowLegalizerOptions::validate() const {
  if (!finite_non_negative(row_height)) {
    return Status::error("row height must be finite and non-negative (got " +
                         std::to_string(row_height) + ")");
  }
  if (!finite_non_negative(site_width)) {
    return Status::error("site width must be finite and non-negative (got " +
                         std::to_string(site_width) + ")");
  }
  if (max_row_search < 0) {
    return Status::error("max row search must be non-negative (got " +
                         std::to_string(max_row_search) + ")");
  }
  return Status();
}

RowLegalizerResult legalize_rows(const netlist::Netlist& netlist,
                                 const RowLegalizerOptions& options, std::vector<double>* x,
                                 std::vector<double>* y) {
  const auto start = std::chrono::steady_clock::now();
  RowLegalizerResult result;
  const auto finish = [&]() {
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  };
  result.status = options.validate();
  if (!result.status.ok()) return finish();
  const auto nodes = static_cast<std::size_t>(netlist.num_nodes());
  if (x == nullptr || y == nullptr || x->size() != nodes || y->size() != nodes) {
    result.status =
        Status::error("positions must be given for all " + std::to_string(nodes) + " nodes");
    return finish();
  }
  std::vector<MovableCell> cells;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (!is_movable_cell(netlist, node)) continue;
    const double width = netlist.placed_width(node);
    const double height = netlist.placed_height(node);
    const double cx = (*x)[node];
    const double cy = (*y)[node];
    if (!std::isfinite(cx) || !std::isfinite(cy) || !finite_non_negative(width) ||
        !finite_non_negative(height)) {
      result.status = Status::error("standard cell " + std::string(netlist.name(node)) +
                                    " has a non-finite position or size");
      return finish();
    }
    cells.push_back({node, cx - width / 2, cy - height / 2, width, height});
  }
  const Rows rows = make_rows(netlist, options.row_height, options.site_width);
  if (cells.empty()) return finish();  // nothing to do, whatever the rows
  result.status = rows.status;
  if (!result.status.ok()) return finish();
  result.row_height = rows.row_height;
  result.site_width = rows.site_width;

  std::sort(cells.begin(), cells.end(), [](const MovableCell& a, const MovableCell& b) {
    return a.left < b.left || (a.left == b.left && a.node < b.node);
  });
  AbacusLegalizer legalizer(rows, obstacles_of(netlist, *x, *y), options.max_row_search);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!legalizer.place(static_cast<std::int32_t>(i), cells[i])) ++result.unplaced;
  }
  legalizer.for_each_position([&](std::int32_t index, double left, double bottom) {
    const MovableCell& cell = cells[static_cast<std::size_t>(index)];
    double& cx = (*x)[cell.node];
    double& cy = (*y)[cell.node];
    const double new_x = std::abs(left - cell.left) <= kKeepSlack ? cx : left + cell.width / 2;
    const double new_y =
        std::abs(bottom - cell.bottom) <= kKeepSlack ? cy : bottom + cell.height / 2;
    const double displacement = std::abs(new_x - cx) + std::abs(new_y - cy);
    cx = new_x;
    cy = new_y;
    ++result.cells;
    result.total_displacement += displacement;
    result.max_displacement = std::max(result.max_displacement, displacement);
  });
  return finish();
}

std::int64_t count_row_violations(const netlist::Netlist& netlist, double row_height,
                                  double site_width, const std::vector<double>& x,
                                  const std::vector<double>& y) {
  std::vector<NodeId> movable;
  for (NodeId node = 0; node < netlist.num_nodes(); ++node) {
    if (is_movable_cell(netlist, node)) movable.push_back(node);
  }
  const auto nodes = static_cast<std::size_t>(netlist.num_nodes());
  if (movable.empty()) return 0;
  const Rows rows = make_rows(netlist, row_height, site_width);
  if (!rows.status.ok() || x.size() != nodes || y.size() != nodes) {
    return static_cast<std::int64_t>(movable.size());
  }
  const Rect& canvas = *netlist.canvas;

  // Boxes: the movable cells first (index i is movable[i]), then every obstacle.
  std::vector<Rect> boxes;
  std::vector<char> bad(movable.size(), 0);
  double width_sum = 0;
  for (std::size_t i = 0; i < movable.size(); ++i) {
    const NodeId node = movable[i];
    const double width = netlist.placed_width(node);
    const double height = netlist.placed_height(node);
    const Rect box{x[node] - width / 2, y[node] - height / 2, x[node] + width / 2,
                   y[node] + height / 2};
    boxes.push_back(box);
    width_sum += width;
    const bool finite = std::isfinite(box.x0) && std::isfinite(box.y0) && std::isfinite(box.x1) &&
                        std::isfinite(box.y1);
    const bool inside = box.x0 >= canvas.x0 - kTolerance && box.x1 <= canvas.x1 + kTolerance &&
                        box.y0 >= canvas.y0 - kTolerance && box.y1 <= canvas.y1 + kTolerance;
    if (!finite || !inside || !on_a_row(rows.rows, box)) bad[i] = 1;
  }
  const std::size_t cell_boxes = boxes.size();
  const std::vector<Rect> obstacles = obstacles_of(netlist, x, y);
  boxes.insert(boxes.end(), obstacles.begin(), obstacles.end());

  const double mean_width = width_sum / static_cast<double>(movable.size());
  const BoxGrid grid(canvas, std::max(8 * mean_width, canvas.width() / 2048),
                     std::max(rows.row_height, canvas.height() / 2048), boxes);
  std::vector<std::int32_t> in_bin;
  for (std::size_t bin = 0; bin < grid.bins(); ++bin) {
    in_bin.assign(grid.bin_begin(bin), grid.bin_end(bin));
    std::sort(in_bin.begin(), in_bin.end(), [&](std::int32_t a, std::int32_t b) {
      return boxes[a].x0 < boxes[b].x0 || (boxes[a].x0 == boxes[b].x0 && a < b);
    });
    for (std::size_t i = 0; i < in_bin.size(); ++i) {
      const auto a = static_cast<std::size_t>(in_bin[i]);
      for (std::size_t j = i + 1; j < in_bin.size(); ++j) {
        const auto b = static_cast<std::size_t>(in_bin[j]);
        if (boxes[b].x0 >= boxes[a].x1 - kTolerance) break;
        if (a >= cell_boxes && b >= cell_boxes) continue;  // two obstacles: not our business
        if (!boxes_overlap(boxes[a], boxes[b])) continue;
        if (a < cell_boxes) bad[a] = 1;
        if (b < cell_boxes) bad[b] = 1;
      }
    }
  }
  return std::count(bad.begin(), bad.end(), 1);
}

}  // namespace macroplace::placement
