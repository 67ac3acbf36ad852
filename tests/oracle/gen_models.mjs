// gen_models.mjs: the catalogue of small generated .tflite test models, one
// operator each, spanning every supported operator's parameter space (strides,
// padding, dilation, per-tensor/per-channel, bias or not, fused activations,
// broadcast, axes, masks, betas, int8 and 16x8).
//
// Everything is deterministic: weights, biases and quantization scales come
// from a seeded LCG keyed by the case name, so a case's bytes never change
// unless its definition does.
//
// Library:  import { buildCases } -> [{name, op, dtype, params, roundingSensitive,
//                                      inputs:[{dtype, shape, scale, zeroPoint}], tflite}]
// CLI:      node gen_models.mjs OUTDIR   (writes only the .tflite files)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Act, ModelWriter, Op, Padding, opName } from './tflite_writer.mjs';

// The golden LCG (golden/README.md): x = (1103515245 x + 12345) mod 2^31.
export class Lcg {
  constructor(seed) { this.x = seed >>> 0 & 0x7fffffff; }
  next31() {
    this.x = (Math.imul(1103515245, this.x) + 12345) & 0x7fffffff;
    return this.x;
  }
  byte() { return (this.next31() >> 16) & 255; }
  uniform(lo, hi) { return lo + (hi - lo) * (this.next31() / 2147483648); }
  int(lo, hi) { return lo + Math.floor(this.uniform(0, hi - lo + 1)); }  // inclusive
}

// FNV-1a of the case name: a stable per-case seed.
export function seedOf(name) {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return (h & 0x7ffffffe) + 1;
}

const f32 = Math.fround;
const prod = (s) => s.reduce((a, b) => a * b, 1);
const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

// Activation quantization: int8 with a zero point off centre; int16 symmetric
// (zero point 0, as TFLite's 16x8 scheme requires).
function actQ(rng, dtype, lo = 0.02, hi = 0.08) {
  if (dtype === 'int16') return { scale: f32(rng.uniform(lo, hi) / 256), zeroPoint: 0 };
  return { scale: f32(rng.uniform(lo, hi)), zeroPoint: rng.int(-40, 40) };
}

// Typical int8/int16 input spread in quantized units (the LCG input bytes are
// uniform, so about 74 for int8 and 18900 for int16); used to size output scales.
const inStd = (dtype) => (dtype === 'int16' ? 18900 : 74);
const outStd = (dtype) => (dtype === 'int16' ? 6000 : 45);

class Ctx {
  constructor(name) {
    this.m = new ModelWriter(`hilbench oracle case ${name}`);
    this.rng = new Lcg(seedOf(name));
    this.ins = [];
  }
  act(name, dtype, shape, q) {
    return this.m.tensor({ name, dtype, shape, ...(q ?? {}) });
  }
  input(name, dtype, shape, q) {
    const i = this.act(name, dtype, shape, q);
    this.ins.push(i);
    return i;
  }
  constI32(name, values, shape = [values.length]) {
    return this.m.tensor({ name, dtype: 'int32', shape, data: values });
  }
  // Symmetric int8 weights; per-channel scales along qdim (or one scale).
  // wmax < 127 makes small integer weights, hence effective multipliers near
  // 1 (small right shifts), where single and double rounding differ often.
  weights(name, shape, qdim, perChannel, wmax = 127) {
    const n = shape[qdim];
    const scales = range(perChannel ? n : 1, () => f32(this.rng.uniform(0.003, 0.02)));
    const data = range(prod(shape), () => this.rng.int(-wmax, wmax));
    const idx = this.m.tensor({ name, dtype: 'int8', shape, scale: scales, zeroPoint: 0,
                                qdim: perChannel ? qdim : 0, data });
    return { idx, scales, std: Math.sqrt((wmax * (wmax + 1)) / 3) };
  }
  // Bias with scale input_scale * weight_scale[c] (computed in float, as the
  // TFLite converter does), int32 for int8 models, int64 for 16x8.
  bias(name, n, inScale, wScales, dtype, accStd) {
    const scales = range(wScales.length, (c) => f32(inScale * wScales[c]));
    const mag = Math.round(accStd * 0.6);
    const data = range(n, () => this.rng.int(-mag, mag));
    return this.m.tensor({ name, dtype, shape: [n], scale: scales, zeroPoint: 0, qdim: 0, data });
  }
  // Output scale for an accumulation of K products, so outputs spread over
  // a good part of the range without saturating everything.
  accOutQ(dtype, inScale, wScales, K, wStd = 73) {
    const meanW = wScales.reduce((a, b) => a + b, 0) / wScales.length;
    const accStd = Math.sqrt(K) * inStd(dtype) * wStd;
    const s = f32(inScale * meanW * accStd / outStd(dtype) * this.rng.uniform(0.8, 1.25));
    return { scale: s, zeroPoint: dtype === 'int16' ? 0 : this.rng.int(-20, 20), accStd };
  }
  finish(outputs) { return this.m.finish(this.ins, outputs); }
}

