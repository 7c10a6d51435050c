#include "cpu_cost_kernels.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

namespace macroplace::kernels {

namespace {

class CpuCostKernels : public CostKernels {
 public:
  const char* name() const override { return "cpu"; }

  double net_wirelength(const NetArrays& nets, const double* x, const double* y,
                        double* hpwl) override {
    // Per-net values in parallel; the sum runs in net order, so the result does not depend on
    // the number of threads.
#pragma omp parallel for schedule(static) if (nets.num_nets > 4096)
    for (std::int32_t n = 0; n < nets.num_nets; ++n) {
      double x_low = INFINITY, x_high = -INFINITY, y_low = INFINITY, y_high = -INFINITY;
      for (std::int32_t k = nets.begin[n]; k < nets.begin[n + 1]; ++k) {
        const std::int32_t t = nets.terminals[k];
        x_low = min2(x_low, x[t]);
        x_high = max2(x_high, x[t]);
        y_low = min2(y_low, y[t]);
        y_high = max2(y_high, y[t]);
      }
      hpwl[n] = nets.begin[n + 1] > nets.begin[n] ? (x_high - x_low) + (y_high - y_low) : 0.0;
    }
    double total = 0;
    for (std::int32_t n = 0; n < nets.num_nets; ++n) total += nets.weight[n] * hpwl[n];
    return total;
  }

  void density(const GridGeometry& grid, const RectArrays& rects, double* cell_area) override {
    const std::int32_t cells = grid.rows * grid.cols;
    std::fill(cell_area, cell_area + cells, 0.0);
    if (rects.count < 20000) {
      for (std::int32_t i = 0; i < rects.count; ++i)
        add_rect(grid, rects, i, 0, grid.rows, cell_area);
      return;
    }
    // Large designs: rectangles are bucketed by the grid rows they cross (in index order), then
    // threads take whole rows. Each cell still receives its rectangles in index order, so the
    // sums do not depend on the number of threads.
    row_begin_.assign(static_cast<std::size_t>(grid.rows) + 1, 0);
    first_row_.resize(static_cast<std::size_t>(rects.count));
    last_row_.resize(static_cast<std::size_t>(rects.count));
    for (std::int32_t i = 0; i < rects.count; ++i) {
      const ClippedRect r =
          clip_to_grid(grid, rects.x[i] - rects.width[i] / 2, rects.y[i] - rects.height[i] / 2,
                       rects.x[i] + rects.width[i] / 2, rects.y[i] + rects.height[i] / 2);
      first_row_[i] = r.empty ? 1 : r.first_row;
      last_row_[i] = r.empty ? 0 : r.last_row;
      for (std::int32_t row = first_row_[i]; row <= last_row_[i]; ++row) ++row_begin_[row + 1];
    }
    for (std::int32_t row = 0; row < grid.rows; ++row) row_begin_[row + 1] += row_begin_[row];
    row_items_.resize(static_cast<std::size_t>(row_begin_[grid.rows]));
    std::vector<std::int32_t> next(row_begin_.begin(), row_begin_.end() - 1);
    for (std::int32_t i = 0; i < rects.count; ++i) {
      for (std::int32_t row = first_row_[i]; row <= last_row_[i]; ++row)
        row_items_[next[row]++] = i;
    }
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int32_t row = 0; row < grid.rows; ++row) {
      for (std::int32_t k = row_begin_[row]; k < row_begin_[row + 1]; ++k) {
        add_rect(grid, rects, row_items_[k], row, row + 1, cell_area);
      }
    }
  }

