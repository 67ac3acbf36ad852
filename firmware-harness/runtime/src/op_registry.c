/* op_registry.c: opcode -> (name, check, eval). The one list of operators
 * this runtime build can execute. Each op's functions live in src/ops/. */
#include <stddef.h>

#include "hb/op_context.h"

#define HB_DECLARE_OP(name)                                 \
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

/* Operator selection. By default every operator is built in. A firmware
 * that needs only some (to save flash) defines HB_OPS_SELECTED and
 * HB_WITH_<name>=1 for each one it keeps, with the names of the functions
 * below (e.g. -DHB_WITH_conv_2d=1); a plan using any other operator is then
 * refused at load (HB_ERR_UNSUPPORTED_OP) and --gc-sections drops the rest. */
#ifdef HB_OPS_SELECTED
/* HB_IS_ONE(X) is 1 when the macro X is defined as 1, else 0 (the Linux
 * kernel's IS_ENABLED trick), so unselected ops compile to NULL entries. */
#define HB_PLACEHOLDER_1 0,
#define HB_SECOND(ignored, val, ...) val
#define HB_IS_ONE(x) HB_IS_ONE_(x)
#define HB_IS_ONE_(val) HB_IS_ONE__(HB_PLACEHOLDER_##val)
#define HB_IS_ONE__(arg_or_junk) HB_SECOND(arg_or_junk 1, 0, ~)
#define HB_OP_ENTRY(code, str, name)                                    \
  {                                                                     \
    code, str, HB_IS_ONE(HB_WITH_##name) ? hb_op_##name##_check : NULL, \
        HB_IS_ONE(HB_WITH_##name) ? hb_op_##name##_eval : NULL          \
  }
#else
#define HB_OP_ENTRY(code, str, name) \
  { code, str, hb_op_##name##_check, hb_op_##name##_eval }
#endif

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
  if (kOps[opcode].check == NULL) return NULL; /* not selected in this build */
  return &kOps[opcode];
}

const char *hb_op_name(uint16_t opcode) {
  if (opcode == 0 || opcode >= HB_OP_COUNT_) return "?";
  return kOps[opcode].name;
}
