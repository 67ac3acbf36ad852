// compile.cc: Model -> lowered ops -> arena plan -> plan bytes, and the
// inspection report (hbc/compile.h).
//
// Stages: (1) lower every operator on a copy of the model (lowerings may add
// constant tensors); (2) keep the tensors the lowered ops and the graph I/O
// use, dropping constants nobody reads (e.g. RESHAPE's shape operand);
// (3) derive lifetimes, scratch buffers and overlap hints and plan the
// arena; (4) write the plan and validate it with the runtime's own loader.
#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hb/op_context.h"
#include "hb/runtime.h"
#include "hbc/compile.h"
#include "hbc/error.h"
#include "plan_writer.h"
#include "planner.h"

namespace hbc {

namespace {

constexpr int kQuantize = 114;
constexpr int kDequantize = 6;

std::string tensor_desc(const Model& m, int t) {
  if (t < 0 || static_cast<size_t>(t) >= m.tensors.size()) return "-";
  const Tensor& x = m.tensors[static_cast<size_t>(t)];
  return shape_str(x.shape) + " " + dtype_name(x.dtype);
}

// The dtype named in "unsupported operator" messages: the first present
// input's, else the first output's.
const char* op_dtype(const Model& m, const Operator& op) {
  for (int t : op.inputs) {
    if (t >= 0) return dtype_name(m.tensors[static_cast<size_t>(t)].dtype);
  }
  for (int t : op.outputs) return dtype_name(m.tensors[static_cast<size_t>(t)].dtype);
  return "none";
}

// Float32 may only appear at the graph edges: a QUANTIZE reading a float
// input, a DEQUANTIZE writing a float output. Everything else computing in
// float is refused (the runtime has no float kernels).
void check_no_float(const Model& m, const Operator& op) {
  auto is_float = [&](int t) {
    return t >= 0 && m.tensors[static_cast<size_t>(t)].dtype == DType::kFloat32;
  };
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    if (is_float(op.inputs[i]) && !(op.builtin_code == kQuantize && i == 0)) {
      unsupported(op, "float32 compute is not supported (input " + std::to_string(i) +
                          " dtype float32); quantize the model to int8");
    }
  }
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    if (is_float(op.outputs[i]) && op.builtin_code != kDequantize) {
      unsupported(op, "float32 compute is not supported (output " + std::to_string(i) +
                          " dtype float32); quantize the model to int8");
    }
  }
}

LoweredOp lower_one(LowerContext& ctx, const Operator& op) {
  const Model& m = ctx.model();
  const LowerFn fn = find_lowering(op.builtin_code);
  if (fn == nullptr) {
    throw CompileError::Unsupported("unsupported operator " + op.op_name + " (node " +
                                    std::to_string(op.index) + "), dtype " + op_dtype(m, op));
  }
  check_no_float(m, op);
  LoweredOp l = fn(ctx, op);
  // The lowering's output is trusted no further than the loader would.
  const size_t n_tensors = ctx.model().tensors.size();
  if (l.outputs.empty() || l.inputs.size() + l.outputs.size() > HB_OP_MAX_TENSORS) {
    invalid(op, "internal: lowering produced " + std::to_string(l.inputs.size()) + " inputs and " +
                    std::to_string(l.outputs.size()) + " outputs");
  }
  for (int t : l.inputs) {
    if (t < -1 || (t >= 0 && static_cast<size_t>(t) >= n_tensors)) {
      invalid(op, "internal: lowering refers to tensor " + std::to_string(t));
    }
  }
  for (int t : l.outputs) {
    if (t < 0 || static_cast<size_t>(t) >= n_tensors) {
      invalid(op, "internal: lowering refers to output tensor " + std::to_string(t));
    }
    if (ctx.model().tensors[static_cast<size_t>(t)].is_const()) {
      invalid(op, "output tensor '" + ctx.model().tensors[static_cast<size_t>(t)].name +
                      "' is a constant");
    }
  }
  return l;
}

hb_dtype plan_dtype(DType t, const std::string& who) {
  switch (t) {
    case DType::kInt8:
      return HB_DT_INT8;
    case DType::kInt16:
      return HB_DT_INT16;
    case DType::kInt32:
      return HB_DT_INT32;
    case DType::kInt64:
      return HB_DT_INT64;
    case DType::kFloat32:
      return HB_DT_FLOAT32;
    default:
      throw CompileError::Unsupported(who + " has dtype " + dtype_name(t) +
                                      " (int8, int16, int32, int64 or edge float32 only)");
  }
}