const cases = [];
// Registers one case. build(ctx) returns the output tensor indices.
function def(name, op, dtype, params, build, extra = {}) {
  cases.push({ name, op, dtype, params, build, ...extra });
}

const wdt = (dtype) => (dtype === 'int16' ? 'int64' : 'int32');
const tag = (dtype) => (dtype === 'int16' ? '16x8' : 'int8');

// Output spatial size (TFLite ComputeOutSize).
function outSize(pad, n, k, s, d = 1) {
  const ek = (k - 1) * d + 1;
  return pad === 'SAME' ? Math.floor((n + s - 1) / s) : Math.floor((n - ek + s) / s);
}

// ---- CONV_2D ------------------------------------------------------------
function conv(name, dtype, p) {
  const { h = 9, w = 9, cin = 3, cout = 4, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1,
          pad = 'SAME', act = 'NONE', perChannel = true, bias = true, wmax = 127 } = p;
  def(name, 'CONV_2D', tag(dtype), p, (c) => {
    const inQ = actQ(c.rng, dtype);
    const x = c.input('input', dtype, [1, h, w, cin], inQ);
    const wt = c.weights('filter', [cout, kh, kw, cin], 0, perChannel, wmax);
    const K = kh * kw * cin;
    const oq = c.accOutQ(dtype, inQ.scale, wt.scales, K, wt.std);
    const oh = outSize(pad, h, kh, sh, dh), ow = outSize(pad, w, kw, sw, dw);
    const y = c.act('output', dtype, [1, oh, ow, cout], oq);
    const ins = [x, wt.idx];
    if (bias) ins.push(c.bias('bias', cout, inQ.scale, wt.scales, wdt(dtype), oq.accStd));
    c.m.op(Op.CONV_2D, ins, [y], { type: 'Conv2DOptions', padding: Padding[pad], stride_w: sw,
      stride_h: sh, dilation_w_factor: dw, dilation_h_factor: dh,
      fused_activation_function: Act[act] });
    return [y];
  });
}
conv('conv_s1_same', 'int8', {});
conv('conv_s2_same', 'int8', { sh: 2, sw: 2 });
conv('conv_s1_valid', 'int8', { pad: 'VALID' });
conv('conv_s2_valid_relu', 'int8', { sh: 2, sw: 2, pad: 'VALID', act: 'RELU' });
conv('conv_s2_same_relu6_even', 'int8', { h: 8, w: 8, sh: 2, sw: 2, act: 'RELU6' });
conv('conv_dil2_same', 'int8', { dh: 2, dw: 2 });
conv('conv_dil2_valid', 'int8', { dh: 2, dw: 2, pad: 'VALID', h: 10, w: 11 });
conv('conv_per_tensor', 'int8', { perChannel: false });
conv('conv_nobias', 'int8', { bias: false });
conv('conv_1x1', 'int8', { kh: 1, kw: 1, cin: 8, cout: 6 });
conv('conv_rect_k5x3_s2x1', 'int8', { kh: 5, kw: 3, sh: 2, sw: 1, h: 10, w: 7 });
conv('conv_relu_n1_to_1', 'int8', { act: 'RELU_N1_TO_1' });
conv('conv_smallw_s1_same', 'int8', { wmax: 2 });
conv('conv_smallw_s2_valid', 'int8', { wmax: 1, sh: 2, sw: 2, pad: 'VALID', cout: 8 });
conv('conv16_s1_same', 'int16', {});
conv('conv16_s2_valid_relu', 'int16', { sh: 2, sw: 2, pad: 'VALID', act: 'RELU' });
conv('conv16_dil2_same', 'int16', { dh: 2, dw: 2 });
conv('conv16_nobias', 'int16', { bias: false });

