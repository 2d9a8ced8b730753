// The fast wasm kernels registered by registerWasmKernels() (common/backend/wasm-*.ts): each checked
// against the pure-JS cpu backend on seeded random data (1e-4 relative), with ties for MaxPoolGrad,
// chunked GEMM layouts for Conv2DBackpropFilter, every transpose combination for BatchMatMul, plus
// a whole training step of the model on both backends and reference-count hygiene.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels, useGemmFilter } from '../common/backend/wasm/kernels.js';
import { planMatMul } from '../common/backend/wasm/matmul.js';
import { Cnn } from '../common/model/cnn.js';
import { computeGradients } from '../common/train/step.js';
import { Rng } from '../common/rng.js';

type Backend = 'cpu' | 'wasm';
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function normal(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let maxDiff = 0;
  let maxRef = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (!(d <= maxDiff)) {
      maxDiff = d;
      at = i;
    }
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  assert.ok(
    Number.isFinite(maxDiff) && maxDiff <= tol * Math.max(1, maxRef),
    `${what}: max|diff| ${maxDiff} at ${at} (actual ${actual[at]}, expected ${expected[at]}, max|ref| ${maxRef})`,
  );
}

/** Runs `f` on a backend and returns its outputs' values and shapes; nothing stays allocated. */
async function on(backend: Backend, f: () => tf.Tensor | tf.Tensor[]): Promise<{ values: Float32Array[]; shapes: number[][] }> {
  await tf.setBackend(backend);
  const out = tf.tidy(f);
  const list = Array.isArray(out) ? out : [out];
  const values = await Promise.all(list.map(async (t) => Float32Array.from(await t.data())));
  const shapes = list.map((t) => t.shape.slice());
  tf.dispose(list);
  return { values, shapes };
}

async function compare(f: () => tf.Tensor | tf.Tensor[], what: string, tol = 1e-4): Promise<void> {
  const cpu = await on('cpu', f);
  const wasm = await on('wasm', f);
  assert.deepEqual(wasm.shapes, cpu.shapes, `${what}: shapes`);
  cpu.values.forEach((v, i) => assertClose(wasm.values[i]!, v, `${what} [${i}]`, tol));
}

const kernel = (name: string, inputs: tf.NamedTensorMap, attrs: object) => tf.engine().runKernel<tf.Tensor>(name, inputs, attrs as unknown as tf.NamedAttrMap);

before(async () => {
  registerWasmKernels();
  assert.ok(await tf.setBackend('wasm'));
  assert.ok(await tf.setBackend('cpu'));
});

// ---------------------------------------------------------------------------------------------
// MaxPoolGrad

type Shape4 = [number, number, number, number];
interface PoolCase {
  name: string;
  x: Shape4;
  filter: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
  /** How input values are drawn: ties make the argmax rule matter. */
  values: 'normal' | 'relu' | 'coarse' | 'special';
}

const POOL_CASES: PoolCase[] = [
  { name: '2x2/2 valid, continuous values', x: [2, 8, 8, 5], filter: 2, strides: 2, pad: 'valid', values: 'normal' },
  { name: '2x2/2 valid, after relu (all-zero windows tie)', x: [2, 8, 10, 6], filter: 2, strides: 2, pad: 'valid', values: 'relu' },
  { name: '2x2/2 valid, three levels (ties everywhere)', x: [3, 6, 6, 4], filter: 2, strides: 2, pad: 'valid', values: 'coarse' },
  { name: '2x2/2 valid, odd sizes (unused last row/col)', x: [1, 7, 9, 3], filter: 2, strides: 2, pad: 'valid', values: 'coarse' },
  { name: '2x2/2 valid, NaN and -Infinity windows', x: [2, 6, 8, 4], filter: 2, strides: 2, pad: 'valid', values: 'special' },
  { name: '2x2/2 same, odd sizes (padded windows)', x: [1, 7, 7, 2], filter: 2, strides: 2, pad: 'same', values: 'coarse' },
  { name: '3x3/1 same (overlapping windows add up)', x: [2, 6, 5, 3], filter: 3, strides: 1, pad: 'same', values: 'coarse' },
  { name: '3x3/2 valid (overlapping)', x: [1, 9, 7, 2], filter: 3, strides: 2, pad: 'valid', values: 'relu' },
  { name: '2x3 filter, strides [1,2], explicit pad', x: [1, 6, 7, 3], filter: [2, 3], strides: [1, 2], pad: 1, values: 'special' },
];

