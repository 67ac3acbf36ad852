/* mps2-an500 board support (QEMU only): cortex-m7 on an Arm MPS2 FPGA image model.
 * Facts from docs/qemu.md (measured on QEMU 7.2): code memory at 0x0, RAM at
 * 0x20000000, console CMSDK APB UART0 at 0x40004000, SysTick (core) clock 25 MHz. */
#include "cmsdk_uart.h"
#include "hb_board.h"

#define UART0_BASE 0x40004000u

static const hb_board_info_t kInfo = {"mps2-an500", "cortex-m7", 25000000u, 115200u, 1u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  hb_cmsdk_uart_init(UART0_BASE, kInfo.cpu_hz, kInfo.uart_baud);
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_cmsdk_uart_putc(UART0_BASE, c); }
int hb_board_getc(void) { return hb_cmsdk_uart_getc(UART0_BASE); }
void hb_board_uart_flush(void) { hb_cmsdk_uart_flush(UART0_BASE); }

/* No GPIO model worth driving under QEMU: energy mode is not emulated. */
void hb_board_timestamp_pulse(void) {}