// ---- DEPTHWISE_CONV_2D ---------------------------------------------------
function dwconv(name, dtype, p) {
  const { h = 8, w = 8, cin = 4, mult = 1, kh = 3, kw = 3, sh = 1, sw = 1, dh = 1, dw = 1,
          pad = 'SAME', act = 'NONE', perChannel = true, bias = true, wmax = 127 } = p;
  def(name, 'DEPTHWISE_CONV_2D', tag(dtype), p, (c) => {
    const cout = cin * mult;
    const inQ = actQ(c.rng, dtype);
    const x = c.input('input', dtype, [1, h, w, cin], inQ);
    const wt = c.weights('filter', [1, kh, kw, cout], 3, perChannel, wmax);
    const oq = c.accOutQ(dtype, inQ.scale, wt.scales, kh * kw, wt.std);
    const oh = outSize(pad, h, kh, sh, dh), ow = outSize(pad, w, kw, sw, dw);
    const y = c.act('output', dtype, [1, oh, ow, cout], oq);
    const ins = [x, wt.idx];
    if (bias) ins.push(c.bias('bias', cout, inQ.scale, wt.scales, wdt(dtype), oq.accStd));
    c.m.op(Op.DEPTHWISE_CONV_2D, ins, [y], { type: 'DepthwiseConv2DOptions',
      padding: Padding[pad], stride_w: sw, stride_h: sh, depth_multiplier: mult,
      dilation_w_factor: dw, dilation_h_factor: dh, fused_activation_function: Act[act] });
    return [y];
  });
}
dwconv('dw_m1_s1_same', 'int8', {});
dwconv('dw_m1_s2_valid', 'int8', { sh: 2, sw: 2, pad: 'VALID', h: 9, w: 9 });
dwconv('dw_m1_s2_same_relu6', 'int8', { sh: 2, sw: 2, act: 'RELU6' });
dwconv('dw_m2_s1_same', 'int8', { mult: 2 });
dwconv('dw_m2_s2_valid_relu', 'int8', { mult: 2, sh: 2, sw: 2, pad: 'VALID', act: 'RELU' });
dwconv('dw_m2_cin1', 'int8', { mult: 2, cin: 1 });
dwconv('dw_dil2_same', 'int8', { dh: 2, dw: 2 });
dwconv('dw_per_tensor', 'int8', { perChannel: false });
dwconv('dw_nobias', 'int8', { bias: false });
dwconv('dw_rect_k3x1', 'int8', { kh: 3, kw: 1, h: 10, w: 5 });
dwconv('dw_smallw_m1', 'int8', { wmax: 2 });
dwconv('dw_smallw_m2_s2', 'int8', { wmax: 1, mult: 2, sh: 2, sw: 2 });
dwconv('dw16_m1_s1_same', 'int16', {});
dwconv('dw16_m2_s2_valid', 'int16', { mult: 2, sh: 2, sw: 2, pad: 'VALID', h: 9, w: 9 });
dwconv('dw16_dil2_relu', 'int16', { dh: 2, dw: 2, act: 'RELU' });

// ---- FULLY_CONNECTED -----------------------------------------------------
function fc(name, dtype, p) {
  const { inShape = [2, 16], units = 5, act = 'NONE', bias = true, keep = false,
          perChannel = false, wmax = 127 } = p;
  def(name, 'FULLY_CONNECTED', tag(dtype), p, (c) => {
    const K = inShape[inShape.length - 1];
    const inQ = actQ(c.rng, dtype);
    const x = c.input('input', dtype, inShape, inQ);
    const wt = c.weights('weights', [units, K], 0, perChannel, wmax);
    const oq = c.accOutQ(dtype, inQ.scale, wt.scales, K, wt.std);
    const batch = prod(inShape) / K;
    const outShape = keep ? [...inShape.slice(0, -1), units] : [batch, units];
    const y = c.act('output', dtype, outShape, oq);
    const ins = [x, wt.idx];
    if (bias) ins.push(c.bias('bias', units, inQ.scale, wt.scales, wdt(dtype), oq.accStd));
    c.m.op(Op.FULLY_CONNECTED, ins, [y], { type: 'FullyConnectedOptions',
      fused_activation_function: Act[act], keep_num_dims: keep });
    return [y];
  });
}
fc('fc_basic', 'int8', {});
fc('fc_relu', 'int8', { act: 'RELU', units: 7 });
fc('fc_relu6', 'int8', { act: 'RELU6' });
fc('fc_nobias', 'int8', { bias: false });
fc('fc_keep_num_dims', 'int8', { inShape: [1, 3, 16], keep: true });
fc('fc_flatten_batch', 'int8', { inShape: [1, 3, 16], keep: false });
fc('fc_per_channel', 'int8', { perChannel: true });
fc('fc_k1', 'int8', { inShape: [1, 1], units: 4 });
fc('fc_smallw', 'int8', { wmax: 2, inShape: [4, 16], units: 8 });
fc('fc_smallw_per_channel', 'int8', { wmax: 1, inShape: [3, 8], units: 6, perChannel: true });
fc('fc16_basic', 'int16', {});
fc('fc16_relu_keep', 'int16', { act: 'RELU', inShape: [1, 2, 12], keep: true });
fc('fc16_nobias', 'int16', { bias: false });

