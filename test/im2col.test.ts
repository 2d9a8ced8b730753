// common/im2col.ts: unfold/fold with torch semantics, convolution by im2col against tf.conv2d on the
// cpu backend, and the conv demo.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { conv2dIm2col, fold, runConvDemo, unfold, type Shape4 } from '../common/kernels/im2col.js';
import { ConfigError } from '../common/errors.js';
import { Rng } from '../common/rng.js';

before(async () => {
  assert.ok(await tf.setBackend('cpu'));
});

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** tf.conv2d on NCHW data with an OIHW weight and symmetric zero padding, as the reference. */
function tfConv(x: Float32Array, xShape: Shape4, w: Float32Array, wShape: Shape4, bias: Float32Array | null, padding: number, stride: number) {
  const out = tf.tidy(() => {
    const xt = tf.transpose<tf.Tensor4D>(tf.tensor4d(x, xShape), [0, 2, 3, 1]);
    const wt = tf.transpose<tf.Tensor4D>(tf.tensor4d(w, wShape), [2, 3, 1, 0]);
    let y: tf.Tensor4D = tf.conv2d(
      xt,
      wt,
      stride,
      padding === 0
        ? 'valid'
        : [
            [0, 0],
            [padding, padding],
            [padding, padding],
            [0, 0],
          ],
    );
    if (bias) y = tf.add(y, tf.tensor1d(bias));
    return tf.transpose(y, [0, 3, 1, 2]);
  });
  const result = { data: out.dataSync() as Float32Array, shape: out.shape };
  out.dispose();
  return result;
}

const CONV_CASES: { name: string; x: Shape4; w: Shape4; padding: number; stride: number; bias: boolean }[] = [
  { name: '1 channel in and out, padding 0, stride 1', x: [1, 1, 5, 5], w: [1, 1, 3, 3], padding: 0, stride: 1, bias: false },
  { name: 'Ci 3, Co 4, batch 2, padding 1, stride 1', x: [2, 3, 6, 6], w: [4, 3, 3, 3], padding: 1, stride: 1, bias: true },
  { name: 'Ci 3, Co 4, batch 2, non-square, padding 1, stride 2', x: [2, 3, 7, 6], w: [4, 3, 3, 3], padding: 1, stride: 2, bias: true },
  { name: 'Ci 1, Co 4, non-square input and 2x3 kernel, padding 0, stride 2', x: [1, 1, 9, 8], w: [4, 1, 2, 3], padding: 0, stride: 2, bias: false },
  { name: 'Ci 3, Co 1, batch 2, 1x1 kernel', x: [2, 3, 4, 5], w: [1, 3, 1, 1], padding: 0, stride: 1, bias: true },
  { name: 'Ci 2, Co 3, 5x5 kernel, padding 2, stride 1', x: [1, 2, 6, 7], w: [3, 2, 5, 5], padding: 2, stride: 1, bias: false },
];

CONV_CASES.forEach((c, i) => {
  test(`im2col - conv2dIm2col equals tf.conv2d on cpu (${c.name})`, () => {
    const rng = new Rng(200 + i);
    const x = randomArray(rng, size(c.x));
    const w = randomArray(rng, size(c.w));
    const bias = c.bias ? randomArray(rng, c.w[0]) : null;
    const mine = conv2dIm2col(x, c.x, w, c.w, bias, { padding: c.padding, stride: c.stride });
    const ref = tfConv(x, c.x, w, c.w, bias, c.padding, c.stride);
    assert.deepEqual(mine.shape, ref.shape);
    const diff = maxAbsDiff(mine.data, ref.data);
    assert.ok(diff < 1e-5, `max |diff| ${diff}`);
  });
});

