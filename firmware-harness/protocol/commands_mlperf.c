/* commands_mlperf.c: the MLPerf Tiny standard commands, with the reference
 * DUT's replies and error texts (schemas/harness-protocol.md, "Standard
 * commands"; deliberate deviations are listed there). */
#include <string.h>

#include "hb/plan_format.h"
#include "protocol_internal.h"
#include "text_format.h"

/* Reference defaults of `infer` with arguments omitted. */
#define HB_INFER_DEFAULT_N 1u
#define HB_INFER_DEFAULT_W 10u

int hb_require_plan(hb_proto *p, hb_plan_info *info) {
  memset(info, 0, sizeof(*info));
  p->ops->plan_info(p->ops->user, info);
  if (info->loaded) return 1;
  if (info->status != HB_OK) {
    hb_error_name(p, "No plan loaded: ", hb_status_name(info->status));
  } else {
    hb_error(p, "No plan loaded");
  }
  return 0;
}

hb_after hb_cmd_name(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  hb_reply r;
  hb_reply_begin(&r, p, "m-name-dut-[");
  hb_reply_str(&r, p->cfg->vendor);
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
  return HB_AFTER_READY;
}

hb_after hb_cmd_profile(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  hb_plan_info info;
  memset(&info, 0, sizeof(info));
  p->ops->plan_info(p->ops->user, &info);
  hb_reply r;
  hb_reply_begin(&r, p, "m-profile-[");
  hb_reply_str(&r, p->cfg->firmware);
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
  hb_reply_begin(&r, p, "m-model-[");
  hb_reply_str(&r, info.loaded && info.model != 0 ? info.model : "unknown");
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
  return HB_AFTER_READY;
}

hb_after hb_cmd_timestamp(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  hb_timestamp(p);
  return HB_AFTER_READY;
}

/* db print: the whole buffer, 8 bytes a line, m-buffer-xx-xx-... */
static void db_print(hb_proto *p) {
  hb_reply r;
  for (uint32_t i = 0; i < p->db_size; ++i) {
    if (i % 8u == 0u) hb_reply_begin(&r, p, "m-buffer-");
    hb_reply_hex(&r, p->cfg->input_buf[i], 2);
    if (i % 8u == 7u || i + 1u == p->db_size) {
      hb_reply_end(&r);
    } else {
      hb_reply_str(&r, "-");
    }
  }
}

/* db <hex>: the whole chunk is checked before any byte is stored, so a
 * rejected chunk can be resent as it is. */
static void db_hex(hb_proto *p, const char *hex) {
  const uint32_t digits = hb_str_len(hex);
  if (p->db_size == 0u) {
    hb_error(p, "Buffer not allocated");
    return;
  }
  if (digits & 1u) {
    hb_error(p, "Insufficent number of hex digits"); /* sic: the reference's text */
    return;
  }
  for (uint32_t i = 0; i < digits; i += 2u) {
    if (hb_hex_digit(hex[i]) < 0 || hb_hex_digit(hex[i + 1u]) < 0) {
      hb_reply r;
      hb_reply_begin(&r, p, "e-[Invalid hex digit '");
      hb_reply_mem(&r, hex + i, 2);
      hb_reply_str(&r, "']");
      hb_reply_end(&r);
      return;
    }
  }
  if (p->db_pos == p->db_size) {
    hb_error(p, "Buffer already full: db load N starts a new input");
    return;
  }
  for (uint32_t i = 0; i < digits && p->db_pos < p->db_size; i += 2u) {
    p->cfg->input_buf[p->db_pos++] =
        (uint8_t)((hb_hex_digit(hex[i]) << 4) | hb_hex_digit(hex[i + 1u]));
  }
  /* Like the reference, digits past N are ignored once the buffer is full. */
  if (p->db_pos == p->db_size) hb_line(p, "m-load-done");
}

hb_after hb_cmd_db(hb_proto *p, uint32_t argc, char **argv) {
  if (argc < 2u) {
    hb_error(p, "Command 'db' requires a subcommand");
  } else if (hb_str_eq(argv[1], "load")) {
    uint32_t n = 0;
    if (argc < 3u) {
      hb_error(p, "Command 'db load' requires the # of bytes");
    } else if (!hb_parse_u32(argv[2], &n) || n == 0u) {
      hb_error(p, "Command 'db load' must be >0 bytes");
    } else if (n > p->cfg->input_capacity) {
      hb_error_u32(p, "Command 'db load' exceeds the buffer capacity of ", p->cfg->input_capacity);
    } else {
      memset(p->cfg->input_buf, 0, n); /* db print shows zeros for bytes not sent yet */
      p->db_size = n;
      p->db_pos = 0;
      hb_reply r;
      hb_reply_begin(&r, p, "m-[Expecting ");
      hb_reply_u64(&r, n);
      hb_reply_str(&r, " bytes]");
      hb_reply_end(&r);
    }
  } else if (hb_str_eq(argv[1], "print")) {
    if (p->db_size == 0u) {
      hb_error(p, "Buffer not allocated");
    } else {
      db_print(p);
    }
  } else {
    db_hex(p, argv[1]);
  }
  return HB_AFTER_READY;
}

/* Records one timed inference's duration for hb-lat. */
static void record_latency(hb_proto *p, uint32_t ticks) {
  if (p->lat_count == 0u || ticks < p->lat_min) p->lat_min = ticks;
  if (p->lat_count == 0u || ticks > p->lat_max) p->lat_max = ticks;
  p->lat_total += ticks;
  ++p->lat_count;
  if (p->lat_kept < p->cfg->lat_capacity) p->cfg->lat_buf[p->lat_kept++] = ticks;
}

