// protocol_test.cc: the harness protocol engine driven with byte streams
// against a fake board (testing/fake_board.h): the MLPerf Tiny runner's exact
// sequence, every error path, binary transfers and the hb- extensions.
#include "hb/protocol.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hb/runtime.h"
#include "testing/fake_board.h"

using hbtest::FakeBoard;

namespace {

std::string Hex(const std::vector<uint8_t>& b, size_t from, size_t n) {
  std::string s;
  char t[3];
  for (size_t i = from; i < from + n && i < b.size(); ++i) {
    std::snprintf(t, sizeof t, "%02x", b[i]);
    s += t;
  }
  return s;
}

std::string Le32(uint32_t v) {
  std::string s(4, '\0');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  return s;
}

std::string Crc(const std::string& bytes) { return Le32(hb_crc32(0, bytes.data(), bytes.size())); }

std::vector<uint8_t> Pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 37 + 11);
  return v;
}

size_t Count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// Sends `cmd` and checks the reply is exactly `want` followed by m-ready.
void Expect(FakeBoard& b, const std::string& cmd, const std::string& want) {
  INFO("command: " << cmd);
  CHECK(b.Send(cmd) == want + "m-ready\r\n");
}

}  // namespace

TEST_CASE("boot banner, and bytes before start are dropped") {
  FakeBoard b;
  b.clock = 12340;
  hb_proto_init(&b.proto, &b.cfg, &b.ops);
  b.Send("name%");  // parser not enabled yet, as in the reference
  CHECK(b.out.empty());
  b.BindOps();
  hb_proto_start(&b.proto);
  CHECK(b.Take() == "m-timestamp-mode-performance\r\nm-lap-us-1234\r\nm-init-done\r\nm-ready\r\n");
  Expect(b, "name%", "m-name-dut-[hilbench]\r\n");
  Expect(b, "profile%", "m-profile-[hilbench-harness 0.1.0]\r\nm-model-[ic01]\r\n");
  Expect(b, "timestamp%", "m-lap-us-1234\r\n");
}

TEST_CASE("energy-mode boot: the timestamp is a GPIO pulse, not a line") {
  FakeBoard b;
  b.cfg.energy_mode = 1;
  CHECK(b.Start() == "m-timestamp-mode-energy\r\nm-init-done\r\nm-ready\r\n");
  CHECK(b.pulses == 1);
  Expect(b, "timestamp%", "");
  CHECK(b.pulses == 2);
}

TEST_CASE("the MLPerf Tiny runner sequence: db load, 31-byte chunks, infer, results") {
  FakeBoard b;
  b.input_bytes = 100;
  b.infer_cost = {1000, 3000, 2000};
  b.Start();
  const std::vector<uint8_t> in = Pattern(100);
  Expect(b, "db load 100%", "m-[Expecting 100 bytes]\r\n");
  for (size_t off = 0; off < in.size(); off += 31) {
    const bool last = off + 31 >= in.size();
    Expect(b, "db " + Hex(in, off, 31) + "%", last ? "m-load-done\r\n" : "");
  }
  // db print: 8 bytes a line, the last line short, no blank line.
  std::string want_print;
  for (size_t off = 0; off < in.size(); off += 8) {
    want_print += "m-buffer-";
    for (size_t i = off; i < off + 8 && i < in.size(); ++i) {
      if (i != off) want_print += "-";
      want_print += Hex(in, i, 1);
    }
    want_print += "\r\n";
  }
  Expect(b, "db print%", want_print);

  b.clock = 5000000;
  const std::string r = b.Send("infer 3 2%");
  // Warmups take 1000+3000 ticks, then timed 2000+1000+3000; now_us = ticks/10.
  CHECK(r ==
        "m-warmup-start-2\r\nm-warmup-done\r\nm-infer-start-3\r\n"
        "m-lap-us-500400\r\nm-lap-us-501000\r\nm-infer-done\r\n"
        "m-results-[0.543,0.691,0.840,0.988]\r\nm-ready\r\n");  // (11+128)/256 ...
  CHECK(b.inferences == 5);
  CHECK(b.input == in);  // load_input got exactly the db bytes
  // The results line is the dequantized output as printf("%.3f") prints it.
  std::string want = "m-results-[";
  for (size_t i = 0; i < b.output.size(); ++i) {
    char t[32];
    const float v =
        (static_cast<float>(static_cast<int8_t>(b.output[i])) - (-128.0f)) * (1.0f / 256.0f);
    std::snprintf(t, sizeof t, "%s%.3f", i ? "," : "", static_cast<double>(v));
    want += t;
  }
  Expect(b, "results%", want + "]\r\n");
  Expect(b, "hb-lat%",
         "m-hb-lat-count=3\r\nm-hb-lat-min=1000\r\nm-hb-lat-median=2000\r\n"
         "m-hb-lat-max=3000\r\nm-hb-lat-total=6000\r\nm-hb-lat-kept=3\r\n"
         "m-hb-lat-timer=counter\r\nm-hb-lat-timer-hz=10000000\r\n");
  // infer with no arguments: the reference's N=1, W=10.
  const std::string d = b.Send("infer%");
  CHECK(d.rfind("m-warmup-start-10\r\nm-warmup-done\r\nm-infer-start-1\r\n", 0) == 0);
  CHECK(b.inferences == 16);
}

