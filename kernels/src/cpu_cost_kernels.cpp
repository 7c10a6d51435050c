#include "cpu_cost_kernels.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace macroplace::kernels {

namespace {

// Adds straight into full-grid arrays.
struct GridAccumulator {
  double* h;
  double* v;
  std::int32_t cols;
  void horizontal(std::int32_t row, std::int32_t col, double w) { h[row * cols + col] += w; }
  void vertical(std::int32_t row, std::int32_t col, double w) { v[row * cols + col] += w; }
};

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
    // Rectangles add in index order to each cell, whatever the thread count: rows of the grid
    // are split among threads and each thread scans the rectangles for its rows.
    if (rects.count < 20000) {
      for (std::int32_t i = 0; i < rects.count; ++i)
        add_rect(grid, rects, i, 0, grid.rows, cell_area);
      return;
    }
#pragma omp parallel for schedule(static)
    for (std::int32_t row = 0; row < grid.rows; ++row) {
      for (std::int32_t i = 0; i < rects.count; ++i)
        add_rect(grid, rects, i, row, row + 1, cell_area);
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
  scratch->assign(values, values + count);
  std::nth_element(scratch->begin(), scratch->begin() + static_cast<std::ptrdiff_t>(k - 1),
                   scratch->end(), [](double a, double b) { return a > b; });
  // The k largest now sit in front, unordered; sum them in sorted order so the result does not
  // depend on nth_element's arrangement.
  std::sort(scratch->begin(), scratch->begin() + static_cast<std::ptrdiff_t>(k),
            [](double a, double b) { return a > b; });
  double sum = 0;
  for (std::size_t i = 0; i < k; ++i) sum += (*scratch)[i];
  return sum / static_cast<double>(k);
}

}  // namespace macroplace::kernels
