// sha256.h: SHA-256 (FIPS 180-4) of a byte buffer, to identify the source
// model of a plan (hb_plan_header.model_sha256) and in reports.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace hbc {

std::array<uint8_t, 32> sha256(const uint8_t* data, size_t len);
// Lower-case hex of the 32-byte digest (64 characters).
std::string sha256_hex(const uint8_t* data, size_t len);

}  // namespace hbc
