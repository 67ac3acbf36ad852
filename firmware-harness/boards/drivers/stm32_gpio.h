/* stm32_gpio.h: STM32 GPIO port (identical layout on F4, L4/L4+, H7).
 * Registers: RM0432 8.5 / RM0433 11.4: MODER 0x00 (2 bits a pin: 01 output,
 * 10 alternate function), OSPEEDR 0x08, BSRR 0x18 (set bits 15:0, reset bits
 * 31:16), AFRL 0x20 / AFRH 0x24 (4 bits a pin). */
#ifndef HB_DRIVERS_STM32_GPIO_H
#define HB_DRIVERS_STM32_GPIO_H

#include "cortexm.h"

static inline void hb_stm32_gpio_mode(uintptr_t port, uint32_t pin, uint32_t mode) {
  uint32_t moder = HB_REG32(port + 0x00u) & ~(3u << (2u * pin));
  HB_REG32(port + 0x00u) = moder | (mode << (2u * pin));
}

static inline void hb_stm32_gpio_af(uintptr_t port, uint32_t pin, uint32_t af) {
  uintptr_t afr = port + (pin < 8u ? 0x20u : 0x24u);
  uint32_t shift = 4u * (pin & 7u);
  HB_REG32(afr) = (HB_REG32(afr) & ~(0xFu << shift)) | (af << shift);
  HB_REG32(port + 0x08u) |= 2u << (2u * pin); /* high speed */
  hb_stm32_gpio_mode(port, pin, 2u);
}

static inline void hb_stm32_gpio_write(uintptr_t port, uint32_t pin, int high) {
  HB_REG32(port + 0x18u) = high ? (1u << pin) : (1u << (pin + 16u));
}

#endif /* HB_DRIVERS_STM32_GPIO_H */
