// hbc/model.h: the compiler's in-memory view of a .tflite model.
//
// read_tflite() verifies the FlatBuffer (every offset, vector length and
// index) and copies what the compiler needs into these plain structs, so no
// later stage touches raw FlatBuffer memory. Constant tensor data is a view
// into Model::bytes, which the Model owns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hbc {

// TFLite TensorType values we distinguish; everything else is kOther.
enum class DType { kFloat32, kInt8, kUInt8, kInt16, kInt32, kInt64, kBool, kOther };
const char* dtype_name(DType t);
size_t dtype_size(DType t);  // bytes per element; 0 for kOther

struct Quantization {
  std::vector<float> scale;         // empty = not quantized
  std::vector<int64_t> zero_point;  // same length as scale (or empty)
  int32_t quantized_dimension = 0;  // axis of per-channel parameters
  bool per_channel() const { return scale.size() > 1; }
};

struct Tensor {
  int index = -1;  // position in the subgraph's tensor list
  std::string name;
  DType dtype = DType::kOther;
  int raw_type = -1;           // TFLite TensorType enum value (for messages)
  std::vector<int32_t> shape;  // row-major; empty = scalar
  Quantization quant;
  const uint8_t* data = nullptr;  // constant data (view into Model::bytes), or null
  size_t data_size = 0;           // bytes of constant data
  bool is_const() const { return data != nullptr; }
  int64_t elems() const;  // product of shape (1 for a scalar)
};

enum class Padding { kSame, kValid };
enum class Activation { kNone, kRelu, kReluN1To1, kRelu6, kTanh, kSignBit, kOther };

// Builtin options, decoded for the operators we support. Fields not used by
// an operator keep their defaults.
struct OpOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  int32_t filter_w = 1, filter_h = 1;  // pooling window
  int32_t depth_multiplier = 1;
  Activation activation = Activation::kNone;
  float beta = 1.0f;           // SOFTMAX
  float alpha = 0.0f;          // LEAKY_RELU
  bool keep_dims = false;      // MEAN
  bool keep_num_dims = false;  // FULLY_CONNECTED
  int32_t weights_format = 0;  // FULLY_CONNECTED (0 = DEFAULT)
  bool asymmetric_quantize_inputs = false;
  int32_t axis = 0;  // CONCATENATION
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0,
          shrink_axis_mask = 0;       // STRIDED_SLICE
  bool offset = false;                // STRIDED_SLICE
  bool pot_scale_int16 = true;        // ADD/SUB
  std::vector<int32_t> squeeze_dims;  // SQUEEZE
  std::vector<int32_t> new_shape;     // RESHAPE (options form)
};

struct Operator {
  int index = -1;         // node index in the subgraph (execution order)
  int builtin_code = -1;  // TFLite BuiltinOperator value
  std::string op_name;    // "CONV_2D", or "CUSTOM:<name>", "BUILTIN_<n>"
  int version = 1;
  std::vector<int> inputs;  // tensor indices; -1 = optional input absent
  std::vector<int> outputs;
  OpOptions options;
};

struct Model {
  std::vector<uint8_t> bytes;  // the whole .tflite file (owns constant data)
  std::string sha256;          // hex digest of bytes
  uint32_t schema_version = 0;
  std::string description;
  std::vector<Tensor> tensors;  // subgraph 0
  std::vector<Operator> ops;    // subgraph 0, execution order
  std::vector<int> inputs, outputs;
  size_t n_subgraphs = 0;
};

// Reads and verifies a .tflite file. Throws CompileError::Malformed for a
// broken file, ::Unsupported for features we never run (several subgraphs),
// ::Io when the file cannot be read.
Model read_tflite_file(const std::string& path);
Model read_tflite(std::vector<uint8_t> bytes);

// Human-readable shape, e.g. "1x49x10x1".
std::string shape_str(const std::vector<int32_t>& shape);

}  // namespace hbc
