// `--resume`: finding the checkpoint a run continues from and proving it belongs to this run.
// torchrun and Ray Train restart from the newest checkpoint; a resumed run here must end with the
// same weights, bit for bit, as one that never stopped, so a checkpoint made with another model,
// dataset, batch size, seed or learning rate is refused instead of silently trained on.
import { CheckpointError, ConfigError } from '../errors.js';
import type { DatasetIndex } from '../data/dataset.js';
import type { Io } from '../console/io.js';
import { archOf, type ModelConfig } from '../model/spec.js';
import { indexHash, relativeLists } from '../wire/index-hash.js';
import { loadLatestCheckpoint, type Checkpoint, type TrainProgress } from '../run/checkpoint.js';
import type { TrainOptions } from './options.js';

export interface ResumePoint {
  checkpoint: Checkpoint;
  path: string;
  progress: TrainProgress;
}

/** The split lists' fingerprint, relative to the dataset root so a moved dataset still matches. */
export function datasetFingerprint(index: DatasetIndex): string {
  return indexHash(relativeLists(index));
}

const describeModel = (m: ModelConfig) => `${m.imageSize}×${m.imageSize}×${m.channels} (${archOf(m)}), ${m.classes} classes, dropout ${m.dropout}`;

/** With --resume, the run directory's newest valid checkpoint, checked against this run; else undefined. */
export async function findResumePoint(o: TrainOptions, model: ModelConfig, dataset: string, io: Io): Promise<ResumePoint | undefined> {
  if (!o.resume) return undefined;
  const found = await loadLatestCheckpoint(o.out, io.err);
  if (!found) {
    io.err(`resume: no checkpoint in ${o.out}; starting fresh`);
    return undefined;
  }
  const { checkpoint: ck, path } = found;
  const m = ck.meta;
  const refuse = (what: string) => new ConfigError(`--resume: ${path} ${what}`);
  if (!m.progress || m.dataset === undefined)
    throw new CheckpointError(path, 'checkpoint has no run position (written before resume existed); train without --resume or use another --out');
  const same = (a: ModelConfig, b: ModelConfig) =>
    a.imageSize === b.imageSize &&
    a.channels === b.channels &&
    a.classes === b.classes &&
    a.dropout === b.dropout &&
    archOf(a) === archOf(b) &&
    JSON.stringify(a.layers?.topology) === JSON.stringify(b.layers?.topology);
  if (!same(m.model, model)) throw refuse(`holds a model of ${describeModel(m.model)}; this run's is ${describeModel(model)}`);
  const cfg = m.config as Partial<TrainOptions>;
  for (const [key, flag, now] of [
    ['batchSize', '--batch-size', o.batchSize],
    ['seed', '--seed', o.seed],
    ['lr', '--lr', o.lr],
  ] as const) {
    if (cfg[key] !== now) throw refuse(`was made with ${flag} ${String(cfg[key])}; this run has ${flag} ${now}`);
  }
  if (cfg.maxStepsPerEpoch !== o.maxStepsPerEpoch)
    throw refuse(`was made with --max-steps ${cfg.maxStepsPerEpoch ?? '(none)'}; this run has ${o.maxStepsPerEpoch ?? '(none)'}`);
  // Last: another seed or split fraction also changes the split, and the flag is the better name for it.
  if (m.dataset !== dataset)
    throw refuse(
      `was trained on another dataset (split fingerprint ${m.dataset}, this run's ${dataset}): the same --data, --val-fraction and --test-fraction are needed`,
    );
  if (m.progress.epochsDone >= o.epochs) io.err(`resume: ${path} already finished all ${o.epochs} epoch(s); evaluating it`);
  const p = m.progress;
  io.err(`resume: continuing from ${path}: epoch ${p.epochsDone + 1}, step ${p.stepInEpoch} of it, ${p.globalStep} step(s) done`);
  return { checkpoint: ck, path, progress: p };
}