function poolInput(c: PoolCase, rng: Rng): Float32Array {
  const a = new Float32Array(size(c.x));
  for (let i = 0; i < a.length; i++) {
    const z = rng.normal();
    switch (c.values) {
      case 'normal':
        a[i] = z;
        break;
      case 'relu':
        a[i] = Math.max(0, z);
        break;
      case 'coarse':
        a[i] = Math.floor(rng.next() * 3) - 1;
        break;
      case 'special': {
        const u = rng.next();
        a[i] = u < 0.2 ? Number.NaN : u < 0.45 ? Number.NEGATIVE_INFINITY : u < 0.6 ? 0 : z;
        break;
      }
    }
  }
  return a;
}

POOL_CASES.forEach((c, i) => {
  test(`kernels-fast - MaxPoolGrad matches cpu, ties included (${c.name})`, async () => {
    const rng = new Rng(300 + i);
    const xData = poolInput(c, rng);
    const yShape = tf.tidy(() => tf.maxPool(tf.zeros<tf.Rank.R4>(c.x), c.filter, c.strides, c.pad).shape);
    const dyData = normal(rng, size(yShape));
    await compare(() => {
      const x = tf.tensor4d(xData, c.x);
      const dy = tf.tensor(dyData, yShape);
      const y = tf.maxPool(x, c.filter, c.strides, c.pad);
      const direct = kernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: c.filter, strides: c.strides, pad: c.pad });
      const viaGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, c.filter, c.strides, c.pad), dy)))(x);
      return [direct, viaGrad];
    }, c.name);
  });
});

test("kernels-fast - MaxPoolGrad sends a tied window's gradient to its first maximum only", async () => {
  // One 2x2 window per channel: [a b; c d] with the ties listed; dy = 1.
  const windows = [
    [0, 0, 0, 0], // all equal: top-left
    [1, 5, 5, 0], // b and c tie: b (row-major first)
    [2, 1, 2, 2], // a, c, d tie: a
    [-1, -1, 3, 3], // c and d tie: c
    [Number.NaN, 4, 4, 1], // NaN skipped, then b
    [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN], // nothing
  ];
  const c = windows.length;
  const x = new Float32Array(4 * c);
  windows.forEach((w, ch) => w.forEach((v, p) => (x[p * c + ch] = v)));
  await tf.setBackend('wasm');
  const dx = tf.tidy(() =>
    kernel(
      'MaxPoolGrad',
      { dy: tf.ones([1, 1, 1, c]), input: tf.tensor4d(x, [1, 2, 2, c]), output: tf.zeros([1, 1, 1, c]) },
      { filterSize: 2, strides: 2, pad: 'valid' },
    ),
  );
  const got = await dx.data();
  dx.dispose();
  const winner = windows.map((_, ch) => [0, 1, 2, 3].filter((p) => got[p * c + ch] !== 0));
  assert.deepEqual(winner, [[0], [1], [0], [2], [1], []]);
});

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropFilter: the chunked GEMM layouts (several chunks of 8192 grid pixels)

interface FilterCase {
  name: string;
  x: Shape4;
  w: Shape4;
  pad: 'same' | 'valid' | number;
}

const FILTER_CASES: FilterCase[] = [
  { name: 'im2col layout (Ci=3), two chunks', x: [2, 70, 70, 3], w: [3, 3, 3, 8], pad: 'same' },
  { name: 'per-tap layout (Ci=16), two chunks, one tap per GEMM row block', x: [5, 42, 42, 16], w: [3, 3, 16, 8], pad: 'same' },
  // These two once preceded a heap-corruption trap later in this file (docs/performance.md, "wasm
  // heap corruption"); kept so the sequence that showed it keeps running.
  { name: "per-tap layout, 'valid' pad, Ci=32, two chunks", x: [3, 60, 50, 32], w: [3, 3, 32, 16], pad: 'valid' },
  { name: 'per-tap layout, 5x3 filter, Ci=12', x: [2, 30, 28, 12], w: [5, 3, 12, 10], pad: 'same' },
];

/** Conv2DBackpropFilter on seeded random x and dy of case `c`, wasm against cpu. */
async function compareFilterCase(c: FilterCase, seed: number): Promise<void> {
  const rng = new Rng(seed);
  const xData = normal(rng, size(c.x));
  const yShape = tf.tidy(() => tf.conv2d(tf.zeros<tf.Rank.R4>(c.x), tf.zeros<tf.Rank.R4>(c.w), 1, c.pad).shape);
  const dyData = normal(rng, size(yShape));
  await compare(
    () =>
      kernel(
        'Conv2DBackpropFilter',
        { x: tf.tensor4d(xData, c.x), dy: tf.tensor(dyData, yShape) },
        { strides: 1, pad: c.pad, dataFormat: 'NHWC', filterShape: c.w },
      ),
    c.name,
  );
}

FILTER_CASES.forEach((c, i) => {
  test(`kernels-fast - Conv2DBackpropFilter matches cpu on large shapes (${c.name})`, () => compareFilterCase(c, 500 + i));
});

