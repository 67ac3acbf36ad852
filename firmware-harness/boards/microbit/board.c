/* microbit board support (QEMU only): BBC micro:bit v1, nRF51822, Cortex-M0.
 * UART0 at 0x40002000 (nRF51822 PS 3.1 instantiation table), wired to the
 * interface MCU's VCP on P0.24 (TX) / P0.25 (RX). QEMU clocks SysTick at
 * 16 MHz (docs/qemu.md). The M0 has no DWT: the timer is always SysTick. */
#include "hb_board.h"
#include "nrf_uart.h"

#define UART0_BASE 0x40002000u
#define PIN_TX 24u
#define PIN_RX 25u

static const hb_board_info_t kInfo = {"microbit", "cortex-m0", 16000000u, 115200u, 1u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  hb_nrf_uart_init(UART0_BASE, PIN_TX, PIN_RX, HB_NRF_UART_BAUD_115200);
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_nrf_uart_putc(UART0_BASE, c); }
int hb_board_getc(void) { return hb_nrf_uart_getc(UART0_BASE); }
/* hb_board_putc already waits for TXDRDY of every byte. */
void hb_board_uart_flush(void) {}
void hb_board_timestamp_pulse(void) {}
