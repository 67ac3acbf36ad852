/* harness.h: the harness firmware's board-independent core.
 *
 * The harness runs one compiled plan (schemas/plan-format.md) from the board's
 * model partition and speaks the serial protocol (schemas/harness-protocol.md)
 * through firmware-harness/protocol/. This header is the seam between main.c
 * (boot and main loop) and harness_ops.c (the hb_harness_ops callbacks).
 *
 * Memory (all static, sized per board at build time by
 * firmware-harness/CMakeLists.txt, hb_add_harness):
 *   arena     HB_HARNESS_ARENA_BYTES, HB_ARENA_ALIGN-aligned: activations and
 *             scratch of the plan (device-profiles/<board>.json arena_bytes);
 *   db buffer HB_HARNESS_INPUT_BYTES: the host's input bytes, kept apart from
 *             the arena because a plan may overwrite its graph input during a
 *             run (in-place ops): infer copies it in again before every run;
 *   plan      read in place from the model partition (linker symbols
 *             __hb_model_start/__hb_model_end via hb_board_memory_map): weights
 *             are never copied to RAM.
 *
 * Instruction counting under QEMU: the N timed inferences of `infer N W` are
 * enclosed in hb_mark_begin(HB_MARK_INFER)/hb_mark_end(HB_MARK_INFER), so the
 * QEMU plugin (qemu-plugin/hb_icount.c) reports one region per `infer`
 * command; instructions per inference = region insns / N (the region also
 * holds the protocol's loop, two tick reads and the latency bookkeeping per
 * inference, a few dozen instructions each, and the input copy; see
 * harness_ops.c). Not thread-safe; everything runs in the main loop.
 */
#ifndef HB_HARNESS_H
#define HB_HARNESS_H

#include <stdint.h>

#include "hb/harness_ops.h"
#include "hb/protocol.h"
#include "hb/runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HB_HARNESS_NAME "hilbench-harness"
#define HB_HARNESS_VERSION "0.1.0"

/* Region number passed to the instruction-count markers for `infer`. */
#define HB_MARK_INFER 1u

/* Loads and validates the plan found in the model partition (called at boot
 * and after an upload). Never runs a plan that fails hb_plan_init: the
 * failure is kept and reported by hb-info (m-hb-plan=<status>). */
void hb_harness_load_plan(void);

/* Fills the callback table and the protocol configuration for this board;
 * both must outlive the protocol engine. */
void hb_harness_setup(hb_harness_ops *ops, hb_proto_config *cfg);

/* MLPerf Tiny model tag ("kws01", "vww01", "ic01", "ad01") recognised from the
 * graph's input and output shapes, or NULL when they match none. */
const char *hb_harness_model_tag(const hb_plan *plan);

#ifdef __cplusplus
}
#endif
#endif /* HB_HARNESS_H */
