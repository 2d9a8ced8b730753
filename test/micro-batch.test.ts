// Micro-batches: a batch computed in passes gives the one-pass gradient (fp32, within 1e-5) and the
// same weights after 10 Adam steps; dropout masks follow sample ids, so they survive any cut; the
// `auto` plan is checked against the wasm heap measured for the seed CNN at 256²; and running out
// of memory is one clear line, in one process and in a cluster.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { HEAP_LIMIT_ENV, WASM_HEAP_MAX_BYTES, isOutOfMemory, withMemoryContext } from '../common/backend/memory.js';
import { OutOfMemoryError } from '../common/errors.js';
import { Cnn } from '../common/model/cnn.js';
import { maskSeed } from '../common/model/dropout.js';
import { Rng } from '../common/rng.js';
import {
  NATIVE_RUNTIME_BYTES,
  NATIVE_TRAIN_BYTES_PER_OUTPUT,
  fittingImages,
  outputFloatsPerImage,
  paramBytes,
  parseMicroBatch,
  passSize,
  planBytes,
  planMicroBatch,
} from '../common/train/micro-batch.js';
import { LOCAL_WORKERS_ENV, localWorkers } from '../common/backend/host-memory.js';
import { Adam } from '../common/optim/tf-adam.js';
import { computeGradients, evalBatch, trainStep, type BatchTensors } from '../common/train/step.js';
import { cli, tempDir, tinyShapes, useBackend, type TempDir } from './helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
const SIZE = 20;
const CFG = { imageSize: SIZE, channels: 3 as const, classes: 6, dropout: 0 };
let tmp: TempDir;
let data: string;

before(async () => {
  await useBackend('wasm');
  tmp = await tempDir();
  data = await tinyShapes(join(tmp.path, 'shapes'), 6, 16);
});
after(async () => {
  await tmp?.[Symbol.asyncDispose]();
});

function batch(n: number, seed: number): BatchTensors {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * SIZE * SIZE * 3 }, () => rng.next() * 2 - 1);
  const y = Int32Array.from({ length: n }, () => rng.int(6));
  return { x: tf.tensor4d(x, [n, SIZE, SIZE, 3]), y: tf.tensor1d(y, 'int32'), ids: Array.from({ length: n }, (_, i) => 7 * i + 3) };
}

async function gradients(
  model: Cnn,
  b: BatchTensors,
  dropoutSeed: number,
  microBatch?: number,
): Promise<{ loss: number; correct: number; grads: Float32Array[] }> {
  const r = computeGradients(model, b, { dropoutSeed, ...(microBatch !== undefined ? { microBatch } : {}) });
  const grads = await Promise.all(r.grads.map(async (g) => Float32Array.from(await g.data())));
  tf.dispose(r.grads);
  return { loss: r.loss, correct: r.correct, grads };
}

function maxDiff(a: Float32Array[], b: Float32Array[]): { abs: number; scale: number } {
  let abs = 0;
  let scale = 0;
  a.forEach((g, i) =>
    g.forEach((v, j) => {
      abs = Math.max(abs, Math.abs(v - b[i]![j]!));
      scale = Math.max(scale, Math.abs(b[i]![j]!));
    }),
  );
  return { abs, scale };
}

test('micro-batch - passes of 1, 3 and 8 images give the one-pass gradient of a batch of 8 within 1e-5 (dropout off)', async () => {
  const model = Cnn.create(CFG, 11);
  const b = batch(8, 1);
  const full = await gradients(model, b, 5);
  for (const m of [1, 3, 8]) {
    const got = await gradients(model, b, 5, m);
    const d = maxDiff(got.grads, full.grads);
    assert.ok(d.scale > 1e-3, 'the gradient is not trivially zero');
    assert.ok(d.abs <= 1e-5 * Math.max(1, d.scale), `micro-batch ${m}: max |Δg| = ${d.abs} (scale ${d.scale})`);
    assert.ok(Math.abs(got.loss - full.loss) <= 1e-6, `micro-batch ${m}: loss ${got.loss} vs ${full.loss}`);
    assert.equal(got.correct, full.correct);
  }
  tf.dispose([b.x, b.y]);
  model.dispose();
});

test('micro-batch - 10 Adam steps in passes of 3 reach the one-pass weights within 1e-5 (dropout off)', async () => {
  const run = async (microBatch: number | undefined) => {
    const model = Cnn.create(CFG, 12);
    const opt = new Adam(1e-5, model.params);
    for (let s = 0; s < 10; s++) {
      const b = batch(8, 100 + s);
      trainStep(model, opt, b, { dropoutSeed: s, ...(microBatch !== undefined ? { microBatch } : {}) });
      tf.dispose([b.x, b.y]);
    }
    const w = await model.getWeights();
    opt.dispose();
    model.dispose();
    return w;
  };
  const one = await run(undefined);
  const cut = await run(3);
  const w0 = Cnn.create(CFG, 12);
  const start = await w0.getWeights();
  w0.dispose();
  assert.ok(maxDiff(one, start).abs > 5e-5, 'the weights moved');
  const d = maxDiff(cut, one).abs;
  assert.ok(d <= 1e-5, `max |Δw| = ${d}`);
});

