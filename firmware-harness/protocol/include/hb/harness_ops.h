/* hb/harness_ops.h: what the serial protocol needs from a board and the runtime.
 *
 * The protocol engine (hb/protocol.h) knows nothing about UARTs, timers or
 * plans: it calls these callbacks. The harness firmware fills them in for a
 * real board (UART, SysTick, GPIO, hb_plan_init/hb_invoke); the tests fill
 * them in with a fake board, so every byte of the protocol is tested on the
 * host. The wire format itself is schemas/harness-protocol.md.
 *
 * Every callback gets the `user` pointer given in hb_harness_ops. Callbacks
 * marked "optional" may be NULL: the matching command then answers an e-
 * error. None is called from an interrupt by the protocol; the protocol runs
 * wherever hb_proto_feed() is called (the main loop).
 */
#ifndef HB_HARNESS_OPS_H
#define HB_HARNESS_OPS_H

#include <stdint.h>

#include "hb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The loaded plan, as the protocol reports it (hb-info) and guards commands
 * with it (infer/results/hb-out need loaded != 0). */
typedef struct {
  uint8_t loaded; /* 1: a validated plan is ready to run */
  uint8_t reserved[3];
  hb_status status;      /* result of the last load attempt (HB_OK if none failed) */
  const uint8_t *sha256; /* 32 bytes (plan header's model_sha256), or NULL */
  const char *model;     /* MLPerf model tag for `profile` (kws01, vww01, ic01, ad01), or NULL */
  uint32_t plan_bytes;   /* plan total_size, bytes */
  uint32_t arena_bytes;  /* plan arena_size, bytes */
  uint32_t n_ops;        /* operators in the plan */
  uint32_t n_outputs;    /* graph outputs */
  uint32_t input_bytes;  /* bytes the HOST must send with db/hb-bin (after any conversion
                            load_input does, e.g. 4 x elements for float32 features) */
} hb_plan_info;

/* One output tensor, as `results` and hb-out read it. */
typedef struct {
  const void *data; /* element data (in the arena); owned by the board */
  uint32_t bytes;   /* size of data */
  uint8_t dtype;    /* hb_dtype: HB_DT_INT8, HB_DT_INT16 or HB_DT_FLOAT32 are formatted by
                       `results`; any dtype is dumped by hb-out */
  uint8_t reserved[3];
  float scale;        /* quantization scale (copied bitwise: the protocol does no float math) */
  int32_t zero_point; /* quantization zero point */
} hb_output_view;

/* One operator of the last profiled inference (hb-layers). */
typedef struct {
  const char *name;      /* operator name, e.g. "CONV_2D" (hb_op_name) */
  uint32_t source_index; /* operator index in the .tflite subgraph */
  uint32_t ticks;        /* timer ticks spent in this op */
  uint32_t macs;         /* multiply-accumulates of the op (from the plan) */
} hb_layer_record;

/* Memory figures (hb-mem), bytes. HB_MEM_UNKNOWN marks a figure the board
 * cannot measure. */
#define HB_MEM_UNKNOWN 0xFFFFFFFFu
typedef struct {
  uint32_t stack_used;     /* stack high-water mark, by painting at boot */
  uint32_t stack_size;     /* bytes reserved for the stack */
  uint32_t arena_capacity; /* RAM arena the harness owns */
  uint32_t arena_used;     /* arena_size of the loaded plan */
  uint32_t static_ram;     /* .data + .bss of the harness image */
  uint32_t flash_harness;  /* .text + .rodata + .data of the harness image */
  uint32_t flash_plan;     /* bytes of the plan in its partition (0 when in RAM) */
} hb_mem_info;

typedef struct {
  void *user; /* passed to every callback */

  /* Serial output: send len bytes (may block until queued). Required. */
  void (*write)(void *user, const char *buf, uint32_t len);
  /* Microseconds since boot for m-lap-us-N; wraps at 2^32. Required. */
  uint32_t (*now_us)(void *user);
  /* Free-running, up-counting tick counter (timer_hz in hb_board_desc); wraps
   * at 2^32, so one measured interval must stay below 2^32 ticks. Required. */
  uint32_t (*ticks)(void *user);
  /* Energy-mode timestamp: pull the timestamp GPIO low for >= 1 us, then
   * release it. Optional (NULL: no energy mode; hb-energy answers an error). */
  void (*timestamp_pulse)(void *user);

  /* Fills *out for the current plan. Required. */
  void (*plan_info)(void *user, hb_plan_info *out);
  /* Copies len host bytes (the complete db buffer, len == input_bytes) into
   * the graph input, converting as the model requires (e.g. uint8 RGB - 128,
   * float32 features -> int8). Required. */
  hb_status (*load_input)(void *user, const uint8_t *data, uint32_t len);
  /* Runs one inference of the loaded plan, no hooks. Required. */
  hb_status (*infer)(void *user);
  /* Describes graph output `index`; returns 0, or nonzero when index is out
   * of range. Required. */
  int (*output)(void *user, uint32_t index, hb_output_view *out);

  /* Runs one inference with per-op hooks that record ticks per op. Optional. */
  hb_status (*infer_profiled)(void *user);
  /* Records of the last infer_profiled: count, then record i < count. */
  uint32_t (*layer_count)(void *user);
  void (*layer_get)(void *user, uint32_t i, hb_layer_record *out);

  /* Memory figures. Optional. */
  void (*mem_info)(void *user, hb_mem_info *out);

  /* Plan upload (hb-plan). Optional as a group (all three or none).
   * plan_begin: prepare to receive `size` bytes (check capacity, erase a flash
   *   partition); the current plan may be dropped. Returns HB_OK or an error.
   * plan_write: store len bytes at plan offset `offset`; called in order,
   *   offsets increasing, never past `size`.
   * plan_end: all `size` bytes arrived and their CRC-32 matched: validate the
   *   plan (hb_plan_init) and make it current. Returns its status. */
  hb_status (*plan_begin)(void *user, uint32_t size);
  hb_status (*plan_write)(void *user, uint32_t offset, const uint8_t *data, uint32_t len);
  hb_status (*plan_end)(void *user, uint32_t size);

  /* Hardware reset (hb-reset), called after the reply has been written.
   * Optional; may not return. If NULL or if it returns, the protocol does a
   * soft reset: clears its state and prints the boot banner again. */
  void (*reset)(void *user);
  /* Emulator exit (hb-exit), e.g. semihosting SYS_EXIT_EXTENDED. Must drain
   * the UART first. Optional (NULL: hb-exit answers an error). */
  void (*exit)(void *user, int32_t code);
} hb_harness_ops;

#ifdef __cplusplus
}
#endif
#endif /* HB_HARNESS_OPS_H */
