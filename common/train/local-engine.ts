// Single-process engine: loads batches with prefetch, computes gradients and applies Adam here.
import * as tf from '@tensorflow/tfjs-core';
import type { DatasetIndex, Sample } from '../data/dataset.js';
import { loadBatches, type Batch, type LoaderOptions, type SkipLog } from '../data/loader.js';
import { normalizePixels } from '../data/normalize.js';
import type { Cnn } from '../model/cnn.js';
import { Rng } from '../rng.js';
import { emptyConfusion, snapshotOf, tally, type EngineSnapshot, type EvalStats, type SplitName, type StepStats, type TrainEngine } from './engine.js';
import type { Adam } from './optimizer.js';
import { crossEntropy, trainStep } from './step.js';

export interface LocalEngineOptions {
  model: Cnn;
  optimizer: Adam;
  index: DatasetIndex;
  loader: LoaderOptions;
  skipLog: SkipLog;
  /** Source of per-step dropout seeds; its state is checkpointed. */
  rng: Rng;
  backend: string;
  maxStepsPerEpoch?: number;
}

/** A decoded batch as model input: normalised pixels [N, H, W, C] and int32 labels. */
export function batchTensors(batch: Batch, imageSize: number, channels: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return {
    x: tf.tensor4d(normalizePixels(batch.x), [batch.size, imageSize, imageSize, channels]),
    y: tf.tensor1d(batch.y, 'int32'),
  };
}

/** Loss sum, correct count and predictions for one inference batch. */
export function evalBatch(model: Cnn, x: tf.Tensor4D, y: tf.Tensor1D): { lossSum: number; predictions: Int32Array } {
  const [lossT, predT] = tf.tidy(() => {
    const logits = model.forward(x, { training: false });
    return [tf.mul(crossEntropy(logits, y), x.shape[0]), tf.argMax(logits, 1)];
  });
  const lossSum = lossT!.dataSync()[0]!;
  const predictions = predT!.dataSync() as Int32Array;
  tf.dispose([lossT!, predT!]);
  return { lossSum, predictions };
}

export class LocalEngine implements TrainEngine {
  readonly backend: string;
  private readonly o: LocalEngineOptions;

  constructor(options: LocalEngineOptions) {
    this.o = options;
    this.backend = options.backend;
  }

  get paramCount(): number {
    return this.o.model.paramCount;
  }

  private samples(split: SplitName): Sample[] {
    return this.o.index[split];
  }

  async trainEpoch(_epoch: number, order: number[], onStep: (s: StepStats) => void): Promise<void> {
    const { model, optimizer, loader, skipLog, rng } = this.o;
    let steps = 0;
    for await (const batch of loadBatches(this.samples('train'), order, loader, skipLog)) {
      const t0 = performance.now();
      const { x, y } = batchTensors(batch, loader.imageSize, loader.channels);
      try {
        const stats = trainStep(model, optimizer, { x, y }, rng.nextU32());
        onStep({ ...stats, computeSeconds: (performance.now() - t0) / 1000, exchangeSeconds: 0 });
      } finally {
        tf.dispose([x, y]);
      }
      if (this.o.maxStepsPerEpoch !== undefined && ++steps >= this.o.maxStepsPerEpoch) break;
    }
  }

  async evaluate(split: SplitName, fpsBatches: number, onBatch: (done: number) => void): Promise<EvalStats> {
    const { model, loader, skipLog, index } = this.o;
    const samples = this.samples(split);
    const stats: EvalStats = { correct: 0, count: 0, lossSum: 0, fpsSeconds: 0, fpsImages: 0, confusion: emptyConfusion(index.classes.length) };
    let batches = 0;
    const order = samples.map((_, i) => i);
    for await (const batch of loadBatches(samples, order, loader, skipLog)) {
      const { x, y } = batchTensors(batch, loader.imageSize, loader.channels);
      const t0 = performance.now();
      const { lossSum, predictions } = evalBatch(model, x, y);
      const seconds = (performance.now() - t0) / 1000;
      tf.dispose([x, y]);
      if (batches < fpsBatches) {
        stats.fpsSeconds += seconds;
        stats.fpsImages += batch.size;
      }
      stats.lossSum += lossSum;
      tally(stats, batch.y, predictions);
      onBatch(++batches);
    }
    return stats;
  }

  snapshot(): Promise<EngineSnapshot> {
    return snapshotOf(this.o.model, this.o.optimizer);
  }

  async close(): Promise<void> {
    this.o.optimizer.dispose();
    this.o.model.dispose();
  }
}
