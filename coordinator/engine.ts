// The cluster's TrainEngine: one synchronous step = cut the global batch among the live workers
// (shard-planner.ts: by measured speed, or equally; shard-journal.ts keeps the cuts for a resume),
// reduce their gradients of their mean losses to the exact global mean, and step the optimizer
// once. How the gradients meet is a strategy (exchange/): the star through the coordinator, or
// the sharded all-reduce among the workers, whose failed step is recomputed through the star from
// the version every survivor still holds. A worker that dies mid-step loses its shard to the
// survivors; the step's result is the same mean either way.
import type { NatsConnection } from 'nats';
import { InterruptedError, OutOfMemoryError, ProtocolError, TimeoutError } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import type { Rng } from '../common/rng.js';
import { emptyConfusion, tally, type EngineSnapshot, type EvalStats, type SplitName, type StepStats, type TrainEngine } from '../common/train/engine.js';
import type { FlatAdam } from '../common/optim/flat-adam.js';
import { decode, encode, pb, splitOf } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { WorkerCommands, workerError } from './commands.js';
import type { ClusterEngineHooks, ExchangeStrategy, StepContext } from './exchange/context.js';
import { ShardedExchange } from './exchange/sharded.js';
import { StarExchange } from './exchange/star.js';
import { WorkerLost } from './liveness.js';
import { MasterWeights } from './master.js';
import { MAX_SHARD_ATTEMPTS } from './retry-policy.js';
import type { Registry, WorkerInfo } from './registry.js';
import type { CoordinatorServer } from './server.js';
import { cutBySizes, sharesOf, shard, type ShardCutter } from './shard-planner.js';
import type { ShardJournal } from './shard-journal.js';

export interface ClusterEngineOptions {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  server: CoordinatorServer;
  registry: Registry;
  /** The initial weights, flat in parameter order; the engine's master owns them from here. */
  weights: Float32Array;
  /** Parameter sizes in order (the checkpoint's per-tensor layout). */
  sizes: number[];
  optimizer: FlatAdam;
  rng: Rng;
  io: Io;
  batchSize: number;
  stepTimeoutMs: number;
  workerWaitMs: number;
  /** How each step's batch is cut among its workers. */
  cutter: ShardCutter;
  /** The run's record of its cuts (absent: not kept). */
  journal?: ShardJournal;
  hooks: ClusterEngineHooks;
}

export class ClusterEngine implements TrainEngine, StepContext {
  private readonly o: ClusterEngineOptions;
  readonly master: MasterWeights;
  readonly commands: WorkerCommands;
  private readonly star: ExchangeStrategy;
  private readonly sharded?: ExchangeStrategy;
  /** Largest number of workers that took part in one step. */
  maxWorkers = 0;
  /** Images the workers could not decode, over every applied step and evaluation (the report's skippedImages). */
  skippedImages = 0;
  /** The journal's cut of a step could not be replayed (too few workers): said once. */
  private replayWarned = false;

  constructor(o: ClusterEngineOptions) {
    this.o = o;
    const { nc, s, job, io, hooks } = o;
    this.commands = new WorkerCommands({
      nc,
      s,
      job,
      io,
      stepTimeoutMs: o.stepTimeoutMs,
      onReject: hooks.onReject,
      ...(hooks.onBytes ? { onBytes: hooks.onBytes } : {}),
    });
    this.master = new MasterWeights(
      {
        nc,
        s,
        job,
        server: o.server,
        registry: o.registry,
        optimizer: o.optimizer,
        io,
        onReject: hooks.onReject,
        ...(hooks.onBytes ? { onBytes: hooks.onBytes } : {}),
      },
      o.weights,
    );
    this.star = new StarExchange(this, nc, s);
    if (job.shardedExchange) this.sharded = new ShardedExchange(this);
  }

  get job(): pb.JobSpec {
    return this.o.job;
  }
  get registry(): Registry {
    return this.o.registry;
  }
  get cutter(): ShardCutter {
    return this.o.cutter;
  }
  get optimizer(): FlatAdam {
    return this.o.optimizer;
  }
  get io(): Io {
    return this.o.io;
  }
  get hooks(): ClusterEngineHooks {
    return this.o.hooks;
  }

  get backend(): string {
    const kinds = new Map<string, number>();
    for (const w of this.o.registry.live()) kinds.set(w.backend, (kinds.get(w.backend) ?? 0) + 1);
    return `cluster(${[...kinds].map(([k, n]) => `${k}×${n}`).join(', ') || 'no workers'})`;
  }

  get paramCount(): number {
    return this.master.size;
  }

  get paramsVersion(): number {
    return this.master.version;
  }

  tally(workers: number, skipped: number): void {
    this.maxWorkers = Math.max(this.maxWorkers, workers);
    this.skippedImages += skipped;
  }

  async liveWorkers(): Promise<WorkerInfo[]> {
    const { registry, workerWaitMs } = this.o;
    if (registry.size === 0) {
      this.o.io.err(`no live workers; waiting up to ${Math.round(workerWaitMs / 1000)} s for one to join`);
      await registry.waitFor(1, workerWaitMs, () => new TimeoutError(`no worker joined within ${Math.round(workerWaitMs / 1000)} s`));
    }
    return registry.live();
  }

  lose(w: WorkerInfo, why: string): void {
    if (!this.o.registry.has(w.rank, w.id)) return;
    this.o.registry.leave(w.rank);
    this.o.cutter.forget(w.id);
    this.o.hooks.onWorkerLost(w, why);
    // If it is alive after all (a partition), it rejoins with a fresh replica.
    this.o.nc.publish(this.o.s.control, encode(pb.Control, { job: this.o.job.job, kind: pb.Control.Kind.EVICT, reason: why, workerId: w.id }));
  }

