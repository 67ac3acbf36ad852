/* hb/op_context.h: the seam between the interpreter and each operator.
 *
 * Every opcode has two functions, registered in src/op_registry.c:
 *   hb_status hb_op_<name>_check(const hb_op_check_ctx *c);  -- at load time
 *   void      hb_op_<name>_eval(const hb_op_ctx *c);         -- at invoke time
 * "Prepare validates, eval runs blind": check verifies everything eval will
 * rely on (slot count, dtypes, shapes, params ranges, scratch size) using the
 * tensor records, which the generic loader has already bounds-checked
 * against the plan and the arena. eval then calls the hb_<op>_<dtype>
 * kernel without further checks.
 */
#ifndef HB_OP_CONTEXT_H
#define HB_OP_CONTEXT_H

#include <stdint.h>

#include "hb/plan_format.h"
#include "hb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Load-time view of one op. params points at op->params_size bytes that lie
 * inside the plan and are 4-aligned. tensor(i) for slot i < n_inputs +
 * n_outputs is a valid record (never NULL for a present slot). */
typedef struct {
  const hb_op *op;
  const void *params;
  const hb_tensor *in[HB_OP_MAX_TENSORS];  /* input slots; NULL if absent */
  const hb_tensor *out[HB_OP_MAX_TENSORS]; /* output slots; NULL if absent */
  const uint8_t *plan_base;                /* for reading constant tensors */
  uint32_t flags;                          /* header flags (rounding mode) */
} hb_op_check_ctx;

/* Invoke-time view of one op: resolved data pointers. */
typedef struct {
  const hb_op *op;
  const void *params;
  const hb_tensor *in[HB_OP_MAX_TENSORS];
  const hb_tensor *out[HB_OP_MAX_TENSORS];
  const void *in_data[HB_OP_MAX_TENSORS]; /* NULL if absent */
  void *out_data[HB_OP_MAX_TENSORS];
  void *scratch;  /* op->scratch_size bytes or NULL */
  uint32_t flags; /* header flags (rounding mode) */
} hb_op_ctx;

typedef hb_status (*hb_op_check_fn)(const hb_op_check_ctx *c);
typedef void (*hb_op_eval_fn)(const hb_op_ctx *c);

typedef struct {
  uint16_t opcode;
  const char *name;
  hb_op_check_fn check;
  hb_op_eval_fn eval;
} hb_op_entry;

/* The registry entry for an opcode, or NULL. */
const hb_op_entry *hb_op_lookup(uint16_t opcode);

/* Helpers for check functions. */
/* Number of elements of a tensor record (product of dims). */
int32_t hb_tensor_elems(const hb_tensor *t);
/* 1 if both records have the same ndim and dims. */
int hb_same_shape(const hb_tensor *a, const hb_tensor *b);

#define HB_CHECK(cond, err)    \
  do {                         \
    if (!(cond)) return (err); \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif /* HB_OP_CONTEXT_H */
