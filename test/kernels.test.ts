// The wasm Conv2DBackpropFilter / Conv2DBackpropInput kernels in common/backend/wasm-kernels.ts,
// checked against the pure-JS cpu backend on seeded random data, plus reference-count hygiene.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// Only the gradients these tests need: register_all_gradients.js does not resolve under tsx (its
// './gradients' import is shadowed by the 'gradients/' folder).
import { addGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Add_grad.js';
import { conv2DGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Conv2D_grad.js';
import { multiplyGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Multiply_grad.js';
import { reluGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Relu_grad.js';
import { sumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sum_grad.js';
import { registerWasmKernels } from '../common/backend/wasm/kernels.js';
import { BackendError } from '../common/errors.js';
import { Rng } from '../common/rng.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  name: string;
  x: Shape4;
  w: Shape4;
  strides: number | [number, number];
  pad: Pad;
}

const CASES: Case[] = [
  { name: 'same pad, 3x3, stride 1', x: [2, 7, 5, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: 'valid pad, 3x3, stride 1', x: [1, 8, 6, 2], w: [3, 3, 2, 3], strides: 1, pad: 'valid' },
  {
    name: 'explicit pad, 3x2, stride 1',
    x: [2, 6, 7, 2],
    w: [3, 2, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  {
    name: 'explicit pad wider than the filter, 2x2, stride 1',
    x: [1, 5, 6, 2],
    w: [2, 2, 2, 3],
    strides: 1,
    pad: [
      [0, 0],
      [4, 3],
      [3, 5],
      [0, 0],
    ],
  },
  { name: 'numeric pad 1, 3x3, stride 1', x: [1, 6, 6, 3], w: [3, 3, 3, 2], strides: 1, pad: 1 },
  { name: 'same pad, even 4x4, stride 1', x: [2, 6, 5, 2], w: [4, 4, 2, 3], strides: 1, pad: 'same' },
  { name: 'same pad, 3x3, stride 2, even input', x: [2, 8, 8, 3], w: [3, 3, 3, 5], strides: 2, pad: 'same' },
  { name: 'same pad, 3x3, stride 2, odd non-square input', x: [1, 7, 9, 2], w: [3, 3, 2, 4], strides: 2, pad: 'same' },
  { name: 'valid pad, 3x3, stride 2, unused last row', x: [2, 9, 8, 3], w: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  { name: 'valid pad, 4x2, strides [3,1]', x: [1, 11, 6, 2], w: [4, 2, 2, 3], strides: [3, 1], pad: 'valid' },
  {
    name: 'explicit pad, 3x3, stride 2',
    x: [1, 8, 7, 2],
    w: [3, 3, 2, 3],
    strides: 2,
    pad: [
      [0, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { name: '1x1 filter, stride 1', x: [2, 5, 4, 3], w: [1, 1, 3, 6], strides: 1, pad: 'same' },
  { name: '1x1 filter, stride 2', x: [1, 6, 5, 4], w: [1, 1, 4, 2], strides: 2, pad: 'valid' },
  { name: 'single channel in and out, batch 3', x: [3, 6, 5, 1], w: [3, 3, 1, 1], strides: 1, pad: 'same' },
];

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function assertClose(actual: Float32Array | Int32Array | Uint8Array, expected: Float32Array | Int32Array | Uint8Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  assert.ok(Number.isFinite(maxDiff) && maxDiff <= 1e-4 * Math.max(1, maxRef), `${what}: max|diff| ${maxDiff} (max|ref| ${maxRef})`);
}

function convOutShape(c: Case): number[] {
  // The forward shape is the same on every backend; use cpu to get it.
  return tf.tidy(() => tf.conv2d(tf.zeros<tf.Rank.R4>(c.x), tf.zeros<tf.Rank.R4>(c.w), c.strides, c.pad).shape);
}

interface Data {
  x: Float32Array;
  w: Float32Array;
  dy: Float32Array;
  yShape: number[];
}

function makeData(c: Case, seed: number): Data {
  const rng = new Rng(seed);
  const yShape = convOutShape(c);
  return { x: randomArray(rng, size(c.x)), w: randomArray(rng, size(c.w)), dy: randomArray(rng, size(yShape)), yShape };
}

interface Results {
  gradX: Float32Array;
  gradW: Float32Array;
  kernelX: Float32Array;
  kernelW: Float32Array;
}

async function run(backend: 'cpu' | 'wasm', c: Case, d: Data): Promise<Results> {
  await tf.setBackend(backend);
  const [gx, gw, kx, kw] = tf.tidy(() => {
    const x = tf.tensor4d(d.x, c.x);
    const w = tf.tensor4d(d.w, c.w);
    const dy = tf.tensor(d.dy, d.yShape);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dy));
    const [gx, gw] = tf.grads(f)([x, w]);
    const kx = tf.engine().runKernel<tf.Tensor>(
      'Conv2DBackpropInput',
      { dy, filter: w },
      {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        inputShape: c.x,
      },
    );
    const kw = tf.engine().runKernel<tf.Tensor>(
      'Conv2DBackpropFilter',
      { x, dy },
      {
        strides: c.strides,
        pad: c.pad,
        dataFormat: 'NHWC',
        filterShape: c.w,
      },
    );
    return [gx!, gw!, kx, kw];
  });
  const out = {
    gradX: (await gx.data()) as Float32Array,
    gradW: (await gw.data()) as Float32Array,
    kernelX: (await kx.data()) as Float32Array,
    kernelW: (await kw.data()) as Float32Array,
  };
  assert.deepEqual(gx.shape, c.x);
  assert.deepEqual(gw.shape, c.w);
  assert.deepEqual(kx.shape, c.x);
  assert.deepEqual(kw.shape, c.w);
  tf.dispose([gx, gw, kx, kw]);
  return out;
}

before(async () => {
  for (const config of [addGradConfig, conv2DGradConfig, multiplyGradConfig, reluGradConfig, sumGradConfig]) {
    if (tf.getGradient(config.kernelName) == null) tf.registerGradient(config);
  }
  // Registered before the wasm backend initialises, as common/backend/select.ts does.
  registerWasmKernels();
  assert.ok(await tf.setBackend('wasm'));
  assert.ok(await tf.setBackend('cpu'));
});

CASES.forEach((c, i) => {
  test(`kernels - Conv2DBackpropFilter and Conv2DBackpropInput match cpu (${c.name})`, async () => {
    const data = makeData(c, 1000 + i);
    const cpu = await run('cpu', c, data);
    const wasm = await run('wasm', c, data);
    assertClose(wasm.gradW, cpu.gradW, 'dW via tf.grads');
    assertClose(wasm.gradX, cpu.gradX, 'dx via tf.grads');
    assertClose(wasm.kernelW, cpu.kernelW, 'Conv2DBackpropFilter via runKernel');
    assertClose(wasm.kernelX, cpu.kernelX, 'Conv2DBackpropInput via runKernel');
  });
});

// Under a gradient tape tf.fused.conv2d runs unfused when the activation is not linear, and through
// its own customGrad (calling the backprop kernels directly) when it is.
for (const activation of ['relu', 'linear'] as const) {
  test(`kernels - fused conv2d (bias, ${activation}) gradients on wasm match cpu`, async () => {
    const c: Case = { name: 'fused', x: [2, 7, 6, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' };
    const data = makeData(c, 77);
    const bias = randomArray(new Rng(78), c.w[3]);
    const grads = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const gs = tf.tidy(() => {
        const dy = tf.tensor(data.dy, data.yShape);
        const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: 1, pad: 'same', activation }), dy));
        return tf.grads(f)([tf.tensor4d(data.x, c.x), tf.tensor4d(data.w, c.w), tf.tensor1d(bias)]);
      });
      const out = await Promise.all(gs.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose(gs);
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    assertClose(wasm[0]!, cpu[0]!, 'dx');
    assertClose(wasm[1]!, cpu[1]!, 'dW');
    assertClose(wasm[2]!, cpu[2]!, 'dBias');
  });
}

test('kernels - NCHW Conv2DBackpropInput is delegated to the built-in wasm kernel and matches cpu', async () => {
  const rng = new Rng(5);
  const xShape: Shape4 = [2, 3, 6, 5]; // NCHW
  const wShape: Shape4 = [3, 3, 3, 4];
  const dyShape = [2, 4, 6, 5];
  const dyData = randomArray(rng, size(dyShape));
  const wData = randomArray(rng, size(wShape));
  const on = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const r = tf.tidy(() =>
      tf.engine().runKernel<tf.Tensor>(
        'Conv2DBackpropInput',
        { dy: tf.tensor(dyData, dyShape), filter: tf.tensor(wData, wShape) },
        {
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
          inputShape: xShape,
        },
      ),
    );
    const data = (await r.data()) as Float32Array;
    assert.deepEqual(r.shape, xShape);
    r.dispose();
    return data;
  };
  assertClose(await on('wasm'), await on('cpu'), 'NCHW dx');
});

test('kernels - unsupported cases throw BackendError naming the attribute, leaking nothing', async () => {
  await tf.setBackend('wasm');
  const xNchw = tf.zeros([1, 3, 6, 6]);
  const dyNchw = tf.zeros([1, 4, 6, 6]);
  const x = tf.zeros([1, 6, 6, 3]);
  const w = tf.zeros([3, 3, 3, 4]);
  const badDy = tf.zeros([1, 5, 5, 4]);
  const count0 = tf.memory().numTensors;
  const attrs = (a: object) => a as unknown as tf.NamedAttrMap;
  assert.throws(
    () =>
      tf
        .engine()
        .runKernel('Conv2DBackpropFilter', { x: xNchw, dy: dyNchw }, attrs({ strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4] })),
    (e: unknown) => e instanceof BackendError && /dataFormat 'NCHW'/.test(e.message),
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: badDy }, attrs({ strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] })),
    (e: unknown) => e instanceof BackendError && /dy has shape \[1,5,5,4\]/.test(e.message),
  );
  assert.throws(
    () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy: badDy, filter: w }, attrs({ strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 6, 6, 3] })),
    (e: unknown) => e instanceof BackendError && /dy has shape/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, count0);
  tf.dispose([xNchw, dyNchw, x, w, badDy]);
});

