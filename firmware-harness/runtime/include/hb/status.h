/* hb/status.h: the runtime's one error type.
 *
 * Every runtime entry point that can fail returns hb_status. HB_OK is zero so
 * `if (st) return st;` propagates errors. Codes are stable: the harness
 * firmware reports them over serial by number and name.
 */
#ifndef HB_STATUS_H
#define HB_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  HB_OK = 0,
  HB_ERR_BAD_ARG = 1,          /* NULL pointer or impossible argument */
  HB_ERR_BAD_MAGIC = 2,        /* not a hilbench plan */
  HB_ERR_BAD_VERSION = 3,      /* plan format version this runtime cannot read */
  HB_ERR_BAD_SIZE = 4,         /* header size field disagrees with the buffer */
  HB_ERR_BAD_CRC = 5,          /* CRC-32 mismatch: the plan is corrupt */
  HB_ERR_BAD_OFFSET = 6,       /* an offset/length points outside the plan or arena */
  HB_ERR_BAD_TENSOR = 7,       /* a tensor record is inconsistent (dims, bytes, dtype) */
  HB_ERR_BAD_OP = 8,           /* an op record is inconsistent (tensor slots, params) */
  HB_ERR_UNSUPPORTED_OP = 9,   /* opcode unknown to this runtime build */
  HB_ERR_ARENA_TOO_SMALL = 10, /* the plan needs more RAM arena than provided */
  HB_ERR_BAD_PARAMS = 11,      /* op params fail validation */
  HB_ERR_BAD_ALIGNMENT = 12    /* plan or arena base not aligned as required */
} hb_status;

/* Short constant name of a status, e.g. "HB_ERR_BAD_CRC". Never NULL. */
const char *hb_status_name(hb_status st);

#ifdef __cplusplus
}
#endif
#endif /* HB_STATUS_H */
