/* text_format.c: integer-only number formatting and parsing (see text_format.h). */
#include "text_format.h"

uint32_t hb_fmt_u64(char *dst, uint64_t v) {
  char tmp[20];
  uint32_t n = 0;
  do {
    tmp[n++] = (char)('0' + (uint32_t)(v % 10u));
    v /= 10u;
  } while (v != 0u);
  for (uint32_t i = 0; i < n; ++i) dst[i] = tmp[n - 1u - i];
  return n;
}

uint32_t hb_fmt_i64(char *dst, int64_t v) {
  if (v >= 0) return hb_fmt_u64(dst, (uint64_t)v);
  dst[0] = '-';
  /* -(v + 1) + 1 avoids overflow on INT64_MIN. */
  return 1u + hb_fmt_u64(dst + 1, (uint64_t)(-(v + 1)) + 1u);
}

uint32_t hb_fmt_hex(char *dst, uint32_t v, uint32_t digits) {
  static const char kHex[] = "0123456789abcdef";
  if (digits < 1u) digits = 1u;
  if (digits > 8u) digits = 8u;
  for (uint32_t i = 0; i < digits; ++i) dst[i] = kHex[(v >> (4u * (digits - 1u - i))) & 0xFu];
  return digits;
}

static uint32_t bit_length64(uint64_t v) {
  uint32_t n = 0;
  while (v != 0u) {
    ++n;
    v >>= 1;
  }
  return n;
}

/* Rounds v * 2^-shift to nearest, ties to even; 0 < shift < 64. */
static uint64_t shift_round_even(uint64_t v, uint32_t shift) {
  const uint64_t q = v >> shift;
  const uint64_t rem = v & ((1ull << shift) - 1u);
  const uint64_t half = 1ull << (shift - 1u);
  return (rem > half || (rem == half && (q & 1u))) ? q + 1u : q;
}

uint32_t hb_f32_mul_int(int32_t d, uint32_t scale_bits) {
  const uint32_t sign = (scale_bits & 0x80000000u) ^ (d < 0 ? 0x80000000u : 0u);
  const uint32_t exp = (scale_bits >> 23) & 0xFFu;
  const uint32_t frac = scale_bits & 0x7FFFFFu;
  const uint32_t mag = d < 0 ? (uint32_t)(-(d + 1)) + 1u : (uint32_t)d;
  if (exp == 0xFFu) {
    if (frac != 0u || mag == 0u) return sign | 0x7FC00000u; /* NaN, or 0 x inf */
    return sign | 0x7F800000u;
  }
  if (mag == 0u || (exp == 0u && frac == 0u)) return sign; /* signed zero */
  /* scale = m * 2^e2 exactly. */
  const uint64_t m = exp != 0u ? (uint64_t)(frac | 0x800000u) : (uint64_t)frac;
  const int32_t e2 = exp != 0u ? (int32_t)exp - 150 : -149;
  const uint64_t prod = (uint64_t)mag * m; /* < 2^55: exact */
  /* Keep 24 significant bits, but never go below the subnormal quantum
   * 2^-149 (e2 >= -149, so that bound only limits left shifts). */
  int32_t s = (int32_t)bit_length64(prod) - 24;
  if (s < -149 - e2) s = -149 - e2;
  uint64_t q;
  if (s > 0) {
    q = shift_round_even(prod, (uint32_t)s);
  } else {
    q = prod << (uint32_t)(-s);
  }
  int32_t e = e2 + s;      /* value = q * 2^e */
  if (q == (1ull << 24)) { /* rounding carried into a 25th bit */
    q >>= 1;
    ++e;
  }
  if (q < (1ull << 23)) return sign | (uint32_t)q; /* subnormal: e == -149 */
  const int32_t biased = e + 150;
  if (biased >= 255) return sign | 0x7F800000u; /* overflow to infinity */
  return sign | ((uint32_t)biased << 23) | ((uint32_t)q & 0x7FFFFFu);
}

static uint32_t copy_str(char *dst, const char *s) {
  uint32_t n = 0;
  while (s[n] != '\0') {
    dst[n] = s[n];
    ++n;
  }
  return n;
}

uint32_t hb_fmt_f32_fixed3(char *dst, uint32_t bits) {
  uint32_t n = 0;
  const uint32_t exp = (bits >> 23) & 0xFFu;
  const uint32_t frac = bits & 0x7FFFFFu;
  if (bits & 0x80000000u) dst[n++] = '-';
  if (exp == 0xFFu) return n + copy_str(dst + n, frac != 0u ? "nan" : "inf");
  const uint64_t m = exp != 0u ? (uint64_t)(frac | 0x800000u) : (uint64_t)frac;
  const int32_t e = exp != 0u ? (int32_t)exp - 150 : -149; /* value = m * 2^e */
  if (e >= 0) {
    /* An integer up to 2^128: double a little-endian decimal number e times. */
    uint8_t dec[40];
    uint32_t nd = 0;
    uint64_t v = m;
    do {
      dec[nd++] = (uint8_t)(v % 10u);
      v /= 10u;
    } while (v != 0u);
    for (int32_t i = 0; i < e; ++i) {
      uint32_t carry = 0;
      for (uint32_t k = 0; k < nd; ++k) {
        const uint32_t t = dec[k] * 2u + carry;
        dec[k] = (uint8_t)(t % 10u);
        carry = t / 10u;
      }
      if (carry != 0u) dec[nd++] = (uint8_t)carry;
    }
    while (nd > 0u) dst[n++] = (char)('0' + dec[--nd]);
    return n + copy_str(dst + n, ".000");
  }
  /* thousandths = round_even(m * 1000 * 2^e); m * 1000 < 2^34, so for
   * e <= -35 the value is below half a thousandth and rounds to 0. */
  const uint32_t k = (uint32_t)(-e);
  const uint64_t t = k >= 35u ? 0u : shift_round_even(m * 1000u, k);
  n += hb_fmt_u64(dst + n, t / 1000u);
  dst[n++] = '.';
  const uint32_t f = (uint32_t)(t % 1000u);
  dst[n++] = (char)('0' + f / 100u);
  dst[n++] = (char)('0' + (f / 10u) % 10u);
  dst[n++] = (char)('0' + f % 10u);
  return n;
}

int hb_parse_u32(const char *s, uint32_t *out) {
  uint32_t v = 0;
  if (s == 0 || *s == '\0') return 0;
  for (; *s != '\0'; ++s) {
    if (*s < '0' || *s > '9') return 0;
    const uint32_t digit = (uint32_t)(*s - '0');
    if (v > (0xFFFFFFFFu - digit) / 10u) return 0; /* would overflow */
    v = v * 10u + digit;
  }
  *out = v;
  return 1;
}

int hb_parse_signed_u32(const char *s, uint32_t *magnitude, int *negative) {
  *negative = 0;
  if (s != 0 && *s == '-') {
    *negative = 1;
    ++s;
  }
  return hb_parse_u32(s, magnitude);
}

int hb_hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int hb_parse_hex_u32(const char *s, uint32_t *out) {
  uint32_t v = 0, n = 0;
  if (s == 0) return 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  for (; *s != '\0'; ++s, ++n) {
    const int d = hb_hex_digit(*s);
    if (d < 0 || n >= 8u) return 0;
    v = (v << 4) | (uint32_t)d;
  }
  if (n == 0u) return 0;
  *out = v;
  return 1;
}

int hb_str_eq(const char *a, const char *b) {
  while (*a != '\0' && *a == *b) {
    ++a;
    ++b;
  }
  return *a == *b;
}

uint32_t hb_str_len(const char *s) {
  uint32_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}
