// Adam over a model's variables, the single-process optimizer: the gradients are gathered into one
// flat vector in wasm memory and stepped there by the kernel every replica of the cluster runs
// (kernels/adam.ts, FlatMemory.adam). At resnet18's 11.2 M parameters tfjs's AdamOptimizer took
// 134 ms a step on native TensorFlow, one thread (some 900 ops, each a full pass over a parameter
// with a new temporary); this takes about 35 ms (docs/performance.md, the zoo).
//
// Where the backend computes on host memory it shares with JS (native TensorFlow on the CPU, which
// wraps a typed array's memory in its tensor when the address is 64-byte aligned, and the cpu
// backend), each variable is made to hold its own region of the flat weights, so the kernel's
// in-place step is the new weights and nothing is written back. Elsewhere (wasm, which copies into
// its own heap; a GPU, which keeps device copies) each variable is assigned its new values.
import * as tf from '@tensorflow/tfjs-core';
import { COPY_INTO_KERNEL } from '../backend/native/kernels.js';
import { FlatMemory } from '../kernels/flat-kernels.js';
import type { AdamState } from './adam.js';
import { FlatAdam } from './flat-adam.js';

/** TensorFlow's C API shares a buffer only at its alignment (EIGEN_MAX_ALIGN_BYTES, 64); each variable's region starts at a multiple of this many floats. */
const ALIGN_FLOATS = 16;

