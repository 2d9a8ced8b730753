// The coordinator: owns the dataset index and the run's state; serves workers; drives the shared
// training loop through the ClusterEngine; writes the same report as `train`. In the sharded
// exchange (the seed's size) the replicas reduce and apply Adam among themselves and the
// coordinator moves no tensor: it commands each step, checks that every replica's new weights
// have the same checksum, takes a replica's weights and moments for checkpoints, new workers and
// failed steps, and warns when the workers share one NATS server (nats-layout.ts). In the star
// (small models) it pulls the gradients, reduces, applies Adam to its own copy of the weights
// (master.ts) and serves them.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { within } from '../common/deadline.js';
import { InterruptedError, OutOfMemoryError, TimeoutError, type RejectReason } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import { archOf, describeModel, hasRunningStats, paramSpecs, trainableCount, type ModelConfig } from '../common/model/spec.js';
import { flatten } from '../common/wire/flat.js';
import { FlatAdam } from '../common/optim/flat-adam.js';
import { Rng } from '../common/rng.js';
import { BATCH_NORM_MIN_PASS, microBatchToWire } from '../common/train/micro-batch.js';
import { runTrainingLoop, stepsPerEpochOf } from '../common/train/loop.js';
import { findResumePoint, type ResumePoint } from '../common/train/resume.js';
import type { TrainReport } from '../common/run/report.js';
import { writeRunReport } from '../common/run/run-report.js';
import { setupJob, type AuditCounts } from '../common/train/job-setup.js';
import type { DatasetIndex } from '../common/data/dataset.js';
import { chunkBytesFor } from '../common/wire/chunks.js';
import { CODECS } from '../common/wire/codec.js';
import { connectNats } from '../common/wire/connect.js';
import { DataMode, encode, pb } from '../common/wire/messages.js';
import { subjects, type Subjects } from '../common/wire/subjects.js';
import { ClusterEngine } from './engine.js';
import type { ClusterEngineHooks } from './exchange/context.js';
import { TrainingMetrics } from '../monitor/metrics.js';
import { MetricsServer } from '../monitor/server.js';
import { loopHooks } from '../monitor/loop-hooks.js';
import { RunStatus } from '../monitor/status.js';
import { resolveExchange, type CoordinatorOptions } from './options.js';
import { sharedServerWarning } from './nats-layout.js';
import { codecFor } from '../common/wire/codec.js';
import { Registry } from './registry.js';
import { CoordinatorServer } from './server.js';
import { ShardPlanner, type ShardCutter, type SlowWorker } from './shard-planner.js';
import { ShardJournal } from './shard-journal.js';

export interface CoordinatorHooks extends Partial<ClusterEngineHooks> {
  onJoin?: (w: { rank: number; id: string; backend: string }) => void;
  /** Cuts the batches instead of the --shards planner (tests cut deliberately unequal shards). */
  cutter?: ShardCutter;
}

/** Workers count a coordinator gone after 10 s without one of these (worker.ts). */
const HEARTBEAT_MS = 1000;
/** close(): the farewell flush, the engine and the drain each get this long (SIGTERM must end us within 5 s). */
const CLOSE_FLUSH_MS = 1000;

export class Coordinator implements AsyncDisposable {
  readonly registry = new Registry();
  readonly rejects = new Map<string, number>();
  private nc!: NatsConnection;
  private ownsConnection = false;
  private s!: Subjects;
  private server?: CoordinatorServer;
  private engine?: ClusterEngine;
  private index!: DatasetIndex;
  private job!: pb.JobSpec;
  private closed = false;
  private closing?: Promise<void>;
  private closeReason = '';
  /** Present when --metrics-port is set. */
  metrics?: TrainingMetrics;
  /** The live page's numbers (with --metrics-port). */
  status?: RunStatus;
  private metricsServer?: MetricsServer;
  /** Dropout seeds; shared by the engine and the checkpoint. */
  private rng!: Rng;
  private dataset!: string;
  private model!: ModelConfig;
  private audit?: AuditCounts;
  /** Set when --resume found a checkpoint: where the loop continues. */
  private resume?: ResumePoint;
  /** Random per process: a restarted coordinator is a new one to the workers. */
  readonly id = randomUUID();
  private heartbeat?: NodeJS.Timeout;
  /** The one-server warning is logged once a run. */
  private warnedSharedServer = false;
  /** What a launcher saw of its worker processes' ends, by pid (noteWorkerExit). */
  private readonly exits = new Map<number, string>();

  private constructor(
    readonly options: CoordinatorOptions,
    private readonly io: Io,
    private readonly hooks: CoordinatorHooks,
  ) {}

