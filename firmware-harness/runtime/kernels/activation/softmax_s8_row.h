/* softmax_s8_row.h: the int8-input softmax of TFLM's
 * reference_ops::Softmax<int8_t, OutputT>, shared by hb_softmax_s8.c and
 * hb_softmax_s8_s16.c (private to kernels/activation/).
 *
 * Per row: exp() of every scaled difference to the row maximum is summed in
 * Q12.19, the reciprocal of the sum is taken once, and each output is
 * exp * reciprocal rounded to `out_bits` bits plus the output minimum.
 * The whole row is read (max, sum) before any output is written, and the
 * last pass reads element c before writing it, so out may alias in.
 */
#ifndef HB_KERNELS_SOFTMAX_S8_ROW_H
#define HB_KERNELS_SOFTMAX_S8_ROW_H

#include <stdint.h>

#include "hb/fixedpoint.h"
#include "hb/ops/activation.h"
#include "hb/quant.h"

/* Q5.26 scaled differences; Q12.19 accumulator (TFLM's constants). */
#define HB_SOFTMAX_SCALED_DIFF_INTEGER_BITS 5
#define HB_SOFTMAX_ACCUMULATION_INTEGER_BITS 12

typedef struct {
  int32_t max_in_row;    /* largest input of the row */
  int32_t shifted_scale; /* Q0 reciprocal of the sum of exps */
  int exponent;          /* right shift from Q0 product to output units */
} hb_softmax_s8_row;

/* exp(diff) in Q0 for a difference that passed the diff_min test. */
static inline int32_t hb_softmax_s8_exp(int32_t diff, const hb_softmax_params *p, int single) {
  const int32_t scaled =
      hb_mbqm_greater_than_one(diff, p->input_multiplier, p->input_left_shift, single);
  return hb_fp_exp_on_negative_values(scaled, HB_SOFTMAX_SCALED_DIFF_INTEGER_BITS);
}

/* Reads the whole row: its maximum and the reciprocal of its sum of exps.
 * depth < 4096 keeps the sum below 2^31 (the op check enforces it). */
static inline hb_softmax_s8_row hb_softmax_s8_prepare_row(const int8_t *row, int32_t depth,
                                                          const hb_softmax_params *p, int single,
                                                          int out_bits) {
  hb_softmax_s8_row r;
  r.max_in_row = INT8_MIN;
  for (int32_t c = 0; c < depth; ++c)
    if (row[c] > r.max_in_row) r.max_in_row = row[c];
  int32_t sum_of_exps = 0;
  for (int32_t c = 0; c < depth; ++c) {
    const int32_t diff = (int32_t)row[c] - r.max_in_row;
    if (diff >= p->diff_min) {
      /* Rescale<12> of a Q0 value: a rounding shift right by 12. */
      sum_of_exps += hb_rounding_divide_by_pot(hb_softmax_s8_exp(diff, p, single),
                                               HB_SOFTMAX_ACCUMULATION_INTEGER_BITS);
    }
  }
  int num_bits_over_unit;
  r.shifted_scale =
      hb_fp_get_reciprocal(sum_of_exps, HB_SOFTMAX_ACCUMULATION_INTEGER_BITS, &num_bits_over_unit);
  r.exponent = num_bits_over_unit + 31 - out_bits;
  return r;
}

/* Output value of one element, clamped to [out_min, out_max]. */
static inline int32_t hb_softmax_s8_value(int8_t x, const hb_softmax_s8_row *r,
                                          const hb_softmax_params *p, int single, int32_t out_min,
                                          int32_t out_max) {
  const int32_t diff = (int32_t)x - r->max_in_row;
  if (diff < p->diff_min) return out_min;
  const int32_t e = hb_softmax_s8_exp(diff, p, single);
  const int32_t unsat = hb_rounding_divide_by_pot(
      hb_sat_rounding_doubling_high_mul(r->shifted_scale, e), r->exponent);
  return hb_clamp32(unsat + out_min, out_min, out_max);
}

#endif /* HB_KERNELS_SOFTMAX_S8_ROW_H */
