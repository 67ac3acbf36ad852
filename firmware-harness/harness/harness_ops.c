/* harness_ops.c: the hb_harness_ops callbacks of the harness firmware, for
 * any board (hb_board.h), and the plan held in the model partition.
 * Design notes are in harness.h. */
#include <string.h>

#include "harness.h"
#include "hb_board.h"

/* Per-board sizes, from firmware-harness/CMakeLists.txt (hb_add_harness). */
#ifndef HB_HARNESS_ARENA_BYTES
#error "HB_HARNESS_ARENA_BYTES (device-profiles/<board>.json arena_bytes) is not defined"
#endif
#ifndef HB_HARNESS_INPUT_BYTES
#define HB_HARNESS_INPUT_BYTES 4096u
#endif
#ifndef HB_HARNESS_LAT_SAMPLES
#define HB_HARNESS_LAT_SAMPLES 256u
#endif
#ifndef HB_HARNESS_MAX_LAYERS
#define HB_HARNESS_MAX_LAYERS 128u
#endif
#ifndef HB_HARNESS_PLAN_UPLOAD
#define HB_HARNESS_PLAN_UPLOAD 0
#endif
#ifndef HB_HARNESS_HAS_TIMESTAMP_GPIO
#define HB_HARNESS_HAS_TIMESTAMP_GPIO 0
#endif

_Static_assert(HB_HARNESS_ARENA_BYTES % HB_ARENA_ALIGN == 0, "arena size must be 16-aligned");

/* The plan's activations and scratch. */
static uint8_t g_arena[HB_HARNESS_ARENA_BYTES] __attribute__((aligned(HB_ARENA_ALIGN)));
/* The host's input bytes (`db`, `hb-bin`), apart from the arena. */
static uint8_t g_db[HB_HARNESS_INPUT_BYTES] __attribute__((aligned(4)));
/* Per-inference latency samples for hb-lat's median. */
static uint32_t g_lat[HB_HARNESS_LAT_SAMPLES];
/* Ticks per op of the last profiled inference. */
static uint32_t g_layer_ticks[HB_HARNESS_MAX_LAYERS];

/* Where the `infer` command is, as seen through the callbacks the protocol
 * calls (load_input, infer, then a timestamp before and after the N timed
 * inferences): used to put the instruction-count markers around exactly the
 * timed inferences without touching the protocol engine. */
typedef enum {
  MARK_IDLE = 0,    /* no infer command in progress */
  MARK_WARMUP = 1,  /* load_input done: warmup inferences, not marked */
  MARK_PENDING = 2, /* first timestamp seen: the next infer opens the region */
  MARK_OPEN = 3     /* hb_mark_begin called: the next timestamp closes it */
} mark_state;

static struct {
  hb_plan plan;
  uint8_t loaded; /* plan validated and runnable */
  uint8_t mark;   /* mark_state */
  uint8_t reserved[2];
  hb_status status;         /* last load attempt */
  const char *model;        /* MLPerf tag or NULL */
  uint32_t input_bytes;     /* sum of the graph inputs' bytes */
  const uint8_t *input_src; /* db bytes given to load_input, re-copied per inference */
  uint32_t n_layers;        /* records of the last profiled inference */
  uint32_t op_t0;           /* tick count at the current op's begin hook */
} g;

static uint32_t ticks32(void) { return (uint32_t)hb_timer_ticks(); }

/* ---- plan ------------------------------------------------------------------ */

static hb_status validate_io(const hb_plan *plan, uint32_t *input_bytes) {
  uint64_t total = 0;
  for (uint32_t i = 0; i < plan->header->n_inputs; ++i) {
    const hb_tensor *t = &plan->tensors[hb_plan_input(plan, i)];
    /* The harness writes inputs: they must be arena tensors, never constants
     * in the (possibly flash) partition. */
    if (t->storage != HB_STORAGE_ARENA) return HB_ERR_BAD_TENSOR;
    total += t->bytes;
  }
  if (plan->header->n_inputs == 0u || plan->header->n_outputs == 0u) return HB_ERR_BAD_TENSOR;
  if (total > 0xFFFFFFFFu) return HB_ERR_BAD_SIZE;
  *input_bytes = (uint32_t)total;
  return HB_OK;
}

