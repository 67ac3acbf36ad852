/* boot2.c: a minimal RP2040 second-stage boot loader (the 256-byte "boot2").
 *
 * The RP2040 boot ROM copies the first 256 bytes of external flash to SRAM at
 * 0x20041F00, checks a CRC-32 over the first 252 (polynomial 0x04C11DB7, no
 * reflection, initial 0xFFFFFFFF, no final XOR, stored little-endian in bytes
 * 252..255) and jumps to the copy (RP2040 datasheet 2.8.1.3). boot2 must make
 * flash executable in place (XIP) and enter the program.
 *
 * Instead of programming the SSI for one flash part (as pico-sdk's
 * boot2_w25q080 does), this stage asks the boot ROM to set up XIP with the
 * plain 03h serial read command, which every SPI NOR flash supports
 * (datasheet 2.8.3.1.3, flash_enter_cmd_xip: "very widely supported"), the
 * same sequence the debugger uses after programming. It is slower than quad
 * XIP; the 16 KB XIP cache hides most of that for loops. The ROM functions
 * are found through the ROM lookup table (datasheet 2.8.3: a 16-bit pointer
 * to the table at 0x14, to the lookup function at 0x18).
 *
 * Then it points VTOR at the program's vector table at 0x10000100, loads the
 * stack pointer from it and branches to its reset handler.
 *
 * Built as its own tiny ELF linked at 0x20041F00 (boot2.ld); boot2_pad.py adds
 * the checksum and emits the 256 bytes as a C array in section .boot2. */
#include <stdint.h>

typedef void *(*rom_lookup_fn)(const uint16_t *table, uint32_t code);
typedef void (*rom_void_fn)(void);

#define ROM_CODE(a, b) ((uint32_t)(a) | ((uint32_t)(b) << 8))
#define IMAGE_VECTORS 0x10000100u
#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)

/* A ROM address as a pointer, laundered through asm so gcc 12 does not treat
 * a small constant address as a null-pointer offset (-Warray-bounds). */
static inline uintptr_t rom_hword(uintptr_t addr) {
  __asm__("" : "+r"(addr));
  return *(const volatile uint16_t *)addr;
}

__attribute__((section(".boot2_entry"), noreturn, used)) void hb_boot2(void) {
  rom_lookup_fn lookup = (rom_lookup_fn)rom_hword(0x18u);
  const uint16_t *table = (const uint16_t *)rom_hword(0x14u);
  ((rom_void_fn)lookup(table, ROM_CODE('I', 'F')))(); /* connect_internal_flash */
  ((rom_void_fn)lookup(table, ROM_CODE('E', 'X')))(); /* flash_exit_xip */
  ((rom_void_fn)lookup(table, ROM_CODE('F', 'C')))(); /* flash_flush_cache */
  ((rom_void_fn)lookup(table, ROM_CODE('C', 'X')))(); /* flash_enter_cmd_xip */

  const volatile uint32_t *vectors = (const volatile uint32_t *)IMAGE_VECTORS;
  SCB_VTOR = IMAGE_VECTORS;
  __asm__ volatile("msr msp, %0\n\tbx %1" ::"r"(vectors[0]), "r"(vectors[1]));
  __builtin_unreachable();
}
