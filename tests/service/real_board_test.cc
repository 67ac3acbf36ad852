// The real-board path end to end, with the one part this machine lacks
// replaced by a test double: a hilbench-agent process registers a board with
// a probe serial and a serial port, and runs jobs on it through the same
// code as on a lab bench: the flasher runs `pyocd load/reset` (here
// tests/doubles/pyocd, a pyOCD command-line double first on PATH), the
// harness is driven over the serial port (here a pseudo-terminal of
// tests/doubles/fake_board.py, behind which the flashed firmware really runs
// in QEMU). Checked: model jobs complete with bit-exact outputs and board
// timer latency (not instruction counts), the harness is flashed once and
// only plans after, a user firmware job flashes the user's image and the
// next model job flashes the harness back; an unplugged probe is an
// infrastructure failure naming the probe, and the job waits for another unit.
#include "service_harness.h"

#include <regex>

using namespace hb_service_test;

namespace {

constexpr const char* kUid = "HBFAKE0001";
constexpr const char* kProfile = "fake-an386-probe";

// A profile for the double: the memory map of mps2-an386 (its harness runs
// unchanged), but a real board with a probe section.
json fake_profile() {
  json p = json::parse(read_file(source_dir() / "device-profiles/mps2-an386.json"));
  p["id"] = kProfile;
  p["name"] = "Fake probe board (test double: QEMU mps2-an386 behind tests/doubles/pyocd)";
  p["emulated"] = false;
  p.erase("qemu");
  p["probe"] = {{"pyocd_target", "fake_an386"},
                {"openocd_interface", "interface/cmsis-dap.cfg"},
                {"openocd_target", "target/fake_an386.cfg"}};
  return p;
}

int count_lines(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("service real board: flasher + serial port through a probe test double") {
  Recorder::get().clear();
  REQUIRE_MESSAGE(fs::exists(firmware_dir() / "mps2-an386/harness.elf"),
                  "no firmware in " << firmware_dir() << " (build the hb_firmware target)");
  const fs::path dir = fresh_dir("real-board");
  const fs::path probes = dir / "probes", profiles = dir / "profiles", fw = dir / "firmware";
  fs::create_directories(probes);
  fs::create_directories(profiles);
  fs::create_directories(fw);
  for (const auto& e : fs::directory_iterator(source_dir() / "device-profiles"))
    if (e.path().extension() == ".json") fs::copy_file(e.path(), profiles / e.path().filename());
  std::ofstream(profiles / (std::string(kProfile) + ".json")) << fake_profile().dump(2);
  fs::create_directory_symlink(fs::absolute(firmware_dir() / "mps2-an386"), fw / kProfile);

  // The board on the bench.
  Process board;
  board.start({"/usr/bin/python3", (source_dir() / "tests/doubles/fake_board.py").string(), "--dir",
               probes.string(), "--uid", kUid, "--target", "fake_an386", "--machine", "mps2-an386",
               "--port-link", (dir / "ttyFAKE0").string()},
              dir / "fake_board.out");
  for (int i = 0; i < 100 && !fs::exists(probes / (std::string(kUid) + ".sock")); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE_MESSAGE(fs::exists(probes / (std::string(kUid) + ".sock")),
                  "fake board did not start: " << tail(dir / "fake_board.out"));
  const fs::path board_log = probes / (std::string(kUid) + ".log");

  Daemon d(dir, json{{"local_agent", false}});
  d.start();
  Api api(d.port(), d.token("t-user", "user"));
  INFO("daemon log tail:\n" << d.log_tail());

  // The agent, with the pyOCD double first on PATH.
  const fs::path boards_json = dir / "boards.json";
  std::ofstream(boards_json) << json{{"boards",
                                      {{{"profile_id", kProfile},
                                        {"probe_serial", kUid},
                                        {"serial_port", (dir / "ttyFAKE0").string()}}}}}
                                    .dump();
  Process agent;
  const char* path = std::getenv("PATH");
  agent.start({(bin_dir() / "hilbench-agent").string(), "run", "--server", d.url(), "--id", "bench",
               "--config", boards_json.string(), "--firmware", fw.string(), "--profiles",
               profiles.string(), "--heartbeat-s", "1", "--log-level", "debug"},
              dir / "agent.log",
              {{"HILBENCH_AGENT_TOKEN", d.token("t-agent", "agent")},
               {"PATH", (source_dir() / "tests/doubles").string() + ":" + (path ? path : "")},
               {"HB_FAKE_PROBE_DIR", probes.string()}});
  INFO("agent log tail:\n" << tail(dir / "agent.log"));
  INFO("fake board log:\n" << tail(board_log));

  json boards;
  for (int i = 0; i < 100; ++i) {
    boards = api.get("/boards", "board-list.schema.json");
    if (boards["boards"].size() == 1 && boards["boards"][0]["state"] == "idle") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(boards["boards"].size() == 1);
  CHECK(boards["boards"][0]["probe_serial"] == kUid);

  const std::string kws = api.upload_model(shared_dir() / "models/kws_ref_model.tflite");
  const std::string ad01 = api.upload_model(shared_dir() / "models/ad01_int8.tflite");
  auto run = [&](const json& req) {
    const int64_t id = api.submit(req);
    const json j = api.wait_final(id, std::chrono::seconds(180));
    REQUIRE_MESSAGE(j["state"] == "done", "job " << id << ": " << j.dump());
    return api.get("/results/" + std::to_string(id), "result.schema.json")["data"];
  };

  SUBCASE("model jobs, a firmware job, the harness flashed back") {
    // 1. ad01: harness flashed, plan written, bit-exact, timed by the board's timer.
    const json r1 = run({{"model_id", ad01}, {"board", kProfile}, {"runs", 3}, {"warmup", 1}});
    CHECK(r1["output_check"]["passed"] == true);
    CHECK(r1["board"]["emulated"] == false);
    CHECK(r1["board"]["probe_serial"] == kUid);
    CHECK(r1["latency"]["method"].get<std::string>().rfind("measured", 0) == 0);
    CHECK_FALSE(r1["latency"].contains("instructions_per_inference"));
    CHECK(r1["latency"]["median_us"].get<double>() > 0);
    CHECK(r1["energy"]["time_basis"].get<std::string>().find("measured") != std::string::npos);
    // 2. kws: only the plan is written; the harness stays.
    const json r2 = run({{"model_id", kws}, {"board", kProfile}, {"runs", 3}, {"warmup", 1}});
    CHECK(r2["output_check"]["passed"] == true);
    std::string log = read_file(board_log);
    CHECK(count_lines(log, "load elf") == 1);
    CHECK(count_lines(log, "load bin") == 2);

    // 3. A user firmware (our harness ELF, which speaks the MLPerf Tiny
    // protocol and finds kws's plan still in flash) is flashed as is.
    const std::string elf = read_file(firmware_dir() / "mps2-an386/harness.elf");
    Reply up = api.call("POST", "/firmware", "", elf, "application/octet-stream");
    REQUIRE_MESSAGE((up.status == 201 || up.status == 200), up.body);
    const json r3 =
        run({{"firmware_id", up.j["id"]}, {"board", kProfile}, {"runs", 2}, {"warmup", 0}});
    CHECK(r3["latency"]["method"] == "DUT timestamps (measured)");
    CHECK(r3["board"]["probe_serial"] == kUid);
    log = read_file(board_log);
    CHECK(count_lines(log, "load elf") == 2);

    // 4. The next model job cannot trust the board's flash: harness again.
    const json r4 = run({{"model_id", ad01}, {"board", kProfile}, {"runs", 2}, {"warmup", 0}});
    CHECK(r4["output_check"]["passed"] == true);
    CHECK(r4["latency"]["median_us"] == r1["latency"]["median_us"]);  // same board, same plan
    log = read_file(board_log);
    CHECK(count_lines(log, "load elf") == 3);
    MESSAGE("real-board path (test double): ad01 median " << r1["latency"]["median_us"] << " us, "
                                                          << count_lines(log, "reset: running")
                                                          << " resets for 4 jobs");
  }
  SUBCASE("the probe unplugged: an infrastructure failure naming it; retried on another unit") {
    fs::remove(probes / (std::string(kUid) + ".sock"));  // pyocd no longer sees it
    const int64_t id = api.submit({{"model_id", ad01}, {"board", kProfile}, {"runs", 1}});
    const json j = api.wait_job(id, [](const json& x) {
      return x.value("attempts", 0) >= 1 && x.value("state", "") == "queued";
    });
    CHECK(j["message"].get<std::string>().find("infrastructure failure") != std::string::npos);
    CHECK(j["message"].get<std::string>().find(kUid) != std::string::npos);
    CHECK(j["excluded_boards"].size() == 1);  // waits for another unit of the kind
    const json b = api.get("/boards", "board-list.schema.json")["boards"][0];
    CHECK(b["consecutive_infra_failures"] == 1);
    CHECK(b["state"] == "idle");
  }
  validate_recorded();
}