TEST_CASE("results of int16 and float32 outputs") {
  FakeBoard b;
  b.input_bytes = 4;
  b.out_dtype = HB_DT_INT16;
  b.out_elems = 2;
  b.out_scale = 0.5f;
  b.out_zero_point = 0;
  b.Start();
  b.Send("db load 4%");
  CHECK(b.Send("db 00ff0180%") == "m-load-done\r\nm-ready\r\n");
  // output bytes: 00+0, ff+1=00, 01+2=03, 80+3=83 -> int16 LE 0x0000, 0x8303 = -31997
  CHECK(b.Send("infer 1 0%").find("m-results-[0.000,-15998.500]\r\n") != std::string::npos);
  b.out_dtype = HB_DT_FLOAT32;
  b.out_elems = 1;
  b.Send("infer 1 0%");
  float f;
  std::memcpy(&f, b.output.data(), 4);
  char t[64];
  std::snprintf(t, sizeof t, "m-results-[%.3f]\r\n", static_cast<double>(f));
  Expect(b, "results%", t);
}

TEST_CASE("framing errors: overlong, garbage, split commands, separators") {
  FakeBoard b;
  b.Start();
  const std::string eighty(80, 'x');
  Expect(b, eighty + "%", "e-[Unknown command: " + eighty + "]\r\n");  // 80 fits
  Expect(b, eighty + "y%", "e-[Command too long: the limit is 80]\r\n");
  Expect(b, std::string(5000, 'z') + "%", "e-[Command too long: the limit is 80]\r\n");
  Expect(b, std::string("na\x01me%", 6), "e-[Invalid byte 0x01 in command]\r\n");
  Expect(b, std::string("\xff\x00name%", 7), "e-[Invalid byte 0xff in command]\r\n");
  // A partial command waits for more bytes, byte by byte.
  CHECK(b.Send("na").empty());
  CHECK(b.Send("m").empty());
  Expect(b, "e%", "m-name-dut-[hilbench]\r\n");
  Expect(b, "\r\n  name   extra  %", "m-name-dut-[hilbench]\r\n");  // CR/LF/TAB are spaces
  Expect(b, "%", "");                                               // empty: a prompt
  Expect(b, "   %", "");
  Expect(b, "Name%", "e-[Unknown command: Name]\r\n");
  Expect(b, "hb-nothing 1 2%", "e-[Unknown command: hb-nothing]\r\n");
  // Two commands in one write get two complete replies.
  CHECK(b.Send("name%timestamp%") ==
        "m-name-dut-[hilbench]\r\nm-ready\r\nm-lap-us-0\r\nm-ready\r\n");
}

