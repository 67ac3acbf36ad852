// tflite_writer.mjs: writes .tflite files (TFLite FlatBuffer schema, file
// identifier "TFL3", schema version 3) with the `flatbuffers` Builder.
//
// Only the tables the generated test models need are written: Model, SubGraph,
// Tensor, QuantizationParameters, Buffer, Operator, OperatorCode and the
// builtin options of the supported operators. Field ids (vtable slots) and
// enum values are those of tensorflow/lite/schema/schema.fbs; each table below
// lists its slots so a reader can check them against the schema.
import * as fb from 'flatbuffers';

// TensorType (schema.fbs).
export const TensorType = { float32: 0, int32: 2, uint8: 3, int64: 4, bool: 6, int16: 7, int8: 9 };
export const dtypeBytes = { float32: 4, int32: 4, uint8: 1, int64: 8, bool: 1, int16: 2, int8: 1 };

// BuiltinOperator (schema.fbs).
export const Op = {
  ADD: 0, AVERAGE_POOL_2D: 1, CONCATENATION: 2, CONV_2D: 3, DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6, FULLY_CONNECTED: 9, LOGISTIC: 14, MAX_POOL_2D: 17, MUL: 18, RELU: 19,
  RELU_N1_TO_1: 20, RELU6: 21, RESHAPE: 22, SOFTMAX: 25, TANH: 28, PAD: 34, MEAN: 40, SUB: 41,
  SQUEEZE: 43, STRIDED_SLICE: 45, TRANSPOSE_CONV: 67, LEAKY_RELU: 98, QUANTIZE: 114,
  HARD_SWISH: 117,
};
export const opName = Object.fromEntries(Object.entries(Op).map(([k, v]) => [v, k]));

// Padding and ActivationFunctionType (schema.fbs).
export const Padding = { SAME: 0, VALID: 1 };
export const Act = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 };

// BuiltinOptions union member ids and their tables' fields as
// [slot, kind, name]. kind: i8 | bool | i32 | f32 | i32vec.
const OPTIONS = {
  Conv2DOptions: [1, [[0, 'i8', 'padding'], [1, 'i32', 'stride_w'], [2, 'i32', 'stride_h'],
    [3, 'i8', 'fused_activation_function'], [4, 'i32', 'dilation_w_factor', 1],
    [5, 'i32', 'dilation_h_factor', 1]]],
  DepthwiseConv2DOptions: [2, [[0, 'i8', 'padding'], [1, 'i32', 'stride_w'],
    [2, 'i32', 'stride_h'], [3, 'i32', 'depth_multiplier'], [4, 'i8', 'fused_activation_function'],
    [5, 'i32', 'dilation_w_factor', 1], [6, 'i32', 'dilation_h_factor', 1]]],
  Pool2DOptions: [5, [[0, 'i8', 'padding'], [1, 'i32', 'stride_w'], [2, 'i32', 'stride_h'],
    [3, 'i32', 'filter_width'], [4, 'i32', 'filter_height'],
    [5, 'i8', 'fused_activation_function']]],
  FullyConnectedOptions: [8, [[0, 'i8', 'fused_activation_function'], [1, 'i8', 'weights_format'],
    [2, 'bool', 'keep_num_dims'], [3, 'bool', 'asymmetric_quantize_inputs']]],
  SoftmaxOptions: [9, [[0, 'f32', 'beta']]],
  ConcatenationOptions: [10, [[0, 'i32', 'axis'], [1, 'i8', 'fused_activation_function']]],
  AddOptions: [11, [[0, 'i8', 'fused_activation_function'], [1, 'bool', 'pot_scale_int16', true]]],
  ReshapeOptions: [17, [[0, 'i32vec', 'new_shape']]],
  MulOptions: [21, [[0, 'i8', 'fused_activation_function']]],
  PadOptions: [22, []],
  ReducerOptions: [27, [[0, 'bool', 'keep_dims']]],
  SubOptions: [28, [[0, 'i8', 'fused_activation_function'], [1, 'bool', 'pot_scale_int16', true]]],
  SqueezeOptions: [30, [[0, 'i32vec', 'squeeze_dims']]],
  StridedSliceOptions: [32, [[0, 'i32', 'begin_mask'], [1, 'i32', 'end_mask'],
    [2, 'i32', 'ellipsis_mask'], [3, 'i32', 'new_axis_mask'], [4, 'i32', 'shrink_axis_mask'],
    [5, 'bool', 'offset']]],
  DequantizeOptions: [38, []],
  TransposeConvOptions: [49, [[0, 'i8', 'padding'], [1, 'i32', 'stride_w'], [2, 'i32', 'stride_h'],
    [3, 'i8', 'fused_activation_function']]],
  LeakyReluOptions: [75, [[0, 'f32', 'alpha']]],
  QuantizeOptions: [89, []],
  HardSwishOptions: [91, []],
};

