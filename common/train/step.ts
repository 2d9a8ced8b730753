// One training step, split where tfjs splits minimize(): computing gradients is separate from
// applying them. The cluster puts the network between the two halves.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's node bundle ships no gradient definitions; the union package's bundle registers them.
import '@tensorflow/tfjs';
import type { Net } from '../model/net.js';
import type { Adam } from '../optim/tf-adam.js';
import type { Batch } from '../data/loader.js';
import { normalizePixels } from '../data/normalize.js';
import { passSize } from './micro-batch.js';

export interface BatchTensors {
  /** [N, H, W, C], normalised. */
  x: tf.Tensor4D;
  /** [N] class indices. */
  y: tf.Tensor1D;
  /** [N] each image's index in the train split: its dropout mask depends on it (model/dropout.ts). */
  ids: readonly number[];
}

/** A decoded batch as model input: normalised pixels [N, H, W, C], int32 labels and the samples' ids. */
export function batchTensors(batch: Batch, imageSize: number, channels: number): BatchTensors {
  return {
    x: tf.tensor4d(normalizePixels(batch.x), [batch.size, imageSize, imageSize, channels]),
    y: tf.tensor1d(batch.y, 'int32'),
    ids: batch.indices,
  };
}

export interface GradientOptions {
  /** This step's dropout seed. */
  dropoutSeed: number;
  /** Images per forward/backward pass; the batch is cut into passes of this size. Default: one pass. */
  microBatch?: number;
}

export interface GradientResult {
  /**
   * d(mean loss over the batch)/d(param), in the model's parameter order, then each buffer's
   * value after the step (the passes' updates averaged by their images). Caller disposes.
   */
  grads: tf.Tensor[];
  /** Mean softmax cross-entropy over the batch. */
  loss: number;
  /** Correct top-1 predictions in the batch (training mode, dropout on). */
  correct: number;
  count: number;
}

/** Per-sample softmax cross-entropy of logits against integer labels, [N]. */
function crossEntropyPerSample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), tf.logSoftmax(logits)), 1)) as tf.Tensor1D);
}

/** Mean softmax cross-entropy of logits against integer labels, like torch's CrossEntropyLoss. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean<tf.Scalar>(crossEntropyPerSample(logits, labels)));
}

function countCorrect(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'int32')));
}

/** Images [start, start+len) of a batch; the whole batch itself when that is all of it. */
function slicePass(batch: BatchTensors, start: number, len: number): BatchTensors {
  if (start === 0 && len === batch.x.shape[0]) return batch;
  return {
    x: tf.slice(batch.x, [start, 0, 0, 0], [len, -1, -1, -1]),
    y: tf.slice(batch.y, [start], [len]),
    ids: batch.ids.slice(start, start + len),
  };
}

/**
 * The gradient of the batch's mean loss, computed in passes of at most `microBatch` images, cut as
 * evenly as possible (passSize): each pass differentiates (its summed loss) / N, and the passes'
 * gradients are summed. That is exactly the one-pass gradient up to fp32 summation order, and
 * dropout masks follow the sample ids, so the micro-batch size changes memory, never the result.
 *
 * Buffers (BatchNorm's running statistics): every pass starts from the step's values and updates
 * them once from its own batch statistics; the step's new value is the passes' results weighted by
 * their images, which the exchange then averages over the replicas the same way. So every replica
 * ends the step with the same statistics, as DDP's broadcast buffers do, and one update per step
 * whatever the cut. (The batch statistics themselves are each pass's own, as in DDP.)
 */
export function computeGradients(model: Net, batch: BatchTensors, o: GradientOptions): GradientResult {
  const n = batch.x.shape[0];
  if (batch.ids.length !== n) throw new Error(`batch has ${n} images but ${batch.ids.length} sample ids`);
  const m = passSize(n, o.microBatch ?? n);
  const buffers = model.buffers;
  const before = buffers.map((b) => tf.clone(b));
  let sums: tf.Tensor[] | undefined;
  let loss = 0;
  let correct = 0;
  try {
    for (let start = 0; start < n; start += m) {
      const len = Math.min(m, n - start);
      const part = slicePass(batch, start, len);
      try {
        let logits: tf.Tensor2D | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = model.forward(part.x, { training: true, dropoutSeed: o.dropoutSeed, sampleIds: part.ids });
          logits = tf.keep(out);
          const data = tf.div<tf.Scalar>(tf.sum(crossEntropyPerSample(out, part.y)), n);
          // The layers' penalties belong to the batch once: each pass adds its share.
          const reg = model.regularizationLoss();
          return reg ? tf.add(data, tf.mul(reg, len / n)) : data;
        }, model.params);
        const correctT = countCorrect(logits!, part.y);
        loss += value.dataSync()[0]!;
        correct += correctT.dataSync()[0]!;
        tf.dispose([value, correctT, logits!]);
        const g = [
          ...model.params.map((v) => grads[v.name]!),
          ...buffers.map((b, i) =>
            tf.tidy(() => {
              // One pass is the whole batch: its update is the step's (no weighting to do).
              const updated = len === n ? tf.clone(b) : tf.mul(b, len / n);
              b.assign(before[i]!);
              return updated;
            }),
          ),
        ];
        if (!sums) sums = g;
        else {
          const prev = sums;
          sums = prev.map((s, i) => tf.add(s, g[i]!));
          tf.dispose([...prev, ...g]);
        }
      } finally {
        if (part !== batch) tf.dispose([part.x, part.y]);
      }
    }
  } catch (e) {
    if (sums) tf.dispose(sums);
    buffers.forEach((b, i) => b.assign(before[i]!));
    throw e;
  } finally {
    tf.dispose(before);
  }
  return { grads: sums!, loss, correct, count: n };
}

/** computeGradients, then the optimizer's step (which also sets the buffers to their new values), disposing the gradients: the single-process step. */
export function trainStep(model: Net, optimizer: Adam, batch: BatchTensors, o: GradientOptions): Omit<GradientResult, 'grads'> {
  const { grads, ...stats } = computeGradients(model, batch, o);
  try {
    optimizer.apply(grads);
  } finally {
    tf.dispose(grads);
  }
  return stats;
}

/** Logits in inference mode (dropout off). Caller disposes. */
export function predictLogits(model: Net, x: tf.Tensor4D): tf.Tensor2D {
  return model.forward(x, { training: false });
}

/** Loss sum and predictions for one inference batch, in passes of at most `microBatch` images. */
export function evalBatch(model: Net, x: tf.Tensor4D, y: tf.Tensor1D, microBatch = Infinity): { lossSum: number; predictions: Int32Array } {
  const n = x.shape[0];
  const m = passSize(n, microBatch);
  const predictions = new Int32Array(n);
  let lossSum = 0;
  for (let start = 0; start < n; start += m) {
    const len = Math.min(m, n - start);
    const [lossT, predT] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
      const xs = len === n ? x : tf.slice(x, [start, 0, 0, 0], [len, -1, -1, -1]);
      const ys = len === n ? y : tf.slice(y, [start], [len]);
      const logits = model.forward(xs, { training: false });
      return [tf.sum(crossEntropyPerSample(logits, ys)), tf.argMax(logits, 1)];
    });
    try {
      lossSum += lossT.dataSync()[0]!;
      predictions.set(predT.dataSync(), start);
    } finally {
      tf.dispose([lossT, predT]);
    }
  }
  return { lossSum, predictions };
}

export { countCorrect };
