// tflite_reader.cc: .tflite (TFLite FlatBuffer, schema version 3) -> hbc::Model.
//
// We read the FlatBuffer with the flatbuffers runtime's Table/Verifier only,
// through accessors for the schema subset we need; no flatc-generated code.
// Field ids are those of tensorflow/lite/schema/schema.fbs (the vtable slot
// of field n is 4 + 2n). Every table, vector and string is verified
// immediately before it is read, and every index (tensor, buffer, opcode) is
// checked against its vector, so a hostile file cannot make us read outside
// the bytes we own: it gets CompileError::Malformed.
#include <flatbuffers/flatbuffers.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "hbc/error.h"
#include "hbc/model.h"
#include "sha256.h"

namespace hbc {

namespace {

using flatbuffers::Table;
using flatbuffers::uoffset_t;
using flatbuffers::voffset_t;

constexpr voffset_t field(int id) { return static_cast<voffset_t>(4 + 2 * id); }

// Field ids (schema.fbs).
namespace fModel {
constexpr int kVersion = 0, kOperatorCodes = 1, kSubgraphs = 2, kDescription = 3, kBuffers = 4;
}
namespace fSubGraph {
constexpr int kTensors = 0, kInputs = 1, kOutputs = 2, kOperators = 3;
}
namespace fTensor {
constexpr int kShape = 0, kType = 1, kBuffer = 2, kName = 3, kQuantization = 4, kSparsity = 6;
}
namespace fQuant {
constexpr int kScale = 2, kZeroPoint = 3, kDetailsType = 4, kQuantizedDimension = 6;
}
namespace fBuffer {
constexpr int kData = 0, kOffset = 1, kSize = 2;
}
namespace fOpCode {
constexpr int kDeprecatedBuiltinCode = 0, kCustomCode = 1, kVersion = 2, kBuiltinCode = 3;
}
namespace fOp {
constexpr int kOpcodeIndex = 0, kInputs = 1, kOutputs = 2, kBuiltinOptionsType = 3,
              kBuiltinOptions = 4;
}

// BuiltinOptions union member numbers (schema.fbs `union BuiltinOptions`).
enum OptionsType : uint8_t {
  kConv2DOptions = 1,
  kDepthwiseConv2DOptions = 2,
  kPool2DOptions = 5,
  kFullyConnectedOptions = 8,
  kSoftmaxOptions = 9,
  kConcatenationOptions = 10,
  kAddOptions = 11,
  kReshapeOptions = 17,
  kMulOptions = 21,
  kReducerOptions = 27,
  kSubOptions = 28,
  kSqueezeOptions = 30,
  kStridedSliceOptions = 32,
  kTransposeConvOptions = 49,
  kLeakyReluOptions = 75,
};

// BuiltinOperator values we decode options for.
enum Builtin : int {
  kAdd = 0,
  kAveragePool2D = 1,
  kConcatenation = 2,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kFullyConnected = 9,
  kL2Pool2D = 12,
  kMaxPool2D = 17,
  kMul = 18,
  kReshape = 22,
  kSoftmax = 25,
  kCustom = 32,
  kMean = 40,
  kSub = 41,
  kSqueeze = 43,
  kStridedSlice = 45,
  kTransposeConv = 67,
  kLeakyRelu = 98,
};

// BuiltinOperator names, indexed by value (schema.fbs).
const char* const kBuiltinNames[] = {
#include "tflite_op_names.inc"
};

[[noreturn]] void malformed(const std::string& what) { throw CompileError::Malformed(what); }

// Verified access to one FlatBuffer. Each accessor verifies what it returns.
class Reader {
 public:
  Reader(const uint8_t* buf, size_t len) : buf_(buf), len_(len), v_(buf, len, opts()) {}

  const Table* root() {
    if (len_ < 8)
      malformed("file too small to be a .tflite model (" + std::to_string(len_) + " bytes)");
    const uoffset_t o = v_.VerifyOffset(size_t{0});
    if (!o) malformed("bad root offset");
    return table_at(o, "Model");
  }

  // A sub-table field; nullptr when absent.
  const Table* table(const Table* t, int id, const char* what) {
    if (!t->VerifyOffset(v_, field(id))) malformed(std::string("bad offset to ") + what);
    const Table* sub = t->GetPointer<const Table*>(field(id));
    if (!sub) return nullptr;
    return check_table(sub, what);
  }

