// Dropout whose mask is a function of (step seed, sample id, layer), never of where the sample sits
// in a batch. So a step's result does not depend on how the global batch is cut: into micro-batches
// inside a worker, into shards across workers, or onto another worker after a failure. With dropout
// on, one process, any micro-batch size and any cluster size compute the same masks.
import * as tf from '@tensorflow/tfjs-core';
import { applyMask } from './ops.js';

/** A uint32 seed for one sample's mask at one layer (splitmix-style mixing of the three inputs). */
export function maskSeed(stepSeed: number, sampleId: number, layer: number): number {
  let h = (stepSeed ^ Math.imul(sampleId + 1, 0x9e3779b9) ^ Math.imul(layer + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Inverted dropout like tf.dropout (keep with probability 1-rate, scale kept values by 1/(1-rate)),
 * with one noise draw per sample: x[j] is masked from maskSeed(stepSeed, ids[j], layer).
 */
export function sampleDropout<T extends tf.Tensor>(x: T, rate: number, stepSeed: number, ids: ArrayLike<number>, layer: number): T {
  const [n, ...rest] = x.shape;
  if (ids.length !== n) throw new Error(`dropout needs one sample id per image: ${ids.length} ids for ${n} images`);
  const keep = 1 - rate;
  return applyMask(x, () =>
    tf.tidy(() => {
      const draws = Array.from({ length: n }, (_, j) => tf.randomUniform([1, ...rest], 0, 1, 'float32', maskSeed(stepSeed, ids[j]!, layer)));
      const noise = n === 1 ? draws[0]! : tf.concat(draws, 0);
      return tf.div<T>(tf.floor(tf.add(noise, keep)), keep);
    }),
  );
}
