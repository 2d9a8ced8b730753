// `syncgrad train`: wires backend, data, model, optimizer and the shared loop together.
import { initBackend } from '../backend/select.js';
import { auditDataset } from '../data/audit.js';
import { indexDataset, type DatasetIndex } from '../data/dataset.js';
import { SkipLog, DEFAULT_DECODE_CONCURRENCY, type LoaderOptions } from '../data/loader.js';
import type { Io } from '../io.js';
import { Cnn } from '../model/cnn.js';
import type { ModelConfig } from '../model/spec.js';
import { Rng } from '../rng.js';
import { LocalEngine } from './local-engine.js';
import { datasetFingerprint, findResumePoint } from './resume.js';
import { planMicroBatch } from './micro-batch.js';
import { runTrainingLoop } from './loop.js';
import { Adam } from './optimizer.js';
import type { TrainOptions } from './options.js';
import { writeRunReport, type TrainReport } from './report.js';
import { DEFAULT_DROPOUT } from '../model/spec.js';

/** How many duplicate groups the warning names before summarising. */
const AUDIT_EXAMPLES = 3;

export function modelConfigFor(o: TrainOptions, classes: number): ModelConfig {
  return { imageSize: o.imageSize, channels: o.channels, classes, dropout: o.dropout ? DEFAULT_DROPOUT : 0 };
}

export function loaderOptionsFor(o: TrainOptions): LoaderOptions {
  return { imageSize: o.imageSize, channels: o.channels, batchSize: o.batchSize, prefetch: o.prefetch, concurrency: DEFAULT_DECODE_CONCURRENCY };
}

export async function loadIndex(o: TrainOptions): Promise<DatasetIndex> {
  return indexDataset(o.data, { valFraction: o.valFraction, testFraction: o.testFraction, seed: o.seed });
}

/** Runs the leak audit and prints one warning when it finds duplicates. Returns the counts for the report. */
export async function auditAndWarn(index: DatasetIndex, io: Io): Promise<{ crossSplit: number; withinSplit: number }> {
  const audit = await auditDataset(index);
  const counts = { crossSplit: audit.crossSplit.length, withinSplit: audit.withinSplit.length };
  if (counts.crossSplit + counts.withinSplit > 0) {
    const examples = [...audit.crossSplit, ...audit.withinSplit]
      .slice(0, AUDIT_EXAMPLES)
      .map((g) => g.members.map((m) => `${m.split}:${m.path}`).join(' = '));
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

export async function runTrain(o: TrainOptions, io: Io): Promise<TrainReport> {
  const backend = await initBackend(o.backend);
  io.err(`backend: ${backend.kind} (${backend.package})`);
  const index = await loadIndex(o);
  io.err(`data: ${index.root}: ${describeSplit(index)}`);
  const audit = o.audit ? await auditAndWarn(index, io) : undefined;

  const modelConfig = modelConfigFor(o, index.classes.length);
  const dataset = datasetFingerprint(index);
  const resume = await findResumePoint(o, modelConfig, dataset, io);
  const model = resume ? Cnn.fromWeights(modelConfig, resume.checkpoint.weights) : Cnn.create(modelConfig, o.seed);
  const optimizer = new Adam(o.lr, model.params);
  if (resume) await optimizer.importState(resume.checkpoint.optimizer);
  const skipLog = new SkipLog();
  const rng = Rng.derive(o.seed, 'dropout');
  if (resume) rng.setState(resume.checkpoint.meta.rng);
  const microBatch = planMicroBatch(o.microBatch, backend.kind, modelConfig, 'train');
  io.err(`micro-batch: ${microBatch.train >= o.batchSize ? `whole batches of ${o.batchSize}` : `${microBatch.train} image(s) per pass, gradients summed over each batch of ${o.batchSize}`} (${microBatch.reason})`);
  const engine = new LocalEngine({ model, optimizer, index, loader: loaderOptionsFor(o), skipLog, rng, backend: backend.kind, microBatch });
  try {
    const report = await runTrainingLoop({ options: o, model: modelConfig, index, engine, io, rng, dataset, ...(resume ? { resume: resume.progress } : {}), skippedImages: () => skipLog.count });
    if (audit) report.audit = audit;
    const skipped = skipLog.summary();
    if (skipped) io.err(`warning: ${skipped}`);
    await writeRunReport(o.out, report, o.report);
    return report;
  } finally {
    await engine.close();
  }
}
