// Adam with PyTorch's hyper-parameters on top of tfjs's AdamOptimizer. tfjs keys Adam's slots by
// position in the gradient list, so every call passes all parameters in the model's fixed order.
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, type AdamState } from './adam.js';

export class Adam {
  readonly learningRate: number;
  private readonly params: tf.Variable[];
  /** Sizes of the model's buffers: their slots are zeros in the exported state, so checkpoints have one layout whoever wrote them. */
  private readonly bufferSizes: number[];
  private opt: tf.AdamOptimizer;

  constructor(learningRate: number, params: tf.Variable[], buffers: readonly tf.Variable[] = []) {
    this.learningRate = learningRate;
    this.params = params;
    this.bufferSizes = buffers.map((b) => b.size);
    this.opt = tf.train.adam(learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
  }

  get step(): number {
    return this.opt.iterations;
  }

  /** One update from gradients in parameter order. The caller still owns (and disposes) `grads`. */
  apply(grads: readonly tf.Tensor[]): void {
    if (grads.length !== this.params.length) throw new Error(`expected ${this.params.length} gradients, got ${grads.length}`);
    this.opt.applyGradients(this.params.map((v, i) => ({ name: v.name, tensor: grads[i]! })));
  }

  async exportState(): Promise<AdamState> {
    const weights = await this.opt.getWeights();
    const n = (weights.length - 1) / 2;
    const read = (i: number) => weights[1 + i]!.tensor.data() as Promise<Float32Array>;
    const m = await Promise.all(Array.from({ length: n }, (_, i) => read(i)));
    const v = await Promise.all(Array.from({ length: n }, (_, i) => read(n + i)));
    weights[0]!.tensor.dispose();
    if (n === 0) return { step: this.step, m: [], v: [] };
    const zeros = () => this.bufferSizes.map((size) => new Float32Array(size));
    return { step: this.step, m: [...m, ...zeros()], v: [...v, ...zeros()] };
  }

  /** Restores moments and step count into a fresh optimizer (the old one's slots are freed). */
  async importState(full: AdamState): Promise<void> {
    const slots = this.params.length + this.bufferSizes.length;
    if (full.m.length !== 0 && (full.m.length !== slots || full.v.length !== slots)) {
      throw new Error(`optimizer state has ${full.m.length} slots, model has ${slots} tensors`);
    }
    const state = { ...full, m: full.m.slice(0, this.params.length), v: full.v.slice(0, this.params.length) };
    this.opt.dispose();
    this.opt = tf.train.adam(this.learningRate, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
    // A state saved before the first step has no slots yet: the fresh optimizer is that state.
    if (state.m.length === 0) return;
    const named: { name: string; tensor: tf.Tensor }[] = [{ name: 'iter', tensor: tf.scalar(state.step, 'int32') }];
    const slot = (arrays: Float32Array[], suffix: string) =>
      arrays.forEach((a, i) => named.push({ name: `${this.params[i]!.name}/${suffix}`, tensor: tf.tensor(a, this.params[i]!.shape) }));
    slot(state.m, 'm');
    slot(state.v, 'v');
    await this.opt.setWeights(named);
    // setWeights wraps each tensor in a new Variable sharing its data; the originals can go.
    tf.dispose(named.map((n) => n.tensor));
    // setWeights sets beta^(t+1) by pow(); an unbroken run got it by t float32 products, which can
    // differ in the last bit and move every later step: redo the products so resume is exact.
    const acc = this.opt as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    tf.tidy(() => {
      let a1 = tf.scalar(ADAM_BETA1);
      let a2 = tf.scalar(ADAM_BETA2);
      for (let i = 0; i < state.step; i++) {
        a1 = tf.mul(a1, ADAM_BETA1);
        a2 = tf.mul(a2, ADAM_BETA2);
      }
      acc.accBeta1.assign(a1);
      acc.accBeta2.assign(a2);
    });
  }

  dispose(): void {
    this.opt.dispose();
  }
}
