/* NUCLEO-H743ZI board support: STM32H743ZI, Cortex-M7 with double-precision
 * FPU. Reference: RM0433 Rev 8 (STM32H742/743/750/753 reference manual),
 * UM1974 (STM32 Nucleo-144 user manual).
 *
 * Clock: the reset clock, HSI 64 MHz (RM0433 8.5.2), all prescalers 1, so
 * rcc_pclk1 (USART3's default kernel clock, D2CCIP2R.USART234578SEL = 000)
 * is 64 MHz. No PLL, no voltage scaling or flash-latency change (the reset
 * settings are valid for 64 MHz). Caches stay off (reset state): timings are
 * those of an uncached M7; enabling I/D-cache is a follow-up.
 *
 * Console: USART3 on PD8 (TX) / PD9 (RX), AF7, wired to the ST-LINK VCP
 * (UM1974 6.9). Timestamp: PC6 (our choice), idle high. Timer: DWT_CYCCNT
 * (unlocked through DWT_LAR, which the M7 requires). */
#include "cortexm.h"
#include "hb_board.h"
#include "stm32_gpio.h"
#include "stm32_usart_v2.h"

#define RCC_BASE 0x58024400u
#define RCC_AHB4ENR HB_REG32(RCC_BASE + 0x0E0u)  /* GPIOCEN bit 2, GPIODEN bit 3 (8.7.43) */
#define RCC_APB1LENR HB_REG32(RCC_BASE + 0x0E8u) /* USART3EN bit 18 (8.7.45) */
#define GPIOC_BASE 0x58020800u                   /* memory map, RM0433 2.3.2 */
#define GPIOD_BASE 0x58020C00u
#define USART3_BASE 0x40004800u
#define TS_PIN 6u

static const hb_board_info_t kInfo = {"nucleo-h743zi", "cortex-m7", 64000000u, 115200u, 0u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  RCC_AHB4ENR |= (1u << 2) | (1u << 3);
  RCC_APB1LENR |= 1u << 18;
  (void)RCC_APB1LENR; /* read back so the clocks run before the first access */

  hb_stm32_gpio_af(GPIOD_BASE, 8u, 7u);
  hb_stm32_gpio_af(GPIOD_BASE, 9u, 7u);
  /* USART, oversampling by 16: BRR = fck / baud (48.5.7): 64 MHz -> 556. */
  hb_stm32v2_usart_init(USART3_BASE, (kInfo.cpu_hz + kInfo.uart_baud / 2u) / kInfo.uart_baud);

  hb_stm32_gpio_write(GPIOC_BASE, TS_PIN, 1);
  hb_stm32_gpio_mode(GPIOC_BASE, TS_PIN, 1u);
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_stm32v2_usart_putc(USART3_BASE, c); }
int hb_board_getc(void) { return hb_stm32v2_usart_getc(USART3_BASE); }
void hb_board_uart_flush(void) { hb_stm32v2_usart_flush(USART3_BASE); }

void hb_board_timestamp_pulse(void) {
  hb_stm32_gpio_write(GPIOC_BASE, TS_PIN, 0);
  hb_spin(kInfo.cpu_hz / 1000000u + 1u);
  hb_stm32_gpio_write(GPIOC_BASE, TS_PIN, 1);
}
