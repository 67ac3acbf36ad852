/* tensor_util.c: small helpers over tensor records for op check functions. */
#include "hb/op_context.h"

int32_t hb_tensor_elems(const hb_tensor *t) {
  int32_t n = 1;
  for (uint32_t i = 0; i < t->ndim; ++i) n *= t->dims[i];
  return n; /* the loader has checked that this product cannot overflow */
}

int hb_same_shape(const hb_tensor *a, const hb_tensor *b) {
  if (a->ndim != b->ndim) return 0;
  for (uint32_t i = 0; i < a->ndim; ++i)
    if (a->dims[i] != b->dims[i]) return 0;
  return 1;
}
