/* hb/runtime.h: the int8 inference runtime's public API.
 *
 * The runtime executes a compiled plan (hb/plan_format.h) in a caller-owned
 * RAM arena. It never allocates, never uses floating point in integer
 * paths, and needs nothing from libc beyond memcpy/memset. The same sources
 * build for the host (tests, `hilbench model run`) and for Cortex-M.
 *
 * Usage:
 *   hb_plan plan;
 *   hb_status st = hb_plan_init(&plan, plan_bytes, plan_len, arena_len);
 *   if (st != HB_OK) report(hb_status_name(st));       // never runs a bad plan
 *   memcpy(hb_tensor_data(&plan, arena, hb_plan_input(&plan, 0)), in, n);
 *   hb_invoke(&plan, arena, NULL);
 *   read hb_tensor_data(&plan, arena, hb_plan_output(&plan, 0));
 *
 * Ownership: the plan bytes and the arena belong to the caller and must
 * outlive every call that uses them. hb_plan holds pointers into the plan
 * bytes, nothing else. Not thread-safe per arena: one invoke at a time.
 */
#ifndef HB_RUNTIME_H
#define HB_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "hb/plan_format.h"
#include "hb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Runtime version, reported by the harness. */
#define HB_RUNTIME_VERSION "0.1.0"

/* A validated plan: views into the caller's plan bytes. */
typedef struct {
  const uint8_t *base; /* first byte of the plan (header) */
  uint32_t size;       /* bytes */
  const hb_plan_header *header;
  const hb_tensor *tensors; /* header->n_tensors records */
  const hb_op *ops;         /* header->n_ops records */
  const uint16_t *io;       /* inputs then outputs */
} hb_plan;

/* Validates `data` completely (magic, version, size, CRC, every tensor and
 * op record, every offset against the plan size and arena_capacity, and each
 * op's params) and fills `plan`. Nothing is executed. `data` must be 4-byte
 * aligned. Returns HB_ERR_ARENA_TOO_SMALL when header->arena_size exceeds
 * arena_capacity (bytes). */
hb_status hb_plan_init(hb_plan *plan, const void *data, uint32_t size, uint32_t arena_capacity);

/* Per-operator hooks, called around each op's evaluation with the op's
 * position in the plan. Pass NULL hooks to hb_invoke for none: the cost is
 * then one pointer test per op. */
typedef struct {
  void (*begin)(void *user, uint32_t op_index, const hb_op *op);
  void (*end)(void *user, uint32_t op_index, const hb_op *op);
  void *user;
} hb_hooks;

/* Runs every op of a plan validated by hb_plan_init. `arena` must hold at
 * least header->arena_size bytes, HB_ARENA_ALIGN-aligned; graph inputs must
 * already be in it. Returns HB_ERR_BAD_ALIGNMENT for a misaligned arena. */
hb_status hb_invoke(const hb_plan *plan, uint8_t *arena, const hb_hooks *hooks);

/* Graph input/output i as a tensor id (caller ensures i < n_inputs/n_outputs). */
uint16_t hb_plan_input(const hb_plan *plan, uint32_t i);
uint16_t hb_plan_output(const hb_plan *plan, uint32_t i);

/* Where tensor `id`'s bytes are: in the arena or in the plan's constants. */
void *hb_tensor_data(const hb_plan *plan, uint8_t *arena, uint16_t id);

/* CRC-32/IEEE (the zlib polynomial), as used by the plan header.
 * Start with crc = 0; chain calls to cover several buffers. */
uint32_t hb_crc32(uint32_t crc, const void *data, size_t len);

/* The CRC-32 a plan's header must carry: over bytes [0, total_size) with
 * the crc32 field itself taken as zero, so every other bit is covered. */
uint32_t hb_plan_crc(const void *plan, uint32_t total_size);

/* Operator name, e.g. "CONV_2D"; "?" for an unknown code. */
const char *hb_op_name(uint16_t opcode);

#ifdef __cplusplus
}
#endif
#endif /* HB_RUNTIME_H */
