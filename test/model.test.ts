// The model's architecture against the seed's torchsummary table (the numbers are the
// reference), PyTorch's init bounds, and the forward pass at full size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Cnn, initialWeights } from '../common/model/cnn.js';
import { paramSpecs } from '../common/model/spec.js';
import { formatSummary, summarize, type ModelSummary } from '../common/model/summary.js';
import { cli, useBackend } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

/** torchsummary for the seed, input 3×256×256, 6 classes, as PyTorch printed it. */
const SEED_TABLE: [string, number[], number][] = [
  ['Conv2d-1', [-1, 256, 256, 256], 7168],
  ['MaxPool2d-2', [-1, 256, 128, 128], 0],
  ['Dropout-3', [-1, 256, 128, 128], 0],
  ['Conv2d-4', [-1, 128, 128, 128], 295040],
  ['MaxPool2d-5', [-1, 128, 64, 64], 0],
  ['Dropout-6', [-1, 128, 64, 64], 0],
  ['Conv2d-7', [-1, 64, 62, 62], 73792],
  ['MaxPool2d-8', [-1, 64, 31, 31], 0],
  ['Flatten-9', [-1, 61504], 0],
  ['Linear-10', [-1, 256], 15745280],
  ['Linear-11', [-1, 128], 32896],
  ['Linear-12', [-1, 6], 774],
];

const SEED = { imageSize: 256, channels: 3 as const, classes: 6, dropout: 0.2 };

test('summary - reproduces every row and total of the seed table', () => {
  const s = summarize(SEED);
  assert.deepEqual(
    s.layers.map((l) => [l.name, l.outputShape, l.params]),
    SEED_TABLE,
  );
  assert.equal(s.totalParams, 16154950);
  assert.equal(s.trainableParams, 16154950);
  assert.equal(s.inputSizeMB, 0.75);
  assert.equal(s.forwardBackwardSizeMB, 218.82);
  assert.equal(s.paramsSizeMB, 61.63);
  assert.equal(s.estimatedTotalSizeMB, 281.19);
});

test('summary - table text has torchsummary layout', () => {
  const text = formatSummary(summarize(SEED));
  assert.match(text, /^ {12}Conv2d-1 {8}\[-1, 256, 256, 256\] {11}7,168$/m);
  assert.match(text, /^Total params: 16,154,950$/m);
  assert.match(text, /^Estimated Total Size \(MB\): 281\.19$/m);
});

test('summary - CLI --json prints the documented fields', async () => {
  const r = await cli('summary', '--json');
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out.join('\n')) as ModelSummary;
  for (const k of ['layers', 'totalParams', 'trainableParams', 'inputSizeMB', 'forwardBackwardSizeMB', 'paramsSizeMB', 'estimatedTotalSizeMB']) {
    assert.ok(k in j, k);
  }
  assert.equal(j.totalParams, 16154950);
  assert.deepEqual(j.layers[0], { name: 'Conv2d-1', kind: 'conv', outputShape: [-1, 256, 256, 256], params: 7168 });
});

test('summary - one input channel gives conv1 2,560 params and the flatten follows the input size', async () => {
  const r = await cli('summary', '--json', '--channels', '1', '--image-size', '64', '--classes', '10');
  const j = JSON.parse(r.out.join('\n')) as ModelSummary;
  assert.equal(j.layers[0]?.params, 2560);
  // 64 → 32 → 16 → 14 (valid conv) → 7: 64·7·7 features.
  assert.deepEqual(j.layers[8]?.outputShape, [-1, 64 * 7 * 7]);
  assert.deepEqual(j.layers[11]?.outputShape, [-1, 10]);
});

test('model - parameter specs agree with the summary total', () => {
  for (const cfg of [SEED, { ...SEED, imageSize: 32, channels: 1 as const, classes: 3 }]) {
    assert.equal(
      paramSpecs(cfg).reduce((a, s) => a + s.size, 0),
      summarize(cfg).totalParams,
    );
  }
});

test('model - init follows PyTorch default bounds 1/sqrt(fan_in) and is seeded', () => {
  const cfg = { ...SEED, imageSize: 32 };
  const a = initialWeights(cfg, 1);
  const b = initialWeights(cfg, 1);
  const c = initialWeights(cfg, 2);
  paramSpecs(cfg).forEach((spec, i) => {
    const bound = 1 / Math.sqrt(spec.fanIn);
    const w = a[i]!;
    let max = 0;
    for (const v of w) max = Math.max(max, Math.abs(v));
    assert.ok(max <= bound, `${spec.name} within bound`);
    // Uniform on ±bound: the largest of thousands of draws sits near the bound.
    if (w.length > 1000) assert.ok(max > 0.95 * bound, `${spec.name} fills the range`);
    assert.deepEqual(w, b[i]);
  });
  assert.notDeepEqual(a[0], c[0]);
});