TEST_CASE("db errors") {
  FakeBoard b;
  b.input_bytes = 4;
  b.Start();
  Expect(b, "db%", "e-[Command 'db' requires a subcommand]\r\n");
  Expect(b, "db 0011%", "e-[Buffer not allocated]\r\n");
  Expect(b, "db print%", "e-[Buffer not allocated]\r\n");
  Expect(b, "db load%", "e-[Command 'db load' requires the # of bytes]\r\n");
  Expect(b, "db load 0%", "e-[Command 'db load' must be >0 bytes]\r\n");
  Expect(b, "db load x%", "e-[Command 'db load' must be >0 bytes]\r\n");
  Expect(b, "db load 1025%", "e-[Command 'db load' exceeds the buffer capacity of 1024]\r\n");
  Expect(b, "db load 4%", "m-[Expecting 4 bytes]\r\n");
  Expect(b, "db 001%", "e-[Insufficent number of hex digits]\r\n");
  Expect(b, "db 00zz%", "e-[Invalid hex digit 'zz']\r\n");
  Expect(b, "db 0g%", "e-[Invalid hex digit '0g']\r\n");
  Expect(b, "db print%", "m-buffer-00-00-00-00\r\n");  // rejected chunks stored nothing
  Expect(b, "infer 1 0%", "e-[Input incomplete: got 0 of 4 bytes]\r\n");
  Expect(b, "db AaBb%", "");
  Expect(b, "db ccddeeff%", "m-load-done\r\n");  // digits past N are ignored
  Expect(b, "db print%", "m-buffer-aa-bb-cc-dd\r\n");
  Expect(b, "db 00%", "e-[Buffer already full: db load N starts a new input]\r\n");
}

TEST_CASE("infer errors") {
  FakeBoard b;
  b.input_bytes = 2;
  b.Start();
  Expect(b, "infer 0%", "e-[Inference iterations must be >0]\r\n");
  Expect(b, "infer -3%", "e-[Inference iterations must be >0]\r\n");
  Expect(b, "infer abc%", "e-[Inference iterations must be >0]\r\n");
  Expect(b, "infer 99999999999%", "e-[Inference iterations must be >0]\r\n");
  Expect(b, "infer 1 -1%", "e-[Inference warmup must be >=0]\r\n");
  Expect(b, "infer 1 w%", "e-[Inference warmup must be >=0]\r\n");
  Expect(b, "infer 1 0%",
         "e-[No input loaded: send it with db load N and db <hex>, or hb-bin N]\r\n");
  b.Send("db load 3%");
  b.Send("db 010203%");
  Expect(b, "infer 1 0%", "e-[Input has 3 bytes, the model expects 2]\r\n");
  b.Send("db load 2%");
  b.Send("db 0102%");
  b.load_status = HB_ERR_BAD_ARG;
  Expect(b, "infer 1 0%", "e-[Input load failed: HB_ERR_BAD_ARG]\r\n");
  b.load_status = HB_OK;
  b.fail_infer_at = HB_ERR_BAD_OP;
  b.fail_index = 1;  // the first timed inference after one warmup
  Expect(b, "infer 2 1%",
         "m-warmup-start-1\r\nm-warmup-done\r\nm-infer-start-2\r\nm-lap-us-100\r\n"
         "m-lap-us-100\r\ne-[Inference failed: HB_ERR_BAD_OP]\r\n");
  CHECK(b.inferences == 2);
  Expect(b, "hb-lat%", "e-[No latency recorded: run infer first]\r\n");
}

TEST_CASE("commands that need a plan answer an error and a working prompt") {
  FakeBoard b;
  b.plan_loaded = false;
  b.Start();
  Expect(b, "infer 1 0%", "e-[No plan loaded]\r\n");
  Expect(b, "results%", "e-[No plan loaded]\r\n");
  Expect(b, "hb-out%", "e-[No plan loaded]\r\n");
  Expect(b, "hb-layers%", "e-[No plan loaded]\r\n");
  Expect(b, "profile%", "m-profile-[hilbench-harness 0.1.0]\r\nm-model-[unknown]\r\n");
  b.plan_status = HB_ERR_BAD_CRC;
  Expect(b, "infer 1 0%", "e-[No plan loaded: HB_ERR_BAD_CRC]\r\n");
  const std::string info = b.Send("hb-info%");
  CHECK(info.find("m-hb-plan=HB_ERR_BAD_CRC\r\n") != std::string::npos);
  CHECK(info.find("plan-sha256") == std::string::npos);
  Expect(b, "name%", "m-name-dut-[hilbench]\r\n");  // still alive
}