function int32Vector(b, values) {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]);
  return b.endVector();
}

function optionsTable(b, typeName, values) {
  const fields = OPTIONS[typeName][1];
  // Vectors must be created before the table starts.
  const vecs = {};
  for (const [, kind, name] of fields)
    if (kind === 'i32vec' && values[name] !== undefined) vecs[name] = int32Vector(b, values[name]);
  b.startObject(fields.length ? Math.max(...fields.map((f) => f[0])) + 1 : 0);
  for (const [slot, kind, name, dflt] of fields) {
    const v = values[name];
    if (v === undefined) continue;
    switch (kind) {
      case 'i8': b.addFieldInt8(slot, v, dflt ?? 0); break;
      case 'bool': b.addFieldInt8(slot, v ? 1 : 0, dflt ? 1 : 0); break;
      case 'i32': b.addFieldInt32(slot, v, dflt ?? 0); break;
      case 'f32': b.addFieldFloat32(slot, v, 0); break;
      case 'i32vec': b.addFieldOffset(slot, vecs[name], 0); break;
      default: throw new Error(`bad option kind ${kind}`);
    }
  }
  return b.endObject();
}

// Typed-array bytes of constant data, little-endian.
export function encode(dtype, values) {
  const n = values.length;
  const buf = new ArrayBuffer(n * dtypeBytes[dtype]);
  const dv = new DataView(buf);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    switch (dtype) {
      case 'float32': dv.setFloat32(i * 4, v, true); break;
      case 'int32': dv.setInt32(i * 4, v, true); break;
      case 'int64': dv.setBigInt64(i * 8, BigInt(v), true); break;
      case 'int16': dv.setInt16(i * 2, v, true); break;
      case 'int8': dv.setInt8(i, v); break;
      case 'uint8': dv.setUint8(i, v); break;
      default: throw new Error(`cannot encode ${dtype}`);
    }
  }
  return new Uint8Array(buf);
}

// Collects one subgraph's tensors and operators, then serializes the model.
export class ModelWriter {
  constructor(description = 'hilbench oracle test model') {
    this.description = description;
    this.tensors = [];
    this.buffers = [null];  // buffer 0: the empty sentinel non-constant tensors use
    this.ops = [];
    this.opcodes = [];      // [{code, version}]
  }

  // t: {name, dtype, shape, scale?: number|number[], zeroPoint?: number|number[],
  //     qdim?: number, data?: number[] (constant values, encoded as dtype)}.
  // Returns the tensor index.
  tensor(t) {
    let buffer = 0;
    if (t.data !== undefined) {
      buffer = this.buffers.length;
      this.buffers.push(t.data instanceof Uint8Array ? t.data : encode(t.dtype, t.data));
    }
    this.tensors.push({ ...t, buffer });
    return this.tensors.length - 1;
  }

  // code: Op value; options: {type: 'Conv2DOptions', ...fields} or null.
  op(code, inputs, outputs, options = null, version = 1) {
    let idx = this.opcodes.findIndex((o) => o.code === code && o.version === version);
    if (idx < 0) { this.opcodes.push({ code, version }); idx = this.opcodes.length - 1; }
    this.ops.push({ opcodeIndex: idx, inputs, outputs, options });
  }

