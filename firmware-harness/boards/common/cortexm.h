/* cortexm.h: the few Cortex-M core registers the board layer touches.
 *
 * Addresses are architectural (Armv6-M / Armv7-M / Armv8-M ARM, "System
 * Control Space"), the same on every core we support. Private to boards/. */
#ifndef HB_BOARDS_CORTEXM_H
#define HB_BOARDS_CORTEXM_H

#include <stdint.h>

#define HB_REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* SysTick (B3.3 Armv7-M ARM). */
#define HB_SYST_CSR HB_REG32(0xE000E010u) /* ENABLE bit 0, TICKINT 1, CLKSOURCE 2 */
#define HB_SYST_RVR HB_REG32(0xE000E014u) /* reload value, 24 bits */
#define HB_SYST_CVR HB_REG32(0xE000E018u) /* current value, counts down */

/* System control block. */
#define HB_SCB_ICSR HB_REG32(0xE000ED04u) /* PENDSTSET bit 26 */
#define HB_SCB_VTOR HB_REG32(0xE000ED08u)
#define HB_SCB_AIRCR HB_REG32(0xE000ED0Cu) /* VECTKEY 0x05FA << 16, SYSRESETREQ bit 2 */
#define HB_SCB_CPACR HB_REG32(0xE000ED88u) /* CP10/CP11 access (FPU, MVE) bits 23:20 */
#define HB_ICSR_PENDSTSET (1u << 26)

/* Debug/trace: DEMCR.TRCENA gates the DWT (C1.6.5, C1.8 Armv7-M ARM). */
#define HB_DEMCR HB_REG32(0xE000EDFCu)
#define HB_DEMCR_TRCENA (1u << 24)
#define HB_DWT_CTRL HB_REG32(0xE0001000u) /* CYCCNTENA bit 0, NOCYCCNT bit 25 */
#define HB_DWT_CYCCNT HB_REG32(0xE0001004u)
#define HB_DWT_LAR HB_REG32(0xE0001FB0u) /* CoreSight lock: Cortex-M7 needs the key */

static inline uint32_t hb_irq_save(void) {
  uint32_t primask;
  __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
  return primask;
}

static inline void hb_irq_restore(uint32_t primask) {
  __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
}

static inline void hb_dsb_isb(void) { __asm__ volatile("dsb 0xf\n\tisb 0xf" ::: "memory"); }

/* Busy-waits about `n` loop iterations (3-4 cycles each): for GPIO pulses and
 * peripheral settle times where a rough lower bound is enough. */
static inline void hb_spin(uint32_t n) {
  while (n--) __asm__ volatile("nop");
}

#endif /* HB_BOARDS_CORTEXM_H */