/* Validates the partition's bytes as a plan; on success makes it current. */
static hb_status load_from_partition(void) {
  hb_memory_map_t map;
  hb_board_memory_map(&map);
  g.loaded = 0;
  g.model = 0;
  g.input_src = 0;
  g.n_layers = 0;
  hb_plan plan;
  hb_status st =
      hb_plan_init(&plan, (const void *)map.model.start, map.model.size, (uint32_t)sizeof(g_arena));
  uint32_t input_bytes = 0;
  if (st == HB_OK) st = validate_io(&plan, &input_bytes);
  g.status = st;
  if (st != HB_OK) return st;
  g.plan = plan;
  g.input_bytes = input_bytes;
  g.model = hb_harness_model_tag(&g.plan);
  g.loaded = 1;
  return HB_OK;
}

void hb_harness_load_plan(void) {
  hb_memory_map_t map;
  hb_board_memory_map(&map);
  /* An erased (0xFF flash) or zeroed (QEMU RAM) partition holds no plan:
   * report "none" rather than a corruption. Anything else must validate. */
  const uint32_t magic = *(const volatile uint32_t *)map.model.start;
  if (magic == 0u || magic == 0xFFFFFFFFu) {
    g.loaded = 0;
    g.status = HB_OK;
    return;
  }
  (void)load_from_partition();
}

/* ---- callbacks ----------------------------------------------------------------- */

static void cb_write(void *user, const char *buf, uint32_t len) {
  (void)user;
  hb_board_write(buf, len);
}

/* Timestamps mark the timed window of `infer` (see mark_state). */
static void timestamp_event(void) {
  if (g.mark == MARK_WARMUP) {
    g.mark = MARK_PENDING;
  } else if (g.mark == MARK_OPEN) {
    hb_mark_end(HB_MARK_INFER);
    g.mark = MARK_IDLE;
  }
}

/* Microseconds per tick as a 0.32 fixed-point fraction (timer_hz > 1 MHz on
 * every board), set by hb_harness_setup. */
static uint32_t g_us_per_tick_q32;

/* Ticks to microseconds with a reciprocal multiply, not a 64-bit division:
 * libgcc's division takes a number of instructions that depends on its
 * operands, i.e. on when the command arrived, and would shift the timer phase
 * of the timed window from run to run under QEMU -icount. Error: at most
 * ticks / 2^33 us (about 10 us after an hour at 25 MHz); the value wraps at
 * 2^32 us as the protocol allows. */
static uint32_t ticks_to_us(uint64_t t) {
  const uint64_t hi = (t >> 32) * g_us_per_tick_q32;
  const uint64_t lo = ((uint64_t)(uint32_t)t * g_us_per_tick_q32) >> 32;
  return (uint32_t)(hi + lo);
}

static uint32_t cb_now_us(void *user) {
  (void)user;
  timestamp_event(); /* first: the end marker must not count the conversion */
  return ticks_to_us(hb_timer_ticks());
}

static uint32_t cb_ticks(void *user) {
  (void)user;
  return ticks32();
}

#if HB_HARNESS_HAS_TIMESTAMP_GPIO
static void cb_timestamp_pulse(void *user) {
  (void)user;
  hb_board_timestamp_pulse();
  timestamp_event();
}
#endif

static void cb_plan_info(void *user, hb_plan_info *out) {
  (void)user;
  memset(out, 0, sizeof(*out));
  out->loaded = g.loaded;
  out->status = g.status;
  if (!g.loaded) return;
  const hb_plan_header *h = g.plan.header;
  out->sha256 = h->model_sha256;
  out->model = g.model;
  out->plan_bytes = g.plan.size;
  out->arena_bytes = h->arena_size;
  out->n_ops = h->n_ops;
  out->n_outputs = h->n_outputs;
  out->input_bytes = g.input_bytes;
}

/* Copies the db bytes into the graph inputs, concatenated in input order (the
 * layout of the golden <case>.input.bin files). No conversion: the host sends the
 * input tensor's own bytes (int8 features / int8 pixels). */
static void copy_inputs(void) {
  const uint8_t *src = g.input_src;
  for (uint32_t i = 0; i < g.plan.header->n_inputs; ++i) {
    const uint16_t id = hb_plan_input(&g.plan, i);
    const uint32_t n = g.plan.tensors[id].bytes;
    memcpy(hb_tensor_data(&g.plan, g_arena, id), src, n);
    src += n;
  }
}

