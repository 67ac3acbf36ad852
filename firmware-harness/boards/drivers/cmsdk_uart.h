/* cmsdk_uart.h: Arm CMSDK APB UART (mps2-an386/an500, mps3-an547).
 * Registers: Arm Cortex-M System Design Kit TRM (DDI 0479), "APB UART":
 * DATA 0x00, STATE 0x04 (bit 0 TX full, bit 1 RX full), CTRL 0x08 (bit 0 TX
 * enable, bit 1 RX enable), INTSTATUS 0x0C, BAUDDIV 0x10 (>= 16). */
#ifndef HB_DRIVERS_CMSDK_UART_H
#define HB_DRIVERS_CMSDK_UART_H

#include "cortexm.h"

#define HB_CMSDK_DATA(b) HB_REG32((b) + 0x00u)
#define HB_CMSDK_STATE(b) HB_REG32((b) + 0x04u)
#define HB_CMSDK_CTRL(b) HB_REG32((b) + 0x08u)
#define HB_CMSDK_BAUDDIV(b) HB_REG32((b) + 0x10u)

static inline void hb_cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud) {
  HB_CMSDK_CTRL(base) = 0;
  HB_CMSDK_BAUDDIV(base) = pclk_hz / baud;
  HB_CMSDK_CTRL(base) = 3u; /* TX and RX enabled, no interrupts */
}

static inline void hb_cmsdk_uart_putc(uintptr_t base, uint8_t c) {
  while (HB_CMSDK_STATE(base) & 1u) {
  }
  HB_CMSDK_DATA(base) = c;
}

static inline int hb_cmsdk_uart_getc(uintptr_t base) {
  if (!(HB_CMSDK_STATE(base) & 2u)) return -1;
  return (int)(HB_CMSDK_DATA(base) & 0xFFu);
}

static inline void hb_cmsdk_uart_flush(uintptr_t base) {
  /* The APB UART has a one-byte buffer and no "shifter empty" flag: waiting
   * for TX-not-full is the best available. */
  while (HB_CMSDK_STATE(base) & 1u) {
  }
}

#endif /* HB_DRIVERS_CMSDK_UART_H */