  void net_routing(const GridGeometry& grid, const NetArrays& nets, const double* x,
                   const double* y, double* h, double* v) override {
    const std::size_t cells = static_cast<std::size_t>(grid.rows) * grid.cols;
    std::fill(h, h + cells, 0.0);
    std::fill(v, v + cells, 0.0);
    // First every terminal's cell, in one branch-free pass (the divisions pipeline), then the
    // distinct cells of each net from those integers.
    const std::int32_t entries = nets.num_nets > 0 ? nets.begin[nets.num_nets] : 0;
    entry_cell_.resize(static_cast<std::size_t>(entries));
#pragma omp parallel for schedule(static) if (entries > 65536)
    for (std::int32_t k = 0; k < entries; ++k) {
      const std::int32_t t = nets.terminals[k];
      entry_cell_[k] = row_of(grid, y[t]) * grid.cols + column_of(grid, x[t]);
    }
    stamp_.assign(cells, -1);
    distinct_.resize(cells + 1);
    cells_.resize(cells + 1);
    GridAccumulator acc{h, v, grid.cols};
    for (std::int32_t n = 0; n < nets.num_nets; ++n) {
      // Branch-free de-duplication: every cell is written, only new ones advance the count.
      std::int32_t count = 0;
      for (std::int32_t k = nets.begin[n]; k < nets.begin[n + 1]; ++k) {
        const std::int32_t cell = entry_cell_[k];
        distinct_[count] = cell;
        count += stamp_[cell] != n;
        stamp_[cell] = n;
      }
      for (std::int32_t i = 0; i < count; ++i) {
        cells_[i] = {distinct_[i] / grid.cols, distinct_[i] % grid.cols};
      }
      route_net(cells_.data(), count, 0, nets.weight[n], acc);
    }
  }

  void macro_routing(const GridGeometry& grid, const RectArrays& macros, double h_alloc,
                     double v_alloc, double* h, double* v) override {
    const std::size_t cells = static_cast<std::size_t>(grid.rows) * grid.cols;
    std::fill(h, h + cells, 0.0);
    std::fill(v, v + cells, 0.0);
    GridAccumulator acc{h, v, grid.cols};
    for (std::int32_t i = 0; i < macros.count; ++i) {
      const ClippedRect r =
          clip_to_grid(grid, macros.x[i] - macros.width[i] / 2, macros.y[i] - macros.height[i] / 2,
                       macros.x[i] + macros.width[i] / 2, macros.y[i] + macros.height[i] / 2);
      add_macro_blockage(grid, r, h_alloc, v_alloc, 1.0, acc);
    }
  }

 private:
  // Adds rectangle i's overlap with the rows [row_begin, row_end).
  static void add_rect(const GridGeometry& grid, const RectArrays& rects, std::int32_t i,
                       std::int32_t row_begin, std::int32_t row_end, double* cell_area) {
    add_rect_area(grid, rects.x[i] - rects.width[i] / 2, rects.y[i] - rects.height[i] / 2,
                  rects.x[i] + rects.width[i] / 2, rects.y[i] + rects.height[i] / 2, 1.0, row_begin,
                  row_end, cell_area);
  }

  std::vector<std::int32_t> entry_cell_, stamp_, distinct_;
  std::vector<std::int32_t> row_begin_, first_row_, last_row_, row_items_;
  std::vector<Cell> cells_;
};

}  // namespace

std::unique_ptr<CostKernels> make_cpu_cost_kernels() {
  return std::make_unique<CpuCostKernels>();
}

std::int32_t gather_net_cells(const GridGeometry& grid, const std::int32_t* terminals,
                              std::int32_t begin, std::int32_t end, const double* x,
                              const double* y, std::vector<std::int64_t>* stamp, std::int64_t mark,
                              std::vector<Cell>* cells) {
  cells->clear();
  for (std::int32_t k = begin; k < end; ++k) {
    const std::int32_t t = terminals[k];
    const Cell cell{row_of(grid, y[t]), column_of(grid, x[t])};
    std::int64_t& seen = (*stamp)[static_cast<std::size_t>(cell.row) * grid.cols + cell.col];
    if (seen == mark) continue;
    seen = mark;
    cells->push_back(cell);
  }
  return static_cast<std::int32_t>(cells->size());
}