test('micro-batch - with dropout on, masks follow the sample ids: passes of 2 or a reordered batch give the same gradient, another step seed does not', async () => {
  const model = Cnn.create({ ...CFG, dropout: 0.2 }, 13);
  const b = batch(6, 2);
  const full = await gradients(model, b, 99);
  const cut = await gradients(model, b, 99, 2);
  assert.ok(maxDiff(cut.grads, full.grads).abs <= 1e-5, 'passes of 2 vs one pass');
  // The same samples in another order, as another sharding or a retry would hand them out.
  const perm = [3, 0, 5, 1, 4, 2];
  const shuffled: BatchTensors = { x: tf.gather<tf.Tensor4D>(b.x, perm), y: tf.gather<tf.Tensor1D>(b.y, perm), ids: perm.map((i) => b.ids[i]!) };
  const reordered = await gradients(model, shuffled, 99, 4);
  assert.ok(maxDiff(reordered.grads, full.grads).abs <= 1e-5, 'reordered batch');
  const other = await gradients(model, b, 100);
  assert.ok(maxDiff(other.grads, full.grads).abs > 1e-4, 'another step seed draws other masks');
  assert.notEqual(maskSeed(99, 3, 0), maskSeed(99, 4, 0));
  assert.notEqual(maskSeed(99, 3, 0), maskSeed(99, 3, 1));
  tf.dispose([b.x, b.y, shuffled.x, shuffled.y]);
  model.dispose();
});

test('micro-batch - evaluation in passes gives the same loss and predictions', () => {
  const model = Cnn.create(CFG, 14);
  const b = batch(7, 3);
  const one = evalBatch(model, b.x, b.y);
  const cut = evalBatch(model, b.x, b.y, 3);
  assert.deepEqual(Array.from(cut.predictions), Array.from(one.predictions));
  assert.ok(Math.abs(cut.lossSum - one.lossSum) < 1e-5);
  tf.dispose([b.x, b.y]);
  model.dispose();
});

test('micro-batch - auto plans what the measured wasm heap allows: 6 images per pass at 256², whole batches at 32²', () => {
  const seed = { imageSize: 256, channels: 3 as const, classes: 6, dropout: 0.2 };
  // Heap measured after a training pass of n images at 256² (docs/performance.md): the plan
  // must never promise less memory than a pass really took.
  const measuredMb = [558, 987, 1590, 2031, 2484, 2949];
  measuredMb.forEach((mb, i) =>
    assert.ok(
      planBytes(seed, i + 1, 'train', 'worker') >= mb * 2 ** 20,
      `${i + 1} image(s): plan ${planBytes(seed, i + 1, 'train', 'worker') / 2 ** 20} MB < measured ${mb} MB`,
    ),
  );
  const plan = planMicroBatch('auto', 'wasm', seed, 'worker');
  assert.equal(plan.train, 6);
  assert.ok(planBytes(seed, plan.train, 'train', 'worker') < WASM_HEAP_MAX_BYTES);
  assert.ok(plan.infer >= 16, `inference passes of ${plan.infer}`);
  // Single-process train also holds Adam's moments: never more than a worker.
  assert.ok(planMicroBatch('auto', 'wasm', seed, 'train').train <= plan.train);
  assert.ok(planMicroBatch('auto', 'wasm', { ...seed, imageSize: 32 }, 'train').train >= 32);
  assert.equal(fittingImages(seed, 100 * 2 ** 20, 'train', 'worker'), 1, 'at least one image, which then fails clearly');
});

