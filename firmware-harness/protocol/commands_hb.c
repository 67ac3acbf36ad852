/* commands_hb.c: hilbench's protocol extensions. Every word starts with
 * "hb-" and every reply line is `m-hb-<key>=<value>` (schemas/harness-protocol.md,
 * "hilbench extensions"), so a host parser splits at the first '='. */
#include <string.h>

#include "hb/plan_format.h"
#include "hb/runtime.h"
#include "protocol_internal.h"
#include "text_format.h"

/* ---- hb-info --------------------------------------------------------------- */

hb_after hb_cmd_hb_info(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  const hb_proto_config *c = p->cfg;
  hb_plan_info info;
  memset(&info, 0, sizeof(info));
  p->ops->plan_info(p->ops->user, &info);
  hb_kv_str(p, "proto", HB_PROTO_VERSION);
  hb_kv_str(p, "firmware", c->firmware);
  hb_kv_str(p, "runtime", HB_RUNTIME_VERSION);
  hb_kv_str(p, "board", c->board);
  hb_kv_str(p, "core", c->core);
  hb_kv_u64(p, "clock-hz", c->clock_hz);
  hb_kv_str(p, "timer", c->timer);
  hb_kv_u64(p, "timer-hz", c->timer_hz);
  hb_kv_u64(p, "arena-capacity", c->arena_capacity);
  hb_kv_u64(p, "input-capacity", c->input_capacity);
  hb_kv_str(p, "mode", p->energy ? "energy" : "performance");
  if (!info.loaded) {
    hb_kv_str(p, "plan", info.status == HB_OK ? "none" : hb_status_name(info.status));
    return HB_AFTER_READY;
  }
  hb_kv_str(p, "plan", "ok");
  if (info.sha256 != 0) {
    hb_reply r;
    hb_reply_begin(&r, p, "m-hb-plan-sha256=");
    hb_reply_hex_bytes(&r, info.sha256, 8); /* 16 hex digits identify a model */
    hb_reply_end(&r);
  }
  hb_kv_str(p, "plan-model", info.model != 0 ? info.model : "unknown");
  hb_kv_u64(p, "plan-bytes", info.plan_bytes);
  hb_kv_u64(p, "plan-arena", info.arena_bytes);
  hb_kv_u64(p, "plan-ops", info.n_ops);
  hb_kv_u64(p, "plan-outputs", info.n_outputs);
  hb_kv_u64(p, "plan-input-bytes", info.input_bytes);
  return HB_AFTER_READY;
}

/* ---- hb-lat ---------------------------------------------------------------- */

static void sort_u32(uint32_t *v, uint32_t n) { /* insertion sort: n is small, no recursion */
  for (uint32_t i = 1; i < n; ++i) {
    const uint32_t x = v[i];
    uint32_t j = i;
    for (; j > 0u && v[j - 1u] > x; --j) v[j] = v[j - 1u];
    v[j] = x;
  }
}

hb_after hb_cmd_hb_lat(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  if (p->lat_count == 0u) {
    hb_error(p, "No latency recorded: run infer first");
    return HB_AFTER_READY;
  }
  hb_kv_u64(p, "lat-count", p->lat_count);
  hb_kv_u64(p, "lat-min", p->lat_min);
  if (p->lat_kept > 0u) {
    if (!p->lat_sorted) sort_u32(p->cfg->lat_buf, p->lat_kept);
    p->lat_sorted = 1;
    hb_kv_u64(p, "lat-median", p->cfg->lat_buf[(p->lat_kept - 1u) / 2u]);
  } else {
    hb_kv_str(p, "lat-median", "na");
  }
  hb_kv_u64(p, "lat-max", p->lat_max);
  hb_kv_u64(p, "lat-total", p->lat_total);
  hb_kv_u64(p, "lat-kept", p->lat_kept);
  hb_kv_str(p, "lat-timer", p->cfg->timer);
  hb_kv_u64(p, "lat-timer-hz", p->cfg->timer_hz);
  return HB_AFTER_READY;
}

/* ---- hb-layers ------------------------------------------------------------- */

