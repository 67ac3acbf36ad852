/* hb/protocol.h: the harness serial protocol engine (MLPerf Tiny DUT protocol
 * plus hilbench's hb- extensions), as specified in schemas/harness-protocol.md.
 *
 * The engine turns received bytes into commands and commands into reply
 * lines. It is plain freestanding C11: no heap, no printf, no float math,
 * nothing from libc beyond memcpy/memset. The board supplies output, timers
 * and the runtime through hb_harness_ops, and the memory the engine uses
 * (input buffer, latency samples) through hb_proto_config.
 *
 * Usage (firmware main loop):
 *   static hb_proto proto;
 *   hb_proto_init(&proto, &config, &ops);
 *   hb_proto_start(&proto);                  // boot banner ... m-ready
 *   for (;;) {
 *     uint8_t c;
 *     if (uart_getc(&c)) hb_proto_feed(&proto, &c, 1);
 *     else if (idle_for_ms() > 2000) hb_proto_idle(&proto);  // ends a stuck binary transfer
 *   }
 *
 * Commands run synchronously inside hb_proto_feed (an `infer` runs its
 * inferences there), so call it from the main loop, never from the UART ISR;
 * an ISR should only queue bytes. Not thread-safe: one hb_proto per serial
 * line, used from one context.
 */
#ifndef HB_PROTOCOL_H
#define HB_PROTOCOL_H

#include <stdint.h>

#include "hb/harness_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Protocol version reported by hb-info (m-hb-proto=...). Bump the major for
 * any change a host parser would notice. */
#define HB_PROTO_VERSION "1.0"

/* Longest command kept, in characters, without the `%` (the reference DUT's
 * EE_CMD_SIZE). A longer command is answered with an e- error. */
#ifndef HB_PROTO_CMD_MAX
#define HB_PROTO_CMD_MAX 80u
#endif

/* Staging for hb-plan raw chunks: bytes are passed to plan_write in blocks of
 * at most this size (flash writes want blocks, not bytes). */
#ifndef HB_PROTO_PLAN_STAGE
#define HB_PROTO_PLAN_STAGE 64u
#endif

/* Static description of the board and the memory the engine may use. The
 * strings and buffers are owned by the caller and must outlive the engine. */
typedef struct {
  const char *vendor;      /* `name` reply: m-name-dut-[vendor] */
  const char *firmware;    /* `profile` reply: m-profile-[firmware] */
  const char *board;       /* hb-info board id, e.g. "mps2-an386" */
  const char *core;        /* hb-info core, e.g. "cortex-m4" */
  const char *timer;       /* hb-info timer source, e.g. "systick" */
  uint32_t clock_hz;       /* core clock, Hz */
  uint32_t timer_hz;       /* rate of ops->ticks, Hz */
  uint32_t arena_capacity; /* RAM arena bytes the harness owns */
  uint8_t energy_mode;     /* 1: boot in energy mode (GPIO timestamps) */
  uint8_t reserved[3];
  uint8_t *input_buf;      /* the db buffer (host input bytes) */
  uint32_t input_capacity; /* bytes */
  uint32_t *lat_buf;       /* per-inference latency samples kept for the median */
  uint32_t lat_capacity;   /* entries; inferences past this count in min/max/total only */
} hb_proto_config;

/* Receiver modes. */
typedef enum {
  HB_RX_OFF = 0,   /* before hb_proto_start: bytes are dropped */
  HB_RX_TEXT = 1,  /* assembling a `%`-terminated command */
  HB_RX_BINARY = 2 /* hb-bin / hb-plan raw: counting raw bytes, then a 4-byte CRC */
} hb_rx_mode;

/* Destinations of a binary transfer. */
typedef enum { HB_BIN_INPUT = 1, HB_BIN_PLAN = 2 } hb_bin_target;

/* Engine state. Opaque to callers: fields are here only so that it can be
 * allocated statically; touch it only through the functions below. */
typedef struct {
  const hb_proto_config *cfg;
  const hb_harness_ops *ops;

  /* receiver */
  uint8_t rx_mode;       /* hb_rx_mode */
  uint8_t line_overlong; /* the current command passed HB_PROTO_CMD_MAX */
  uint8_t exit_armed;    /* hb-exit acknowledged: the next byte exits */
  uint16_t line_bad;     /* 0x100 | first rejected byte of the command, 0 = none */
  uint8_t reserved_rx[2];
  uint32_t line_len;
  char line[HB_PROTO_CMD_MAX + 1];
  int32_t exit_code;

  /* binary transfer */
  uint8_t bin_target;       /* hb_bin_target */
  uint8_t bin_crc_got;      /* CRC bytes received so far (0..4) */
  uint8_t bin_write_failed; /* plan_write failed during this transfer */
  uint8_t reserved_bin;
  uint32_t bin_len;      /* data bytes expected */
  uint32_t bin_pos;      /* data bytes received */
  uint32_t bin_crc;      /* running CRC-32 of the data */
  uint32_t bin_crc_wire; /* CRC received, little-endian */

  /* db input buffer */
  uint32_t db_size; /* `db load N`: bytes expected, 0 = none */
  uint32_t db_pos;  /* bytes received */

  /* timing */
  uint8_t energy;     /* 1: timestamps are GPIO pulses */
  uint8_t lat_sorted; /* lat_buf is sorted (hb-lat sorts once) */
  uint8_t reserved_t[2];
  uint32_t lat_count;        /* timed inferences of the last infer */
  uint32_t lat_kept;         /* of which in lat_buf */
  uint32_t lat_min, lat_max; /* ticks */
  uint64_t lat_total;        /* ticks */

  /* plan upload */
  uint8_t plan_active; /* between hb-plan begin and end */
  uint8_t reserved_p[3];
  uint32_t plan_size;       /* bytes announced */
  uint32_t plan_pos;        /* bytes received */
  uint32_t plan_crc_expect; /* CRC-32 announced */
  uint32_t plan_crc;        /* running CRC-32 of what arrived */
  uint32_t stage_len;
  uint8_t stage[HB_PROTO_PLAN_STAGE];
} hb_proto;

/* Binds the engine to its configuration and board; prints nothing. */
void hb_proto_init(hb_proto *p, const hb_proto_config *cfg, const hb_harness_ops *ops);

/* Prints the boot banner (timestamp mode, one timestamp, m-init-done,
 * m-ready) and starts accepting commands. Bytes fed earlier are dropped, as
 * the reference firmware drops them before its parser is enabled. */
void hb_proto_start(hb_proto *p);

/* Processes len received bytes; runs every command they complete. */
void hb_proto_feed(hb_proto *p, const uint8_t *data, uint32_t len);

/* Tells the engine the line has been idle for the board's timeout. Ends a
 * binary transfer that stalled (e- error, then m-ready); no effect otherwise. */
void hb_proto_idle(hb_proto *p);

#ifdef __cplusplus
}
#endif
#endif /* HB_PROTOCOL_H */
