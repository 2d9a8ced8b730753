// Training math and its persistence: tensor hygiene across a step, Adam against an independent
// float64 implementation of torch.optim.Adam, checkpoint round trips, and `train` end to end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Cnn } from '../common/model/cnn.js';
import { Adam } from '../common/optim/tf-adam.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from '../common/optim/adam.js';
import { FlatAdam } from '../common/optim/flat-adam.js';
import { computeGradients, trainStep, type BatchTensors } from '../common/train/step.js';
import { loadCheckpoint, saveCheckpoint } from '../common/run/checkpoint.js';
import type { TrainReport } from '../common/run/report.js';
import { CheckpointError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import sharp from 'sharp';
import { cli, tempDir, tinyShapes, useBackend, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

const CFG = { imageSize: 16, channels: 3 as const, classes: 6, dropout: 0.2 };
let tmp: TempDir;

before(async () => {
  await useBackend(TEST_BACKEND);
  tmp = await tempDir();
});
after(async () => {
  await tmp[Symbol.asyncDispose]();
});

function batch(n: number, seed: number): BatchTensors {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * 16 * 16 * 3 }, () => rng.next());
  const y = Int32Array.from({ length: n }, () => rng.int(6));
  return { x: tf.tensor4d(x, [n, 16, 16, 3]), y: tf.tensor1d(y, 'int32'), ids: Array.from({ length: n }, (_, i) => 100 + i) };
}

test('step - tf.memory().numTensors is unchanged across a training step', () => {
  const model = Cnn.create(CFG, 1);
  const opt = new Adam(1e-3, model.params);
  const b = batch(4, 1);
  // The first step creates Adam's slots (two per parameter); from then on nothing may accumulate.
  trainStep(model, opt, b, { dropoutSeed: 1 });
  const before = tf.memory();
  for (let i = 0; i < 3; i++) trainStep(model, opt, b, { dropoutSeed: 2 + i });
  const afterStep = tf.memory();
  assert.equal(afterStep.numTensors, before.numTensors);
  assert.equal(afterStep.numBytes, before.numBytes);
  tf.dispose([b.x, b.y]);
  opt.dispose();
  model.dispose();
});

test('step - computing and applying gradients are separate and compose to trainStep', () => {
  const a = Cnn.create({ ...CFG, dropout: 0 }, 5);
  const b = Cnn.create({ ...CFG, dropout: 0 }, 5);
  const oa = new Adam(1e-3, a.params);
  const ob = new Adam(1e-3, b.params);
  const data = batch(3, 2);
  trainStep(a, oa, data, { dropoutSeed: 0 });
  const { grads } = computeGradients(b, data, { dropoutSeed: 0 });
  ob.apply(grads);
  tf.dispose(grads);
  a.params.forEach((v, i) => assert.deepEqual(v.dataSync(), b.params[i]!.dataSync()));
  tf.dispose([data.x, data.y]);
  [oa, ob].forEach((o) => o.dispose());
  [a, b].forEach((m) => m.dispose());
});

/** torch.optim.Adam's update, written out in float64 from the PyTorch docs. */
function torchAdam(w: number[], grads: number[][], lr: number): number[] {
  const m = w.map(() => 0);
  const v = w.map(() => 0);
  const p = [...w];
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    for (let i = 0; i < p.length; i++) {
      m[i] = ADAM_BETA1 * m[i]! + (1 - ADAM_BETA1) * g[i]!;
      v[i] = ADAM_BETA2 * v[i]! + (1 - ADAM_BETA2) * g[i]! ** 2;
      const mhat = m[i]! / (1 - ADAM_BETA1 ** t);
      const vhat = v[i]! / (1 - ADAM_BETA2 ** t);
      p[i] = p[i]! - (lr * mhat) / (Math.sqrt(vhat) + ADAM_EPSILON);
    }
  });
  return p;
}