  /**
   * A launcher on this host tells the coordinator how a worker process ended ("killed by SIGKILL
   * ..."), so that the lost-worker line says why instead of only that it stopped answering.
   */
  noteWorkerExit(pid: number, how: string): void {
    this.exits.set(pid, how);
  }

  /** What is known of a lost worker's process: the launcher's word, or whether its pid still lives on this host. */
  private fateOf(w: { host: string; pid: number }): string {
    const seen = this.exits.get(w.pid);
    if (seen !== undefined && w.host === hostname()) return `; its process ${w.pid} ${seen}`;
    if (w.host !== hostname() || !(w.pid > 0)) return `; its process ${w.pid} runs on ${w.host}: that host's log says whether it died`;
    try {
      process.kill(w.pid, 0);
      return `; its process ${w.pid} is still running on this host`;
    } catch {
      return `; its process ${w.pid} on this host has exited (no exit status known here)`;
    }
  }

  /** Connects, indexes the data, makes the initial weights and starts serving workers. It computes no tensor: no compute backend is loaded for it. */
  static async start(options: CoordinatorOptions, io: Io, hooks: CoordinatorHooks = {}, nc?: NatsConnection): Promise<Coordinator> {
    const c = new Coordinator(options, io, hooks);
    try {
      await c.init(nc);
    } catch (e) {
      await c.close();
      throw e;
    }
    return c;
  }

  get metricsPort(): number | undefined {
    return this.metricsServer?.port;
  }

  private reject(reason: RejectReason, detail: string): void {
    this.rejects.set(reason, (this.rejects.get(reason) ?? 0) + 1);
    this.metrics?.rejected.inc({ reason });
    this.io.err(`coordinator: rejected message (${reason}): ${detail}`);
    this.hooks.onReject?.(reason, detail);
  }