/** Whether the active backend computes on host memory it may share with a typed array. */
function hostBackend(): boolean {
  const name = tf.getBackend();
  if (name === 'cpu') return true;
  return name === 'tensorflow' && !(tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
}

export class Adam {
  private readonly vars: readonly tf.Variable[];
  private readonly sizes: number[];
  /** Each variable's start in the flat vectors: aligned, with zero padding between (which Adam leaves zero). */
  private readonly offsets: number[];
  private readonly flat: FlatAdam;
  /** The weights and the gradient, beside the moments in one wasm memory. */
  private readonly w: Float32Array;
  private readonly g: Float32Array;
  /** Each variable's data as this optimizer last set it: one assigned since (a restore, the buffers' reset between passes) is taken in again. */
  private readonly adopted: (object | undefined)[];
  /** Whether the variables' data is their region of `w`; decided by a probe on the first adoption. */
  private shared: boolean | undefined;
  /** Tensors [1, size] over each variable's region of `g`, which the backend copies gradients into; decided by a probe on the first step. */
  private gather: tf.Tensor[] | undefined | false;

  /** `params` are stepped; `buffers` (running statistics) take the value given for them in apply(). */
  constructor(
    readonly learningRate: number,
    params: readonly tf.Variable[],
    buffers: readonly tf.Variable[] = [],
  ) {
    this.vars = [...params, ...buffers];
    this.sizes = this.vars.map((v) => v.size);
    this.offsets = [];
    let total = 0;
    let trainable = 0;
    this.vars.forEach((v, i) => {
      if (i === params.length) trainable = total;
      this.offsets.push(total);
      total += Math.ceil(v.size / ALIGN_FLOATS) * ALIGN_FLOATS;
    });
    if (buffers.length === 0) trainable = total;
    const mem = new FlatMemory(4 * total);
    this.w = mem.alloc(total);
    this.g = mem.alloc(total);
    this.flat = new FlatAdam(learningRate, total, trainable, mem);
    this.adopted = this.vars.map(() => undefined);
  }

  /** Steps taken so far (PyTorch's state['step']). */
  get step(): number {
    return this.flat.step;
  }

  /**
   * One update: `grads` holds each param's gradient, then each buffer's new value, in the order
   * the constructor got them. The caller still owns (and disposes) `grads`.
   */
  apply(grads: readonly tf.Tensor[]): void {
    if (grads.length !== this.vars.length) throw new Error(`expected ${this.vars.length} gradients, got ${grads.length}`);
    this.vars.forEach((v, i) => {
      if (this.adopted[i] !== v.dataId) this.adopt(i);
    });
    if (!this.gatherInPlace(grads)) grads.forEach((g, i) => this.g.set(g.dataSync(), this.offsets[i]));
    this.flat.apply(this.w, this.g);
    if (this.shared) return;
    this.vars.forEach((v, i) => {
      tf.tidy(() => v.assign(tf.tensor(this.region(this.w, i).slice(), v.shape, 'float32')));
      this.adopted[i] = v.dataId;
    });
  }

  /**
   * The gradients copied by the backend straight into `g` (COPY_INTO_KERNEL), where it shares
   * memory and has the kernel: no array per gradient, one copy. The first step checks every
   * value against dataSync and keeps the path only if all landed.
   */
  private gatherInPlace(grads: readonly tf.Tensor[]): boolean {
    if (this.gather === false || !this.shared || !tf.getKernel(COPY_INTO_KERNEL, tf.getBackend())) return false;
    const first = this.gather === undefined;
    this.gather ??= this.vars.map((v, i) => {
      const view = tf.tensor(this.region(this.g, i), [1, v.size], 'float32');
      // tfjs-node hands the array to TensorFlow at its first use: reshape makes that now.
      tf.tidy(() => tf.reshape(view, [-1]));
      return view;
    });
    const views = this.gather;
    grads.forEach((g, i) =>
      tf.tidy(() => {
        // The kernel's output is `views[i]` again; the tidy disposes that extra handle.
        tf.engine().runKernel(COPY_INTO_KERNEL, { dst: views[i]!, src: tf.reshape(g, [1, -1]) });
      }),
    );
    const landed = (g: tf.Tensor, i: number) => {
      const want = g.dataSync();
      return this.region(this.g, i).every((x, j) => Object.is(x, want[j]));
    };
    if (first && !grads.every(landed)) {
      tf.dispose(views);
      this.gather = false;
      return false;
    }
    return true;
  }

  private region(x: Float32Array, i: number): Float32Array {
    return x.subarray(this.offsets[i], this.offsets[i]! + this.sizes[i]!);
  }

  /** Takes variable i's current value into `w`, and makes its data that region where the backend shares it. */
  private adopt(i: number): void {
    const v = this.vars[i]!;
    const region = this.region(this.w, i);
    region.set(v.dataSync());
    this.shared ??= hostBackend();
    if (this.shared) {
      // tfjs-node hands a tensor's array to TensorFlow at its first use: reshape makes that now.
      tf.tidy(() => {
        v.assign(tf.tensor(region, v.shape, 'float32'));
        tf.reshape(v, [-1]);
      });
      if (!this.sharesRegion(v, region)) {
        this.shared = false;
        v.assign(tf.tensor(region.slice(), v.shape, 'float32'));
      }
    }
    this.adopted[i] = v.dataId;
  }

  /** Whether a write into `region` shows in the variable (it could have been copied). */
  private sharesRegion(v: tf.Variable, region: Float32Array): boolean {
    const old = region[0]!;
    const mark = old === 1 ? 2 : 1;
    region[0] = mark;
    const seen = (v.dataSync() as Float32Array)[0] === mark;
    region[0] = old;
    return seen;
  }

  /** The moments in the per-tensor layout checkpoints use (copies; buffers' slots are zeros). */
  exportState(): Promise<AdamState> {
    // A state before the first step has no slots (checkpoint.ts relies on it).
    if (this.step === 0) return Promise.resolve({ step: 0, m: [], v: [] });
    const copies = (x: Float32Array) => this.vars.map((_, i) => this.region(x, i).slice());
    return Promise.resolve({ step: this.step, m: copies(this.flat.m), v: copies(this.flat.v) });
  }

  importState(state: AdamState): Promise<void> {
    if (state.m.length !== 0 && (state.m.length !== this.vars.length || state.v.length !== this.vars.length)) {
      throw new Error(`optimizer state has ${state.m.length} slots, model has ${this.vars.length} tensors`);
    }
    this.flat.step = state.step;
    this.flat.m.fill(0);
    this.flat.v.fill(0);
    state.m.forEach((m, i) => {
      if (m.length !== this.sizes[i] || state.v[i]!.length !== this.sizes[i])
        throw new Error(`optimizer state's tensor ${i} has ${m.length} values, expected ${this.sizes[i]}`);
      this.region(this.flat.m, i).set(m);
      this.region(this.flat.v, i).set(state.v[i]!);
    });
    return Promise.resolve();
  }

  /** The variables keep their current values (shared regions stay alive with them). */
  dispose(): void {
    this.adopted.fill(undefined);
    if (this.gather) tf.dispose(this.gather);
    this.gather = undefined;
  }
}