// ---- TRANSPOSE_CONV ------------------------------------------------------
function tconv(name, dtype, p) {
  const { h = 4, w = 4, cin = 3, cout = 4, kh = 3, kw = 3, sh = 2, sw = 2, pad = 'SAME',
          bias = true, perChannel = true } = p;
  def(name, 'TRANSPOSE_CONV', tag(dtype), p, (c) => {
    const inQ = actQ(c.rng, dtype);
    const oh = pad === 'SAME' ? h * sh : (h - 1) * sh + kh;
    const ow = pad === 'SAME' ? w * sw : (w - 1) * sw + kw;
    const shapeT = c.constI32('output_shape', [1, oh, ow, cout]);
    const wt = c.weights('filter', [cout, kh, kw, cin], 0, perChannel);
    const x = c.input('input', dtype, [1, h, w, cin], inQ);
    // Each output sums about kh*kw*cin/(sh*sw) products.
    const oq = c.accOutQ(dtype, inQ.scale, wt.scales, Math.max(1, (kh * kw * cin) / (sh * sw)));
    const y = c.act('output', dtype, [1, oh, ow, cout], oq);
    const ins = [shapeT, wt.idx, x];
    if (bias) ins.push(c.bias('bias', cout, inQ.scale, wt.scales, wdt(dtype), oq.accStd));
    c.m.op(Op.TRANSPOSE_CONV, ins, [y], { type: 'TransposeConvOptions', padding: Padding[pad],
      stride_w: sw, stride_h: sh });
    return [y];
  });
}
tconv('tconv_s2_same', 'int8', {});
tconv('tconv_s2_valid', 'int8', { pad: 'VALID' });
tconv('tconv_s1_same', 'int8', { sh: 1, sw: 1 });
tconv('tconv_s2_same_nobias', 'int8', { bias: false });
tconv('tconv_k2_s2_valid', 'int8', { kh: 2, kw: 2, pad: 'VALID', cin: 5 });
tconv('tconv_per_tensor', 'int8', { perChannel: false });
tconv('tconv16_s2_same', 'int16', {});
tconv('tconv16_s1_valid', 'int16', { sh: 1, sw: 1, pad: 'VALID' });

// ---- AVERAGE_POOL_2D / MAX_POOL_2D ---------------------------------------
function pool(name, op, p) {
  const { h = 8, w = 8, ch = 3, fh = 2, fw = 2, sh = 2, sw = 2, pad = 'VALID', act = 'NONE' } = p;
  def(name, op, 'int8', p, (c) => {
    const q = actQ(c.rng, 'int8');
    const x = c.input('input', 'int8', [1, h, w, ch], q);
    const y = c.act('output', 'int8', [1, outSize(pad, h, fh, sh), outSize(pad, w, fw, sw), ch], q);
    c.m.op(Op[op], [x], [y], { type: 'Pool2DOptions', padding: Padding[pad], stride_w: sw,
      stride_h: sh, filter_width: fw, filter_height: fh, fused_activation_function: Act[act] });
    return [y];
  }, { roundingSensitive: false });
}
for (const op of ['AVERAGE_POOL_2D', 'MAX_POOL_2D']) {
  const pre = op === 'MAX_POOL_2D' ? 'maxpool' : 'avgpool';
  pool(`${pre}_2x2_s2_valid`, op, {});
  pool(`${pre}_3x3_s1_same`, op, { fh: 3, fw: 3, sh: 1, sw: 1, pad: 'SAME' });
  pool(`${pre}_3x3_s2_same`, op, { fh: 3, fw: 3, pad: 'SAME', h: 9, w: 7 });
  pool(`${pre}_3x2_s1x2_valid_relu`, op, { fh: 3, fw: 2, sh: 1, sw: 2, act: 'RELU' });
  pool(`${pre}_global`, op, { fh: 5, fw: 5, h: 5, w: 5, ch: 6, sh: 1, sw: 1 });
  pool(`${pre}_relu6_same`, op, { fh: 2, fw: 2, pad: 'SAME', h: 7, w: 7, act: 'RELU6' });
}

