// hbc/lower.h: turning one TFLite operator into one runtime op record.
//
// Each supported builtin has a lowering function (compiler/src/lower/) that
// validates the operator completely (dtypes, shapes, quantization, options)
// and precomputes everything the kernel needs: multipliers, shifts,
// activation ranges, per-channel arrays, scratch size, MAC count. A lowering
// that meets something it cannot run exactly throws CompileError::Unsupported
// naming the operator, its node index and the dtype; it never emits an op
// that would compute wrong numbers.
//
// The params struct layouts are the runtime's (firmware-harness/runtime/
// include/hb/ops/*.h): a lowering fills the C struct and stores its bytes.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "hbc/model.h"

namespace hbc {

enum class Rounding { kDouble, kSingle };

// Where an op's output may be placed relative to one of its inputs when that
// input dies at this op: the output may overlap the input provided it starts
// at least `lead` bytes before it (output_offset + lead <= input_offset,
// lead >= 0). The kernel writes its output in increasing address order and
// never overwrites input bytes it has yet to read. lead = 0 with equal sizes
// is plain in-place (elementwise ops). `alias` means the output IS the input
// (RESHAPE/SQUEEZE): same bytes, the op then does nothing.
struct OverlapHint {
  int input_slot = 0;
  int64_t lead = 0;
  bool alias = false;
};

struct LoweredOp {
  uint16_t opcode = 0;                // hb_opcode
  std::vector<int> inputs;            // model tensor index per input slot; -1 = absent
  std::vector<int> outputs;           // model tensor index per output slot
  std::vector<uint8_t> params;        // bytes of the opcode's params struct
  uint32_t scratch_bytes = 0;         // arena scratch needed during this op
  uint64_t macs = 0;                  // multiply-accumulates (for inspect and reports)
  std::vector<OverlapHint> overlaps;  // permitted placements (optional)

  template <typename T>
  void set_params(const T& p) {
    params.resize(sizeof(T));
    std::memcpy(params.data(), &p, sizeof(T));
  }
};

// What a lowering may do to the model: read tensors, and add constant
// tensors of its own (per-channel multipliers, shifts, int32 biases).
class LowerContext {
 public:
  LowerContext(Model& model, Rounding rounding) : model_(model), rounding_(rounding) {}
  const Model& model() const { return model_; }
  const Tensor& tensor(int index) const { return model_.tensors.at(static_cast<size_t>(index)); }
  Rounding rounding() const { return rounding_; }
  bool single_rounding() const { return rounding_ == Rounding::kSingle; }

  // Adds a constant tensor owned by the context; returns its tensor index.
  int add_const(const std::string& name, DType dtype, std::vector<int32_t> shape,
                std::vector<uint8_t> bytes);
  template <typename T>
  int add_const_array(const std::string& name, DType dtype, const std::vector<T>& v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    if (!v.empty()) std::memcpy(b.data(), v.data(), b.size());
    return add_const(name, dtype, {static_cast<int32_t>(v.size())}, std::move(b));
  }

  // Storage for bytes of added constants (stable addresses).
  std::vector<std::vector<uint8_t>>& owned() { return owned_; }

 private:
  Model& model_;
  Rounding rounding_;
  std::vector<std::vector<uint8_t>> owned_;
};

using LowerFn = LoweredOp (*)(LowerContext& ctx, const Operator& op);

// The lowering for a TFLite builtin code, or nullptr if unsupported.
LowerFn find_lowering(int builtin_code);

// Helpers every lowering uses (compiler/src/lower/common.cc).
// Throws CompileError::Unsupported("<OP> (node N): <what>").
[[noreturn]] void unsupported(const Operator& op, const std::string& what);
[[noreturn]] void invalid(const Operator& op, const std::string& what);
// The tensor of input/output slot i, throwing Invalid if missing.
const Tensor& input(const LowerContext& ctx, const Operator& op, size_t i);
const Tensor& output(const LowerContext& ctx, const Operator& op, size_t i);
// Activation clamp range for a fused activation in the output's quantized
// domain (TFLite's CalculateActivationRangeQuantized).
void activation_range(const Operator& op, Activation act, const Tensor& out, int32_t* act_min,
                      int32_t* act_max);

}  // namespace hbc
