/* dispatcher.c: engine lifetime (init, boot banner, soft reset) and the
 * command table: one tokenized command in, one reply ending in m-ready out. */
#include <string.h>

#include "protocol_internal.h"
#include "text_format.h"

/* A command word and its handler. The standard words are exactly the
 * reference DUT's; every hilbench word starts with "hb-", which no standard
 * word does, so the two sets can never collide. */
typedef struct {
  const char *word;
  hb_cmd_fn fn;
} hb_command;

static const hb_command kCommands[] = {
    {"name", hb_cmd_name},       {"profile", hb_cmd_profile},     {"timestamp", hb_cmd_timestamp},
    {"db", hb_cmd_db},           {"infer", hb_cmd_infer},         {"results", hb_cmd_results},
    {"hb-info", hb_cmd_hb_info}, {"hb-lat", hb_cmd_hb_lat},       {"hb-layers", hb_cmd_hb_layers},
    {"hb-mem", hb_cmd_hb_mem},   {"hb-plan", hb_cmd_hb_plan},     {"hb-bin", hb_cmd_hb_bin},
    {"hb-out", hb_cmd_hb_out},   {"hb-energy", hb_cmd_hb_energy}, {"hb-reset", hb_cmd_hb_reset},
    {"hb-exit", hb_cmd_hb_exit},
};

/* Most tokens any command uses is 4 (`hb-plan begin SIZE CRC`); extra
 * tokens are ignored, as the reference ignores them. */
#define HB_MAX_TOKENS 8u

void hb_proto_clear(hb_proto *p) {
  p->rx_mode = HB_RX_TEXT;
  p->line_len = 0;
  p->line_overlong = 0;
  p->line_bad = 0;
  p->exit_armed = 0;
  p->exit_code = 0;
  p->bin_target = 0;
  p->bin_len = p->bin_pos = 0;
  p->db_size = p->db_pos = 0;
  p->energy = p->cfg->energy_mode != 0u && p->ops->timestamp_pulse != 0;
  p->lat_count = p->lat_kept = 0;
  p->lat_sorted = 0;
  p->lat_min = p->lat_max = 0;
  p->lat_total = 0;
  p->plan_active = 0;
  p->plan_size = p->plan_pos = 0;
  p->stage_len = 0;
}

void hb_proto_init(hb_proto *p, const hb_proto_config *cfg, const hb_harness_ops *ops) {
  memset(p, 0, sizeof(*p));
  p->cfg = cfg;
  p->ops = ops;
  hb_proto_clear(p);
  p->rx_mode = HB_RX_OFF;
}

void hb_proto_start(hb_proto *p) {
  hb_proto_clear(p);
  hb_line(p, p->energy ? "m-timestamp-mode-energy" : "m-timestamp-mode-performance");
  hb_timestamp(p);
  hb_line(p, "m-init-done");
  hb_ready(p);
}

void hb_dispatch_line(hb_proto *p, char *line) {
  char *argv[HB_MAX_TOKENS];
  uint32_t argc = 0;
  for (char *s = line; *s != '\0' && argc < HB_MAX_TOKENS;) {
    while (*s == ' ') ++s;
    if (*s == '\0') break;
    argv[argc++] = s;
    while (*s != ' ' && *s != '\0') ++s;
    if (*s == ' ') *s++ = '\0';
  }
  if (argc == 0u) { /* an empty command: just the prompt (a handy resync) */
    hb_ready(p);
    return;
  }
  hb_after after = HB_AFTER_READY;
  uint32_t i = 0;
  for (; i < sizeof(kCommands) / sizeof(kCommands[0]); ++i) {
    if (hb_str_eq(argv[0], kCommands[i].word)) {
      after = kCommands[i].fn(p, argc, argv);
      break;
    }
  }
  if (i == sizeof(kCommands) / sizeof(kCommands[0])) {
    hb_error_name(p, "Unknown command: ", argv[0]);
  }
  if (after == HB_AFTER_BINARY) return;
  hb_ready(p);
  if (after == HB_AFTER_RESET) {
    if (p->ops->reset != 0) p->ops->reset(p->ops->user); /* normally does not return */
    hb_proto_start(p);
  }
}
