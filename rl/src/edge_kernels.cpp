// The edge layers' per-node loops and their autograd functions (edge_kernels.h).
#include "edge_kernels.h"

#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace macroplace::rl::internal {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The graph's lists and a layer's inputs as raw pointers, for one scalar type. kWidth > 0 fixes
// the layer width at compile time (CT's 8: the loops over it then vectorise fully); 0 reads it
// from `runtime_width`.
template <typename T, int kWidth>
struct EdgeInputs {
  const std::int64_t* offsets;        // [N + 1]: node i's entries are offsets[i] .. offsets[i+1]
  const std::int64_t* incident_edge;  // [2E]
  const std::int64_t* incident_node;  // [2E]: the edge's other end
  const std::int64_t* src;            // [E]
  const std::int64_t* dst;            // [E]
  const T* edge_weight;               // [E]
  const T* inverse_degree;            // [N]
  const T* a;                         // [N, B x W]
  const T* b;                         // [N, B x W]
  const T* term;                      // [W]
  std::int64_t nodes, edges, runtime_width, row;  // row = B x W

  constexpr std::int64_t width() const { return kWidth > 0 ? kWidth : runtime_width; }
};

// A layer's inputs made contiguous and of one scalar type (the graph's weights follow the
// layer's), kept alive while raw pointers into them are in use.
struct Prepared {
  GraphTensors graph;
  torch::Tensor edge_weight, inverse_degree, a, b, term;

  Prepared(GraphTensors graph_in, const torch::Tensor& a_in, const torch::Tensor& b_in,
           const torch::Tensor& term_in)
      : graph(std::move(graph_in)) {
    TORCH_CHECK(a_in.device().is_cpu() && b_in.device().is_cpu() && term_in.device().is_cpu(),
                "edge kernels run on the CPU");
    TORCH_CHECK(a_in.dim() == 3 && a_in.sizes() == b_in.sizes() &&
                    a_in.size(0) == graph.num_nodes && term_in.dim() == 1 &&
                    term_in.size(0) == a_in.size(2),
                "edge kernels: a and b must be [N,B,W] and the weight term [W]");
    a = a_in.contiguous();
    b = b_in.contiguous().to(a.scalar_type());
    term = term_in.contiguous().to(a.scalar_type());
    edge_weight = graph.edge_weight.to(a.scalar_type()).contiguous();
    inverse_degree = graph.inverse_degree.to(a.scalar_type()).contiguous().view({-1});
  }

  template <typename T, int kWidth>
  EdgeInputs<T, kWidth> inputs() const {
    return {graph.node_offsets.data_ptr<std::int64_t>(),
            graph.incident_edge.data_ptr<std::int64_t>(),
            graph.incident_node.data_ptr<std::int64_t>(),
            graph.edge_src.data_ptr<std::int64_t>(),
            graph.edge_dst.data_ptr<std::int64_t>(),
            edge_weight.data_ptr<T>(),
            inverse_degree.data_ptr<T>(),
            a.data_ptr<T>(),
            b.data_ptr<T>(),
            term.data_ptr<T>(),
            graph.num_nodes,
            graph.edge_src.numel(),
            a.size(2),
            a.size(1) * a.size(2)};
  }

  // f(inputs) with the width fixed at compile time when it is CT's 8.
  template <typename T, typename F>
  void visit(const F& f) const {
    if (a.size(2) == 8) {
      f(inputs<T, 8>());
    } else {
      f(inputs<T, 0>());
    }
  }
};

