// BatchNorm as torch.nn.BatchNorm2d computes it, for the zoo's models: batch statistics in
// training, running statistics updated with momentum 0.1 and the unbiased (n − 1) batch variance,
// eps 1e-5. tfjs-layers' batchNormalization is Keras's: momentum 0.99 and the biased variance in
// its running average, so a torchvision state_dict would evaluate differently. The running
// statistics are the layer's non-trainable weights; a training step reads and resets them after
// each pass and averages them over the passes and replicas (train/step.ts).
import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL } from '../../backend/native/kernels.js';

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
      if (x.rank === 4 && tf.getKernel(BATCH_NORM_TRAIN_KERNEL, tf.getBackend()) != null) return this.fused(x as tf.Tensor4D, gamma, beta);
      const axes = x.shape.map((_, i) => i).slice(0, -1);
      const { mean, variance } = tf.moments(x, axes);
      const n = x.size / x.shape[x.shape.length - 1]!;
      // The running statistics are state, not part of the loss: nothing differentiates them.
      this.updateRunning(mean, tf.mul(variance, n / Math.max(1, n - 1)));
      return tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
    });
  }

  /** The native backend's path: TensorFlow's fused op forward and its own gradient op backward (kernels.ts). */
  private fused(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    const epsilon = this.epsilon;
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [input, scale, offset] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
      const save = args[args.length - 1] as tf.GradSaveFunc;
      // The kernel updates the running statistics too (kernels.ts): they are state, not part of the loss.
      const [y, mean, variance, r1, r2, r3] = tf
        .engine()
        .runKernel<tf.Tensor[]>(
          BATCH_NORM_TRAIN_KERNEL,
          { x: input, scale, offset, mean: this.movingMean.read(), variance: this.movingVariance.read() },
          { epsilon, momentum: this.momentum },
        );
      this.movingMean.write(mean!);
      this.movingVariance.write(variance!);
      tf.dispose([mean!, variance!]);
      save([input, scale, r1!, r2!, r3!]);
      return {
        value: y!,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sScale, s1, s2, s3] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          return tf.engine().runKernel<tf.Tensor[]>(BATCH_NORM_GRAD_KERNEL, { dy, x: sx, scale: sScale, r1: s1, r2: s2, r3: s3 }, { epsilon });
        },
      };
    });
    return op(x, gamma, beta);
  }

  /** running ← (1 − momentum) · running + momentum · batch, the variance's being unbiased. */
  private updateRunning(mean: tf.Tensor, unbiased: tf.Tensor): void {
    const m = this.momentum;
    tf.tidy(() => {
      this.movingMean.write(tf.add(tf.mul(this.movingMean.read(), 1 - m), tf.mul(mean, m)));
      this.movingVariance.write(tf.add(tf.mul(this.movingVariance.read(), 1 - m), tf.mul(unbiased, m)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(BatchNorm);
