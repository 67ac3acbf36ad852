// Tests for tflite_reader.cc: the four MLPerf Tiny models read with the
// operator sequence, tensor shapes and quantization that the golden
// manifest (written from TFLM's view of the same files) lists; damaged
// files fail with CompileError, never a crash.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "hbc/error.h"
#include "hbc/model.h"

namespace {

const std::string kShared = HB_SHARED_DIR;

nlohmann::json manifest() {
  std::ifstream f(kShared + "/golden/manifest.json");
  REQUIRE(f.good());
  return nlohmann::json::parse(f);
}

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)),
                              std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("reader: shared models match the golden manifest") {
  const auto man = manifest();
  for (const auto& entry : man["models"]) {
    const std::string name = entry["name"];
    CAPTURE(name);
    const hbc::Model m =
        hbc::read_tflite_file(kShared + "/models/" + entry["file"].get<std::string>());
    CHECK(m.sha256 == entry["sha256"].get<std::string>());
    CHECK(m.n_subgraphs == 1);
    CHECK(m.schema_version == 3);

    // Operator sequence.
    std::vector<std::string> seq;
    for (const auto& op : m.ops) seq.push_back(op.op_name);
    CHECK(seq == entry["operator_sequence"].get<std::vector<std::string>>());

    // Graph inputs and outputs.
    REQUIRE(m.inputs.size() == entry["inputs"].size());
    for (size_t i = 0; i < m.inputs.size(); ++i) {
      const hbc::Tensor& t = m.tensors[static_cast<size_t>(m.inputs[i])];
      const auto& e = entry["inputs"][i];
      CHECK(t.shape == e["shape"].get<std::vector<int32_t>>());
      CHECK(std::string(hbc::dtype_name(t.dtype)) == e["dtype"].get<std::string>());
      REQUIRE(t.quant.scale.size() == 1);
      CHECK(t.quant.scale[0] == e["scale"].get<float>());
      CHECK(t.quant.zero_point[0] == e["zero_point"].get<int64_t>());
      CHECK_FALSE(t.is_const());
    }
    REQUIRE(m.outputs.size() == entry["outputs"].size());

    // Every operator output of the lcg case.
    for (const auto& c : entry["cases"]) {
      if (c["name"] != "lcg") continue;
      for (const auto& e : c["tensors"]) {
        const int op_index = e["op_index"];
        REQUIRE(static_cast<size_t>(op_index) < m.ops.size());
        const hbc::Operator& op = m.ops[static_cast<size_t>(op_index)];
        CHECK(op.op_name == e["op"].get<std::string>());
        REQUIRE(op.outputs.size() == 1);
        CHECK(op.outputs[0] == e["tensor_index"].get<int>());
        const hbc::Tensor& t = m.tensors[static_cast<size_t>(op.outputs[0])];
        CHECK(t.name == e["tensor_name"].get<std::string>());
        CHECK(t.shape == e["shape"].get<std::vector<int32_t>>());
        CHECK(t.elems() * static_cast<int64_t>(hbc::dtype_size(t.dtype)) ==
              e["bytes"].get<int64_t>());
        CHECK(t.quant.scale[0] == e["scale"].get<float>());
        CHECK(t.quant.zero_point[0] == e["zero_point"].get<int64_t>());
      }
    }
  }
}

TEST_CASE("reader: kws conv options, weights and per-channel quantization") {
  const hbc::Model m = hbc::read_tflite_file(kShared + "/models/kws_ref_model.tflite");
  const hbc::Operator& conv = m.ops.at(0);
  CHECK(conv.builtin_code == 3);
  CHECK(conv.options.stride_w == 2);
  CHECK(conv.options.stride_h == 2);
  CHECK(conv.options.activation == hbc::Activation::kRelu);
  const hbc::Tensor& w = m.tensors.at(static_cast<size_t>(conv.inputs.at(1)));
  REQUIRE(w.is_const());
  CHECK(w.dtype == hbc::DType::kInt8);
  CHECK(w.shape == std::vector<int32_t>{64, 10, 4, 1});
  CHECK(w.data_size == 64u * 10 * 4);
  CHECK(w.quant.per_channel());
  CHECK(w.quant.scale.size() == 64);
  CHECK(w.quant.quantized_dimension == 0);
  const hbc::Tensor& b = m.tensors.at(static_cast<size_t>(conv.inputs.at(2)));
  CHECK(b.dtype == hbc::DType::kInt32);
  CHECK(b.data_size == 64u * 4);
  // Depthwise convolutions have multiplier 1; the average pool has a real window.
  bool saw_pool = false;
  for (const auto& op : m.ops) {
    if (op.op_name == "DEPTHWISE_CONV_2D") CHECK(op.options.depth_multiplier == 1);
    if (op.op_name == "AVERAGE_POOL_2D") {
      saw_pool = true;
      CHECK(op.options.filter_h * op.options.filter_w > 1);
    }
    if (op.op_name == "SOFTMAX") CHECK(op.options.beta == 1.0f);
  }
  CHECK(saw_pool);
}

TEST_CASE("reader: broken files throw CompileError, never crash") {
  CHECK_THROWS_AS(hbc::read_tflite({}), hbc::CompileError);
  CHECK_THROWS_AS(hbc::read_tflite({1, 2, 3}), hbc::CompileError);
  CHECK_THROWS_AS(hbc::read_tflite_file("/nonexistent/x.tflite"), hbc::CompileError);
  try {
    hbc::read_tflite_file("/nonexistent/x.tflite");
  } catch (const hbc::CompileError& e) {
    CHECK(e.kind() == hbc::CompileError::Kind::kIo);
  }

  const auto good = file_bytes(kShared + "/models/kws_ref_model.tflite");
  REQUIRE(good.size() > 1000);
  // Truncations.
  for (size_t len : {size_t{4}, size_t{8}, size_t{64}, good.size() / 2, good.size() - 1}) {
    std::vector<uint8_t> b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(len));
    try {
      (void)hbc::read_tflite(b);
    } catch (const hbc::CompileError&) {
    }
  }
  // Random byte corruptions in the FlatBuffer metadata region (the tail of
  // the file holds tables and vectors; the weights are in the middle).
  std::mt19937 rng(1234);
  int threw = 0;
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<uint8_t> b = good;
    for (int k = 0; k < 4; ++k) {
      const size_t pos = rng() % 2 ? rng() % 256 : b.size() - 1 - rng() % 4096;
      b[pos] = static_cast<uint8_t>(rng());
    }
    try {
      (void)hbc::read_tflite(b);
    } catch (const hbc::CompileError&) {
      ++threw;
    }
  }
  CHECK(threw > 0);
}