  /**
   * This step's workers and their shards, in rank order: the journal's cut when a resumed run
   * redoes a step the original had cut (and enough workers are live), else the cutter's. The cut
   * is journaled before any command goes out.
   */
  async cutStep(live: readonly WorkerInfo[], global: number[]): Promise<{ workers: WorkerInfo[]; shards: number[][] }> {
    const step = this.o.optimizer.step + 1;
    let sizes = this.o.journal?.cutFor(step);
    if (sizes && (sizes.length > live.length || sizes.reduce((a, x) => a + x, 0) !== global.length)) {
      if (!this.replayWarned) {
        this.replayWarned = true;
        this.o.io.err(
          `resume: the original run cut step ${step} into ${sizes.length} shard(s) and ${live.length} worker(s) are live; cutting afresh from here, so the weights will not be bit-identical to the original run's`,
        );
      }
      sizes = undefined;
    }
    const workers = live.slice(0, sizes?.length ?? Math.min(live.length, global.length));
    sizes ??= this.o.cutter.cut(workers, global.length);
    await this.o.journal?.record(step, sizes);
    this.o.hooks.onPlan?.(sharesOf(workers, sizes, (id, images) => this.o.cutter.rateOf(id, images)));
    return { workers, shards: cutBySizes(global, sizes) };
  }

  async trainEpoch(epoch: number, order: number[], onStep: (s: StepStats) => void | Promise<void>): Promise<void> {
    for (let start = 0; start < order.length; start += this.o.batchSize) {
      await onStep(await this.step(epoch, order.slice(start, start + this.o.batchSize)));
    }
  }

  /** One synchronous step over `global` (indices into the train split). */
  async step(epoch: number, global: number[]): Promise<StepStats> {
    const req = { epoch, global, dropoutSeed: this.o.rng.nextU32() };
    if (this.sharded) {
      try {
        return await this.sharded.step(req);
      } catch (e) {
        if (e instanceof OutOfMemoryError || e instanceof InterruptedError) throw e;
        // Nothing was committed: recompute the step through the star path, which drops and
        // evicts a faulty worker exactly as before, from the version every survivor still holds.
        this.o.io.err(`coordinator: sharded exchange of a step failed (${(e as Error).message}); recomputing it through the coordinator`);
        await this.master.refresh();
      }
    }
    return this.star.step(req);
  }

  async evaluate(split: SplitName, fpsBatches: number, onBatch: (done: number) => void): Promise<EvalStats> {
    // Replicas that hold the version evaluate it; one that does not pulls it from here.
    if (this.master.lackedBy(this.o.registry.live())) await this.master.refresh();
    const n = (this.o.job.model as pb.ModelSpec).classes;
    const stats: EvalStats = { correct: 0, count: 0, lossSum: 0, fpsSeconds: 0, fpsImages: 0, confusion: emptyConfusion(n) };
    const total = split === 'train' ? this.o.job.trainCount : split === 'val' ? this.o.job.valCount : this.o.job.testCount;
    const all = Array.from({ length: total }, (_, i) => i);
    // Batch-sized pieces handed out to whichever worker is free: progress stays fine-grained and
    // a lost worker costs only its current piece.
    const pieces = shard(all, Math.ceil(total / this.o.batchSize)).map((indices, k) => ({ indices, k, tries: 0 }));
    let done = 0;
    const run = async (w: WorkerInfo): Promise<void> => {
      for (let piece = pieces.shift(); piece; piece = pieces.shift()) {
        const seq = this.commands.nextSeq();
        const { version, checksum } = this.master.origin;
        const cmd = encode(pb.EvalCommand, {
          job: this.o.job.job,
          paramsVersion: version,
          paramsChecksum: checksum,
          split: splitOf(split),
          indices: piece.indices,
          batchSize: this.o.batchSize,
          fpsBatches: piece.k < fpsBatches ? 1 : 0,
          seq,
        });
        try {
          const r = decode(pb.EvalResult, await this.commands.request(w, this.o.s.eval(w.rank), cmd, seq), 'EvalResult');
          if (r.error) throw workerError(w, r);
          if (r.labels.length !== r.count || r.predictions.length !== r.count)
            throw new ProtocolError('wrong-length', `rank ${w.rank} eval result lists ${r.labels.length} labels for ${r.count} samples`);
          tally(stats, r.labels, r.predictions);
          this.skippedImages += r.skipped;
          stats.lossSum += r.lossSum;
          stats.fpsSeconds += r.fpsSeconds;
          stats.fpsImages += r.fpsImages;
          onBatch(++done);
        } catch (e) {
          if (e instanceof OutOfMemoryError) throw e;
          if (++piece.tries >= MAX_SHARD_ATTEMPTS && !(e instanceof WorkerLost)) throw e;
          pieces.push(piece);
          if (e instanceof WorkerLost) {
            this.lose(e.worker, e.message);
            return;
          }
        }
      }
    };
    while (pieces.length > 0) await Promise.all((await this.liveWorkers()).map(run));
    return stats;
  }

  /** Copies: the checkpoint is written while the next steps may already update the buffers. */
  snapshot(): Promise<EngineSnapshot> {
    return this.master.snapshot(this.o.sizes);
  }

  async close(): Promise<void> {
    // Nothing to free: plain arrays, and no transfer of this engine's outlives its step.
  }
}
