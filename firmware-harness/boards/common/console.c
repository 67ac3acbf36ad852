/* console.c: string and number output on top of hb_board_putc. */
#include "hb_board.h"

void hb_board_puts(const char *s) {
  while (*s) hb_board_putc((uint8_t)*s++);
}

void hb_board_write(const void *buf, size_t len) {
  const uint8_t *p = (const uint8_t *)buf;
  for (size_t i = 0; i < len; i++) hb_board_putc(p[i]);
}

void hb_board_put_u64(uint64_t v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + (v % 10u));
    v /= 10u;
  } while (v != 0);
  while (n > 0) hb_board_putc((uint8_t)digits[--n]);
}

void hb_board_put_hex32(uint32_t v) {
  static const char kHex[] = "0123456789abcdef";
  for (int shift = 28; shift >= 0; shift -= 4) hb_board_putc((uint8_t)kHex[(v >> shift) & 0xFu]);
}
