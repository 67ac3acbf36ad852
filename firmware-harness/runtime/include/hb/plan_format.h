/* hb/plan_format.h: the compiled-plan wire format, version 1.
 *
 * A plan is what the host compiler (compiler/) produces from a .tflite model
 * and what the runtime executes. It is read in place (from flash on a board):
 * weights and other constants are never copied to RAM; only activations and
 * scratch live in the caller's arena. The full description, with rationale,
 * is schemas/plan-format.md; this header is the single source of the
 * constants and the record layouts. Keep the two in step.
 *
 * Conventions: little-endian; every record uses fixed-width fields with
 * natural alignment and no pointers, so the same bytes are valid on x86-64
 * and 32-bit Arm. All offsets are bytes. "Plan offset" = from the first byte
 * of the header; "arena offset" = from the arena base.
 *
 * Layout:
 *   hb_plan_header            (96 bytes, at offset 0)
 *   hb_tensor[n_tensors]      (at tensors_offset, 4-aligned)
 *   hb_op[n_ops]              (at ops_offset, 4-aligned)
 *   uint16 io[n_inputs + n_outputs]  tensor ids: graph inputs then outputs
 *   op params                 (each at its op's params_offset, 4-aligned)
 *   constant data             (const_offset .. const_offset+const_size,
 *                              each constant tensor HB_PLAN_CONST_ALIGN-aligned)
 */
#ifndef HB_PLAN_FORMAT_H
#define HB_PLAN_FORMAT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HB_PLAN_MAGIC 0x4C504248u /* bytes "HBPL" */
#define HB_PLAN_VERSION_MAJOR 1u  /* incompatible layout changes */
#define HB_PLAN_VERSION_MINOR 0u  /* compatible additions */
#define HB_PLAN_CRC_OFFSET 12u    /* where the crc32 field sits; see hb_plan_crc() */
#define HB_PLAN_CONST_ALIGN 16u   /* alignment of every constant tensor */
#define HB_ARENA_ALIGN 16u        /* alignment of every arena tensor and the arena base */
#define HB_MAX_DIMS 4u            /* tensors have at most 4 dimensions */
#define HB_OP_MAX_TENSORS 8u      /* tensor slots per op record */
#define HB_NO_TENSOR 0xFFFFu      /* an unused or optional-and-absent slot */

/* Header flags. */
#define HB_PLAN_FLAG_SINGLE_ROUNDING           \
  0x1u /* TFLITE_SINGLE_ROUNDING=1 arithmetic; \
          clear = TFLM's default double rounding */
#define HB_PLAN_FLAG_INPUTS_PRESERVED         \
  0x2u /* no op overwrites a graph input: one \
          input upload serves many invokes */

/* Header: magic (4), version major (2), minor (2), total_size (4), crc32 (4),
 * then the fields below. 96 bytes in all. */
typedef struct {
  uint32_t magic;           /* HB_PLAN_MAGIC */
  uint16_t version_major;   /* HB_PLAN_VERSION_MAJOR */
  uint16_t version_minor;   /* HB_PLAN_VERSION_MINOR */
  uint32_t total_size;      /* bytes, whole plan including this header */
  uint32_t crc32;           /* CRC-32/IEEE (zlib) of bytes [0, total_size) with this field as 0 */
  uint32_t flags;           /* HB_PLAN_FLAG_* */
  uint32_t arena_size;      /* bytes of RAM arena needed: activations + scratch */
  uint32_t n_tensors;       /* entries in the tensor table */
  uint32_t n_ops;           /* entries in the op list, in execution order */
  uint32_t n_inputs;        /* graph inputs */
  uint32_t n_outputs;       /* graph outputs */
  uint32_t tensors_offset;  /* plan offset of hb_tensor[n_tensors] */
  uint32_t ops_offset;      /* plan offset of hb_op[n_ops] */
  uint32_t io_offset;       /* plan offset of uint16 io[n_inputs + n_outputs] */
  uint32_t const_offset;    /* plan offset of the constant region */
  uint32_t const_size;      /* bytes in the constant region */
  uint8_t model_sha256[32]; /* sha256 of the source .tflite: identifies the model */
  uint32_t reserved;        /* zero */
} hb_plan_header;

