/* memory.c: the memory map from linker-script symbols, and stack painting. */
#include "hb_board.h"

/* Defined by common/sections.ld (and the board's memory.ld). Only their
 * addresses are meaningful. */
extern uint8_t __hb_flash_start[], __hb_flash_end[], __hb_ram_start[], __hb_ram_end[];
extern uint8_t __hb_image_end[], __hb_bss_end[], __hb_stack_bottom[], __hb_stack_top[];
extern uint8_t __hb_model_start[], __hb_model_end[];

#define HB_STACK_PAINT 0xC5u
#define HB_STACK_MARGIN 64u /* bytes left below SP unpainted: the painter's own frame */

static hb_region_t span(const uint8_t *start, const uint8_t *end) {
  hb_region_t r = {(uintptr_t)start, (uint32_t)(end - start)};
  return r;
}

void hb_board_memory_map(hb_memory_map_t *map) {
  map->flash = span(__hb_flash_start, __hb_flash_end);
  map->ram = span(__hb_ram_start, __hb_ram_end);
  map->image = span(__hb_flash_start, __hb_image_end);
  map->stack = span(__hb_stack_bottom, __hb_stack_top);
  map->free_ram = span(__hb_bss_end, __hb_stack_bottom);
  map->model = span(__hb_model_start, __hb_model_end);
}

static uint8_t *current_sp(void) {
  uint8_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}

void hb_stack_paint(void) {
  volatile uint8_t *p = __hb_stack_bottom;
  uint8_t *limit = current_sp() - HB_STACK_MARGIN;
  while (p < limit) *p++ = HB_STACK_PAINT;
}

uint32_t hb_stack_used(void) {
  const volatile uint8_t *p = __hb_stack_bottom;
  while (p < __hb_stack_top && *p == HB_STACK_PAINT) p++;
  return (uint32_t)(__hb_stack_top - (const uint8_t *)p);
}
