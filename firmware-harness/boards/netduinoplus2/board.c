/* netduinoplus2 board support (QEMU only): STM32F405RG, Cortex-M4F.
 * QEMU 7.2 models the core at 168 MHz (SysTick on the core clock, docs/qemu.md)
 * and USART1 at 0x40011000 (RM0090 2.3 memory map), but not the RCC or GPIO:
 * the enable bits below are what real silicon would need and are ignored by
 * the model. */
#include "cortexm.h"
#include "hb_board.h"
#include "stm32_usart_v1.h"

#define RCC_BASE 0x40023800u
#define RCC_APB2ENR HB_REG32(RCC_BASE + 0x44u) /* USART1EN bit 4 (RM0090 7.3.14) */
#define USART1_BASE 0x40011000u
#define APB2_HZ 84000000u /* 168 MHz / 2, the usual F405 APB2 clock */

static const hb_board_info_t kInfo = {"netduinoplus2", "cortex-m4", 168000000u, 115200u, 1u};

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  RCC_APB2ENR |= 1u << 4;
  hb_stm32v1_usart_init(USART1_BASE, APB2_HZ, kInfo.uart_baud);
  hb_timer_init();
}

void hb_board_putc(uint8_t c) { hb_stm32v1_usart_putc(USART1_BASE, c); }
int hb_board_getc(void) { return hb_stm32v1_usart_getc(USART1_BASE); }
void hb_board_uart_flush(void) { hb_stm32v1_usart_flush(USART1_BASE); }
void hb_board_timestamp_pulse(void) {}
