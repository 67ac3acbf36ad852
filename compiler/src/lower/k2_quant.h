// k2_quant.h: small helpers shared by the pooling, elementwise, reduce and
// shape lowerings (lower_pool.cc, lower_elementwise.cc, lower_reduce.cc,
// lower_shape.cc): per-tensor quantization accessors and dtype checks that
// throw with the operator named.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hbc/lower.h"

namespace hbc::k2 {

// The per-tensor scale of `t`; throws Invalid if absent or not positive and
// Unsupported if per-channel.
inline float scale_of(const Operator& op, const Tensor& t) {
  if (t.quant.scale.empty()) invalid(op, "tensor '" + t.name + "' is not quantized");
  if (t.quant.per_channel()) {
    unsupported(op, "per-channel quantization on tensor '" + t.name + "'");
  }
  const float s = t.quant.scale[0];
  if (!(s > 0.0f) || !std::isfinite(s)) {
    invalid(op, "tensor '" + t.name + "' has a non-positive or non-finite scale");
  }
  return s;
}

// The zero point of `t`, checked against its dtype's range.
inline int32_t zero_point_of(const Operator& op, const Tensor& t) {
  scale_of(op, t);
  const int64_t zp = t.quant.zero_point.empty() ? 0 : t.quant.zero_point[0];
  const int64_t lo = t.dtype == DType::kInt16 ? -32768 : -128;
  const int64_t hi = t.dtype == DType::kInt16 ? 32767 : 127;
  if (zp < lo || zp > hi) {
    invalid(op, "tensor '" + t.name + "' zero point " + std::to_string(zp) + " outside the " +
                    dtype_name(t.dtype) + " range");
  }
  return static_cast<int32_t>(zp);
}

// Throws Unsupported unless t's dtype is int8 (or int16 when allowed).
inline void require_act_dtype(const Operator& op, const Tensor& t, bool allow_int16) {
  if (t.dtype == DType::kInt8) return;
  if (allow_int16 && t.dtype == DType::kInt16) return;
  unsupported(op, std::string(dtype_name(t.dtype)) + " tensor '" + t.name + "' (" +
                      (allow_int16 ? "int8 or int16" : "int8") + " only)");
}

inline void require_same_dtype(const Operator& op, const Tensor& a, const Tensor& b) {
  if (a.dtype != b.dtype) {
    invalid(op, std::string("dtype mismatch: ") + dtype_name(a.dtype) + " '" + a.name + "' vs " +
                    dtype_name(b.dtype) + " '" + b.name + "'");
  }
}

inline void require_max_rank(const Operator& op, const Tensor& t, size_t rank) {
  if (t.shape.size() > rank) {
    unsupported(op, std::to_string(t.shape.size()) + "-D tensor '" + t.name + "' (at most " +
                        std::to_string(rank) + "-D)");
  }
}

// Shape extended to 4-D with leading 1s (caller checked rank <= 4).
inline std::vector<int32_t> dims4(const std::vector<int32_t>& shape) {
  std::vector<int32_t> d(4, 1);
  for (size_t i = 0; i < shape.size(); ++i) d[4 - shape.size() + i] = shape[i];
  return d;
}

// Reads a constant integer tensor (int32, or int64 when allowed) as int64s.
inline std::vector<int64_t> const_ints(const Operator& op, const Tensor& t, const char* what,
                                       bool allow_int64) {
  if (!t.is_const()) unsupported(op, std::string("non-constant ") + what + " tensor");
  const bool i64 = t.dtype == DType::kInt64;
  if (t.dtype != DType::kInt32 && !(allow_int64 && i64)) {
    unsupported(op, std::string(what) + " tensor of type " + dtype_name(t.dtype) +
                        (allow_int64 ? " (int32 or int64 only)" : " (int32 only)"));
  }
  const size_t esize = i64 ? 8 : 4;
  const int64_t n = t.elems();
  if (n < 0 || t.data_size < static_cast<size_t>(n) * esize) {
    invalid(op, std::string(what) + " tensor data is shorter than its shape");
  }
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) {
    if (i64) {
      int64_t x;
      std::memcpy(&x, t.data + i * 8, 8);
      v[i] = x;
    } else {
      int32_t x;
      std::memcpy(&x, t.data + i * 4, 4);
      v[i] = x;
    }
  }
  return v;
}

}  // namespace hbc::k2