const ADAM_W0 = [0.5, -0.25, 1.0, 0.0];
// 1e-7 gradients are where eps 1e-8 (PyTorch) and 1e-7 (tfjs default) disagree by ~10%.
const ADAM_GRADS = [
  [0.1, -0.2, 1e-7, 3],
  [0.05, 0.3, 2e-7, -1],
  [-0.2, 0.1, 1e-7, 0.5],
];

test('adam - matches torch.optim.Adam (eps 1e-8) over several steps, including tiny gradients', () => {
  const w0 = ADAM_W0;
  const grads = ADAM_GRADS;
  const lr = 0.01;
  const expected = torchAdam(w0, grads, lr);
  const v = tf.variable(tf.tensor1d(w0), true, 'adam-test-w');
  const opt = new Adam(lr, [v]);
  for (const g of grads) {
    const gt = tf.tensor1d(g);
    opt.apply([gt]);
    gt.dispose();
  }
  const got = Array.from(v.dataSync());
  got.forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-6, `w[${i}]: ${x} vs ${expected[i]}`));
  opt.dispose();
  v.dispose();
});

test('adam - one process steps the same bits as the cluster’s flat Adam, and a variable assigned between steps (a restore) is stepped from its new value', () => {
  const rng = new Rng(4);
  const values = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);
  // Sizes that are not multiples of the optimizer's alignment, so the padding between them is crossed.
  const w0 = [values(37, 1), values(5, 1)];
  const grads = [0, 1, 2].map(() => [values(37, 0.1), values(5, 0.1)]);
  const vars = w0.map((w, i) => tf.variable(tf.tensor1d(w), true, `adam-bits-${i}`));
  const buffer = tf.variable(tf.tensor1d([0.5, 0.5]), false, 'adam-bits-buffer');
  const opt = new Adam(1e-2, vars, [buffer]);
  const flat = new FlatAdam(1e-2, 42 + 2, 42);
  const w = Float32Array.from([...w0[0]!, ...w0[1]!, 0.5, 0.5]);
  for (const [k, g] of grads.entries()) {
    const ts = [...g.map((x) => tf.tensor1d(x)), tf.tensor1d([k, k + 1])];
    opt.apply(ts);
    tf.dispose(ts);
    flat.apply(w, Float32Array.from([...g[0]!, ...g[1]!, k, k + 1]));
  }
  assert.ok(bits(Float32Array.from([...vars[0]!.dataSync(), ...vars[1]!.dataSync(), ...buffer.dataSync()])).equals(bits(w)), 'the same bits as FlatAdam');
  assert.deepEqual(Array.from(buffer.dataSync()), [2, 3], 'a buffer takes the value given');
  // A restore assigns new values: the next step starts from them.
  vars[0]!.assign(tf.fill([37], 10));
  const ts = [tf.zeros([37]), tf.zeros([5]), tf.tensor1d([0, 0])];
  opt.apply(ts);
  tf.dispose(ts);
  for (const x of vars[0]!.dataSync()) assert.ok(Math.abs(x - 10) < 0.05, `stepped from the assigned 10, got ${x}`);
  opt.dispose();
  tf.dispose([...vars, buffer]);
});

