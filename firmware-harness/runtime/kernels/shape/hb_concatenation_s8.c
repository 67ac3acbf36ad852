/* hb_concatenation_s8: CONCATENATION as TFLM's reference_ops::Concatenation:
 * for each outer row, each input's chunk in turn. A byte copy, so it serves
 * every dtype with byte counts. */
#include <string.h>

#include "hb/ops/shape.h"

void hb_concatenation_s8(const int8_t *const *inputs, const int32_t *chunk, int32_t n_inputs,
                         int32_t outer, int8_t *out) {
  for (int32_t r = 0; r < outer; ++r) {
    for (int32_t i = 0; i < n_inputs; ++i) {
      const uint32_t n = (uint32_t)chunk[i];
      if (n == 0) continue;
      memcpy(out, inputs[i] + (uint32_t)r * n, n);
      out += n;
    }
  }
}
