/* hb/ops/shape.h: data-movement operators: RESHAPE (and SQUEEZE), PAD,
 * CONCATENATION, STRIDED_SLICE. None does arithmetic, so results are
 * independent of the rounding mode. All shapes here are extended to 4-D by
 * leading 1s (a tensor of ndim < 4 is the same data as its 4-D extension).
 *
 * Slots:
 *   RESHAPE:       in[0] = input, out[0] = output; same dtype, same element
 *                  count. The shape operand of TFLite's RESHAPE is not a slot.
 *                  The compiler normally places the output on the input
 *                  (alias): the op then does nothing.
 *   PAD:           in[0] = input, out[0] = output (int8 or int16); the
 *                  paddings are in params (from the model's constant tensor).
 *   CONCATENATION: in[0..n-1] = inputs (n <= HB_OP_MAX_TENSORS - 1),
 *                  out[0] = output; int8 or int16; identical quantization.
 *   STRIDED_SLICE: in[0] = input, out[0] = output (int8 or int16); begin,
 *                  end, strides and masks are resolved into params.
 */
#ifndef HB_OPS_SHAPE_H
#define HB_OPS_SHAPE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HB_STATIC_ASSERT
#ifdef __cplusplus
#define HB_STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define HB_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
#endif

/* Params for HB_OP_RESHAPE, 4 bytes (nothing to say; the shape is the
 * output tensor record's). */
typedef struct {
  uint32_t reserved; /* zero */
} hb_reshape_params;
HB_STATIC_ASSERT(sizeof(hb_reshape_params) == 4, "hb_reshape_params layout");

/* Params for HB_OP_PAD, 36 bytes. Output dim d = before[d] + input dim d +
 * after[d] (4-D extended). */
typedef struct {
  int32_t before[4]; /* elements inserted before the data, per dim, >= 0 */
  int32_t after[4];  /* elements appended after the data, per dim, >= 0 */
  int32_t pad_value; /* stored value of padding: output zero point (int8), 0 (int16) */
} hb_pad_params;
HB_STATIC_ASSERT(sizeof(hb_pad_params) == 36, "hb_pad_params layout");

/* Params for HB_OP_CONCATENATION, 4 bytes. */
typedef struct {
  int32_t axis; /* in [0, 4): concatenation dim of the 4-D extended shapes */
} hb_concatenation_params;
HB_STATIC_ASSERT(sizeof(hb_concatenation_params) == 4, "hb_concatenation_params layout");

/* Params for HB_OP_STRIDED_SLICE, 48 bytes. Along 4-D extended input dim d
 * the slice reads indices start[d] + k * step[d] for k in [0, count[d]);
 * the compiler resolved masks, negative indices, clamping and the offset
 * option exactly as TFLite's strided_slice_logic.h. The output holds
 * product(count) elements in row-major order (shrunk axes have count 1). */
typedef struct {
  int32_t start[4]; /* first index read, in [0, dim) when count > 0 */
  int32_t step[4];  /* stride, nonzero, may be negative */
  int32_t count[4]; /* elements taken, >= 0 */
} hb_strided_slice_params;
HB_STATIC_ASSERT(sizeof(hb_strided_slice_params) == 48, "hb_strided_slice_params layout");

/* Moves `bytes` bytes from in to out; correct for any overlap, nothing when
 * in == out (memmove semantics without libc). */
void hb_reshape_s8(const int8_t *in, int8_t *out, uint32_t bytes);

void hb_pad_s8(const hb_pad_params *p, const int32_t in_dims[4], const int8_t *in, int8_t *out);
void hb_pad_s16(const hb_pad_params *p, const int32_t in_dims[4], const int16_t *in, int16_t *out);

/* Copies, for each of `outer` rows, chunk[i] bytes from each input i in turn
 * (concatenation is a byte copy, so int16 uses the same kernel with byte
 * counts). inputs[i] advances by chunk[i] bytes per row. */
void hb_concatenation_s8(const int8_t *const *inputs, const int32_t *chunk, int32_t n_inputs,
                         int32_t outer, int8_t *out);

void hb_strided_slice_s8(const hb_strided_slice_params *p, const int32_t in_dims[4],
                         const int8_t *in, int8_t *out);
void hb_strided_slice_s16(const hb_strided_slice_params *p, const int32_t in_dims[4],
                          const int16_t *in, int16_t *out);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_SHAPE_H */
