/* timer.c: the 64-bit tick counter (hb_board.h "timer"), DWT cycle counter or
 * SysTick with overflow counting, chosen once at boot. */
#include "cortexm.h"
#include "hb_board.h"

#define HB_SYSTICK_LOAD 0xFFFFFFu /* 2^24 ticks a period */

static hb_timer_source_t s_source;
static volatile uint32_t s_systick_wraps; /* SysTick periods completed */
static uint32_t s_dwt_hi, s_dwt_last;     /* software upper half of CYCCNT */

void SysTick_Handler(void) { s_systick_wraps++; }

#if defined(HB_CORE_HAS_DWT)
/* Enables CYCCNT and reports whether it moves. QEMU 7.2 has no DWT model:
 * privileged reads of its registers return 0, so it is rejected there. */
static int dwt_start(void) {
  HB_DEMCR |= HB_DEMCR_TRCENA;
  HB_DWT_LAR = 0xC5ACCE55u;               /* Cortex-M7 ignores DWT writes until unlocked */
  if (HB_DWT_CTRL & (1u << 25)) return 0; /* NOCYCCNT: no cycle counter */
  HB_DWT_CYCCNT = 0;
  HB_DWT_CTRL |= 1u;
  hb_spin(16);
  return HB_DWT_CYCCNT != 0;
}
#endif

void hb_timer_init(void) {
  if (s_source != HB_TIMER_NONE) return;
#if defined(HB_CORE_HAS_DWT)
  if (dwt_start()) {
    s_dwt_hi = 0;
    s_dwt_last = HB_DWT_CYCCNT;
    s_source = HB_TIMER_DWT_CYCCNT;
    return;
  }
#endif
  HB_SYST_CSR = 0;
  HB_SYST_RVR = HB_SYSTICK_LOAD;
  HB_SYST_CVR = 0; /* any write clears the counter; the reload follows */
  s_systick_wraps = 0;
  HB_SYST_CSR = 7u; /* CLKSOURCE = core clock, TICKINT, ENABLE */
  /* QEMU may reload late after the VAL write: start counting once it has. */
  while (HB_SYST_CVR == 0) {
  }
  s_source = HB_TIMER_SYSTICK;
}

hb_timer_source_t hb_timer_source(void) { return s_source; }

const char *hb_timer_source_name(void) {
  switch (s_source) {
    case HB_TIMER_DWT_CYCCNT:
      return "DWT_CYCCNT";
    case HB_TIMER_SYSTICK:
      return "SYSTICK";
    default:
      return "NONE";
  }
}

uint32_t hb_timer_hz(void) { return hb_board_info()->cpu_hz; }

uint64_t hb_timer_ticks(void) {
  if (s_source == HB_TIMER_DWT_CYCCNT) {
    uint32_t now = HB_DWT_CYCCNT;
    if (now < s_dwt_last) s_dwt_hi++;
    s_dwt_last = now;
    return ((uint64_t)s_dwt_hi << 32) | now;
  }
  if (s_source != HB_TIMER_SYSTICK) return 0;
  /* With interrupts masked, a wrap that happened after the last SysTick
   * interrupt shows as PENDSTSET; count it here and re-read the counter so the
   * value is certainly from after the wrap. */
  uint32_t primask = hb_irq_save();
  uint32_t wraps = s_systick_wraps;
  uint32_t value = HB_SYST_CVR;
  if (HB_SCB_ICSR & HB_ICSR_PENDSTSET) {
    wraps++;
    value = HB_SYST_CVR;
  }
  hb_irq_restore(primask);
  return ((uint64_t)wraps << 24) + (HB_SYSTICK_LOAD - value);
}
