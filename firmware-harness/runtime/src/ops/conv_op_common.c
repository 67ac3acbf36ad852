/* conv_op_common.c: load-time validation shared by the convolution family.
 * Everything the kernels index is derived from tensor records the loader
 * already bounds-checked; this file makes sure the records agree with each
 * other and with the params, so the kernels' loops stay inside them, and
 * that no intermediate index or rounding shift is undefined in C. */
#include "conv_op_common.h"

#include <stddef.h>

#include "hb/quant.h"

#define HB_CONV_COORD_MAX (INT32_MAX / 4) /* bound on any computed coordinate */

static int dtype_range(uint8_t dtype, int32_t *lo, int32_t *hi) {
  if (dtype == HB_DT_INT8) {
    *lo = -128;
    *hi = 127;
    return 1;
  }
  if (dtype == HB_DT_INT16) {
    *lo = -32768;
    *hi = 32767;
    return 1;
  }
  return 0;
}

/* Slots present, counts and params size. */
static int slots_ok(const hb_op_check_ctx *c, uint32_t params_size) {
  if (c->op->n_inputs != HB_CONV_N_INPUTS || c->op->n_outputs != 1) return 0;
  if (c->op->params_size != params_size) return 0;
  return c->in[HB_CONV_IN] && c->in[HB_CONV_WEIGHTS] && c->in[HB_CONV_MULT] &&
         c->in[HB_CONV_SHIFT] && c->out[0];
}

/* Activation / weights / bias dtypes: s8 = int8, int8, int32; s16 = int16,
 * int8, int64. Multipliers and shifts: int32 constants of n_out elements,
 * in TFLite's ranges (shift <= 14 for the 64-bit path, whose rounding term
 * 2^(14 - shift) must exist). */
static hb_status requant_and_types_ok(const hb_op_check_ctx *c, int32_t n_out) {
  const hb_tensor *in = c->in[HB_CONV_IN];
  const hb_tensor *out = c->out[0];
  HB_CHECK(in->dtype == HB_DT_INT8 || in->dtype == HB_DT_INT16, HB_ERR_BAD_OP);
  HB_CHECK(out->dtype == in->dtype, HB_ERR_BAD_OP);
  HB_CHECK(c->in[HB_CONV_WEIGHTS]->dtype == HB_DT_INT8, HB_ERR_BAD_OP);
  const hb_tensor *bias = c->in[HB_CONV_BIAS];
  if (bias) {
    HB_CHECK(bias->dtype == (in->dtype == HB_DT_INT8 ? HB_DT_INT32 : HB_DT_INT64), HB_ERR_BAD_OP);
    HB_CHECK(hb_tensor_elems(bias) == n_out, HB_ERR_BAD_OP);
  }
  const hb_tensor *mt = c->in[HB_CONV_MULT];
  const hb_tensor *st = c->in[HB_CONV_SHIFT];
  HB_CHECK(mt->dtype == HB_DT_INT32 && st->dtype == HB_DT_INT32, HB_ERR_BAD_OP);
  HB_CHECK(mt->storage == HB_STORAGE_CONST && st->storage == HB_STORAGE_CONST, HB_ERR_BAD_OP);
  HB_CHECK(hb_tensor_elems(mt) == n_out && hb_tensor_elems(st) == n_out, HB_ERR_BAD_OP);
  const int32_t *m = (const int32_t *)(const void *)(c->plan_base + mt->offset);
  const int32_t *s = (const int32_t *)(const void *)(c->plan_base + st->offset);
  const int32_t max_shift = in->dtype == HB_DT_INT8 ? 30 : 14;
  for (int32_t i = 0; i < n_out; ++i) {
    HB_CHECK(m[i] >= 0, HB_ERR_BAD_PARAMS);
    HB_CHECK(s[i] >= -31 && s[i] <= max_shift, HB_ERR_BAD_PARAMS);
  }
  return HB_OK;
}

/* Zero-point offsets and clamp: int16 has no offsets (zero point 0). */
static hb_status offsets_ok(uint8_t dtype, int32_t input_offset, int32_t output_offset,
                            int32_t act_min, int32_t act_max) {
  int32_t lo = 0, hi = 0;
  if (!dtype_range(dtype, &lo, &hi)) return HB_ERR_BAD_OP;
  HB_CHECK(act_min >= lo && act_max <= hi && act_min <= act_max, HB_ERR_BAD_PARAMS);
  if (dtype == HB_DT_INT16) {
    HB_CHECK(input_offset == 0 && output_offset == 0, HB_ERR_BAD_PARAMS);
  } else {
    HB_CHECK(input_offset >= -hi && input_offset <= -lo, HB_ERR_BAD_PARAMS);
    HB_CHECK(output_offset >= lo && output_offset <= hi, HB_ERR_BAD_PARAMS);
  }
  return HB_OK;
}

/* (n - 1) * stride + (k - 1) * dilation + pad must stay far from overflow. */
static int extent_ok(int32_t n, int32_t stride, int32_t k, int32_t dilation, int32_t pad) {
  const int64_t e = (int64_t)(n - 1) * stride + (int64_t)(k - 1) * dilation + pad;
  return e <= HB_CONV_COORD_MAX;
}

