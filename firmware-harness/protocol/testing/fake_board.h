// fake_board.h: a host-side board for the protocol engine (tests and fuzzer).
//
// Implements every hb_harness_ops callback deterministically: output goes to a
// std::string, time is a counter that each inference advances by a chosen
// number of ticks, the "model" writes output[i] = input[i % n] + i, and plan
// uploads land in a std::vector that plan_end accepts when it starts with the
// plan magic. Header-only so the unit tests and the fuzz target share it.
#ifndef HB_PROTOCOL_TESTING_FAKE_BOARD_H
#define HB_PROTOCOL_TESTING_FAKE_BOARD_H

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "hb/plan_format.h"
#include "hb/protocol.h"

namespace hbtest {

struct FakeBoard {
  // --- what the tests set ---
  bool plan_loaded = true;
  hb_status plan_status = HB_OK;  // reported when !plan_loaded
  uint32_t input_bytes = 16;      // bytes the host must send
  uint8_t out_dtype = HB_DT_INT8;
  uint32_t out_elems = 4;
  float out_scale = 1.0f / 256.0f;
  int32_t out_zero_point = -128;
  std::vector<uint32_t> infer_cost = {1000};  // ticks per inference, cycled
  hb_status fail_infer_at = HB_OK;            // status returned by inference number fail_index
  uint32_t fail_index = 0;
  hb_status load_status = HB_OK;
  uint32_t max_inferences = 0xFFFFFFFFu;  // later inferences fail (bounds fuzzing time)
  uint32_t plan_capacity = 4096;
  hb_status write_status = HB_OK;
  bool with_energy = true, with_plan_upload = true, with_exit = true, with_layers = true;
  bool with_mem = true, with_reset = false;

  // --- what the tests read ---
  std::string out;  // everything written to the serial line
  uint32_t writes = 0;
  std::vector<uint8_t> input;   // last load_input bytes
  std::vector<uint8_t> output;  // output tensor bytes
  std::vector<uint8_t> plan;    // uploaded plan bytes
  uint32_t inferences = 0, pulses = 0, resets = 0, exits = 0;
  int32_t exit_code = -1000;
  uint64_t clock = 0;  // ticks; now_us = clock / 10

  uint8_t sha[32];
  hb_harness_ops ops{};
  std::vector<uint8_t> db_storage = std::vector<uint8_t>(1024);
  std::vector<uint32_t> lat_storage = std::vector<uint32_t>(8);
  hb_proto_config cfg{};
  hb_proto proto{};

  FakeBoard() {
    for (int i = 0; i < 32; ++i) sha[i] = static_cast<uint8_t>(0xA0 + i);
    cfg.vendor = "hilbench";
    cfg.firmware = "hilbench-harness 0.1.0";
    cfg.board = "fake";
    cfg.core = "host";
    cfg.timer = "counter";
    cfg.clock_hz = 10000000;
    cfg.timer_hz = 10000000;
    cfg.arena_capacity = 65536;
    cfg.energy_mode = 0;
    cfg.input_buf = db_storage.data();
    cfg.input_capacity = static_cast<uint32_t>(db_storage.size());
    cfg.lat_buf = lat_storage.data();
    cfg.lat_capacity = static_cast<uint32_t>(lat_storage.size());
    BindOps();
  }
  FakeBoard(const FakeBoard&) = delete;
  FakeBoard& operator=(const FakeBoard&) = delete;

  static FakeBoard* self(void* u) { return static_cast<FakeBoard*>(u); }

