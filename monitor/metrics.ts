// The training metrics, on a per-process Registry (never prom-client's global one), so a
// coordinator and workers can share a process in tests. Names follow Prometheus conventions:
// syncgrad_ prefix, base units, _total on counters, _seconds, _ratio for 0..1 values. The worker
// label is the rank, a small integer, so its cardinality stays bounded.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** prom-client's default gauges whose `_total` suffix promtool rejects for non-counters. */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];
/** Steps take 10 ms (16 px) to minutes (256² batch 32 on a CPU). */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export type Split = 'train' | 'val' | 'test';

export interface MetricsOptions {
  /** Value of the `run` label on every series (the job name). */
  run: string;
  /** Process metrics (CPU, memory, event loop) too. */
  processMetrics: boolean;
}

type Registers = Registry[];

/** Series a worker exports too, with the same names and help as the coordinator's. */
export const sharedSeries = {
  samples: (registers: Registers) =>
    new Counter({ name: 'syncgrad_samples_processed_total', help: 'Training samples whose gradients a worker computed.', labelNames: ['worker'], registers }),
  compute: (registers: Registers) =>
    new Histogram({
      name: 'syncgrad_compute_duration_seconds',
      help: "Time a worker spent computing one shard's gradients.",
      labelNames: ['worker'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
  rejected: (registers: Registers) =>
    new Counter({ name: 'syncgrad_rejected_messages_total', help: 'Messages rejected, by reason.', labelNames: ['reason'], registers }),
  repairs: (registers: Registers) =>
    new Counter({
      name: 'syncgrad_exchange_repairs_total',
      help: 'Sharded-exchange chunks a worker asked a peer for again and received: lost messages, or ones the repair timer judged lost (0 on a healthy network).',
      labelNames: ['worker'],
      registers,
    }),
};

function newRegistry(o: MetricsOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ run: o.run });
  if (o.processMetrics) {
    collectDefaultMetrics({ register: registry });
    // Dropped on purpose: they are gauges named like counters, which `promtool check metrics` fails.
    for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  }
  return registry;
}

/** A worker's own series: what it computed and what it refused. */
export class WorkerMetrics {
  readonly registry: Registry;
  readonly samples: Counter<'worker'>;
  readonly computeDuration: Histogram<'worker'>;
  readonly rejected: Counter<'reason'>;
  readonly repairs: Counter<'worker'>;

  constructor(o: MetricsOptions) {
    this.registry = newRegistry(o);
    this.samples = sharedSeries.samples([this.registry]);
    this.computeDuration = sharedSeries.compute([this.registry]);
    this.rejected = sharedSeries.rejected([this.registry]);
    this.repairs = sharedSeries.repairs([this.registry]);
  }
}

export class TrainingMetrics {
  readonly registry: Registry;
  readonly loss: Gauge<'split'>;
  readonly stepLoss: Gauge;
  readonly accuracy: Gauge<'split'>;
  readonly samples: Counter<'worker'>;
  readonly imagesPerSecond: Gauge;
  readonly inferenceFps: Gauge;
  readonly stepDuration: Histogram;
  readonly computeDuration: Histogram<'worker'>;
  readonly exchangeDuration: Histogram;
  readonly exchangeBytes: Counter<'direction'>;
  readonly workers: Gauge;
  readonly epoch: Gauge;
  readonly step: Gauge;
  readonly rejected: Counter<'reason'>;
  readonly repairs: Counter<'worker'>;
  readonly checkpointDuration: Histogram;
  readonly workerShare: Gauge<'worker'>;
  readonly workerRate: Gauge<'worker'>;
  readonly workerSlow: Gauge<'worker'>;

  constructor(o: MetricsOptions) {
    this.registry = newRegistry(o);
    const registers = [this.registry];
    this.loss = new Gauge({
      name: 'syncgrad_loss',
      help: 'Mean cross-entropy loss of the last epoch (train) or evaluation (val, test).',
      labelNames: ['split'],
      registers,
    });
    this.stepLoss = new Gauge({ name: 'syncgrad_step_loss', help: 'Mean training loss of the last step.', registers });
    this.accuracy = new Gauge({
      name: 'syncgrad_accuracy_ratio',
      help: 'Top-1 accuracy (0..1) of the last epoch (train) or evaluation (val, test).',
      labelNames: ['split'],
      registers,
    });
    this.samples = sharedSeries.samples(registers);
    this.imagesPerSecond = new Gauge({ name: 'syncgrad_images_per_second', help: 'Training throughput of the last epoch, images per second.', registers });
    this.inferenceFps = new Gauge({ name: 'syncgrad_inference_fps', help: 'Inference images per second of forward time on the test split.', registers });
    this.stepDuration = new Histogram({
      name: 'syncgrad_step_duration_seconds',
      help: 'Wall time of one synchronous training step.',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.computeDuration = sharedSeries.compute(registers);
    this.exchangeDuration = new Histogram({
      name: 'syncgrad_exchange_duration_seconds',
      help: 'Time of one step spent moving weights and gradients.',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.exchangeBytes = new Counter({
      name: 'syncgrad_exchange_bytes_total',
      help: 'Bytes the coordinator received (in) and sent (out).',
      labelNames: ['direction'],
      registers,
    });
    this.workers = new Gauge({ name: 'syncgrad_workers_connected', help: 'Workers ready to take steps.', registers });
    this.epoch = new Gauge({ name: 'syncgrad_epoch', help: 'Current epoch (1-based).', registers });
    this.step = new Gauge({ name: 'syncgrad_step', help: 'Optimizer steps applied.', registers });
    this.rejected = sharedSeries.rejected(registers);
    this.repairs = sharedSeries.repairs(registers);
    this.checkpointDuration = new Histogram({
      name: 'syncgrad_checkpoint_duration_seconds',
      help: 'Time to write one checkpoint.',
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.workerShare = new Gauge({
      name: 'syncgrad_worker_batch_share_ratio',
      help: "Share (0..1) of the last step's global batch a worker was given.",
      labelNames: ['worker'],
      registers,
    });
    this.workerRate = new Gauge({
      name: 'syncgrad_worker_images_per_second',
      help: "A worker's estimated training images per compute-second, what its share is sized by.",
      labelNames: ['worker'],
      registers,
    });
    this.workerSlow = new Gauge({
      name: 'syncgrad_worker_slow',
      help: "1 while a worker is too slow to be worth waiting for (even one image takes it longer than the others' whole step), else 0.",
      labelNames: ['worker'],
      registers,
    });
    // Series that exist from the start, so dashboards show 0 rather than "no data".
    this.workers.set(0);
    this.epoch.set(0);
    this.step.set(0);
    for (const d of ['in', 'out']) this.exchangeBytes.inc({ direction: d }, 0);
  }

  async exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