// ---- ADD / SUB / MUL -----------------------------------------------------
function binary(name, op, dtype, p) {
  const { a = [1, 4, 4, 3], b = [1, 4, 4, 3], act = 'NONE' } = p;
  def(name, op, tag(dtype), p, (c) => {
    const qa = actQ(c.rng, dtype), qb = actQ(c.rng, dtype);
    const out = a.map((d, i) => Math.max(d, b[i]));
    let qo;
    if (op === 'MUL') {
      qo = { scale: f32(qa.scale * qb.scale * inStd(dtype) * inStd(dtype) / outStd(dtype) /
                        c.rng.uniform(1.5, 2.5)),
             zeroPoint: dtype === 'int16' ? 0 : c.rng.int(-20, 20) };
    } else {
      qo = actQ(c.rng, dtype, 0.04, 0.12);
    }
    const x = c.input('a', dtype, a, qa);
    const y = c.input('b', dtype, b, qb);
    const z = c.act('output', dtype, out, qo);
    const opts = { type: `${op[0]}${op.slice(1).toLowerCase()}Options`,
                   fused_activation_function: Act[act] };
    // 16x8 ADD/SUB with general (non power-of-two) scales: the converter
    // writes pot_scale_int16 = false.
    if (dtype === 'int16' && op !== 'MUL') opts.pot_scale_int16 = false;
    c.m.op(Op[op], [x, y], [z], opts);
    return [z];
  });
}
for (const op of ['ADD', 'SUB', 'MUL']) {
  const l = op.toLowerCase();
  binary(`${l}_same_shape`, op, 'int8', {});
  binary(`${l}_bcast_channel`, op, 'int8', { b: [1, 1, 1, 3] });
  binary(`${l}_bcast_both`, op, 'int8', { a: [1, 4, 1, 3], b: [1, 1, 5, 1] });
  binary(`${l}_scalar`, op, 'int8', { a: [2, 6], b: [1, 1] });
  binary(`${l}_relu`, op, 'int8', { act: 'RELU' });
  binary(`${l}_relu6_bcast`, op, 'int8', { act: 'RELU6', a: [1, 1, 1, 3], b: [1, 3, 2, 3] });
}
for (const op of ['ADD', 'SUB']) {
  const l = op.toLowerCase();
  binary(`${l}16_same_shape`, op, 'int16', {});
  binary(`${l}16_bcast_channel`, op, 'int16', { b: [1, 1, 1, 3] });
  binary(`${l}16_relu`, op, 'int16', { act: 'RELU' });
}

// ---- MEAN ----------------------------------------------------------------
function mean(name, p) {
  const { shape = [1, 4, 5, 3], axes = [1, 2], keep = true, sameQ = false } = p;
  def(name, 'MEAN', 'int8', p, (c) => {
    const qi = actQ(c.rng, 'int8');
    const qo = sameQ ? qi : actQ(c.rng, 'int8', 0.015, 0.05);
    const x = c.input('input', 'int8', shape, qi);
    const ax = c.constI32('axes', axes);
    const norm = axes.map((a) => (a < 0 ? a + shape.length : a));
    const out = keep ? shape.map((d, i) => (norm.includes(i) ? 1 : d))
                     : shape.filter((_, i) => !norm.includes(i));
    const y = c.act('output', 'int8', out, qo);
    c.m.op(Op.MEAN, [x, ax], [y], { type: 'ReducerOptions', keep_dims: keep });
    return [y];
  });
}
mean('mean_hw_keep', {});
mean('mean_hw_keep_sameq', { sameQ: true });
mean('mean_hw_nokeep', { keep: false });
mean('mean_c_keep', { axes: [3] });
mean('mean_w_nokeep', { axes: [2], keep: false });
mean('mean_neg_axis', { axes: [-1], keep: false, shape: [1, 6, 4] });

