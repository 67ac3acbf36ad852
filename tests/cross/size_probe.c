/* size_probe.c: the smallest program that keeps the runtime alive (load a
 * plan, run it), linked with --gc-sections by scripts/bench-codesize.sh so
 * the ELF's .text is what a firmware really pays for the runtime and the
 * operators it selects (plus memcpy/memset and libgcc helpers). */
#include "hb/runtime.h"

extern const unsigned char hb_probe_plan[]; /* an address given to the linker */
static unsigned char arena[1024] __attribute__((aligned(16)));

void hb_probe_entry(void) {
  hb_plan plan;
  if (hb_plan_init(&plan, hb_probe_plan, 4096, sizeof arena) == HB_OK) hb_invoke(&plan, arena, 0);
}
