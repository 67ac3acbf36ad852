/* line_assembler.c: received bytes -> commands, and raw bytes of binary
 * transfers. Never blocks and never reads past its buffers, whatever arrives.
 *
 * Text mode: printable ASCII (0x20..0x7E) is kept up to HB_PROTO_CMD_MAX
 * characters; CR, LF and TAB count as spaces (so a terminal user's Enter does
 * no harm); any other byte is rejected. `%` ends the command. A command that
 * was too long or held a rejected byte is answered with an e- error (and
 * m-ready) at its `%`, never executed: the reference would run the first 80
 * characters, which for a truncated `db` chunk silently loads wrong data.
 *
 * Binary mode (after hb-bin / hb-plan raw): exactly N data bytes, then 4 CRC
 * bytes, are consumed whatever their values; `%` has no meaning there. */
#include "hb/runtime.h"
#include "protocol_internal.h"

void hb_bin_start(hb_proto *p, hb_bin_target target, uint32_t len) {
  p->rx_mode = HB_RX_BINARY;
  p->bin_target = (uint8_t)target;
  p->bin_len = len;
  p->bin_pos = 0;
  p->bin_crc = 0;
  p->bin_crc_got = 0;
  p->bin_crc_wire = 0;
  p->bin_write_failed = 0;
}

static void binary_byte(hb_proto *p, uint8_t b) {
  if (p->bin_pos < p->bin_len) {
    p->bin_crc = hb_crc32(p->bin_crc, &b, 1);
    if (p->bin_target == HB_BIN_INPUT) {
      p->cfg->input_buf[p->bin_pos] = b; /* bin_len <= input_capacity, checked by hb-bin */
      p->db_pos = p->bin_pos + 1u;
    } else {
      hb_plan_raw_byte(p, b);
    }
    ++p->bin_pos;
    return;
  }
  p->bin_crc_wire |= (uint32_t)b << (8u * p->bin_crc_got); /* little-endian */
  if (++p->bin_crc_got < 4u) return;
  p->rx_mode = HB_RX_TEXT;
  hb_bin_finish(p, p->bin_crc_wire == p->bin_crc);
  hb_ready(p);
}

static void text_byte(hb_proto *p, uint8_t c) {
  if (c == '%') {
    if (p->line_bad != 0u) {
      hb_reply r;
      hb_reply_begin(&r, p, "e-[Invalid byte 0x");
      hb_reply_hex(&r, p->line_bad & 0xFFu, 2);
      hb_reply_str(&r, " in command]");
      hb_reply_end(&r);
      hb_ready(p);
    } else if (p->line_overlong) {
      hb_error_u32(p, "Command too long: the limit is ", HB_PROTO_CMD_MAX);
      hb_ready(p);
    } else {
      p->line[p->line_len] = '\0';
      hb_dispatch_line(p, p->line);
    }
    p->line_len = 0;
    p->line_overlong = 0;
    p->line_bad = 0;
    return;
  }
  if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  if (c < 0x20u || c > 0x7Eu) {
    if (p->line_bad == 0u) p->line_bad = (uint16_t)(0x100u | c);
    return;
  }
  if (p->line_len < HB_PROTO_CMD_MAX) {
    p->line[p->line_len++] = (char)c;
  } else {
    p->line_overlong = 1;
  }
}

void hb_proto_feed(hb_proto *p, const uint8_t *data, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i) {
    const uint8_t b = data[i];
    if (p->exit_armed) { /* the host saw the hb-exit reply: now exit */
      p->exit_armed = 0;
      p->ops->exit(p->ops->user, p->exit_code);
      continue; /* only a fake board returns */
    }
    switch (p->rx_mode) {
      case HB_RX_TEXT:
        text_byte(p, b);
        break;
      case HB_RX_BINARY:
        binary_byte(p, b);
        break;
      default:
        break; /* HB_RX_OFF: not started */
    }
  }
}

void hb_proto_idle(hb_proto *p) {
  if (p->rx_mode != HB_RX_BINARY) return;
  p->rx_mode = HB_RX_TEXT;
  hb_reply r;
  hb_reply_begin(&r, p, "e-[Binary transfer timed out: got ");
  hb_reply_u64(&r, p->bin_pos);
  hb_reply_str(&r, " of ");
  hb_reply_u64(&r, p->bin_len);
  hb_reply_str(&r, " bytes]");
  hb_reply_end(&r);
  hb_bin_finish(p, -1);
  hb_ready(p);
}
