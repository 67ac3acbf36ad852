/* marks.c: the instruction-count markers (hb_board.h). `noipa` keeps each a
 * separate, never-inlined, never-merged function: identical-code folding would
 * otherwise give both the same address. */
#include "hb_board.h"

__attribute__((noipa)) void hb_mark_begin(uint32_t region) {
  __asm__ volatile("" ::"r"(region) : "memory");
}

__attribute__((noipa)) void hb_mark_end(uint32_t region) {
  __asm__ volatile("" ::"r"(region) : "memory");
}
