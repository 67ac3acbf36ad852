// registry.cc: TFLite builtin code -> lowering function. The one list of
// operators the compiler accepts; everything else is reported unsupported.
#include "hbc/lower.h"

namespace hbc {

#define HBC_DECLARE_LOWERING(name) LoweredOp lower_##name(LowerContext& ctx, const Operator& op);
HBC_DECLARE_LOWERING(conv_2d)
HBC_DECLARE_LOWERING(depthwise_conv_2d)
HBC_DECLARE_LOWERING(fully_connected)
HBC_DECLARE_LOWERING(transpose_conv)
HBC_DECLARE_LOWERING(average_pool_2d)
HBC_DECLARE_LOWERING(max_pool_2d)
HBC_DECLARE_LOWERING(add)
HBC_DECLARE_LOWERING(sub)
HBC_DECLARE_LOWERING(mul)
HBC_DECLARE_LOWERING(mean)
HBC_DECLARE_LOWERING(reshape)  // RESHAPE and SQUEEZE
HBC_DECLARE_LOWERING(pad)
HBC_DECLARE_LOWERING(concatenation)
HBC_DECLARE_LOWERING(strided_slice)
HBC_DECLARE_LOWERING(softmax)
HBC_DECLARE_LOWERING(logistic)
HBC_DECLARE_LOWERING(tanh)
HBC_DECLARE_LOWERING(relu)  // RELU, RELU6, RELU_N1_TO_1
HBC_DECLARE_LOWERING(leaky_relu)
HBC_DECLARE_LOWERING(hard_swish)
HBC_DECLARE_LOWERING(quantize)
HBC_DECLARE_LOWERING(dequantize)

// TFLite BuiltinOperator values (tensorflow/lite/schema/schema.fbs).
LowerFn find_lowering(int builtin_code) {
  switch (builtin_code) {
    case 0:
      return lower_add;
    case 1:
      return lower_average_pool_2d;
    case 2:
      return lower_concatenation;
    case 3:
      return lower_conv_2d;
    case 4:
      return lower_depthwise_conv_2d;
    case 6:
      return lower_dequantize;
    case 9:
      return lower_fully_connected;
    case 14:
      return lower_logistic;
    case 17:
      return lower_max_pool_2d;
    case 18:
      return lower_mul;
    case 19:
      return lower_relu;  // RELU
    case 20:
      return lower_relu;  // RELU_N1_TO_1
    case 21:
      return lower_relu;  // RELU6
    case 22:
      return lower_reshape;  // RESHAPE
    case 25:
      return lower_softmax;
    case 28:
      return lower_tanh;
    case 34:
      return lower_pad;
    case 40:
      return lower_mean;
    case 41:
      return lower_sub;
    case 43:
      return lower_reshape;  // SQUEEZE
    case 45:
      return lower_strided_slice;
    case 67:
      return lower_transpose_conv;
    case 98:
      return lower_leaky_relu;
    case 114:
      return lower_quantize;
    case 117:
      return lower_hard_swish;
    default:
      return nullptr;
  }
}

}  // namespace hbc