test("micro-batch - auto on native TensorFlow plans from the device's memory shared by its workers: the seed's 16-image shards whole on this 24 GB host with 2 workers, fewer with less", () => {
  const seed = { imageSize: 256, channels: 3 as const, classes: 6, dropout: 0.2 };
  const GiB = 2 ** 30;
  // Peak RSS of a native training pass at 256² (docs/performance.md): the plan must never promise less.
  const perImage = outputFloatsPerImage(seed) * NATIVE_TRAIN_BYTES_PER_OUTPUT;
  const fixed = NATIVE_RUNTIME_BYTES + 2.5 * paramBytes(seed);
  for (const [n, mb] of [
    [4, 2496],
    [8, 3856],
  ] as const)
    assert.ok(fixed + n * perImage >= mb * 2 ** 20, `${n} images: plan ${(fixed + n * perImage) / 2 ** 20} MB < measured ${mb} MB`);
  const host = (gib: number, sharers: number) => planMicroBatch('auto', 'tensorflow', seed, 'worker', { bytes: gib * GiB, sharers, source: 'test' });
  assert.ok(host(23.5, 2).train >= 16, `2 workers on 23.5 GiB: passes of ${host(23.5, 2).train}`);
  assert.match(host(23.5, 2).reason, /fit 70% of 23\.5 GiB, test shared by 2 workers/);
  assert.ok(host(23.5, 4).train < host(23.5, 2).train, 'more workers on the host, smaller passes');
  assert.ok(host(8, 1).train < 16 && host(8, 1).train >= 4, `8 GiB: passes of ${host(8, 1).train}`);
  assert.equal(host(1, 1).train, 1, 'at least one image');
  // A large GPU takes the seed's whole batch of 32 in one pass.
  assert.ok(planMicroBatch('auto', 'tensorflow-gpu', seed, 'worker', { bytes: 80 * GiB, sharers: 1, source: 'the GPU' }).train >= 32);
  assert.equal(planMicroBatch(3, 'tensorflow', seed, 'worker', { bytes: 64 * GiB, sharers: 1, source: 'test' }).train, 3, 'a number is used as given');
  assert.equal(planMicroBatch('auto', 'cpu', seed, 'worker').train, Infinity);
  // Workers sharing the host: syncgrad cluster's variable, or torchrun's.
  assert.equal(localWorkers({}), 1);
  assert.equal(localWorkers({ [LOCAL_WORKERS_ENV]: '3' }), 3);
  assert.equal(localWorkers({ LOCAL_WORLD_SIZE: '4' }), 4);
  assert.throws(() => localWorkers({ [LOCAL_WORKERS_ENV]: 'two' }), /SYNCGRAD_LOCAL_WORKERS must be a positive integer, got "two"/);
});

test('micro-batch - a shard is cut into passes as even as the limit allows', () => {
  assert.equal(passSize(16, 15), 8);
  assert.equal(passSize(16, 6), 6);
  assert.equal(passSize(12, 5), 4);
  assert.equal(passSize(7, 100), 7);
  assert.equal(passSize(5, 1), 1);
});

test('micro-batch - --micro-batch takes a positive integer or auto and names itself otherwise', async () => {
  assert.equal(parseMicroBatch('auto'), 'auto');
  assert.equal(parseMicroBatch('4'), 4);
  assert.throws(() => parseMicroBatch('0'), /--micro-batch must be a positive integer or auto, got "0"/);
  const r = await cli('train', '--data', data, '--micro-batch', 'lots', '--progress', 'none');
  assert.equal(r.code, 2);
  assert.deepEqual(r.err, ['syncgrad: --micro-batch must be a positive integer or auto (got "lots")']);
});

test('memory - wasm failures inside kernels are recognised and get the process, shape and remedy', () => {
  for (const message of ['memory access out of bounds', 'Aborted(). Build with -sASSERTIONS for more info.', 'Array buffer allocation failed']) {
    assert.ok(isOutOfMemory(new Error(message)), message);
  }
  assert.ok(!isOutOfMemory(new Error('shapes do not match')));
  const ctx = { who: 'worker rank 1', imageSize: 256, batch: 16, microBatch: 8, backend: 'wasm' };
  assert.throws(
    () =>
      withMemoryContext(ctx, () => {
        throw Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' });
      }),
    (e: unknown) =>
      e instanceof OutOfMemoryError &&
      /^worker rank 1: out of memory on wasm computing 16 image\(s\) at 256×256 in passes of 8 \(memory access out of bounds\); use --micro-batch 4, or more workers$/.test(
        e.message,
      ),
  );
  assert.throws(
    () =>
      withMemoryContext(ctx, () => {
        throw new TypeError('not memory');
      }),
    TypeError,
  );
});

/** The real bin in a fresh process (a fresh wasm heap) with the heap limit forced down. */
function syncgrad(args: string[], limitMb: number) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, [HEAP_LIMIT_ENV]: String(limitMb) }, timeout: 120_000 });
}

const SMALL_HEAP_MB = 160;
const TRAIN_ARGS = [
  '--image-size',
  '64',
  '--batch-size',
  '12',
  '--epochs',
  '1',
  '--max-steps',
  '1',
  '--backend',
  'wasm',
  '--progress',
  'none',
  '--no-audit',
  '--fps-batches',
  '1',
];

test('memory - train that runs out of wasm heap prints one line naming train, the shape and --micro-batch, and exits 1', () => {
  const r = syncgrad(['train', '--data', data, '--out', join(tmp.path, 'oom-train'), ...TRAIN_ARGS, '--micro-batch', '12'], SMALL_HEAP_MB);
  assert.equal(r.status, 1, r.stderr);
  const last = r.stderr.trim().split('\n').pop()!;
  assert.match(last, /^syncgrad: train: out of memory on wasm computing 12 image\(s\) at 64×64 in passes of 12 \(.*\); use --micro-batch 6, or more workers$/);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
});

test('memory - auto fits the same step into the same small heap and trains', () => {
  const r = syncgrad(['train', '--data', data, '--out', join(tmp.path, 'auto-train'), ...TRAIN_ARGS], SMALL_HEAP_MB);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /micro-batch: [1-9]\d* image\(s\) per pass, gradients summed over each batch of 12/);
  assert.match(r.stdout + r.stderr, /Epoch 1\/1: train loss \d+\.\d+/);
});