// ---- RESHAPE / SQUEEZE ---------------------------------------------------
def('reshape_flatten', 'RESHAPE', 'int8', {}, (c) => {
  const q = actQ(c.rng, 'int8');
  const x = c.input('input', 'int8', [1, 4, 4, 3], q);
  const s = c.constI32('shape', [1, 48]);
  const y = c.act('output', 'int8', [1, 48], q);
  c.m.op(Op.RESHAPE, [x, s], [y], { type: 'ReshapeOptions', new_shape: [1, 48] });
  return [y];
}, { roundingSensitive: false });
def('reshape_minus1', 'RESHAPE', 'int8', {}, (c) => {
  const q = actQ(c.rng, 'int8');
  const x = c.input('input', 'int8', [1, 6, 4], q);
  const s = c.constI32('shape', [1, -1, 2, 3]);
  const y = c.act('output', 'int8', [1, 4, 2, 3], q);
  c.m.op(Op.RESHAPE, [x, s], [y]);
  return [y];
}, { roundingSensitive: false });
def('reshape16', 'RESHAPE', '16x8', {}, (c) => {
  const q = actQ(c.rng, 'int16');
  const x = c.input('input', 'int16', [2, 3, 4], q);
  const s = c.constI32('shape', [6, 4]);
  const y = c.act('output', 'int16', [6, 4], q);
  c.m.op(Op.RESHAPE, [x, s], [y], { type: 'ReshapeOptions', new_shape: [6, 4] });
  return [y];
}, { roundingSensitive: false });
def('squeeze_dims', 'SQUEEZE', 'int8', { squeeze_dims: [1, 2] }, (c) => {
  const q = actQ(c.rng, 'int8');
  const x = c.input('input', 'int8', [1, 1, 1, 10], q);
  const y = c.act('output', 'int8', [1, 10], q);
  c.m.op(Op.SQUEEZE, [x], [y], { type: 'SqueezeOptions', squeeze_dims: [1, 2] });
  return [y];
}, { roundingSensitive: false });
def('squeeze_all', 'SQUEEZE', 'int8', { squeeze_dims: [] }, (c) => {
  const q = actQ(c.rng, 'int8');
  const x = c.input('input', 'int8', [1, 7, 1, 2], q);
  const y = c.act('output', 'int8', [7, 2], q);
  c.m.op(Op.SQUEEZE, [x], [y], { type: 'SqueezeOptions' });
  return [y];
}, { roundingSensitive: false });

// ---- PAD -----------------------------------------------------------------
function pad(name, dtype, p) {
  const { shape = [1, 4, 5, 3], pads = [[0, 0], [1, 1], [2, 0], [0, 0]] } = p;
  def(name, 'PAD', tag(dtype), p, (c) => {
    const q = actQ(c.rng, dtype);
    const x = c.input('input', dtype, shape, q);
    const pt = c.constI32('paddings', pads.flat(), [pads.length, 2]);
    const y = c.act('output', dtype, shape.map((d, i) => d + pads[i][0] + pads[i][1]), q);
    c.m.op(Op.PAD, [x, pt], [y], { type: 'PadOptions' });
    return [y];
  }, { roundingSensitive: false });
}
pad('pad_hw', 'int8', {});
pad('pad_all_dims', 'int8', { pads: [[1, 0], [0, 2], [1, 1], [0, 1]] });
pad('pad_2d', 'int8', { shape: [3, 5], pads: [[1, 2], [3, 0]] });
pad('pad16_hw', 'int16', {});
pad('pad16_c', 'int16', { pads: [[0, 0], [0, 0], [0, 0], [2, 1]] });

// ---- CONCATENATION -------------------------------------------------------
function concat(name, p) {
  const { shapes = [[1, 2, 3, 2], [1, 2, 3, 3]], axis = 3, act = 'NONE' } = p;
  def(name, 'CONCATENATION', 'int8', p, (c) => {
    const q = actQ(c.rng, 'int8');
    const xs = shapes.map((s, i) => c.input(`in${i}`, 'int8', s, q));
    const ax = axis < 0 ? axis + shapes[0].length : axis;
    const out = shapes[0].map((d, i) => (i === ax ? shapes.reduce((a, s) => a + s[i], 0) : d));
    const y = c.act('output', 'int8', out, q);
    c.m.op(Op.CONCATENATION, xs, [y], { type: 'ConcatenationOptions', axis,
                                        fused_activation_function: Act[act] });
    return [y];
  }, { roundingSensitive: false });
}
concat('concat_c', {});
concat('concat_h_3inputs', { shapes: [[1, 1, 3, 2], [1, 2, 3, 2], [1, 3, 3, 2]], axis: 1 });
concat('concat_neg_axis', { shapes: [[2, 3], [2, 4]], axis: -1 });
concat('concat_axis0', { shapes: [[1, 5], [2, 5]], axis: 0 });

// ---- STRIDED_SLICE -------------------------------------------------------
function sslice(name, dtype, p) {
  const { shape, begin, end, strides, out, masks = {} } = p;
  def(name, 'STRIDED_SLICE', tag(dtype), p, (c) => {
    const q = actQ(c.rng, dtype);
    const x = c.input('input', dtype, shape, q);
    const b = c.constI32('begin', begin), e = c.constI32('end', end);
    const s = c.constI32('strides', strides);
    const y = c.act('output', dtype, out, q);
    c.m.op(Op.STRIDED_SLICE, [x, b, e, s], [y], { type: 'StridedSliceOptions', ...masks });
    return [y];
  }, { roundingSensitive: false });
}
sslice('sslice_basic', 'int8', { shape: [1, 6, 5, 4], begin: [0, 1, 1, 0], end: [1, 5, 4, 4],
                                 strides: [1, 1, 1, 1], out: [1, 4, 3, 4] });
