// Adam as PyTorch defines it (torch.optim.Adam: beta 0.9/0.999, eps 1e-8, bias-corrected), in the
// three places the project steps it: one process's optimizer over the model's variables
// (tf-adam.ts), the coordinator's master over one flat vector (flat-adam.ts), and each replica of
// the sharded exchange, chunk by chunk (replicaAdam below). All three run the same float32
// arithmetic (kernels/adam.ts), so they agree bit for bit.
import type { AdamCoefficients, AdamVectors } from '../kernels/adam.js';
import type { FlatMemory } from '../kernels/flat-kernels.js';

export type { AdamVectors };

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
/** torch.optim.Adam's eps. tfjs's default is backend.epsilon() = 1e-7, which changes tiny updates. */
export const ADAM_EPSILON = 1e-8;

/** Adam's state in the per-parameter layout checkpoints use. */
export interface AdamState {
  /** Steps taken so far (PyTorch's `state['step']`). */
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

/**
 * The constants of step number t (1-based). torch computes w -= lr/c1 · m / (sqrt(v)/c2 + eps)
 * with c2 = sqrt(1 − beta2^t); the kernels multiply by 1/c2 (one float32 rounding of the
 * constant) instead of dividing every element by c2, one division fewer per element (flat.wat).
 */
export function adamCoefficients(learningRate: number, t: number): AdamCoefficients {
  return { stepSize: learningRate / (1 - ADAM_BETA1 ** t), ic2: 1 / Math.sqrt(1 - ADAM_BETA2 ** t), beta1: ADAM_BETA1, beta2: ADAM_BETA2, eps: ADAM_EPSILON };
}

/**
 * What the sharded exchange calls as each reduced chunk arrives: the optimizer's step on
 * [start, end) of a replica's flat state. The exchange knows nothing of the optimizer's kind.
 */
export interface ChunkStep {
  /** Writes the new weights (and state) for [start, end) from the mean gradient g. */
  apply(g: Float32Array, start: number, end: number): void;
  /** The new weights, which the exchange hashes chunk by chunk as they become final. */
  readonly weights: Float32Array;
}

/**
 * Adam's step number t from `from` into `to`, over vectors in `mem` (in wasm there: 42 ms at 16.2 M
 * parameters, against 109–140 ms in JS). Values from `trainable` on are buffers: they take the
 * reduced value, and their (zero) moments carry over.
 */
export function replicaAdam(mem: FlatMemory, learningRate: number, t: number, from: AdamVectors, to: AdamVectors, trainable = from.w.length): ChunkStep {
  const c = adamCoefficients(learningRate, t);
  return {
    weights: to.w,
    apply: (g, start, end) => {
      const split = Math.max(start, Math.min(end, trainable));
      if (split > start) mem.adam(c, from, g, to, start, split);
      if (end > split) {
        to.w.set(g.subarray(split, end), split);
        to.m.set(from.m.subarray(split, end), split);
        to.v.set(from.v.subarray(split, end), split);
      }
    },
  };
}
