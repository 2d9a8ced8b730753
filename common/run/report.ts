// The run report (`--report FILE`): the same shape from `train` and from a cluster run.
import { writeFileAtomic } from '../atomic-write.js';

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface StepTiming {
  epoch: number;
  step: number;
  computeSeconds: number;
  exchangeSeconds: number;
  /** Images per worker, in rank order (cluster runs). */
  shards?: number[];
}

export interface TrainReport {
  config: Record<string, unknown>;
  backend: string;
  /** The network (`seed-cnn`, a zoo name, or the user's file's name). */
  model: string;
  /** Trainable parameters. */
  params: number;
  /** Running-statistics values (BatchNorm's), when the network has them. */
  buffers?: number;
  classes: string[];
  dataset: { root: string; train: number; val: number; test: number };
  epochs: EpochReport[];
  testLoss: number;
  testAccuracy: number;
  fps: number;
  /** confusion[true][predicted] on the test split. */
  confusion: number[][];
  skippedImages: number;
  /** Optimizer steps over the whole run, a resumed run's earlier ones included. */
  totalSteps?: number;
  audit?: { crossSplit: number; withinSplit: number };
  startedAt: string;
  finishedAt: string;
  /** Cluster runs add these. */
  workers?: number;
  steps?: StepTiming[];
}

/** Written atomically like checkpoints, so a reader never sees half a report. */
export async function writeReport(path: string, report: TrainReport): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}
