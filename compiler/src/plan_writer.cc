// plan_writer.cc: byte layout of a plan; see plan_writer.h.
#include "plan_writer.h"

#include <cstring>
#include <limits>
#include <stdexcept>

#include "hb/runtime.h"

namespace hbc {

namespace {

uint64_t align(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

}  // namespace

std::vector<uint8_t> write_plan(const PlanIn& in) {
  static_assert(sizeof(hb_plan_header) == 96, "plan header layout");
  static_assert(sizeof(hb_tensor) == 40, "tensor record layout");
  static_assert(sizeof(hb_op) == 44, "op record layout");

  // Offsets first, in 64 bits; one pass of layout, one of copying.
  uint64_t pos = sizeof(hb_plan_header);
  const uint64_t tensors_off = align(pos, 4);
  pos = tensors_off + in.tensors.size() * sizeof(hb_tensor);
  const uint64_t ops_off = align(pos, 4);
  pos = ops_off + in.ops.size() * sizeof(hb_op);
  const uint64_t io_off = align(pos, 4);
  pos = io_off + (in.inputs.size() + in.outputs.size()) * sizeof(uint16_t);
  std::vector<uint64_t> params_off(in.ops.size());
  for (size_t i = 0; i < in.ops.size(); ++i) {
    pos = align(pos, 4);
    params_off[i] = pos;
    pos += in.ops[i].params.size();
  }
  const uint64_t const_off = align(pos, HB_PLAN_CONST_ALIGN);
  pos = const_off;
  std::vector<uint64_t> data_off(in.tensors.size(), 0);
  for (size_t i = 0; i < in.tensors.size(); ++i) {
    if (in.tensors[i].rec.storage != HB_STORAGE_CONST) continue;
    pos = align(pos, HB_PLAN_CONST_ALIGN);
    data_off[i] = pos;
    pos += in.tensors[i].rec.bytes;
  }
  const uint64_t const_size = pos - const_off;
  const uint64_t total = align(pos, HB_PLAN_CONST_ALIGN);
  if (total > std::numeric_limits<uint32_t>::max()) throw std::length_error("plan exceeds 4 GiB");

  std::vector<uint8_t> out(total, 0);
  hb_plan_header h{};
  h.magic = HB_PLAN_MAGIC;
  h.version_major = HB_PLAN_VERSION_MAJOR;
  h.version_minor = HB_PLAN_VERSION_MINOR;
  h.total_size = static_cast<uint32_t>(total);
  h.flags = in.flags;
  h.arena_size = in.arena_size;
  h.n_tensors = static_cast<uint32_t>(in.tensors.size());
  h.n_ops = static_cast<uint32_t>(in.ops.size());
  h.n_inputs = static_cast<uint32_t>(in.inputs.size());
  h.n_outputs = static_cast<uint32_t>(in.outputs.size());
  h.tensors_offset = static_cast<uint32_t>(tensors_off);
  h.ops_offset = static_cast<uint32_t>(ops_off);
  h.io_offset = static_cast<uint32_t>(io_off);
  h.const_offset = static_cast<uint32_t>(const_off);
  h.const_size = static_cast<uint32_t>(const_size);
  std::memcpy(h.model_sha256, in.model_sha256.data(), 32);

  for (size_t i = 0; i < in.tensors.size(); ++i) {
    hb_tensor t = in.tensors[i].rec;
    if (t.storage == HB_STORAGE_CONST) {
      t.offset = static_cast<uint32_t>(data_off[i]);
      if (t.bytes) std::memcpy(out.data() + data_off[i], in.tensors[i].data, t.bytes);
    }
    std::memcpy(out.data() + tensors_off + i * sizeof(hb_tensor), &t, sizeof t);
  }
  for (size_t i = 0; i < in.ops.size(); ++i) {
    hb_op op = in.ops[i].rec;
    op.params_offset = static_cast<uint32_t>(params_off[i]);
    op.params_size = static_cast<uint32_t>(in.ops[i].params.size());
    std::memcpy(out.data() + ops_off + i * sizeof(hb_op), &op, sizeof op);
    if (!in.ops[i].params.empty()) {
      std::memcpy(out.data() + params_off[i], in.ops[i].params.data(), in.ops[i].params.size());
    }
  }
  uint64_t io = io_off;
  for (uint16_t id : in.inputs) {
    std::memcpy(out.data() + io, &id, 2);
    io += 2;
  }
  for (uint16_t id : in.outputs) {
    std::memcpy(out.data() + io, &id, 2);
    io += 2;
  }
  h.crc32 = 0;
  std::memcpy(out.data(), &h, sizeof h);
  h.crc32 = hb_plan_crc(out.data(), total);
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

}  // namespace hbc
