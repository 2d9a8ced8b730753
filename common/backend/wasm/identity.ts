// Identity, and Cast to the same dtype, for the wasm backend: share the data instead of copying it.
//
// The engine clones every tensor it saves for the backward pass through the Identity kernel
// (engine.clone), and the relu gradient casts float32 Step output to float32. The built-in wasm
// kernels copy the whole buffer each time: at 64² batch 16 that was ~50 ms of each training step and
// one extra copy of every saved activation in memory. Tensor data is immutable in tfjs (kernels
// write only their outputs; Variable.assign swaps in a new data id), so a second reference to the
// same buffer is indistinguishable from a copy. This is what the cpu backend's Identity does, and
// what the wasm Reshape kernel already does.
import * as tf from '@tensorflow/tfjs-core';
import { asBackend, replaceWasmKernel, type KernelFunc, type KernelParams } from './common.js';

function share({ inputs, backend }: KernelParams): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  asBackend(backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

function makeIdentity(original: KernelFunc | undefined): KernelFunc {
  return (params: KernelParams) => {
    const { x } = params.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string' && original != null) return original(params);
    return share(params);
  };
}

function makeCast(original: KernelFunc | undefined): KernelFunc {
  return (params: KernelParams) => {
    const { x } = params.inputs as { x: tf.TensorInfo };
    const { dtype } = (params.attrs ?? {}) as unknown as tf.CastAttrs;
    if (dtype === x.dtype && dtype !== 'string') return share(params);
    if (original == null) throw new Error('wasm Cast: the built-in kernel is missing');
    return original(params);
  };
}

export function registerIdentityKernels(): void {
  replaceWasmKernel('Identity', makeIdentity);
  replaceWasmKernel('Cast', makeCast);
}
