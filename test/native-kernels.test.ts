// syncgrad's kernels for native TensorFlow (common/backend/native/kernels.ts) against the pure-JS
// cpu backend on the same inputs: ReLU's gradient, the bias gradient, the max-pool gradient with
// ties, the conv with its bias fused, and inference with BatchNorm folded into its convs; then the
// seed model's whole gradient, and a training step that leaves neither tfjs tensors nor the
// binding's TensorFlow handles behind.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../common/backend/select.js';
import { BATCH_NORM_TRAIN_KERNEL, RELU_GRAD_KERNEL, nativeKernelReport } from '../common/backend/native/kernels.js';
import { BatchNorm } from '../common/model/layers/batch-norm.js';
import { Cnn } from '../common/model/cnn.js';
import { buildModel, createNet } from '../common/model/build.js';
import type { ModelFactory } from '../common/model/user-model.js';
import type * as tfl from '@tensorflow/tfjs';
import { Adam } from '../common/optim/tf-adam.js';
import { computeGradients, trainStep, type BatchTensors } from '../common/train/step.js';
import { Rng } from '../common/rng.js';
import { restoreLegacyUtil } from '../common/backend/native/compat.js';

before(async () => {
  await initBackend('tensorflow');
});

type Arrays = Float32Array[];

/** Runs `f` on native TensorFlow and on the cpu backend from the same host arrays; returns both results' data. */
async function onBoth(
  inputs: { shape: number[]; data: Float32Array }[],
  f: (...ts: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<{ native: Arrays; cpu: Arrays }> {
  const run = () =>
    tf.tidy(() => {
      const out = f(...inputs.map((i) => tf.tensor(i.data, i.shape, 'float32')));
      return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array).map((a) => Float32Array.from(a));
    });
  const native = run();
  await tf.setBackend('cpu');
  try {
    return { native, cpu: run() };
  } finally {
    await tf.setBackend('tensorflow');
  }
}

function assertClose(got: Arrays, want: Arrays, tolerance: number, what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, k) => {
    const w = want[k]!;
    assert.equal(g.length, w.length, `${what}[${k}]: length`);
    let scale = 0;
    for (const v of w) scale = Math.max(scale, Math.abs(v));
    let diff = 0;
    for (let i = 0; i < w.length; i++) diff = Math.max(diff, Math.abs(g[i]! - w[i]!));
    assert.ok(diff <= tolerance * Math.max(1, scale), `${what}[${k}]: max |Δ| ${diff} (scale ${scale})`);
  });
}

function normal(seed: number, shape: number[]): { shape: number[]; data: Float32Array } {
  const rng = new Rng(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()) };
}

/** ReLU'd values on a coarse grid: many zeros and many exact ties inside pooling windows. */
function tied(seed: number, shape: number[]): { shape: number[]; data: Float32Array } {
  const rng = new Rng(seed);
  return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.max(0, rng.int(5) - 2)) };
}

test('native kernels - every replacement passed its probe on this x86-64 build of TensorFlow', () => {
  const r = nativeKernelReport();
  assert.deepEqual(r.skipped, {});
  for (const k of [RELU_GRAD_KERNEL, 'Sum', 'MaxPoolGrad', 'FusedConv2D']) assert.ok(r.installed.includes(k), `${k} installed: ${JSON.stringify(r)}`);
});

test('native kernels - ReluGrad gives dy where y > 0 and 0 elsewhere, as dy × step(y) on the cpu backend', async () => {
  const dy = normal(1, [2, 5, 6, 4]);
  const y = tied(2, [2, 5, 6, 4]);
  const native = tf.tidy(() =>
    Float32Array.from(
      tf
        .engine()
        .runKernel<tf.Tensor>(RELU_GRAD_KERNEL, { dy: tf.tensor(dy.data, dy.shape), y: tf.tensor(y.data, y.shape) })
        .dataSync() as Float32Array,
    ),
  );
  const { cpu } = await onBoth([dy, y], (d, v) => tf.mul(d, tf.step(v)));
  assertClose([native], cpu, 0, 'relu grad');
});

test('native kernels - a bias gradient (a sum over all axes but the last) and other sums match the cpu backend', async () => {
  const x = normal(3, [3, 5, 7, 4]);
  const { native, cpu } = await onBoth([x], (t) => [
    tf.sum(t, [0, 1, 2]),
    tf.sum(t, [0, 1]),
    tf.sum(t, 3),
    tf.sum(t, [0, 1, 2], true),
    tf.sum(tf.reshape(t, [105, 4]), 0),
  ]);
  assertClose(native, cpu, 1e-5, 'sums');
});

