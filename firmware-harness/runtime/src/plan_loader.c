/* plan_loader.c: validates a plan completely before anything runs.
 *
 * Order matters: the header's sizes are checked before the CRC is computed
 * over them (the CRC covers every byte but its own field, so also
 * version_minor), the CRC before any table is trusted, the tables' bounds before
 * their records are read, and every record before an op's own check sees it.
 * All arithmetic on untrusted values is done in 64 bits so nothing wraps. */
#include <stddef.h>
#include <stdint.h>

#include "hb/op_context.h"
#include "hb/runtime.h"

static uint32_t dtype_size(uint8_t dtype) {
  switch (dtype) {
    case HB_DT_INT8:
      return 1;
    case HB_DT_INT16:
      return 2;
    case HB_DT_INT32:
      return 4;
    case HB_DT_INT64:
      return 8;
    case HB_DT_FLOAT32:
      return 4;
    default:
      return 0;
  }
}

/* 1 if [off, off+len) lies in [0, limit). */
static int range_ok(uint64_t off, uint64_t len, uint64_t limit) {
  return off <= limit && len <= limit - off;
}

static hb_status check_header(const hb_plan_header *h, uint32_t size, uint32_t arena_capacity) {
  if (h->magic != HB_PLAN_MAGIC) return HB_ERR_BAD_MAGIC;
  if (h->version_major != HB_PLAN_VERSION_MAJOR) return HB_ERR_BAD_VERSION;
  /* A plan may sit in a larger partition: total_size bounds what is ours. */
  if (h->total_size < sizeof(hb_plan_header) || h->total_size > size) return HB_ERR_BAD_SIZE;
  if (h->flags & ~(uint32_t)(HB_PLAN_FLAG_SINGLE_ROUNDING | HB_PLAN_FLAG_INPUTS_PRESERVED))
    return HB_ERR_BAD_PARAMS;
  if (h->arena_size > arena_capacity) return HB_ERR_ARENA_TOO_SMALL;
  return HB_OK;
}

static hb_status check_tables(const hb_plan_header *h) {
  const uint64_t total = h->total_size;
  if (h->n_tensors >= HB_NO_TENSOR) return HB_ERR_BAD_SIZE;
  if ((h->tensors_offset | h->ops_offset | h->io_offset) & 3u) return HB_ERR_BAD_ALIGNMENT;
  if (!range_ok(h->tensors_offset, (uint64_t)h->n_tensors * sizeof(hb_tensor), total))
    return HB_ERR_BAD_OFFSET;
  if (!range_ok(h->ops_offset, (uint64_t)h->n_ops * sizeof(hb_op), total)) return HB_ERR_BAD_OFFSET;
  if (!range_ok(h->io_offset, ((uint64_t)h->n_inputs + h->n_outputs) * sizeof(uint16_t), total))
    return HB_ERR_BAD_OFFSET;
  if (!range_ok(h->const_offset, h->const_size, total)) return HB_ERR_BAD_OFFSET;
  if (h->n_outputs == 0) return HB_ERR_BAD_OP;
  return HB_OK;
}

static hb_status check_tensor(const hb_plan_header *h, const hb_tensor *t) {
  const uint32_t esize = dtype_size(t->dtype);
  if (esize == 0 || t->ndim > HB_MAX_DIMS) return HB_ERR_BAD_TENSOR;
  uint64_t elems = 1;
  for (uint32_t d = 0; d < HB_MAX_DIMS; ++d) {
    if (d < t->ndim) {
      if (t->dims[d] <= 0) return HB_ERR_BAD_TENSOR;
      elems *= (uint64_t)t->dims[d];
      if (elems > 0x7FFFFFFFu) return HB_ERR_BAD_TENSOR;
    } else if (t->dims[d] != 1) {
      return HB_ERR_BAD_TENSOR;
    }
  }
  if (elems * esize != t->bytes) return HB_ERR_BAD_TENSOR;
  if (t->storage == HB_STORAGE_ARENA) {
    if (t->offset % HB_ARENA_ALIGN) return HB_ERR_BAD_ALIGNMENT;
    if (!range_ok(t->offset, t->bytes, h->arena_size)) return HB_ERR_BAD_OFFSET;
  } else if (t->storage == HB_STORAGE_CONST) {
    if (t->offset % HB_PLAN_CONST_ALIGN) return HB_ERR_BAD_ALIGNMENT;
    if (t->offset < h->const_offset ||
        !range_ok(t->offset - h->const_offset, t->bytes, h->const_size))
      return HB_ERR_BAD_OFFSET;
  } else {
    return HB_ERR_BAD_TENSOR;
  }
  return HB_OK;
}

