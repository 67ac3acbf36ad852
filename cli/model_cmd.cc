// model_cmd.cc: `hilbench model ...` (see model_cmd.h).
#include "model_cmd.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "hb/plan_format.h"
#include "hb/runtime.h"
#include "hbc/compile.h"
#include "hbc/error.h"
#include "hbc/model.h"
#include "text_format.h"

namespace hb_cli {

namespace {

const char kUsage[] =
    "usage:\n"
    "  hilbench model inspect FILE.tflite [--json] [--rounding double|single]\n"
    "  hilbench model compile FILE.tflite -o PLAN [--rounding double|single]\n"
    "  hilbench model run FILE.tflite|PLAN --input IN.bin --output OUT.bin\n"
    "                     [--rounding double|single] [--dump-layers DIR]\n";

struct UsageError {
  std::string msg;
  bool show_usage = true;  // false when the arguments were fine but a file is wrong
};
struct RuntimeError {
  std::string msg;
};

struct Args {
  std::string cmd;
  std::string file;
  std::string out_plan, input, output, dump_dir;
  std::optional<hbc::Rounding> rounding;
  bool json = false;
};

Args parse(const std::vector<std::string>& a) {
  if (a.empty()) throw UsageError{"missing subcommand"};
  Args r;
  r.cmd = a[0];
  if (r.cmd != "inspect" && r.cmd != "compile" && r.cmd != "run") {
    throw UsageError{"unknown subcommand '" + r.cmd + "'"};
  }
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string& w = a[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= a.size()) throw UsageError{w + " needs a value"};
      return a[++i];
    };
    if (w == "--json" && r.cmd == "inspect") {
      r.json = true;
    } else if (w == "--rounding") {
      const std::string v = value();
      if (v == "double")
        r.rounding = hbc::Rounding::kDouble;
      else if (v == "single")
        r.rounding = hbc::Rounding::kSingle;
      else
        throw UsageError{"--rounding must be double or single, not '" + v + "'"};
    } else if ((w == "-o" || w == "--output-plan") && r.cmd == "compile") {
      r.out_plan = value();
    } else if (w == "--input" && r.cmd == "run") {
      r.input = value();
    } else if (w == "--output" && r.cmd == "run") {
      r.output = value();
    } else if (w == "--dump-layers" && r.cmd == "run") {
      r.dump_dir = value();
    } else if (!w.empty() && w[0] == '-') {
      throw UsageError{"unknown option '" + w + "' for '" + r.cmd + "'"};
    } else if (r.file.empty()) {
      r.file = w;
    } else {
      throw UsageError{"unexpected argument '" + w + "'"};
    }
  }
  if (r.file.empty()) throw UsageError{"missing model file"};
  if (r.cmd == "compile" && r.out_plan.empty()) throw UsageError{"compile needs -o PLAN"};
  if (r.cmd == "run" && (r.input.empty() || r.output.empty())) {
    throw UsageError{"run needs --input IN.bin and --output OUT.bin"};
  }
  return r;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw hbc::CompileError::Io("cannot open '" + path + "'");
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw hbc::CompileError::Io("cannot read '" + path + "'");
  return b;
}

void write_file(const std::string& path, const uint8_t* data, size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw hbc::CompileError::Io("cannot write '" + path + "'");
  f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
  if (!f) throw hbc::CompileError::Io("cannot write '" + path + "'");
}

hbc::CompileOptions options(const Args& a) {
  hbc::CompileOptions o;
  if (a.rounding) o.rounding = *a.rounding;
  return o;
}

std::string shape_json_str(const std::vector<int32_t>& s) { return hbc::shape_str(s); }

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s;
}

// ---- inspect ----------------------------------------------------------------

