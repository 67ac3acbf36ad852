// conv_geometry.cc: see conv_geometry.h.
#include "conv_geometry.h"

#include <algorithm>

namespace hbc {

AxisGeometry conv_axis(Padding padding, int32_t in, int32_t filter, int32_t stride,
                       int32_t dilation) {
  AxisGeometry g;
  if (stride <= 0) return g;  // TFLite's ComputeOutSize returns 0 too
  const int64_t effective = static_cast<int64_t>(filter - 1) * dilation + 1;
  int64_t out = padding == Padding::kSame
                    ? (static_cast<int64_t>(in) + stride - 1) / stride
                    : (static_cast<int64_t>(in) + stride - effective) / stride;
  if (out < 0) out = 0;
  g.out = static_cast<int32_t>(out);
  int64_t total = (out - 1) * stride + effective - in;
  if (total < 0) total = 0;
  g.pad = static_cast<int32_t>(total / 2);
  g.pad_offset = static_cast<int32_t>(total % 2);
  return g;
}

int64_t conv_overlap_lead(int32_t batches, int32_t in_h, int64_t in_row_bytes, int32_t out_h,
                          int64_t out_row_bytes, int32_t stride_h, int32_t pad_h) {
  int64_t lead = 0;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t y = 0; y < out_h; ++y) {
      // The lowest input row any output pixel of row y (or later) reads.
      const int64_t first = std::clamp<int64_t>(y * stride_h - pad_h, 0, in_h);
      const int64_t row = b * out_h + y;
      const int64_t need = (row + 1) * out_row_bytes - (b * in_h + first) * in_row_bytes;
      lead = std::max(lead, need);
    }
  }
  return lead;
}

}  // namespace hbc