// Runs f(first_node, end_node) over chunks of nodes with about equal work (a node's work is its
// incident-edge count plus one: a hub would otherwise hold up one thread). Nodes are
// independent, so the split does not change any result.
template <typename F>
void parallel_over_nodes(const std::int64_t* offsets, std::int64_t nodes, const F& f) {
  const std::int64_t chunks = std::min<std::int64_t>(nodes, 4 * at::get_num_threads());
  const std::int64_t total = offsets[nodes] + nodes;
  // The first node whose cumulative work offsets[i] + i reaches chunk c's share.
  const auto bound = [&](std::int64_t c) {
    if (c >= chunks) return nodes;
    const std::int64_t target = c * total / chunks;
    std::int64_t low = 0, high = nodes;
    while (low < high) {
      const std::int64_t mid = low + (high - low) / 2;
      if (offsets[mid] + mid < target) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  };
  at::parallel_for(0, chunks, 1,
                   [&](std::int64_t first, std::int64_t last) { f(bound(first), bound(last)); });
}

template <typename T>
inline T relu(T x) {
  return x > T(0) ? x : T(0);
}

// shift[n] = w_e x term[n mod W] over a whole row (B x W): the edge weight's part of both
// pre-activations, laid out like the rows so that the loops over them are flat (and vectorise).
template <typename T, int W>
inline void edge_shift(const EdgeInputs<T, W>& in, std::int64_t e, T* __restrict shift) {
  const std::int64_t width = in.width(), row = in.row;
  const T weight = in.edge_weight[e];
  for (std::int64_t w = 0; w < width; ++w) shift[w] = weight * in.term[w];
  for (std::int64_t n = width; n < row; ++n) shift[n] = shift[n - width];
}

// The embedding of edge e = (i, j) from either end: 0.5 (relu(a_i + b_j + shift_e) +
// relu(a_j + b_i + shift_e)), in the order of the tensor form's terms when i is the edge's source
// (the same values to the bit).
template <typename T>
inline T embedding(const T* ai, const T* bi, const T* aj, const T* bj, const T* shift,
                   std::int64_t n) {
  return (relu(ai[n] + bj[n] + shift[n]) + relu(aj[n] + bi[n] + shift[n])) * T(0.5);
}

// out[i] = 1/deg(i) x the sum of the embeddings of i's incident edges. (Sizes are copied into
// locals and written rows marked __restrict: otherwise every store could alias `in`, forcing
// reloads and keeping the loops scalar.)
template <typename T, int W>
void mean_forward(const EdgeInputs<T, W>& in, T* out) {
  const std::int64_t row = in.row;
  parallel_over_nodes(in.offsets, in.nodes, [&](std::int64_t first, std::int64_t end) {
    std::vector<T> shift_buffer(static_cast<std::size_t>(row));
    T* __restrict shift = shift_buffer.data();
    for (std::int64_t i = first; i < end; ++i) {
      T* __restrict o = out + i * row;
      std::fill(o, o + row, T(0));
      const T* ai = in.a + i * row;
      const T* bi = in.b + i * row;
      for (std::int64_t k = in.offsets[i]; k < in.offsets[i + 1]; ++k) {
        const std::int64_t j = in.incident_node[k];
        const T* aj = in.a + j * row;
        const T* bj = in.b + j * row;
        edge_shift(in, in.incident_edge[k], shift);
        for (std::int64_t n = 0; n < row; ++n) o[n] += embedding(ai, bi, aj, bj, shift, n);
      }
      const T scale = in.inverse_degree[i];
      for (std::int64_t n = 0; n < row; ++n) o[n] *= scale;
    }
  });
}

// Per (batch, feature) entry n over all edges: the mean, the variance (about the mean, divided by
// E), the maximum and the minimum of the edge embeddings, and the edges holding the maximum and
// the minimum (the first such edge). The edges are cut into a fixed number of ranges whose
// partial results are combined in order, so the figures do not depend on the thread count.
template <typename T>
struct EdgeMoments {
  std::vector<T> mean, variance, max, min;
  std::vector<std::int64_t> argmax, argmin;
};

template <typename T, int W>
EdgeMoments<T> edge_moments(const EdgeInputs<T, W>& in) {
  const std::int64_t ranges = std::min<std::int64_t>(in.edges, 64);
  const auto row = static_cast<std::size_t>(in.row);
  const auto first_edge = [&](std::int64_t r) { return r * in.edges / ranges; };
  // Embeddings of range r's edges, one row at a time, to f(e, x).
  const auto for_each_embedding = [&](std::int64_t r, std::vector<T>* x, std::vector<T>* shift,
                                      const auto& f) {
    const std::int64_t stride = in.row;
    T* __restrict values = x->data();
    T* __restrict shifts = shift->data();
    for (std::int64_t e = first_edge(r); e < first_edge(r + 1); ++e) {
      const T* as = in.a + in.src[e] * stride;
      const T* bs = in.b + in.src[e] * stride;
      const T* ad = in.a + in.dst[e] * stride;
      const T* bd = in.b + in.dst[e] * stride;
      edge_shift(in, e, shifts);
      for (std::int64_t n = 0; n < stride; ++n) values[n] = embedding(as, bs, ad, bd, shifts, n);
      f(e, *x);
    }
  };
  std::vector<EdgeMoments<T>> parts(static_cast<std::size_t>(ranges));
  at::parallel_for(0, ranges, 1, [&](std::int64_t first, std::int64_t last) {
    std::vector<T> x(row), shift(row);
    for (std::int64_t r = first; r < last; ++r) {
      EdgeMoments<T>& part = parts[static_cast<std::size_t>(r)];
      part.mean.assign(row, T(0));
      part.max.assign(row, -std::numeric_limits<T>::infinity());
      part.min.assign(row, std::numeric_limits<T>::infinity());
      part.argmax.assign(row, -1);
      part.argmin.assign(row, -1);
      for_each_embedding(r, &x, &shift, [&](std::int64_t e, const std::vector<T>& v) {
        for (std::size_t n = 0; n < row; ++n) {
          part.mean[n] += v[n];
          if (v[n] > part.max[n]) {
            part.max[n] = v[n];
            part.argmax[n] = e;
          }
          if (v[n] < part.min[n]) {
            part.min[n] = v[n];
            part.argmin[n] = e;
          }
        }
      });
    }
  });
  EdgeMoments<T> out = parts.front();
  for (std::size_t r = 1; r < parts.size(); ++r) {
    for (std::size_t n = 0; n < row; ++n) {
      out.mean[n] += parts[r].mean[n];
      if (parts[r].max[n] > out.max[n]) {
        out.max[n] = parts[r].max[n];
        out.argmax[n] = parts[r].argmax[n];
      }
      if (parts[r].min[n] < out.min[n]) {
        out.min[n] = parts[r].min[n];
        out.argmin[n] = parts[r].argmin[n];
      }
    }
  }
  for (T& m : out.mean) m /= static_cast<T>(in.edges);
  // The variance about the final mean: a second pass (one pass of sums of squares loses digits).
  at::parallel_for(0, ranges, 1, [&](std::int64_t first, std::int64_t last) {
    std::vector<T> x(row), shift(row);
    for (std::int64_t r = first; r < last; ++r) {
      EdgeMoments<T>& part = parts[static_cast<std::size_t>(r)];
      part.variance.assign(row, T(0));
      for_each_embedding(r, &x, &shift, [&](std::int64_t /*e*/, const std::vector<T>& v) {
        for (std::size_t n = 0; n < row; ++n) {
          const T d = v[n] - out.mean[n];
          part.variance[n] += d * d;
        }
      });
    }
  });
  out.variance.assign(row, T(0));
  for (const EdgeMoments<T>& part : parts) {
    for (std::size_t n = 0; n < row; ++n) out.variance[n] += part.variance[n];
  }
  for (T& v : out.variance) v /= static_cast<T>(in.edges);
  return out;
}

// The gradients of a, b and the weight term, by node. upstream(i, k, shift, q) fills q [B x W] with
// 0.5 x the loss's gradient with respect to the embedding of i's k-th incident edge. Node i's
// a_i appears in relu(a_i + b_j + shift) and its b_i in relu(a_j + b_i + shift) for each
// incident edge (i, j), whichever end of the edge i is; the relu masks are recomputed from a
// and b. The weight term's gradient is summed per node into grad_term [N, W] (each relu is
// counted at the node whose a it holds, so once).
template <typename T, int W, typename Upstream>
void backward_by_node(const EdgeInputs<T, W>& in, const Upstream& upstream, T* grad_a, T* grad_b,
                      T* grad_term) {
  const std::int64_t row = in.row, width = in.width();
  parallel_over_nodes(in.offsets, in.nodes, [&](std::int64_t first, std::int64_t end) {
    std::vector<T> shift_buffer(static_cast<std::size_t>(row));
    std::vector<T> term_buffer(static_cast<std::size_t>(row));
    std::vector<T> q_buffer(static_cast<std::size_t>(row));
    T* __restrict shift = shift_buffer.data();
    T* __restrict term_rows = term_buffer.data();  // the a-side relus' gradients, per entry
    T* __restrict q = q_buffer.data();
    for (std::int64_t i = first; i < end; ++i) {
      T* __restrict ga = grad_a + i * row;
      T* __restrict gb = grad_b + i * row;
      T* __restrict gt = grad_term + i * width;
      std::fill(ga, ga + row, T(0));
      std::fill(gb, gb + row, T(0));
      std::fill(gt, gt + width, T(0));
      // __restrict on the rows read as well (read-only rows may coincide, e.g. for an edge
      // from a node to itself): without it GCC keeps this loop scalar and branching.
      const T* __restrict ai = in.a + i * row;
      const T* __restrict bi = in.b + i * row;
      for (std::int64_t k = in.offsets[i]; k < in.offsets[i + 1]; ++k) {
        const std::int64_t e = in.incident_edge[k];
        const std::int64_t j = in.incident_node[k];
        const T* __restrict aj = in.a + j * row;
        const T* __restrict bj = in.b + j * row;
        edge_shift(in, e, shift);
        upstream(i, k, shift, q);
        // One flat loop over the row (it vectorises), then the weight term's sums per feature.
        // (q[n] loaded unconditionally: a load inside a ?: branch stops GCC's if-conversion, and
        // the loop stays scalar.)
        for (std::int64_t n = 0; n < row; ++n) {
          const T qn = q[n];
          const T qa = ai[n] + bj[n] + shift[n] > T(0) ? qn : T(0);
          ga[n] += qa;
          term_rows[n] = qa;
          gb[n] += aj[n] + bi[n] + shift[n] > T(0) ? qn : T(0);
        }
        const T weight = in.edge_weight[e];
        for (std::int64_t s = 0; s < row; s += width) {
          for (std::int64_t w = 0; w < width; ++w) gt[w] += weight * term_rows[s + w];
        }
      }
    }
  });
}

// The graph's constant tensors, kept in the autograd context for backward (as tensors, so the
// graph object itself need not outlive the step).
void save_graph(AutogradContext* ctx, const GraphTensors& graph) {
  ctx->saved_data["node_offsets"] = graph.node_offsets;
  ctx->saved_data["incident_edge"] = graph.incident_edge;
  ctx->saved_data["incident_node"] = graph.incident_node;
  ctx->saved_data["edge_src"] = graph.edge_src;
  ctx->saved_data["edge_dst"] = graph.edge_dst;
  ctx->saved_data["edge_weight"] = graph.edge_weight;
  ctx->saved_data["inverse_degree"] = graph.inverse_degree;
}

GraphTensors saved_graph(AutogradContext* ctx) {
  GraphTensors graph;
  graph.node_offsets = ctx->saved_data["node_offsets"].toTensor();
  graph.incident_edge = ctx->saved_data["incident_edge"].toTensor();
  graph.incident_node = ctx->saved_data["incident_node"].toTensor();
  graph.edge_src = ctx->saved_data["edge_src"].toTensor();
  graph.edge_dst = ctx->saved_data["edge_dst"].toTensor();
  graph.edge_weight = ctx->saved_data["edge_weight"].toTensor();
  graph.inverse_degree = ctx->saved_data["inverse_degree"].toTensor();
  graph.num_nodes = graph.node_offsets.numel() - 1;
  return graph;
}

// The gradients of both functions: backward_by_node with the function's upstream rows.
template <typename MakeUpstream>
variable_list edge_backward(AutogradContext* ctx, const MakeUpstream& make_upstream) {
  const variable_list saved = ctx->get_saved_variables();
  const Prepared p(saved_graph(ctx), saved[0], saved[1], saved[2]);
  torch::Tensor grad_a = torch::empty_like(p.a);
  torch::Tensor grad_b = torch::empty_like(p.a);
  torch::Tensor grad_term = torch::empty({p.graph.num_nodes, p.a.size(2)}, p.a.options());
  AT_DISPATCH_FLOATING_TYPES(p.a.scalar_type(), "edge_backward", [&] {
    p.visit<scalar_t>([&](const auto& in) {
      backward_by_node(in, make_upstream(in), grad_a.data_ptr<scalar_t>(),
                       grad_b.data_ptr<scalar_t>(), grad_term.data_ptr<scalar_t>());
    });
  });
  return {grad_a, grad_b, grad_term.sum(0), torch::Tensor()};
}

class EdgeMean : public torch::autograd::Function<EdgeMean> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b,
                               const torch::Tensor& weight_term, const GraphTensors& graph) {
    ctx->save_for_backward({a, b, weight_term});
    save_graph(ctx, graph);
    const Prepared p(graph, a, b, weight_term);
    torch::Tensor out = torch::empty_like(p.a);
    AT_DISPATCH_FLOATING_TYPES(p.a.scalar_type(), "edge_mean", [&] {
      p.visit<scalar_t>([&](const auto& in) { mean_forward(in, out.data_ptr<scalar_t>()); });
    });
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const torch::Tensor upstream = grads[0].contiguous();
    return edge_backward(ctx, [&upstream](const auto& in) {
      using T = std::remove_const_t<std::remove_pointer_t<decltype(in.a)>>;
      const torch::Tensor g_typed = upstream.to(c10::CppTypeToScalarType<T>::value);
      // The lambda keeps the converted tensor alive as long as backward_by_node runs.
      return [g_typed, g = g_typed.data_ptr<T>(), &in](std::int64_t i, std::int64_t k,
                                                       const T* /*shift*/, T* __restrict q) {
        const std::int64_t j = in.incident_node[k];
        const T* gi = g + i * in.row;
        const T* gj = g + j * in.row;
        // d mean_i / d x_e = 1/deg(i) and d mean_j / d x_e = 1/deg(j) (for an edge from a node
        // to itself, listed twice at it, the two listings add up to the same).
        const T ci = T(0.5) * in.inverse_degree[i];
        const T cj = T(0.5) * in.inverse_degree[j];
        for (std::int64_t n = 0; n < in.row; ++n) q[n] = ci * gi[n] + cj * gj[n];
      };
    });
  }
};

