// Bad input against a real hilbenchd process: each is answered 4xx with a
// JSON error naming the problem, and nothing is stored (no model, no job, no
// artifact file). The daemon's in-process unit tests (server/src/api/
// routes_test.cc) go through more cases; these make sure the real listener,
// limits and timeouts behave the same.
#include "service_harness.h"

using namespace hb_service_test;

namespace {

size_t regular_files(const fs::path& dir) {
  size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.is_regular_file();
  return n;
}

// Sends `head` (and nothing more) and waits for the server to answer or hang
// up. Returns (status or 0, seconds until then).
std::pair<int, double> stall(uint16_t port, const std::string& head, int give_up_s) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{give_up_s, 0};
  ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  REQUIRE(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  ::send(s, head.data(), head.size(), MSG_NOSIGNAL);
  const auto t0 = Clock::now();
  std::string raw;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(s, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  ::close(s);
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  return {raw.rfind("HTTP/1.", 0) == 0 ? std::atoi(raw.c_str() + 9) : 0, secs};
}

}  // namespace

TEST_CASE("service bad input: 4xx with a clear message, nothing stored") {
  Recorder::get().clear();
  Daemon d(fresh_dir("bad-input"), json{{"body_limit_mib", 1}, {"read_timeout_s", 2}});
  d.start();
  INFO("daemon log tail:\n" << d.log_tail());
  Api api(d.port(), d.token("t-user", "user"));
  const std::string agent_token = d.token("t-agent", "agent");
  const fs::path artifacts = d.dir() / "artifacts";
  const std::string kws_bytes = read_file(shared_dir() / "models/kws_ref_model.tflite");
  REQUIRE(!kws_bytes.empty());

  auto expect_error = [&](const Reply& r, std::initializer_list<int> statuses,
                          const std::string& needle) {
    CAPTURE(r.body);
    bool ok = false;
    for (int s : statuses) ok = ok || r.status == s;
    CHECK_MESSAGE(ok, "status " << r.status);
    REQUIRE(r.j.is_object());
    REQUIRE(r.j.contains("error"));
    const std::string msg = r.j["error"].value("message", "");
    CHECK(msg.size() > 5);
    if (!needle.empty()) CHECK_MESSAGE(msg.find(needle) != std::string::npos, msg);
    MESSAGE(r.status << " " << r.j["error"].value("code", "") << ": " << msg);
  };
  auto nothing_stored = [&](size_t models, size_t jobs) {
    CHECK(api.get("/models", "model-list.schema.json")["models"].size() == models);
    CHECK(api.get("/jobs", "job-list.schema.json")["jobs"].size() == jobs);
  };

  // Models.
  expect_error(api.call("POST", "/models?name=notes.txt", "", "these are not the bytes of a model",
                        "application/octet-stream"),
               {400, 422}, "");
  expect_error(api.call("POST", "/models?name=floor.tflite", "", rewrite_opcode(kws_bytes, 25, 8),
                        "application/octet-stream"),
               {422}, "FLOOR");
  expect_error(api.call("POST", "/models?name=big.tflite", "", std::string(2u << 20, 'x'),
                        "application/octet-stream"),
               {413}, "");
  nothing_stored(0, 0);
  CHECK(regular_files(artifacts) == 0);

  // Tokens: missing, wrong, wrong role.
  expect_error(api.call("POST", "/models", "", kws_bytes, "application/octet-stream", ""), {401},
               "");
  expect_error(api.call("POST", "/models", "", kws_bytes, "application/octet-stream",
                        std::string("not-a-real-token")),
               {401}, "");
  expect_error(api.call("POST", "/jobs", "", R"({"model_id": ")" + std::string(64, 'a') + "\"}",
                        "application/json", agent_token),
               {403}, "");
  nothing_stored(0, 0);

  // Jobs.
  const std::string kws = api.upload_model(shared_dir() / "models/kws_ref_model.tflite");
  const size_t files_with_model = regular_files(artifacts);
  expect_error(api.call("POST", "/jobs", "", "{\"model_id\": ", "application/json"), {400}, "");
  expect_error(
      api.call("POST", "/jobs", "", R"({"model_id": "xyz", "runs": 0})", "application/json"), {400},
      "");
  expect_error(
      api.call("POST", "/jobs", "", json{{"model_id", kws}, {"board", "no-such-board"}}.dump(),
               "application/json"),
      {422}, "no board matches");
  expect_error(api.call("POST", "/jobs", "",
                        json{{"model_id", std::string(64, 'b')}, {"board", "mps2-an386"}}.dump(),
                        "application/json"),
               {422}, "");
  expect_error(api.call("GET", "/jobs/424242", ""), {404}, "");
  expect_error(api.call("POST", "/jobs/424242/cancel", ""), {404}, "");
  nothing_stored(1, 0);
  CHECK(regular_files(artifacts) == files_with_model);

  // Slow clients: a request head that never ends, a body that never comes.
  // Meanwhile the daemon serves others at once.
  std::pair<int, double> head_stall, body_stall;
  std::thread t1(
      [&] { head_stall = stall(d.port(), "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\n", 20); });
  std::thread t2([&] {
    body_stall = stall(d.port(),
                       "POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Authorization: Bearer " +
                           api.token() + "\r\nContent-Length: 100\r\n\r\n{\"model_id\"",
                       20);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto h0 = Clock::now();
  CHECK(http(d.port(), "GET", "/api/v1/healthz", "", "", "", 2).status == 200);
  CHECK(Clock::now() - h0 < std::chrono::milliseconds(1000));
  t1.join();
  t2.join();
  MESSAGE("stalled head: HTTP " << head_stall.first << " after " << head_stall.second << " s; "
                                << "stalled body: HTTP " << body_stall.first << " after "
                                << body_stall.second << " s (read_timeout 2 s)");
  CHECK(head_stall.second < 8);
  CHECK(body_stall.second < 8);
  CHECK((head_stall.first == 408 || head_stall.first == 0));
  CHECK((body_stall.first == 408 || body_stall.first == 0));
  nothing_stored(1, 0);

  validate_recorded();
}