/* Emulators only: sleeps until the next SysTick wrap interrupt.
 *
 * Under QEMU -icount the guest's instruction stream is deterministic, but a
 * command's bytes arrive at a host-dependent virtual time, so the timed window
 * would start at a random phase of SysTick: tick counts would then differ by
 * one between runs, and the wrap interrupt could land on a different
 * instruction (a few instructions more or less in the plugin's count).
 * Waking from WFI on the wrap interrupt starts everything after it at the
 * same phase, run after run, PROVIDED qemu runs with -icount ...,sleep=off
 * (the virtual clock then jumps exactly to the timer deadline; with the
 * default sleep=on it advances with host time while the CPU sleeps). Costs up
 * to one SysTick period (2^24 ticks) of virtual time, no host time. Real
 * boards skip it: there the timer phase is of no consequence. */
static void sync_to_timer(void) {
  if (!hb_board_info()->emulated || hb_timer_source() != HB_TIMER_SYSTICK) return;
  const uint64_t period = hb_timer_ticks() >> 24;
  do {
    __asm__ volatile("wfi" ::: "memory");
  } while ((hb_timer_ticks() >> 24) == period);
}

static hb_status cb_load_input(void *user, const uint8_t *data, uint32_t len) {
  (void)user;
  g.mark = MARK_IDLE;
  if (!g.loaded) return HB_ERR_BAD_ARG;
  if (data == 0 || len != g.input_bytes) return HB_ERR_BAD_SIZE;
  g.input_src = data;
  copy_inputs();
  sync_to_timer(); /* after the copy: the same instructions follow it every run */
  g.mark = MARK_WARMUP;
  return HB_OK;
}

/* A plan without HB_PLAN_FLAG_INPUTS_PRESERVED may overwrite its input (an
 * in-place op), so the input is copied again before every run. The protocol
 * times the whole infer callback, so that copy (input bytes, e.g. 490 for
 * kws) is inside the timed window and the instruction-count region. */
static void refresh_inputs(void) {
  if (g.input_src != 0 && !(g.plan.header->flags & HB_PLAN_FLAG_INPUTS_PRESERVED)) copy_inputs();
}

static hb_status cb_infer(void *user) {
  (void)user;
  if (!g.loaded) return HB_ERR_BAD_ARG;
  if (g.mark == MARK_PENDING) {
    hb_mark_begin(HB_MARK_INFER);
    g.mark = MARK_OPEN;
  }
  refresh_inputs();
  const hb_status st = hb_invoke(&g.plan, g_arena, 0);
  if (st != HB_OK && g.mark == MARK_WARMUP) g.mark = MARK_IDLE; /* protocol gives up */
  return st;
}

static int cb_output(void *user, uint32_t index, hb_output_view *out) {
  (void)user;
  if (!g.loaded || index >= g.plan.header->n_outputs) return 1;
  const uint16_t id = hb_plan_output(&g.plan, index);
  const hb_tensor *t = &g.plan.tensors[id];
  out->data = hb_tensor_data(&g.plan, g_arena, id);
  out->bytes = t->bytes;
  out->dtype = t->dtype;
  memcpy(&out->scale, &t->scale, sizeof(out->scale)); /* bits, no float math */
  out->zero_point = t->zero_point;
  return 0;
}

/* Per-op hooks: the tick counter read at both ends of each op. The reads
 * themselves (a few dozen cycles) are charged to the op. */
static void hook_begin(void *user, uint32_t op_index, const hb_op *op) {
  (void)user;
  (void)op_index;
  (void)op;
  g.op_t0 = ticks32();
}

static void hook_end(void *user, uint32_t op_index, const hb_op *op) {
  (void)user;
  (void)op;
  const uint32_t t1 = ticks32();
  if (op_index < HB_HARNESS_MAX_LAYERS) g_layer_ticks[op_index] = t1 - g.op_t0;
}

static hb_status cb_infer_profiled(void *user) {
  (void)user;
  g.mark = MARK_IDLE;
  g.n_layers = 0;
  if (!g.loaded) return HB_ERR_BAD_ARG;
  refresh_inputs();
  static const hb_hooks hooks = {hook_begin, hook_end, 0};
  const hb_status st = hb_invoke(&g.plan, g_arena, &hooks);
  if (st != HB_OK) return st;
  const uint32_t n = g.plan.header->n_ops;
  g.n_layers = n < HB_HARNESS_MAX_LAYERS ? n : HB_HARNESS_MAX_LAYERS;
  return HB_OK;
}

static uint32_t cb_layer_count(void *user) {
  (void)user;
  return g.loaded ? g.n_layers : 0u;
}

static void cb_layer_get(void *user, uint32_t i, hb_layer_record *out) {
  (void)user;
  const hb_op *op = &g.plan.ops[i];
  out->name = hb_op_name(op->opcode);
  out->source_index = op->source_index;
  out->ticks = g_layer_ticks[i];
  out->macs = op->macs;
}

