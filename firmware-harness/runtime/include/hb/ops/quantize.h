/* hb/ops/quantize.h: QUANTIZE and DEQUANTIZE: params and kernels.
 *
 * Op slots: in[0] = input, out[0] = output, the same shape; no scratch.
 * QUANTIZE dtype pairs: float32->int8, float32->int16 (TFLM AffineQuantize:
 * round(x / scale) half away from zero, in float, + zero point, clamp) and
 * int8->int8, int8->int16, int16->int8, int16->int16 (TFLM Requantize:
 * MultiplyByQuantizedMultiplier(x - in_zp) + out_zp, clamp).
 * DEQUANTIZE: int8->float32, int16->float32: (x - zero_point) * scale,
 * computed as one float product (the same float TFLM's double product rounds
 * to, since the exact product fits a double).
 * These are the runtime's only floating-point kernels.
 */
#ifndef HB_OPS_QUANTIZE_H
#define HB_OPS_QUANTIZE_H

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

/* HB_OP_QUANTIZE, 20 bytes. */
typedef struct {
  float output_scale;        /* float input only: output quantization scale, > 0 */
  int32_t input_zero_point;  /* integer input only */
  int32_t output_zero_point; /* within the output dtype */
  int32_t output_multiplier; /* integer input only: Q31 of in_scale/out_scale */
  int32_t output_shift;      /* integer input only: signed, <= 22 (int8 in) / 14 (int16 in) */
} hb_quantize_params;
HB_STATIC_ASSERT(sizeof(hb_quantize_params) == 20, "hb_quantize_params layout");

/* HB_OP_DEQUANTIZE, 8 bytes. */
typedef struct {
  float scale;        /* input quantization scale */
  int32_t zero_point; /* input zero point, within the input dtype */
} hb_dequantize_params;
HB_STATIC_ASSERT(sizeof(hb_dequantize_params) == 8, "hb_dequantize_params layout");

void hb_quantize_f32_s8(const float *in, int8_t *out, int32_t n, const hb_quantize_params *p);
void hb_quantize_f32_s16(const float *in, int16_t *out, int32_t n, const hb_quantize_params *p);
void hb_requantize_s8_s8(const int8_t *in, int8_t *out, int32_t n, const hb_quantize_params *p,
                         int single);
void hb_requantize_s8_s16(const int8_t *in, int16_t *out, int32_t n, const hb_quantize_params *p,
                          int single);
void hb_requantize_s16_s8(const int16_t *in, int8_t *out, int32_t n, const hb_quantize_params *p,
                          int single);
void hb_requantize_s16_s16(const int16_t *in, int16_t *out, int32_t n, const hb_quantize_params *p,
                           int single);
void hb_dequantize_s8_f32(const int8_t *in, float *out, int32_t n, const hb_dequantize_params *p);
void hb_dequantize_s16_f32(const int16_t *in, float *out, int32_t n, const hb_dequantize_params *p);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_QUANTIZE_H */
