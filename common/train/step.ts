// One training step, split where tfjs splits minimize(): computing gradients is separate from
// applying them. The cluster puts the network between the two halves.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle ships no gradient definitions; the union package's bundle registers them.
import '@tensorflow/tfjs';
import type { Cnn } from '../model/cnn.js';
import type { Adam } from './optimizer.js';

export interface BatchTensors {
  /** [N, H, W, C] in [0, 1]. */
  x: tf.Tensor4D;
  /** [N] class indices. */
  y: tf.Tensor1D;
}

export interface GradientResult {
  /** d(mean loss over the batch)/d(param), in the model's parameter order. Caller disposes. */
  grads: tf.Tensor[];
  /** Mean softmax cross-entropy over the batch. */
  loss: number;
  /** Correct top-1 predictions in the batch (training mode, dropout on). */
  correct: number;
  count: number;
}

/** Mean softmax cross-entropy of logits against integer labels, like torch's CrossEntropyLoss. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(labels, logits.shape[1]);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logp), 1))) as tf.Scalar;
  });
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')));
}

export function computeGradients(model: Cnn, batch: BatchTensors, dropoutSeed: number): GradientResult {
  let logits: tf.Tensor2D | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = model.forward(batch.x, { training: true, dropoutSeed });
    logits = tf.keep(out);
    return crossEntropy(out, batch.y);
  }, model.params);
  const correctT = countCorrect(logits!, batch.y);
  const loss = value.dataSync()[0]!;
  const correct = correctT.dataSync()[0]!;
  tf.dispose([value, correctT, logits!]);
  return { grads: model.params.map((v) => grads[v.name]!), loss, correct, count: batch.x.shape[0] };
}

export function applyGradients(optimizer: Adam, grads: readonly tf.Tensor[]): void {
  optimizer.apply(grads);
}

/** computeGradients + applyGradients, disposing the gradients: the single-process step. */
export function trainStep(model: Cnn, optimizer: Adam, batch: BatchTensors, dropoutSeed: number): Omit<GradientResult, 'grads'> {
  const { grads, ...stats } = computeGradients(model, batch, dropoutSeed);
  try {
    applyGradients(optimizer, grads);
  } finally {
    tf.dispose(grads);
  }
  return stats;
}

/** Logits in inference mode (dropout off). Caller disposes. */
export function predictLogits(model: Cnn, x: tf.Tensor4D): tf.Tensor2D {
  return model.forward(x, { training: false });
}

export { countCorrect };
