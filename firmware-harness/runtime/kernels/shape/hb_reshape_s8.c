/* hb_reshape_s8: the data movement of RESHAPE/SQUEEZE: a byte move that is
 * correct for any overlap (the plan may place the output on the input) and
 * free when the two coincide. Written out because the runtime may use no
 * libc beyond memcpy/memset. */
#include <string.h>

#include "hb/ops/shape.h"

void hb_reshape_s8(const int8_t *in, int8_t *out, uint32_t bytes) {
  if (in == out || bytes == 0) return;
  if (out + bytes <= in || in + bytes <= out) {
    memcpy(out, in, bytes);
  } else if (out < in) {
    for (uint32_t i = 0; i < bytes; ++i) out[i] = in[i];
  } else {
    for (uint32_t i = bytes; i > 0; --i) out[i - 1] = in[i - 1];
  }
}
