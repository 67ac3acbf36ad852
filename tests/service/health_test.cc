// Board health checks for real: hilbenchd with its default "auto" golden
// model (ad01 from the shared models) runs a check on every board its local
// agent registers, on the emulated board itself, and marks the board good
// only when the check's outputs match and it completed. The health model is
// a complete model record: uploading the same file answers its inspection.
#include "service_harness.h"

#include <set>

using namespace hb_service_test;

TEST_CASE("service health: each registered board passes a real health check") {
  Recorder::get().clear();
  REQUIRE_MESSAGE(fs::exists(firmware_dir() / "mps2-an386/harness.elf"),
                  "no firmware in " << firmware_dir() << " (build the hb_firmware target)");
  const fs::path golden = shared_dir() / "models/ad01_int8.tflite";
  REQUIRE_MESSAGE(fs::exists(golden), "no " << golden);

  Daemon d(fresh_dir("health"), json{{"health_model", "auto"}});
  d.start();
  Api api(d.port(), d.token("t-user", "user"));
  INFO("daemon log tail:\n" << d.log_tail());

  // Every local board: unknown at registration, good after its check.
  json boards;
  const auto end = Clock::now() + std::chrono::seconds(120);
  bool all_good = false;
  while (Clock::now() < end && !all_good) {
    boards = api.get("/boards", "board-list.schema.json");
    all_good = boards["boards"].size() >= 2;
    for (const auto& b : boards["boards"]) all_good = all_good && b["health"] == "good";
    if (!all_good) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE_MESSAGE(all_good, "boards not all good: " << boards.dump());
  for (const auto& b : boards["boards"]) {
    CHECK(b["last_health_check_ms"].is_number_integer());
    CHECK(b["state"] == "idle");
  }

  // The checks are ordinary jobs, labelled, with real results.
  const json jobs = api.get("/jobs?limit=50", "job-list.schema.json")["jobs"];
  CHECK(jobs.size() == boards["boards"].size());
  std::set<std::string> checked;
  for (const auto& j : jobs) {
    CHECK(j["state"] == "done");
    CHECK(j["labels"]["repo"] == "hilbench-health");
    checked.insert(j["board_id"].get<std::string>());
    const json r =
        api.get("/results/" + std::to_string(j["id"].get<int64_t>()), "result.schema.json");
    INFO("result: " << r.dump().substr(0, 600));
    CHECK(r["data"]["output_check"]["passed"] == true);
    CHECK(r["data"]["latency"]["median_us"].get<double>() > 0);
  }
  CHECK(checked.size() == boards["boards"].size());

  // Uploading the golden model itself: already stored, with its inspection.
  Reply up = api.call("POST", "/models?name=ad01_int8.tflite", "model.schema.json",
                      read_file(golden), "application/octet-stream");
  CHECK(up.status == 200);
  CHECK(up.j["inspection"]["operators"].size() > 0);
  validate_recorded();
}
