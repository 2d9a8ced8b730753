// Sum over leading axes for the wasm backend, written straight over the wasm heap.
//
// The bias gradient of every conv layer is dy summed over [N, H, W]: a reduction over the leading
// axes of an NHWC tensor. The built-in wasm Sum first transposes the whole tensor so the reduced
// axes come last (a full strided copy), then sums: ~95 ms for conv1's dy at 64² batch 16. Summing
// the rows of the [outer, inner] view in place needs one sequential pass. We accumulate in float64
// in the same order as the cpu backend's Sum (which also adds in a JS number), so results match it
// to the last bit or so. Every other reduction keeps the built-in kernel.
import * as tf from '@tensorflow/tfjs-core';
import { asBackend, f32, replaceWasmKernel, type KernelFunc, type KernelParams } from './common.js';

function makeSum(original: KernelFunc | undefined): KernelFunc {
  return (params: KernelParams) => {
    const { inputs, backend, attrs } = params;
    const { x } = inputs as { x: tf.TensorInfo };
    const { axis, keepDims = false } = (attrs ?? {}) as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = x.dtype === 'float32' && rank >= 2 ? tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q) : [];
    const leading = axes.length > 0 && axes.length < rank && axes.every((v, i) => v === i);
    if (!leading || original == null) {
      if (original == null) throw new Error('wasm Sum: the built-in kernel is missing');
      return original(params);
    }
    const outer = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
    const innerShape = x.shape.slice(axes.length);
    const inner = innerShape.reduce((p, q) => p * q, 1);
    const outShape = keepDims ? [...x.shape.slice(0, axes.length).map(() => 1), ...innerShape] : innerShape;
    const b = asBackend(backend);
    const out = b.makeOutput(outShape, 'float32');
    const src = f32(b, x);
    const dst = f32(b, out);
    const acc = new Float64Array(inner);
    let o = 0;
    for (let r = 0; r < outer; r++) {
      for (let i = 0; i < inner; i++) acc[i] = acc[i]! + src[o + i]!;
      o += inner;
    }
    dst.set(acc);
    return out;
  };
}

export function registerReduceKernels(): void {
  replaceWasmKernel('Sum', makeSum);
}