nlohmann::json report_json(const hbc::InspectReport& r) {
  nlohmann::json j;
  j["sha256"] = r.sha256;
  auto io = [](const std::vector<hbc::InspectReport::Io>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& x : v) {
      a.push_back({{"name", x.name},
                   {"shape", x.shape},
                   {"dtype", hbc::dtype_name(x.dtype)},
                   {"scale", x.scale},
                   {"zero_point", x.zero_point}});
    }
    return a;
  };
  j["inputs"] = io(r.inputs);
  j["outputs"] = io(r.outputs);
  auto op = [](const hbc::OpReport& o) {
    nlohmann::json x = {{"index", o.index},     {"op", o.op},     {"inputs", o.inputs},
                        {"outputs", o.outputs}, {"macs", o.macs}, {"supported", o.supported}};
    if (!o.supported) x["error"] = o.error;
    return x;
  };
  j["ops"] = nlohmann::json::array();
  for (const auto& o : r.ops) j["ops"].push_back(op(o));
  j["unsupported"] = nlohmann::json::array();
  for (const auto& o : r.unsupported) j["unsupported"].push_back(op(o));
  j["supported"] = r.unsupported.empty();
  j["total_macs"] = r.total_macs;
  j["weight_bytes"] = r.weight_bytes;
  j["arena_bytes"] = r.arena_bytes;
  j["plan_bytes"] = r.plan_bytes;
  return j;
}

void print_table(const hbc::InspectReport& r, const std::string& file, std::ostream& out) {
  out << "model   " << file << "\nsha256  " << r.sha256 << "\n";
  for (const auto& x : r.inputs) {
    out << "input   " << x.name << "  " << shape_json_str(x.shape) << " "
        << hbc::dtype_name(x.dtype) << "  scale " << x.scale << " zp " << x.zero_point << "\n";
  }
  for (const auto& x : r.outputs) {
    out << "output  " << x.name << "  " << shape_json_str(x.shape) << " "
        << hbc::dtype_name(x.dtype) << "  scale " << x.scale << " zp " << x.zero_point << "\n";
  }
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"#", "op", "inputs", "outputs", "MACs", "status"});
  for (const auto& o : r.ops) {
    rows.push_back({std::to_string(o.index), o.op, join(o.inputs), join(o.outputs),
                    with_commas(o.macs), o.supported ? "ok" : "UNSUPPORTED"});
  }
  std::array<size_t, 6> w{};
  for (const auto& row : rows) {
    for (size_t c = 0; c < 6; ++c) w[c] = std::max(w[c], row[c].size());
  }
  out << "\n";
  for (const auto& row : rows) {
    for (size_t c = 0; c < 6; ++c) {
      const bool right = c == 0 || c == 4;
      out << (right ? std::right : std::left) << std::setw(static_cast<int>(w[c])) << row[c]
          << (c + 1 < 6 ? "  " : "\n");
    }
  }
  out << std::left << "\n";
  out << "total MACs    " << with_commas(r.total_macs) << "\n";
  if (r.unsupported.empty()) {
    out << "weights       " << with_commas(r.weight_bytes) << " bytes\n";
    out << "arena         " << with_commas(r.arena_bytes) << " bytes\n";
    out << "plan          " << with_commas(r.plan_bytes) << " bytes\n";
  } else {
    out << "\nunsupported (" << r.unsupported.size() << "):\n";
    for (const auto& o : r.unsupported) {
      out << "  " << (o.index >= 0 ? "node " + std::to_string(o.index) : std::string("graph"))
          << ": " << o.error << "\n";
    }
  }
}

int cmd_inspect(const Args& a, std::ostream& out) {
  const hbc::Model m = hbc::read_tflite_file(a.file);
  const hbc::InspectReport r = hbc::inspect_model(m, options(a));
  if (a.json) {
    out << report_json(r).dump(2) << "\n";
  } else {
    print_table(r, a.file, out);
  }
  // Inspection succeeds even for unsupported models: the report is the answer.
  return kExitOk;
}

// ---- compile ----------------------------------------------------------------

