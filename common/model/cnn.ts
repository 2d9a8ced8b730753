// The seed CNN on tfjs-core. Parameters are tf.Variables in one fixed order (paramSpecs), which is
// the order gradients travel in and the order tfjs Adam keys its slots by.
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../rng.js';
import { sampleDropout } from './dropout.js';
import { assignWeights, type ForwardOptions, type Net } from './net.js';
import { convBiasRelu } from './ops.js';
import { CONV_LAYERS, paramSpecs, validateModelConfig, type ModelConfig, type ParamSpec } from './spec.js';

export type { ForwardOptions } from './net.js';

let instances = 0;

/**
 * PyTorch's default init for Conv2d and Linear: kaiming_uniform(a=√5) for weights and
 * U(±1/√fan_in) for biases, which both reduce to U(±1/√fan_in). Generated on the host from a
 * seeded stream so every backend and every process starts from identical weights.
 */
export function initialWeights(config: ModelConfig, seed: number): Float32Array[] {
  return paramSpecs(config).map((spec) => {
    const rng = Rng.derive(seed, 'init', spec.name);
    const bound = 1 / Math.sqrt(spec.fanIn);
    const data = new Float32Array(spec.size);
    for (let i = 0; i < data.length; i++) data[i] = (rng.next() * 2 - 1) * bound;
    return data;
  });
}

export class Cnn implements Net {
  readonly config: ModelConfig;
  readonly specs: ParamSpec[];
  readonly params: tf.Variable[];
  /** The seed has no running statistics. */
  readonly buffers: tf.Variable[] = [];
  private disposed = false;

  private constructor(config: ModelConfig, weights: Float32Array[]) {
    this.config = validateModelConfig(config);
    this.specs = paramSpecs(config);
    // Variable names must be unique per process: the coordinator and a reference model can coexist.
    const prefix = `cnn${++instances}`;
    this.params = this.specs.map((spec, i) => {
      // The variable shares the temporary's data; disposing the temporary drops only its reference.
      const initial = tf.tensor(weights[i]!, spec.shape, 'float32');
      try {
        return tf.variable(initial, true, `${prefix}/${spec.name}`);
      } finally {
        initial.dispose();
      }
    });
  }

  static create(config: ModelConfig, seed: number): Cnn {
    return new Cnn(config, initialWeights(config, seed));
  }

  static fromWeights(config: ModelConfig, weights: Float32Array[]): Cnn {
    const specs = paramSpecs(config);
    if (weights.length !== specs.length) throw new Error(`expected ${specs.length} weight tensors, got ${weights.length}`);
    specs.forEach((s, i) => {
      if (weights[i]!.length !== s.size) throw new Error(`${s.name}: expected ${s.size} values, got ${weights[i]!.length}`);
    });
    return new Cnn(config, weights);
  }

  get paramCount(): number {
    return this.specs.reduce((a, s) => a + s.size, 0);
  }

  /** Logits [N, classes] for x [N, H, W, C] (NHWC). */
  forward(x: tf.Tensor4D, options: ForwardOptions): tf.Tensor2D {
    return tf.tidy(() => {
      const p = this.params;
      const dropout = options.training ? this.config.dropout : 0;
      let h: tf.Tensor4D = x;
      CONV_LAYERS.forEach((conv, i) => {
        h = options.training
          ? convBiasRelu(h, p[2 * i] as tf.Tensor4D, p[2 * i + 1] as tf.Tensor1D, { pad: conv.pad, inputGradient: i > 0 })
          : tf.fused.conv2d({ x: h, filter: p[2 * i] as tf.Tensor4D, bias: p[2 * i + 1], strides: 1, pad: conv.pad, activation: 'relu' });
        h = tf.maxPool(h, 2, 2, 'valid');
        if (dropout > 0 && i < CONV_LAYERS.length - 1) {
          if (options.dropoutSeed === undefined || options.sampleIds === undefined)
            throw new Error('dropoutSeed and sampleIds are required when training with dropout');
          h = sampleDropout(h, dropout, options.dropoutSeed, options.sampleIds, i);
        }
      });
      let f: tf.Tensor2D = tf.reshape(h, [h.shape[0], -1]);
      const dense = CONV_LAYERS.length * 2;
      const fcCount = (p.length - dense) / 2;
      for (let j = 0; j < fcCount; j++) {
        const last = j === fcCount - 1;
        f = tf.fused.matMul({ a: f, b: p[dense + 2 * j] as tf.Tensor2D, bias: p[dense + 2 * j + 1], activation: last ? 'linear' : 'relu' }) as tf.Tensor2D;
      }
      return f;
    });
  }

  regularizationLoss(): undefined {
    return undefined;
  }

  /** Copies of the weights, in param order. */
  async getWeights(): Promise<Float32Array[]> {
    return Promise.all(this.params.map(async (v) => (await v.data()) as Float32Array));
  }

  setWeights(weights: Float32Array[]): void {
    assignWeights(this.params, this.specs, weights);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.params) v.dispose();
  }
}
