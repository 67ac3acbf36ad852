/* stm32_usart_v1.h: the STM32F1/F2/F4 USART (netduinoplus2 = STM32F405).
 * Registers: RM0090 (STM32F405/415...) 30.6: SR 0x00 (RXNE bit 5, TC bit 6,
 * TXE bit 7), DR 0x04, BRR 0x08, CR1 0x0C (RE bit 2, TE bit 3, UE bit 13). */
#ifndef HB_DRIVERS_STM32_USART_V1_H
#define HB_DRIVERS_STM32_USART_V1_H

#include "cortexm.h"

#define HB_USART1_SR(b) HB_REG32((b) + 0x00u)
#define HB_USART1_DR(b) HB_REG32((b) + 0x04u)
#define HB_USART1_BRR(b) HB_REG32((b) + 0x08u)
#define HB_USART1_CR1(b) HB_REG32((b) + 0x0Cu)

static inline void hb_stm32v1_usart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud) {
  HB_USART1_CR1(base) = 0;
  HB_USART1_BRR(base) = (pclk_hz + baud / 2u) / baud; /* oversampling by 16 (30.3.4) */
  HB_USART1_CR1(base) = (1u << 13) | (1u << 3) | (1u << 2);
}

static inline void hb_stm32v1_usart_putc(uintptr_t base, uint8_t c) {
  while (!(HB_USART1_SR(base) & (1u << 7))) {
  }
  HB_USART1_DR(base) = c;
}

static inline int hb_stm32v1_usart_getc(uintptr_t base) {
  if (!(HB_USART1_SR(base) & (1u << 5))) return -1;
  return (int)(HB_USART1_DR(base) & 0xFFu);
}

static inline void hb_stm32v1_usart_flush(uintptr_t base) {
  while (!(HB_USART1_SR(base) & (1u << 6))) {
  }
}

#endif /* HB_DRIVERS_STM32_USART_V1_H */
