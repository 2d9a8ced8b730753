// Adam over one flat float32 parameter vector, in plain JS: the cluster's master optimizer.
// torch.optim.Adam's update (β 0.9/0.999, eps 1e-8, bias-corrected), one fused pass per step with
// no tensor allocations. At the seed's 16.2 M parameters tfjs's Adam on wasm took 450 ms a step
// (ten ops, each a 65 MB temporary); this loop takes a fraction of that (docs/performance.md).
// Every operation is IEEE double arithmetic rounded to float32 on store, so the same inputs give
// bit-identical weights and moments in any process, on any machine: the sharded exchange's
// replicas, and the coordinator's master, can be proven identical by checksum.
import { unflatten } from '../wire/flat.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, type AdamState } from './optimizer.js';

/** Weights and Adam's two moments of one flat vector (views of equal length). */
export interface AdamVectors {
  w: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/**
 * Adam's step number t on [start, end) from the gradient g: reads `from`, writes `to` (which may
 * be `from` itself, or another buffer, as a replica that keeps its previous version does). The one
 * update every holder of weights runs, so they agree bit for bit.
 */
export function adamUpdate(learningRate: number, t: number, from: AdamVectors, g: Float32Array, to: AdamVectors, start: number, end: number): void {
  const b1 = ADAM_BETA1;
  const b2 = ADAM_BETA2;
  const c1 = 1 - b1 ** t;
  // torch: w -= lr/c1 * m / (sqrt(v)/c2 + eps), with c2 = sqrt(1 - b2^t). Multiplying by 1/c2
  // instead of dividing costs the wasm kernel one division fewer per element pair (flat.wat); in
  // double it moves the result by at most an ulp of double, below float32's rounding.
  const ic2 = 1 / Math.sqrt(1 - b2 ** t);
  const stepSize = learningRate / c1;
  const k1 = 1 - b1;
  const k2 = 1 - b2;
  const { w, m, v } = from;
  const { w: wOut, m: mOut, v: vOut } = to;
  for (let i = start; i < end; i++) {
    const gi = g[i]!;
    // The moments rounded to float32 as they are stored, and the update uses them so: what a
    // store and a read-back would give, 20% faster at 16 M elements (85 against 103 ms).
    const mi = Math.fround(b1 * m[i]! + k1 * gi);
    const vi = Math.fround(b2 * v[i]! + k2 * gi * gi);
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i]! - (stepSize * mi) / (Math.sqrt(vi) * ic2 + ADAM_EPSILON);
  }
}

export class FlatAdam {
  /** [m | v] in one buffer, so the moments travel as one chunked tensor. */
  readonly state: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Steps applied so far (PyTorch's state['step']). */
  step = 0;

  constructor(
    readonly learningRate: number,
    readonly size: number,
  ) {
    this.state = new Float32Array(2 * size);
    this.m = this.state.subarray(0, size);
    this.v = this.state.subarray(size);
  }

  /**
   * Step number this.step + 1 on w[start, end) from the gradient g (indexed like w), writing the
   * new weights into `out` (which may be w itself). A vector may be updated in slices: call
   * commit() once after the last one.
   */
  applySlice(w: Float32Array, g: Float32Array, out: Float32Array, start = 0, end = this.size): void {
    adamUpdate(this.learningRate, this.step + 1, { w, m: this.m, v: this.v }, g, { w: out, m: this.m, v: this.v }, start, end);
  }

  commit(): void {
    this.step++;
  }

  /** One whole step: applySlice over everything, then commit. */
  apply(w: Float32Array, g: Float32Array, out: Float32Array = w): void {
    this.applySlice(w, g, out);
    this.commit();
  }

  /** The state in the per-parameter layout checkpoints use (views, not copies). */
  exportState(sizes: readonly number[]): AdamState {
    // A state before the first step has no slots, like tfjs's (checkpoint.ts relies on it).
    if (this.step === 0) return { step: 0, m: [], v: [] };
    return { step: this.step, m: unflatten(this.m, sizes), v: unflatten(this.v, sizes) };
  }

  importState(state: AdamState): void {
    this.step = state.step;
    if (state.m.length === 0) {
      this.m.fill(0);
      this.v.fill(0);
      return;
    }
    let off = 0;
    state.m.forEach((a, i) => {
      this.m.set(a, off);
      this.v.set(state.v[i]!, off);
      off += a.length;
    });
    if (off !== this.size) throw new Error(`optimizer state has ${off} values, expected ${this.size}`);
  }
}