hb_after hb_cmd_hb_layers(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  const hb_harness_ops *o = p->ops;
  hb_plan_info info;
  if (o->infer_profiled == 0 || o->layer_count == 0 || o->layer_get == 0) {
    hb_error(p, "Per-layer profiling not supported by this harness");
    return HB_AFTER_READY;
  }
  if (!hb_require_plan(p, &info)) return HB_AFTER_READY;
  if (p->db_size == 0u || p->db_pos != p->db_size || p->db_size != info.input_bytes) {
    hb_error(p, "No complete input loaded");
    return HB_AFTER_READY;
  }
  /* Reload the input: the arena planner may have reused its bytes. */
  hb_status st = o->load_input(o->user, p->cfg->input_buf, p->db_size);
  if (st == HB_OK) st = o->infer_profiled(o->user);
  if (st != HB_OK) {
    hb_error_name(p, "Inference failed: ", hb_status_name(st));
    return HB_AFTER_READY;
  }
  const uint32_t n = o->layer_count(o->user);
  uint64_t total = 0;
  hb_kv_u64(p, "layers-count", n);
  for (uint32_t i = 0; i < n; ++i) {
    hb_layer_record rec;
    memset(&rec, 0, sizeof(rec));
    o->layer_get(o->user, i, &rec);
    total += rec.ticks;
    hb_reply r;
    hb_reply_begin(&r, p, "m-hb-layer=[");
    hb_reply_u64(&r, i);
    hb_reply_str(&r, ",");
    hb_reply_str(&r, rec.name != 0 ? rec.name : "?");
    hb_reply_str(&r, ",");
    hb_reply_u64(&r, rec.source_index);
    hb_reply_str(&r, ",");
    hb_reply_u64(&r, rec.ticks);
    hb_reply_str(&r, ",");
    hb_reply_u64(&r, rec.macs);
    hb_reply_str(&r, "]");
    hb_reply_end(&r);
  }
  hb_kv_u64(p, "layers-total", total);
  hb_kv_u64(p, "layers-timer-hz", p->cfg->timer_hz);
  return HB_AFTER_READY;
}

/* ---- hb-mem ---------------------------------------------------------------- */

static void kv_mem(hb_proto *p, const char *key, uint32_t v) {
  if (v == HB_MEM_UNKNOWN) {
    hb_kv_str(p, key, "na");
  } else {
    hb_kv_u64(p, key, v);
  }
}

hb_after hb_cmd_hb_mem(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  if (p->ops->mem_info == 0) {
    hb_error(p, "Memory report not supported by this harness");
    return HB_AFTER_READY;
  }
  hb_mem_info m;
  memset(&m, 0xFF, sizeof(m)); /* every figure HB_MEM_UNKNOWN unless filled */
  p->ops->mem_info(p->ops->user, &m);
  kv_mem(p, "mem-stack-used", m.stack_used);
  kv_mem(p, "mem-stack-size", m.stack_size);
  kv_mem(p, "mem-arena-capacity", m.arena_capacity);
  kv_mem(p, "mem-arena-used", m.arena_used);
  kv_mem(p, "mem-static-ram", m.static_ram);
  kv_mem(p, "mem-flash-harness", m.flash_harness);
  kv_mem(p, "mem-flash-plan", m.flash_plan);
  return HB_AFTER_READY;
}

/* ---- hb-plan --------------------------------------------------------------- */

static void plan_abort(hb_proto *p) {
  p->plan_active = 0;
  p->stage_len = 0;
}

static void plan_received(hb_proto *p) { hb_kv_u64(p, "plan-received", p->plan_pos); }

/* Passes the staged bytes to plan_write; returns its status. */
static hb_status plan_flush(hb_proto *p) {
  hb_status st = HB_OK;
  if (p->stage_len != 0u) {
    st = p->ops->plan_write(p->ops->user, p->plan_pos, p->stage, p->stage_len);
    p->plan_crc = hb_crc32(p->plan_crc, p->stage, p->stage_len);
    p->plan_pos += p->stage_len;
    p->stage_len = 0;
  }
  return st;
}