TEST_CASE("hb-bin: raw input with CRC-32") {
  FakeBoard b;
  b.input_bytes = 40;
  b.Start();
  std::string data;
  for (int i = 0; i < 40; ++i) data += static_cast<char>(i == 7 ? '%' : (i * 13) & 0xFF);
  CHECK(b.Send("hb-bin 40%") == "m-hb-bin-ready=40\r\n");  // no m-ready until the data is in
  CHECK(b.Send(data.substr(0, 17)).empty());               // '%' inside data is data
  CHECK(b.Send(data.substr(17) + Crc(data).substr(0, 3)).empty());
  Expect(b, Crc(data).substr(3), "m-load-done\r\n");
  CHECK(b.Send("infer 1 0%").find("m-infer-done") != std::string::npos);
  CHECK(b.input == std::vector<uint8_t>(data.begin(), data.end()));

  // A bad CRC clears the input, so nothing runs on corrupt data.
  b.Send("hb-bin 40%");
  std::string bad = Crc(data);
  bad[0] ^= 1;
  const std::string r = b.Send(data + bad);
  CHECK(r.rfind("e-[hb-bin CRC mismatch: received ", 0) == 0);
  CHECK(r.size() > 9);
  CHECK(r.substr(r.size() - 9) == "m-ready\r\n");
  Expect(b, "infer 1 0%",
         "e-[No input loaded: send it with db load N and db <hex>, or hb-bin N]\r\n");
  // The line is back in text mode.
  Expect(b, "name%", "m-name-dut-[hilbench]\r\n");

  Expect(b, "hb-bin%", "e-[Usage: hb-bin N (N > 0)]\r\n");
  Expect(b, "hb-bin 0%", "e-[Usage: hb-bin N (N > 0)]\r\n");
  Expect(b, "hb-bin 1025%", "e-[hb-bin exceeds the buffer capacity of 1024]\r\n");

  // A stalled transfer ends on the board's idle timeout.
  b.Send("hb-bin 40%");
  b.Send(data.substr(0, 5));
  hb_proto_idle(&b.proto);
  CHECK(b.Take() == "e-[Binary transfer timed out: got 5 of 40 bytes]\r\nm-ready\r\n");
  hb_proto_idle(&b.proto);  // no transfer: nothing happens
  CHECK(b.Take().empty());
  Expect(b, "name%", "m-name-dut-[hilbench]\r\n");
}

namespace {
std::string FakePlan(size_t n) {
  std::string p(n, '\0');
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>((i * 7 + 3) & 0xFF);
  const uint32_t magic = HB_PLAN_MAGIC;
  std::memcpy(p.data(), &magic, 4);
  return p;
}
std::string HexOf(const std::string& s) {
  return Hex(std::vector<uint8_t>(s.begin(), s.end()), 0, s.size());
}
char CrcHex[16];
const char* CrcText(const std::string& s) {
  std::snprintf(CrcHex, sizeof CrcHex, "%08x", hb_crc32(0, s.data(), s.size()));
  return CrcHex;
}
}  // namespace