void smooth_routing(const GridGeometry& grid, double smoothing_range, const double* h,
                    const double* v, double* h_out, double* v_out) {
  const std::int32_t cols = grid.cols, rows = grid.rows;
  const std::size_t cells = static_cast<std::size_t>(rows) * cols;
  const std::int32_t s = smoothing_range > 0 ? static_cast<std::int32_t>(smoothing_range) : 0;
  if (s == 0) {
    std::copy(h, h + cells, h_out);
    std::copy(v, v + cells, v_out);
    return;
  }
  std::fill(h_out, h_out + cells, 0.0);
  std::fill(v_out, v_out + cells, 0.0);
  for (std::int32_t row = 0; row < rows; ++row) {
    for (std::int32_t col = 0; col < cols; ++col) {
      const std::size_t i = static_cast<std::size_t>(row) * cols + col;
      if (v[i] != 0) {
        const std::int32_t low = max2i(0, col - s), high = min2i(cols - 1, col + s);
        const double share = v[i] / (high - low + 1);
        for (std::int32_t c = low; c <= high; ++c)
          v_out[static_cast<std::size_t>(row) * cols + c] += share;
      }
      if (h[i] != 0) {
        const std::int32_t low = max2i(0, row - s), high = min2i(rows - 1, row + s);
        const double share = h[i] / (high - low + 1);
        for (std::int32_t r = low; r <= high; ++r)
          h_out[static_cast<std::size_t>(r) * cols + col] += share;
      }
    }
  }
}

double top_k_mean(const double* values, std::size_t count, std::size_t k,
                  std::vector<double>* scratch) {
  if (count == 0) return 0.0;
  k = std::max<std::size_t>(1, std::min(k, count));
  // A branch-light selection: a 256-bucket histogram over [min, max] finds the bucket holding the
  // k-th largest value, and only the values from that bucket up (typically a little over k) are
  // selected exactly. Comparison-based selection on the whole array mispredicts a branch per
  // element when the data changes between calls, which is every call in an annealer.
  // Four independent lanes keep the min/max and histogram loops from waiting on one chain.
  double low[4] = {values[0], values[0], values[0], values[0]};
  double high[4] = {values[0], values[0], values[0], values[0]};
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    for (int lane = 0; lane < 4; ++lane) {
      low[lane] = std::min(low[lane], values[i + lane]);
      high[lane] = std::max(high[lane], values[i + lane]);
    }
  }
  for (; i < count; ++i) {
    low[0] = std::min(low[0], values[i]);
    high[0] = std::max(high[0], values[i]);
  }
  const double minimum = std::min(std::min(low[0], low[1]), std::min(low[2], low[3]));
  const double maximum = std::max(std::max(high[0], high[1]), std::max(high[2], high[3]));
  constexpr int kBuckets = 256;
  const double scale = maximum > minimum ? (kBuckets - 1) / (maximum - minimum) : 0.0;
  auto bucket_of = [&](double value) {
    const double position = (value - minimum) * scale;
    return position >= 0 ? static_cast<int>(position) : 0;  // also maps NaN to 0
  };
  std::uint32_t lanes[4][kBuckets] = {};
  for (i = 0; i + 4 <= count; i += 4) {
    for (int lane = 0; lane < 4; ++lane) ++lanes[lane][bucket_of(values[i + lane])];
  }
  for (; i < count; ++i) ++lanes[0][bucket_of(values[i])];
  std::size_t histogram[kBuckets];
  for (int b = 0; b < kBuckets; ++b) {
    histogram[b] = std::size_t{lanes[0][b]} + lanes[1][b] + lanes[2][b] + lanes[3][b];
  }
  int threshold = kBuckets - 1;
  for (std::size_t seen = histogram[threshold]; seen < k; seen += histogram[threshold]) --threshold;
  std::vector<double>& candidates = *scratch;
  candidates.resize(count);
  std::size_t kept = 0;
  for (i = 0; i < count; ++i) {
    candidates[kept] = values[i];
    kept += bucket_of(values[i]) >= threshold;
  }
  candidates.resize(kept);
  const auto kth = candidates.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(candidates.begin(), kth, candidates.end(), std::greater<>());
  // Sum in sorted order so the result does not depend on the selection's arrangement.
  std::sort(candidates.begin(), kth + 1, std::greater<>());
  double sum = 0;
  for (auto it = candidates.begin(); it != kth + 1; ++it) sum += *it;
  return sum / static_cast<double>(k);
}

}  // namespace macroplace::kernels