void hb_plan_raw_byte(hb_proto *p, uint8_t b) {
  p->stage[p->stage_len++] = b;
  if (p->stage_len == HB_PROTO_PLAN_STAGE && plan_flush(p) != HB_OK) p->bin_write_failed = 1;
}

static void plan_hex(hb_proto *p, const char *hex) {
  const uint32_t digits = hb_str_len(hex);
  if (digits & 1u) {
    hb_error(p, "Insufficent number of hex digits");
    return;
  }
  for (uint32_t i = 0; i < digits; ++i) {
    if (hb_hex_digit(hex[i]) < 0) {
      hb_error(p, "Invalid hex digit in hb-plan chunk");
      return;
    }
  }
  const uint32_t n = digits / 2u; /* <= HB_PROTO_CMD_MAX / 2 < HB_PROTO_PLAN_STAGE */
  if (n > p->plan_size - p->plan_pos) {
    hb_error_u32(p, "hb-plan chunk overruns the announced size by ",
                 n - (p->plan_size - p->plan_pos));
    return;
  }
  uint32_t done = 0;
  while (done < n) { /* in stage-sized pieces, in case HB_PROTO_CMD_MAX was raised */
    for (; done < n && p->stage_len < HB_PROTO_PLAN_STAGE; ++done) {
      p->stage[p->stage_len++] =
          (uint8_t)((hb_hex_digit(hex[2u * done]) << 4) | hb_hex_digit(hex[2u * done + 1u]));
    }
    const hb_status st = plan_flush(p);
    if (st != HB_OK) {
      plan_abort(p);
      hb_error_name(p, "Plan write failed, upload aborted: ", hb_status_name(st));
      return;
    }
  }
  plan_received(p);
}

static void plan_end(hb_proto *p) {
  if (p->plan_pos != p->plan_size) {
    hb_reply r;
    hb_reply_begin(&r, p, "e-[Plan incomplete: got ");
    hb_reply_u64(&r, p->plan_pos);
    hb_reply_str(&r, " of ");
    hb_reply_u64(&r, p->plan_size);
    hb_reply_str(&r, " bytes]");
    hb_reply_end(&r);
    return;
  }
  plan_abort(p); /* the upload is over either way */
  if (p->plan_crc != p->plan_crc_expect) {
    hb_reply r;
    hb_reply_begin(&r, p, "e-[Plan CRC mismatch: expected ");
    hb_reply_hex(&r, p->plan_crc_expect, 8);
    hb_reply_str(&r, ", computed ");
    hb_reply_hex(&r, p->plan_crc, 8);
    hb_reply_str(&r, "]");
    hb_reply_end(&r);
    return;
  }
  const hb_status st = p->ops->plan_end(p->ops->user, p->plan_size);
  if (st != HB_OK) {
    hb_error_name(p, "Plan rejected: ", hb_status_name(st));
    return;
  }
  hb_kv_str(p, "plan", "ok");
  hb_plan_info info;
  memset(&info, 0, sizeof(info));
  p->ops->plan_info(p->ops->user, &info);
  if (info.sha256 != 0) {
    hb_reply r;
    hb_reply_begin(&r, p, "m-hb-plan-sha256=");
    hb_reply_hex_bytes(&r, info.sha256, 8);
    hb_reply_end(&r);
  }
}

