// The run report (`--report FILE`): the same shape from `train` and from a cluster run.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
}

export interface TrainReport {
  config: Record<string, unknown>;
  backend: string;
  params: number;
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

/** The run directory's report.json and report.png. */
export async function writeRunReport(out: string, report: TrainReport, extra?: string): Promise<void> {
  const { writeReportImage } = await import('./report-image.js');
  await writeReport(join(out, 'report.json'), report);
  await writeReportImage(join(out, 'report.png'), report);
  if (extra) await writeReport(extra, report);
}

/** Written atomically like checkpoints, so a reader never sees half a report. */
export async function writeReport(path: string, report: TrainReport): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
  await rename(tmp, path);
}
