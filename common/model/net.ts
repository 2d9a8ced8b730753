// What training, evaluation and the cluster need of a network, whichever it is: the seed CNN on
// tfjs-core ops (cnn.ts) or a tfjs-layers model (layers-net.ts). Tensors in the order of the flat
// vector: trainable ones, then buffers (BatchNorm's running statistics), which a step does not
// differentiate but averages (train/step.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig, ParamSpec } from './spec.js';

export interface ForwardOptions {
  training: boolean;
  /** Seed for this step's dropout masks; required when training with dropout. */
  dropoutSeed?: number;
  /** One id per image (its index in the train split): a sample's mask depends on it, not on its position. */
  sampleIds?: ArrayLike<number>;
}

export interface Net {
  readonly config: ModelConfig;
  /** Every tensor of the flat vector: `params`, then `buffers`. */
  readonly specs: ParamSpec[];
  readonly params: tf.Variable[];
  readonly buffers: tf.Variable[];
  /** Values in the flat vector (trainable and buffers). */
  readonly paramCount: number;
  /** Logits [N, classes] for x [N, H, W, C] (NHWC). In training, buffers take this pass's update. */
  forward(x: tf.Tensor4D, options: ForwardOptions): tf.Tensor2D;
  /** The layers' regularisation losses (kernelRegularizer and the like), or undefined when there are none. */
  regularizationLoss(): tf.Scalar | undefined;
  /** Copies of every tensor, in specs' order. */
  getWeights(): Promise<Float32Array[]>;
  setWeights(weights: Float32Array[]): void;
  /** For a net that only infers from now on: fold what can be folded (BatchNorm into its conv). */
  foldForInference?(): Promise<void>;
  dispose(): void;
}

/** Assigns `weights` (specs' order) to `variables`, checking each one's size. */
export function assignWeights(variables: readonly tf.Variable[], specs: readonly ParamSpec[], weights: readonly Float32Array[]): void {
  if (weights.length !== variables.length) throw new Error(`expected ${variables.length} weight tensors, got ${weights.length}`);
  variables.forEach((v, i) => {
    const w = weights[i]!;
    if (w.length !== v.size) throw new Error(`${specs[i]!.name}: expected ${v.size} values, got ${w.length}`);
    tf.tidy(() => v.assign(tf.tensor(w, v.shape, 'float32')));
  });
}