test('model - forward at the seed size gives one logit row per image', async () => {
  await useBackend(TEST_BACKEND);
  const model = Cnn.create(SEED, 0);
  try {
    const logits = tf.tidy(() => model.forward(tf.zeros<tf.Rank.R4>([1, 256, 256, 3]), { training: false }));
    assert.deepEqual(logits.shape, [1, 6]);
    assert.ok(Array.from(logits.dataSync()).every(Number.isFinite));
    logits.dispose();
    assert.equal(model.paramCount, 16154950);
  } finally {
    model.dispose();
  }
});

test('ops - conv+bias+relu and the dropout mask give the gradients tfjs derives for conv2d, add, relu and mul', async () => {
  await useBackend(TEST_BACKEND);
  const { convBiasRelu, applyMask } = await import('../common/model/ops.js');
  const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
  for (const [pad, inputGradient] of [
    ['same', true],
    ['valid', true],
    ['same', false],
  ] as const) {
    const x = tf.variable(rand([2, 9, 9, 4], 1), true, `ops-x-${pad}-${inputGradient}`);
    const w = tf.variable(rand([3, 3, 4, 5], 2), true, `ops-w-${pad}-${inputGradient}`);
    const b = tf.variable(rand([5], 3), true, `ops-b-${pad}-${inputGradient}`);
    const mask = tf.tidy(() => tf.div<tf.Tensor4D>(tf.floor(tf.add(rand([2, 9 - (pad === 'valid' ? 2 : 0), 9 - (pad === 'valid' ? 2 : 0), 5], 4), 0.8)), 0.8));
    const vars = inputGradient ? [x, w, b] : [w, b];
    // Weighted sum so every output element's gradient differs.
    const weights = tf.tidy(() => rand(mask.shape, 5));
    const loss = (y: tf.Tensor) => tf.sum<tf.Scalar>(tf.mul(y, weights));
    const ours = tf.variableGrads(
      () => loss(applyMask(convBiasRelu(x as tf.Tensor4D, w as tf.Tensor4D, b as tf.Tensor1D, { pad, inputGradient }), () => mask.clone())),
      vars,
    );
    const ref = tf.variableGrads(() => loss(tf.mul(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad), b)), mask)), vars);
    assert.ok(Math.abs(ours.value.dataSync()[0]! - ref.value.dataSync()[0]!) < 1e-4, `${pad}: forward`);
    for (const v of vars) {
      const a = ours.grads[v.name]!.dataSync();
      const r = ref.grads[v.name]!.dataSync();
      let d = 0;
      let scale = 0;
      r.forEach((e, i) => {
        d = Math.max(d, Math.abs(e - a[i]!));
        scale = Math.max(scale, Math.abs(e));
      });
      assert.ok(scale > 0 && d <= 1e-5 * Math.max(1, scale), `${pad}, d/d${v.name}: max |Δ| ${d} (scale ${scale})`);
    }
    assert.equal(ours.grads[x.name] !== undefined, inputGradient, 'the image gradient is computed only when asked for');
    tf.dispose([ours.value, ref.value, ...Object.values(ours.grads), ...Object.values(ref.grads), x, w, b, mask, weights]);
  }
});

test('model - a created model gives back every tensor and byte when disposed (no copy of its weights left behind)', async () => {
  await useBackend(TEST_BACKEND);
  const config = { imageSize: 64, channels: 3 as const, classes: 6, dropout: 0.2 };
  const before = tf.memory();
  for (const make of [() => Cnn.create(config, 1), () => Cnn.fromWeights(config, initialWeights(config, 2))]) {
    const model = make();
    // Alive, it holds exactly one copy of its parameters.
    assert.equal(tf.memory().numTensors - before.numTensors, paramSpecs(config).length);
    assert.equal(tf.memory().numBytes - before.numBytes, model.paramCount * 4);
    model.dispose();
    assert.equal(tf.memory().numTensors, before.numTensors, 'tensors back at the baseline');
    assert.equal(tf.memory().numBytes, before.numBytes, 'bytes back at the baseline');
  }
});
