// Single-process engine: loads batches with prefetch, computes gradients and applies Adam here.
import * as tf from '@tensorflow/tfjs-core';
import type { DatasetIndex, Sample } from '../common/data/dataset.js';
import { loadBatches, type LoaderOptions, type SkipLog } from '../common/data/loader.js';
import type { Net } from '../common/model/net.js';
import { Rng } from '../common/rng.js';
import {
  emptyConfusion,
  snapshotOf,
  tally,
  type EngineSnapshot,
  type EvalStats,
  type SplitName,
  type StepStats,
  type TrainEngine,
} from '../common/train/engine.js';
import type { Adam } from '../common/optim/tf-adam.js';
import { withMemoryContext } from '../common/backend/memory.js';
import type { MicroBatchPlan } from '../common/train/micro-batch.js';
import { batchTensors, evalBatch, trainStep } from '../common/train/step.js';

export interface LocalEngineOptions {
  model: Net;
  optimizer: Adam;
  index: DatasetIndex;
  loader: LoaderOptions;
  skipLog: SkipLog;
  /** Source of per-step dropout seeds; its state is checkpointed. */
  rng: Rng;
  backend: string;
  /** Images per forward/backward pass (and per inference pass). */
  microBatch: MicroBatchPlan;
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

  async trainEpoch(_epoch: number, order: number[], onStep: (s: StepStats) => void | Promise<void>): Promise<void> {
    const { model, optimizer, loader, skipLog, rng } = this.o;
    for await (const batch of loadBatches(this.samples('train'), order, loader, skipLog)) {
      const t0 = performance.now();
      const tensors = batchTensors(batch, loader.imageSize, loader.channels);
      const dropoutSeed = rng.nextU32();
      const microBatch = Math.min(batch.size, this.o.microBatch.train);
      try {
        const stats = withMemoryContext({ who: 'train', imageSize: loader.imageSize, batch: batch.size, microBatch, backend: this.backend }, () =>
          trainStep(model, optimizer, tensors, { dropoutSeed, microBatch }),
        );
        await onStep({ ...stats, computeSeconds: (performance.now() - t0) / 1000, exchangeSeconds: 0 });
      } finally {
        tf.dispose([tensors.x, tensors.y]);
      }
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
      let r: ReturnType<typeof evalBatch>;
      try {
        r = evalBatch(model, x, y, this.o.microBatch.infer);
      } finally {
        tf.dispose([x, y]);
      }
      const { lossSum, predictions } = r;
      const seconds = (performance.now() - t0) / 1000;
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

  /** Nothing of its own to free: the model and the optimizer belong to whoever made them (runTrain). */
  async close(): Promise<void> {}
}
