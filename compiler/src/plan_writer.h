// plan_writer.h: serialises a fully planned graph into the plan wire format
// (firmware-harness/runtime/include/hb/plan_format.h). compile.cc decides
// what goes in (tensors, ops, arena offsets); this file only lays bytes out:
// header, tensor table, op records, io list, params (4-aligned), constants
// (each HB_PLAN_CONST_ALIGN-aligned), then the CRC.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "hb/plan_format.h"

namespace hbc {

struct PlanTensorIn {
  hb_tensor rec{};                // dtype, ndim, dims, bytes, scale, zero_point; for arena
                                  // tensors also storage = HB_STORAGE_ARENA and offset
  const uint8_t* data = nullptr;  // constant bytes (rec.bytes of them), or null for arena
};

struct PlanOpIn {
  hb_op rec{};                  // everything but params_offset/params_size
  std::vector<uint8_t> params;  // the opcode's params struct bytes
};

struct PlanIn {
  uint32_t flags = 0;
  uint32_t arena_size = 0;
  std::array<uint8_t, 32> model_sha256{};
  std::vector<PlanTensorIn> tensors;
  std::vector<PlanOpIn> ops;
  std::vector<uint16_t> inputs, outputs;  // tensor ids
};

// Returns the plan bytes (CRC filled in). Throws std::length_error if the
// plan would exceed 4 GiB.
std::vector<uint8_t> write_plan(const PlanIn& in);

}  // namespace hbc