/* Element types. Values are part of the format. */
typedef enum {
  HB_DT_INT8 = 1,
  HB_DT_INT16 = 2,
  HB_DT_INT32 = 3,
  HB_DT_INT64 = 4,
  HB_DT_FLOAT32 = 5 /* only at graph edges: QUANTIZE input, DEQUANTIZE output */
} hb_dtype;

/* Where a tensor's bytes live. */
typedef enum {
  HB_STORAGE_ARENA = 1, /* offset is an arena offset (activations, graph I/O) */
  HB_STORAGE_CONST = 2  /* offset is a plan offset inside the constant region */
} hb_storage;

/* Tensor record, 40 bytes. Shape is row-major (NHWC for 4-D); dims beyond
 * ndim are 1. bytes == product(dims) * element size, checked by the loader. */
typedef struct {
  uint8_t dtype;    /* hb_dtype */
  uint8_t ndim;     /* 0..HB_MAX_DIMS (0 = scalar) */
  uint8_t storage;  /* hb_storage */
  uint8_t reserved; /* zero */
  int32_t dims[HB_MAX_DIMS];
  uint32_t offset;    /* arena or plan offset, per storage */
  uint32_t bytes;     /* size of the data */
  float scale;        /* quantization scale (informational: I/O description) */
  int32_t zero_point; /* quantization zero point (informational) */
  uint32_t reserved2; /* zero */
} hb_tensor;

/* Operator codes. Values are part of the format. */
typedef enum {
  HB_OP_CONV_2D = 1,
  HB_OP_DEPTHWISE_CONV_2D = 2,
  HB_OP_FULLY_CONNECTED = 3,
  HB_OP_TRANSPOSE_CONV = 4,
  HB_OP_AVERAGE_POOL_2D = 5,
  HB_OP_MAX_POOL_2D = 6,
  HB_OP_ADD = 7,
  HB_OP_SUB = 8,
  HB_OP_MUL = 9,
  HB_OP_MEAN = 10,
  HB_OP_RESHAPE = 11, /* also SQUEEZE: a byte copy, or nothing when aliased */
  HB_OP_PAD = 12,
  HB_OP_CONCATENATION = 13,
  HB_OP_STRIDED_SLICE = 14,
  HB_OP_SOFTMAX = 15,
  HB_OP_LOGISTIC = 16,
  HB_OP_TANH = 17,
  HB_OP_RELU = 18, /* also RELU6 and RELU_N1_TO_1: requantize + clamp */
  HB_OP_LEAKY_RELU = 19,
  HB_OP_HARD_SWISH = 20,
  HB_OP_QUANTIZE = 21,
  HB_OP_DEQUANTIZE = 22,
  HB_OP_COUNT_ = 23 /* one past the last opcode */
} hb_opcode;

/* Op record, 44 bytes. tensors[] holds the input slots then the output
 * slots; the meaning of each slot is fixed per opcode (see the op's params
 * header in hb/ops/). Constants the kernel needs beyond the model's own
 * (per-channel multipliers, shifts) are constant tensors in slots too, so
 * every byte the kernel touches is bounds-checked by the generic loader. */
typedef struct {
  uint16_t opcode;                     /* hb_opcode */
  uint8_t n_inputs;                    /* input slots used */
  uint8_t n_outputs;                   /* output slots used */
  uint32_t params_offset;              /* plan offset of the op's params struct (4-aligned) */
  uint32_t params_size;                /* bytes; must equal sizeof the opcode's params struct */
  uint32_t scratch_offset;             /* arena offset of the op's scratch buffer */
  uint32_t scratch_size;               /* bytes of scratch (0 = none) */
  uint32_t source_index;               /* operator index in the .tflite subgraph */
  uint16_t tensors[HB_OP_MAX_TENSORS]; /* tensor ids; HB_NO_TENSOR = absent */
  uint32_t macs;                       /* multiply-accumulates of one evaluation (informational) */
} hb_op;

#ifdef __cplusplus
}
#endif
#endif /* HB_PLAN_FORMAT_H */