static void cb_mem_info(void *user, hb_mem_info *out) {
  (void)user;
  hb_memory_map_t map;
  hb_board_memory_map(&map);
  out->stack_used = hb_stack_used();
  out->stack_size = map.stack.size;
  out->arena_capacity = (uint32_t)sizeof(g_arena);
  out->arena_used = g.loaded ? g.plan.header->arena_size : 0u;
  /* .data starts at the RAM origin; free RAM starts at the end of .bss. The
   * figure includes the arena and the db buffer. */
  out->static_ram = (uint32_t)(map.free_ram.start - map.ram.start);
  out->flash_harness = map.image.size;
  /* The partition stands for flash on every board (RAM only in emulation). */
  out->flash_plan = g.loaded ? g.plan.size : 0u;
}

#if HB_HARNESS_PLAN_UPLOAD
/* Upload into the model partition, which is RAM on this (emulated) board. */
static hb_status cb_plan_begin(void *user, uint32_t size) {
  (void)user;
  hb_memory_map_t map;
  hb_board_memory_map(&map);
  if (size < sizeof(hb_plan_header) || size > map.model.size) return HB_ERR_BAD_SIZE;
  g.loaded = 0; /* the partition is about to change under the current plan */
  g.status = HB_OK;
  g.input_src = 0;
  g.n_layers = 0;
  return HB_OK;
}

static hb_status cb_plan_write(void *user, uint32_t offset, const uint8_t *data, uint32_t len) {
  (void)user;
  hb_memory_map_t map;
  hb_board_memory_map(&map);
  if (offset > map.model.size || len > map.model.size - offset) return HB_ERR_BAD_OFFSET;
  memcpy((uint8_t *)map.model.start + offset, data, len);
  return HB_OK;
}

static hb_status cb_plan_end(void *user, uint32_t size) {
  (void)user;
  (void)size; /* hb_plan_init reads total_size from the header and checks it */
  return load_from_partition();
}
#endif

static void cb_reset(void *user) {
  (void)user;
  hb_board_uart_flush();
  hb_board_reset();
}

static void cb_exit(void *user, int32_t code) {
  (void)user;
  hb_board_uart_flush();
  hb_board_exit((int)code);
}

static const char *timer_name(void) {
  switch (hb_timer_source()) {
    case HB_TIMER_DWT_CYCCNT:
      return "dwt-cyccnt";
    case HB_TIMER_SYSTICK:
      return "systick";
    default:
      return "none";
  }
}

void hb_harness_setup(hb_harness_ops *ops, hb_proto_config *cfg) {
  const hb_board_info_t *info = hb_board_info();
  memset(ops, 0, sizeof(*ops));
  ops->write = cb_write;
  ops->now_us = cb_now_us;
  ops->ticks = cb_ticks;
#if HB_HARNESS_HAS_TIMESTAMP_GPIO
  ops->timestamp_pulse = cb_timestamp_pulse;
#endif
  ops->plan_info = cb_plan_info;
  ops->load_input = cb_load_input;
  ops->infer = cb_infer;
  ops->output = cb_output;
  ops->infer_profiled = cb_infer_profiled;
  ops->layer_count = cb_layer_count;
  ops->layer_get = cb_layer_get;
  ops->mem_info = cb_mem_info;
#if HB_HARNESS_PLAN_UPLOAD
  ops->plan_begin = cb_plan_begin;
  ops->plan_write = cb_plan_write;
  ops->plan_end = cb_plan_end;
#endif
  ops->reset = cb_reset;
  if (info->emulated) ops->exit = cb_exit;

  const uint32_t hz = hb_timer_hz();
  g_us_per_tick_q32 = (uint32_t)((((uint64_t)1000000u << 32) + hz / 2u) / hz);

  memset(cfg, 0, sizeof(*cfg));
  cfg->vendor = "hilbench";
  cfg->firmware = HB_HARNESS_NAME " " HB_HARNESS_VERSION;
  cfg->board = info->id;
  cfg->core = info->core;
  cfg->timer = timer_name();
  cfg->clock_hz = info->cpu_hz;
  cfg->timer_hz = hb_timer_hz();
  cfg->arena_capacity = (uint32_t)sizeof(g_arena);
  cfg->energy_mode = 0;
  cfg->input_buf = g_db;
  cfg->input_capacity = (uint32_t)sizeof(g_db);
  cfg->lat_buf = g_lat;
  cfg->lat_capacity = HB_HARNESS_LAT_SAMPLES;
}