TEST_CASE("hb-plan: upload in hex chunks and raw chunks") {
  FakeBoard b;
  b.plan_loaded = false;
  b.Start();
  const std::string plan = FakePlan(300);
  Expect(b, "hb-plan end%",
         "e-[No plan upload in progress: hb-plan begin SIZE CRC32HEX first]\r\n");
  Expect(b, "hb-plan begin 300%", "e-[Usage: hb-plan begin SIZE CRC32HEX]\r\n");
  Expect(b, "hb-plan begin 5000 0%", "e-[Plan upload refused: HB_ERR_BAD_SIZE]\r\n");
  Expect(b, std::string("hb-plan begin 300 0x") + CrcText(plan) + "%", "m-hb-plan-expect=300\r\n");
  // 36 bytes of hex fit an 80-character command.
  size_t off = 0;
  for (; off < 144; off += 36) {
    Expect(b, "hb-plan " + HexOf(plan.substr(off, 36)) + "%",
           "m-hb-plan-received=" + std::to_string(off + 36) + "\r\n");
  }
  Expect(b, "hb-plan 0z%", "e-[Invalid hex digit in hb-plan chunk]\r\n");
  Expect(b, "hb-plan 012%", "e-[Insufficent number of hex digits]\r\n");
  Expect(b, "hb-plan end%", "e-[Plan incomplete: got 144 of 300 bytes]\r\n");
  Expect(b, "hb-plan raw 157%", "e-[hb-plan chunk overruns the announced size by 1]\r\n");
  Expect(b, "hb-plan raw 0%", "e-[Usage: hb-plan raw N (N > 0)]\r\n");
  // The rest raw, in two chunks (one larger than the staging buffer).
  const std::string c1 = plan.substr(144, 100), c2 = plan.substr(244);
  CHECK(b.Send("hb-plan raw 100%") == "m-hb-bin-ready=100\r\n");
  Expect(b, c1 + Crc(c1), "m-hb-plan-received=244\r\n");
  CHECK(b.Send("hb-plan raw 56%") == "m-hb-bin-ready=56\r\n");
  Expect(b, c2 + Crc(c2), "m-hb-plan-received=300\r\n");
  Expect(b, "hb-plan 00%", "e-[hb-plan chunk overruns the announced size by 1]\r\n");
  Expect(b, "hb-plan end%", "m-hb-plan=ok\r\nm-hb-plan-sha256=a0a1a2a3a4a5a6a7\r\n");
  CHECK(b.plan == std::vector<uint8_t>(plan.begin(), plan.end()));
  CHECK(b.plan_loaded);
  Expect(b, "hb-plan end%",
         "e-[No plan upload in progress: hb-plan begin SIZE CRC32HEX first]\r\n");
}

TEST_CASE("hb-plan: corrupt uploads are refused") {
  FakeBoard b;
  b.plan_loaded = false;
  b.Start();
  const std::string plan = FakePlan(40);
  // Wrong whole-plan CRC.
  b.Send("hb-plan begin 40 12345678%");
  b.Send("hb-plan " + HexOf(plan.substr(0, 20)) + "%");
  b.Send("hb-plan " + HexOf(plan.substr(20)) + "%");
  Expect(
      b, "hb-plan end%",
      std::string("e-[Plan CRC mismatch: expected 12345678, computed ") + CrcText(plan) + "]\r\n");
  CHECK_FALSE(b.plan_loaded);
  // Wrong chunk CRC aborts the upload.
  b.Send(std::string("hb-plan begin 40 ") + CrcText(plan) + "%");
  b.Send("hb-plan raw 40%");
  std::string bad = Crc(plan);
  bad[3] ^= 0x80;
  CHECK(b.Send(plan + bad).rfind("e-[hb-plan raw CRC mismatch", 0) == 0);
  Expect(b, "hb-plan end%",
         "e-[No plan upload in progress: hb-plan begin SIZE CRC32HEX first]\r\n");
  // The runtime rejects the plan (here: bad magic).
  std::string notplan = plan;
  notplan[0] = 'X';
  b.Send(std::string("hb-plan begin 40 ") + CrcText(notplan) + "%");
  b.Send("hb-plan raw 40%");
  Expect(b, notplan + Crc(notplan), "m-hb-plan-received=40\r\n");
  Expect(b, "hb-plan end%", "e-[Plan rejected: HB_ERR_BAD_MAGIC]\r\n");
  // Storage write failures.
  b.write_status = HB_ERR_BAD_OFFSET;
  b.Send(std::string("hb-plan begin 40 ") + CrcText(plan) + "%");
  Expect(b, "hb-plan " + HexOf(plan.substr(0, 8)) + "%",
         "e-[Plan write failed, upload aborted: HB_ERR_BAD_OFFSET]\r\n");
  b.Send(std::string("hb-plan begin 40 ") + CrcText(plan) + "%");
  b.Send("hb-plan raw 40%");
  Expect(b, plan + Crc(plan), "e-[Plan write failed, upload aborted]\r\n");
  Expect(b, "hb-plan abort%", "m-hb-plan=aborted\r\n");
  // A board without upload support.
  FakeBoard c;
  c.with_plan_upload = false;
  c.Start();
  Expect(c, "hb-plan begin 4 0%", "e-[Plan upload not supported by this harness]\r\n");
}

