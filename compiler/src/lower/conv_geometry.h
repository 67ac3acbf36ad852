// conv_geometry.h: convolution geometry shared by the conv-family lowerings
// and their tests: TFLite's padding arithmetic and the in-place overlap
// bound for hb_conv2d / hb_depthwise_conv2d.
#pragma once

#include <cstdint>

#include "hbc/model.h"

namespace hbc {

// TFLite's ComputePaddingHeightWidth (tensorflow/lite/kernels/padding.h) for
// one spatial axis: the output size for `padding`, and the leading padding
// (total / 2; the odd remainder goes to the trailing side and needs no
// field, since the kernel bounds-checks every tap).
struct AxisGeometry {
  int32_t out = 0;         // output size, elements
  int32_t pad = 0;         // leading padding, elements
  int32_t pad_offset = 0;  // total padding % 2 (TFLite's width/height_offset)
};
AxisGeometry conv_axis(Padding padding, int32_t in, int32_t filter, int32_t stride,
                       int32_t dilation);

// Bytes the output of a row-major conv/depthwise kernel may start before its
// input when the input dies at the op (OverlapHint::lead): the smallest lead
// such that for every output row r (over batches), writing row r never
// reaches an input row the kernel may still read. in/out row bytes are
// w * c * element size.
int64_t conv_overlap_lead(int32_t batches, int32_t in_h, int64_t in_row_bytes, int32_t out_h,
                          int64_t out_row_bytes, int32_t stride_h, int32_t pad_h);

}  // namespace hbc
