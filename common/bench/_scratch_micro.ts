import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend/select.js';
await initBackend('wasm');
console.log('simd', tf.env().getBool('WASM_HAS_SIMD_SUPPORT'));
function time(name: string, flops: number, f: () => tf.Tensor, reps = 3) {
  f().dispose();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t0 = performance.now(); const r = f(); r.dataSync(); r.dispose(); ts.push(performance.now() - t0); }
  const ms = Math.min(...ts);
  console.log(`${name}: ${ms.toFixed(1)} ms, ${(flops / ms / 1e6).toFixed(1)} GFLOP/s`);
}
const x = tf.randomNormal([16, 32, 32, 256]) as tf.Tensor4D;
const w = tf.randomNormal([3, 3, 256, 128]) as tf.Tensor4D;
time('conv2 fwd 64² b16', 2 * 16 * 32 * 32 * 128 * 2304, () => tf.conv2d(x, w, 1, 'same'));
const x1 = tf.randomNormal([16, 64, 64, 3]) as tf.Tensor4D;
const w1 = tf.randomNormal([3, 3, 3, 256]) as tf.Tensor4D;
time('conv1 fwd 64² b16', 2 * 16 * 64 * 64 * 256 * 27, () => tf.conv2d(x1, w1, 1, 'same'));
const a = tf.randomNormal([128, 18496]) as tf.Tensor2D;
const b = tf.randomNormal([18496, 256]) as tf.Tensor2D;
time('matmul 128x18496x256', 2 * 128 * 18496 * 256, () => tf.matMul(a, b));
time('matmul 128x18496x256 x9 ', 9 * 2 * 128 * 18496 * 256, () => { let r = tf.matMul(a, b); for (let i = 0; i < 8; i++) { const q = tf.matMul(a, b); q.dispose(); } return r; });
const bt = tf.randomNormal([18496, 2304]) as tf.Tensor2D;
time('matmul 128x18496x2304', 2 * 128 * 18496 * 2304, () => tf.matMul(a, bt));
time('transpose 18496x256', 0, () => tf.transpose(b));
time('slice 18496x256', 0, () => tf.slice(b, [1, 0], [18000, 256]));