test('checkpoint - round trip gives identical predictions and continues training identically', async () => {
  const model = Cnn.create(CFG, 7);
  const opt = new Adam(1e-3, model.params);
  const data = batch(4, 3);
  trainStep(model, opt, data, { dropoutSeed: 11 });
  const path = join(tmp.path, 'rt');
  const rng = new Rng(9);
  await saveCheckpoint(path, {
    meta: {
      model: CFG,
      classes: ['a', 'b', 'c', 'd', 'e', 'f'],
      epoch: 1,
      step: opt.step,
      learningRate: 1e-3,
      seed: 7,
      rng: rng.getState(),
      config: {},
      createdAt: new Date().toISOString(),
    },
    weights: await model.getWeights(),
    optimizer: await opt.exportState(),
  });
  assert.deepEqual(
    (await readdir(path)).filter((f) => f.endsWith('.tmp')),
    [],
    'no temp file left behind',
  );

  const ckpt = await loadCheckpoint(path);
  assert.equal(ckpt.meta.epoch, 1);
  assert.equal(ckpt.optimizer.step, 1);
  assert.deepEqual(new Rng(ckpt.meta.rng).nextU32(), rng.nextU32());
  const restored = Cnn.fromWeights(ckpt.meta.model, ckpt.weights);
  const ropt = new Adam(1e-3, restored.params);
  await ropt.importState(ckpt.optimizer);

  const predict = (m: Cnn) => tf.tidy(() => m.forward(data.x, { training: false }).dataSync());
  assert.deepEqual(predict(restored), predict(model));
  // Same next step from both: the Adam moments and step count came back too.
  trainStep(model, opt, data, { dropoutSeed: 12 });
  trainStep(restored, ropt, data, { dropoutSeed: 12 });
  model.params.forEach((v, i) => assert.deepEqual(restored.params[i]!.dataSync(), v.dataSync()));

  tf.dispose([data.x, data.y]);
  [opt, ropt].forEach((o) => o.dispose());
  [model, restored].forEach((m) => m.dispose());
});

test('checkpoint - truncated, foreign and missing files give CheckpointError naming the path', async () => {
  const model = Cnn.create(CFG, 1);
  const opt = new Adam(1e-3, model.params);
  const path = join(tmp.path, 'bad');
  const file = await saveCheckpoint(path, {
    meta: { model: CFG, classes: ['a', 'b', 'c', 'd', 'e', 'f'], epoch: 0, step: 0, learningRate: 1e-3, seed: 1, rng: [1, 2, 3, 4], config: {}, createdAt: '' },
    weights: await model.getWeights(),
    optimizer: await opt.exportState(),
  });
  const bytes = await readFile(file);
  await writeFile(file, bytes.subarray(0, bytes.length - 100));
  await assert.rejects(loadCheckpoint(path), (e: unknown) => e instanceof CheckpointError && e.message.includes(file) && /truncated/.test(e.message));
  await writeFile(file, 'not a checkpoint at all');
  await assert.rejects(loadCheckpoint(path), (e: unknown) => e instanceof CheckpointError && /not a syncgrad checkpoint/.test(e.message));
  await assert.rejects(loadCheckpoint(join(tmp.path, 'nowhere')), (e: unknown) => e instanceof CheckpointError && /not found/.test(e.message));
  opt.dispose();
  model.dispose();
});