test('kernels - registerWasmKernels is idempotent', () => {
  const input = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const filter = tf.getKernel('Conv2DBackpropFilter', 'wasm');
  assert.ok(input != null && filter != null);
  registerWasmKernels();
  registerWasmKernels();
  assert.equal(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc, input.kernelFunc);
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc, filter.kernelFunc);
});

test('kernels - conv2d gradients on wasm leak no tensors, buffers or references', async () => {
  await tf.setBackend('wasm');
  const rng = new Rng(9);
  const x = tf.tensor4d(randomArray(rng, 2 * 9 * 8 * 3), [2, 9, 8, 3]);
  const w = tf.tensor4d(randomArray(rng, 3 * 3 * 3 * 4), [3, 3, 3, 4]);
  const backend = tf.backend() as unknown as { refCount(id: object): number; numDataIds(): number };
  const f = (strides: number) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, 'same'), 0.5));
  // Warm up (first calls may allocate backend-level caches).
  tf.dispose(tf.grads(f(1))([x, w]));
  const mem0 = tf.memory();
  const ids0 = backend.numDataIds();
  const refs0 = [backend.refCount(x.dataId), backend.refCount(w.dataId)];
  for (const strides of [1, 2]) {
    for (let i = 0; i < 3; i++) {
      const [gx, gw] = tf.grads(f(strides))([x, w]);
      assert.equal(tf.memory().numTensors, mem0.numTensors + 2);
      // The results are usable after the kernels' temporaries are gone.
      assert.ok(Number.isFinite((await gx!.data())[0]!) && Number.isFinite((await gw!.data())[0]!));
      tf.dispose([gx!, gw!]);
    }
    // Kernels run directly, outside any tidy: their results must be the only thing left.
    const dy = tf.conv2d(x, w, strides, 'same');
    const attrs = { strides, pad: 'same', dataFormat: 'NHWC' };
    const kx = tf.engine().runKernel<tf.Tensor>('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape });
    const kw = tf.engine().runKernel<tf.Tensor>('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape });
    assert.deepEqual(kx.shape, x.shape);
    assert.deepEqual(kw.shape, w.shape);
    assert.equal(tf.memory().numTensors, mem0.numTensors + 3);
    assert.equal(backend.numDataIds(), ids0 + 3);
    assert.equal(backend.refCount(dy.dataId), 1);
    tf.dispose([dy, kx, kw]);
  }
  const mem1 = tf.memory();
  assert.equal(mem1.numTensors, mem0.numTensors, 'numTensors');
  assert.equal(mem1.numDataBuffers, mem0.numDataBuffers, 'numDataBuffers');
  assert.equal(mem1.numBytes, mem0.numBytes, 'numBytes');
  assert.equal(backend.numDataIds(), ids0, 'backend data ids');
  assert.deepEqual([backend.refCount(x.dataId), backend.refCount(w.dataId)], refs0, 'input refCounts');
  tf.dispose([x, w]);
});