  private async init(nc?: NatsConnection): Promise<void> {
    const { train: o, cluster: k } = this.options;
    if (k.metricsPort !== undefined) {
      this.metrics = new TrainingMetrics({ run: k.job, processMetrics: true });
      this.status = new RunStatus({ job: k.job, kind: 'cluster', epochs: o.epochs, stepsPerEpoch: 0 });
      const status = this.status;
      this.metricsServer = await MetricsServer.start(this.metrics.registry, k.metricsPort, '0.0.0.0', () => status.toJSON());
      this.io.err(`coordinator: metrics on http://0.0.0.0:${this.metricsServer.port}/metrics, live page on http://0.0.0.0:${this.metricsServer.port}/`);
    }
    const setup = await setupJob(o, this.io);
    this.index = setup.index;
    this.audit = setup.audit;
    if (nc) this.nc = nc;
    else {
      this.nc = await connectNats(k.nats, `syncgrad-coordinator-${k.job}`);
      this.ownsConnection = true;
    }
    this.s = subjects(k.job);
    const model = setup.model;
    const specs = paramSpecs(model);
    const paramCount = specs.reduce((a, sp) => a + sp.size, 0);
    this.dataset = setup.dataset;
    this.resume = await findResumePoint(o, model, this.dataset, this.io);
    const ck = this.resume?.checkpoint;
    // The master lives as flat arrays (no tensors): Adam and the reduction are plain JS here.
    this.model = model;
    const weights = flatten(ck ? ck.weights : setup.initial);
    const optimizer = new FlatAdam(o.lr, paramCount, trainableCount(model));
    if (ck) optimizer.importState(ck.optimizer);
    this.rng = Rng.derive(o.seed, 'dropout');
    if (ck) this.rng.setState(ck.meta.rng);
    this.job = pb.JobSpec.create({
      job: k.job,
      model: {
        imageSize: model.imageSize,
        channels: model.channels,
        classes: model.classes,
        dropout: model.dropout,
        arch: archOf(model),
        layersJson: model.layers ? JSON.stringify(model.layers) : '',
      },
      classes: this.index.classes,
      dataMode: k.dataMode === 'nats' ? DataMode.OVER_NATS : DataMode.SHARED_PATH,
      dataRoot: this.index.root,
      trainCount: this.index.train.length,
      valCount: this.index.val.length,
      testCount: this.index.test.length,
      // The split lists' hash, which checkpoints carry too: workers prove they index the same data.
      indexHash: this.dataset,
      gradientCodec: CODECS[k.codec].codec,
      chunkBytes: chunkBytesFor(this.nc.info?.max_payload ?? 1024 * 1024),
      batchSize: o.batchSize,
      paramCount,
      microBatch: microBatchToWire(o.microBatch),
      syntheticGradients: k.syntheticGradients === true,
      learningRate: o.lr,
      shardedExchange: resolveExchange(k.exchange, paramCount) === 'sharded',
    });
    this.server = new CoordinatorServer(
      this.nc,
      this.s,
      this.job,
      this.index,
      this.registry,
      {
        onReject: (r, d) => this.reject(r, d),
        onJoin: (w) => {
          this.metrics?.workers.set(this.registry.size);
          this.metrics?.workerSlow.set({ worker: String(w.rank) }, 0);
          this.io.err(`coordinator: worker ${w.id} joined as rank ${w.rank} (${w.backend}); ${this.registry.size} live`);
          if (!this.warnedSharedServer && this.job.shardedExchange) {
            const line = sharedServerWarning(this.registry.live(), this.job.paramCount * codecFor(this.job.gradientCodec).bytesPerElement);
            if (line) {
              this.warnedSharedServer = true;
              this.io.err(line);
            }
          }
          this.hooks.onJoin?.(w);
        },
        onBytesOut: (b) => this.bytes('out', b),
      },
      this.id,
    );
    // bench exchange's synthetic gradients take no compute time to weigh: equal shards.
    const cutter =
      this.hooks.cutter ??
      new ShardPlanner({
        mode: k.syntheticGradients ? 'equal' : k.shards,
        minShard: hasRunningStats(this.model) ? BATCH_NORM_MIN_PASS : 1,
        onSlow: (w, slow) => this.slowWorker(w, slow),
      });
    const journal = await ShardJournal.open(o.out, this.resume !== undefined);
    this.engine = new ClusterEngine({
      nc: this.nc,
      s: this.s,
      job: this.job,
      server: this.server,
      registry: this.registry,
      weights,
      sizes: specs.map((sp) => sp.size),
      optimizer,
      rng: this.rng,
      io: this.io,
      batchSize: o.batchSize,
      stepTimeoutMs: k.stepTimeoutMs,
      workerWaitMs: k.workerWaitMs,
      cutter,
      journal,
      hooks: {
        onReject: (r, d) => this.reject(r, d),
        onWorkerLost: (w, why) => {
          this.metrics?.workers.set(this.registry.size);
          this.status?.onWorkerLost(w.rank);
          for (const g of [this.metrics?.workerShare, this.metrics?.workerRate, this.metrics?.workerSlow]) g?.remove({ worker: String(w.rank) });
          this.io.err(`coordinator: lost worker rank ${w.rank} (${w.id}): ${why}${this.fateOf(w)}; ${this.registry.size} live`);
          this.hooks.onWorkerLost?.(w, why);
        },
        onWorkerStep: (st) => {
          const w = this.registry.live().find((x) => x.rank === st.rank);
          this.status?.onWorkerStep({ ...st, host: w?.host ?? '?', backend: w?.backend ?? '?' });
          this.metrics?.samples.inc({ worker: String(st.rank) }, st.count);
          this.metrics?.computeDuration.observe({ worker: String(st.rank) }, st.computeSeconds);
          this.metrics?.repairs.inc({ worker: String(st.rank) }, st.repairs ?? 0);
          this.hooks.onWorkerStep?.(st);
        },
        onBytes: (d, b) => this.bytes(d, b),
        onPlan: (shares) => {
          for (const x of shares) {
            this.metrics?.workerShare.set({ worker: String(x.rank) }, x.share);
            if (x.rate !== undefined) this.metrics?.workerRate.set({ worker: String(x.rank) }, x.rate);
          }
          this.status?.onPlan(shares);
          this.hooks.onPlan?.(shares);
        },
        ...(this.hooks.onStepResults ? { onStepResults: this.hooks.onStepResults } : {}),
      },
    });
    this.server.start();
    // Workers that outlive this process rejoin its successor when they hear another id (worker.ts).
    const beat = encode(pb.Control, { job: k.job, kind: pb.Control.Kind.HEARTBEAT, coordinatorId: this.id });
    this.heartbeat = setInterval(() => {
      if (!this.nc.isClosed()) this.nc.publish(this.s.control, beat);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    await this.nc.flush();
    this.io.err(
      `coordinator: job ${k.job} on ${k.nats}: ${describeModel(this.model)}, ${this.job.shardedExchange ? 'sharded' : 'star'} exchange, chunks of ${this.job.chunkBytes} bytes, ${k.codec} gradients`,
    );
  }

  /** A worker that stays too slow to be worth waiting for is reported, not dropped (shard-planner.ts). */
  private slowWorker(w: SlowWorker, slow: boolean): void {
    this.metrics?.workerSlow.set({ worker: String(w.rank) }, slow ? 1 : 0);
    this.status?.onSlow(w.rank, slow);
    const one = w.oneImageSeconds.toFixed(2);
    this.io.err(
      slow
        ? `coordinator: worker rank ${w.rank} (${w.id}) is too slow to be worth waiting for: ${w.rate.toFixed(2)} img/s, so even its one image takes ${one} s where the other workers need ${w.othersSeconds.toFixed(2)} s for the whole batch; it keeps one image a step while it makes progress (stop it, or give it a machine of its own)`
        : `coordinator: worker rank ${w.rank} (${w.id}) is worth waiting for again: ${w.rate.toFixed(2)} img/s, one image in ${one} s`,
    );
  }

  private bytes(direction: 'in' | 'out', n: number): void {
    this.metrics?.exchangeBytes.inc({ direction }, n);
    this.hooks.onBytes?.(direction, n);
  }

  /** Waits for the minimum number of workers, trains, writes the report and tells workers to stop. */
  async run(): Promise<TrainReport> {
    const { train: o, cluster: k } = this.options;
    this.io.err(`coordinator: waiting for ${k.minWorkers} worker(s) (up to ${Math.round(k.workerWaitMs / 1000)} s)`);
    try {
      return await this.train();
    } catch (e) {
      // Whatever failed after close() began (a request on a closed connection) is the interruption.
      if (this.closed && !(e instanceof OutOfMemoryError))
        throw new InterruptedError(`coordinator ${this.closeReason}; ${o.out} holds the last checkpoint (continue with --resume)`, { cause: e });
      throw e;
    }
  }

  private async train(): Promise<TrainReport> {
    const { train: o, cluster: k } = this.options;
    const engine = this.engine!;
    await this.registry.waitFor(
      k.minWorkers,
      k.workerWaitMs,
      () => new TimeoutError(`only ${this.registry.size} of ${k.minWorkers} workers joined within ${Math.round(k.workerWaitMs / 1000)} s`),
    );
    this.status?.plan(stepsPerEpochOf(o, this.index.train.length));
    const report = await runTrainingLoop({
      options: o,
      model: this.model,
      index: this.index,
      engine,
      io: this.io,
      rng: this.rng,
      dataset: this.dataset,
      ...(this.resume ? { resume: this.resume.progress } : {}),
      skippedImages: () => engine.skippedImages,
      recordStepTimings: true,
      ...(this.metrics ? loopHooks(this.metrics, this.status) : {}),
    });
    if (this.audit) report.audit = this.audit;
    if (engine.skippedImages > 0) this.io.err(`warning: workers skipped ${engine.skippedImages} unreadable image(s) (their logs name them)`);
    report.workers = engine.maxWorkers;
    report.backend = engine.backend;
    report.config = { ...report.config, cluster: { ...k } };
    this.status?.finish();
    await writeRunReport(o.out, report, o.report);
    return report;
  }

  /**
   * Waits for the minimum number of workers and hands over the engine, for a caller that drives
   * steps itself without the training loop (the benchmarks, through TrainEngine.trainEpoch).
   */
  async engineWhenReady(): Promise<ClusterEngine> {
    const k = this.options.cluster;
    await this.registry.waitFor(
      k.minWorkers,
      k.workerWaitMs,
      () => new TimeoutError(`only ${this.registry.size} of ${k.minWorkers} workers joined within ${Math.round(k.workerWaitMs / 1000)} s`),
    );
    return this.engine!;
  }

  /** Tells workers the job is over, stops serving, drains the connection it opened. Idempotent. */
  close(reason = 'job finished'): Promise<void> {
    // A second call (a signal during a shutdown the job already started) waits for the first.
    this.closing ??= this.shutDown(reason);
    return this.closing;
  }

  private async shutDown(reason: string): Promise<void> {
    this.closed = true;
    this.closeReason = reason;
    clearInterval(this.heartbeat);
    // Each wait is bounded: with NATS unreachable a flush or drain would wait for a reconnect.
    if (this.nc && !this.nc.isClosed() && this.s) {
      this.nc.publish(this.s.control, encode(pb.Control, { job: this.options.cluster.job, kind: pb.Control.Kind.SHUTDOWN, reason }));
      await within(
        this.nc.flush().catch(() => {}),
        CLOSE_FLUSH_MS,
      );
    }
    this.server?.close();
    await within(this.engine?.close() ?? Promise.resolve(), CLOSE_FLUSH_MS);
    await this.metricsServer?.close();
    if (this.ownsConnection && this.nc && !this.nc.isClosed()) {
      await within(
        this.nc.drain().catch(() => {}),
        CLOSE_FLUSH_MS,
      );
      // A drain refused or cut short (no server to drain to) leaves the client reconnecting forever.
      if (!this.nc.isClosed()) await this.nc.close().catch(() => {});
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
