/* pl011.h: Arm PrimeCell UART PL011 (lm3s6965 UART0, RP2040 UART0).
 * Registers: PL011 TRM (DDI 0183) 3.2: DR 0x00, FR 0x18 (BUSY bit 3, RXFE
 * bit 4, TXFF bit 5), IBRD 0x24, FBRD 0x28, LCR_H 0x2C (FEN bit 4, WLEN bits
 * 6:5), CR 0x30 (UARTEN bit 0, TXE bit 8, RXE bit 9). */
#ifndef HB_DRIVERS_PL011_H
#define HB_DRIVERS_PL011_H

#include "cortexm.h"

#define HB_PL011_DR(b) HB_REG32((b) + 0x00u)
#define HB_PL011_FR(b) HB_REG32((b) + 0x18u)
#define HB_PL011_IBRD(b) HB_REG32((b) + 0x24u)
#define HB_PL011_FBRD(b) HB_REG32((b) + 0x28u)
#define HB_PL011_LCR_H(b) HB_REG32((b) + 0x2Cu)
#define HB_PL011_CR(b) HB_REG32((b) + 0x30u)

static inline void hb_pl011_init(uintptr_t base, uint32_t clk_hz, uint32_t baud) {
  /* Divisor = clk / (16 baud) as 16.6 fixed point, rounded (TRM 3.3.6). */
  uint32_t div64 = (uint32_t)(((uint64_t)clk_hz * 4u + baud / 2u) / baud);
  HB_PL011_CR(base) = 0;
  HB_PL011_IBRD(base) = div64 >> 6;
  HB_PL011_FBRD(base) = div64 & 63u;
  HB_PL011_LCR_H(base) = (3u << 5) | (1u << 4); /* 8N1, FIFOs on; latches the divisor */
  HB_PL011_CR(base) = (1u << 9) | (1u << 8) | 1u;
}

static inline void hb_pl011_putc(uintptr_t base, uint8_t c) {
  while (HB_PL011_FR(base) & (1u << 5)) {
  }
  HB_PL011_DR(base) = c;
}

static inline int hb_pl011_getc(uintptr_t base) {
  if (HB_PL011_FR(base) & (1u << 4)) return -1;
  return (int)(HB_PL011_DR(base) & 0xFFu);
}

static inline void hb_pl011_flush(uintptr_t base) {
  while (HB_PL011_FR(base) & (1u << 3)) {
  }
}

#endif /* HB_DRIVERS_PL011_H */