std::array<uint8_t, 32> digest_bytes(const std::string& hex) {
  std::array<uint8_t, 32> d{};
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() != 64) return d;
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nib(hex[2 * i]), lo = nib(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return {};
    d[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return d;
}

void fill_io(const Model& m, InspectReport* r) {
  auto io = [&](int t) {
    const Tensor& x = m.tensors[static_cast<size_t>(t)];
    InspectReport::Io e;
    e.name = x.name;
    e.shape = x.shape;
    e.dtype = x.dtype;
    e.scale = x.quant.scale.empty() ? 0.0f : x.quant.scale[0];
    e.zero_point = x.quant.zero_point.empty() ? 0 : x.quant.zero_point[0];
    return e;
  };
  r->inputs.clear();
  r->outputs.clear();
  for (int t : m.inputs) r->inputs.push_back(io(t));
  for (int t : m.outputs) r->outputs.push_back(io(t));
}

OpReport op_report(const Model& m, const Operator& op) {
  OpReport r;
  r.index = op.index;
  r.op = op.op_name;
  for (int t : op.inputs) r.inputs.push_back(tensor_desc(m, t));
  for (int t : op.outputs) r.outputs.push_back(tensor_desc(m, t));
  return r;
}

// Graph-level checks that do not depend on any lowering.
void check_graph_io(const Model& m) {
  if (m.outputs.empty()) throw CompileError::Invalid("the model has no outputs");
  auto edge_ok = [&](int t, bool is_input) {
    const Tensor& x = m.tensors[static_cast<size_t>(t)];
    if (x.dtype == DType::kInt8 || x.dtype == DType::kInt16) return;
    if (x.dtype == DType::kFloat32) {
      // Allowed only where an edge QUANTIZE/DEQUANTIZE converts it.
      bool handled = true, used = false;
      for (const Operator& op : m.ops) {
        const auto& list = is_input ? op.inputs : op.outputs;
        if (std::find(list.begin(), list.end(), t) == list.end()) continue;
        used = true;
        if (op.builtin_code != (is_input ? kQuantize : kDequantize)) handled = false;
      }
      if (used && handled) return;
    }
    throw CompileError::Unsupported(std::string("graph ") + (is_input ? "input" : "output") + " '" +
                                    x.name + "' has dtype " + dtype_name(x.dtype) +
                                    " (int8/int16, or float32 through QUANTIZE/DEQUANTIZE)");
  };
  for (int t : m.inputs) edge_ok(t, true);
  for (int t : m.outputs) edge_ok(t, false);
}

struct Compiled {
  std::vector<uint8_t> plan;
  uint64_t weight_bytes = 0;
  uint32_t arena_bytes = 0;
};

// Stages 2-4 for a fully lowered graph. `m` is the working copy.
Compiled build_plan(const Model& m, const std::vector<LoweredOp>& lowered,
                    const std::vector<int>& source_index, const CompileOptions& opts) {
  const int n_ops = static_cast<int>(lowered.size());
  // Tensors in use, in first-seen order: graph inputs, then per op.
  std::vector<int> plan_id(m.tensors.size(), -1);
  std::vector<int> order;
  auto use = [&](int t) {
    if (t >= 0 && plan_id[static_cast<size_t>(t)] < 0) {
      plan_id[static_cast<size_t>(t)] = static_cast<int>(order.size());
      order.push_back(t);
    }
  };
  for (int t : m.inputs) use(t);
  for (const LoweredOp& l : lowered) {
    for (int t : l.inputs) use(t);
    for (int t : l.outputs) use(t);
  }
  for (int t : m.outputs) use(t);
  if (order.size() >= HB_NO_TENSOR) {
    throw CompileError::Unsupported("the plan would need " + std::to_string(order.size()) +
                                    " tensors");
  }

  // Lifetimes of arena tensors; producers must precede consumers.
  const int last_pos = std::max(0, n_ops - 1);
  std::vector<int> first(m.tensors.size(), -1), last(m.tensors.size(), -1);
  std::vector<char> is_graph_input(m.tensors.size(), 0);
  for (int t : m.inputs) {
    first[static_cast<size_t>(t)] = 0;
    last[static_cast<size_t>(t)] = 0;
    is_graph_input[static_cast<size_t>(t)] = 1;
  }
  for (int k = 0; k < n_ops; ++k) {
    for (int t : lowered[static_cast<size_t>(k)].outputs) {
      const size_t u = static_cast<size_t>(t);
      if (first[u] >= 0) {
        throw CompileError::Invalid("tensor '" + m.tensors[u].name + "' is written twice (node " +
                                    std::to_string(source_index[static_cast<size_t>(k)]) + ")");
      }
      first[u] = k;
      last[u] = std::max(last[u], k);
    }
    for (int t : lowered[static_cast<size_t>(k)].inputs) {
      if (t < 0) continue;
      const size_t u = static_cast<size_t>(t);
      if (m.tensors[u].is_const()) continue;
      if (first[u] < 0 || first[u] > k) {
        throw CompileError::Invalid("tensor '" + m.tensors[u].name + "' is read by node " +
                                    std::to_string(source_index[static_cast<size_t>(k)]) +
                                    " before any operator writes it");
      }
      last[u] = std::max(last[u], k);
    }
  }
  for (int t : m.outputs) {
    const size_t u = static_cast<size_t>(t);
    if (m.tensors[u].is_const()) {
      throw CompileError::Unsupported("graph output '" + m.tensors[u].name + "' is a constant");
    }
    if (first[u] < 0) {
      throw CompileError::Invalid("graph output '" + m.tensors[u].name + "' is never written");
    }
    last[u] = last_pos;
  }
  for (int t : m.inputs) {
    if (m.tensors[static_cast<size_t>(t)].is_const()) {
      throw CompileError::Unsupported("graph input '" + m.tensors[static_cast<size_t>(t)].name +
                                      "' is a constant");
    }
  }

  // Tensor records.
  PlanIn pin;
  pin.flags = (opts.rounding == Rounding::kSingle ? HB_PLAN_FLAG_SINGLE_ROUNDING : 0u) |
              (opts.preserve_inputs ? HB_PLAN_FLAG_INPUTS_PRESERVED : 0u);
  pin.model_sha256 = digest_bytes(m.sha256);
  std::vector<PlanBuffer> buffers;
  std::vector<int> buffer_of(order.size(), -1);  // plan id -> planner buffer
  Compiled out;
  for (size_t id = 0; id < order.size(); ++id) {
    const Tensor& x = m.tensors[static_cast<size_t>(order[id])];
    const std::string who = "tensor " + std::to_string(x.index) + " '" + x.name + "'";
    if (x.shape.size() > HB_MAX_DIMS) {
      throw CompileError::Unsupported(who + " has " + std::to_string(x.shape.size()) +
                                      " dimensions (at most 4)");
    }
    PlanTensorIn pt;
    pt.rec.dtype = static_cast<uint8_t>(plan_dtype(x.dtype, who));
    pt.rec.ndim = static_cast<uint8_t>(x.shape.size());
    for (size_t d = 0; d < HB_MAX_DIMS; ++d) {
      if (d < x.shape.size()) {
        if (x.shape[d] <= 0) {
          throw CompileError::Unsupported(who + " has an empty dimension (shape " +
                                          shape_str(x.shape) + ")");
        }
        pt.rec.dims[d] = x.shape[d];
      } else {
        pt.rec.dims[d] = 1;
      }
    }
    const uint64_t bytes = static_cast<uint64_t>(x.elems()) * dtype_size(x.dtype);
    if (bytes > std::numeric_limits<int32_t>::max()) {
      throw CompileError::Unsupported(who + " is too large (" + std::to_string(bytes) + " bytes)");
    }
    pt.rec.bytes = static_cast<uint32_t>(bytes);
    pt.rec.scale = x.quant.scale.empty() ? 0.0f : x.quant.scale[0];
    pt.rec.zero_point = x.quant.zero_point.empty()
                            ? 0
                            : static_cast<int32_t>(std::clamp<int64_t>(
                                  x.quant.zero_point[0], std::numeric_limits<int32_t>::min(),
                                  std::numeric_limits<int32_t>::max()));
    if (x.is_const()) {
      if (x.data_size != bytes) {
        throw CompileError::Invalid(who + " holds " + std::to_string(x.data_size) +
                                    " bytes of data, its shape needs " + std::to_string(bytes));
      }
      pt.rec.storage = HB_STORAGE_CONST;
      pt.data = x.data;
      out.weight_bytes += bytes;
    } else {
      pt.rec.storage = HB_STORAGE_ARENA;
      const size_t u = static_cast<size_t>(x.index);
      buffer_of[id] = static_cast<int>(buffers.size());
      int f = first[u] < 0 ? 0 : first[u];
      int l = last[u] < 0 ? f : last[u];
      if (is_graph_input[u]) {
        f = 0;
        if (opts.preserve_inputs) l = last_pos;
      }
      buffers.push_back({pt.rec.bytes, f, std::max(f, l)});
    }
    pin.tensors.push_back(pt);
  }

  // Scratch buffers and hints.
  std::vector<int> scratch_buffer(lowered.size(), -1);
  std::vector<PlanHint> hints;
  for (int k = 0; k < n_ops; ++k) {
    const LoweredOp& l = lowered[static_cast<size_t>(k)];
    if (l.scratch_bytes) {
      scratch_buffer[static_cast<size_t>(k)] = static_cast<int>(buffers.size());
      buffers.push_back({l.scratch_bytes, k, k});
    }
    for (const OverlapHint& h : l.overlaps) {
      if (h.input_slot < 0 || static_cast<size_t>(h.input_slot) >= l.inputs.size()) continue;
      const int tin = l.inputs[static_cast<size_t>(h.input_slot)];
      if (tin < 0 || h.lead < 0) continue;
      const int bin = buffer_of[static_cast<size_t>(plan_id[static_cast<size_t>(tin)])];
      const int bout = buffer_of[static_cast<size_t>(plan_id[static_cast<size_t>(l.outputs[0])])];
      if (bin < 0 || bout < 0 || bin == bout) continue;  // constant input: nothing to share
      // An alias is a RESHAPE whose output is its input's bytes; only when
      // the sizes agree (anything else would be a broken lowering).
      if (h.alias &&
          buffers[static_cast<size_t>(bin)].size != buffers[static_cast<size_t>(bout)].size)
        continue;
      hints.push_back({bout, bin, h.lead, h.alias});
    }
  }

  ArenaPlan ap;
  try {
    ap = plan_arena(buffers, hints);
  } catch (const std::exception& e) {
    throw CompileError::Unsupported(std::string("arena planning failed: ") + e.what());
  }
  const std::string bad = check_arena(buffers, hints, ap);
  if (!bad.empty()) throw CompileError::Invalid("internal: arena plan is invalid: " + bad);
  out.arena_bytes = ap.arena_size;
  pin.arena_size = ap.arena_size;
  for (size_t id = 0; id < order.size(); ++id) {
    if (buffer_of[id] >= 0)
      pin.tensors[id].rec.offset = ap.offsets[static_cast<size_t>(buffer_of[id])];
  }

  for (int k = 0; k < n_ops; ++k) {
    const LoweredOp& l = lowered[static_cast<size_t>(k)];
    PlanOpIn po;
    po.rec.opcode = l.opcode;
    po.rec.n_inputs = static_cast<uint8_t>(l.inputs.size());
    po.rec.n_outputs = static_cast<uint8_t>(l.outputs.size());
    po.rec.source_index = static_cast<uint32_t>(source_index[static_cast<size_t>(k)]);
    po.rec.macs = static_cast<uint32_t>(std::min<uint64_t>(l.macs, 0xFFFFFFFFu));
    for (size_t s = 0; s < HB_OP_MAX_TENSORS; ++s) po.rec.tensors[s] = HB_NO_TENSOR;
    size_t s = 0;
    for (int t : l.inputs) {
      po.rec.tensors[s++] =
          t < 0 ? HB_NO_TENSOR : static_cast<uint16_t>(plan_id[static_cast<size_t>(t)]);
    }
    for (int t : l.outputs)
      po.rec.tensors[s++] = static_cast<uint16_t>(plan_id[static_cast<size_t>(t)]);
    if (scratch_buffer[static_cast<size_t>(k)] >= 0) {
      po.rec.scratch_size = l.scratch_bytes;
      po.rec.scratch_offset =
          ap.offsets[static_cast<size_t>(scratch_buffer[static_cast<size_t>(k)])];
    }
    po.params = l.params;
    pin.ops.push_back(std::move(po));
  }
  for (int t : m.inputs)
    pin.inputs.push_back(static_cast<uint16_t>(plan_id[static_cast<size_t>(t)]));
  for (int t : m.outputs)
    pin.outputs.push_back(static_cast<uint16_t>(plan_id[static_cast<size_t>(t)]));

  try {
    out.plan = write_plan(pin);
  } catch (const std::exception& e) {
    throw CompileError::Unsupported(std::string("plan too large: ") + e.what());
  }

  // The runtime's loader is the final judge: a plan it would reject is a
  // compiler bug (or a lowering/op-check disagreement), reported now rather
  // than on the board.
  hb_plan plan;
  const hb_status st =
      hb_plan_init(&plan, out.plan.data(), static_cast<uint32_t>(out.plan.size()), out.arena_bytes);
  if (st != HB_OK) {
    std::string where;
    // Find the first op whose check fails, for the message.
    if (st == HB_ERR_BAD_OP || st == HB_ERR_BAD_PARAMS || st == HB_ERR_UNSUPPORTED_OP) {
      for (int k = 0; k < n_ops; ++k) {
        const hb_op_entry* e = hb_op_lookup(lowered[static_cast<size_t>(k)].opcode);
        if (e == nullptr || e->check == nullptr) {
          where = " (node " + std::to_string(source_index[static_cast<size_t>(k)]) +
                  ": opcode not in this runtime build)";
          break;
        }
      }
    }
    if (st == HB_ERR_UNSUPPORTED_OP || !where.empty()) {
      throw CompileError::Unsupported(std::string("the runtime cannot run this plan: ") +
                                      hb_status_name(st) + where);
    }
    throw CompileError::Invalid(std::string("internal: the runtime rejects the generated plan: ") +
                                hb_status_name(st));
  }
  return out;
}

// Lowers every operator of ctx's model. With `collect`, failures are
// recorded per op in the report and lowering continues; without, the first
// failure throws. The context owns the bytes of constants the lowerings add,
// so it must outlive every use of the lowered ops.
std::vector<std::optional<LoweredOp>> lower_all(LowerContext& ctx, const std::vector<Operator>& ops,
                                                bool collect, InspectReport* report) {
  std::vector<std::optional<LoweredOp>> lowered;
  for (const Operator& op : ops) {
    OpReport r = op_report(ctx.model(), op);
    try {
      LoweredOp l = lower_one(ctx, op);
      r.macs = l.macs;
      lowered.emplace_back(std::move(l));
    } catch (const CompileError& e) {
      if (!collect) throw;
      r.supported = false;
      r.error = e.what();
      lowered.emplace_back(std::nullopt);
    }
    if (report) {
      report->total_macs += r.macs;
      if (!r.supported) report->unsupported.push_back(r);
      report->ops.push_back(std::move(r));
    }
  }
  return lowered;
}

// A working copy of the model whose tensor list has room for the constants
// lowerings add (a few per op: bias, multipliers, shifts, LUTs), so Tensor
// references a lowering holds stay valid across its add_const calls. The
// constant data of the copy still points into `src.bytes`.
Model working_copy(const Model& src) {
  Model m;
  m.sha256 = src.sha256;
  m.schema_version = src.schema_version;
  m.description = src.description;
  m.tensors.reserve(src.tensors.size() + src.ops.size() * 2 * HB_OP_MAX_TENSORS + 64);
  m.tensors.insert(m.tensors.end(), src.tensors.begin(), src.tensors.end());
  m.ops = src.ops;
  m.inputs = src.inputs;
  m.outputs = src.outputs;
  m.n_subgraphs = src.n_subgraphs;
  return m;
}

void fill_sizes(InspectReport* r, const Compiled& c) {
  r->weight_bytes = c.weight_bytes;
  r->arena_bytes = c.arena_bytes;
  r->plan_bytes = static_cast<uint32_t>(c.plan.size());
}

}  // namespace

