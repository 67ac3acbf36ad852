/* text_format.h: number formatting and parsing for the serial protocol, with
 * no printf, no strtol and no floating-point arithmetic (Cortex-M0 has no FPU;
 * soft-float would cost flash and is not needed).
 *
 * Formatters write into a caller buffer, do NOT NUL-terminate, and return the
 * number of characters written. Internal to firmware-harness/protocol/.
 */
#ifndef HB_PROTOCOL_TEXT_FORMAT_H
#define HB_PROTOCOL_TEXT_FORMAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest output of any formatter below, in characters. */
#define HB_FMT_MAX 48u

/* Unsigned / signed decimal. */
uint32_t hb_fmt_u64(char *dst, uint64_t v);
uint32_t hb_fmt_i64(char *dst, int64_t v);
/* Lower-case hex of `digits` nibbles (1..8), most significant first, zero-padded. */
uint32_t hb_fmt_hex(char *dst, uint32_t v, uint32_t digits);

/* The IEEE-754 binary32 bits of (float)d * scale, rounded to nearest even,
 * as an FPU would compute them: the dequantization (q - zero_point) * scale
 * of TFLM-based reference firmware, done in integers. Subnormals, overflow
 * to infinity, NaN and signed zeros behave as IEEE-754 says (a NaN result is
 * the quiet NaN 0x7FC00000 with the product's sign). |d| < 2^31. */
uint32_t hb_f32_mul_int(int32_t d, uint32_t scale_bits);

/* The binary32 value `bits` as printf("%.3f") prints it: correctly rounded,
 * ties to even (the exact binary value decides), "-" for every negative value
 * including -0.000, "inf"/"-inf", "nan"/"-nan". At most HB_FMT_MAX chars. */
uint32_t hb_fmt_f32_fixed3(char *dst, uint32_t bits);

/* Parses a whole token as an unsigned decimal number (digits only, no sign,
 * at most 4294967295). Returns 1 on success, 0 otherwise. */
int hb_parse_u32(const char *s, uint32_t *out);
/* As hb_parse_u32 but also accepts one leading '-': *negative is set. */
int hb_parse_signed_u32(const char *s, uint32_t *magnitude, int *negative);
/* Parses a whole token of 1..8 hex digits, optional "0x" prefix. */
int hb_parse_hex_u32(const char *s, uint32_t *out);
/* strcmp(a, b) == 0 and strlen, without libc. */
int hb_str_eq(const char *a, const char *b);
uint32_t hb_str_len(const char *s);
/* Value of one hex digit (either case), or -1. */
int hb_hex_digit(char c);

#ifdef __cplusplus
}
#endif
#endif /* HB_PROTOCOL_TEXT_FORMAT_H */
