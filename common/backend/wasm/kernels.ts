// Extra and faster kernels for the tfjs wasm backend (4.22). registerWasmKernels() installs all of
// them; each concern lives in its own file (wasm-*.ts), the convolution gradients live here.
//
// - Conv2DBackpropFilter does not exist on wasm, so a conv net cannot train there at all. We add it.
//   For stride 1 (every conv in the seed model) it is a sum of per-tap matrix products run through
//   XNNPACK's GEMM (see backpropFilterGemm): with x zero-padded to [N, Hp, Wp, Ci] and flattened to
//   pixels, tap (a, b) of the filter reads the pixel a*Wp + b further on, so
//     dW[a,b,:,:] = X^T[:, off(a,b) .. off(a,b)+P] · dyExt[P, Co]
//   where dyExt is dy zero-extended to the padded grid (P = N*Hp*Wp). The few extra rows and columns
//   of the padded grid multiply zeros in dyExt, so they add nothing. Other strides use one forward
//   conv2d: dW[a,b,ci,co] = sum_{n,i,j} xpad[n, i*s+a, j*s+b, ci] * dy[n,i,j,co] is a stride-1
//   convolution of x transposed to [Ci,H,W,N] (batch=Ci, channels=N) with dy transposed to
//   [oH,oW,N,Co] as the filter, dilated by the stride s, giving [Ci,kh,kw,Co]. That form runs a
//   huge-kernel convolution, 2-3x slower per FLOP than XNNPACK's GEMM, so it is only the fallback.
// - The built-in Conv2DBackpropInput is a naive loop, 8-25x slower than a forward conv2d. We replace
//   it with the usual "full" convolution of dy (dilated by the stride when s > 1) with the filter
//   flipped spatially and its in/out channels swapped. This is also faster than the built-in kernel
//   for strides > 1 (zeros inserted between dy's rows and columns), so every NHWC case is ours; NCHW
//   is delegated to the original kernel.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../../errors.js';
import {
  asBackend,
  checkDataFormat,
  checkFloat,
  computeWithOps,
  f32,
  heapTensor,
  isOurs,
  mark,
  sameShape,
  tensorF32,
  type KernelFunc,
  type KernelParams,
  type MarkedKernelFunc,
  type WasmBackendLike,
} from './common.js';
import { registerIdentityKernels } from './identity.js';
import { registerMatMulKernels } from './matmul.js';
import { registerMaxPoolGradKernel } from './maxpool.js';
import { registerReduceKernels } from './reduce.js';

type Pads = [number, number];

/**
 * Stride-1 'valid' convolution of `x` after padding its rows/cols by `rows`/`cols` (before, after).
 * Negative amounts crop instead. Positive amounts are passed to conv2d as explicit padding (no copy).
 */
function convPadded(x: tf.Tensor4D, filter: tf.Tensor4D, rows: Pads, cols: Pads, dilations: [number, number]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const cropTop = Math.max(0, -rows[0]);
  const cropBottom = Math.max(0, -rows[1]);
  const cropLeft = Math.max(0, -cols[0]);
  const cropRight = Math.max(0, -cols[1]);
  let input = x;
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    input = tf.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  }
  const pt = Math.max(0, rows[0]);
  const pb = Math.max(0, rows[1]);
  const pl = Math.max(0, cols[0]);
  const pr = Math.max(0, cols[1]);
  const pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]] =
    pt + pb + pl + pr === 0
      ? 'valid'
      : [
          [0, 0],
          [pt, pb],
          [pl, pr],
          [0, 0],
        ];
  return tf.conv2d(input, filter, 1, pad, 'NHWC', dilations);
}

