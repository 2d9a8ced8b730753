// The seed's two per-layer blocks as ops with their own gradients, so a training pass keeps only
// what the backward pass needs. While gradients are recorded, tfjs does not fuse
// conv2d+bias+relu (fused ops have no gradient of the activation), so its tape keeps the
// pre-activation as well as the output: two conv-sized tensors per image. At the seed's conv1
// (256 channels at 256²) each is 67 MB per image. Here the forward runs the fused kernel and
// keeps only the output y; relu'(pre) is read off y > 0. Dropout keeps only its scaled mask.
// docs/performance.md (memory at 256²) has the heap before and after.
import * as tf from '@tensorflow/tfjs-core';
// These ops exist to be differentiated: tfjs-core's node bundle ships no gradient definitions, the
// union package registers them (as common/train/step.ts does; a process that only loads the model
// and its ops, such as a test, needs them too).
import '@tensorflow/tfjs';
import { RELU_GRAD_KERNEL } from '../backend/native/kernels.js';

/** customGrad passes the inputs, then the save function, as one argument list. */
function saveOf(args: (tf.Tensor | tf.GradSaveFunc)[]): tf.GradSaveFunc {
  return args[args.length - 1] as tf.GradSaveFunc;
}

export interface ConvBlock {
  pad: 'same' | 'valid';
  /** False for the first layer: its input is the image, whose gradient nobody needs. */
  inputGradient: boolean;
}

/** relu(conv2d(x, filter, stride 1) + bias), NHWC, differentiable in filter and bias (and x when asked). */
export function convBiasRelu(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, block: ConvBlock): tf.Tensor4D {
  const convAttrs = { strides: [1, 1] as [number, number], pad: block.pad, dataFormat: 'NHWC' as const };
  const forward = (input: tf.Tensor4D, save: tf.GradSaveFunc): tf.Tensor4D => {
    const y = tf.engine().runKernel<tf.Tensor4D>(tf.FusedConv2D, { x: input, filter, bias }, { ...convAttrs, dilations: [1, 1], activation: 'relu' });
    save([input, filter, y]);
    return y;
  };
  const backward = (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
    const [input, w, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const dPre = reluGrad(dy, y);
    const dFilter = tf.engine().runKernel<tf.Tensor4D>(tf.Conv2DBackpropFilter, { x: input, dy: dPre }, { ...convAttrs, filterShape: w.shape });
    const dBias = tf.sum(dPre, [0, 1, 2]);
    if (!block.inputGradient) return [dFilter, dBias];
    const dx = tf.engine().runKernel<tf.Tensor4D>(tf.Conv2DBackpropInput, { dy: dPre, filter: w }, { ...convAttrs, inputShape: input.shape });
    return [dx, dFilter, dBias];
  };
  if (!block.inputGradient) {
    // x is a constant of this op (not an input), so no gradient is computed for it.
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({ value: forward(x, saveOf(args)), gradFunc: backward }));
    return op(filter, bias);
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: forward(args[0] as tf.Tensor4D, saveOf(args)),
    gradFunc: backward,
  }));
  return op(x, filter, bias);
}

/** dy where y > 0, else 0 (y is a ReLU's output): the backend's ReluGrad where it has one (native TF), else dy × step(y). */
function reluGrad(dy: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  if (tf.getKernel(RELU_GRAD_KERNEL, tf.getBackend()) != null) return tf.engine().runKernel<tf.Tensor4D>(RELU_GRAD_KERNEL, { dy, y });
  return tf.mul<tf.Tensor4D>(dy, tf.step(y));
}

/**
 * x × mask(), with the mask (already scaled by 1/keep) drawn inside the op: its arithmetic stays
 * off the tape, the gradient is dy × mask, and the mask is all that is kept.
 */
export function applyMask<T extends tf.Tensor>(x: T, makeMask: () => T): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const mask = makeMask();
    saveOf(args)([mask]);
    return { value: tf.mul(args[0] as tf.Tensor, mask), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0]!)] };
  });
  return op(x) as T;
}
