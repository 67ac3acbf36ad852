// hbc/compile.h: .tflite -> plan, and the model inspection report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hbc/lower.h"
#include "hbc/model.h"

namespace hbc {

struct CompileOptions {
  Rounding rounding = Rounding::kDouble;
  // Keep graph inputs intact for the whole run (no op reuses their bytes),
  // so a board can run N inferences on one input upload; the plan then
  // carries HB_PLAN_FLAG_INPUTS_PRESERVED. Off = smallest arena, inputs are
  // clobbered (as in TFLM) and must be reloaded before every invoke.
  bool preserve_inputs = true;
};

// One row of `hilbench model inspect`.
struct OpReport {
  int index = -1;
  std::string op;                   // TFLite operator name
  std::vector<std::string> inputs;  // "1x49x10x1 int8" (or "-" for absent)
  std::vector<std::string> outputs;
  uint64_t macs = 0;
  bool supported = true;
  std::string error;  // why it is not supported
};

struct InspectReport {
  std::string sha256;
  std::vector<OpReport> ops;
  uint64_t total_macs = 0;
  uint64_t weight_bytes = 0;  // bytes of constant tensors the plan stores
  uint32_t arena_bytes = 0;   // planned arena (0 if not compilable)
  uint32_t plan_bytes = 0;
  std::vector<OpReport> unsupported;  // subset of ops
  struct Io {
    std::string name;
    std::vector<int32_t> shape;
    DType dtype;
    float scale;
    int64_t zero_point;
  };
  std::vector<Io> inputs, outputs;
};

// Compiles the model to plan bytes. Throws CompileError.
std::vector<uint8_t> compile_plan(const Model& model, const CompileOptions& opts,
                                  InspectReport* report = nullptr);

// Inspection never throws for unsupported operators: they are listed.
InspectReport inspect_model(const Model& model, const CompileOptions& opts);

}  // namespace hbc