hb_after hb_cmd_hb_plan(hb_proto *p, uint32_t argc, char **argv) {
  const hb_harness_ops *o = p->ops;
  if (o->plan_begin == 0 || o->plan_write == 0 || o->plan_end == 0) {
    hb_error(p, "Plan upload not supported by this harness");
    return HB_AFTER_READY;
  }
  if (argc < 2u) {
    hb_error(p, "Command 'hb-plan' requires a subcommand");
    return HB_AFTER_READY;
  }
  const char *sub = argv[1];
  if (hb_str_eq(sub, "begin")) {
    uint32_t size = 0, crc = 0;
    if (argc < 4u || !hb_parse_u32(argv[2], &size) || size == 0u ||
        !hb_parse_hex_u32(argv[3], &crc)) {
      hb_error(p, "Usage: hb-plan begin SIZE CRC32HEX");
      return HB_AFTER_READY;
    }
    plan_abort(p);
    const hb_status st = o->plan_begin(o->user, size);
    if (st != HB_OK) {
      hb_error_name(p, "Plan upload refused: ", hb_status_name(st));
      return HB_AFTER_READY;
    }
    p->plan_active = 1;
    p->plan_size = size;
    p->plan_pos = 0;
    p->plan_crc = 0;
    p->plan_crc_expect = crc;
    hb_kv_u64(p, "plan-expect", size);
    return HB_AFTER_READY;
  }
  if (hb_str_eq(sub, "abort")) {
    plan_abort(p);
    hb_kv_str(p, "plan", "aborted");
    return HB_AFTER_READY;
  }
  if (!p->plan_active) {
    hb_error(p, "No plan upload in progress: hb-plan begin SIZE CRC32HEX first");
    return HB_AFTER_READY;
  }
  if (hb_str_eq(sub, "end")) {
    plan_end(p);
  } else if (hb_str_eq(sub, "raw")) {
    uint32_t n = 0;
    if (argc < 3u || !hb_parse_u32(argv[2], &n) || n == 0u) {
      hb_error(p, "Usage: hb-plan raw N (N > 0)");
    } else if (n > p->plan_size - p->plan_pos) {
      hb_error_u32(p, "hb-plan chunk overruns the announced size by ",
                   n - (p->plan_size - p->plan_pos));
    } else {
      hb_kv_u64(p, "bin-ready", n);
      hb_bin_start(p, HB_BIN_PLAN, n);
      return HB_AFTER_BINARY;
    }
  } else {
    plan_hex(p, sub);
  }
  return HB_AFTER_READY;
}

/* ---- hb-bin and the end of binary transfers ---------------------------------- */

hb_after hb_cmd_hb_bin(hb_proto *p, uint32_t argc, char **argv) {
  uint32_t n = 0;
  if (argc < 2u || !hb_parse_u32(argv[1], &n) || n == 0u) {
    hb_error(p, "Usage: hb-bin N (N > 0)");
    return HB_AFTER_READY;
  }
  if (n > p->cfg->input_capacity) {
    hb_error_u32(p, "hb-bin exceeds the buffer capacity of ", p->cfg->input_capacity);
    return HB_AFTER_READY;
  }
  p->db_size = n;
  p->db_pos = 0;
  hb_kv_u64(p, "bin-ready", n);
  hb_bin_start(p, HB_BIN_INPUT, n);
  return HB_AFTER_BINARY;
}

static void crc_mismatch(hb_proto *p, const char *what) {
  hb_reply r;
  hb_reply_begin(&r, p, "e-[");
  hb_reply_str(&r, what);
  hb_reply_str(&r, " CRC mismatch: received ");
  hb_reply_hex(&r, p->bin_crc_wire, 8);
  hb_reply_str(&r, ", computed ");
  hb_reply_hex(&r, p->bin_crc, 8);
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
}

void hb_bin_finish(hb_proto *p, int crc_ok) {
  if (p->bin_target == HB_BIN_INPUT) {
    if (crc_ok == 1) {
      hb_line(p, "m-load-done");
      return;
    }
    p->db_size = p->db_pos = 0; /* never run on a corrupt input */
    if (crc_ok == 0) crc_mismatch(p, "hb-bin");
    return;
  }
  /* HB_BIN_PLAN */
  const int write_ok = crc_ok == 1 && plan_flush(p) == HB_OK && !p->bin_write_failed;
  if (crc_ok == 0) {
    crc_mismatch(p, "hb-plan raw");
  } else if (crc_ok == 1 && !write_ok) {
    hb_error(p, "Plan write failed, upload aborted");
  }
  if (!write_ok) {
    plan_abort(p); /* flash may hold bad bytes: start again with hb-plan begin */
    return;
  }
  plan_received(p);
}

/* ---- hb-out ---------------------------------------------------------------- */

static const char *dtype_name(uint8_t dt) {
  switch (dt) {
    case HB_DT_INT8:
      return "int8";
    case HB_DT_INT16:
      return "int16";
    case HB_DT_INT32:
      return "int32";
    case HB_DT_INT64:
      return "int64";
    case HB_DT_FLOAT32:
      return "float32";
    default:
      return "unknown";
  }
}

