// Convolution as unfold -> matmul -> fold ("im2col"), on plain Float32Arrays in NCHW layout with the
// semantics of PyTorch's F.unfold / F.fold, and the teaching demo that checks it against tf.conv2d.
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { Rng } from '../rng.js';

export type Shape4 = [number, number, number, number];
export type Shape3 = [number, number, number];

export interface Im2colOptions {
  /** Zero padding on each side: one number for both axes or [rows, cols]. Default 0. */
  padding?: number | [number, number];
  /** Stride: one number for both axes or [rows, cols]. Default 1. */
  stride?: number | [number, number];
}

interface Geometry {
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  /** Number of patch positions along each axis. */
  oh: number;
  ow: number;
}

function pairOf(v: number | [number, number] | undefined, fallback: number, what: string, min: number): [number, number] {
  const p: [number, number] = v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  for (const n of p) {
    if (!Number.isInteger(n) || n < min) throw new ConfigError(`${what} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return p;
}

function checkDims(shape: readonly number[], rank: number, what: string): void {
  if (shape.length !== rank || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ConfigError(`${what} must be ${rank} positive integers, got [${shape.join(', ')}]`);
  }
}

function checkLength(data: ArrayLike<number>, shape: readonly number[], what: string): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new ConfigError(`${what} has ${data.length} values but shape [${shape.join(', ')}] needs ${n}`);
}

function geometry(h: number, w: number, kernel: [number, number], options: Im2colOptions): Geometry {
  checkDims(kernel, 2, 'kernel');
  const [ph, pw] = pairOf(options.padding, 0, 'padding', 0);
  const [sh, sw] = pairOf(options.stride, 1, 'stride', 1);
  const [kh, kw] = kernel;
  if (h + 2 * ph < kh || w + 2 * pw < kw) {
    throw new ConfigError(`kernel ${kh}x${kw} is larger than the padded input ${h + 2 * ph}x${w + 2 * pw}`);
  }
  return { ph, pw, sh, sw, oh: Math.floor((h + 2 * ph - kh) / sh) + 1, ow: Math.floor((w + 2 * pw - kw) / sw) + 1 };
}

/**
 * torch.nn.functional.unfold: every kh x kw patch of the zero-padded input becomes a column.
 * Row index c*kh*kw + i*kw + j (channel-major, then kernel row, then kernel column); column index
 * oy*oW + ox. Output [N, C*kh*kw, L] with L = oH*oW.
 */
export function unfold(x: Float32Array, shape: Shape4, kernel: [number, number], options: Im2colOptions = {}): { data: Float32Array; shape: Shape3 } {
  checkDims(shape, 4, 'input shape');
  checkLength(x, shape, 'input');
  const [n, c, h, w] = shape;
  const [kh, kw] = kernel;
  const { ph, pw, sh, sw, oh, ow } = geometry(h, w, kernel, options);
  const rows = c * kh * kw;
  const l = oh * ow;
  const out = new Float32Array(n * rows * l);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const xBase = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const row = (ch * kh + i) * kw + j;
          const outBase = (b * rows + row) * l;
          for (let oy = 0; oy < oh; oy++) {
            const y = oy * sh + i - ph;
            if (y < 0 || y >= h) continue; // a padded row: stays 0
            for (let ox = 0; ox < ow; ox++) {
              const xx = ox * sw + j - pw;
              if (xx >= 0 && xx < w) out[outBase + oy * ow + ox] = x[xBase + y * w + xx]!;
            }
          }
        }
      }
    }
  }
  return { data: out, shape: [n, rows, l] };
}

/**
 * torch.nn.functional.fold, the adjoint of unfold: column l of `cols` [N, C*kh*kw, L] is a kh x kw
 * patch per channel, added back at its place in an [N, C, H, W] output (H, W = outputSize);
 * overlapping patches sum, values that land in the padding are dropped. With a 1x1 kernel, stride 1
 * and no padding it is a reshape of [N, C, H*W] to [N, C, H, W].
 */
export function fold(
  cols: Float32Array,
  shape: Shape3,
  outputSize: [number, number],
  kernel: [number, number] = [1, 1],
  options: Im2colOptions = {},
): { data: Float32Array; shape: Shape4 } {
  checkDims(shape, 3, 'cols shape');
  checkDims(outputSize, 2, 'outputSize');
  checkLength(cols, shape, 'cols');
  const [n, rows, l] = shape;
  const [h, w] = outputSize;
  const [kh, kw] = kernel;
  if (rows % (kh * kw) !== 0) throw new ConfigError(`fold: ${rows} rows is not a multiple of kernel size ${kh}x${kw}`);
  const c = rows / (kh * kw);
  const { ph, pw, sh, sw, oh, ow } = geometry(h, w, kernel, options);
  if (oh * ow !== l) {
    throw new ConfigError(`fold: ${l} columns but outputSize ${h}x${w} with kernel ${kh}x${kw} gives ${oh}x${ow} = ${oh * ow} patches`);
  }
  const out = new Float32Array(n * c * h * w);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const outBase = (b * c + ch) * h * w;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const colBase = (b * rows + (ch * kh + i) * kw + j) * l;
          for (let oy = 0; oy < oh; oy++) {
            const y = oy * sh + i - ph;
            if (y < 0 || y >= h) continue;
            for (let ox = 0; ox < ow; ox++) {
              const xx = ox * sw + j - pw;
              if (xx >= 0 && xx < w) out[outBase + y * w + xx] = out[outBase + y * w + xx]! + cols[colBase + oy * ow + ox]!;
            }
          }
        }
      }
    }
  }
  return { data: out, shape: [n, c, h, w] };
}

/**
 * 2-D convolution (cross-correlation, as in torch and tf) by im2col: unfold x [N,Ci,H,W] into
 * [N, Ci*kh*kw, L], multiply by the weight [Co,Ci,kh,kw] viewed as [Co, Ci*kh*kw], add the bias
 * [Co], and fold the [N, Co, L] result (1x1 kernel: a reshape) to [N, Co, oH, oW].
 */
export function conv2dIm2col(
  x: Float32Array,
  xShape: Shape4,
  weight: Float32Array,
  weightShape: Shape4,
  bias: Float32Array | null,
  options: Im2colOptions = {},
): { data: Float32Array; shape: Shape4 } {
  checkDims(xShape, 4, 'input shape');
  checkDims(weightShape, 4, 'weight shape');
  checkLength(weight, weightShape, 'weight');
  const [n, ci, h, w] = xShape;
  const [co, wci, kh, kw] = weightShape;
  if (wci !== ci) throw new ConfigError(`weight [${weightShape.join(', ')}] expects ${wci} input channels, input has ${ci}`);
  if (bias !== null && bias.length !== co) throw new ConfigError(`bias has ${bias.length} values, expected ${co}`);
  const { oh, ow } = geometry(h, w, [kh, kw], options);
  const cols = unfold(x, xShape, [kh, kw], options);
  const k = ci * kh * kw;
  const l = oh * ow;
  const product = new Float32Array(n * co * l);
  const acc = new Float64Array(l);
  for (let b = 0; b < n; b++) {
    const colsBase = b * k * l;
    for (let o = 0; o < co; o++) {
      acc.fill(bias === null ? 0 : bias[o]!);
      for (let r = 0; r < k; r++) {
        const wv = weight[o * k + r]!;
        if (wv === 0) continue;
        const rowBase = colsBase + r * l;
        for (let p = 0; p < l; p++) acc[p]! += wv * cols.data[rowBase + p]!;
      }
      product.set(acc, (b * co + o) * l);
    }
  }
  return fold(product, [n, co, l], [oh, ow], [1, 1]);
}

// ---------------------------------------------------------------------------------------------
// The demo

export interface ConvDemoOptions {
  seed: number;
  /** Height and width of the single-channel input image (default 6, from 4 to 16). */
  size?: number;
}

const AGREE_TOLERANCE = 1e-6;

function formatMatrix(data: ArrayLike<number>, rows: number, cols: number, offset = 0): string[] {
  const cells: string[] = [];
  for (let i = 0; i < rows * cols; i++) {
    const v = data[offset + i]!;
    cells.push((Object.is(v, -0) ? 0 : v).toFixed(4));
  }
  const width = Math.max(...cells.map((s) => s.length));
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    lines.push(
      '  [ ' +
        cells
          .slice(r * cols, (r + 1) * cols)
          .map((s) => s.padStart(width))
          .join('  ') +
        ' ]',
    );
  }
  return lines;
}

/** Seeded values rounded to 2 decimals, so the printed inputs are exactly what is computed. */
function rounded(n: number, draw: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.round(draw() * 100) / 100;
  return a;
}

function formatDiff(d: number): string {
  return d === 0 ? '0' : d.toExponential(1);
}

/**
 * The worked example: one 3x3 convolution of a small seeded image computed with tf.conv2d (on the
 * active backend) and with conv2dIm2col, then 2x2 max-pooling and a sigmoid, printed step by step.
 * Returns the largest absolute difference between the two convolutions.
 */
export async function runConvDemo(options: ConvDemoOptions, print: (line: string) => void): Promise<{ maxAbsDiff: number }> {
  const size = options.size ?? 6;
  if (!Number.isInteger(size) || size < 4 || size > 16) throw new ConfigError(`demo size must be an integer from 4 to 16, got ${size}`);
  if (!Number.isInteger(options.seed)) throw new ConfigError(`demo seed must be an integer, got ${options.seed}`);
  const rng = Rng.derive(options.seed, 'conv-demo');
  const xShape: Shape4 = [1, 1, size, size];
  const wShape: Shape4 = [1, 1, 3, 3];
  // Pixel intensities in [0, 1) and small weights keep the outputs O(1), where float32 rounding in
  // the library's accumulation stays well under the 1e-6 agreement we check.
  const x = rounded(size * size, () => rng.next());
  const weight = rounded(9, () => 0.3 * rng.normal());
  const bias = rounded(1, () => 0.1 * rng.normal());
  const out = size - 2;

  print(`Convolution two ways: tf.conv2d vs unfold -> matmul -> fold (im2col)   [seed ${options.seed}]`);
  print('');
  print(`input x (N,C,H,W = 1,1,${size},${size}):`);
  formatMatrix(x, size, size).forEach((l) => print(l));
  print(`kernel w (Co,Ci,kh,kw = 1,1,3,3), bias b = ${bias[0]!.toFixed(2)}:`);
  formatMatrix(weight, 3, 3).forEach((l) => print(l));
  print('');

  const cols = unfold(x, xShape, [3, 3], { padding: 0, stride: 1 });
  print(`unfold(x, kernel 3x3): shape [${cols.shape.join(', ')}], one column per 3x3 patch (first 4 columns):`);
  const firstCols = new Float32Array(9 * 4);
  for (let r = 0; r < 9; r++) for (let c = 0; c < 4; c++) firstCols[r * 4 + c] = cols.data[r * cols.shape[2] + c]!;
  formatMatrix(firstCols, 9, 4).forEach((l) => print(l));
  print(`matmul: w viewed as [1, 9] @ cols [9, ${cols.shape[2]}] + b -> [1, ${cols.shape[2]}]; fold (1x1) -> [1, 1, ${out}, ${out}]`);
  print('');

  const mine = conv2dIm2col(x, xShape, weight, wShape, bias, { padding: 0, stride: 1 });
  const theirs = tf.tidy(() => {
    const xt = tf.transpose<tf.Tensor4D>(tf.tensor4d(x, xShape), [0, 2, 3, 1]); // NCHW -> NHWC
    const wt = tf.transpose<tf.Tensor4D>(tf.tensor4d(weight, wShape), [2, 3, 1, 0]); // [Co,Ci,kh,kw] -> [kh,kw,Ci,Co]
    const y = tf.add(tf.conv2d(xt, wt, 1, 'valid'), tf.tensor1d(bias));
    return tf.transpose(y, [0, 3, 1, 2]); // NHWC -> NCHW
  });
  const reference = (await theirs.data()) as Float32Array;
  theirs.dispose();

  print(`(a) tf.conv2d (backend ${tf.getBackend()}), ${out}x${out}:`);
  formatMatrix(reference, out, out).forEach((l) => print(l));
  print(`(b) conv2dIm2col, ${out}x${out}:`);
  formatMatrix(mine.data, out, out).forEach((l) => print(l));
  print('');

  const pooledSize = Math.floor(out / 2);
  const [pooled, activated] = tf.tidy(() => {
    const y = tf.transpose<tf.Tensor4D>(tf.tensor4d(mine.data, mine.shape), [0, 2, 3, 1]);
    const p = tf.maxPool(y, 2, 2, 'valid');
    return [p, tf.sigmoid(p)];
  });
  const pooledData = await pooled.data();
  const activatedData = await activated.data();
  tf.dispose([pooled, activated]);
  print(`max-pool 2x2, stride 2 of the conv output, ${pooledSize}x${pooledSize}:`);
  formatMatrix(pooledData, pooledSize, pooledSize).forEach((l) => print(l));
  print(`sigmoid of the pooled output, ${pooledSize}x${pooledSize}:`);
  formatMatrix(activatedData, pooledSize, pooledSize).forEach((l) => print(l));
  print('');

  let maxAbsDiff = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(reference[i]! - mine.data[i]!);
    maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
  }
  if (reference.length !== mine.data.length) maxAbsDiff = Infinity;
  const agree = maxAbsDiff <= AGREE_TOLERANCE;
  print(
    `im2col vs tf.conv2d: max |diff| = ${formatDiff(maxAbsDiff)} ` +
      (agree ? `(agree to ${AGREE_TOLERANCE.toExponential(0)})` : `(DO NOT agree to ${AGREE_TOLERANCE.toExponential(0)})`),
  );
  return { maxAbsDiff };
}