TEST_CASE("hb-info, hb-mem, hb-layers, hb-out") {
  FakeBoard b;
  b.input_bytes = 2;
  b.Start();
  Expect(b, "hb-info%",
         "m-hb-proto=1.0\r\nm-hb-firmware=hilbench-harness 0.1.0\r\nm-hb-runtime=" +
             std::string(HB_RUNTIME_VERSION) +
             "\r\nm-hb-board=fake\r\nm-hb-core=host\r\nm-hb-clock-hz=10000000\r\n"
             "m-hb-timer=counter\r\nm-hb-timer-hz=10000000\r\nm-hb-arena-capacity=65536\r\n"
             "m-hb-input-capacity=1024\r\nm-hb-mode=performance\r\nm-hb-plan=ok\r\n"
             "m-hb-plan-sha256=a0a1a2a3a4a5a6a7\r\nm-hb-plan-model=ic01\r\n"
             "m-hb-plan-bytes=1234\r\nm-hb-plan-arena=5678\r\nm-hb-plan-ops=3\r\n"
             "m-hb-plan-outputs=1\r\nm-hb-plan-input-bytes=2\r\n");
  Expect(b, "hb-mem%",
         "m-hb-mem-stack-used=1024\r\nm-hb-mem-stack-size=8192\r\n"
         "m-hb-mem-arena-capacity=65536\r\nm-hb-mem-arena-used=5678\r\n"
         "m-hb-mem-static-ram=70000\r\nm-hb-mem-flash-harness=30000\r\n"
         "m-hb-mem-flash-plan=na\r\n");
  Expect(b, "hb-layers%", "e-[No complete input loaded]\r\n");
  b.Send("db load 2%");
  b.Send("db 1020%");
  Expect(b, "hb-layers%",
         "m-hb-layers-count=3\r\nm-hb-layer=[0,CONV_2D,10,100,1000]\r\n"
         "m-hb-layer=[1,AVERAGE_POOL_2D,11,200,2000]\r\nm-hb-layer=[2,SOFTMAX,12,300,3000]\r\n"
         "m-hb-layers-total=600\r\nm-hb-layers-timer-hz=10000000\r\n");
  CHECK(b.input == std::vector<uint8_t>{0x10, 0x20});  // input reloaded for the profile
  b.out_elems = 40;                                    // two data lines: 32 + 8 bytes
  b.Send("infer 1 0%");
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", hb_crc32(0, b.output.data(), b.output.size()));
  Expect(b, "hb-out%",
         "m-hb-out-index=0\r\nm-hb-out-dtype=int8\r\nm-hb-out-bytes=40\r\n"
         "m-hb-out-scale-bits=3b800000\r\nm-hb-out-zero-point=-128\r\nm-hb-out-crc32=" +
             std::string(crc) + "\r\nm-hb-out-data=" + Hex(b.output, 0, 32) +
             "\r\nm-hb-out-data=" + Hex(b.output, 32, 8) + "\r\n");
  Expect(b, "hb-out 1%", "e-[No such output: 1]\r\n");
  Expect(b, "hb-out x%", "e-[Usage: hb-out [OUTPUT_INDEX]]\r\n");
  FakeBoard c;
  c.with_mem = false;
  c.with_layers = false;
  c.Start();
  Expect(c, "hb-mem%", "e-[Memory report not supported by this harness]\r\n");
  Expect(c, "hb-layers%", "e-[Per-layer profiling not supported by this harness]\r\n");
}

TEST_CASE("hb-lat keeps min/max/total over all inferences, the median over the kept ones") {
  FakeBoard b;  // lat capacity 8
  b.input_bytes = 1;
  b.infer_cost = {50, 10, 40, 20, 30};
  b.Start();
  b.Send("db load 1%");
  b.Send("db 00%");
  b.Send("infer 10 0%");
  // Kept: 50 10 40 20 30 50 10 40 -> sorted 10 10 20 30 40 40 50 50, lower median 30.
  Expect(b, "hb-lat%",
         "m-hb-lat-count=10\r\nm-hb-lat-min=10\r\nm-hb-lat-median=30\r\nm-hb-lat-max=50\r\n"
         "m-hb-lat-total=300\r\nm-hb-lat-kept=8\r\nm-hb-lat-timer=counter\r\n"
         "m-hb-lat-timer-hz=10000000\r\n");
  CHECK(b.Send("hb-lat%").find("m-hb-lat-median=30\r\n") != std::string::npos);  // stable
}

