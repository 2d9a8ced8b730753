// BatchNorm as torch.nn.BatchNorm2d computes it, for the zoo's models: batch statistics in
// training, running statistics updated with momentum 0.1 and the unbiased (n − 1) batch variance,
// eps 1e-5. tfjs-layers' batchNormalization is Keras's: momentum 0.99 and the biased variance in
// its running average, so a torchvision state_dict would evaluate differently. The running
// statistics are the layer's non-trainable weights; a training step reads and resets them after
// each pass and averages them over the passes and replicas (train/step.ts).
import * as tf from '@tensorflow/tfjs';

export const BATCH_NORM_MOMENTUM = 0.1;
export const BATCH_NORM_EPSILON = 1e-5;

export interface BatchNormArgs {
  name?: string;
  momentum?: number;
  epsilon?: number;
}

type LayerVariable = ReturnType<tf.layers.Layer['addWeight']>;

export class BatchNorm extends tf.layers.Layer {
  static readonly className = 'SyncgradBatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma!: LayerVariable;
  private beta!: LayerVariable;
  private movingMean!: LayerVariable;
  private movingVariance!: LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super(args.name === undefined ? {} : { name: args.name });
    this.momentum = args.momentum ?? BATCH_NORM_MOMENTUM;
    this.epsilon = args.epsilon ?? BATCH_NORM_EPSILON;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = shape[shape.length - 1];
    if (typeof c !== 'number') throw new Error(`${this.name}: the channel dimension must be known`);
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const gamma = this.gamma.read();
      const beta = this.beta.read();
      if (kwargs['training'] !== true) return tf.batchNorm(x, this.movingMean.read(), this.movingVariance.read(), beta, gamma, this.epsilon);
      const axes = x.shape.map((_, i) => i).slice(0, -1);
      const { mean, variance } = tf.moments(x, axes);
      const n = x.size / x.shape[x.shape.length - 1]!;
      const m = this.momentum;
      // The running statistics are state, not part of the loss: nothing differentiates them.
      const [newMean, newVar] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
        const unbiased = tf.mul(variance, n / Math.max(1, n - 1));
        return [tf.add(tf.mul(this.movingMean.read(), 1 - m), tf.mul(mean, m)), tf.add(tf.mul(this.movingVariance.read(), 1 - m), tf.mul(unbiased, m))];
      });
      this.movingMean.write(newMean);
      this.movingVariance.write(newVar);
      return tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(BatchNorm);
