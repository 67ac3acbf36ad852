/* hb/ops/conv.h: the convolution family (CONV_2D, DEPTHWISE_CONV_2D,
 * TRANSPOSE_CONV, FULLY_CONNECTED): params structs shared by the compiler and
 * the runtime, and the reference kernel prototypes.
 *
 * Arithmetic is TFLM's reference_integer_ops (ConvPerChannel,
 * DepthwiseConvPerChannel, TransposeConv, FullyConnected):
 *   s8  = int8 activations, int8 weights, int32 bias, int32 accumulator, hb_mbqm
 *   s16 = int16 activations (zero point 0), int8 weights, int64 bias, int64
 *         accumulator, hb_mbqm64 ("16x8")
 * Every op carries per-output-channel multiplier and shift arrays, even for
 * per-tensor weights (the compiler broadcasts the one value), as TFLM does.
 *
 * Op slot layout (all four opcodes):
 *   inputs  [0] input activations  (NHWC; FULLY_CONNECTED: any shape, read flat)
 *           [1] weights            CONV_2D, TRANSPOSE_CONV: [out_c, fh, fw, in_c]
 *                                  DEPTHWISE_CONV_2D:       [1, fh, fw, out_c]
 *                                  FULLY_CONNECTED:         [out_depth, accum_depth]
 *           [2] bias or HB_NO_TENSOR: int32 (s8) / int64 (s16), [out_c]
 *           [3] multipliers: int32 const [out_c], Q31 in [0, 2^31)
 *           [4] shifts:      int32 const [out_c], left shift if > 0
 *   outputs [0] output activations (NHWC; FULLY_CONNECTED: [.., out_depth])
 * TRANSPOSE_CONV's output_shape tensor is not a slot: the output tensor's own
 * shape carries it. TRANSPOSE_CONV needs op scratch: output elements x 4 bytes
 * (s8, int32 accumulators) or x 8 bytes (s16, int64), 8-byte aligned.
 *
 * Kernels are stateless and unchecked: the op's check function validated
 * every shape and range first (src/ops/conv_2d_op.c and its siblings).
 */
#ifndef HB_OPS_CONV_H
#define HB_OPS_CONV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV params, 32 bytes. */
typedef struct {
  int16_t stride_h, stride_w;     /* elements, >= 1 */
  int16_t dilation_h, dilation_w; /* elements, >= 1 (TRANSPOSE_CONV: 1) */
  int16_t pad_h, pad_w;           /* top / left padding, elements, >= 0 (TFLite's
                                     ComputePaddingHeightWidth; the extra
                                     bottom/right offset needs no field) */
  int16_t depth_multiplier;       /* DEPTHWISE_CONV_2D: out_c / in_c; else 1 */
  int16_t reserved;               /* zero */
  int32_t input_offset;           /* -input zero point (s16: 0) */
  int32_t output_offset;          /* output zero point (s16: 0) */
  int32_t act_min, act_max;       /* output clamp, quantized, in the output dtype range */
} hb_conv_params;

/* FULLY_CONNECTED params, 32 bytes. */
typedef struct {
  int32_t input_offset;     /* -input zero point (s16: 0) */
  int32_t filter_offset;    /* -weights zero point (TFLM applies it for per-tensor weights) */
  int32_t output_offset;    /* output zero point (s16: 0) */
  int32_t act_min, act_max; /* output clamp, quantized */
  int32_t batches;          /* rows: input elements / accum_depth */
  int32_t accum_depth;      /* weights' inner dimension */
  int32_t output_depth;     /* output's last dimension = weights' rows */
} hb_fully_connected_params;

#ifdef __cplusplus
static_assert(sizeof(hb_conv_params) == 32, "hb_conv_params layout");
static_assert(sizeof(hb_fully_connected_params) == 32, "hb_fully_connected_params layout");
#else
_Static_assert(sizeof(hb_conv_params) == 32, "hb_conv_params layout");
_Static_assert(sizeof(hb_fully_connected_params) == 32, "hb_fully_connected_params layout");
#endif

/* A 4-D shape, NHWC (or OHWI for weights). */
typedef struct {
  int32_t n, h, w, c;
} hb_shape4;

/* Per-output-channel requantization: mult[c], shift[c], and the rounding
 * mode (non-zero = single rounding). */
typedef struct {
  const int32_t *mult;
  const int32_t *shift;
  int single;
} hb_requant;

/* CONV_2D. Loops batch, out_y, out_x, out_c, writing the output strictly in
 * increasing address order; output pixel (y, x) reads only input rows >=
 * y * stride_h - pad_h. Weights [out_c, fh, fw, in_c], in_c = input c. */
void hb_conv2d_s8(const hb_conv_params *p, const hb_requant *rq, const hb_shape4 *in_dims,
                  const int8_t *in, const hb_shape4 *w_dims, const int8_t *w, const int32_t *bias,
                  const hb_shape4 *out_dims, int8_t *out);
void hb_conv2d_s16(const hb_conv_params *p, const hb_requant *rq, const hb_shape4 *in_dims,
                   const int16_t *in, const hb_shape4 *w_dims, const int8_t *w, const int64_t *bias,
                   const hb_shape4 *out_dims, int16_t *out);

/* DEPTHWISE_CONV_2D. Same loop and write order as CONV_2D; out channel
 * oc = ic * depth_multiplier + m. Weights [1, fh, fw, out_c]. */
void hb_depthwise_conv2d_s8(const hb_conv_params *p, const hb_requant *rq, const hb_shape4 *in_dims,
                            const int8_t *in, const hb_shape4 *w_dims, const int8_t *w,
                            const int32_t *bias, const hb_shape4 *out_dims, int8_t *out);
void hb_depthwise_conv2d_s16(const hb_conv_params *p, const hb_requant *rq,
                             const hb_shape4 *in_dims, const int16_t *in, const hb_shape4 *w_dims,
                             const int8_t *w, const int64_t *bias, const hb_shape4 *out_dims,
                             int16_t *out);

/* TRANSPOSE_CONV. Scatters every input element into `scratch` (caller-owned,
 * out elements x int32 / int64), then requantizes into `out`. The input is
 * fully read before the first output byte is written. Weights
 * [out_c, fh, fw, in_c]. */
void hb_transpose_conv2d_s8(const hb_conv_params *p, const hb_requant *rq, const hb_shape4 *in_dims,
                            const int8_t *in, const hb_shape4 *w_dims, const int8_t *w,
                            const int32_t *bias, const hb_shape4 *out_dims, int8_t *out,
                            int32_t *scratch);
void hb_transpose_conv2d_s16(const hb_conv_params *p, const hb_requant *rq,
                             const hb_shape4 *in_dims, const int16_t *in, const hb_shape4 *w_dims,
                             const int8_t *w, const int64_t *bias, const hb_shape4 *out_dims,
                             int16_t *out, int64_t *scratch);

/* FULLY_CONNECTED: out[b][o] = requant(sum_d (w[o][d] + filter_offset) *
 * (in[b][d] + input_offset) + bias[o]). */
void hb_fully_connected_s8(const hb_fully_connected_params *p, const hb_requant *rq,
                           const int8_t *in, const int8_t *w, const int32_t *bias, int8_t *out);
void hb_fully_connected_s16(const hb_fully_connected_params *p, const hb_requant *rq,
                            const int16_t *in, const int8_t *w, const int64_t *bias, int16_t *out);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_CONV_H */
