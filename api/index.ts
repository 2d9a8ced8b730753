// syncgrad as a library: `import { tf, layers, models, train, cluster } from 'syncgrad'`. The CLI's
// `train` and `cluster` are this API behind flags: the same options object, the same validation
// (parseTrainOptions), the same report. A model may be a name, a file, or a function that builds
// a tfjs-layers model with the `tf` exported here (syncgrad's own engine).
import { memoryIo, processIo, type Io } from '../common/console/io.js';
import { describeChoice, type ModelChoice } from '../common/model/build.js';
import { MODEL_NAMES } from '../common/model/choice.js';
import { DEFAULT_DROPOUT, type ModelConfig } from '../common/model/spec.js';
import { formatSummary, summarize } from '../common/model/summary.js';
import { SYNCGRAD_LAYERS, type ModelFactory, type ModelFactoryArgs } from '../common/model/user-model.js';
import type { TrainReport } from '../common/run/report.js';
import { parseTrainOptions, type TrainOptions } from '../common/train/options.js';
import { DEFAULT_LOCAL_WORKERS } from '../launcher/defaults.js';
import { parseClusterOptions, type ClusterOptions } from '../coordinator/options.js';

export * as tf from '@tensorflow/tfjs';
export type { ModelChoice, ModelConfig, ModelFactory, ModelFactoryArgs, TrainOptions, TrainReport, ClusterOptions, Io };

/** syncgrad's layers for a model of your own: `sampleDropout` (masks keyed by sample) and `batchNorm` (torch's arithmetic). */
export const layers = SYNCGRAD_LAYERS;

export const models = {
  /** The built-in networks `model` takes by name. */
  names: MODEL_NAMES,
  /** A network's description (layers, output shapes, parameters) without training it. */
  describe: (model: ModelChoice, input: { imageSize: number; channels?: 1 | 3; classes: number }): Promise<ModelConfig> =>
    describeChoice(model, { imageSize: input.imageSize, channels: input.channels ?? 3, classes: input.classes, dropout: DEFAULT_DROPOUT }),
  /** torchsummary's table for a description. */
  summary: (config: ModelConfig): string => formatSummary(summarize(config)),
};

export interface RunArgs extends Partial<TrainOptions> {
  /** The dataset directory (ImageFolder, or train/val/test subfolders). */
  data: string;
  /** A named starting point (`seed`, `demo`) that the other fields override. */
  preset?: string;
  /** Where progress and results go; default: this process's stdout and stderr. `quiet` discards them. */
  io?: Io | 'quiet';
}

const ioOf = (a: RunArgs): Io => (a.io === 'quiet' ? memoryIo() : (a.io ?? processIo()));

function optionsOf(a: RunArgs): TrainOptions {
  const { preset, ...train } = a;
  delete train.io;
  return parseTrainOptions({ progress: 'none', ...train }, preset);
}

/** Trains in this process, as `syncgrad train` does, and returns the report (also written to `out`). */
export async function train(args: RunArgs): Promise<TrainReport> {
  const { runTrain } = await import('../trainer/run.js');
  return runTrain(optionsOf(args), ioOf(args));
}

export interface ClusterArgs extends RunArgs {
  /** Worker processes on this machine (default 2). */
  workers?: number;
  /** The exchange, shards, NATS and the rest (`--exchange`, `--shards`, `--nats`…). */
  cluster?: Partial<ClusterOptions>;
}

/**
 * A local cluster, as `syncgrad cluster` runs one: NATS (found or started), the coordinator in this
 * process, and `workers` worker processes. The model is built here, so a function works; the
 * workers get its description from the coordinator. A custom layer class must be registered in
 * the workers too: start this process with `SYNCGRAD_IMPORTS=/path/to/module.mjs`.
 */
export async function cluster(args: ClusterArgs): Promise<TrainReport> {
  const { launchCluster } = await import('../launcher/launcher.js');
  const { workers = DEFAULT_LOCAL_WORKERS, cluster: k = {}, ...rest } = args;
  const o = optionsOf(rest);
  const report = await launchCluster(
    { workers, train: o, cluster: parseClusterOptions(k), workerBackend: o.backend, workerThreads: o.threads, allowInstall: true, maxRestarts: 0 },
    ioOf(args),
  );
  if (!report) throw new Error('no NATS server: set NATS_URL, put nats-server on PATH (apt-get install nats-server), or run Docker');
  return report;
}
