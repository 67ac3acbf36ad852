/* hb/ops/activation.h: SOFTMAX, LOGISTIC, TANH, RELU (RELU6, RELU_N1_TO_1),
 * LEAKY_RELU and HARD_SWISH: params and kernels.
 *
 * Every kernel reproduces TFLM's reference integer kernel for its dtype bit
 * for bit; the compiler (compiler/src/lower/lower_activation.cc) computes the
 * params exactly as TFLM's Prepare does. `single` selects
 * TFLITE_SINGLE_ROUNDING=1 arithmetic where the TFLM kernel calls
 * MultiplyByQuantizedMultiplier (plan flag HB_PLAN_FLAG_SINGLE_ROUNDING).
 *
 * Op slots (all opcodes): in[0] = input, out[0] = output, the same shape.
 * SOFTMAX int16 adds two constant int16[513] tensors: in[1] = exp LUT,
 * in[2] = 1/(1+x) LUT. No op needs scratch.
 *
 * dtype pairs (input -> output):
 *   SOFTMAX      int8->int8, int8->int16, int16->int16 (rows = last dim)
 *   LOGISTIC     int8->int8, int16->int16
 *   TANH         int8->int8, int16->int16
 *   RELU         int8->int8, int16->int16
 *   LEAKY_RELU   int8->int8, int16->int16
 *   HARD_SWISH   int8->int8
 *
 * In-place: every kernel reads element i (softmax: the whole row) before it
 * writes element i (that row), so output may alias input when the dtypes
 * match.
 */
#ifndef HB_OPS_ACTIVATION_H
#define HB_OPS_ACTIVATION_H

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

/* Entries of each SOFTMAX int16 lookup table. */
#define HB_SOFTMAX_LUT_ENTRIES 513

/* HB_OP_SOFTMAX, 12 bytes. int8 input (TFLM SoftmaxParams from
 * PreprocessSoftmaxScaling/CalculateInputRadius): input differences
 * x - max(row) >= diff_min are scaled by input_multiplier * 2^input_left_shift
 * into Q5.26; smaller ones give the output minimum. int16 input: differences
 * are scaled by MultiplyByQuantizedMultiplier(input_multiplier,
 * input_left_shift) so [-65535, 0] spans [-10, 0] of the exp LUT. */
typedef struct {
  int32_t input_multiplier; /* Q31, in [2^30, 2^31) */
  int32_t input_left_shift; /* int8: [0, 31]; int16: [-31, 15] (signed shift) */
  int32_t diff_min;         /* int8 only: <= 0, quantized input units; int16: 0 */
} hb_softmax_params;
HB_STATIC_ASSERT(sizeof(hb_softmax_params) == 12, "hb_softmax_params layout");

/* HB_OP_LOGISTIC and HB_OP_TANH, 16 bytes (TFLM's OpDataLogistic / tanh
 * OpData).
 * int8: x - input_zero_point beyond +-input_range_radius saturates; inside,
 *   MultiplyByQuantizedMultiplier(x - zp, input_multiplier, input_left_shift)
 *   gives Q4.27 for gemmlowp's logistic/tanh. Output: logistic scale 1/256
 *   zero point -128, tanh scale 1/128 zero point 0.
 * int16: zero points are 0; x * input_multiplier >> input_left_shift (with
 *   rounding) indexes the sigmoid table; input_multiplier == 0 means a
 *   power-of-two input scale (multiplier 3 << input_left_shift, shift 0).
 *   Output scale 1/32768. input_zero_point and input_range_radius are 0. */
typedef struct {
  int32_t input_zero_point;   /* int8: [-128, 127] */
  int32_t input_range_radius; /* int8: > 0, quantized input units */
  int32_t input_multiplier;   /* int8: Q31 [2^30, 2^31); int16: [0, 32767] */
  int32_t input_left_shift;   /* int8: [0, 30]; int16: [0, 31] */
} hb_logistic_params;
HB_STATIC_ASSERT(sizeof(hb_logistic_params) == 16, "hb_logistic_params layout");
typedef hb_logistic_params hb_tanh_params;

/* HB_OP_RELU (also RELU6, RELU_N1_TO_1), 24 bytes:
 *   out = clamp(output_offset + MBQM(x - input_offset, multiplier, shift),
 *               act_min, act_max)
 * (TFLM's ReluQuantized). multiplier 2^30, shift 1 is the exact identity;
 * TFLM's RELU6 (clamp without requantization) is expressed that way. */
