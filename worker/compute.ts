// What a worker computes with its model: the gradient of one shard (its images decoded in the
// background while the weights arrive), and the predictions of an evaluation piece. Passes are cut
// to the worker's micro-batch plan; tensors live only inside each call.
import * as tf from '@tensorflow/tfjs-core';
import { withMemoryContext } from '../common/backend/memory.js';
import type { Sample } from '../common/data/dataset.js';
import { DEFAULT_DECODE_CONCURRENCY, loadBatches, SkipLog, type Batch, type LoaderOptions } from '../common/data/loader.js';
import { ProtocolError } from '../common/errors.js';
import type { Net } from '../common/model/net.js';
import type { MicroBatchPlan } from '../common/train/micro-batch.js';
import { batchTensors, computeGradients, evalBatch } from '../common/train/step.js';
import { flatten } from '../common/wire/flat.js';
import { pb, splitName } from '../common/wire/messages.js';
import type { RemoteImages, SplitLists } from './data.js';

export interface ComputeContext {
  job: pb.JobSpec;
  rank: number;
  backend: string;
  model: Net;
  /** Images per pass on this worker's backend. */
  plan: MicroBatchPlan;
  lists: SplitLists;
  /** Images over NATS (--data-mode nats); absent: paths this machine reads. */
  remote?: RemoteImages;
}

export interface ShardGradient {
  /** The mean loss's gradient over the shard, flat in parameter order. */
  flat: Float32Array;
  loss: number;
  correct: number;
  count: number;
}

/** The fields of an EvalResult this worker computed. */
export type EvalFields = Pick<pb.IEvalResult, 'correct' | 'count' | 'lossSum' | 'fpsSeconds' | 'fpsImages' | 'labels' | 'predictions' | 'skipped'>;

export class ModelCompute {
  constructor(private readonly c: ComputeContext) {}

  get plan(): MicroBatchPlan {
    return this.c.plan;
  }

  private get spec(): pb.ModelSpec {
    return this.c.job.model as pb.ModelSpec;
  }

  private loader(batchSize: number): LoaderOptions {
    const m = this.spec;
    const o: LoaderOptions = { imageSize: m.imageSize, channels: m.channels as 1 | 3, batchSize, prefetch: 1, concurrency: DEFAULT_DECODE_CONCURRENCY };
    if (this.c.remote) o.decode = this.c.remote.decode;
    return o;
  }

  private checkIndices(samples: Sample[], indices: readonly number[]): void {
    for (const i of indices) if (!(i >= 0 && i < samples.length)) throw new ProtocolError('bad-index', `sample index ${i} outside 0..${samples.length - 1}`);
  }

  /** One batch of exactly these train indices (corrupt images left out and counted in `skip`), or undefined if none decoded. */
  async loadShard(indices: number[], skip: SkipLog): Promise<Batch | undefined> {
    const samples = this.c.lists.train;
    this.checkIndices(samples, indices);
    let out: Batch | undefined;
    for await (const b of loadBatches(samples, indices, this.loader(Math.max(1, indices.length)), skip)) out = b;
    return out;
  }

  /** The shard's gradient, flattened into `into` when given (the sharded exchange's buffer, the same one every step). */
  async gradient(batch: Batch, dropoutSeed: number, into?: Float32Array): Promise<ShardGradient> {
    const m = this.spec;
    const tensors = batchTensors(batch, m.imageSize, m.channels);
    const microBatch = Math.min(batch.size, this.c.plan.train);
    let r: ReturnType<typeof computeGradients>;
    try {
      r = withMemoryContext({ who: `worker rank ${this.c.rank}`, imageSize: m.imageSize, batch: batch.size, microBatch, backend: this.c.backend }, () =>
        computeGradients(this.c.model, tensors, { dropoutSeed, microBatch }),
      );
    } finally {
      tf.dispose([tensors.x, tensors.y]);
    }
    try {
      const flat = flatten(await Promise.all(r.grads.map((g) => g.data() as Promise<Float32Array>)), into);
      return { flat, loss: r.loss, correct: r.correct, count: r.count };
    } finally {
      tf.dispose(r.grads);
    }
  }

  /** Predictions over one evaluation piece; the first `cmd.fpsBatches` batches are timed for the FPS figure. */
  async evaluate(cmd: pb.EvalCommand): Promise<EvalFields> {
    const samples = this.c.lists[splitName(cmd.split)];
    this.checkIndices(samples, cmd.indices);
    const m = this.spec;
    const skip = new SkipLog();
    const labels: number[] = [];
    const predictions: number[] = [];
    let lossSum = 0;
    let fpsSeconds = 0;
    let fpsImages = 0;
    let batches = 0;
    for await (const batch of loadBatches(samples, cmd.indices, this.loader(Math.max(1, cmd.batchSize)), skip)) {
      const { x, y } = batchTensors(batch, m.imageSize, m.channels);
      const t0 = performance.now();
      let r: ReturnType<typeof evalBatch>;
      try {
        const passImages = Math.min(batch.size, this.c.plan.infer);
        r = withMemoryContext(
          { who: `worker rank ${this.c.rank} (evaluation)`, imageSize: m.imageSize, batch: batch.size, microBatch: passImages, backend: this.c.backend },
          () => evalBatch(this.c.model, x, y, passImages),
        );
      } finally {
        tf.dispose([x, y]);
      }
      const seconds = (performance.now() - t0) / 1000;
      if (batches++ < cmd.fpsBatches) {
        fpsSeconds += seconds;
        fpsImages += batch.size;
      }
      lossSum += r.lossSum;
      for (let i = 0; i < batch.size; i++) {
        labels.push(batch.y[i]!);
        predictions.push(r.predictions[i]!);
      }
    }
    const correct = labels.reduce((a, l, i) => a + (l === predictions[i] ? 1 : 0), 0);
    return { correct, count: labels.length, lossSum, fpsSeconds, fpsImages, labels, predictions, skipped: skip.count };
  }
}