/* Bytes of tensor data per m-hb-out-data line (64 hex digits). */
#define HB_OUT_LINE_BYTES 32u

hb_after hb_cmd_hb_out(hb_proto *p, uint32_t argc, char **argv) {
  hb_plan_info info;
  uint32_t index = 0;
  if (argc >= 2u && !hb_parse_u32(argv[1], &index)) {
    hb_error(p, "Usage: hb-out [OUTPUT_INDEX]");
    return HB_AFTER_READY;
  }
  if (!hb_require_plan(p, &info)) return HB_AFTER_READY;
  hb_output_view v;
  memset(&v, 0, sizeof(v));
  if (p->ops->output(p->ops->user, index, &v) != 0) {
    hb_error_u32(p, "No such output: ", index);
    return HB_AFTER_READY;
  }
  uint32_t scale_bits;
  memcpy(&scale_bits, &v.scale, sizeof(scale_bits));
  hb_kv_u64(p, "out-index", index);
  hb_kv_str(p, "out-dtype", dtype_name(v.dtype));
  hb_kv_u64(p, "out-bytes", v.bytes);
  hb_reply r;
  hb_reply_begin(&r, p, "m-hb-out-scale-bits=");
  hb_reply_hex(&r, scale_bits, 8);
  hb_reply_end(&r);
  hb_reply_begin(&r, p, "m-hb-out-zero-point=");
  hb_reply_i64(&r, v.zero_point);
  hb_reply_end(&r);
  hb_reply_begin(&r, p, "m-hb-out-crc32=");
  hb_reply_hex(&r, hb_crc32(0, v.data, v.bytes), 8);
  hb_reply_end(&r);
  const uint8_t *b = (const uint8_t *)v.data;
  for (uint32_t off = 0; off < v.bytes; off += HB_OUT_LINE_BYTES) {
    const uint32_t n = v.bytes - off < HB_OUT_LINE_BYTES ? v.bytes - off : HB_OUT_LINE_BYTES;
    hb_reply_begin(&r, p, "m-hb-out-data=");
    hb_reply_hex_bytes(&r, b + off, n);
    hb_reply_end(&r);
  }
  return HB_AFTER_READY;
}

/* ---- hb-energy, hb-reset, hb-exit ---------------------------------------------- */

hb_after hb_cmd_hb_energy(hb_proto *p, uint32_t argc, char **argv) {
  if (argc >= 2u) {
    if (hb_str_eq(argv[1], "on")) {
      if (p->ops->timestamp_pulse == 0) {
        hb_error(p, "Energy mode not supported by this board");
        return HB_AFTER_READY;
      }
      p->energy = 1;
    } else if (hb_str_eq(argv[1], "off")) {
      p->energy = 0;
    } else {
      hb_error(p, "Usage: hb-energy [on|off]");
      return HB_AFTER_READY;
    }
  }
  hb_kv_str(p, "energy", p->energy ? "on" : "off");
  return HB_AFTER_READY;
}

hb_after hb_cmd_hb_reset(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  hb_kv_str(p, "reset", "ok");
  return HB_AFTER_RESET;
}

hb_after hb_cmd_hb_exit(hb_proto *p, uint32_t argc, char **argv) {
  uint32_t code = 0;
  int negative = 0;
  if (p->ops->exit == 0) {
    hb_error(p, "hb-exit is for emulators only");
    return HB_AFTER_READY;
  }
  if (argc >= 2u && (!hb_parse_signed_u32(argv[1], &code, &negative) || code > 255u)) {
    hb_error(p, "Usage: hb-exit [CODE] (-255..255)");
    return HB_AFTER_READY;
  }
  p->exit_code = negative ? -(int32_t)code : (int32_t)code;
  p->exit_armed = 1; /* exit on the host's next byte: it has read this reply */
  hb_reply r;
  hb_reply_begin(&r, p, "m-hb-exit=");
  hb_reply_i64(&r, p->exit_code);
  hb_reply_end(&r);
  return HB_AFTER_READY;
}