hb_after hb_cmd_infer(hb_proto *p, uint32_t argc, char **argv) {
  uint32_t n = HB_INFER_DEFAULT_N, w = HB_INFER_DEFAULT_W;
  int negative = 0;
  if (argc >= 2u && (!hb_parse_signed_u32(argv[1], &n, &negative) || negative || n == 0u)) {
    hb_error(p, "Inference iterations must be >0");
    return HB_AFTER_READY;
  }
  if (argc >= 3u && (!hb_parse_signed_u32(argv[2], &w, &negative) || negative)) {
    hb_error(p, "Inference warmup must be >=0");
    return HB_AFTER_READY;
  }
  hb_plan_info info;
  if (!hb_require_plan(p, &info)) return HB_AFTER_READY;
  if (p->db_size == 0u) {
    hb_error(p, "No input loaded: send it with db load N and db <hex>, or hb-bin N");
    return HB_AFTER_READY;
  }
  if (p->db_pos != p->db_size) {
    hb_reply r;
    hb_reply_begin(&r, p, "e-[Input incomplete: got ");
    hb_reply_u64(&r, p->db_pos);
    hb_reply_str(&r, " of ");
    hb_reply_u64(&r, p->db_size);
    hb_reply_str(&r, " bytes]");
    hb_reply_end(&r);
    return HB_AFTER_READY;
  }
  if (p->db_size != info.input_bytes) {
    hb_reply r;
    hb_reply_begin(&r, p, "e-[Input has ");
    hb_reply_u64(&r, p->db_size);
    hb_reply_str(&r, " bytes, the model expects ");
    hb_reply_u64(&r, info.input_bytes);
    hb_reply_str(&r, "]");
    hb_reply_end(&r);
    return HB_AFTER_READY;
  }
  void *u = p->ops->user;
  hb_status st = p->ops->load_input(u, p->cfg->input_buf, p->db_size);
  if (st != HB_OK) {
    hb_error_name(p, "Input load failed: ", hb_status_name(st));
    return HB_AFTER_READY;
  }
  hb_reply r;
  hb_reply_begin(&r, p, "m-warmup-start-");
  hb_reply_u64(&r, w);
  hb_reply_end(&r);
  for (uint32_t i = 0; i < w && st == HB_OK; ++i) st = p->ops->infer(u);
  if (st != HB_OK) {
    hb_error_name(p, "Inference failed: ", hb_status_name(st));
    return HB_AFTER_READY;
  }
  hb_line(p, "m-warmup-done");
  hb_reply_begin(&r, p, "m-infer-start-");
  hb_reply_u64(&r, n);
  hb_reply_end(&r);
  p->lat_count = p->lat_kept = 0;
  p->lat_total = 0;
  p->lat_sorted = 0;
  /* The timed window: two timer reads per inference are its only overhead
   * besides the inferences (a few cycles against milliseconds). */
  hb_timestamp(p);
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t t0 = p->ops->ticks(u);
    st = p->ops->infer(u);
    const uint32_t t1 = p->ops->ticks(u);
    if (st != HB_OK) break;
    record_latency(p, t1 - t0); /* unsigned: correct across one wrap */
  }
  hb_timestamp(p);
  if (st != HB_OK) {
    hb_error_name(p, "Inference failed: ", hb_status_name(st));
    return HB_AFTER_READY;
  }
  hb_line(p, "m-infer-done");
  hb_print_results(p);
  return HB_AFTER_READY;
}

void hb_print_results(hb_proto *p) {
  hb_output_view v;
  memset(&v, 0, sizeof(v));
  if (p->ops->output(p->ops->user, 0, &v) != 0) {
    hb_error(p, "The plan has no output");
    return;
  }
  uint32_t esize = 0;
  switch (v.dtype) {
    case HB_DT_INT8:
      esize = 1;
      break;
    case HB_DT_INT16:
      esize = 2;
      break;
    case HB_DT_FLOAT32:
      esize = 4;
      break;
    default:
      hb_error_u32(p, "Cannot format results of dtype ", v.dtype);
      return;
  }
  uint32_t scale_bits;
  memcpy(&scale_bits, &v.scale, sizeof(scale_bits)); /* a bit copy, no float math */
  const uint8_t *b = (const uint8_t *)v.data;
  hb_reply r;
  hb_reply_begin(&r, p, "m-results-[");
  for (uint32_t i = 0; i + esize <= v.bytes; i += esize) {
    uint32_t bits;
    if (v.dtype == HB_DT_FLOAT32) {
      memcpy(&bits, b + i, 4);
    } else {
      int32_t q;
      if (v.dtype == HB_DT_INT8) {
        q = (int8_t)b[i];
      } else {
        int16_t h;
        memcpy(&h, b + i, 2);
        q = h;
      }
      /* Dequantize exactly as float (q - zero_point) * scale would. Clamp the
       * zero point so a hostile plan cannot overflow the subtraction. */
      int32_t zp = v.zero_point;
      if (zp > 65536) zp = 65536;
      if (zp < -65536) zp = -65536;
      bits = hb_f32_mul_int(q - zp, scale_bits);
    }
    char num[HB_FMT_MAX];
    if (i != 0u) hb_reply_str(&r, ",");
    hb_reply_mem(&r, num, hb_fmt_f32_fixed3(num, bits));
  }
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
}

hb_after hb_cmd_results(hb_proto *p, uint32_t argc, char **argv) {
  (void)argc;
  (void)argv;
  hb_plan_info info;
  if (hb_require_plan(p, &info)) hb_print_results(p);
  return HB_AFTER_READY;
}