  template <typename T>
  T scalar(const Table* t, int id, T def, const char* what) {
    if (!t->VerifyField<T>(v_, field(id), sizeof(T))) malformed(std::string("bad field ") + what);
    return t->GetField<T>(field(id), def);
  }

  // A vector of scalars; nullptr when absent.
  template <typename T>
  const flatbuffers::Vector<T>* vec(const Table* t, int id, const char* what) {
    if (!t->VerifyOffset(v_, field(id))) malformed(std::string("bad offset to ") + what);
    const auto* p = t->GetPointer<const flatbuffers::Vector<T>*>(field(id));
    if (p && !v_.VerifyVector(p)) malformed(std::string("bad vector ") + what);
    return p;
  }

  std::string str(const Table* t, int id, const char* what) {
    if (!t->VerifyOffset(v_, field(id))) malformed(std::string("bad offset to ") + what);
    const auto* s = t->GetPointer<const flatbuffers::String*>(field(id));
    if (!s) return {};
    if (!v_.VerifyString(s)) malformed(std::string("bad string ") + what);
    return std::string(s->c_str(), s->size());
  }

  // Element i of a verified vector of tables (never null).
  const Table* elem(const flatbuffers::Vector<uoffset_t>* v, uoffset_t i, const char* what) {
    const size_t pos = static_cast<size_t>(reinterpret_cast<const uint8_t*>(v->Data()) - buf_) +
                       static_cast<size_t>(i) * sizeof(uoffset_t);
    const uoffset_t o = v_.VerifyOffset(pos);
    if (!o) malformed(std::string("bad offset to ") + what + " " + std::to_string(i));
    return table_at(pos + o, what);
  }

  const uint8_t* base() const { return buf_; }
  size_t size() const { return len_; }

 private:
  static flatbuffers::Verifier::Options opts() {
    flatbuffers::Verifier::Options o;
    o.max_depth = 64;
    o.max_tables = 4000000;
    o.check_alignment = true;
    return o;
  }
  const Table* table_at(size_t pos, const char* what) {
    return check_table(reinterpret_cast<const Table*>(buf_ + pos), what);
  }
  const Table* check_table(const Table* t, const char* what) {
    if (!t->VerifyTableStart(v_)) malformed(std::string("bad table ") + what);
    v_.EndTable();  // depth is not tracked: we never recurse through unknown data
    return t;
  }

