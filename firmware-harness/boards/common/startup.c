/* startup.c: vector table and reset handler shared by every board (C, no
 * assembly file). The board's linker script (boards/<board>/memory.ld, which
 * INCLUDEs common/sections.ld) places .vectors at the start of code memory
 * (after the RP2040 boot2 stage) and defines the __hb_* symbols used here.
 *
 * Only system exceptions get real handlers; HB_BOARD_N_IRQ external interrupt
 * slots all point at the fault handler, since the harness polls its
 * peripherals. */
#include <stdint.h>

#include "cortexm.h"
#include "hb_board.h"

#ifndef HB_BOARD_N_IRQ
#define HB_BOARD_N_IRQ 32
#endif

extern uint32_t __hb_data_load[], __hb_data_start[], __hb_data_end[];
extern uint32_t __hb_bss_start[], __hb_bss_end[];
extern uint32_t __hb_stack_top[];

int main(void);

void hb_reset_handler(void) __attribute__((noreturn));
void hb_fault_handler(void) __attribute__((noreturn));
void hb_default_handler(void);

/* Weak so that timer.c (SysTick) or a board can take them over. */
void NMI_Handler(void) __attribute__((noreturn, weak, alias("hb_fault_handler")));
void HardFault_Handler(void) __attribute__((noreturn, weak, alias("hb_fault_handler")));
void MemManage_Handler(void) __attribute__((noreturn, weak, alias("hb_fault_handler")));
void BusFault_Handler(void) __attribute__((noreturn, weak, alias("hb_fault_handler")));
void UsageFault_Handler(void) __attribute__((noreturn, weak, alias("hb_fault_handler")));
void SVC_Handler(void) __attribute__((weak, alias("hb_default_handler")));
void DebugMon_Handler(void) __attribute__((weak, alias("hb_default_handler")));
void PendSV_Handler(void) __attribute__((weak, alias("hb_default_handler")));
void SysTick_Handler(void) __attribute__((weak, alias("hb_default_handler")));

/* Entry 0 is the initial main stack pointer, then the exception handlers
 * (Armv7-M ARM B1.5.3). Words rather than function pointers so that the stack
 * address needs no object-to-function pointer cast. */
__attribute__((section(".vectors"), used)) const uintptr_t hb_vectors[16 + HB_BOARD_N_IRQ] = {
    [0] = (uintptr_t)__hb_stack_top,
    [1] = (uintptr_t)hb_reset_handler,
    [2] = (uintptr_t)NMI_Handler,
    [3] = (uintptr_t)HardFault_Handler,
    [4] = (uintptr_t)MemManage_Handler,
    [5] = (uintptr_t)BusFault_Handler,
    [6] = (uintptr_t)UsageFault_Handler,
    [11] = (uintptr_t)SVC_Handler,
    [12] = (uintptr_t)DebugMon_Handler,
    [14] = (uintptr_t)PendSV_Handler,
    [15] = (uintptr_t)SysTick_Handler,
#if HB_BOARD_N_IRQ > 0
    [16 ...(15 + HB_BOARD_N_IRQ)] = (uintptr_t)hb_fault_handler,
#endif
};

void hb_reset_handler(void) {
  /* The vector table may not be where the core looked first (RP2040 boot2
   * jumps here from flash at 0x10000100; STM32 boots through an alias). */
  HB_SCB_VTOR = (uint32_t)(uintptr_t)hb_vectors;
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  /* Full access to CP10/CP11 (FPU and, on M55, MVE) before any code that the
   * compiler may have given floating-point or vector instructions. */
  HB_SCB_CPACR |= 0xFu << 20;
  hb_dsb_isb();
#endif
  /* Plain word loops: this runs before .data/.bss exist, and must not call
   * memcpy/memset, which the compiler could otherwise substitute. */
  const uint32_t *src = __hb_data_load;
  for (uint32_t *dst = __hb_data_start; dst < __hb_data_end;) *dst++ = *src++;
  for (uint32_t *dst = __hb_bss_start; dst < __hb_bss_end;) *dst++ = 0u;
  int status = main();
  hb_board_exit(status);
}

void hb_fault_handler(void) {
  /* Under QEMU this ends the run with a distinctive status instead of
   * hanging until the test's timeout; on a real board it sleeps. */
  hb_board_exit(127);
}

void hb_default_handler(void) {}
