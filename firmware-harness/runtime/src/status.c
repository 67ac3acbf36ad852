/* status.c: names of hb_status codes, for logs and the serial protocol. */
#include "hb/status.h"

const char *hb_status_name(hb_status st) {
  switch (st) {
    case HB_OK:
      return "HB_OK";
    case HB_ERR_BAD_ARG:
      return "HB_ERR_BAD_ARG";
    case HB_ERR_BAD_MAGIC:
      return "HB_ERR_BAD_MAGIC";
    case HB_ERR_BAD_VERSION:
      return "HB_ERR_BAD_VERSION";
    case HB_ERR_BAD_SIZE:
      return "HB_ERR_BAD_SIZE";
    case HB_ERR_BAD_CRC:
      return "HB_ERR_BAD_CRC";
    case HB_ERR_BAD_OFFSET:
      return "HB_ERR_BAD_OFFSET";
    case HB_ERR_BAD_TENSOR:
      return "HB_ERR_BAD_TENSOR";
    case HB_ERR_BAD_OP:
      return "HB_ERR_BAD_OP";
    case HB_ERR_UNSUPPORTED_OP:
      return "HB_ERR_UNSUPPORTED_OP";
    case HB_ERR_ARENA_TOO_SMALL:
      return "HB_ERR_ARENA_TOO_SMALL";
    case HB_ERR_BAD_PARAMS:
      return "HB_ERR_BAD_PARAMS";
    case HB_ERR_BAD_ALIGNMENT:
      return "HB_ERR_BAD_ALIGNMENT";
  }
  return "HB_ERR_UNKNOWN";
}
