// Adam over one flat float32 parameter vector, in plain JS: the cluster's master optimizer (the
// star exchange's, and the state a checkpoint takes). One fused pass per step with no tensor
// allocations. At the seed's 16.2 M parameters tfjs's Adam on wasm took 450 ms a step
// (ten ops, each a 65 MB temporary); this loop takes a fraction of that (docs/performance.md).
// The same arithmetic as every replica's (kernels/adam.ts), so the master and the sharded
// exchange's replicas can be proven identical by checksum.
import { adamLoop } from '../kernels/adam.js';
import type { FlatMemory } from '../kernels/flat-kernels.js';
import { unflatten } from '../wire/flat.js';
import { adamCoefficients, type AdamState } from './adam.js';

export class FlatAdam {
  /** [m | v] in one buffer, so the moments travel as one chunked tensor. */
  readonly state: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** Steps applied so far (PyTorch's state['step']). */
  step = 0;

  /**
   * `trainable`: the values Adam steps, at the front of the vector; the rest are buffers (running
   * statistics), which take the reduced value as it is (train/step.ts). `mem`: where the moments
   * live; with the weights and gradient there too, the step runs in wasm (FlatMemory.adam).
   */
  constructor(
    readonly learningRate: number,
    readonly size: number,
    readonly trainable = size,
    private readonly mem?: FlatMemory,
  ) {
    this.state = mem ? mem.alloc(2 * size) : new Float32Array(2 * size);
    this.m = this.state.subarray(0, size);
    this.v = this.state.subarray(size);
  }

  /**
   * Step number this.step + 1 on w[start, end) from the gradient g (indexed like w), writing the
   * new weights into `out` (which may be w itself). A vector may be updated in slices: call
   * commit() once after the last one.
   */
  applySlice(w: Float32Array, g: Float32Array, out: Float32Array, start = 0, end = this.size): void {
    const split = Math.max(start, Math.min(end, this.trainable));
    if (split > start) {
      const c = adamCoefficients(this.learningRate, this.step + 1);
      const [from, to] = [
        { w, m: this.m, v: this.v },
        { w: out, m: this.m, v: this.v },
      ];
      if (this.mem) this.mem.adam(c, from, g, to, start, split);
      else adamLoop(c, from, g, to, start, split);
    }
    if (end > split) out.set(g.subarray(split, end), split);
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
