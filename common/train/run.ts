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
import { runTrainingLoop, stepsPerEpochOf } from './loop.js';
import { basename } from 'node:path';
import { loopHooks } from '../metrics/loop-hooks.js';
import { MetricsServer } from '../metrics/server.js';
import { RunStatus } from '../metrics/status.js';
import { TrainingMetrics } from '../metrics/training.js';
import { Adam } from './optimizer.js';
import type { TrainOptions } from './options.js';
import type { TrainReport } from './report.js';
import { writeRunReport } from './run-report.js';

export interface RunTrainExtras {
  /** Serve /metrics and the live page (/, /status.json) on this port while training. */
  metricsPort?: number;
  /** Called with the port once it listens (tests open the page). */
  onMetricsPort?: (port: number) => void;
}

export async function runTrain(o: TrainOptions, io: Io, extras: RunTrainExtras = {}): Promise<TrainReport> {
  const backend = await initBackend(o.backend, { threads: o.threads });
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
  const live = extras.metricsPort === undefined ? undefined : await serveLive(o, index.train.length, extras.metricsPort, io);
  if (live) extras.onMetricsPort?.(live.server.port);
  try {
    const report = await runTrainingLoop({ options: o, model: modelConfig, index, engine, io, rng, dataset, ...(resume ? { resume: resume.progress } : {}), skippedImages: () => skipLog.count, ...(live ? loopHooks(live.metrics, live.status) : {}) });
    live?.status.finish();
    if (audit) report.audit = audit;
    const skipped = skipLog.summary();
    if (skipped) io.err(`warning: ${skipped}`);
    await writeRunReport(o.out, report, o.report);
    return report;
  } finally {
    await engine.close();
    await live?.server.close();
    optimizer.dispose();
    model.dispose();
  }
}

/** `train --metrics-port`: the coordinator's series and live page, for one process. */
async function serveLive(o: TrainOptions, trainCount: number, port: number, io: Io) {
  const metrics = new TrainingMetrics({ run: basename(o.out), processMetrics: true });
  const status = new RunStatus({ job: basename(o.out), kind: 'train', epochs: o.epochs, stepsPerEpoch: stepsPerEpochOf(o, trainCount) });
  const server = await MetricsServer.start(metrics.registry, port, '0.0.0.0', () => status.toJSON());
  io.err(`train: metrics on http://0.0.0.0:${server.port}/metrics, live page on http://0.0.0.0:${server.port}/`);
  return { metrics, status, server };
}