std::vector<uint8_t> compile_plan(const Model& model, const CompileOptions& opts,
                                  InspectReport* report) {
  if (report) {
    *report = InspectReport{};
    report->sha256 = model.sha256;
    fill_io(model, report);
  }
  check_graph_io(model);
  Model work = working_copy(model);
  LowerContext ctx(work, opts.rounding);
  auto lowered = lower_all(ctx, model.ops, false, report);
  std::vector<LoweredOp> ops;
  std::vector<int> source;
  for (size_t i = 0; i < lowered.size(); ++i) {
    ops.push_back(std::move(*lowered[i]));
    source.push_back(model.ops[i].index);
  }
  Compiled c = build_plan(work, ops, source, opts);
  if (report) fill_sizes(report, c);
  return std::move(c.plan);
}

InspectReport inspect_model(const Model& model, const CompileOptions& opts) {
  InspectReport r;
  r.sha256 = model.sha256;
  fill_io(model, &r);
  Model work = working_copy(model);
  LowerContext ctx(work, opts.rounding);
  auto lowered = lower_all(ctx, model.ops, true, &r);
  if (!r.unsupported.empty()) return r;
  // Everything lowers: plan it for the sizes; graph-level problems are
  // reported as a pseudo-row with index -1.
  try {
    check_graph_io(model);
    std::vector<LoweredOp> ops;
    std::vector<int> source;
    for (size_t i = 0; i < lowered.size(); ++i) {
      ops.push_back(std::move(*lowered[i]));
      source.push_back(model.ops[i].index);
    }
    fill_sizes(&r, build_plan(work, ops, source, opts));
  } catch (const CompileError& e) {
    OpReport g;
    g.op = "(graph)";
    g.supported = false;
    g.error = e.what();
    r.unsupported.push_back(g);
  }
  return r;
}

}  // namespace hbc