int cmd_compile(const Args& a, std::ostream& out) {
  const hbc::Model m = hbc::read_tflite_file(a.file);
  hbc::InspectReport r;
  const std::vector<uint8_t> plan = hbc::compile_plan(m, options(a), &r);
  write_file(a.out_plan, plan.data(), plan.size());
  out << "wrote " << a.out_plan << ": " << plan.size() << " bytes, " << r.ops.size()
      << " ops, arena " << r.arena_bytes << " bytes, weights " << r.weight_bytes
      << " bytes, rounding "
      << (a.rounding && *a.rounding == hbc::Rounding::kSingle ? "single" : "double") << "\n";
  return kExitOk;
}

// ---- run --------------------------------------------------------------------

// A byte buffer whose first byte is `align`-aligned.
class AlignedBuffer {
 public:
  AlignedBuffer(size_t n, size_t align) : raw_(n + align, 0) {
    const auto p = reinterpret_cast<uintptr_t>(raw_.data());
    off_ = static_cast<size_t>((align - p % align) % align);
    size_ = n;
  }
  uint8_t* data() { return raw_.data() + off_; }
  size_t size() const { return size_; }

 private:
  std::vector<uint8_t> raw_;
  size_t off_ = 0, size_ = 0;
};

struct DumpState {
  const hb_plan* plan = nullptr;
  uint8_t* arena = nullptr;
  std::string dir;
  const std::map<uint32_t, std::string>* names = nullptr;  // source node -> TFLite op name
  std::string error;
};

void dump_end(void* user, uint32_t /*op_index*/, const hb_op* op) {
  auto* s = static_cast<DumpState*>(user);
  if (!s->error.empty()) return;
  std::string name = hb_op_name(op->opcode);
  if (s->names) {
    auto it = s->names->find(op->source_index);
    if (it != s->names->end()) name = it->second;
  }
  for (std::string::size_type p; (p = name.find_first_of("/: ")) != std::string::npos;) {
    name[p] = '_';
  }
  char idx[16];
  std::snprintf(idx, sizeof idx, "%03u", op->source_index);
  for (uint32_t k = 0; k < op->n_outputs; ++k) {
    const uint16_t id = op->tensors[op->n_inputs + k];
    const hb_tensor& t = s->plan->tensors[id];
    const auto* data = static_cast<const uint8_t*>(hb_tensor_data(s->plan, s->arena, id));
    std::string path =
        s->dir + "/" + idx + "_" + name + (k ? "." + std::to_string(k) : "") + ".bin";
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(t.bytes));
    if (!f) s->error = "cannot write '" + path + "'";
  }
}

bool is_plan(const std::vector<uint8_t>& b) {
  if (b.size() < 4) return false;
  uint32_t magic;
  std::memcpy(&magic, b.data(), 4);
  return magic == HB_PLAN_MAGIC;
}