TEST_CASE("hb-energy switches timestamps to GPIO pulses") {
  FakeBoard b;
  b.input_bytes = 1;
  b.Start();
  b.Send("db load 1%");
  b.Send("db 00%");
  Expect(b, "hb-energy%", "m-hb-energy=off\r\n");
  Expect(b, "hb-energy on%", "m-hb-energy=on\r\n");
  const std::string r = b.Send("infer 2 0%");
  CHECK(r.find("m-lap-us") == std::string::npos);
  CHECK(r.find("m-infer-start-2\r\nm-infer-done\r\n") != std::string::npos);
  CHECK(b.pulses == 2);
  Expect(b, "hb-energy off%", "m-hb-energy=off\r\n");
  Expect(b, "hb-energy maybe%", "e-[Usage: hb-energy [on|off]]\r\n");
  FakeBoard c;
  c.with_energy = false;
  c.Start();
  Expect(c, "hb-energy on%", "e-[Energy mode not supported by this board]\r\n");
}

TEST_CASE("hb-reset and hb-exit") {
  FakeBoard b;
  b.input_bytes = 1;
  b.Start();
  b.Send("db load 1%");
  b.Send("db 00%");
  b.Send("hb-energy on%");
  // No reset op: a soft reset, the banner again, the session state cleared.
  CHECK(b.Send("hb-reset%") ==
        "m-hb-reset=ok\r\nm-ready\r\nm-timestamp-mode-performance\r\nm-lap-us-0\r\n"
        "m-init-done\r\nm-ready\r\n");
  Expect(b, "db print%", "e-[Buffer not allocated]\r\n");
  FakeBoard r;
  r.with_reset = true;
  r.Start();
  r.Send("hb-reset%");
  CHECK(r.resets == 1);

  Expect(b, "hb-exit 300%", "e-[Usage: hb-exit [CODE] (-255..255)]\r\n");
  Expect(b, "hb-exit 3%", "m-hb-exit=3\r\n");
  CHECK(b.exits == 0);  // waits for the host's acknowledgement
  CHECK(b.Send("%").empty());
  CHECK(b.exits == 1);
  CHECK(b.exit_code == 3);
  Expect(b, "hb-exit -2%", "m-hb-exit=-2\r\n");
  b.Send("x");
  CHECK(b.exit_code == -2);
  FakeBoard c;
  c.with_exit = false;
  c.Start();
  Expect(c, "hb-exit%", "e-[hb-exit is for emulators only]\r\n");
  CHECK(c.Send("x%") == "e-[Unknown command: x]\r\nm-ready\r\n");
}

TEST_CASE("every %-terminated command gets exactly one m-ready, whatever the bytes") {
  // Random printable/garbage text without the words that start binary
  // transfers or exits (those consume the following bytes by design).
  std::mt19937 rng(7);
  const char* words[] = {"name",    "db",     "load",      "print",  "infer",     "results",
                         "hb-info", "hb-lat", "hb-mem",    "hb-out", "hb-layers", "hb-plan",
                         "begin",   "end",    "hb-energy", "on",     "off",       "0",
                         "1",       "31",     "-1",        "ff",     "zz",        "\x01",
                         "\xfe",    " ",      "%"};
  for (int round = 0; round < 200; ++round) {
    FakeBoard b;
    b.input_bytes = 4;
    b.Start();
    std::string in;
    for (int i = 0; i < 60; ++i) {
      in += words[rng() % (sizeof(words) / sizeof(words[0]))];
      if (rng() % 3 == 0) in += ' ';
    }
    in += '%';
    const std::string out = b.Send(in);
    CHECK(Count(out, "m-ready\r\n") == Count(in, "%"));
    CHECK(out.size() >= 9);
    CHECK(out.substr(out.size() - 9) == "m-ready\r\n");
    // Every line is terminated by \r\n, and starts with m- or e-.
    size_t start = 0;
    for (size_t at = out.find("\r\n"); at != std::string::npos; at = out.find("\r\n", start)) {
      const std::string line = out.substr(start, at - start);
      CHECK((line.rfind("m-", 0) == 0 || line.rfind("e-", 0) == 0));
      CHECK(line.find('\n') == std::string::npos);
      start = at + 2;
    }
    CHECK(start == out.size());
  }
}