test('native kernels - max-pool gradients (2x2/2 valid, 3x3/2 same, odd sizes) match the cpu backend, ties going to the first maximum', async () => {
  for (const [shape, size, stride, pad] of [
    [[2, 8, 6, 3], 2, 2, 'valid'],
    [[1, 7, 9, 2], 3, 2, 'same'],
    [[2, 9, 7, 3], 2, 2, 'valid'],
  ] as const) {
    const x = tied(4, [...shape]);
    const pooled = tf.tidy(() => tf.maxPool(tf.zeros<tf.Rank.R4>([...shape]), size, stride, pad).shape);
    const dy = normal(5, pooled);
    const { native, cpu } = await onBoth([x, dy], (t, g) => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, size, stride, pad), g)))(t));
    assertClose(native, cpu, 0, `maxPool ${size}/${stride} ${pad} on [${shape.join(',')}]`);
  }
});

test('native kernels - conv2d with a fused bias, relu or linear, same or valid, stride 1 or 2, matches the cpu backend', async () => {
  for (const [activation, pad, strides] of [
    ['relu', 'same', 1],
    ['linear', 'valid', 1],
    ['relu', 'valid', 2],
  ] as const) {
    const x = normal(6, [2, 9, 8, 3]);
    const w = normal(7, [3, 3, 3, 5]);
    const b = normal(8, [5]);
    const { native, cpu } = await onBoth([x, w, b], (t, f, bias) =>
      tf.fused.conv2d({ x: t as tf.Tensor4D, filter: f as tf.Tensor4D, bias: bias, strides, pad, activation }),
    );
    assertClose(native, cpu, 1e-5, `fused conv ${activation} ${pad} stride ${strides}`);
  }
});

function batch(n: number, size: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = new Rng(seed);
  return { x: Float32Array.from({ length: n * size * size * 3 }, () => rng.next() * 2 - 1), y: Int32Array.from({ length: n }, () => rng.int(6)) };
}

test("native kernels - the seed model's gradient at 16² with dropout matches the cpu backend within 1e-4", async () => {
  const cfg = { imageSize: 16, channels: 3 as const, classes: 6, dropout: 0.2 };
  const { x, y } = batch(2, 16, 9);
  const grads = () => {
    const model = Cnn.create(cfg, 3);
    const b: BatchTensors = { x: tf.tensor4d(x, [2, 16, 16, 3]), y: tf.tensor1d(y, 'int32'), ids: [5, 6] };
    try {
      const r = computeGradients(model, b, { dropoutSeed: 11 });
      const out = r.grads.map((g) => Float32Array.from(g.dataSync() as Float32Array));
      tf.dispose(r.grads);
      return { out, loss: r.loss };
    } finally {
      tf.dispose([b.x, b.y]);
      model.dispose();
    }
  };
  const native = grads();
  await tf.setBackend('cpu');
  const cpu = grads();
  await tf.setBackend('tensorflow');
  assert.ok(Math.abs(native.loss - cpu.loss) <= 1e-5, `loss ${native.loss} vs ${cpu.loss}`);
  assertClose(native.out, cpu.out, 1e-4, 'gradient');
});

test("native kernels - training steps leave tf.memory() and the binding's TensorFlow handles unchanged", () => {
  const binding = (tf.backend() as unknown as { binding: { getNumOfTensors(): number } }).binding;
  const cfg = { imageSize: 32, channels: 3 as const, classes: 6, dropout: 0.2 };
  const model = Cnn.create(cfg, 1);
  const opt = new Adam(1e-3, model.params);
  const { x, y } = batch(6, 32, 2);
  const b: BatchTensors = { x: tf.tensor4d(x, [6, 32, 32, 3]), y: tf.tensor1d(y, 'int32'), ids: [0, 1, 2, 3, 4, 5] };
  try {
    // The first step creates Adam's slots; from then on nothing may accumulate, micro-batches or not.
    trainStep(model, opt, b, { dropoutSeed: 1 });
    const before = { ...tf.memory(), handles: binding.getNumOfTensors() };
    for (let i = 0; i < 4; i++) trainStep(model, opt, b, { dropoutSeed: 2 + i, microBatch: i % 2 === 0 ? 6 : 4 });
    assert.equal(tf.memory().numTensors, before.numTensors);
    assert.equal(tf.memory().numBytes, before.numBytes);
    assert.equal(binding.getNumOfTensors(), before.handles);
  } finally {
    tf.dispose([b.x, b.y]);
    opt.dispose();
    model.dispose();
  }
});

test('native kernels - the util functions tfjs-node 4.22 calls, removed in Node 23, are put back only where missing', () => {
  const gone: { isNullOrUndefined?: (v: unknown) => boolean; isArray?: (v: unknown) => boolean } = {};
  restoreLegacyUtil(gone);
  assert.deepEqual(
    [gone.isNullOrUndefined!(null), gone.isNullOrUndefined!(undefined), gone.isNullOrUndefined!(0), gone.isArray!([]), gone.isArray!('a')],
    [true, true, false, true, false],
  );
  const own = () => false;
  const present = { isNullOrUndefined: own, isArray: own };
  restoreLegacyUtil(present);
  assert.equal(present.isNullOrUndefined, own, 'an existing function is left alone');
});

