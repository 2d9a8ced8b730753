// Extra and faster convolution-gradient kernels for the tfjs wasm backend (4.22).
//
// - Conv2DBackpropFilter does not exist on wasm, so a conv net cannot train there at all. We add it,
//   expressed as one forward conv2d (which the wasm backend runs through XNNPACK):
//     dW[a,b,ci,co] = sum_{n,i,j} xpad[n, i*s+a, j*s+b, ci] * dy[n,i,j,co]
//   is a stride-1 convolution of x transposed to [Ci,H,W,N] (batch=Ci, channels=N) with dy
//   transposed to [oH,oW,N,Co] as the filter, dilated by the stride s, giving [Ci,kh,kw,Co].
// - The built-in Conv2DBackpropInput is a naive loop, 8-25x slower than a forward conv2d. We replace
//   it with the usual "full" convolution of dy (dilated by the stride when s > 1) with the filter
//   flipped spatially and its in/out channels swapped. This is also faster than the built-in kernel
//   for strides > 1 (zeros inserted between dy's rows and columns), so every NHWC case is ours; NCHW
//   is delegated to the original kernel.
//
// Kernels receive TensorInfos; we wrap them as tensors to use tf ops. Reference counting: the engine's
// makeTensorFromTensorInfo does NOT raise the backend refCount of the data, but disposing the wrapper
// lowers it. So every wrapped input gets backend.incRef() first (the wrapper's disposal at the end of
// the tidy gives it back), and the result gets backend.incRef() before its tensor is disposed, which
// leaves exactly the one reference that the engine's output tensor will own.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../errors.js';

type DataId = object;
type Pads = [number, number];

interface RefCountingBackend {
  incRef(dataId: DataId): void;
}

type KernelFunc = tf.KernelConfig['kernelFunc'];
type KernelParams = Parameters<KernelFunc>[0];

/** Marks the kernel functions installed here, so a second call (or a second copy of this module) sees them. */
const MARK = Symbol.for('syncgrad.wasmKernel');
interface MarkedKernelFunc extends KernelFunc {
  [MARK]?: true;
}

function asBackend(backend: unknown): RefCountingBackend {
  const b = backend as Partial<RefCountingBackend> | null;
  if (b == null || typeof b.incRef !== 'function') {
    throw new BackendError('wasm conv kernels: the backend does not support incRef (is this the wasm backend?)');
  }
  return b as RefCountingBackend;
}

/**
 * Runs `fn` on tensors wrapping `infos` inside a tidy and returns the result as a TensorInfo that owns
 * one backend reference. Nothing else stays allocated; the inputs keep their reference counts.
 */
function computeWithOps(backend: RefCountingBackend, infos: tf.TensorInfo[], fn: (...ts: tf.Tensor[]) => tf.Tensor): tf.TensorInfo {
  const engine = tf.engine();
  const out = tf.tidy(() => {
    const wrapped = infos.map((info) => {
      backend.incRef(info.dataId);
      return engine.makeTensorFromTensorInfo(info);
    });
    return fn(...wrapped);
  });
  backend.incRef(out.dataId);
  const result: tf.TensorInfo = { dataId: out.dataId, shape: out.shape.slice(), dtype: out.dtype };
  out.dispose();
  return result;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

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
    pt + pb + pl + pr === 0 ? 'valid' : [[0, 0], [pt, pb], [pl, pr], [0, 0]];
  return tf.conv2d(input, filter, 1, pad, 'NHWC', dilations);
}

/** Inserts s-1 zeros after every row (and column) of an NHWC tensor: [N,H,W,C] -> [N,H*sh,W*sw,C]. */
function zeroInsert(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [n, h, w, c] = t.shape;
  const expanded = tf.reshape(t, [n, h, 1, w, 1, c]);
  const padded = tf.pad(expanded, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return tf.reshape(padded, [n, h * sh, w * sw, c]);
}

function checkDataFormat(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new BackendError(`wasm ${kernel}: dataFormat '${String(dataFormat)}' is not supported (only NHWC)`);
  }
}

function checkFloat(kernel: string, infos: tf.TensorInfo[]): void {
  for (const info of infos) {
    if (info.dtype !== 'float32') throw new BackendError(`wasm ${kernel}: dtype '${info.dtype}' is not supported (only float32)`);
  }
}

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropFilter

const backpropFilter: MarkedKernelFunc = ({ inputs, backend, attrs }: KernelParams) => {
  const { x, dy } = inputs as { x?: tf.TensorInfo; dy?: tf.TensorInfo };
  if (x == null || dy == null) throw new BackendError('wasm Conv2DBackpropFilter: inputs x and dy are required');
  const a = (attrs ?? {}) as unknown as tf.Conv2DBackpropFilterAttrs;
  checkDataFormat('Conv2DBackpropFilter', a.dataFormat);
  checkFloat('Conv2DBackpropFilter', [x, dy]);
  if (x.shape.length !== 4 || dy.shape.length !== 4) {
    throw new BackendError(`wasm Conv2DBackpropFilter: x and dy must be rank 4, got [${x.shape}] and [${dy.shape}]`);
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
    throw new BackendError(`wasm Conv2DBackpropFilter: x has ${ci} channels but filterShape is [${filterShape}]`);
  }
  if (!sameShape(dy.shape, [n, oh, ow, co])) {
    throw new BackendError(
      `wasm Conv2DBackpropFilter: dy has shape [${dy.shape}] but x [${xShape}], filterShape [${filterShape}], ` +
        `strides ${JSON.stringify(a.strides)}, pad ${JSON.stringify(a.pad)} give [${[n, oh, ow, co]}]`,
    );
  }
  const b = asBackend(backend);
  return computeWithOps(b, [x, dy], (xt, dyt) => {
    if (xt!.size === 0 || dyt!.size === 0) return tf.zeros(filterShape);
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
      throw new BackendError(`wasm Conv2DBackpropFilter: internal shape error, got [${out.shape}] for filter [${filterShape}]`);
    }
    return tf.transpose(out, [1, 2, 0, 3]); // [kh,kw,Ci,Co]
  });
};
backpropFilter[MARK] = true;

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropInput

function makeBackpropInput(original: KernelFunc | undefined): MarkedKernelFunc {
  const fn: MarkedKernelFunc = (params: KernelParams) => {
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
        `wasm Conv2DBackpropInput: inputShape, dy and filter must be rank 4, got ${JSON.stringify(inputShape)}, [${dy.shape}], [${filter.shape}]`,
      );
    }
    const filterShape = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const [n, h, w, ci] = inputShape;
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, outChannels: co } = info;
    if (ci !== filterShape[2]) {
      throw new BackendError(`wasm Conv2DBackpropInput: inputShape [${inputShape}] has ${ci} channels but filter is [${filterShape}]`);
    }
    if (!sameShape(dy.shape, [n, oh, ow, co])) {
      throw new BackendError(
        `wasm Conv2DBackpropInput: dy has shape [${dy.shape}] but inputShape [${inputShape}], filter [${filterShape}], ` +
          `strides ${JSON.stringify(a.strides)}, pad ${JSON.stringify(a.pad)} give [${[n, oh, ow, co]}]`,
      );
    }
    const b = asBackend(backend);
    return computeWithOps(b, [dy, filter], (dyt, ft) => {
      if (dyt!.size === 0 || ft!.size === 0) return tf.zeros(inputShape);
      // dx[h] = sum_a D[h + top - a] W[a] with D = dy with sh-1 zeros after each row (length oh*sh).
      // Flipping W turns that into a correlation of D padded by kh-1-top rows before and enough rows
      // after for exactly h output rows: top' + oh*sh + bottom' - kh + 1 = h.
      const d = zeroInsert(dyt as tf.Tensor4D, sh, sw);
      const top = kh - 1 - info.padInfo.top;
      const left = kw - 1 - info.padInfo.left;
      const bottom = h + kh - 1 - oh * sh - top;
      const right = w + kw - 1 - ow * sw - left;
      const flipped = tf.transpose(tf.reverse(ft as tf.Tensor4D, [0, 1]), [0, 1, 3, 2]); // [kh,kw,Co,Ci]
      const out = convPadded(d, flipped, [top, bottom], [left, right], [1, 1]);
      if (!sameShape(out.shape, inputShape)) {
        throw new BackendError(`wasm Conv2DBackpropInput: internal shape error, got [${out.shape}] for input [${inputShape}]`);
      }
      return out;
    });
  };
  fn[MARK] = true;
  return fn;
}

function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as MarkedKernelFunc)[MARK] === true;
}

/**
 * Registers Conv2DBackpropFilter and a faster Conv2DBackpropInput for the 'wasm' backend. Import
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
}