int cmd_run(const Args& a, std::ostream& out) {
  const std::vector<uint8_t> file = read_file(a.file);
  std::vector<uint8_t> plan_bytes;
  std::map<uint32_t, std::string> names;
  if (is_plan(file)) {
    plan_bytes = file;
    if (a.rounding && file.size() >= sizeof(hb_plan_header)) {
      hb_plan_header h;
      std::memcpy(&h, file.data(), sizeof h);
      const bool single = (h.flags & HB_PLAN_FLAG_SINGLE_ROUNDING) != 0;
      if (single != (*a.rounding == hbc::Rounding::kSingle)) {
        throw UsageError{
            "--rounding " +
                std::string(*a.rounding == hbc::Rounding::kSingle ? "single" : "double") +
                " disagrees with the plan, which was compiled for " +
                (single ? "single" : "double") + " rounding",
            false};
      }
    }
  } else {
    const hbc::Model m = hbc::read_tflite(file);
    plan_bytes = hbc::compile_plan(m, options(a));
    for (const auto& op : m.ops) names[static_cast<uint32_t>(op.index)] = op.op_name;
  }
  if (plan_bytes.size() < sizeof(hb_plan_header) || plan_bytes.size() > UINT32_MAX) {
    throw RuntimeError{"plan: HB_ERR_BAD_SIZE"};
  }
  // The runtime reads the plan in place and needs it 4-aligned.
  AlignedBuffer plan_mem(plan_bytes.size(), 16);
  std::memcpy(plan_mem.data(), plan_bytes.data(), plan_bytes.size());
  hb_plan_header h;
  std::memcpy(&h, plan_mem.data(), sizeof h);
  AlignedBuffer arena(h.arena_size, HB_ARENA_ALIGN);

  hb_plan plan;
  hb_status st = hb_plan_init(&plan, plan_mem.data(), static_cast<uint32_t>(plan_mem.size()),
                              static_cast<uint32_t>(arena.size()));
  if (st != HB_OK) throw RuntimeError{std::string("plan rejected: ") + hb_status_name(st)};

  // Inputs.
  const std::vector<uint8_t> in = read_file(a.input);
  uint64_t need = 0;
  std::string layout;
  for (uint32_t i = 0; i < plan.header->n_inputs; ++i) {
    const hb_tensor& t = plan.tensors[hb_plan_input(&plan, i)];
    need += t.bytes;
    layout += (i ? ", " : "") + std::to_string(t.bytes);
  }
  if (in.size() != need) {
    throw UsageError{"input file '" + a.input + "' has " + std::to_string(in.size()) +
                         " bytes; the model's inputs need " + std::to_string(need) + " (" + layout +
                         ", concatenated in input order)",
                     false};
  }
  size_t pos = 0;
  for (uint32_t i = 0; i < plan.header->n_inputs; ++i) {
    const uint16_t id = hb_plan_input(&plan, i);
    const hb_tensor& t = plan.tensors[id];
    std::memcpy(hb_tensor_data(&plan, arena.data(), id), in.data() + pos, t.bytes);
    pos += t.bytes;
  }

  DumpState ds;
  hb_hooks hooks{};
  if (!a.dump_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.dump_dir, ec);
    if (ec) throw hbc::CompileError::Io("cannot create '" + a.dump_dir + "': " + ec.message());
    ds.plan = &plan;
    ds.arena = arena.data();
    ds.dir = a.dump_dir;
    ds.names = names.empty() ? nullptr : &names;
    hooks.end = dump_end;
    hooks.user = &ds;
  }
  st = hb_invoke(&plan, arena.data(), a.dump_dir.empty() ? nullptr : &hooks);
  if (st != HB_OK) throw RuntimeError{std::string("invoke failed: ") + hb_status_name(st)};
  if (!ds.error.empty()) throw hbc::CompileError::Io(ds.error);

  std::vector<uint8_t> result;
  for (uint32_t i = 0; i < plan.header->n_outputs; ++i) {
    const uint16_t id = hb_plan_output(&plan, i);
    const auto* p = static_cast<const uint8_t*>(hb_tensor_data(&plan, arena.data(), id));
    result.insert(result.end(), p, p + plan.tensors[id].bytes);
  }
  write_file(a.output, result.data(), result.size());
  out << "ran " << plan.header->n_ops << " ops (arena " << plan.header->arena_size
      << " bytes, rounding "
      << ((plan.header->flags & HB_PLAN_FLAG_SINGLE_ROUNDING) ? "single" : "double") << "); wrote "
      << result.size() << " bytes to " << a.output << "\n";
  if (!a.dump_dir.empty()) out << "per-op outputs in " << a.dump_dir << "\n";
  return kExitOk;
}

}  // namespace

int model_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    const Args a = parse(args);
    if (a.cmd == "inspect") return cmd_inspect(a, out);
    if (a.cmd == "compile") return cmd_compile(a, out);
    return cmd_run(a, out);
  } catch (const UsageError& e) {
    err << "error: " << e.msg << "\n" << (e.show_usage ? kUsage : "");
    return kExitUsage;
  } catch (const hbc::CompileError& e) {
    err << "error: " << e.kind_name() << ": " << e.what() << "\n";
    return kExitModel;
  } catch (const RuntimeError& e) {
    err << "error: runtime: " << e.msg << "\n";
    return kExitRuntime;
  }
}

}  // namespace hb_cli