class EdgeStatistics : public torch::autograd::Function<EdgeStatistics> {
 public:
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& a, const torch::Tensor& b,
                               const torch::Tensor& weight_term, const GraphTensors& graph) {
    TORCH_CHECK(graph.edge_src.numel() > 0, "edge statistics of a graph without edges");
    ctx->save_for_backward({a, b, weight_term});
    save_graph(ctx, graph);
    const Prepared p(graph, a, b, weight_term);
    const std::int64_t batch = p.a.size(1), width = p.a.size(2);
    torch::Tensor out = torch::empty({batch, 4 * width}, p.a.options());
    torch::Tensor mean = torch::empty({batch * width}, p.a.options());
    torch::Tensor argmax = torch::empty({batch * width}, torch::kInt64);
    torch::Tensor argmin = torch::empty({batch * width}, torch::kInt64);
    AT_DISPATCH_FLOATING_TYPES(p.a.scalar_type(), "edge_statistics", [&] {
      EdgeMoments<scalar_t> moments;
      p.visit<scalar_t>([&](const auto& in) { moments = edge_moments(in); });
      scalar_t* o = out.data_ptr<scalar_t>();
      for (std::int64_t n = 0; n < batch * width; ++n) {
        const auto m = static_cast<std::size_t>(n);
        // Row b of the output holds mean, variance, maximum and minimum, W entries each.
        scalar_t* entry = o + (n / width) * 4 * width + n % width;
        entry[0] = moments.mean[m];
        entry[width] = moments.variance[m];
        entry[2 * width] = moments.max[m];
        entry[3 * width] = moments.min[m];
        mean.data_ptr<scalar_t>()[n] = moments.mean[m];
        argmax.data_ptr<std::int64_t>()[n] = moments.argmax[m];
        argmin.data_ptr<std::int64_t>()[n] = moments.argmin[m];
      }
    });
    ctx->saved_data["mean"] = mean;
    ctx->saved_data["argmax"] = argmax;
    ctx->saved_data["argmin"] = argmin;
    return out;
  }

  // d mean / d x_e = 1/E, d variance / d x_e = 2 (x_e - mean) / E (the mean's own dependence on
  // x_e cancels: the deviations sum to zero), and the maximum and minimum pass their gradient to
  // the edge that holds them. x_e is recomputed at each end of the edge.
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const torch::Tensor mean = ctx->saved_data["mean"].toTensor();
    const torch::Tensor argmax = ctx->saved_data["argmax"].toTensor();
    const torch::Tensor argmin = ctx->saved_data["argmin"].toTensor();
    const std::int64_t width = mean.numel() / grads[0].size(0);
    // The upstream gradient as 4 rows of B x W: of the mean, variance, maximum and minimum.
    const torch::Tensor upstream = grads[0]
                                       .reshape({-1, 4, width})
                                       .permute({1, 0, 2})
                                       .to(mean.scalar_type())
                                       .contiguous()
                                       .view({4, -1});
    return edge_backward(ctx, [&](const auto& in) {
      using T = std::remove_const_t<std::remove_pointer_t<decltype(in.a)>>;
      const T* g = upstream.data_ptr<T>();
      const T* mu = mean.data_ptr<T>();
      const std::int64_t* top = argmax.data_ptr<std::int64_t>();
      const std::int64_t* bottom = argmin.data_ptr<std::int64_t>();
      const T per_edge = T(1) / static_cast<T>(in.edges);
      // The maximum's and minimum's gradients by the edge holding them (2 B W entries in all),
      // so that the loop over an edge's entries below has no branch.
      auto extra = std::make_shared<std::vector<std::vector<std::pair<std::int64_t, T>>>>(
          static_cast<std::size_t>(in.edges));
      for (std::int64_t n = 0; n < in.row; ++n) {
        (*extra)[static_cast<std::size_t>(top[n])].emplace_back(n, g[2 * in.row + n]);
        (*extra)[static_cast<std::size_t>(bottom[n])].emplace_back(n, g[3 * in.row + n]);
      }
      return [=, &in](std::int64_t i, std::int64_t k, const T* shift, T* __restrict q) {
        const std::int64_t e = in.incident_edge[k];
        const std::int64_t j = in.incident_node[k];
        const std::int64_t row = in.row;
        const T* ai = in.a + i * row;
        const T* bi = in.b + i * row;
        const T* aj = in.a + j * row;
        const T* bj = in.b + j * row;
        for (std::int64_t n = 0; n < row; ++n) {
          const T x = embedding(ai, bi, aj, bj, shift, n);
          // 0.5: the embedding averages its two relus.
          q[n] = T(0.5) * per_edge * (g[n] + T(2) * (x - mu[n]) * g[row + n]);
        }
        for (const auto& [n, value] : (*extra)[static_cast<std::size_t>(e)]) {
          q[n] += T(0.5) * value;
        }
      };
    });
  }
};

}  // namespace

torch::Tensor edge_mean(const GraphTensors& graph, const torch::Tensor& a, const torch::Tensor& b,
                        const torch::Tensor& weight_term) {
  return EdgeMean::apply(a, b, weight_term, graph);
}

torch::Tensor edge_statistics(const GraphTensors& graph, const torch::Tensor& a,
                              const torch::Tensor& b, const torch::Tensor& weight_term) {
  return EdgeStatistics::apply(a, b, weight_term, graph);
}

}  // namespace macroplace::rl::internal