test('train - CLI trains on real images and writes checkpoint and report with the documented fields', async () => {
  const data = await tinyShapes(join(tmp.path, 'shapes'), 5, 16);
  const out = join(tmp.path, 'run');
  const report = join(tmp.path, 'report.json');
  const r = await cli(
    'train',
    '--data',
    data,
    '--image-size',
    '16',
    '--epochs',
    '2',
    '--batch-size',
    '8',
    '--lr',
    '1e-3',
    '--backend',
    TEST_BACKEND,
    '--out',
    out,
    '--report',
    report,
    '--progress',
    'plain',
    '--fps-batches',
    '2',
  );
  assert.equal(r.code, 0, r.err.join('\n'));
  assert.match(r.out.join('\n'), /^Epoch 2\/2: train loss [\d.]+, train acc [\d.]+%, val loss [\d.]+, val acc [\d.]+%, [\d.]+ img\/s/m);
  assert.match(r.out.join('\n'), /^Test accuracy: [\d.]+% \(\d+ images\)$/m);
  assert.match(r.err.join('\n'), /^Epoch 1\/2: \d+\/\d+ \[\d\d:\d\d<\d\d:\d\d, [\d.]+batch\/s, loss=[\d.]+\]$/m);
  const j = JSON.parse(await readFile(report, 'utf8')) as TrainReport;
  for (const k of ['config', 'epochs', 'testAccuracy', 'fps', 'backend', 'params']) assert.ok(k in j, k);
  assert.equal(j.epochs.length, 2);
  for (const k of ['epoch', 'trainLoss', 'trainAccuracy', 'valAccuracy', 'imagesPerSecond']) assert.ok(k in j.epochs[0]!, k);
  assert.ok(j.testAccuracy >= 0 && j.testAccuracy <= 1);
  assert.ok(j.fps > 0);
  assert.equal(j.backend, TEST_BACKEND);
  assert.equal(j.dataset.train + j.dataset.val + j.dataset.test, 30);
  assert.ok((await stat(join(out, 'checkpoint.sgck'))).size > 0);
  // report.png: a real image with ink in the loss chart, the accuracy chart and the matrix.
  const png = sharp(join(out, 'report.png'));
  const meta = await png.metadata();
  assert.equal(meta.format, 'png');
  const { data: px, info } = await png.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const inkIn = (x0: number, x1: number) => {
    let ink = 0;
    // Coloured or dark pixels in the plot area (the grid is #dddddd and is not ink; the legend is below).
    for (let y = 90; y < 372; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * info.width + x) * 3;
        if (Math.min(px[i]!, px[i + 1]!, px[i + 2]!) < 200) ink++;
      }
    }
    return ink;
  };
  for (const [x0, x1] of [
    [70, 400],
    [460, 790],
    [860, 1180],
  ] as const)
    assert.ok(inkIn(x0, x1) > 500, `drawing in x ${x0}..${x1}`);

  const ev = await cli('evaluate', '--model', out, '--data', data, '--json', '--backend', TEST_BACKEND);
  assert.equal(ev.code, 0, ev.err.join('\n'));
  // evaluate recreates the run's split from its checkpoint: same test accuracy as the report.
  assert.equal((JSON.parse(ev.out.join('\n')) as { accuracy: number }).accuracy, j.testAccuracy);

  const pr = await cli('predict', '--model', out, '--backend', TEST_BACKEND, join(data, 'circle', (await readdir(join(data, 'circle')))[0]!));
  assert.equal(pr.code, 0, pr.err.join('\n'));
  assert.match(pr.out[0]!, /: (circle|cross|ring|square|stripes|triangle) \([\d.]+%\)$/);

  const fps = await cli('fps', '--model', out, '--batches', '2', '--batch-size', '4', '--backend', TEST_BACKEND, '--json');
  assert.equal(fps.code, 0, fps.err.join('\n'));
  assert.equal((JSON.parse(fps.out[0]!) as { images: number }).images, 8);
});

test('adam - the flat JS Adam matches torch.optim.Adam (eps 1e-8) and updates in slices as in one pass', () => {
  const w0 = ADAM_W0;
  const grads = ADAM_GRADS;
  const lr = 0.01;
  const expected = torchAdam(w0, grads, lr);
  const whole = new FlatAdam(lr, 4);
  const w = Float32Array.from(w0);
  const sliced = new FlatAdam(lr, 4);
  const ws = Float32Array.from(w0);
  const out = new Float32Array(4);
  for (const g of grads) {
    whole.apply(w, Float32Array.from(g));
    // Two slices into another buffer, then back: the double-buffered master's pattern.
    sliced.applySlice(ws, Float32Array.from(g), out, 0, 2);
    sliced.applySlice(ws, Float32Array.from(g), out, 2, 4);
    sliced.commit();
    ws.set(out);
  }
  Array.from(w).forEach((x, i) => assert.ok(Math.abs(x - expected[i]!) < 1e-6, `w[${i}]: ${x} vs ${expected[i]}`));
  assert.deepEqual(Array.from(ws), Array.from(w));
  assert.equal(whole.step, 3);
  const st = whole.exportState([1, 3]);
  const back = new FlatAdam(lr, 4);
  back.importState(st);
  assert.deepEqual([Array.from(back.m), Array.from(back.v), back.step], [Array.from(whole.m), Array.from(whole.v), 3]);
});
