// The epoch loop shared by `train` and the cluster coordinator: progress bars, epoch lines,
// validation, checkpoints, test accuracy, FPS and the report.
import type { DatasetIndex } from '../data/dataset.js';
import type { Io } from '../console/io.js';
import { archOf, trainableCount, type ModelConfig } from '../model/spec.js';
import { Rng } from '../rng.js';
import { saveCheckpoint, type TrainProgress } from '../run/checkpoint.js';
import type { EvalStats, SplitName, StepStats, TrainEngine } from './engine.js';
import type { TrainOptions } from './options.js';
import { ProgressBar, type ProgressSink } from '../console/progress.js';
import type { EpochReport, StepTiming, TrainReport } from '../run/report.js';

export interface LoopContext {
  options: TrainOptions;
  model: ModelConfig;
  index: DatasetIndex;
  engine: TrainEngine;
  io: Io;
  /** The dropout-seed stream; checkpointed so a resumed run continues it. */
  rng: Rng;
  /** Where a resumed run continues (from its checkpoint); absent: from the start. */
  resume?: TrainProgress;
  /** The dataset's fingerprint, stored in every checkpoint so a resume can check it. */
  dataset: string;
  /** Called after each epoch (metrics, cluster bookkeeping). */
  onEpoch?: (e: EpochReport) => void;
  /** Called after each step (metrics). */
  onStep?: (s: { epoch: number; step: number; loss: number; correct: number; count: number; computeSeconds: number; exchangeSeconds: number }) => void;
  /** Called after each evaluation pass (val every epoch, test at the end). */
  onEvaluated?: (split: SplitName, r: { accuracy: number; loss: number; fps: number }) => void;
  onCheckpoint?: (seconds: number) => void;
  skippedImages: () => number;
  recordStepTimings?: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Each epoch's sample order: a permutation keyed by (seed, epoch), like DistributedSampler.set_epoch. */
export function epochOrder(seed: number, epoch: number, n: number): number[] {
  return Rng.derive(seed, 'epoch', epoch).permutation(n);
}

/** Steps an epoch takes: every batch of the train split, or --max-steps of them. */
export function stepsPerEpochOf(o: Pick<TrainOptions, 'batchSize' | 'maxStepsPerEpoch'>, trainCount: number): number {
  const full = Math.ceil(trainCount / o.batchSize);
  return o.maxStepsPerEpoch !== undefined ? Math.min(o.maxStepsPerEpoch, full) : full;
}

export async function runTrainingLoop(ctx: LoopContext): Promise<TrainReport> {
  const { options: o, index, engine, io } = ctx;
  const startedAt = new Date().toISOString();
  const sink: ProgressSink = { stream: io.progressStream, line: io.err, mode: o.progress };
  const stepsPerEpoch = stepsPerEpochOf(o, index.train.length);
  const r = ctx.resume;
  const epochs: EpochReport[] = r ? [...r.epochs] : [];
  const steps: StepTiming[] = r?.steps ? [...r.steps] : [];
  let globalStep = r?.globalStep ?? 0;
  let lastCheckpoint = performance.now();

  const evaluate = async (split: SplitName, label: string, fpsBatches: number): Promise<EvalStats> => {
    const bar = new ProgressBar(sink, label, Math.ceil(index[split].length / o.batchSize));
    try {
      return await engine.evaluate(split, fpsBatches, (done) => bar.update(done));
    } finally {
      bar.stop();
    }
  };

  const checkpoint = async (progress: TrainProgress): Promise<void> => {
    const t = performance.now();
    const snap = await engine.snapshot();
    await saveCheckpoint(o.out, {
      meta: {
        model: ctx.model,
        classes: index.classes,
        epoch: progress.epochsDone,
        step: snap.optimizer.step,
        learningRate: o.lr,
        seed: o.seed,
        rng: ctx.rng.getState(),
        config: { ...o },
        createdAt: new Date().toISOString(),
        progress: ctx.recordStepTimings ? { ...progress, steps } : progress,
        dataset: ctx.dataset,
      },
      ...snap,
    });
    lastCheckpoint = performance.now();
    ctx.onCheckpoint?.((lastCheckpoint - t) / 1000);
  };
  /** Mid-epoch: every --checkpoint-every steps, else once checkpointSeconds of training have passed. */
  const due = () => (o.checkpointEvery !== undefined ? globalStep % o.checkpointEvery === 0 : performance.now() - lastCheckpoint >= o.checkpointSeconds * 1000);

  const firstEpoch = (r?.epochsDone ?? 0) + 1;
  for (let epoch = firstEpoch; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    const resumed = epoch === firstEpoch ? r : undefined;
    const first = resumed?.stepInEpoch ?? 0;
    const bar = new ProgressBar(sink, `Epoch ${epoch}/${o.epochs}`, stepsPerEpoch);
    const acc = resumed ? { ...resumed.partial } : { lossSum: 0, correct: 0, count: 0, seconds: 0 };
    let step = first;
    if (first > 0) bar.update(first);
    // The epoch's batches are fixed slices of its permutation: a resumed epoch skips the ones done.
    const order = epochOrder(o.seed, epoch, index.train.length).slice(first * o.batchSize, stepsPerEpoch * o.batchSize);
    try {
      await engine.trainEpoch(epoch, order, async (s: StepStats) => {
        step += 1;
        globalStep += 1;
        acc.lossSum += s.loss * s.count;
        acc.correct += s.correct;
        acc.count += s.count;
        if (ctx.recordStepTimings)
          steps.push({ epoch, step, computeSeconds: s.computeSeconds, exchangeSeconds: s.exchangeSeconds, ...(s.shards ? { shards: s.shards } : {}) });
        ctx.onStep?.({ epoch, step: globalStep, ...s });
        bar.update(step, `loss=${s.loss.toFixed(4)}`);
        if (step < stepsPerEpoch && due()) {
          await checkpoint({
            epochsDone: epoch - 1,
            stepInEpoch: step,
            globalStep,
            epochs,
            partial: { ...acc, seconds: acc.seconds + (performance.now() - t0) / 1000 },
          });
        }
      });
    } finally {
      bar.stop();
    }
    const seconds = acc.seconds + (performance.now() - t0) / 1000;
    const val = index.val.length > 0 ? await evaluate('val', 'Validation', 0) : undefined;
    const { lossSum, correct, count } = acc;
    const e: EpochReport = {
      epoch,
      trainLoss: count > 0 ? lossSum / count : Number.NaN,
      trainAccuracy: count > 0 ? correct / count : 0,
      valLoss: val && val.count > 0 ? val.lossSum / val.count : Number.NaN,
      valAccuracy: val && val.count > 0 ? val.correct / val.count : 0,
      imagesPerSecond: count / seconds,
      seconds,
    };
    epochs.push(e);
    io.out(
      `Epoch ${epoch}/${o.epochs}: train loss ${e.trainLoss.toFixed(4)}, train acc ${pct(e.trainAccuracy)}, ` +
        `val loss ${e.valLoss.toFixed(4)}, val acc ${pct(e.valAccuracy)}, ${e.imagesPerSecond.toFixed(1)} img/s (${seconds.toFixed(1)} s)`,
    );
    if (val && val.count > 0) ctx.onEvaluated?.('val', { accuracy: e.valAccuracy, loss: e.valLoss, fps: 0 });
    await checkpoint({ epochsDone: epoch, stepInEpoch: 0, globalStep, epochs, partial: { lossSum: 0, correct: 0, count: 0, seconds: 0 } });
    ctx.onEpoch?.(e);
  }

  const test = index.test.length > 0 ? await evaluate('test', 'Test', o.fpsBatches) : undefined;
  const testAccuracy = test && test.count > 0 ? test.correct / test.count : 0;
  const fps = test && test.fpsSeconds > 0 ? test.fpsImages / test.fpsSeconds : 0;
  if (test && test.count > 0) ctx.onEvaluated?.('test', { accuracy: testAccuracy, loss: test.lossSum / test.count, fps });
  io.out(`Test accuracy: ${pct(testAccuracy)} (${test?.count ?? 0} images)`);
  io.out(`Inference FPS: ${fps.toFixed(1)} (forward time of ${Math.min(o.fpsBatches, Math.ceil(index.test.length / o.batchSize))} batches of ${o.batchSize})`);

  const trainable = trainableCount(ctx.model);
  const report: TrainReport = {
    config: { ...o },
    backend: engine.backend,
    model: archOf(ctx.model),
    params: trainable,
    ...(engine.paramCount > trainable ? { buffers: engine.paramCount - trainable } : {}),
    classes: index.classes,
    dataset: { root: index.root, train: index.train.length, val: index.val.length, test: index.test.length },
    epochs,
    testLoss: test && test.count > 0 ? test.lossSum / test.count : Number.NaN,
    testAccuracy,
    fps,
    confusion: test?.confusion ?? [],
    skippedImages: ctx.skippedImages(),
    totalSteps: globalStep,
    startedAt,
    finishedAt: new Date().toISOString(),
  };
  if (ctx.recordStepTimings) report.steps = steps;
  return report;
}