sslice('sslice_stride2', 'int8', { shape: [1, 7, 6, 3], begin: [0, 0, 1, 0], end: [1, 7, 6, 3],
                                   strides: [1, 2, 2, 1], out: [1, 4, 3, 3] });
sslice('sslice_masks', 'int8', { shape: [1, 6, 5, 4], begin: [0, 2, 9, 1], end: [0, 9, 3, 4],
                                 strides: [1, 1, 1, 1], out: [1, 4, 3, 3],
                                 masks: { begin_mask: 0b0101, end_mask: 0b0011 } });
sslice('sslice_shrink', 'int8', { shape: [1, 6, 5, 4], begin: [0, 2, 0, 0], end: [1, 3, 5, 4],
                                  strides: [1, 1, 1, 1], out: [1, 5, 4],
                                  masks: { shrink_axis_mask: 0b0010 } });
sslice('sslice_neg_stride', 'int8', { shape: [2, 8], begin: [0, -1], end: [2, 0],
                                      strides: [1, -2], out: [2, 4] });
sslice('sslice_neg_index', 'int8', { shape: [3, 10], begin: [-2, -7], end: [3, -1],
                                     strides: [1, 3], out: [2, 2] });
sslice('sslice16_basic', 'int16', { shape: [1, 6, 5, 4], begin: [0, 1, 0, 1], end: [1, 6, 5, 3],
                                    strides: [1, 2, 1, 1], out: [1, 3, 5, 2] });
sslice('sslice16_masks', 'int16', { shape: [4, 6], begin: [1, 0], end: [0, 5], strides: [1, 2],
                                    out: [3, 3], masks: { end_mask: 1, begin_mask: 2 } });

// ---- SOFTMAX -------------------------------------------------------------
function softmax(name, dtype, p) {
  const { shape = [1, 10], beta = 1.0, inLo = 0.02, inHi = 0.08 } = p;
  def(name, 'SOFTMAX', tag(dtype), p, (c) => {
    // TFLite/TFLM require output scale 1/256, zp -128 (int8) or 1/32768, zp 0 (int16).
    const qi = actQ(c.rng, dtype, inLo, inHi);
    const qo = dtype === 'int16' ? { scale: 1 / 32768, zeroPoint: 0 }
                                 : { scale: 1 / 256, zeroPoint: -128 };
    const x = c.input('input', dtype, shape, qi);
    const y = c.act('output', dtype, shape, qo);
    c.m.op(Op.SOFTMAX, [x], [y], { type: 'SoftmaxOptions', beta });
    return [y];
  });
}
softmax('softmax_beta1', 'int8', {});
softmax('softmax_beta0_5', 'int8', { beta: 0.5 });
softmax('softmax_beta2_3d', 'int8', { beta: 2.0, shape: [1, 3, 5] });
softmax('softmax_wide_input', 'int8', { inLo: 0.1, inHi: 0.2, shape: [2, 12] });
softmax('softmax16_beta1', 'int16', { inLo: 0.05, inHi: 0.1 });
softmax('softmax16_beta0_5_3d', 'int16', { beta: 0.5, shape: [1, 3, 6], inLo: 0.1, inHi: 0.2 });

// ---- LOGISTIC / TANH / RELU / RELU6 / LEAKY_RELU / HARD_SWISH ------------
function unary(name, op, dtype, p, outQ, options = null) {
  def(name, op, tag(dtype), p, (c) => {
    const { shape = [1, 5, 5, 2], inLo = 0.02, inHi = 0.08 } = p;
    const qi = actQ(c.rng, dtype, inLo, inHi);
    const qo = outQ === 'same' ? qi : outQ ?? actQ(c.rng, dtype, 0.02, 0.06);
    const x = c.input('input', dtype, shape, qi);
    const y = c.act('output', dtype, shape, qo);
    c.m.op(Op[op], [x], [y], options);
    return [y];
  });
}
unary('logistic', 'LOGISTIC', 'int8', {}, { scale: 1 / 256, zeroPoint: -128 });
unary('logistic_wide', 'LOGISTIC', 'int8', { inLo: 0.1, inHi: 0.2 },
      { scale: 1 / 256, zeroPoint: -128 });
