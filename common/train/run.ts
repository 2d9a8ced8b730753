// `syncgrad train`: wires backend, data, model, optimizer and the shared loop together.
import { initBackend } from '../backend/select.js';
import { SkipLog } from '../data/loader.js';
import type { Io } from '../io.js';
import { Cnn } from '../model/cnn.js';
import { Rng } from '../rng.js';
import { LocalEngine } from './local-engine.js';
import { findResumePoint } from './resume.js';
import { loaderOptionsFor, setupJob } from './job-setup.js';
import { planMicroBatch } from './micro-batch.js';
import { runTrainingLoop } from './loop.js';
import { Adam } from './optimizer.js';
import type { TrainOptions } from './options.js';
import type { TrainReport } from './report.js';
import { writeRunReport } from './run-report.js';

export async function runTrain(o: TrainOptions, io: Io): Promise<TrainReport> {
  const backend = await initBackend(o.backend);
  io.err(`backend: ${backend.kind} (${backend.package})`);
  const { index, audit, model: modelConfig, dataset } = await setupJob(o, io);
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
    optimizer.dispose();
    model.dispose();
  }
}
