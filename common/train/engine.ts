// The seam between the training loop and where steps run. The single-process engine computes and
// applies gradients in this process; the cluster's engine ships the same global batches to workers.
// The loop (bars, epoch lines, checkpoints, report) is shared, so both print and report alike.
import type { AdamState } from '../optim/adam.js';

export interface StepStats {
  /** Mean loss over the global batch. */
  loss: number;
  correct: number;
  count: number;
  /** Seconds spent computing gradients (the slowest worker's, in a cluster). */
  computeSeconds: number;
  /** Seconds spent moving gradients and weights (0 in one process). */
  exchangeSeconds: number;
  /** A cluster step's images per worker, in rank order (how the batch was cut). */
  shards?: number[];
}

export interface EvalStats {
  correct: number;
  count: number;
  lossSum: number;
  /** Summed forward time of the first `fpsBatches` batches and the images in them: the seed's FPS. */
  fpsSeconds: number;
  fpsImages: number;
  /** confusion[true][predicted] */
  confusion: number[][];
}

export type SplitName = 'train' | 'val' | 'test';

export interface EngineSnapshot {
  weights: Float32Array[];
  optimizer: AdamState;
}

export interface TrainEngine {
  /** Backend description for the report, e.g. `wasm`. */
  readonly backend: string;
  readonly paramCount: number;
  /**
   * Runs `order` (indices into the train split, the epoch's batches still to do) in global
   * batches, waiting for each onStep before the next step (it may write a checkpoint).
   */
  trainEpoch(epoch: number, order: number[], onStep: (s: StepStats) => void | Promise<void>): Promise<void>;
  /** Inference over a whole split, every sample once. */
  evaluate(split: SplitName, fpsBatches: number, onBatch: (done: number) => void): Promise<EvalStats>;
  snapshot(): Promise<EngineSnapshot>;
  close(): Promise<void>;
}

/** Adds one batch's true and predicted classes to `stats` (count, correct, confusion). */
export function tally(stats: Pick<EvalStats, 'correct' | 'count' | 'confusion'>, labels: ArrayLike<number>, predictions: ArrayLike<number>): void {
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predictions[i]!;
    const row = stats.confusion[t]!;
    row[p] = row[p]! + 1;
    if (t === p) stats.correct += 1;
  }
  stats.count += labels.length;
}

/** Weights and Adam state, the part of a checkpoint an engine supplies. */
export async function snapshotOf(model: { getWeights(): Promise<Float32Array[]> }, optimizer: { exportState(): Promise<AdamState> }): Promise<EngineSnapshot> {
  return { weights: await model.getWeights(), optimizer: await optimizer.exportState() };
}

export function emptyConfusion(classes: number): number[][] {
  return Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
}

export function mergeEval(a: EvalStats, b: EvalStats): EvalStats {
  return {
    correct: a.correct + b.correct,
    count: a.count + b.count,
    lossSum: a.lossSum + b.lossSum,
    fpsSeconds: a.fpsSeconds + b.fpsSeconds,
    fpsImages: a.fpsImages + b.fpsImages,
    confusion: a.confusion.map((row, i) => row.map((v, j) => v + b.confusion[i]![j]!)),
  };
}