// Small per-tap shapes run the convolution form by default (useGemmFilter); force the GEMM form.
const SMALL_PER_TAP: FilterCase[] = [
  { name: '3x3 same, Ci=16', x: [2, 7, 6, 16], w: [3, 3, 16, 5], pad: 'same' },
  { name: '2x4 explicit pad 1, Ci=10', x: [1, 9, 8, 10], w: [2, 4, 10, 3], pad: 1 },
  { name: '3x3 valid, Ci=12', x: [3, 8, 8, 12], w: [3, 3, 12, 7], pad: 'valid' },
];

test('kernels-fast - Conv2DBackpropFilter GEMM form (forced) matches cpu on small per-tap shapes', async () => {
  const saved = process.env.SYNCGRAD_WASM_GEMM_FILTER;
  process.env.SYNCGRAD_WASM_GEMM_FILTER = '1';
  try {
    for (const [i, c] of SMALL_PER_TAP.entries()) await compareFilterCase(c, 600 + i);
  } finally {
    if (saved === undefined) delete process.env.SYNCGRAD_WASM_GEMM_FILTER;
    else process.env.SYNCGRAD_WASM_GEMM_FILTER = saved;
  }
});

test("kernels-fast - Conv2DBackpropFilter picks the measured faster form for the seed's shapes", () => {
  const saved = process.env.SYNCGRAD_WASM_GEMM_FILTER;
  delete process.env.SYNCGRAD_WASM_GEMM_FILTER;
  try {
    const gemm = (x: Shape4, w: Shape4, pad: 'same' | 'valid') => useGemmFilter(tf.backend_util.computeConv2DInfo(x, w, 1, 1, pad));
    // conv1 (im2col) always; conv2 from 32² on; conv3 only at 256² (small grids: convolution form).
    for (const [s, n] of [
      [32, 16],
      [64, 16],
      [256, 4],
    ] as const) {
      assert.equal(gemm([n, s, s, 3], [3, 3, 3, 256], 'same'), true, `conv1 ${s}²`);
      assert.equal(gemm([n, s / 2, s / 2, 256], [3, 3, 256, 128], 'same'), true, `conv2 ${s}²`);
      assert.equal(gemm([n, s / 4, s / 4, 128], [3, 3, 128, 64], 'valid'), s === 256, `conv3 ${s}²`);
    }
    process.env.SYNCGRAD_WASM_GEMM_FILTER = '0';
    assert.equal(gemm([16, 32, 32, 3], [3, 3, 3, 256], 'same'), false);
  } finally {
    if (saved === undefined) delete process.env.SYNCGRAD_WASM_GEMM_FILTER;
    else process.env.SYNCGRAD_WASM_GEMM_FILTER = saved;
  }
});

// ---------------------------------------------------------------------------------------------
// BatchMatMul

interface MatCase {
  m: number;
  k: number;
  n: number;
  lead?: number[];
}

const MAT_CASES: MatCase[] = [
  { m: 5, k: 7, n: 3 },
  { m: 3, k: 1500, n: 700 }, // large right-hand side: the no-transpose product takes the Cᵀ route
  { m: 600, k: 4, n: 40 }, // a dense layer's dW shape: xᵀ [features, batch] · dy [batch, units]
  { m: 4, k: 64, n: 900, lead: [1] }, // rank 3, batch 1
  { m: 3, k: 5, n: 4, lead: [2] }, // batched: delegated to the built-in kernel
];

for (const c of MAT_CASES) {
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    test(`kernels-fast - BatchMatMul matches cpu (${[...(c.lead ?? []), c.m, c.k, c.n].join('x')}, transposeA=${ta}, transposeB=${tb})`, async () => {
      const rng = new Rng(c.m * 1000 + c.k + (ta ? 7 : 0) + (tb ? 13 : 0));
      const lead = c.lead ?? [];
      const aShape = [...lead, ...(ta ? [c.k, c.m] : [c.m, c.k])];
      const bShape = [...lead, ...(tb ? [c.n, c.k] : [c.k, c.n])];
      const aData = normal(rng, size(aShape));
      const bData = normal(rng, size(bShape));
      await compare(() => tf.matMul(tf.tensor(aData, aShape), tf.tensor(bData, bShape), ta, tb), 'matMul');
    });
  }
}

test("kernels-fast - BatchMatMul plans: the dense layers' backward products avoid moving the weights", () => {
  // fc1 at 256², batch 4: forward x·W, dx = dy·Wᵀ, dW = xᵀ·dy.
  assert.equal(planMatMul(4, 61504, 256, false, false), 'transposed');
  assert.equal(planMatMul(4, 256, 61504, false, true), 'transposed');
  assert.equal(planMatMul(61504, 4, 256, true, false), 'materialise');
  // Small or tall products keep the built-in kernel.
  assert.equal(planMatMul(4, 256, 128, false, false), 'original');
  assert.equal(planMatMul(256, 8192, 128, false, false), 'original');
});

