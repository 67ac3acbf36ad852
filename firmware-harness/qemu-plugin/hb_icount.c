/* hb_icount.c: QEMU TCG plugin counting the exact number of guest
 * instructions executed between two marker functions of the firmware.
 *
 *   qemu-system-arm ... -plugin path/libhb_icount.so,begin=0x1a4,end=0x1a8[,out=file]
 *
 * begin/end are the addresses of hb_mark_begin and hb_mark_end
 * (boards/include/hb_board.h; `arm-none-eabi-nm smoke.elf | grep hb_mark_`;
 * the Thumb bit is ignored). Every time the guest reaches the first
 * instruction of hb_mark_begin a region opens; reaching hb_mark_end closes it
 * and prints one line
 *   hb_icount region=<n> insns=<count>
 * where count = guest instructions executed from the first instruction of
 * hb_mark_begin up to, not including, the first instruction of hb_mark_end
 * (so it includes hb_mark_begin's `bx lr` and the call of hb_mark_end).
 * Regions are numbered 0, 1, ... in the order they close. At exit it prints
 *   hb_icount total=<all guest instructions> regions=<n>
 * Output goes to `out` (appended) or stderr.
 *
 * Counting: an inline "add 1" before every instruction (no helper call), and
 * a callback on the two marker instructions that snapshots the counter. Both
 * markers carry the same instrumentation, so the difference is exact however
 * QEMU orders the inline op and the callback. Exceptions taken inside a region
 * (e.g. the SysTick wrap interrupt) are counted: they are guest instructions.
 * One vCPU only (Cortex-M); not thread-safe for SMP guests.
 *
 * Debian's qemu 7.2 exports the plugin API but ships no qemu-plugin.h, so the
 * few declarations needed are written here from the v1 API of
 * include/qemu/qemu-plugin.h (QEMU 7.2, QEMU_PLUGIN_VERSION 1). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- QEMU plugin API v1 (subset) ---------------------------------------- */
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
  const char *target_name;
  struct {
    int min;
    int cur;
  } version;
  bool system_emulation;
  union {
    struct {
      int smp_vcpus;
      int max_vcpus;
    } system;
  };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn,
                                                enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1; /* QEMU_PLUGIN_VERSION of 7.2 */
EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);

/* ---- plugin state --------------------------------------------------------- */
static uint64_t g_insns; /* guest instructions executed so far */
static uint64_t g_begin_addr = UINT64_MAX, g_end_addr = UINT64_MAX;
static uint64_t g_region_start; /* g_insns at the open marker */
static bool g_open;
static unsigned g_regions;
static FILE *g_out;

/* Marker kinds passed as callback user data. */
static char g_kind_begin, g_kind_end;

static void on_marker(unsigned int vcpu_index, void *userdata) {
  (void)vcpu_index;
  if (userdata == &g_kind_begin) {
    g_region_start = g_insns;
    g_open = true;
  } else if (g_open) {
    fprintf(g_out, "hb_icount region=%u insns=%" PRIu64 "\n", g_regions++,
            g_insns - g_region_start);
    fflush(g_out);
    g_open = false;
  }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t pc = qemu_plugin_insn_vaddr(insn);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &g_insns, 1);
    if (pc == g_begin_addr || pc == g_end_addr) {
      qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS,
                                             pc == g_begin_addr ? &g_kind_begin : &g_kind_end);
    }
  }
}

static void hb_on_plugin_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id;
  (void)userdata;
  fprintf(g_out, "hb_icount total=%" PRIu64 " regions=%u\n", g_insns, g_regions);
  fflush(g_out);
  if (g_out != stderr) fclose(g_out);
}

static bool parse_addr(const char *arg, const char *key, uint64_t *out) {
  size_t k = strlen(key);
  if (strncmp(arg, key, k) != 0 || arg[k] != '=') return false;
  char *end = NULL;
  unsigned long long v = strtoull(arg + k + 1, &end, 0);
  if (end == arg + k + 1 || *end != '\0') return false;
  *out = (uint64_t)v & ~(uint64_t)1; /* drop the Thumb bit nm may show */
  return true;
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv) {
  (void)info;
  g_out = stderr;
  for (int i = 0; i < argc; i++) {
    if (parse_addr(argv[i], "begin", &g_begin_addr) || parse_addr(argv[i], "end", &g_end_addr)) {
      continue;
    }
    if (strncmp(argv[i], "out=", 4) == 0) {
      g_out = fopen(argv[i] + 4, "a");
      if (!g_out) {
        fprintf(stderr, "hb_icount: cannot open %s\n", argv[i] + 4);
        return -1;
      }
      continue;
    }
    fprintf(stderr, "hb_icount: unknown argument '%s' (begin=ADDR,end=ADDR[,out=FILE])\n", argv[i]);
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, hb_on_plugin_exit, NULL);
  return 0;
}
