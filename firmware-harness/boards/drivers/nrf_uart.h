/* nrf_uart.h: the Nordic nRF51 UART (non-DMA; microbit).
 * Registers: nRF51 Series Reference Manual v3.0, 29.10: TASKS_STARTRX 0x000,
 * TASKS_STARTTX 0x008, EVENTS_RXDRDY 0x108, EVENTS_TXDRDY 0x11C, ENABLE
 * 0x500 (4 = enabled), PSELTXD 0x50C, PSELRXD 0x514, RXD 0x518, TXD 0x51C,
 * BAUDRATE 0x524 (0x01D7E000 = 115200). */
#ifndef HB_DRIVERS_NRF_UART_H
#define HB_DRIVERS_NRF_UART_H

#include "cortexm.h"

#define HB_NRF_UART_BAUD_115200 0x01D7E000u

static inline void hb_nrf_uart_init(uintptr_t base, uint32_t tx_pin, uint32_t rx_pin,
                                    uint32_t baud_reg) {
  HB_REG32(base + 0x500u) = 0;
  HB_REG32(base + 0x50Cu) = tx_pin;
  HB_REG32(base + 0x514u) = rx_pin;
  HB_REG32(base + 0x524u) = baud_reg;
  HB_REG32(base + 0x500u) = 4u;
  HB_REG32(base + 0x11Cu) = 0;
  HB_REG32(base + 0x108u) = 0;
  HB_REG32(base + 0x008u) = 1u; /* STARTTX */
  HB_REG32(base + 0x000u) = 1u; /* STARTRX */
}

static inline void hb_nrf_uart_putc(uintptr_t base, uint8_t c) {
  HB_REG32(base + 0x51Cu) = c;
  while (HB_REG32(base + 0x11Cu) == 0) {
  }
  HB_REG32(base + 0x11Cu) = 0;
}

static inline int hb_nrf_uart_getc(uintptr_t base) {
  if (HB_REG32(base + 0x108u) == 0) return -1;
  HB_REG32(base + 0x108u) = 0; /* clear before reading RXD (RM 29.5) */
  return (int)(HB_REG32(base + 0x518u) & 0xFFu);
}

#endif /* HB_DRIVERS_NRF_UART_H */
