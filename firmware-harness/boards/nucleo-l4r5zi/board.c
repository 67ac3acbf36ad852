/* NUCLEO-L4R5ZI board support: STM32L4R5ZI, Cortex-M4F (the MLPerf Tiny
 * reference board). Reference: RM0432 Rev 9 (STM32L4+ reference manual),
 * UM2179 (NUCLEO-L4R5ZI user manual).
 *
 * Clock: the reset clock, MSI 4 MHz (RM0432 6.2.3: MSIRANGE 6 after reset),
 * all bus prescalers 1. No PLL, no flash wait states to change. The MLPerf
 * reference runs at 120 MHz via the PLL (range 1 boost, 5 flash wait states);
 * that setup is a follow-up, and device-profiles/nucleo-l4r5zi.json states 4 MHz.
 *
 * Console: LPUART1 on PG7 (TX) / PG8 (RX), AF8, wired to the ST-LINK VCP
 * (UM2179 6.9). Port G pins PG[15:2] are powered from VDDIO2, which must be
 * declared valid (PWR_CR2.IOSV) before they work (RM0432 5.1.4).
 *
 * Timestamp: PC6, push-pull output, idle high (our choice; any free pin works,
 * the profile names it). Timer: DWT_CYCCNT (cycles at 4 MHz). */
#include "cortexm.h"
#include "hb_board.h"
#include "stm32_gpio.h"
#include "stm32_usart_v2.h"

#define RCC_BASE 0x40021000u
#define RCC_AHB2ENR HB_REG32(RCC_BASE + 0x4Cu)  /* GPIOCEN bit 2, GPIOGEN bit 6 (6.4.17) */
#define RCC_APB1ENR1 HB_REG32(RCC_BASE + 0x58u) /* PWREN bit 28 (6.4.19) */
#define RCC_APB1ENR2 HB_REG32(RCC_BASE + 0x5Cu) /* LPUART1EN bit 0 (6.4.20) */
/* RCC_CCIPR (0x88) LPUART1SEL resets to 00 = PCLK1: left alone (6.4.28). */
#define PWR_CR2 HB_REG32(0x40007004u) /* IOSV bit 9 (5.4.2) */
#define GPIOC_BASE 0x48000800u        /* memory map, RM0432 2.2.2 */
#define GPIOG_BASE 0x48001800u
#define LPUART1_BASE 0x40008000u
#define TS_PIN 6u

static const hb_board_info_t kInfo = {"nucleo-l4r5zi", "cortex-m4", 4000000u, 115200u, 0u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  RCC_APB1ENR1 |= 1u << 28;
  (void)RCC_APB1ENR1; /* read back: the enable takes effect before PWR is touched */
  PWR_CR2 |= 1u << 9;
  RCC_AHB2ENR |= (1u << 2) | (1u << 6);
  RCC_APB1ENR2 |= 1u;
  (void)RCC_APB1ENR2;

  hb_stm32_gpio_af(GPIOG_BASE, 7u, 8u);
  hb_stm32_gpio_af(GPIOG_BASE, 8u, 8u);
  /* LPUART: BRR = 256 fck / baud (52.4.7); 4 MHz, 115200 -> 8889, within
   * [0x300, 0xFFFFF] and fck in [3 x baud, 4096 x baud]. */
  hb_stm32v2_usart_init(
      LPUART1_BASE, (uint32_t)((256ull * kInfo.cpu_hz + kInfo.uart_baud / 2u) / kInfo.uart_baud));

  hb_stm32_gpio_write(GPIOC_BASE, TS_PIN, 1);
  hb_stm32_gpio_mode(GPIOC_BASE, TS_PIN, 1u);
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_stm32v2_usart_putc(LPUART1_BASE, c); }
int hb_board_getc(void) { return hb_stm32v2_usart_getc(LPUART1_BASE); }
void hb_board_uart_flush(void) { hb_stm32v2_usart_flush(LPUART1_BASE); }

void hb_board_timestamp_pulse(void) {
  hb_stm32_gpio_write(GPIOC_BASE, TS_PIN, 0);
  hb_spin(kInfo.cpu_hz / 1000000u + 1u); /* >= 3 cycles an iteration: > 1 us */
  hb_stm32_gpio_write(GPIOC_BASE, TS_PIN, 1);
}
