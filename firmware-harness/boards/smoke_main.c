/* smoke_main.c: board bring-up check, the same source on every board.
 *
 * Prints (each line ends "\r\n"; run_smoke.sh compares the log byte for byte):
 *   hb-smoke board=<id> core=<core> cpu_hz=<Hz>
 *   timer=<DWT_CYCCNT|SYSTICK> timer_hz=<Hz>
 *   model=<start hex>+<bytes hex> first=<word hex> last=<word hex>
 *   loop iters=100000 insns_per_iter=4 ticks=<n>
 *   marked iters=1000 done
 *   stack_used=<bytes>
 *   hb-smoke PASS
 * then exits with status 0 (semihosting under QEMU).
 *
 * The loop is four instructions an iteration (nop, nop, subs, bne), so under
 * QEMU -icount shift=N the ticks are 400000 x 2^N ns x timer_hz plus a few
 * instructions of call overhead; on hardware they are cycles.
 * For the instruction-count plugin (qemu-plugin/), marker region 0 encloses
 * the timed loop with its two timer reads, and region 1 runs the same loop
 * 1000 times with nothing else. */
#include <stdint.h>

#include "hb_board.h"

#define LOOP_ITERS 100000u
#define MARKED_ITERS 1000u

/* gcc hands inline assembly to gas in divided syntax for Thumb-1 (Armv6-M),
 * unified otherwise: switch to unified for the loop and back afterwards. */
#if defined(__thumb__) && !defined(__thumb2__)
#define SYNTAX_RESTORE ".syntax divided\n\t"
#else
#define SYNTAX_RESTORE ""
#endif

/* Fixed instruction sequence: the compiler can neither unroll nor reorder it,
 * and it assembles the same for Armv6-M (Thumb-1) and Armv7-M/Armv8-M. */
__attribute__((noipa)) static void fixed_loop(uint32_t n) {
  __asm__ volatile(
      ".syntax unified\n\t"
      "1:\n\t"
      "nop\n\t"
      "nop\n\t"
      "subs %0, %0, #1\n\t"
      "bne 1b\n\t" SYNTAX_RESTORE
      : "+l"(n)
      :
      : "cc");
}

static void put_kv_hex(const char *key, uint32_t v) {
  hb_board_puts(key);
  hb_board_put_hex32(v);
}

int main(void) {
  hb_board_init();
  hb_stack_paint();
  const hb_board_info_t *info = hb_board_info();

  hb_board_puts("hb-smoke board=");
  hb_board_puts(info->id);
  hb_board_puts(" core=");
  hb_board_puts(info->core);
  hb_board_puts(" cpu_hz=");
  hb_board_put_u64(info->cpu_hz);
  hb_board_puts("\r\ntimer=");
  hb_board_puts(hb_timer_source_name());
  hb_board_puts(" timer_hz=");
  hb_board_put_u64(hb_timer_hz());
  hb_board_puts("\r\n");

  /* Reading both ends of the model partition proves the linker script's map
   * is backed by memory (a bad address faults: exit status 127 under QEMU). */
  hb_memory_map_t map;
  hb_board_memory_map(&map);
  const volatile uint32_t *model = (const volatile uint32_t *)map.model.start;
  put_kv_hex("model=", (uint32_t)map.model.start);
  put_kv_hex("+", map.model.size);
  put_kv_hex(" first=", model[0]);
  put_kv_hex(" last=", model[map.model.size / 4u - 1u]);
  hb_board_puts("\r\n");

  hb_mark_begin(0);
  uint64_t t0 = hb_timer_ticks();
  fixed_loop(LOOP_ITERS);
  uint64_t t1 = hb_timer_ticks();
  hb_mark_end(0);
  hb_board_puts("loop iters=");
  hb_board_put_u64(LOOP_ITERS);
  hb_board_puts(" insns_per_iter=4 ticks=");
  hb_board_put_u64(t1 - t0);
  hb_board_puts("\r\n");

  hb_mark_begin(1);
  fixed_loop(MARKED_ITERS);
  hb_mark_end(1);
  hb_board_puts("marked iters=");
  hb_board_put_u64(MARKED_ITERS);
  hb_board_puts(" done\r\n");

  hb_board_puts("stack_used=");
  hb_board_put_u64(hb_stack_used());
  hb_board_puts("\r\nhb-smoke PASS\r\n");
  return 0;
}