  // Returns the .tflite bytes; inputs/outputs are tensor indices.
  finish(inputs, outputs) {
    const b = new fb.Builder(4096);
    // Buffer { data:[ubyte] (0), offset:ulong (1), size:ulong (2) }. Data is
    // 16-byte aligned so int32/int64 constants are naturally aligned in the file.
    const bufferOffs = this.buffers.map((d) => {
      let dataOff = 0;
      if (d) {
        b.startVector(1, d.length, 16);
        for (let i = d.length - 1; i >= 0; i--) b.addInt8(d[i]);
        dataOff = b.endVector();
      }
      b.startObject(3);
      if (d) b.addFieldOffset(0, dataOff, 0);
      return b.endObject();
    });
    // Tensor { shape (0), type:byte (1), buffer:uint (2), name (3), quantization (4) }.
    // QuantizationParameters { min (0), max (1), scale:[float] (2),
    //   zero_point:[long] (3), details_type (4), details (5), quantized_dimension:int (6) }.
    const tensorOffs = this.tensors.map((t) => {
      const shape = int32Vector(b, t.shape);
      const name = b.createString(t.name);
      let quant = 0;
      if (t.scale !== undefined) {
        const scales = [].concat(t.scale);
        const zps = [].concat(t.zeroPoint ?? 0);
        while (zps.length < scales.length) zps.push(zps[0]);
        b.startVector(4, scales.length, 4);
        for (let i = scales.length - 1; i >= 0; i--) b.addFloat32(scales[i]);
        const sv = b.endVector();
        b.startVector(8, zps.length, 8);
        for (let i = zps.length - 1; i >= 0; i--) b.addInt64(BigInt(zps[i]));
        const zv = b.endVector();
        b.startObject(7);
        b.addFieldOffset(2, sv, 0);
        b.addFieldOffset(3, zv, 0);
        b.addFieldInt32(6, t.qdim ?? 0, 0);
        quant = b.endObject();
      }
      b.startObject(5);
      b.addFieldOffset(0, shape, 0);
      b.addFieldInt8(1, TensorType[t.dtype], 0);
      b.addFieldInt32(2, t.buffer, 0);
      b.addFieldOffset(3, name, 0);
      if (quant) b.addFieldOffset(4, quant, 0);
      return b.endObject();
    });
    // Operator { opcode_index:uint (0), inputs (1), outputs (2),
    //   builtin_options_type:ubyte (3), builtin_options (4) }.
    const opOffs = this.ops.map((o) => {
      const ins = int32Vector(b, o.inputs);
      const outs = int32Vector(b, o.outputs);
      let optType = 0;
      let opt = 0;
      if (o.options) {
        const { type, ...values } = o.options;
        if (!OPTIONS[type]) throw new Error(`unknown options table ${type}`);
        optType = OPTIONS[type][0];
        opt = optionsTable(b, type, values);
      }
      b.startObject(5);
      b.addFieldInt32(0, o.opcodeIndex, 0);
      b.addFieldOffset(1, ins, 0);
      b.addFieldOffset(2, outs, 0);
      if (o.options) {
        b.addFieldInt8(3, optType, 0);
        b.addFieldOffset(4, opt, 0);
      }
      return b.endObject();
    });
    // OperatorCode { deprecated_builtin_code:byte (0), custom_code (1),
    //   version:int = 1 (2), builtin_code:int (3) }. Readers take the max of
    // the two codes; every code used here fits the deprecated byte.
    const codeOffs = this.opcodes.map((c) => {
      b.startObject(4);
      b.addFieldInt8(0, Math.min(c.code, 127), 0);
      b.addFieldInt32(2, c.version, 1);
      b.addFieldInt32(3, c.code, 0);
      return b.endObject();
    });
    const vecOf = (offs) => {
      b.startVector(4, offs.length, 4);
      for (let i = offs.length - 1; i >= 0; i--) b.addOffset(offs[i]);
      return b.endVector();
    };
    // SubGraph { tensors (0), inputs (1), outputs (2), operators (3), name (4) }.
    const tv = vecOf(tensorOffs);
    const iv = int32Vector(b, inputs);
    const ov = int32Vector(b, outputs);
    const opv = vecOf(opOffs);
    const sgName = b.createString('main');
    b.startObject(5);
    b.addFieldOffset(0, tv, 0);
    b.addFieldOffset(1, iv, 0);
    b.addFieldOffset(2, ov, 0);
    b.addFieldOffset(3, opv, 0);
    b.addFieldOffset(4, sgName, 0);
    const sg = b.endObject();
    // Model { version:uint (0), operator_codes (1), subgraphs (2),
    //   description (3), buffers (4) }.
    const codes = vecOf(codeOffs);
    const sgs = vecOf([sg]);
    const desc = b.createString(this.description);
    const bufs = vecOf(bufferOffs);
    b.startObject(5);
    b.addFieldInt32(0, 3, 0);
    b.addFieldOffset(1, codes, 0);
    b.addFieldOffset(2, sgs, 0);
    b.addFieldOffset(3, desc, 0);
    b.addFieldOffset(4, bufs, 0);
    const model = b.endObject();
    b.finish(model, 'TFL3');
    return b.asUint8Array().slice();
  }
}