static hb_status check_op(const hb_plan *p, const hb_op *op) {
  const hb_plan_header *h = p->header;
  const hb_op_entry *entry = hb_op_lookup(op->opcode);
  if (entry == NULL) return HB_ERR_UNSUPPORTED_OP;
  const uint32_t n_slots = (uint32_t)op->n_inputs + op->n_outputs;
  if (n_slots > HB_OP_MAX_TENSORS || op->n_outputs == 0) return HB_ERR_BAD_OP;
  if (op->params_offset & 3u) return HB_ERR_BAD_ALIGNMENT;
  if (!range_ok(op->params_offset, op->params_size, h->total_size)) return HB_ERR_BAD_OFFSET;
  if (op->scratch_size != 0) {
    if (op->scratch_offset % HB_ARENA_ALIGN) return HB_ERR_BAD_ALIGNMENT;
    if (!range_ok(op->scratch_offset, op->scratch_size, h->arena_size)) return HB_ERR_BAD_OFFSET;
  }

  hb_op_check_ctx c;
  c.op = op;
  c.params = p->base + op->params_offset;
  c.plan_base = p->base;
  c.flags = h->flags;
  for (uint32_t s = 0; s < HB_OP_MAX_TENSORS; ++s) {
    c.in[s] = NULL;
    c.out[s] = NULL;
  }
  for (uint32_t s = 0; s < HB_OP_MAX_TENSORS; ++s) {
    const uint16_t id = op->tensors[s];
    if (s >= n_slots) {
      if (id != HB_NO_TENSOR) return HB_ERR_BAD_OP;
      continue;
    }
    if (id == HB_NO_TENSOR) {
      if (s >= op->n_inputs) return HB_ERR_BAD_OP; /* outputs are never optional */
      continue;
    }
    if (id >= h->n_tensors) return HB_ERR_BAD_OP;
    const hb_tensor *t = &p->tensors[id];
    if (s < op->n_inputs) {
      c.in[s] = t;
    } else {
      if (t->storage != HB_STORAGE_ARENA) return HB_ERR_BAD_OP; /* never write to flash */
      c.out[s - op->n_inputs] = t;
    }
  }
  return entry->check(&c);
}

hb_status hb_plan_init(hb_plan *plan, const void *data, uint32_t size, uint32_t arena_capacity) {
  if (plan == NULL || data == NULL) return HB_ERR_BAD_ARG;
  if (((uintptr_t)data & 3u) != 0) return HB_ERR_BAD_ALIGNMENT;
  if (size < sizeof(hb_plan_header)) return HB_ERR_BAD_SIZE;
  const uint8_t *base = (const uint8_t *)data;
  const hb_plan_header *h = (const hb_plan_header *)data;

  hb_status st = check_header(h, size, arena_capacity);
  if (st != HB_OK) return st;
  if (hb_plan_crc(base, h->total_size) != h->crc32) return HB_ERR_BAD_CRC;
  st = check_tables(h);
  if (st != HB_OK) return st;

  hb_plan p;
  p.base = base;
  p.size = h->total_size;
  p.header = h;
  p.tensors = (const hb_tensor *)(base + h->tensors_offset);
  p.ops = (const hb_op *)(base + h->ops_offset);
  p.io = (const uint16_t *)(base + h->io_offset);

  for (uint32_t i = 0; i < h->n_tensors; ++i) {
    st = check_tensor(h, &p.tensors[i]);
    if (st != HB_OK) return st;
  }
  for (uint32_t i = 0; i < h->n_inputs + h->n_outputs; ++i) {
    if (p.io[i] >= h->n_tensors) return HB_ERR_BAD_OP;
    if (p.tensors[p.io[i]].storage != HB_STORAGE_ARENA) return HB_ERR_BAD_OP;
  }
  for (uint32_t i = 0; i < h->n_ops; ++i) {
    st = check_op(&p, &p.ops[i]);
    if (st != HB_OK) return st;
  }
  *plan = p;
  return HB_OK;
}

uint16_t hb_plan_input(const hb_plan *plan, uint32_t i) { return plan->io[i]; }

uint16_t hb_plan_output(const hb_plan *plan, uint32_t i) {
  return plan->io[plan->header->n_inputs + i];
}

void *hb_tensor_data(const hb_plan *plan, uint8_t *arena, uint16_t id) {
  const hb_tensor *t = &plan->tensors[id];
  if (t->storage == HB_STORAGE_CONST) return (void *)(uintptr_t)(plan->base + t->offset);
  return arena + t->offset;
}
