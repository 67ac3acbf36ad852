/* hb_board.h: the board support seam of the harness firmware.
 *
 * The harness (and the smoke firmware) is written once against this header;
 * each board folder (boards/<board>/) implements the board-specific part
 * (clocks, UART, timestamp GPIO, memory map) and boards/common/ implements
 * what every Cortex-M shares (startup, cycle/tick timer, semihosting, the few
 * libc functions). A board is chosen at build time: there is no runtime
 * dispatch and no heap.
 *
 * Usage:
 *   int main(void) {
 *     hb_board_init();                          // clocks, UART, timer, GPIO
 *     hb_board_puts("hello\r\n");
 *     uint64_t t0 = hb_timer_ticks();
 *     work();
 *     uint64_t dt = hb_timer_ticks() - t0;      // in 1/hb_timer_hz() seconds
 *     hb_board_exit(0);                         // emulators: qemu exits 0
 *   }
 *
 * Threading: none. Everything runs in thread mode; the only interrupt in use
 * is SysTick (overflow counting when SysTick is the timer source).
 */
#ifndef HB_BOARD_H
#define HB_BOARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- identity ------------------------------------------------------------ */

/* Static facts about the board, matching device-profiles/<id>.json. */
typedef struct {
  const char *id;     /* profile id, e.g. "mps2-an386" */
  const char *core;   /* e.g. "cortex-m4" */
  uint32_t cpu_hz;    /* core clock after hb_board_init (Hz) */
  uint32_t uart_baud; /* console UART baud rate (emulators ignore it) */
  uint8_t emulated;   /* 1 when the board only exists under QEMU */
} hb_board_info_t;

const hb_board_info_t *hb_board_info(void);

/* Brings up clocks, the console UART, the timer (hb_timer_init) and the
 * timestamp GPIO (idle high). Call once, first thing in main. */
void hb_board_init(void);

/* ---- console UART --------------------------------------------------------- */

/* Blocking transmit of one byte. */
void hb_board_putc(uint8_t c);

/* Non-blocking receive: the next byte (0..255) or -1 when none is waiting. */
int hb_board_getc(void);

/* Blocks until every byte handed to hb_board_putc has left the UART, so that a
 * reset or semihosting exit does not cut the last line. */
void hb_board_uart_flush(void);

/* Convenience, implemented in common/: a NUL-terminated string, a buffer, and
 * unsigned decimal/hex numbers (no printf, no libc). */
void hb_board_puts(const char *s);
void hb_board_write(const void *buf, size_t len);
void hb_board_put_u64(uint64_t v);
void hb_board_put_hex32(uint32_t v); /* 8 lower-case digits, no prefix */

/* ---- timer ----------------------------------------------------------------- */

typedef enum {
  HB_TIMER_NONE = 0,
  HB_TIMER_DWT_CYCCNT = 1, /* core cycle counter: exact cycles at cpu_hz */
  HB_TIMER_SYSTICK = 2,    /* 24-bit SysTick on the core clock, overflows counted */
} hb_timer_source_t;

/* Picks the timer at boot: the DWT cycle counter when the core has one
 * (M3/M4/M7/M33/M55) AND it is seen to advance (QEMU does not model the DWT:
 * it reads 0), otherwise SysTick (LOAD = 2^24 - 1, CLKSOURCE = core clock,
 * one interrupt per wrap). Called by hb_board_init; idempotent. */
void hb_timer_init(void);
hb_timer_source_t hb_timer_source(void);
const char *hb_timer_source_name(void); /* "DWT_CYCCNT", "SYSTICK" */

/* Monotonic 64-bit tick count since hb_timer_init. Ticks are core clock
 * cycles for DWT_CYCCNT and SysTick counts for SYSTICK; both run at
 * hb_timer_hz(). Under QEMU with -icount shift=N a tick count is an
 * instruction count scaled by 2^N ns x hb_timer_hz(), not a cycle count.
 * The DWT_CYCCNT source widens the 32-bit counter in software: call this at
 * least once per 2^32 cycles (67 s at 64 MHz). Cost: a few dozen cycles. */
uint64_t hb_timer_ticks(void);
uint32_t hb_timer_hz(void);

/* ---- timestamp GPIO (energy mode) ----------------------------------------- */

/* Drives the timestamp line low for at least 1 us, then high again (the
 * MLPerf Tiny energy-mode falling edge). A no-op on emulated boards and on
 * boards whose profile has no timestamp pin. */
void hb_board_timestamp_pulse(void);

/* ---- reset / exit ----------------------------------------------------------- */

/* System reset (SCB AIRCR.SYSRESETREQ). Does not return. */
void hb_board_reset(void) __attribute__((noreturn));

/* Ends the program with `status`. Emulated boards: semihosting
 * SYS_EXIT_EXTENDED, so qemu (-semihosting-config enable=on) exits with
 * `status`. Real boards: flushes the UART and sleeps forever (a semihosting
 * BKPT without a debugger would lock the core up). Does not return. */
void hb_board_exit(int status) __attribute__((noreturn));

/* Semihosting SYS_EXIT_EXTENDED itself; only meaningful under a debugger or
 * an emulator with semihosting enabled. */
void hb_semihost_exit(int status) __attribute__((noreturn));

/* ---- instruction-count markers -------------------------------------------- */

/* Empty, never-inlined functions whose addresses the QEMU instruction-count
 * plugin (qemu-plugin/hb_icount.c) watches: it counts the guest instructions
 * executed from the first instruction of hb_mark_begin to the first
 * instruction of hb_mark_end. Get the addresses with
 *   arm-none-eabi-nm smoke.elf | grep hb_mark_
 * The `region` argument is just passed in r0 (the plugin numbers regions in
 * call order). Calls cost a few instructions on real boards. */
void hb_mark_begin(uint32_t region);
void hb_mark_end(uint32_t region);

/* ---- memory map -------------------------------------------------------------- */

/* Address ranges [start, start + size) in bytes, from the board's linker
 * script (boards/<board>/memory.ld). */
typedef struct {
  uintptr_t start;
  uint32_t size;
} hb_region_t;

typedef struct {
  hb_region_t flash;    /* whole code memory (vector table at its start) */
  hb_region_t ram;      /* whole data RAM */
  hb_region_t image;    /* bytes of flash used by this firmware (text+rodata+data init) */
  hb_region_t stack;    /* main stack: grows down from stack.start + stack.size */
  hb_region_t free_ram; /* RAM between end of .bss and the stack: arena candidates */
  hb_region_t model;    /* model partition (plan bytes), not overlapping the image */
} hb_memory_map_t;

void hb_board_memory_map(hb_memory_map_t *map);

/* Stack painting: fills the unused part of the stack (from its bottom up to
 * 64 bytes below the current SP) with a pattern; hb_stack_used later returns
 * the deepest stack use seen since the paint, in bytes. */
void hb_stack_paint(void);
uint32_t hb_stack_used(void);

#ifdef __cplusplus
}
#endif

#endif /* HB_BOARD_H */