/** Inserts s-1 zeros after every row (and column) of an NHWC tensor: [N,H,W,C] -> [N,H*sh,W*sw,C]. */
function zeroInsert(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [n, h, w, c] = t.shape;
  const expanded = tf.reshape(t, [n, h, 1, w, 1, c]);
  const padded = tf.pad(expanded, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(padded, [n, h * sh, w * sw, c]);
}

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropFilter

const backpropFilter: KernelFunc = ({ inputs, backend, attrs }: KernelParams) => {
  const { x, dy } = inputs as { x?: tf.TensorInfo; dy?: tf.TensorInfo };
  if (x == null || dy == null) throw new BackendError('wasm Conv2DBackpropFilter: inputs x and dy are required');
  const a = (attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  checkDataFormat('Conv2DBackpropFilter', a.dataFormat);
  checkFloat('Conv2DBackpropFilter', [x, dy]);
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new BackendError(`wasm Conv2DBackpropFilter: x and dy must be rank 4, got [${x.shape.join(',')}] and [${dy.shape.join(',')}]`);
  }
  const filterShape = a.filterShape;
  if (filterShape == null || filterShape.length !== 4) {
    throw new BackendError(`wasm Conv2DBackpropFilter: attribute filterShape must have 4 entries, got ${JSON.stringify(filterShape)}`);
  }
  const xShape = x.shape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const [n, h, w, ci] = xShape;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  if (ci !== filterShape[2]) {
    throw new BackendError(`wasm Conv2DBackpropFilter: x has ${ci} channels but filterShape is [${filterShape.join(',')}]`);
  }
  if (!sameShape(dy.shape, [n, oh, ow, co])) {
    throw new BackendError(
      `wasm Conv2DBackpropFilter: dy has shape [${dy.shape.join(',')}] but x [${xShape.join(',')}], filterShape [${filterShape.join(',')}], ` +
        `strides ${JSON.stringify(a.strides)}, pad ${JSON.stringify(a.pad)} give [${[n, oh, ow, co].join(',')}]`,
    );
  }
  const b = asBackend(backend);
  if (x.shape.some((d) => d === 0) || dy.shape.some((d) => d === 0)) return computeWithOps(b, [], () => tf.zeros(filterShape));
  if (sh === 1 && sw === 1 && useGemmFilter(info)) return backpropFilterGemm(b, x, dy, info);
  return computeWithOps(b, [x, dy], (xt, dyt) => {
    // Rows: xpad has `top` rows before x; the dilated dy-filter spans sh*(oh-1)+1 rows, so kh output
    // rows need top + h + bottom = kh + sh*(oh-1). A negative bottom means x has unused rows: crop them.
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const bottom = kh + sh * (oh - 1) - top - h;
    const right = kw + sw * (ow - 1) - left - w;
    const xT = tf.transpose(xt as tf.Tensor4D, [3, 1, 2, 0]); // [Ci,H,W,N]
    const dyT = tf.transpose(dyt as tf.Tensor4D, [1, 2, 0, 3]); // [oH,oW,N,Co]
    const out = convPadded(xT, dyT, [top, bottom], [left, right], [sh, sw]); // [Ci,kh,kw,Co]
    if (!sameShape(out.shape, [ci, kh, kw, co])) {
      throw new BackendError(`wasm Conv2DBackpropFilter: internal shape error, got [${out.shape.join(',')}] for filter [${filterShape.join(',')}]`);
    }
    return tf.transpose(out, [1, 2, 0, 3]); // [kh,kw,Ci,Co]
  });
};
mark(backpropFilter);

/**
 * Which form runs a stride-1 Conv2DBackpropFilter. SYNCGRAD_WASM_GEMM_FILTER=0: the convolution
 * form always; =1: the GEMM form always (tests use it to cover the GEMM form on small shapes);
 * unset (or anything else): per shape, see useGemmFilter. The GEMM form made the step 1.5x faster
 * (64² batch 16: 0.52 s vs 0.79 s a step). gemmFilterEnabled() is false only when forced off.
 * Heap corruption (docs/performance.md, "wasm heap corruption"): an earlier version trapped
 * in a later wasm malloc/free ("memory access out of bounds") in long single-process sequences of
 * differently shaped kernel calls (test/kernels-fast.test.ts with the x [3,60,50,32] 'valid' and
 * x [2,30,28,12] 5x3 cases). With the current code (every product on a cached XNNPACK operator
 * uses one row count, see `group` below) it does not reproduce: 4 full runs of that sequence, both
 * forms. The root cause was not pinned down; those cases are back in the suite to keep watching.
 */
export function gemmFilterEnabled(): boolean {
  return process.env.SYNCGRAD_WASM_GEMM_FILTER !== '0';
}

/**
 * Below this many padded-grid pixels (N*Hp*Wp) the per-tap GEMM layout loses to the convolution
 * form: one small product per tap, each paying XNNPACK's setup and packing. Measured per call on the
 * seed's filter gradients (wasm, two runs each): conv3 (Ci=128, Co=64, 'valid') at 32² batch 16
 * (1024 pixels) GEMM 6.4 ms vs convolution 4.1 ms, at 64² batch 16 (4096 pixels) 28 vs 22 ms, at
 * 256² batch 4 (16384 pixels) 100 vs 130 ms; conv2 at 32² batch 16 (5184 pixels) ties (115-157 vs
 * 117-127 ms), every larger shape and every im2col case (conv1, Ci=3: 2.3x) favours the GEMM form.
 */
const PER_TAP_MIN_PIXELS = 4096;

/** The form for a stride-1 Conv2DBackpropFilter (see gemmFilterEnabled for the switch). */
export function useGemmFilter(info: tf.backend_util.Conv2DInfo): boolean {
  const mode = process.env.SYNCGRAD_WASM_GEMM_FILTER;
  if (mode === '0') return false;
  if (mode === '1') return true;
  const { batchSize: n, filterHeight: kh, filterWidth: kw, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  if (kh * kw * ci <= IM2COL_MAX) return true;
  return n * (oh + kh - 1) * (ow + kw - 1) > PER_TAP_MIN_PIXELS;
}

/**
 * The GEMMs' inner dimension is rounded up to this with zero pixels (zero rows of dy add nothing),
 * keeping XNNPACK on its aligned inner loops.
 */
const K_ALIGN = 16;
/**
 * Pixels of the padded grid per GEMM chunk: bounds the temporaries (and keeps them in cache). Not
 * a power of two on purpose: the im2col layout transposes dy into rows of this length, and with a
 * 32 KiB row stride (8192) the 16 interleaved write streams of transposeRun hit one cache set
 * (3.4 vs 1.8 ns per element); conv1's filter gradient went 440 → 380 ms at 256² batch 4 and
 * 113 → 95 ms at 64² batch 16.
 */
const CHUNK_PIXELS = 8000;
/** Rows of the GEMM's left operand in the per-tap layout: taps are grouped until about this many. */
const GEMM_ROWS = 256;
/** Below this many filter taps × input channels (kh*kw*Ci), the im2col layout is used instead. */
const IM2COL_MAX = 64;

/**
 * Calls `run(dst, src, len)` for every maximal run of grid pixels in [p0, p1) that comes from the
 * source image: the grid is N images of hp×wp pixels, the source N images of sh×sw pixels placed
 * with their top-left pixel at grid (top, left) (negative: the source is cropped). `dst` counts
 * from p0, `src` is the source's flat pixel index. Grid pixels outside every run are zeros.
 */
function forEachRun(
  p0: number,
  p1: number,
  n: number,
  hp: number,
  wp: number,
  sh: number,
  sw: number,
  top: number,
  left: number,
  run: (dst: number, src: number, len: number) => void,
): void {
  const c0 = Math.max(0, left);
  const c1 = Math.min(wp, sw + left);
  if (c1 <= c0) return;
  const r0 = Math.max(0, top);
  const r1 = Math.min(hp, sh + top);
  const firstRow = Math.floor(p0 / wp);
  const lastRow = Math.floor((p1 - 1) / wp);
  for (let gr = firstRow; gr <= lastRow && gr < n * hp; gr++) {
    const img = Math.floor(gr / hp);
    const r = gr - img * hp;
    if (r < r0 || r >= r1) continue;
    const start = Math.max(gr * wp + c0, p0);
    const end = Math.min(gr * wp + c1, p1);
    if (end <= start) continue;
    const col = start - gr * wp;
    run(start - p0, (img * sh + (r - top)) * sw + (col - left), end - start);
  }
}

/** dst[c * dstStride + dstCol + q] = src[(srcPix + q) * ch + c] for q < len, c < ch (a tiled transpose). */
function transposeRun(src: Float32Array, srcPix: number, ch: number, dst: Float32Array, dstStride: number, dstCol: number, len: number): void {
  const T = 16;
  for (let c0 = 0; c0 < ch; c0 += T) {
    const c1 = Math.min(ch, c0 + T);
    for (let q = 0; q < len; q++) {
      const s = (srcPix + q) * ch;
      const d = dstCol + q;
      for (let c = c0; c < c1; c++) dst[c * dstStride + d] = src[s + c]!;
    }
  }
}

/**
 * Stride-1 Conv2DBackpropFilter as GEMMs over the padded pixel grid (see the file comment), in
 * chunks of CHUNK_PIXELS grid pixels whose partial filter gradients are summed. Two layouts:
 * - per tap (kh*kw*Ci > IM2COL_MAX, conv2/conv3 of the seed): dW[tap] (Ci×Co) += Xᵀ[:, chunk+off] ·
 *   dyExt[chunk], with dyExt's chunk as XNNPACK's weights (packed once per chunk, shared by taps);
 * - im2col (small Ci, conv1 with Ci=3): dWᵀ (Co×kh*kw*Ci) += dyExtᵀ[:, chunk] · cols[chunk], since
 *   packing a Co-wide dyExt would cost more than the 27-wide product itself.
 * Every operand is laid out on the heap with typed-array copies and loops; no pass over x or dy
 * besides these copies.
 */
function backpropFilterGemm(b: WasmBackendLike, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [n, h, w, ci] = x.shape as [number, number, number, number];
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const hp = oh + kh - 1;
  const wp = ow + kw - 1;
  const pixels = n * hp * wp;
  const extra = (kh - 1) * wp + (kw - 1);
  const taps = kh * kw;
  const kdim = taps * ci;
  const offset = (t: number) => Math.floor(t / kw) * wp + (t % kw);
  const im2col = kdim <= IM2COL_MAX;
  // Partial sums of the filter gradient: [kdim, Co] (per tap) or [Co, kdim] (im2col).
  const acc = new Float32Array(kdim * co);
  const chunk = Math.min(CHUNK_PIXELS, pixels);
  // x rows of one chunk plus `extra` rows after it, pixel-major [chunk + extra, Ci] (im2col) or
  // transposed [Ci, chunk + extra] (per tap). JS memory, reused across chunks.
  const xs = new Float32Array((chunk + extra) * ci);
  // Taps per GEMM: the largest divisor of the tap count within GEMM_ROWS rows, so every GEMM of a
  // chunk has the same shape (XNNPACK's cached operator for dyExt is then set up for one M only).
  let group = 1;
  for (let g = 1; g <= taps; g++) if (taps % g === 0 && g * ci <= GEMM_ROWS) group = g;
  for (let p0 = 0; p0 < pixels; p0 += chunk) {
    const p1 = Math.min(pixels, p0 + chunk);
    const len = p1 - p0;
    // The GEMMs' inner dimension, padded with zero pixels to a multiple of K_ALIGN.
    const lenK = Math.ceil(len / K_ALIGN) * K_ALIGN;
    const xlen = Math.min(len + extra, pixels + extra - p0);
    xs.fill(0);
    const xsrc = f32(b, x);
    const xEnd = Math.min(p0 + xlen, pixels);
    if (im2col) {
      forEachRun(p0, xEnd, n, hp, wp, h, w, top, left, (d, sp, l) => xs.set(xsrc.subarray(sp * ci, (sp + l) * ci), d * ci));
    } else {
      forEachRun(p0, xEnd, n, hp, wp, h, w, top, left, (d, sp, l) => transposeRun(xsrc, sp, ci, xs, chunk + extra, d, l));
    }
    tf.tidy(() => {
      if (im2col) {
        const dyT = heapTensor(b, [co, lenK], (out) => {
          out.fill(0);
          const src = f32(b, dy);
          forEachRun(p0, p1, n, hp, wp, oh, ow, 0, 0, (d, sp, l) => transposeRun(src, sp, co, out, lenK, d, l));
        });
        const cols = heapTensor(b, [lenK, kdim], (out) => {
          out.fill(0);
          for (let q = 0; q < len; q++) {
            const o = q * kdim;
            for (let t = 0; t < taps; t++) {
              const s = (q + offset(t)) * ci;
              for (let c = 0; c < ci; c++) out[o + t * ci + c] = xs[s + c]!;
            }
          }
        });
        addInto(acc, tensorF32(b, tf.matMul(dyT, cols)));
      } else {
        const dyc = heapTensor(b, [lenK, co], (out) => {
          out.fill(0);
          const src = f32(b, dy);
          forEachRun(p0, p1, n, hp, wp, oh, ow, 0, 0, (d, sp, l) => out.set(src.subarray(sp * co, (sp + l) * co), d * co));
        });
        for (let t0 = 0; t0 < taps; t0 += group) {
          const g = Math.min(group, taps - t0);
          const lhs = heapTensor(b, [g * ci, lenK], (out) => {
            if (lenK > len) out.fill(0);
            for (let k = 0; k < g; k++) {
              const off = offset(t0 + k);
              for (let c = 0; c < ci; c++) {
                const from = c * (chunk + extra) + off;
                out.set(xs.subarray(from, from + len), (k * ci + c) * lenK);
              }
            }
          });
          const part = tf.matMul(lhs, dyc); // [g*Ci, Co]
          addInto(acc, tensorF32(b, part), t0 * ci * co);
          tf.dispose([lhs, part]);
        }
      }
    });
  }
  const out = b.makeOutput([kh, kw, ci, co], 'float32');
  const dst = f32(b, out);
  if (im2col) {
    // acc is [Co, kdim]; the filter is [kdim, Co].
    for (let c = 0; c < co; c++) for (let k = 0; k < kdim; k++) dst[k * co + c] = acc[c * kdim + k]!;
  } else {
    dst.set(acc);
  }
  return out;
}

function addInto(acc: Float32Array, part: Float32Array, at = 0): void {
  for (let i = 0; i < part.length; i++) acc[at + i] = acc[at + i]! + part[i]!;
}

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropInput

/**
 * The filter [kh,kw,Ci,Co] flipped spatially with its channels swapped, [kh,kw,Co,Ci]:
 * out[a,b,o,i] = f[kh-1-a, kw-1-b, i, o], in one pass on the heap (tf.reverse + tf.transpose took
 * ~9 ms a step at 32² batch 16, the wasm Reverse alone 8 ms for conv2's 295k weights).
 */
function flipFilter(b: WasmBackendLike, f: tf.Tensor): tf.Tensor {
  const [kh, kw, ci, co] = f.shape as [number, number, number, number];
  return heapTensor(b, [kh, kw, co, ci], (out) => {
    const src = tensorF32(b, f);
    const tap = ci * co;
    for (let a = 0; a < kh; a++) {
      for (let c = 0; c < kw; c++) {
        const s0 = ((kh - 1 - a) * kw + (kw - 1 - c)) * tap;
        const d0 = (a * kw + c) * tap;
        for (let i = 0; i < ci; i++) {
          const s = s0 + i * co;
          for (let o = 0; o < co; o++) out[d0 + o * ci + i] = src[s + o]!;
        }
      }
    }
  });
}

function makeBackpropInput(original: KernelFunc | undefined): MarkedKernelFunc {
  const fn: KernelFunc = (params: KernelParams) => {
    const { inputs, backend, attrs } = params;
    const a = (attrs ?? {}) as unknown as tf.Conv2DBackpropInputAttrs;
    if (a.dataFormat === 'NCHW' && original != null) return original(params);
    checkDataFormat('Conv2DBackpropInput', a.dataFormat);
    const { dy, filter } = inputs as { dy?: tf.TensorInfo; filter?: tf.TensorInfo };
    if (dy == null || filter == null) throw new BackendError('wasm Conv2DBackpropInput: inputs dy and filter are required');
    checkFloat('Conv2DBackpropInput', [dy, filter]);
    const inputShape = a.inputShape;
    if (inputShape == null || inputShape.length !== 4 || dy.shape.length !== 4 || filter.shape.length !== 4) {
      throw new BackendError(
        `wasm Conv2DBackpropInput: inputShape, dy and filter must be rank 4, got ${JSON.stringify(inputShape)}, [${dy.shape.join(',')}], [${filter.shape.join(',')}]`,
      );
    }
    const filterShape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const [n, h, w, ci] = inputShape;
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, outChannels: co } = info;
    if (ci !== filterShape[2]) {
      throw new BackendError(`wasm Conv2DBackpropInput: inputShape [${inputShape.join(',')}] has ${ci} channels but filter is [${filterShape.join(',')}]`);
    }
    if (!sameShape(dy.shape, [n, oh, ow, co])) {
      throw new BackendError(
        `wasm Conv2DBackpropInput: dy has shape [${dy.shape.join(',')}] but inputShape [${inputShape.join(',')}], filter [${filterShape.join(',')}], ` +
          `strides ${JSON.stringify(a.strides)}, pad ${JSON.stringify(a.pad)} give [${[n, oh, ow, co].join(',')}]`,
      );
    }
    const b = asBackend(backend);
    return computeWithOps(b, [dy, filter], (dyt, ft) => {
      if (dyt.size === 0 || ft.size === 0) return tf.zeros(inputShape);
      // dx[h] = sum_a D[h + top - a] W[a] with D = dy with sh-1 zeros after each row (length oh*sh).
      // Flipping W turns that into a correlation of D padded by kh-1-top rows before and enough rows
      // after for exactly h output rows: top' + oh*sh + bottom' - kh + 1 = h.
      const d = zeroInsert(dyt as tf.Tensor4D, sh, sw);
      const top = kh - 1 - info.padInfo.top;
      const left = kw - 1 - info.padInfo.left;
      const bottom = h + kh - 1 - oh * sh - top;
      const right = w + kw - 1 - ow * sw - left;
      const flipped = flipFilter(b, ft) as tf.Tensor4D; // [kh,kw,Co,Ci]
      const out = convPadded(d, flipped, [top, bottom], [left, right], [1, 1]);
      if (!sameShape(out.shape, inputShape)) {
        throw new BackendError(`wasm Conv2DBackpropInput: internal shape error, got [${out.shape.join(',')}] for input [${inputShape.join(',')}]`);
      }
      return out;
    });
  };
  return mark(fn);
}

/**
 * Registers Conv2DBackpropFilter, a faster Conv2DBackpropInput, and the faster MaxPoolGrad,
 * BatchMatMul, Sum, Identity and Cast kernels (wasm-maxpool.ts, wasm-matmul.ts, wasm-reduce.ts,
 * wasm-identity.ts) for the 'wasm' backend. Import
 * '@tensorflow/tfjs-backend-wasm' first. Safe to call any number of times, before or after
 * tf.setBackend('wasm').
 */
export function registerWasmKernels(): void {
  const existingInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!isOurs(existingInput)) {
    if (existingInput == null && tf.getKernel('Conv2D', 'wasm') == null) {
      throw new BackendError('registerWasmKernels: the wasm backend is not loaded (import @tensorflow/tfjs-backend-wasm first)');
    }
    const original = existingInput?.kernelFunc;
    if (existingInput != null) tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      kernelFunc: makeBackpropInput(original),
      // The original kernel binds its wasm function in setupFunc, which runs at setBackend('wasm');
      // keep it so that delegation (NCHW) works when we register before the backend initialises.
      setupFunc: existingInput?.setupFunc,
      disposeFunc: existingInput?.disposeFunc,
    });
  }
  const existingFilter = tf.getKernel('Conv2DBackpropFilter', 'wasm');
  if (!isOurs(existingFilter)) {
    if (existingFilter != null) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter });
  }
  registerIdentityKernels();
  registerMaxPoolGradKernel();
  registerMatMulKernels();
  registerReduceKernels();
}