test('im2col - unfold matches a hand-computed example (2x2 kernel on a 3x3 image)', () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const u = unfold(x, [1, 1, 3, 3], [2, 2]);
  assert.deepEqual(u.shape, [1, 4, 4]);
  // Rows are kernel positions (0,0) (0,1) (1,0) (1,1); columns are the 4 patches in raster order.
  assert.deepEqual(Array.from(u.data), [1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
});

test('im2col - unfold orders rows channel-major and honours padding and stride', () => {
  const twoChannels = unfold(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [1, 2, 2, 2], [1, 1]);
  assert.deepEqual(twoChannels.shape, [1, 2, 4]);
  assert.deepEqual(Array.from(twoChannels.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  // [[1,2],[3,4]] padded by 1 to 4x4, 2x2 patches with stride 2: each patch holds one pixel.
  const padded = unfold(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2], [2, 2], { padding: 1, stride: 2 });
  assert.deepEqual(padded.shape, [1, 4, 4]);
  assert.deepEqual(Array.from(padded.data), [0, 0, 0, 4, 0, 0, 3, 0, 0, 2, 0, 0, 1, 0, 0, 0]);
});

test('im2col - fold(unfold(x)) with stride 1 is x times the per-pixel patch count', () => {
  const rng = new Rng(7);
  const shape: Shape4 = [2, 3, 5, 6];
  const x = randomArray(rng, size(shape));
  const k = 3;
  for (const padding of [0, 1, 2]) {
    const u = unfold(x, shape, [k, k], { padding });
    const f = fold(u.data, u.shape, [5, 6], [k, k], { padding });
    assert.deepEqual(f.shape, shape);
    // Patch starts o (in padded coordinates) cover pixel p when o <= p + padding < o + k.
    const count = (p: number, extent: number) => {
      const positions = extent + 2 * padding - k + 1;
      return Math.min(positions - 1, p + padding) - Math.max(0, p + padding - k + 1) + 1;
    };
    let worst = 0;
    for (let b = 0; b < 2; b++)
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 5; y++)
          for (let xx = 0; xx < 6; xx++) {
            const i = ((b * 3 + c) * 5 + y) * 6 + xx;
            worst = Math.max(worst, Math.abs(f.data[i]! - x[i]! * count(y, 5) * count(xx, 6)));
          }
    assert.ok(worst < 1e-5, `padding ${padding}: max |diff| ${worst}`);
  }
});

test('im2col - fold with a 1x1 kernel is a reshape', () => {
  const data = Float32Array.from({ length: 2 * 3 * 12 }, (_, i) => i);
  const f = fold(data, [2, 3, 12], [3, 4]);
  assert.deepEqual(f.shape, [2, 3, 3, 4]);
  assert.deepEqual(Array.from(f.data), Array.from(data));
});

test('im2col - inconsistent shapes throw ConfigError', () => {
  assert.throws(() => unfold(new Float32Array(8), [1, 1, 3, 3], [2, 2]), ConfigError);
  assert.throws(() => unfold(new Float32Array(9), [1, 1, 3, 3], [4, 4]), ConfigError);
  assert.throws(() => fold(new Float32Array(16), [1, 4, 4], [3, 3], [2, 2], { stride: 2 }), ConfigError);
  assert.throws(() => conv2dIm2col(new Float32Array(9), [1, 1, 3, 3], new Float32Array(18), [1, 2, 3, 3], null), ConfigError);
  assert.throws(() => unfold(new Float32Array(9), [1, 1, 3, 3], [2, 2], { stride: 0 }), ConfigError);
});

test('im2col - runConvDemo agrees with tf.conv2d and prints every section', async () => {
  const lines: string[] = [];
  const { maxAbsDiff } = await runConvDemo({ seed: 3 }, (l) => lines.push(l));
  assert.ok(maxAbsDiff < 1e-6, `max |diff| ${maxAbsDiff}`);
  const text = lines.join('\n');
  for (const section of [
    'input x (N,C,H,W = 1,1,6,6)',
    'kernel w',
    'unfold(x, kernel 3x3)',
    '(a) tf.conv2d (backend cpu), 4x4',
    '(b) conv2dIm2col, 4x4',
    'max-pool 2x2',
    'sigmoid',
  ]) {
    assert.ok(text.includes(section), `missing "${section}" in:\n${text}`);
  }
  assert.match(lines.at(-1)!, /^im2col vs tf\.conv2d: max \|diff\| = \S+ \(agree to 1e-6\)$/);
  // Matrices: 6 input rows, 3 kernel rows, 9 unfold rows, 4+4 conv rows, 2+2 pooled rows.
  assert.equal(lines.filter((l) => l.startsWith('  [')).length, 6 + 3 + 9 + 4 + 4 + 2 + 2);
  // Deterministic for a seed, different for another.
  const again: string[] = [];
  await runConvDemo({ seed: 3 }, (l) => again.push(l));
  assert.deepEqual(again, lines);
  const other: string[] = [];
  await runConvDemo({ seed: 4, size: 7 }, (l) => other.push(l));
  assert.notDeepEqual(other, lines);
  assert.ok(other.some((l) => l.includes('(b) conv2dIm2col, 5x5')));
});
