// Adam with PyTorch's hyper-parameters on top of tfjs's AdamOptimizer. tfjs keys Adam's slots by
// position in the gradient list, so every call passes all parameters in the model's fixed order.
import * as tf from '@tensorflow/tfjs-core';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, type AdamState } from './adam.js';

export class Adam {
  readonly learningRate: number;
  private readonly params: tf.Variable[];
  private opt: tf.AdamOptimizer;

  constructor(learningRate: number, params: tf.Variable[]) {
    this.learningRate = learningRate;
    this.params = params;
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
    return { step: this.step, m, v };
  }

  /** Restores moments and step count into a fresh optimizer (the old one's slots are freed). */
  async importState(state: AdamState): Promise<void> {
    if (state.m.length !== 0 && (state.m.length !== this.params.length || state.v.length !== this.params.length)) {
      throw new Error(`optimizer state has ${state.m.length} slots, model has ${this.params.length} parameters`);
    }
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
  }

  dispose(): void {
    this.opt.dispose();
  }
}
