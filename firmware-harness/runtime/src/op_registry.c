/* op_registry.c: opcode -> (name, check, eval). The one list of operators
 * this runtime build can execute. Each op's functions live in src/ops/. */
#include <stddef.h>

#include "hb/op_context.h"

#define HB_DECLARE_OP(name)                                  \
  hb_status hb_op_##name##_check(const hb_op_check_ctx *c); \
  void hb_op_##name##_eval(const hb_op_ctx *c);

HB_DECLARE_OP(conv_2d)
HB_DECLARE_OP(depthwise_conv_2d)
HB_DECLARE_OP(fully_connected)
HB_DECLARE_OP(transpose_conv)
HB_DECLARE_OP(average_pool_2d)
HB_DECLARE_OP(max_pool_2d)
HB_DECLARE_OP(add)
HB_DECLARE_OP(sub)
HB_DECLARE_OP(mul)
HB_DECLARE_OP(mean)
HB_DECLARE_OP(reshape)
HB_DECLARE_OP(pad)
HB_DECLARE_OP(concatenation)
HB_DECLARE_OP(strided_slice)
HB_DECLARE_OP(softmax)
HB_DECLARE_OP(logistic)
HB_DECLARE_OP(tanh)
HB_DECLARE_OP(relu)
HB_DECLARE_OP(leaky_relu)
HB_DECLARE_OP(hard_swish)
HB_DECLARE_OP(quantize)
HB_DECLARE_OP(dequantize)

#define HB_OP_ENTRY(code, str, name) {code, str, hb_op_##name##_check, hb_op_##name##_eval}

/* Indexed by opcode: entry i has opcode i (0 is unused). */
static const hb_op_entry kOps[HB_OP_COUNT_] = {
    {0, "?", NULL, NULL},
    HB_OP_ENTRY(HB_OP_CONV_2D, "CONV_2D", conv_2d),
    HB_OP_ENTRY(HB_OP_DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D", depthwise_conv_2d),
    HB_OP_ENTRY(HB_OP_FULLY_CONNECTED, "FULLY_CONNECTED", fully_connected),
    HB_OP_ENTRY(HB_OP_TRANSPOSE_CONV, "TRANSPOSE_CONV", transpose_conv),
    HB_OP_ENTRY(HB_OP_AVERAGE_POOL_2D, "AVERAGE_POOL_2D", average_pool_2d),
    HB_OP_ENTRY(HB_OP_MAX_POOL_2D, "MAX_POOL_2D", max_pool_2d),
    HB_OP_ENTRY(HB_OP_ADD, "ADD", add),
    HB_OP_ENTRY(HB_OP_SUB, "SUB", sub),
    HB_OP_ENTRY(HB_OP_MUL, "MUL", mul),
    HB_OP_ENTRY(HB_OP_MEAN, "MEAN", mean),
    HB_OP_ENTRY(HB_OP_RESHAPE, "RESHAPE", reshape),
    HB_OP_ENTRY(HB_OP_PAD, "PAD", pad),
    HB_OP_ENTRY(HB_OP_CONCATENATION, "CONCATENATION", concatenation),
    HB_OP_ENTRY(HB_OP_STRIDED_SLICE, "STRIDED_SLICE", strided_slice),
    HB_OP_ENTRY(HB_OP_SOFTMAX, "SOFTMAX", softmax),
    HB_OP_ENTRY(HB_OP_LOGISTIC, "LOGISTIC", logistic),
    HB_OP_ENTRY(HB_OP_TANH, "TANH", tanh),
    HB_OP_ENTRY(HB_OP_RELU, "RELU", relu),
    HB_OP_ENTRY(HB_OP_LEAKY_RELU, "LEAKY_RELU", leaky_relu),
    HB_OP_ENTRY(HB_OP_HARD_SWISH, "HARD_SWISH", hard_swish),
    HB_OP_ENTRY(HB_OP_QUANTIZE, "QUANTIZE", quantize),
    HB_OP_ENTRY(HB_OP_DEQUANTIZE, "DEQUANTIZE", dequantize),
};

const hb_op_entry *hb_op_lookup(uint16_t opcode) {
  if (opcode == 0 || opcode >= HB_OP_COUNT_) return NULL;
  return &kOps[opcode];
}

const char *hb_op_name(uint16_t opcode) {
  if (opcode == 0 || opcode >= HB_OP_COUNT_) return "?";
  return kOps[opcode].name;
}