  const uint8_t* buf_;
  size_t len_;
  flatbuffers::Verifier v_;
};

using OffsetVec = flatbuffers::Vector<uoffset_t>;

DType map_dtype(int8_t t) {
  switch (t) {
    case 0:
      return DType::kFloat32;
    case 2:
      return DType::kInt32;
    case 3:
      return DType::kUInt8;
    case 4:
      return DType::kInt64;
    case 6:
      return DType::kBool;
    case 7:
      return DType::kInt16;
    case 9:
      return DType::kInt8;
    default:
      return DType::kOther;
  }
}

Activation map_act(int8_t a) {
  switch (a) {
    case 0:
      return Activation::kNone;
    case 1:
      return Activation::kRelu;
    case 2:
      return Activation::kReluN1To1;
    case 3:
      return Activation::kRelu6;
    case 4:
      return Activation::kTanh;
    case 5:
      return Activation::kSignBit;
    default:
      return Activation::kOther;
  }
}

std::string builtin_name(int code) {
  constexpr int n = static_cast<int>(sizeof(kBuiltinNames) / sizeof(kBuiltinNames[0]));
  if (code >= 0 && code < n && kBuiltinNames[code][0] != '\0') return kBuiltinNames[code];
  return "BUILTIN_" + std::to_string(code);
}

// Largest element count we accept for one tensor: far beyond any MCU model,
// small enough that byte sizes fit comfortably in 32 bits.
constexpr int64_t kMaxElems = int64_t{1} << 28;
constexpr size_t kMaxDims = 8;

Padding read_padding(int8_t p, const std::string& who) {
  if (p == 0) return Padding::kSame;
  if (p == 1) return Padding::kValid;
  throw CompileError::Invalid(who + ": unknown padding " + std::to_string(p));
}

std::vector<int32_t> int_list(const flatbuffers::Vector<int32_t>* v) {
  std::vector<int32_t> out;
  if (!v) return out;
  out.reserve(v->size());
  for (uoffset_t i = 0; i < v->size(); ++i) out.push_back(v->Get(i));
  return out;
}

// Decodes the builtin options of the operators we lower. A table of another
// type than the operator expects is ignored (TFLite's builtin_options_as_X
// returns null then), leaving the defaults.
void read_options(Reader& r, const Table* op, int code, const std::string& who, OpOptions* o) {
  const uint8_t type = r.scalar<uint8_t>(op, fOp::kBuiltinOptionsType, 0, "builtin_options_type");
  const Table* t = r.table(op, fOp::kBuiltinOptions, "builtin_options");
  if (!t) return;
  auto is = [&](OptionsType want) { return type == want; };
  switch (code) {
    case kConv2D:
      if (!is(kConv2DOptions)) return;
      o->padding = read_padding(r.scalar<int8_t>(t, 0, 0, "padding"), who);
      o->stride_w = r.scalar<int32_t>(t, 1, 0, "stride_w");
      o->stride_h = r.scalar<int32_t>(t, 2, 0, "stride_h");
      o->activation = map_act(r.scalar<int8_t>(t, 3, 0, "fused_activation_function"));
      o->dilation_w = r.scalar<int32_t>(t, 4, 1, "dilation_w_factor");
      o->dilation_h = r.scalar<int32_t>(t, 5, 1, "dilation_h_factor");
      return;
    case kDepthwiseConv2D:
      if (!is(kDepthwiseConv2DOptions)) return;
      o->padding = read_padding(r.scalar<int8_t>(t, 0, 0, "padding"), who);
      o->stride_w = r.scalar<int32_t>(t, 1, 0, "stride_w");
      o->stride_h = r.scalar<int32_t>(t, 2, 0, "stride_h");
      o->depth_multiplier = r.scalar<int32_t>(t, 3, 0, "depth_multiplier");
      o->activation = map_act(r.scalar<int8_t>(t, 4, 0, "fused_activation_function"));
      o->dilation_w = r.scalar<int32_t>(t, 5, 1, "dilation_w_factor");
      o->dilation_h = r.scalar<int32_t>(t, 6, 1, "dilation_h_factor");
      return;
    case kFullyConnected:
      if (!is(kFullyConnectedOptions)) return;
      o->activation = map_act(r.scalar<int8_t>(t, 0, 0, "fused_activation_function"));
      o->weights_format = r.scalar<int8_t>(t, 1, 0, "weights_format");
      o->keep_num_dims = r.scalar<uint8_t>(t, 2, 0, "keep_num_dims") != 0;
      o->asymmetric_quantize_inputs = r.scalar<uint8_t>(t, 3, 0, "asymmetric_quantize_inputs") != 0;
      return;
    case kTransposeConv:
      if (!is(kTransposeConvOptions)) return;
      o->padding = read_padding(r.scalar<int8_t>(t, 0, 0, "padding"), who);
      o->stride_w = r.scalar<int32_t>(t, 1, 0, "stride_w");
      o->stride_h = r.scalar<int32_t>(t, 2, 0, "stride_h");
      o->activation = map_act(r.scalar<int8_t>(t, 3, 0, "fused_activation_function"));
      return;
    case kAveragePool2D:
    case kMaxPool2D:
    case kL2Pool2D:
      if (!is(kPool2DOptions)) return;
      o->padding = read_padding(r.scalar<int8_t>(t, 0, 0, "padding"), who);
      o->stride_w = r.scalar<int32_t>(t, 1, 0, "stride_w");
      o->stride_h = r.scalar<int32_t>(t, 2, 0, "stride_h");
      o->filter_w = r.scalar<int32_t>(t, 3, 0, "filter_width");
      o->filter_h = r.scalar<int32_t>(t, 4, 0, "filter_height");
      o->activation = map_act(r.scalar<int8_t>(t, 5, 0, "fused_activation_function"));
      return;
    case kAdd:
    case kSub:
      if (!is(code == kAdd ? kAddOptions : kSubOptions)) return;
      o->activation = map_act(r.scalar<int8_t>(t, 0, 0, "fused_activation_function"));
      o->pot_scale_int16 = r.scalar<uint8_t>(t, 1, 1, "pot_scale_int16") != 0;
      return;
    case kMul:
      if (!is(kMulOptions)) return;
      o->activation = map_act(r.scalar<int8_t>(t, 0, 0, "fused_activation_function"));
      return;
    case kMean:
      if (!is(kReducerOptions)) return;
      o->keep_dims = r.scalar<uint8_t>(t, 0, 0, "keep_dims") != 0;
      return;
    case kReshape:
      if (!is(kReshapeOptions)) return;
      o->new_shape = int_list(r.vec<int32_t>(t, 0, "new_shape"));
      return;
    case kSqueeze:
      if (!is(kSqueezeOptions)) return;
      o->squeeze_dims = int_list(r.vec<int32_t>(t, 0, "squeeze_dims"));
      return;
    case kConcatenation:
      if (!is(kConcatenationOptions)) return;
      o->axis = r.scalar<int32_t>(t, 0, 0, "axis");
      o->activation = map_act(r.scalar<int8_t>(t, 1, 0, "fused_activation_function"));
      return;
    case kStridedSlice:
      if (!is(kStridedSliceOptions)) return;
      o->begin_mask = r.scalar<int32_t>(t, 0, 0, "begin_mask");
      o->end_mask = r.scalar<int32_t>(t, 1, 0, "end_mask");
      o->ellipsis_mask = r.scalar<int32_t>(t, 2, 0, "ellipsis_mask");
      o->new_axis_mask = r.scalar<int32_t>(t, 3, 0, "new_axis_mask");
      o->shrink_axis_mask = r.scalar<int32_t>(t, 4, 0, "shrink_axis_mask");
      o->offset = r.scalar<uint8_t>(t, 5, 0, "offset") != 0;
      return;
    case kSoftmax:
      if (!is(kSoftmaxOptions)) return;
      o->beta = r.scalar<float>(t, 0, 0.0f, "beta");
      return;
    case kLeakyRelu:
      if (!is(kLeakyReluOptions)) return;
      o->alpha = r.scalar<float>(t, 0, 0.0f, "alpha");
      return;
    default:
      return;
  }
}

struct BufferView {
  const uint8_t* data = nullptr;
  size_t size = 0;
};

BufferView read_buffer(Reader& r, const Table* b, uoffset_t index) {
  BufferView out;
  const auto* data = r.vec<uint8_t>(b, fBuffer::kData, "Buffer.data");
  const uint64_t offset = r.scalar<uint64_t>(b, fBuffer::kOffset, 0, "Buffer.offset");
  const uint64_t size = r.scalar<uint64_t>(b, fBuffer::kSize, 0, "Buffer.size");
  if (data && data->size() > 0) {
    out.data = data->Data();
    out.size = data->size();
  } else if (offset > 1) {
    // Large-model extension: data after the FlatBuffer, offset from file start.
    if (offset > r.size() || size > r.size() - offset) {
      malformed("buffer " + std::to_string(index) + " lies outside the file (offset " +
                std::to_string(offset) + ", size " + std::to_string(size) + ")");
    }
    if (size > 0) {
      out.data = r.base() + offset;
      out.size = static_cast<size_t>(size);
    }
  }
  return out;
}

Quantization read_quant(Reader& r, const Table* q, const std::string& who) {
  Quantization out;
  if (r.scalar<uint8_t>(q, fQuant::kDetailsType, 0, "details_type") != 0) {
    throw CompileError::Unsupported(who + ": custom quantization details");
  }
  const auto* scale = r.vec<float>(q, fQuant::kScale, "scale");
  const auto* zp = r.vec<int64_t>(q, fQuant::kZeroPoint, "zero_point");
  if (scale) {
    for (uoffset_t i = 0; i < scale->size(); ++i) out.scale.push_back(scale->Get(i));
  }
  if (zp) {
    // memcpy, not Get(): the Verifier only guarantees 4-byte alignment of a
    // vector, and an int64 element may sit at an address that is not 8-aligned.
    for (uoffset_t i = 0; i < zp->size(); ++i) {
      int64_t v;
      std::memcpy(&v, zp->Data() + i * sizeof(int64_t), sizeof v);
      out.zero_point.push_back(flatbuffers::EndianScalar(v));
    }
  }
  if (!out.zero_point.empty() && out.zero_point.size() != out.scale.size()) {
    throw CompileError::Invalid(who + ": " + std::to_string(out.scale.size()) + " scales but " +
                                std::to_string(out.zero_point.size()) + " zero points");
  }
  if (out.zero_point.empty() && !out.scale.empty()) out.zero_point.assign(out.scale.size(), 0);
  for (float s : out.scale) {
    if (!std::isfinite(s)) throw CompileError::Invalid(who + ": non-finite quantization scale");
  }
  out.quantized_dimension =
      r.scalar<int32_t>(q, fQuant::kQuantizedDimension, 0, "quantized_dimension");
  return out;
}

}  // namespace

Model read_tflite(std::vector<uint8_t> bytes) {
  if (bytes.size() >= FLATBUFFERS_MAX_BUFFER_SIZE) malformed("file larger than 2 GiB");
  // The verifier checks alignment relative to the buffer start; std::vector
  // storage is at least 16-aligned, as the FlatBuffer layout expects.
  Model m;
  m.bytes = std::move(bytes);
  m.sha256 = sha256_hex(m.bytes.data(), m.bytes.size());
  Reader r(m.bytes.data(), m.bytes.size());

  const Table* model = r.root();
  m.schema_version = r.scalar<uint32_t>(model, fModel::kVersion, 0, "Model.version");
  if (m.schema_version != 3) {
    throw CompileError::Unsupported("schema version " + std::to_string(m.schema_version) +
                                    " (only version 3 .tflite files are read)");
  }
  m.description = r.str(model, fModel::kDescription, "Model.description");

  // Operator codes.
  struct Code {
    int builtin;
    std::string name;
    int version;
  };
  std::vector<Code> codes;
  if (const OffsetVec* oc = r.vec<uoffset_t>(model, fModel::kOperatorCodes, "operator_codes")) {
    for (uoffset_t i = 0; i < oc->size(); ++i) {
      const Table* c = r.elem(oc, i, "OperatorCode");
      const int dep =
          r.scalar<int8_t>(c, fOpCode::kDeprecatedBuiltinCode, 0, "deprecated_builtin_code");
      const int cur = r.scalar<int32_t>(c, fOpCode::kBuiltinCode, 0, "builtin_code");
      // TFLite's GetBuiltinCode: the larger of the two (old files set only
      // the deprecated int8 field; codes >= 127 only fit the new one).
      const int code = dep > cur ? dep : cur;
      std::string name = builtin_name(code);
      if (code == kCustom) name = "CUSTOM:" + r.str(c, fOpCode::kCustomCode, "custom_code");
      codes.push_back({code, name, r.scalar<int32_t>(c, fOpCode::kVersion, 1, "version")});
    }
  }

  // Buffers.
  std::vector<BufferView> buffers;
  if (const OffsetVec* bv = r.vec<uoffset_t>(model, fModel::kBuffers, "buffers")) {
    for (uoffset_t i = 0; i < bv->size(); ++i) {
      buffers.push_back(read_buffer(r, r.elem(bv, i, "Buffer"), i));
    }
  }

  const OffsetVec* sgs = r.vec<uoffset_t>(model, fModel::kSubgraphs, "subgraphs");
  m.n_subgraphs = sgs ? sgs->size() : 0;
  if (m.n_subgraphs == 0) malformed("the model has no subgraph");
  if (m.n_subgraphs > 1) {
    throw CompileError::Unsupported("the model has " + std::to_string(m.n_subgraphs) +
                                    " subgraphs (control flow); only single-subgraph models run");
  }
  const Table* sg = r.elem(sgs, 0, "SubGraph");

  // Tensors.
  const OffsetVec* tv = r.vec<uoffset_t>(sg, fSubGraph::kTensors, "tensors");
  const uoffset_t n_tensors = tv ? tv->size() : 0;
  if (n_tensors > 65000) {
    throw CompileError::Unsupported("the model has " + std::to_string(n_tensors) + " tensors");
  }
  m.tensors.reserve(n_tensors);
  for (uoffset_t i = 0; i < n_tensors; ++i) {
    const Table* t = r.elem(tv, i, "Tensor");
    Tensor x;
    x.index = static_cast<int>(i);
    x.name = r.str(t, fTensor::kName, "Tensor.name");
    const std::string who = "tensor " + std::to_string(i) + " '" + x.name + "'";
    const int8_t type = r.scalar<int8_t>(t, fTensor::kType, 0, "Tensor.type");
    x.raw_type = type;
    x.dtype = map_dtype(type);
    if (const auto* shape = r.vec<int32_t>(t, fTensor::kShape, "Tensor.shape")) {
      if (shape->size() > kMaxDims) {
        throw CompileError::Unsupported(who + ": " + std::to_string(shape->size()) + " dimensions");
      }
      int64_t n = 1;
      for (uoffset_t d = 0; d < shape->size(); ++d) {
        const int32_t dim = shape->Get(d);
        if (dim < 0)
          throw CompileError::Invalid(who + ": negative dimension " + std::to_string(dim));
        n *= dim;
        if (n > kMaxElems) throw CompileError::Unsupported(who + ": too many elements");
        x.shape.push_back(dim);
      }
    }
    if (r.table(t, fTensor::kSparsity, "Tensor.sparsity")) {
      throw CompileError::Unsupported(who + ": sparse tensor");
    }
    if (const Table* q = r.table(t, fTensor::kQuantization, "QuantizationParameters")) {
      x.quant = read_quant(r, q, who);
      if (x.quant.per_channel()) {
        const int32_t qd = x.quant.quantized_dimension;
        if (qd < 0 || static_cast<size_t>(qd) >= x.shape.size() ||
            static_cast<int64_t>(x.quant.scale.size()) != x.shape[static_cast<size_t>(qd)]) {
          throw CompileError::Invalid(who + ": " + std::to_string(x.quant.scale.size()) +
                                      " per-channel scales do not match dimension " +
                                      std::to_string(qd) + " of shape " + shape_str(x.shape));
        }
      }
    }
    const uint32_t buf = r.scalar<uint32_t>(t, fTensor::kBuffer, 0, "Tensor.buffer");
    if (buf >= buffers.size() && buf != 0) {
      malformed(who + ": buffer index " + std::to_string(buf) + " out of range (" +
                std::to_string(buffers.size()) + " buffers)");
    }
    if (buf != 0 && buffers[buf].data) {
      x.data = buffers[buf].data;
      x.data_size = buffers[buf].size;
      const size_t es = dtype_size(x.dtype);
      if (es != 0 && static_cast<uint64_t>(x.elems()) * es != x.data_size) {
        throw CompileError::Invalid(who + ": buffer holds " + std::to_string(x.data_size) +
                                    " bytes but shape " + shape_str(x.shape) + " of " +
                                    dtype_name(x.dtype) + " needs " +
                                    std::to_string(x.elems() * static_cast<int64_t>(es)));
      }
    }
    m.tensors.push_back(std::move(x));
  }

  auto tensor_list = [&](const flatbuffers::Vector<int32_t>* v, const std::string& what,
                         bool allow_absent) {
    std::vector<int> out;
    if (!v) return out;
    for (uoffset_t i = 0; i < v->size(); ++i) {
      const int32_t t = v->Get(i);
      if (t == -1 && allow_absent) {
        out.push_back(-1);
        continue;
      }
      if (t < 0 || static_cast<uoffset_t>(t) >= n_tensors) {
        malformed(what + ": tensor index " + std::to_string(t) + " out of range (" +
                  std::to_string(n_tensors) + " tensors)");
      }
      out.push_back(t);
    }
    return out;
  };
  m.inputs = tensor_list(r.vec<int32_t>(sg, fSubGraph::kInputs, "SubGraph.inputs"),
                         "subgraph inputs", false);
  m.outputs = tensor_list(r.vec<int32_t>(sg, fSubGraph::kOutputs, "SubGraph.outputs"),
                          "subgraph outputs", false);

  // Operators.
  if (const OffsetVec* ov = r.vec<uoffset_t>(sg, fSubGraph::kOperators, "operators")) {
    m.ops.reserve(ov->size());
    for (uoffset_t i = 0; i < ov->size(); ++i) {
      const Table* o = r.elem(ov, i, "Operator");
      Operator op;
      op.index = static_cast<int>(i);
      const uint32_t ci = r.scalar<uint32_t>(o, fOp::kOpcodeIndex, 0, "opcode_index");
      if (ci >= codes.size()) {
        malformed("operator " + std::to_string(i) + ": opcode index " + std::to_string(ci) +
                  " out of range (" + std::to_string(codes.size()) + " operator codes)");
      }
      op.builtin_code = codes[ci].builtin;
      op.op_name = codes[ci].name;
      op.version = codes[ci].version;
      const std::string who = op.op_name + " (node " + std::to_string(i) + ")";
      op.inputs =
          tensor_list(r.vec<int32_t>(o, fOp::kInputs, "Operator.inputs"), who + " inputs", true);
      op.outputs = tensor_list(r.vec<int32_t>(o, fOp::kOutputs, "Operator.outputs"),
                               who + " outputs", false);
      read_options(r, o, op.builtin_code, who, &op.options);
      m.ops.push_back(std::move(op));
    }
  }
  return m;
}

Model read_tflite_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw CompileError::Io("cannot open '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw CompileError::Io("cannot read '" + path + "'");
  return read_tflite(std::move(bytes));
}

}  // namespace hbc
