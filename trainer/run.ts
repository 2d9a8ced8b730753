// `syncgrad train`: wires backend, data, model, optimizer and the shared loop together.
import { initBackend } from '../common/backend/select.js';
import { SkipLog } from '../common/data/loader.js';
import type { Io } from '../common/console/io.js';
import { createNet } from '../common/model/build.js';
import { describeModel } from '../common/model/spec.js';
import { Rng } from '../common/rng.js';
import { LocalEngine } from './local-engine.js';
import { findResumePoint } from '../common/train/resume.js';
import { loaderOptionsFor, setupJob } from '../common/train/job-setup.js';
import { planMicroBatch } from '../common/train/micro-batch.js';
import { runTrainingLoop, stepsPerEpochOf } from '../common/train/loop.js';
import { basename } from 'node:path';
import { loopHooks } from '../monitor/loop-hooks.js';
import { MetricsServer } from '../monitor/server.js';
import { RunStatus } from '../monitor/status.js';
import { TrainingMetrics } from '../monitor/metrics.js';
import { Adam } from '../common/optim/tf-adam.js';
import type { TrainOptions } from '../common/train/options.js';
import type { TrainReport } from '../common/run/report.js';
import { writeRunReport } from '../common/run/run-report.js';

export interface RunTrainExtras {
  /** Serve /metrics and the live page (/, /status.json) on this port while training. */
  metricsPort?: number;
  /** Called with the port once it listens (tests open the page). */
  onMetricsPort?: (port: number) => void;
}

export async function runTrain(o: TrainOptions, io: Io, extras: RunTrainExtras = {}): Promise<TrainReport> {
  const backend = await initBackend(o.backend, { threads: o.threads });
  io.err(`backend: ${backend.kind} (${backend.package})`);
  const { index, audit, model: modelConfig, initial, dataset } = await setupJob(o, io);
  const resume = await findResumePoint(o, modelConfig, dataset, io);
  const model = await createNet(modelConfig, resume ? resume.checkpoint.weights : initial);
  io.err(`model: ${describeModel(modelConfig)}`);
  const optimizer = new Adam(o.lr, model.params, model.buffers);
  if (resume) await optimizer.importState(resume.checkpoint.optimizer);
  const skipLog = new SkipLog();
  const rng = Rng.derive(o.seed, 'dropout');
  if (resume) rng.setState(resume.checkpoint.meta.rng);
  const microBatch = planMicroBatch(o.microBatch, backend.kind, modelConfig, 'train');
  io.err(
    `micro-batch: ${microBatch.train >= o.batchSize ? `whole batches of ${o.batchSize}` : `${microBatch.train} image(s) per pass, gradients summed over each batch of ${o.batchSize}`} (${microBatch.reason})`,
  );
  const engine = new LocalEngine({ model, optimizer, index, loader: loaderOptionsFor(o), skipLog, rng, backend: backend.kind, microBatch });
  const live = extras.metricsPort === undefined ? undefined : await serveLive(o, index.train.length, extras.metricsPort, io);
  if (live) extras.onMetricsPort?.(live.server.port);
  try {
    const report = await runTrainingLoop({
      options: o,
      model: modelConfig,
      index,
      engine,
      io,
      rng,
      dataset,
      ...(resume ? { resume: resume.progress } : {}),
      skippedImages: () => skipLog.count,
      ...(live ? loopHooks(live.metrics, live.status) : {}),
    });
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
