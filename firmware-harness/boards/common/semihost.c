/* semihost.c: semihosting exit, the reset request and the exit policy. */
#include "cortexm.h"
#include "hb_board.h"

#define HB_SYS_EXIT_EXTENDED 0x20u
#define HB_ADP_STOPPED_APPLICATION_EXIT 0x20026u

void hb_semihost_exit(int status) {
  /* SYS_EXIT_EXTENDED takes {reason, status} so the status reaches the host;
   * plain SYS_EXIT on 32-bit Arm carries only the reason. */
  volatile uint32_t block[2] = {HB_ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  register uint32_t r0 __asm__("r0") = HB_SYS_EXIT_EXTENDED;
  register volatile uint32_t *r1 __asm__("r1") = block;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  for (;;) {
  }
}

void hb_board_reset(void) {
  hb_dsb_isb();
  HB_SCB_AIRCR = (0x05FAu << 16) | (1u << 2);
  hb_dsb_isb();
  for (;;) {
  }
}

void hb_board_exit(int status) {
  hb_board_uart_flush();
#if defined(HB_BOARD_EMULATED)
  hb_semihost_exit(status);
#else
  (void)status;
  for (;;) __asm__ volatile("wfi");
#endif
}
