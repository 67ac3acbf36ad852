/* lm3s6965evb board support (QEMU only): TI Stellaris LM3S6965, Cortex-M3.
 * UART0 is a PL011 at 0x4000C000 (LM3S6965 datasheet 13.6); QEMU runs the
 * core and SysTick at 12.5 MHz (docs/qemu.md). RCGC1/RCGC2 gate the UART0 and
 * GPIOA clocks on silicon (datasheet 6.4); the model accepts the writes. */
#include "cortexm.h"
#include "hb_board.h"
#include "pl011.h"

#define SYSCTL_RCGC1 HB_REG32(0x400FE104u) /* UART0 bit 0 */
#define SYSCTL_RCGC2 HB_REG32(0x400FE108u) /* GPIOA bit 0 */
#define UART0_BASE 0x4000C000u

static const hb_board_info_t kInfo = {"lm3s6965evb", "cortex-m3", 12500000u, 115200u, 1u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  SYSCTL_RCGC1 |= 1u;
  SYSCTL_RCGC2 |= 1u;
  hb_pl011_init(UART0_BASE, kInfo.cpu_hz, kInfo.uart_baud);
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_pl011_putc(UART0_BASE, c); }
int hb_board_getc(void) { return hb_pl011_getc(UART0_BASE); }
void hb_board_uart_flush(void) { hb_pl011_flush(UART0_BASE); }
void hb_board_timestamp_pulse(void) {}
