// Tests for `hilbench model ...` through model_main(). The CLI sources are
// linked only into the hilbench executable, so the implementation is
// compiled into the test binary here.
#include "model_cmd.cc"  // NOLINT(bugprone-suspicious-include)

#include <doctest/doctest.h>

#include <filesystem>
#include <sstream>

#include <unistd.h>

namespace {

const std::string kShared = HB_SHARED_DIR;

struct Result {
  int rc;
  std::string out, err;
};

Result run(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int rc = hb_cli::model_main(args, out, err);
  return {rc, out.str(), err.str()};
}

std::vector<uint8_t> slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

std::string temp_dir() {
  const auto d =
      std::filesystem::temp_directory_path() / ("hb_cli_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(d);
  return d.string();
}

}  // namespace

TEST_CASE("cli: usage errors exit 2") {
  CHECK(run({}).rc == hb_cli::kExitUsage);
  CHECK(run({"frobnicate"}).rc == hb_cli::kExitUsage);
  CHECK(run({"compile", "x.tflite"}).rc == hb_cli::kExitUsage);  // no -o
  CHECK(run({"run", "x.tflite", "--input", "a"}).rc == hb_cli::kExitUsage);
  const Result r = run({"inspect", "x.tflite", "--rounding", "triple"});
  CHECK(r.rc == hb_cli::kExitUsage);
  CHECK(r.err.find("--rounding") != std::string::npos);
}

TEST_CASE("cli: model errors exit 3 with 'error: <kind>: <message>'") {
  const Result r = run({"inspect", "/nonexistent/model.tflite"});
  CHECK(r.rc == hb_cli::kExitModel);
  CHECK(r.err.rfind("error: i/o error: ", 0) == 0);
  const std::string dir = temp_dir();
  { std::ofstream(dir + "/junk.tflite") << "definitely not a flatbuffer, but long enough"; }
  const Result j = run({"compile", dir + "/junk.tflite", "-o", dir + "/junk.plan"});
  CHECK(j.rc == hb_cli::kExitModel);
  CHECK(j.err.rfind("error: malformed model: ", 0) == 0);
}

TEST_CASE("cli: inspect --json is one JSON object with the totals") {
  const Result r = run({"inspect", kShared + "/models/kws_ref_model.tflite", "--json"});
  REQUIRE(r.rc == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["ops"].size() == 13);
  CHECK(j["supported"] == true);
  CHECK(j["total_macs"].get<uint64_t>() > 2500000);
  CHECK(j["arena_bytes"].get<uint32_t>() <= 18217);
  CHECK(j["inputs"][0]["shape"] == nlohmann::json::array({1, 49, 10, 1}));
  const Result t = run({"inspect", kShared + "/models/kws_ref_model.tflite"});
  CHECK(t.rc == 0);
  CHECK(t.out.find("DEPTHWISE_CONV_2D") != std::string::npos);
  CHECK(t.out.find("total MACs") != std::string::npos);
}

TEST_CASE("cli: compile, then run the plan and the .tflite; dump layers match golden") {
  const std::string dir = temp_dir();
  const std::string model = kShared + "/models/kws_ref_model.tflite";
  const std::string golden = kShared + "/golden/kws_ref_model/";
  REQUIRE(run({"compile", model, "-o", dir + "/kws.plan"}).rc == 0);

  Result r = run({"run", dir + "/kws.plan", "--input", golden + "lcg.input.bin", "--output",
                  dir + "/out_plan.bin"});
  REQUIRE(r.rc == 0);
  CHECK(slurp(dir + "/out_plan.bin") == slurp(golden + "lcg.output.bin"));

  r = run({"run", model, "--input", golden + "lcg2.input.bin", "--output", dir + "/out2.bin",
           "--dump-layers", dir + "/layers"});
  REQUIRE(r.rc == 0);
  CHECK(slurp(dir + "/out2.bin") == slurp(golden + "lcg2.output.bin"));
  r = run({"run", model, "--input", golden + "lcg.input.bin", "--output", dir + "/out.bin",
           "--dump-layers", dir + "/layers"});
  REQUIRE(r.rc == 0);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(golden + "lcg.tensors")) {
    CAPTURE(e.path().filename().string());
    CHECK(slurp((std::filesystem::path(dir) / "layers" / e.path().filename()).string()) ==
          slurp(e.path().string()));
    ++files;
  }
  CHECK(files == 13);

  // Wrong input size: a clear message, exit 2, no usage dump.
  r = run({"run", dir + "/kws.plan", "--input", dir + "/out.bin", "--output", dir + "/x.bin"});
  CHECK(r.rc == hb_cli::kExitUsage);
  CHECK(r.err.find("need 490") != std::string::npos);
  // --rounding that contradicts the plan.
  r = run({"run", dir + "/kws.plan", "--rounding", "single", "--input", golden + "lcg.input.bin",
           "--output", dir + "/x.bin"});
  CHECK(r.rc == hb_cli::kExitUsage);
  // A corrupted plan is a runtime error (exit 4).
  auto plan = slurp(dir + "/kws.plan");
  plan[plan.size() / 2] ^= 1;
  {
    std::ofstream f(dir + "/bad.plan", std::ios::binary);
    f.write(reinterpret_cast<const char*>(plan.data()), static_cast<std::streamsize>(plan.size()));
  }
  r = run(
      {"run", dir + "/bad.plan", "--input", golden + "lcg.input.bin", "--output", dir + "/x.bin"});
  CHECK(r.rc == hb_cli::kExitRuntime);
  CHECK(r.err.find("HB_ERR_BAD_CRC") != std::string::npos);
  std::filesystem::remove_all(dir);
}
