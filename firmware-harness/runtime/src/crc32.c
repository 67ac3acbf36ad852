/* crc32.c: CRC-32/IEEE (reflected polynomial 0xEDB88320, zlib's crc32()).
 * Bitwise with a 16-entry table: small in flash, fast enough to check a
 * plan at boot (a 300 KB plan takes a few ms on a Cortex-M4). */
#include <stddef.h>
#include <stdint.h>

#include "hb/runtime.h"

static const uint32_t kNibble[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                     0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                     0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                     0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};

uint32_t hb_crc32(uint32_t crc, const void *data, size_t len) {
  const uint8_t *p = (const uint8_t *)data;
  crc = ~crc;
  while (len--) {
    crc ^= *p++;
    crc = (crc >> 4) ^ kNibble[crc & 15u];
    crc = (crc >> 4) ^ kNibble[crc & 15u];
  }
  return ~crc;
}

uint32_t hb_plan_crc(const void *plan, uint32_t total_size) {
  static const uint8_t kZero[4] = {0, 0, 0, 0};
  const uint8_t *p = (const uint8_t *)plan;
  uint32_t crc = hb_crc32(0, p, HB_PLAN_CRC_OFFSET);
  crc = hb_crc32(crc, kZero, 4);
  return hb_crc32(crc, p + HB_PLAN_CRC_OFFSET + 4, total_size - HB_PLAN_CRC_OFFSET - 4);
}
