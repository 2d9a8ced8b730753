// One job's setup, shared by `train` and the coordinator so that both index, split, audit and
// describe a dataset the same way: the dataset index, the leak audit (reported, not only warned),
// the model (built once here from --model: its description and initial weights) and the
// dataset's fingerprint (checkpoints carry it for --resume).
import { auditDataset } from '../data/audit.js';
import { indexDataset, type DatasetIndex } from '../data/dataset.js';
import { DEFAULT_DECODE_CONCURRENCY, type LoaderOptions } from '../data/loader.js';
import type { Io } from '../console/io.js';
import { buildModel, type ModelBase } from '../model/build.js';
import { DEFAULT_DROPOUT, type ModelConfig } from '../model/spec.js';
import type { TrainOptions } from './options.js';
import { datasetFingerprint } from './resume.js';

export interface AuditCounts {
  crossSplit: number;
  withinSplit: number;
}

export interface JobSetup {
  index: DatasetIndex;
  /** Undefined with --no-audit. */
  audit?: AuditCounts;
  model: ModelConfig;
  /** The weights a fresh run starts from. */
  initial: Float32Array[];
  dataset: string;
}

/** Indexes and splits --data, prints the split, runs the audit, and derives the model and fingerprint. */
export async function setupJob(o: TrainOptions, io: Io): Promise<JobSetup> {
  const index = await loadIndex(o);
  io.err(`data: ${index.root}: ${describeSplit(index)}`);
  const audit = o.audit ? await auditAndWarn(index, io) : undefined;
  const { config, initial } = await buildModel(o.model, modelConfigFor(o, index.classes.length), o.seed);
  return { index, ...(audit ? { audit } : {}), model: config, initial, dataset: datasetFingerprint(index) };
}

/** How many duplicate groups the warning names before summarising. */
const AUDIT_EXAMPLES = 3;

export function modelConfigFor(o: TrainOptions, classes: number): ModelBase {
  return { imageSize: o.imageSize, channels: o.channels, classes, dropout: o.dropout ? DEFAULT_DROPOUT : 0 };
}

export function loaderOptionsFor(o: TrainOptions): LoaderOptions {
  return { imageSize: o.imageSize, channels: o.channels, batchSize: o.batchSize, prefetch: o.prefetch, concurrency: DEFAULT_DECODE_CONCURRENCY };
}

export async function loadIndex(o: TrainOptions): Promise<DatasetIndex> {
  return indexDataset(o.data, { valFraction: o.valFraction, testFraction: o.testFraction, seed: o.seed });
}

/** Runs the leak audit and prints one warning when it finds duplicates. Returns the counts for the report. */
export async function auditAndWarn(index: DatasetIndex, io: Io): Promise<AuditCounts> {
  const audit = await auditDataset(index);
  const counts = { crossSplit: audit.crossSplit.length, withinSplit: audit.withinSplit.length };
  if (counts.crossSplit + counts.withinSplit > 0) {
    const examples = [...audit.crossSplit, ...audit.withinSplit].slice(0, AUDIT_EXAMPLES).map((g) => g.members.map((m) => `${m.split}:${m.path}`).join(' = '));
    io.err(
      `warning: leak audit found ${counts.crossSplit} duplicate image group(s) across train/val/test and ` +
        `${counts.withinSplit} within a split (run \`syncgrad audit --data ${index.root}\`), e.g. ${examples.join('; ')}`,
    );
  }
  return counts;
}

export function describeSplit(index: DatasetIndex): string {
  return `${index.classes.length} classes (${index.classes.join(', ')}); train ${index.train.length}, val ${index.val.length}, test ${index.test.length} images`;
}