typedef struct {
  int32_t input_offset;      /* input zero point */
  int32_t output_offset;     /* output zero point */
  int32_t output_multiplier; /* Q31, [2^30, 2^31) or 0 */
  int32_t output_shift;      /* signed, <= 22 (int8) / 14 (int16), >= -31 */
  int32_t act_min;           /* output clamp, within the dtype */
  int32_t act_max;           /* output clamp, act_min <= act_max */
} hb_relu_params;
HB_STATIC_ASSERT(sizeof(hb_relu_params) == 24, "hb_relu_params layout");

/* HB_OP_LEAKY_RELU, 24 bytes (TFLM LeakyReluOpData): x - zp >= 0 uses the
 * identity multiplier (input_scale / output_scale), < 0 the alpha one
 * (input_scale * alpha / output_scale); then + output zero point, clamp to
 * the dtype. */
typedef struct {
  int32_t input_zero_point;
  int32_t output_zero_point;
  int32_t output_multiplier_alpha; /* Q31 [2^30, 2^31) or 0 */
  int32_t output_shift_alpha;      /* signed, <= 22 (int8) / 14 (int16), >= -31 */
  int32_t output_multiplier_identity;
  int32_t output_shift_identity;
} hb_leaky_relu_params;
HB_STATIC_ASSERT(sizeof(hb_leaky_relu_params) == 24, "hb_leaky_relu_params layout");

/* HB_OP_HARD_SWISH, 20 bytes (TFLM HardSwishParams). The multipliers are
 * Q15 (DownScaleInt32ToInt16Multiplier of QuantizeMultiplier's Q31). */
typedef struct {
  int32_t input_zero_point;              /* [-128, 127] */
  int32_t output_zero_point;             /* [-128, 127] */
  int32_t reluish_multiplier_exponent;   /* [-15, 15]: hires input -> [-3, 3] scale */
  int32_t output_multiplier_exponent;    /* [-15, 0]: hires input -> output scale */
  int16_t reluish_multiplier_fixedpoint; /* Q15 */
  int16_t output_multiplier_fixedpoint;  /* Q15 */
} hb_hard_swish_params;
HB_STATIC_ASSERT(sizeof(hb_hard_swish_params) == 20, "hb_hard_swish_params layout");

/* Kernels. rows x depth elements, row-major; depth is the last dimension.
 * `single` = 1 for single rounding. */
void hb_softmax_s8(const int8_t *in, int8_t *out, int32_t rows, int32_t depth,
                   const hb_softmax_params *p, int single);
void hb_softmax_s8_s16(const int8_t *in, int16_t *out, int32_t rows, int32_t depth,
                       const hb_softmax_params *p, int single);
/* depth <= 65535 keeps the Q16.15 sum of exps in int32. */
void hb_softmax_s16(const int16_t *in, int16_t *out, int32_t rows, int32_t depth,
                    const hb_softmax_params *p, const int16_t *exp_lut,
                    const int16_t *one_over_one_plus_x_lut, int single);

void hb_logistic_s8(const int8_t *in, int8_t *out, int32_t n, const hb_logistic_params *p,
                    int single);
void hb_logistic_s16(const int16_t *in, int16_t *out, int32_t n, const hb_logistic_params *p);
void hb_tanh_s8(const int8_t *in, int8_t *out, int32_t n, const hb_tanh_params *p, int single);
void hb_tanh_s16(const int16_t *in, int16_t *out, int32_t n, const hb_tanh_params *p);

void hb_relu_s8(const int8_t *in, int8_t *out, int32_t n, const hb_relu_params *p, int single);
void hb_relu_s16(const int16_t *in, int16_t *out, int32_t n, const hb_relu_params *p, int single);
void hb_leaky_relu_s8(const int8_t *in, int8_t *out, int32_t n, const hb_leaky_relu_params *p,
                      int single);
void hb_leaky_relu_s16(const int16_t *in, int16_t *out, int32_t n, const hb_leaky_relu_params *p,
                       int single);
void hb_hard_swish_s8(const int8_t *in, int8_t *out, int32_t n, const hb_hard_swish_params *p);

#ifdef __cplusplus
}
#endif
#endif /* HB_OPS_ACTIVATION_H */