test("native kernels - BatchNorm in training (TensorFlow's fused op and its gradient op) matches the cpu backend: output, gradients and running statistics", async () => {
  const x = normal(7, [4, 5, 5, 3]);
  const dy = normal(8, [4, 5, 5, 3]);
  const { native, cpu } = await onBoth([x, dy], (t, g) => {
    const bn = new BatchNorm({ name: 'bn_probe' });
    bn.build(t.shape);
    const [gamma, beta] = bn.trainableWeights.map((w) => w.read() as tf.Variable) as [tf.Variable, tf.Variable];
    let out: tf.Tensor | undefined;
    const loss = (input: tf.Tensor) => {
      const y = bn.apply(input, { training: true }) as tf.Tensor;
      out ??= tf.keep(y);
      return tf.sum(tf.mul(y, g));
    };
    const { grads } = tf.variableGrads(() => loss(t) as tf.Scalar, [gamma, beta]);
    const running = bn.nonTrainableWeights.map((w) => tf.clone(w.read()));
    const dx = tf.grad((v: tf.Tensor) => loss(v))(t);
    return [out!, dx, grads[gamma.name]!, grads[beta.name]!, ...running];
  });
  assertClose(native, cpu, 1e-4, 'batch norm');
  assert.ok(nativeKernelReport().installed.includes(BATCH_NORM_TRAIN_KERNEL));
});

test("native kernels - ReLU's and ReLU6's gradients (TensorFlow's ReluGrad and Relu6Grad) match the cpu backend; ReLU6's is 0 at 0 and at 6", async () => {
  const x = { shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => [-1, 0, 0.5, 3, 6, 7][i % 6]!) };
  const dy = normal(9, [2, 3, 4]);
  const { native, cpu } = await onBoth([x, dy], (t, g) => [
    tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), g)))(t),
    tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu6(v), g)))(t),
  ]);
  assertClose(native, cpu, 0, 'relu, relu6 gradients');
  native[1]!.forEach((v, i) => {
    if (x.data[i] === 0 || x.data[i] === 6) assert.ok(v === 0, `relu6' at ${x.data[i]} is ${v}`);
  });
});

test('native kernels - inference with BatchNorm folded into its convs (resnet18, mobilenet-v2, a Sequential user model) matches the unfolded net on the cpu backend', async () => {
  const base = { imageSize: 32, channels: 3 as const, classes: 6, dropout: 0 };
  const sequential: ModelFactory = ({ tf: t, layers, imageSize, channels, classes }) =>
    t.sequential({
      layers: [
        t.layers.conv2d({ inputShape: [imageSize, imageSize, channels], filters: 8, kernelSize: 3, useBias: true, name: 'c1' }),
        layers.batchNorm({ name: 'bn1' }),
        t.layers.reLU({ name: 'r1' }),
        t.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, useBias: false, name: 'dw' }),
        layers.batchNorm({ name: 'bn2' }),
        t.layers.flatten(),
        t.layers.dense({ units: classes }),
      ],
    });
  for (const [choice, folds] of [
    ['resnet18', 20],
    ['mobilenet-v2', 52],
    [sequential, 2],
  ] as const) {
    const { config, initial } = await buildModel(choice, base, 3);
    const rng = new Rng(5);
    // Running statistics away from their initial 0 and 1, so that folding has something to fold.
    const weights = initial.map((w, i) =>
      config.layers!.params[i]!.buffer ? w.map(() => (/variance$/.test(config.layers!.params[i]!.name) ? 0.5 + rng.next() : rng.normal() * 0.1)) : w,
    );
    const x = normal(9, [4, 32, 32, 3]);
    const logits = async (fold: boolean) => {
      const net = await createNet(config, weights);
      try {
        if (fold) await net.foldForInference!();
        const layersBefore = (net as unknown as { model: tfl.LayersModel }).model.layers.length;
        const folded = (net as unknown as { folded?: { model: tfl.LayersModel; pairs: unknown[] } }).folded;
        if (fold) assert.equal(folded?.pairs.length, folds, `${String(config.arch)}: convs folded`);
        if (fold) assert.ok(folded!.model.layers.length < layersBefore);
        return tf.tidy(() => Float32Array.from(net.forward(tf.tensor4d(x.data, x.shape as [number, number, number, number]), { training: false }).dataSync()));
      } finally {
        net.dispose();
      }
    };
    const folded = await logits(true);
    await tf.setBackend('cpu');
    let reference: Float32Array;
    try {
      reference = await logits(false);
    } finally {
      await tf.setBackend('tensorflow');
    }
    assertClose([folded], [reference], 1e-4, `${String(config.arch)} folded`);
  }
});
