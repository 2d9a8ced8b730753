// MaxPoolGrad for the wasm backend, written straight over the wasm heap.
//
// The built-in wasm kernel walks every input pixel and, for every window covering it, recomputes
// that window's argmax: at 64² batch 16 it took ~0.7 s of a 3.6 s training step. Here each window's
// argmax is computed once and its dy written to that one position.
//
// Ties follow tfjs exactly (tfjs-backend-cpu maxPoolPositions + MaxPoolGrad): scanning the window
// row-major, the position kept is the FIRST one strictly greater than everything before it,
// starting from -Infinity. So among equal maxima the first wins (after a ReLU, all-zero windows are
// common: the top-left zero gets the gradient); NaNs never win; a window of only -Infinity/NaN
// passes no gradient at all. Overlapping windows add their contributions.
//
// Fast path for the 2x2 / stride 2 / no padding pooling of the seed model: a branch-free
// tournament (first-max of each row pair, then of the two winners) equals the sequential scan
// whenever both pair winners are > -Infinity and not NaN (a NaN in the second of a pair is skipped
// by both, a NaN in the first poisons the pair winner); other windows take the sequential scan.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../../errors.js';
import { asBackend, checkFloat, f32, replaceWasmKernel, type KernelParams } from './common.js';

function maxPoolGrad({ inputs, backend, attrs }: KernelParams): tf.TensorInfo {
  const { dy, input } = inputs as { dy?: tf.TensorInfo; input?: tf.TensorInfo };
  if (dy == null || input == null) throw new BackendError('wasm MaxPoolGrad: inputs dy and input are required');
  checkFloat('MaxPoolGrad', [dy, input]);
  if (input.shape.length !== 4) throw new BackendError(`wasm MaxPoolGrad: input must be rank 4, got [${input.shape.join(',')}]`);
  const a = (attrs ?? {}) as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize, a.strides, 1, a.pad, a.dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  if (dy.shape.length !== 4 || dy.shape[0] !== n || dy.shape[1] !== oh || dy.shape[2] !== ow || dy.shape[3] !== c) {
    throw new BackendError(`wasm MaxPoolGrad: dy has shape [${dy.shape.join(',')}], expected [${[n, oh, ow, c].join(',')}]`);
  }
  const b = asBackend(backend);
  const out = b.makeOutput(input.shape.slice(), 'float32');
  const dx = f32(b, out);
  const x = f32(b, input);
  const g = f32(b, dy);
  dx.fill(0);
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * oh <= h && 2 * ow <= w) {
    pool2x2(x, g, dx, n, h, w, c, oh, ow);
  } else {
    poolGeneric(x, g, dx, n, h, w, c, oh, ow, sh, sw, fh, fw, top, left);
  }
  return out;
}

/** Sequential first-strict-max scan of one window; returns the flat index of the winner or -1. */
function scan(x: Float32Array, base: number, rMin: number, rMax: number, cMin: number, cMax: number, rowStride: number, c: number): number {
  let m = Number.NEGATIVE_INFINITY;
  let k = -1;
  for (let r = rMin; r < rMax; r++) {
    for (let q = cMin; q < cMax; q++) {
      const p = base + r * rowStride + q * c;
      const v = x[p]!;
      if (v > m) {
        m = v;
        k = p;
      }
    }
  }
  return k;
}

function pool2x2(x: Float32Array, g: Float32Array, dx: Float32Array, n: number, h: number, w: number, c: number, oh: number, ow: number): void {
  const rs = w * c;
  let yo = 0;
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < oh; i++) {
      const rowBase = (img * h + 2 * i) * rs;
      for (let j = 0; j < ow; j++) {
        const base = rowBase + 2 * j * c;
        for (let ch = 0; ch < c; ch++) {
          const p0 = base + ch;
          const a0 = x[p0]!;
          const a1 = x[p0 + c]!;
          const a2 = x[p0 + rs]!;
          const a3 = x[p0 + rs + c]!;
          const t01 = (a1 > a0 ? 1 : 0) | 0;
          const t23 = (a3 > a2 ? 1 : 0) | 0;
          const m01 = t01 === 1 ? a1 : a0;
          const m23 = t23 === 1 ? a3 : a2;
          let k: number;
          if (m01 > Number.NEGATIVE_INFINITY && m23 > Number.NEGATIVE_INFINITY) {
            const hi = (m23 > m01 ? 1 : 0) | 0;
            k = p0 + t01 * c + hi * (rs + (t23 - t01) * c);
          } else {
            k = scan(x, p0, 0, 2, 0, 2, rs, c);
          }
          if (k >= 0) dx[k] = g[yo]!;
          yo++;
        }
      }
    }
  }
}

function poolGeneric(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  oh: number,
  ow: number,
  sh: number,
  sw: number,
  fh: number,
  fw: number,
  top: number,
  left: number,
): void {
  const rs = w * c;
  let yo = 0;
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < oh; i++) {
      const rc = i * sh - top;
      const rMin = Math.max(0, rc);
      const rMax = Math.min(h, rc + fh);
      for (let j = 0; j < ow; j++) {
        const cc = j * sw - left;
        const cMin = Math.max(0, cc);
        const cMax = Math.min(w, cc + fw);
        const base = img * h * rs;
        for (let ch = 0; ch < c; ch++) {
          const k = scan(x, base + ch, rMin, rMax, cMin, cMax, rs, c);
          if (k >= 0) dx[k] = dx[k]! + g[yo]!;
          yo++;
        }
      }
    }
  }
}

export function registerMaxPoolGradKernel(): void {
  replaceWasmKernel('MaxPoolGrad', () => maxPoolGrad);
}
