/* main.c: the harness firmware's boot and main loop, the same for every board.
 *
 * Boot: paint the stack (hb-mem's high-water mark), bring the board up (UART,
 * timer: DWT cycle counter where it runs, else SysTick), look for a plan in
 * the model partition and validate it (a missing or corrupt plan is reported
 * by hb-info and never run), then print the protocol's boot banner.
 * Loop: poll the UART and feed the protocol engine; commands (inferences
 * included) run inside hb_proto_feed. A binary transfer that stalls for
 * HB_IDLE_MS is ended by hb_proto_idle. */
#include <stdint.h>

#include "harness.h"
#include "hb_board.h"

/* Quiet time after which a stalled hb-bin / hb-plan raw transfer is ended. */
#define HB_IDLE_MS 2000u

static hb_proto g_proto;
static hb_harness_ops g_ops;
static hb_proto_config g_cfg;

int main(void) {
  hb_stack_paint();
  hb_board_init();
  hb_harness_load_plan();
  hb_harness_setup(&g_ops, &g_cfg);
  hb_proto_init(&g_proto, &g_cfg, &g_ops);
  hb_proto_start(&g_proto);

  const uint64_t idle_ticks = (uint64_t)hb_timer_hz() * HB_IDLE_MS / 1000u;
  uint64_t last_rx = hb_timer_ticks();
  int idle_reported = 1;
  for (;;) {
    const int c = hb_board_getc();
    if (c >= 0) {
      const uint8_t b = (uint8_t)c;
      hb_proto_feed(&g_proto, &b, 1);
      last_rx = hb_timer_ticks();
      idle_reported = 0;
    } else if (!idle_reported && hb_timer_ticks() - last_rx > idle_ticks) {
      hb_proto_idle(&g_proto);
      idle_reported = 1;
    }
  }
}
