/* protocol_internal.h: what the protocol's .c files share; not an interface.
 *
 * Replies are built with an hb_reply (a small line buffer that flushes through
 * ops->write), so no formatter needs printf or a heap. */
#ifndef HB_PROTOCOL_INTERNAL_H
#define HB_PROTOCOL_INTERNAL_H

#include <stdint.h>

#include "hb/protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes buffered before a write callback; lines longer than this are
 * written in several calls (the wire sees the same bytes). */
#define HB_REPLY_BUF 96u

typedef struct {
  hb_proto *p;
  uint32_t len;
  char buf[HB_REPLY_BUF];
} hb_reply;

void hb_reply_begin(hb_reply *r, hb_proto *p, const char *prefix);
void hb_reply_mem(hb_reply *r, const char *s, uint32_t n);
void hb_reply_str(hb_reply *r, const char *s);
void hb_reply_u64(hb_reply *r, uint64_t v);
void hb_reply_i64(hb_reply *r, int64_t v);
void hb_reply_hex(hb_reply *r, uint32_t v, uint32_t digits);
void hb_reply_hex_bytes(hb_reply *r, const uint8_t *b, uint32_t n);
void hb_reply_end(hb_reply *r); /* appends "\r\n" and flushes */

/* Whole lines. */
void hb_line(hb_proto *p, const char *text);                        /* text\r\n */
void hb_ready(hb_proto *p);                                         /* m-ready */
void hb_error(hb_proto *p, const char *msg);                        /* e-[msg] */
void hb_error_u32(hb_proto *p, const char *msg, uint32_t v);        /* e-[msg<v>] */
void hb_error_name(hb_proto *p, const char *msg, const char *name); /* e-[msg<name>] */
void hb_kv_u64(hb_proto *p, const char *key, uint64_t v);           /* m-hb-key=v */
void hb_kv_str(hb_proto *p, const char *key, const char *v);        /* m-hb-key=v */
void hb_timestamp(hb_proto *p); /* m-lap-us-N, or a GPIO pulse in energy mode */

/* Command handlers. argv[0] is the command word; argc >= 1. The return value
 * tells the dispatcher what to do after the handler. */
typedef enum {
  HB_AFTER_READY = 0,  /* print m-ready */
  HB_AFTER_BINARY = 1, /* a binary transfer started: m-ready comes when it ends */
  HB_AFTER_RESET = 2   /* print m-ready, then reset */
} hb_after;

typedef hb_after (*hb_cmd_fn)(hb_proto *p, uint32_t argc, char **argv);

/* MLPerf Tiny standard commands (commands_mlperf.c). */
hb_after hb_cmd_name(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_profile(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_timestamp(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_db(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_infer(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_results(hb_proto *p, uint32_t argc, char **argv);

/* hilbench extensions (commands_hb.c). */
hb_after hb_cmd_hb_info(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_lat(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_layers(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_mem(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_plan(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_bin(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_out(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_energy(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_reset(hb_proto *p, uint32_t argc, char **argv);
hb_after hb_cmd_hb_exit(hb_proto *p, uint32_t argc, char **argv);

/* Runs one complete command line, NUL-terminated, at most HB_PROTO_CMD_MAX
 * characters (dispatcher.c); tokenizes it in place. */
void hb_dispatch_line(hb_proto *p, char *line);

/* Shared helpers. */
/* Fills *info; returns 1 when a plan is loaded, else prints the e- error. */
int hb_require_plan(hb_proto *p, hb_plan_info *info);
/* Prints the results line (m-results-[...]) for output 0. */
void hb_print_results(hb_proto *p);
/* Starts a binary transfer of len data bytes (+ 4 CRC bytes) to target. */
void hb_bin_start(hb_proto *p, hb_bin_target target, uint32_t len);
/* Binary transfer data byte for HB_BIN_PLAN (commands_hb.c). */
void hb_plan_raw_byte(hb_proto *p, uint8_t b);
/* A binary transfer ended; crc_ok says whether the CRC matched. Prints the
 * result lines (not m-ready). (commands_hb.c) */
void hb_bin_finish(hb_proto *p, int crc_ok);
/* Clears every piece of session state (db, latency, uploads, modes). */
void hb_proto_clear(hb_proto *p);

#ifdef __cplusplus
}
#endif
#endif /* HB_PROTOCOL_INTERNAL_H */