// ---------------------------------------------------------------------------------------------
// Sum over leading axes, Identity, Cast

const SUM_CASES: { shape: number[]; axis: number | number[]; keepDims?: boolean }[] = [
  { shape: [4, 6, 5, 7], axis: [0, 1, 2] },
  { shape: [4, 6, 5, 7], axis: [2, 0, 1], keepDims: true },
  { shape: [300, 9], axis: 0 },
  { shape: [3, 4, 5], axis: [-3, -2] },
  { shape: [3, 4, 5], axis: [1, 2] }, // trailing axes: built-in kernel
  { shape: [3, 4, 5], axis: [0, 1, 2] }, // all axes: built-in kernel
];

for (const c of SUM_CASES) {
  test(`kernels-fast - Sum matches cpu (shape [${c.shape.join(',')}], axis ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''})`, async () => {
    const data = normal(new Rng(size(c.shape)), size(c.shape));
    await compare(() => tf.sum(tf.tensor(data, c.shape), c.axis, c.keepDims), 'sum');
  });
}

test('kernels-fast - Identity and same-dtype Cast share the buffer; other casts still convert', async () => {
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as { refCount(id: object): number };
  const x = tf.tensor1d([1.5, -2.25, 3]);
  const y = tf.engine().runKernel<tf.Tensor>('Identity', { x });
  const z = tf.cast(x, 'float32');
  assert.equal(backend.refCount(x.dataId), 3);
  x.dispose();
  assert.deepEqual(Array.from(await y.data()), [1.5, -2.25, 3]);
  assert.deepEqual(Array.from(await z.data()), [1.5, -2.25, 3]);
  const i = tf.cast(y, 'int32');
  assert.equal(i.dtype, 'int32');
  assert.deepEqual(Array.from(await i.data()), [1, -2, 3]);
  tf.dispose([y, z, i]);
  assert.equal(backend.refCount(y.dataId), 0);
});

// ---------------------------------------------------------------------------------------------
// The whole model

test('kernels-fast - a training step of the seed CNN gives the same loss and gradients on wasm as on cpu', async () => {
  const config = { imageSize: 22, channels: 3 as const, classes: 4, dropout: 0.2 };
  const rng = new Rng(77);
  const n = 3;
  const x = new Float32Array(n * 22 * 22 * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = new Int32Array([0, 3, 1]);
  const step = async (backend: Backend) => {
    await tf.setBackend(backend);
    const model = Cnn.create(config, 5);
    const batch = { x: tf.tensor4d(x, [n, 22, 22, 3]), y: tf.tensor1d(y, 'int32'), ids: [4, 9, 1] };
    const r = computeGradients(model, batch, { dropoutSeed: 1234 });
    const grads = await Promise.all(r.grads.map(async (g) => Float32Array.from(await g.data())));
    tf.dispose([...r.grads, batch.x, batch.y]);
    model.dispose();
    return { loss: r.loss, grads };
  };
  const cpu = await step('cpu');
  const wasm = await step('wasm');
  assert.ok(Math.abs(wasm.loss - cpu.loss) <= 1e-5 * Math.max(1, Math.abs(cpu.loss)), `loss ${wasm.loss} vs ${cpu.loss}`);
  cpu.grads.forEach((g, i) => assertClose(wasm.grads[i]!, g, `gradient ${i}`));
});

test('kernels-fast - training steps on wasm leak no tensors or buffers', async () => {
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const config = { imageSize: 20, channels: 3 as const, classes: 3, dropout: 0.2 };
  const model = Cnn.create(config, 1);
  const batch = { x: tf.randomUniform<tf.Rank.R4>([2, 20, 20, 3], 0, 1, 'float32', 3), y: tf.tensor1d([0, 2], 'int32'), ids: [0, 1] };
  tf.dispose(computeGradients(model, batch, { dropoutSeed: 1, microBatch: 1 }).grads);
  const mem0 = tf.memory();
  const ids0 = backend.numDataIds();
  // Micro-batches of one: the accumulation of the passes' gradients must free as it goes.
  for (let i = 0; i < 3; i++) tf.dispose(computeGradients(model, batch, { dropoutSeed: 2 + i, microBatch: 1 }).grads);
  const mem1 = tf.memory();
  assert.equal(mem1.numTensors, mem0.numTensors, 'numTensors');
  assert.equal(mem1.numBytes, mem0.numBytes, 'numBytes');
  assert.equal(backend.numDataIds(), ids0, 'backend data ids');
  tf.dispose([batch.x, batch.y]);
  model.dispose();
});
