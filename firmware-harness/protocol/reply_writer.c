/* reply_writer.c: builds reply lines in a small buffer and sends them through
 * ops->write, so the protocol needs no printf. */
#include <string.h>

#include "protocol_internal.h"
#include "text_format.h"

static void flush(hb_reply *r) {
  if (r->len != 0u) r->p->ops->write(r->p->ops->user, r->buf, r->len);
  r->len = 0;
}

void hb_reply_begin(hb_reply *r, hb_proto *p, const char *prefix) {
  r->p = p;
  r->len = 0;
  if (prefix != 0) hb_reply_str(r, prefix);
}

void hb_reply_mem(hb_reply *r, const char *s, uint32_t n) {
  while (n > 0u) {
    if (r->len == HB_REPLY_BUF) flush(r);
    uint32_t chunk = HB_REPLY_BUF - r->len;
    if (chunk > n) chunk = n;
    memcpy(r->buf + r->len, s, chunk);
    r->len += chunk;
    s += chunk;
    n -= chunk;
  }
}

void hb_reply_str(hb_reply *r, const char *s) {
  uint32_t n = 0;
  if (s == 0) s = "";
  while (s[n] != '\0') ++n;
  hb_reply_mem(r, s, n);
}

void hb_reply_u64(hb_reply *r, uint64_t v) {
  char tmp[HB_FMT_MAX];
  hb_reply_mem(r, tmp, hb_fmt_u64(tmp, v));
}

void hb_reply_i64(hb_reply *r, int64_t v) {
  char tmp[HB_FMT_MAX];
  hb_reply_mem(r, tmp, hb_fmt_i64(tmp, v));
}

void hb_reply_hex(hb_reply *r, uint32_t v, uint32_t digits) {
  char tmp[8];
  hb_reply_mem(r, tmp, hb_fmt_hex(tmp, v, digits));
}

void hb_reply_hex_bytes(hb_reply *r, const uint8_t *b, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) hb_reply_hex(r, b[i], 2);
}

void hb_reply_end(hb_reply *r) {
  hb_reply_mem(r, "\r\n", 2);
  flush(r);
}

void hb_line(hb_proto *p, const char *text) {
  hb_reply r;
  hb_reply_begin(&r, p, text);
  hb_reply_end(&r);
}

void hb_ready(hb_proto *p) { hb_line(p, "m-ready"); }

void hb_error(hb_proto *p, const char *msg) { hb_error_name(p, msg, ""); }

void hb_error_name(hb_proto *p, const char *msg, const char *name) {
  hb_reply r;
  hb_reply_begin(&r, p, "e-[");
  hb_reply_str(&r, msg);
  hb_reply_str(&r, name);
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
}

void hb_error_u32(hb_proto *p, const char *msg, uint32_t v) {
  hb_reply r;
  hb_reply_begin(&r, p, "e-[");
  hb_reply_str(&r, msg);
  hb_reply_u64(&r, v);
  hb_reply_str(&r, "]");
  hb_reply_end(&r);
}

void hb_kv_u64(hb_proto *p, const char *key, uint64_t v) {
  hb_reply r;
  hb_reply_begin(&r, p, "m-hb-");
  hb_reply_str(&r, key);
  hb_reply_str(&r, "=");
  hb_reply_u64(&r, v);
  hb_reply_end(&r);
}

void hb_kv_str(hb_proto *p, const char *key, const char *v) {
  hb_reply r;
  hb_reply_begin(&r, p, "m-hb-");
  hb_reply_str(&r, key);
  hb_reply_str(&r, "=");
  hb_reply_str(&r, v);
  hb_reply_end(&r);
}

void hb_timestamp(hb_proto *p) {
  if (p->energy) {
    p->ops->timestamp_pulse(p->ops->user);
    return;
  }
  hb_reply r;
  hb_reply_begin(&r, p, "m-lap-us-");
  hb_reply_u64(&r, p->ops->now_us(p->ops->user));
  hb_reply_end(&r);
}
