// gen_gate_models.mjs: the gate suite's model pair, written with the oracle
// suite's .tflite writer (tests/oracle/tflite_writer.mjs):
//
//   tiny_base.tflite  input 1x12x12x4 int8 -> CONV_2D 3x3 (8 ch, SAME, ReLU)
//                     -> CONV_2D 1x1 (8 ch) -> output 1x12x12x8
//   tiny_slow.tflite  the same, plus one more CONV_2D 3x3 8->8 (SAME, ReLU)
//                     between them: the "model that really is slower"
//
// Both have the same input and output, so they are the same model to a CI
// gate (one key, tiny.tflite) before and after a change that adds a layer.
// Weights come from a fixed LCG, so the bytes never change.
//
//   node tests/gate/data/gen_gate_models.mjs tests/gate/data
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Act, ModelWriter, Op, Padding } from '../../oracle/tflite_writer.mjs';

class Lcg {
  constructor(seed) { this.x = seed >>> 0; }
  next() {
    this.x = (Math.imul(1103515245, this.x) + 12345) & 0x7fffffff;
    return this.x;
  }
  int(lo, hi) { return lo + Math.floor((this.next() / 2147483648) * (hi - lo + 1)); }
}

function build(extraLayer) {
  const rng = new Lcg(5);
  const m = new ModelWriter(extraLayer ? 'hilbench gate test model (slow)' : 'hilbench gate test model');
  const act = (name, c) => m.tensor({ name, dtype: 'int8', shape: [1, 12, 12, c], scale: 0.05, zeroPoint: -3 });
  const conv = (name, x, cin, cout, k, relu) => {
    const n = cout * k * k * cin;
    const w = m.tensor({ name: `${name}/w`, dtype: 'int8', shape: [cout, k, k, cin],
                         scale: Array.from({ length: cout }, () => 0.01), zeroPoint: 0, qdim: 0,
                         data: Array.from({ length: n }, () => rng.int(-60, 60)) });
    const b = m.tensor({ name: `${name}/b`, dtype: 'int32', shape: [cout],
                         scale: Array.from({ length: cout }, () => 0.05 * 0.01), zeroPoint: 0,
                         data: Array.from({ length: cout }, () => rng.int(-200, 200)) });
    const y = act(`${name}/y`, cout);
    m.op(Op.CONV_2D, [x, w, b], [y], { type: 'Conv2DOptions', padding: Padding.SAME, stride_w: 1,
                                       stride_h: 1,
                                       fused_activation_function: relu ? Act.RELU : Act.NONE });
    return y;
  };
  const x = act('input', 4);
  let h = conv('conv1', x, 4, 8, 3, true);
  if (extraLayer) h = conv('conv_extra', h, 8, 8, 3, true);
  const y = conv('conv2', h, 8, 8, 1, false);
  return m.finish([x], [y]);
}

const out = process.argv[2] ?? '.';
writeFileSync(join(out, 'tiny_base.tflite'), build(false));
writeFileSync(join(out, 'tiny_slow.tflite'), build(true));