hb_status hb_conv_family_check(const hb_op_check_ctx *c, hb_conv_kind kind) {
  HB_CHECK(slots_ok(c, sizeof(hb_conv_params)), HB_ERR_BAD_OP);
  const hb_conv_params *p = (const hb_conv_params *)c->params;
  const hb_tensor *in = c->in[HB_CONV_IN];
  const hb_tensor *wt = c->in[HB_CONV_WEIGHTS];
  const hb_tensor *out = c->out[0];
  HB_CHECK(in->ndim == 4 && wt->ndim == 4 && out->ndim == 4, HB_ERR_BAD_OP);
  const hb_shape4 is = hb_conv_shape(in), ws = hb_conv_shape(wt), os = hb_conv_shape(out);

  HB_CHECK(p->stride_h >= 1 && p->stride_w >= 1, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->dilation_h >= 1 && p->dilation_w >= 1, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->pad_h >= 0 && p->pad_w >= 0 && p->reserved == 0, HB_ERR_BAD_PARAMS);
  HB_CHECK(is.n == os.n, HB_ERR_BAD_OP);
  switch (kind) {
    case HB_CONV_KIND_CONV:
      HB_CHECK(p->depth_multiplier == 1, HB_ERR_BAD_PARAMS);
      HB_CHECK(ws.n == os.c && ws.c == is.c, HB_ERR_BAD_OP);
      break;
    case HB_CONV_KIND_DEPTHWISE:
      HB_CHECK(p->depth_multiplier >= 1, HB_ERR_BAD_PARAMS);
      HB_CHECK(ws.n == 1 && ws.c == os.c, HB_ERR_BAD_OP);
      HB_CHECK((int64_t)is.c * p->depth_multiplier == os.c, HB_ERR_BAD_OP);
      break;
    case HB_CONV_KIND_TRANSPOSE:
      HB_CHECK(p->depth_multiplier == 1, HB_ERR_BAD_PARAMS);
      HB_CHECK(p->dilation_h == 1 && p->dilation_w == 1, HB_ERR_BAD_PARAMS);
      HB_CHECK(ws.n == os.c && ws.c == is.c, HB_ERR_BAD_OP);
      break;
  }
  if (kind == HB_CONV_KIND_TRANSPOSE) {
    /* Output coordinates in * stride - pad + k. */
    HB_CHECK(extent_ok(is.h, p->stride_h, ws.h, 1, 0) && extent_ok(is.w, p->stride_w, ws.w, 1, 0),
             HB_ERR_BAD_PARAMS);
    const uint32_t esize = in->dtype == HB_DT_INT8 ? 4u : 8u;
    HB_CHECK(c->op->scratch_size >= (uint64_t)hb_tensor_elems(out) * esize, HB_ERR_BAD_OP);
    HB_CHECK((c->op->scratch_offset & 7u) == 0, HB_ERR_BAD_OP);
  } else {
    /* Input coordinates out * stride - pad + k * dilation. */
    HB_CHECK(extent_ok(os.h, p->stride_h, ws.h, p->dilation_h, 0) &&
                 extent_ok(os.w, p->stride_w, ws.w, p->dilation_w, 0),
             HB_ERR_BAD_PARAMS);
  }
  hb_status st = offsets_ok(in->dtype, p->input_offset, p->output_offset, p->act_min, p->act_max);
  if (st) return st;
  return requant_and_types_ok(c, os.c);
}

hb_status hb_fully_connected_family_check(const hb_op_check_ctx *c) {
  HB_CHECK(slots_ok(c, sizeof(hb_fully_connected_params)), HB_ERR_BAD_OP);
  const hb_fully_connected_params *p = (const hb_fully_connected_params *)c->params;
  const hb_tensor *in = c->in[HB_CONV_IN];
  const hb_tensor *wt = c->in[HB_CONV_WEIGHTS];
  const hb_tensor *out = c->out[0];
  HB_CHECK(p->batches >= 1 && p->accum_depth >= 1 && p->output_depth >= 1, HB_ERR_BAD_PARAMS);
  HB_CHECK((int64_t)p->batches * p->accum_depth == hb_tensor_elems(in), HB_ERR_BAD_PARAMS);
  HB_CHECK((int64_t)p->batches * p->output_depth == hb_tensor_elems(out), HB_ERR_BAD_PARAMS);
  HB_CHECK((int64_t)p->output_depth * p->accum_depth == hb_tensor_elems(wt), HB_ERR_BAD_PARAMS);
  HB_CHECK(wt->ndim >= 2 && wt->dims[wt->ndim - 1] == p->accum_depth, HB_ERR_BAD_PARAMS);
  HB_CHECK(out->ndim >= 1 && out->dims[out->ndim - 1] == p->output_depth, HB_ERR_BAD_PARAMS);
  HB_CHECK(p->filter_offset >= -127 && p->filter_offset <= 128, HB_ERR_BAD_PARAMS);
  hb_status st = offsets_ok(in->dtype, p->input_offset, p->output_offset, p->act_min, p->act_max);
  if (st) return st;
  return requant_and_types_ok(c, p->output_depth);
}
