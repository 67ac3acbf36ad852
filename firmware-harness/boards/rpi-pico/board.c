/* Raspberry Pi Pico board support: RP2040, Cortex-M0+ (core 0 only).
 * Reference: RP2040 datasheet (build-date 2024), chapter 2 (clocks, resets,
 * XOSC, IO), 4.2 (UART: an Arm PL011); Pico datasheet (12 MHz crystal,
 * UART0 on GP0 TX / GP1 RX).
 *
 * Clock: clk_ref and clk_sys from the 12 MHz crystal oscillator (XOSC, 2.16),
 * no PLL: the reset ring oscillator (~6 MHz, +-50%) is too imprecise for a
 * UART. clk_peri (the UART clock) = clk_sys = 12 MHz. Running at 125 MHz needs
 * PLL_SYS (2.18) and is a follow-up; the profile states 12 MHz.
 *
 * Timestamp: GP2, SIO output, idle high (our choice).
 * Timer: SysTick on the core clock (the M0+ has no DWT cycle counter). */
#include "cortexm.h"
#include "hb_board.h"
#include "pl011.h"

#define ATOMIC_CLR 0x3000u      /* register alias: write 1s to clear (2.1.2) */
#define RESETS_BASE 0x4000C000u /* RESET 0x0, RESET_DONE 0x8 (2.14.3) */
#define RESET_IO_BANK0 (1u << 5)
#define RESET_PADS_BANK0 (1u << 8)
#define RESET_UART0 (1u << 22)
#define XOSC_BASE 0x40024000u   /* CTRL 0x00, STATUS 0x04 (STABLE bit 31), STARTUP 0x0C (2.16.7) */
#define CLOCKS_BASE 0x40008000u /* 2.15.7 */
#define CLK_REF_CTRL HB_REG32(CLOCKS_BASE + 0x30u)     /* SRC 1:0, 2 = xosc_clksrc */
#define CLK_REF_SELECTED HB_REG32(CLOCKS_BASE + 0x38u) /* one-hot, bit 2 = xosc */
#define CLK_SYS_CTRL HB_REG32(CLOCKS_BASE + 0x3Cu)     /* SRC bit 0, 0 = clk_ref */
#define CLK_SYS_SELECTED HB_REG32(CLOCKS_BASE + 0x44u)
#define CLK_PERI_CTRL HB_REG32(CLOCKS_BASE + 0x48u) /* ENABLE bit 11, AUXSRC 7:5 (0 = clk_sys) */
#define IO_BANK0_BASE 0x40014000u /* GPIOn_CTRL at 0x04 + 8n, FUNCSEL 4:0 (2.19.6.1) */
#define FUNCSEL_UART 2u
#define FUNCSEL_SIO 5u
#define SIO_BASE                                                                  \
  0xD0000000u /* GPIO_OUT_SET 0x14, GPIO_OUT_CLR 0x18, GPIO_OE_SET 0x24 (2.3.1.7) \
               */
#define UART0_BASE 0x40034000u
#define PIN_TS 2u

static const hb_board_info_t kInfo = {"rpi-pico", "cortex-m0plus", 12000000u, 115200u, 0u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

static void clocks_from_xosc(void) {
  HB_REG32(XOSC_BASE + 0x0Cu) = 47u;                     /* ~1 ms startup: (12 MHz / 1000) / 256 */
  HB_REG32(XOSC_BASE + 0x00u) = (0xFABu << 12) | 0xAA0u; /* ENABLE, FREQ_RANGE 1-15 MHz */
  while (!(HB_REG32(XOSC_BASE + 0x04u) & (1u << 31))) {
  }
  CLK_REF_CTRL = 2u; /* glitchless switch to the crystal */
  while (!(CLK_REF_SELECTED & (1u << 2))) {
  }
  CLK_SYS_CTRL = 0u; /* clk_sys from clk_ref (the reset selection, made explicit) */
  while (!(CLK_SYS_SELECTED & 1u)) {
  }
  CLK_PERI_CTRL = 1u << 11;
}

void hb_board_init(void) {
  clocks_from_xosc();
  const uint32_t blocks = RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_UART0;
  HB_REG32(RESETS_BASE + ATOMIC_CLR) = blocks;
  while ((HB_REG32(RESETS_BASE + 0x8u) & blocks) != blocks) {
  }
  HB_REG32(IO_BANK0_BASE + 0x04u + 8u * 0u) = FUNCSEL_UART; /* GP0 = UART0 TX */
  HB_REG32(IO_BANK0_BASE + 0x04u + 8u * 1u) = FUNCSEL_UART; /* GP1 = UART0 RX */
  hb_pl011_init(UART0_BASE, kInfo.cpu_hz, kInfo.uart_baud);

  HB_REG32(SIO_BASE + 0x14u) = 1u << PIN_TS;
  HB_REG32(SIO_BASE + 0x24u) = 1u << PIN_TS;
  HB_REG32(IO_BANK0_BASE + 0x04u + 8u * PIN_TS) = FUNCSEL_SIO;
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_pl011_putc(UART0_BASE, c); }
int hb_board_getc(void) { return hb_pl011_getc(UART0_BASE); }
void hb_board_uart_flush(void) { hb_pl011_flush(UART0_BASE); }

void hb_board_timestamp_pulse(void) {
  HB_REG32(SIO_BASE + 0x18u) = 1u << PIN_TS;
  hb_spin(kInfo.cpu_hz / 1000000u + 1u);
  HB_REG32(SIO_BASE + 0x14u) = 1u << PIN_TS;
}