  void BindOps() {
    ops = hb_harness_ops{};
    ops.user = this;
    ops.write = [](void* u, const char* b, uint32_t n) {
      self(u)->out.append(b, n);
      self(u)->writes++;
    };
    ops.now_us = [](void* u) { return static_cast<uint32_t>(self(u)->clock / 10); };
    ops.ticks = [](void* u) { return static_cast<uint32_t>(self(u)->clock); };
    if (with_energy) ops.timestamp_pulse = [](void* u) { self(u)->pulses++; };
    ops.plan_info = [](void* u, hb_plan_info* i) {
      FakeBoard* b = self(u);
      i->loaded = b->plan_loaded;
      i->status = b->plan_loaded ? HB_OK : b->plan_status;
      i->sha256 = b->sha;
      i->model = "ic01";
      i->plan_bytes = 1234;
      i->arena_bytes = 5678;
      i->n_ops = 3;
      i->n_outputs = 1;
      i->input_bytes = b->input_bytes;
    };
    ops.load_input = [](void* u, const uint8_t* d, uint32_t n) {
      FakeBoard* b = self(u);
      if (b->load_status != HB_OK) return b->load_status;
      b->input.assign(d, d + n);
      return HB_OK;
    };
    ops.infer = [](void* u) { return self(u)->Infer(); };
    ops.output = [](void* u, uint32_t index, hb_output_view* v) {
      FakeBoard* b = self(u);
      if (index != 0) return 1;
      v->data = b->output.data();
      v->bytes = static_cast<uint32_t>(b->output.size());
      v->dtype = b->out_dtype;
      v->scale = b->out_scale;
      v->zero_point = b->out_zero_point;
      return 0;
    };
    if (with_layers) {
      ops.infer_profiled = [](void* u) { return self(u)->Infer(); };
      ops.layer_count = [](void*) { return 3u; };
      ops.layer_get = [](void*, uint32_t i, hb_layer_record* r) {
        static const char* const kNames[] = {"CONV_2D", "AVERAGE_POOL_2D", "SOFTMAX"};
        r->name = kNames[i % 3];
        r->source_index = i + 10;
        r->ticks = 100 * (i + 1);
        r->macs = 1000 * (i + 1);
      };
    }
    if (with_mem) {
      ops.mem_info = [](void*, hb_mem_info* m) {
        m->stack_used = 1024;
        m->stack_size = 8192;
        m->arena_capacity = 65536;
        m->arena_used = 5678;
        m->static_ram = 70000;
        m->flash_harness = 30000;
        // flash_plan left HB_MEM_UNKNOWN
      };
    }
    if (with_plan_upload) {
      ops.plan_begin = [](void* u, uint32_t size) {
        FakeBoard* b = self(u);
        if (size > b->plan_capacity) return HB_ERR_BAD_SIZE;
        b->plan_loaded = false;
        b->plan.assign(size, 0);
        return HB_OK;
      };
      ops.plan_write = [](void* u, uint32_t off, const uint8_t* d, uint32_t n) {
        FakeBoard* b = self(u);
        if (b->write_status != HB_OK) return b->write_status;
        if (off + n > b->plan.size()) return HB_ERR_BAD_OFFSET;  // the engine must never do this
        std::memcpy(b->plan.data() + off, d, n);
        return HB_OK;
      };
      ops.plan_end = [](void* u, uint32_t size) {
        FakeBoard* b = self(u);
        uint32_t magic = 0;
        if (size < 4) return HB_ERR_BAD_SIZE;
        std::memcpy(&magic, b->plan.data(), 4);
        if (magic != HB_PLAN_MAGIC) return HB_ERR_BAD_MAGIC;
        b->plan_loaded = true;
        return HB_OK;
      };
    }
    if (with_reset) ops.reset = [](void* u) { self(u)->resets++; };
    if (with_exit) {
      ops.exit = [](void* u, int32_t code) {
        self(u)->exits++;
        self(u)->exit_code = code;
      };
    }
  }

  hb_status Infer() {
    if (inferences >= max_inferences) return HB_ERR_BAD_ARG;
    if (fail_infer_at != HB_OK && inferences == fail_index) {
      ++inferences;
      return fail_infer_at;
    }
    clock += infer_cost[inferences % infer_cost.size()];
    ++inferences;
    const uint32_t esize = out_dtype == HB_DT_INT16 ? 2 : out_dtype == HB_DT_FLOAT32 ? 4 : 1;
    output.assign(out_elems * esize, 0);
    for (uint32_t i = 0; i < out_elems * esize; ++i) {
      output[i] = static_cast<uint8_t>((input.empty() ? 0 : input[i % input.size()]) + i);
    }
    return HB_OK;
  }

  // Starts the engine (boot banner) and returns what it printed.
  std::string Start() {
    BindOps();
    hb_proto_init(&proto, &cfg, &ops);
    hb_proto_start(&proto);
    return Take();
  }
  // Feeds bytes and returns what the engine printed in response.
  std::string Send(const std::string& bytes) {
    hb_proto_feed(&proto, reinterpret_cast<const uint8_t*>(bytes.data()),
                  static_cast<uint32_t>(bytes.size()));
    return Take();
  }
  std::string Take() {
    std::string s;
    s.swap(out);
    return s;
  }
};

}  // namespace hbtest

#endif  // HB_PROTOCOL_TESTING_FAKE_BOARD_H
