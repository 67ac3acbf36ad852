/* interpreter.c: runs a validated plan, op by op, in execution order. */
#include <stddef.h>
#include <stdint.h>

#include "hb/op_context.h"
#include "hb/runtime.h"

hb_status hb_invoke(const hb_plan *plan, uint8_t *arena, const hb_hooks *hooks) {
  if (plan == NULL || plan->header == NULL || (arena == NULL && plan->header->arena_size != 0))
    return HB_ERR_BAD_ARG;
  if (((uintptr_t)arena % HB_ARENA_ALIGN) != 0) return HB_ERR_BAD_ALIGNMENT;
  const uint32_t n_ops = plan->header->n_ops;
  for (uint32_t i = 0; i < n_ops; ++i) {
    const hb_op *op = &plan->ops[i];
    /* hb_plan_init has checked every opcode, slot and offset used here. */
    const hb_op_entry *entry = hb_op_lookup(op->opcode);
    hb_op_ctx c;
    c.op = op;
    c.params = plan->base + op->params_offset;
    c.scratch = op->scratch_size ? arena + op->scratch_offset : NULL;
    c.flags = plan->header->flags;
    for (uint32_t s = 0; s < HB_OP_MAX_TENSORS; ++s) {
      c.in[s] = NULL;
      c.out[s] = NULL;
      c.in_data[s] = NULL;
      c.out_data[s] = NULL;
    }
    for (uint32_t s = 0; s < (uint32_t)op->n_inputs + op->n_outputs; ++s) {
      const uint16_t id = op->tensors[s];
      if (id == HB_NO_TENSOR) continue;
      if (s < op->n_inputs) {
        c.in[s] = &plan->tensors[id];
        c.in_data[s] = hb_tensor_data(plan, arena, id);
      } else {
        c.out[s - op->n_inputs] = &plan->tensors[id];
        c.out_data[s - op->n_inputs] = hb_tensor_data(plan, arena, id);
      }
    }
    if (hooks && hooks->begin) hooks->begin(hooks->user, i, op);
    entry->eval(&c);
    if (hooks && hooks->end) hooks->end(hooks->user, i, op);
  }
  return HB_OK;
}
