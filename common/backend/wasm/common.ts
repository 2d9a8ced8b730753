// Machinery shared by our wasm kernels (wasm-kernels.ts and the wasm-*.ts files it registers).
//
// Two ways to write a kernel here:
// - With tf ops (computeWithOps): the inputs are wrapped as tensors and the result handed back as a
//   TensorInfo owning one backend reference. Reference counting: the engine's
//   makeTensorFromTensorInfo does NOT raise the backend refCount of the data, but disposing the
//   wrapper lowers it. So every wrapped input gets backend.incRef() first (the wrapper's disposal at
//   the end of the tidy gives it back), and the result gets backend.incRef() before its tensor is
//   disposed, which leaves exactly the one reference that the engine's output tensor will own.
// - Directly on the wasm heap (JS loops or typed-array copies over Float32Array views), allocating
//   the output with backend.makeOutput like the built-in kernels do. Views must be taken after the
//   last allocation: malloc can grow the heap, which detaches earlier views.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../../errors.js';

export type DataId = object;
export type KernelFunc = tf.KernelConfig['kernelFunc'];
export type KernelParams = Parameters<KernelFunc>[0];

/** What we use of tfjs-backend-wasm's BackendWasm (not exported as a type by the package). */
export interface WasmBackendLike {
  incRef(dataId: DataId): void;
  disposeData(dataId: DataId, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Marks the kernel functions installed by us, so a second call (or a second copy of a module) sees them. */
export const MARK = Symbol.for('syncgrad.wasmKernel');
export interface MarkedKernelFunc extends KernelFunc {
  [MARK]?: true;
}

export function mark(fn: KernelFunc): MarkedKernelFunc {
  (fn as MarkedKernelFunc)[MARK] = true;
  return fn;
}

export function isOurs(config: tf.KernelConfig | undefined): boolean {
  return config != null && (config.kernelFunc as MarkedKernelFunc)[MARK] === true;
}

export function asBackend(backend: unknown): WasmBackendLike {
  const b = backend as Partial<WasmBackendLike> | null;
  if (b == null || typeof b.incRef !== 'function' || typeof b.makeOutput !== 'function' || typeof b.typedArrayFromHeap !== 'function') {
    throw new BackendError('wasm kernels: the backend lacks incRef/makeOutput/typedArrayFromHeap (is this the wasm backend?)');
  }
  return b as WasmBackendLike;
}

/** A float32 view of a tensor's data on the wasm heap. Re-take it after any allocation. */
export function f32(backend: WasmBackendLike, info: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/**
 * Runs `fn` on tensors wrapping `infos` inside a tidy and returns the result as a TensorInfo that owns
 * one backend reference. Nothing else stays allocated; the inputs keep their reference counts.
 */
export function computeWithOps(backend: WasmBackendLike, infos: tf.TensorInfo[], fn: (...ts: tf.Tensor[]) => tf.Tensor): tf.TensorInfo {
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

/**
 * A tensor whose contents `fill` writes straight into the wasm heap. Use inside computeWithOps (or
 * any tidy): the tensor owns the single reference that makeOutput created.
 */
export function heapTensor(backend: WasmBackendLike, shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  const info = backend.makeOutput(shape, 'float32');
  fill(f32(backend, info));
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** The heap view of a tensor created on the wasm backend. */
export function tensorF32(backend: WasmBackendLike, t: tf.Tensor): Float32Array {
  return f32(backend, { dataId: t.dataId, shape: t.shape, dtype: t.dtype });
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export function checkDataFormat(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    const shown = typeof dataFormat === 'string' ? dataFormat : JSON.stringify(dataFormat);
    throw new BackendError(`wasm ${kernel}: dataFormat '${shown}' is not supported (only NHWC)`);
  }
}

export function checkFloat(kernel: string, infos: tf.TensorInfo[]): void {
  for (const info of infos) {
    if (info.dtype !== 'float32') throw new BackendError(`wasm ${kernel}: dtype '${info.dtype}' is not supported (only float32)`);
  }
}

/**
 * Replaces the wasm kernel `kernelName` with `make(original)` unless ours is already installed.
 * The original's setupFunc/disposeFunc are kept: the built-in kernels bind their wasm functions in
 * setupFunc, which runs at setBackend('wasm'), and our wrappers may delegate to them.
 */
export function replaceWasmKernel(kernelName: string, make: (original: KernelFunc | undefined) => KernelFunc): void {
  const existing = tf.getKernel(kernelName, 'wasm');
  if (isOurs(existing)) return;
  if (existing != null) tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: mark(make(existing?.kernelFunc)),
    setupFunc: existing?.setupFunc,
    disposeFunc: existing?.disposeFunc,
  });
}
