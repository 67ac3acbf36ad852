/* stm32_usart_v2.h: the newer STM32 USART/LPUART register layout (L4, L4+,
 * H7, G4...): used for NUCLEO-L4R5ZI LPUART1 and NUCLEO-H743ZI USART3.
 * Registers: RM0432 (STM32L4+) 52.7 (LPUART) and RM0433 (STM32H743) 48.7
 * (USART): CR1 0x00 (UE bit 0, RE bit 2, TE bit 3), BRR 0x0C, ISR 0x1C
 * (ORE bit 3, RXNE bit 5, TC bit 6, TXE bit 7), ICR 0x20 (ORECF bit 3),
 * RDR 0x24, TDR 0x28. Only the BRR formula differs: USART (oversampling 16)
 * BRR = fck / baud; LPUART BRR = 256 fck / baud. */
#ifndef HB_DRIVERS_STM32_USART_V2_H
#define HB_DRIVERS_STM32_USART_V2_H

#include "cortexm.h"

#define HB_USART2_CR1(b) HB_REG32((b) + 0x00u)
#define HB_USART2_BRR(b) HB_REG32((b) + 0x0Cu)
#define HB_USART2_ISR(b) HB_REG32((b) + 0x1Cu)
#define HB_USART2_ICR(b) HB_REG32((b) + 0x20u)
#define HB_USART2_RDR(b) HB_REG32((b) + 0x24u)
#define HB_USART2_TDR(b) HB_REG32((b) + 0x28u)

/* `brr` is computed by the caller (the formula depends on USART vs LPUART). */
static inline void hb_stm32v2_usart_init(uintptr_t base, uint32_t brr) {
  HB_USART2_CR1(base) = 0;
  HB_USART2_BRR(base) = brr;
  HB_USART2_CR1(base) = (1u << 3) | (1u << 2) | 1u; /* 8N1, TE, RE, UE */
}

static inline void hb_stm32v2_usart_putc(uintptr_t base, uint8_t c) {
  while (!(HB_USART2_ISR(base) & (1u << 7))) {
  }
  HB_USART2_TDR(base) = c;
}

static inline int hb_stm32v2_usart_getc(uintptr_t base) {
  uint32_t isr = HB_USART2_ISR(base);
  /* An overrun stops reception until cleared: drop the flag, keep the byte. */
  if (isr & (1u << 3)) HB_USART2_ICR(base) = 1u << 3;
  if (!(isr & (1u << 5))) return -1;
  return (int)(HB_USART2_RDR(base) & 0xFFu);
}

static inline void hb_stm32v2_usart_flush(uintptr_t base) {
  while (!(HB_USART2_ISR(base) & (1u << 6))) {
  }
}

#endif /* HB_DRIVERS_STM32_USART_V2_H */