unary('logistic_narrow', 'LOGISTIC', 'int8', { inLo: 0.005, inHi: 0.015 },
      { scale: 1 / 256, zeroPoint: -128 });
unary('tanh_narrow', 'TANH', 'int8', { inLo: 0.005, inHi: 0.015 }, { scale: 1 / 128, zeroPoint: 0 });
unary('tanh', 'TANH', 'int8', {}, { scale: 1 / 128, zeroPoint: 0 });
unary('tanh_wide', 'TANH', 'int8', { inLo: 0.1, inHi: 0.2 }, { scale: 1 / 128, zeroPoint: 0 });
unary('relu_requant', 'RELU', 'int8', {});
unary('relu_sameq', 'RELU', 'int8', {}, 'same');
unary('relu6_requant', 'RELU6', 'int8', {});
unary('relu6_sameq', 'RELU6', 'int8', {}, 'same');
unary('leaky_relu_a0_2', 'LEAKY_RELU', 'int8', {}, null, { type: 'LeakyReluOptions', alpha: 0.2 });
unary('leaky_relu_a0_01_sameq', 'LEAKY_RELU', 'int8', {}, 'same',
      { type: 'LeakyReluOptions', alpha: 0.01 });
unary('leaky_relu16_a0_3', 'LEAKY_RELU', 'int16', {}, null,
      { type: 'LeakyReluOptions', alpha: 0.3 });
unary('hard_swish', 'HARD_SWISH', 'int8', {});
unary('hard_swish_wide', 'HARD_SWISH', 'int8', { inLo: 0.03, inHi: 0.06 }, { scale: 0.03, zeroPoint: -100 });

// ---- QUANTIZE / DEQUANTIZE -----------------------------------------------
function quantize(name, from, to, p = {}) {
  const dtype = from === 'int16' || to === 'int16' ? '16x8' : 'int8';
  def(name, 'QUANTIZE', dtype, { from, to, ...p }, (c) => {
    const qi = from === 'float32' ? undefined : actQ(c.rng, from);
    const qo = p.sameScale ? { ...qi, zeroPoint: qi.zeroPoint + 5 } : actQ(c.rng, to);
    const x = c.input('input', from, [1, 4, 4, 3], qi);
    const y = c.act('output', to, [1, 4, 4, 3], qo);
    c.m.op(Op.QUANTIZE, [x], [y]);
    return [y];
  }, { floatRange: from === 'float32' ? 6 : undefined });
}
quantize('quantize_s8_s8', 'int8', 'int8');
quantize('quantize_s8_s8_zp_only', 'int8', 'int8', { sameScale: true });
quantize('quantize_f32_s8', 'float32', 'int8');
quantize('quantize_f32_s16', 'float32', 'int16');
quantize('quantize_s16_s8', 'int16', 'int8');
quantize('quantize_s8_s16', 'int8', 'int16');
quantize('quantize_s16_s16', 'int16', 'int16');

function dequantize(name, from) {
  def(name, 'DEQUANTIZE', from === 'int16' ? '16x8' : 'int8', { from }, (c) => {
    const x = c.input('input', from, [1, 3, 4, 2], actQ(c.rng, from));
    const y = c.act('output', 'float32', [1, 3, 4, 2]);
    c.m.op(Op.DEQUANTIZE, [x], [y]);
    return [y];
  }, { roundingSensitive: false });
}
dequantize('dequantize_s8', 'int8');
dequantize('dequantize_s16', 'int16');

// Builds every case (or those whose name matches `filter`, a RegExp).
export function buildCases(filter = null) {
  const out = [];
  for (const cs of cases) {
    if (filter && !filter.test(cs.name)) continue;
    const c = new Ctx(cs.name);
    const outputs = cs.build(c);
    const tflite = c.finish(outputs);
    const tensors = c.m.tensors;
    const io = (i) => ({ name: tensors[i].name, dtype: tensors[i].dtype, shape: tensors[i].shape,
                         scale: tensors[i].scale, zeroPoint: tensors[i].zeroPoint });
    out.push({
      name: cs.name, op: cs.op, dtype: cs.dtype, params: cs.params,
      roundingSensitive: cs.roundingSensitive ?? true, floatRange: cs.floatRange,
      opcode: Op[cs.op], opName: opName[Op[cs.op]],
      inputs: c.ins.map(io), outputs: outputs.map(io), tflite,
    });
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node gen_models.mjs OUTDIR\n');
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  const all = buildCases();
  for (const cs of all) writeFileSync(join(dir, `${cs.name}.tflite`), cs.tflite);
  process.stdout.write(`gen_models: wrote ${all.length} models to ${dir}\n`);
}
