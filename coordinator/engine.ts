// The cluster's TrainEngine: one synchronous step = cut the global batch among the live workers
// (shard-planner.ts: by measured speed, or equally; shard-journal.ts keeps the cuts for a resume),
// reduce their gradients of their mean losses to the exact global mean, and apply Adam once.
// Star: the coordinator pulls every gradient, reduces, updates the master weights and serves
// them. Sharded: the workers all-reduce among themselves and every replica applies the same
// Adam; the coordinator only commands, checks that the replicas agree, and takes a replica's
// state when it needs one (a checkpoint, a new worker, a failed step). A worker that dies
// mid-step loses its shard to the survivors; the step's result is the same mean either way.
import type { NatsConnection } from 'nats';
import { InterruptedError, OutOfMemoryError, ProtocolError, TimeoutError, type RejectReason } from '../common/errors.js';
import type { Io } from '../common/io.js';
import type { Rng } from '../common/rng.js';
import { emptyConfusion, tally, type EngineSnapshot, type EvalStats, type SplitName, type StepStats, type TrainEngine } from '../common/train/engine.js';
import type { FlatAdam } from '../common/train/flat-adam.js';
import { pullTensor } from '../common/wire/chunks.js';
import { checksum, unflatten } from '../common/wire/flat.js';
import { decode, encode, pb, splitOf } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { assertFinite, reduceMean, type Contribution } from './reducer.js';
import { requestWorker, WorkerLost } from './liveness.js';
import { classifyShardFailure, decideShardFailure, MAX_SHARD_ATTEMPTS, MISBEHAVIOUR } from './retry-policy.js';
import type { Registry, WorkerInfo } from './registry.js';
import type { CoordinatorServer } from './server.js';
import { equalSizes, sharesOf, type ShardCutter, type ShardShare } from './shard-planner.js';
import type { ShardJournal } from './shard-journal.js';

export interface WorkerStepStats {
  rank: number;
  count: number;
  computeSeconds: number;
  bytes: number;
  /** Sharded exchange: chunks the worker asked for again in this step. */
  repairs?: number;
}

export interface ClusterEngineHooks {
  onReject: (reason: RejectReason, detail: string) => void;
  onWorkerLost: (w: WorkerInfo, why: string) => void;
  onWorkerStep?: (s: WorkerStepStats) => void;
  onBytes?: (direction: 'in' | 'out', bytes: number) => void;
  /** After a step is applied and its weights published: every shard's result (bench exchange reads their timings). */
  onStepResults?: (results: pb.StepResult[]) => void;
  /** Each step's cut, before its commands go out: every worker's images, share and the rate it was sized by. */
  onPlan?: (shares: ShardShare[]) => void;
}

export interface ClusterEngineOptions {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  server: CoordinatorServer;
  registry: Registry;
  /** The master weights, flat in parameter order; the engine owns and updates them. */
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
  /** The run's record of its cuts (absent: not kept, as in `bench exchange`). */
  journal?: ShardJournal;
  hooks: ClusterEngineHooks;
}

/** A worker's refusal: out of memory stops the run with the worker's own line; anything else is retried. */
function workerError(w: WorkerInfo, r: { error: string; errorKind: pb.ErrorKind }): Error {
  if (r.errorKind === pb.ErrorKind.OUT_OF_MEMORY) return new OutOfMemoryError(r.error);
  return new ProtocolError('worker-error', `rank ${w.rank}: ${r.error}`);
}

/** Splits `items` into `n` contiguous shards whose sizes differ by at most one. */
export function shard<T>(items: readonly T[], n: number): T[][] {
  return cutBySizes(items, equalSizes(items.length, n));
}

/** Splits `items` into contiguous shards of `sizes` (which sum to its length). */
export function cutBySizes<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  let off = 0;
  return sizes.map((n) => items.slice(off, (off += n)));
}

export class ClusterEngine implements TrainEngine {
  private readonly o: ClusterEngineOptions;
  /**
   * Two weight buffers: Adam writes version v+1 into the one not being served, so a replica still
   * pulling version v never reads a half-updated vector.
   */
  private readonly buffers: [Float32Array, Float32Array];
  private current = 0;
  /** The reduced gradient, reused each step. */
  private readonly mean: Float32Array;
  private version = 0;
  private sum = 0;
  /**
   * The version this process's buffers and moments hold. After sharded steps it trails `version`
   * (the replicas hold that one) until refreshMaster() takes a replica's state.
   */
  private masterVersion = -1;
  /** Workers (by id) whose replicas hold weights `version` with its moments: those of the last sharded step. */
  private holders = new Set<string>();
  private seq = 0;
  /** Largest number of workers that took part in one step. */
  maxWorkers = 0;
  /** Images the workers could not decode, over every applied step and evaluation (the report's skippedImages). */
  skippedImages = 0;
  /** The journal's cut of a step could not be replayed (too few workers): said once. */
  private replayWarned = false;

  private constructor(o: ClusterEngineOptions) {
    this.o = o;
    this.buffers = [o.weights, new Float32Array(o.weights.length)];
    this.mean = new Float32Array(o.weights.length);
  }

  static async create(o: ClusterEngineOptions): Promise<ClusterEngine> {
    const e = new ClusterEngine(o);
    await e.publishWeights(0);
    return e;
  }

  get backend(): string {
    const kinds = new Map<string, number>();
    for (const w of this.o.registry.live()) kinds.set(w.backend, (kinds.get(w.backend) ?? 0) + 1);
    return `cluster(${[...kinds].map(([k, n]) => `${k}×${n}`).join(', ') || 'no workers'})`;
  }

  get paramCount(): number {
    return this.o.weights.length;
  }

  get paramsVersion(): number {
    return this.version;
  }

  /**
   * Serves the current buffer as weights version `version` (default: a new one). Versions count
   * publications, not Adam steps: a failed sharded step's recomputation, say, is published as a
   * new version even though Adam counts it once.
   */
  private async publishWeights(version = this.version + 1): Promise<void> {
    const flat = this.buffers[this.current];
    this.version = version;
    this.masterVersion = version;
    this.sum = checksum(flat);
    this.o.server.setWeights(this.version, flat);
    this.o.server.setMoments(this.version, this.o.optimizer.state);
  }

  private async liveWorkers(): Promise<WorkerInfo[]> {
    const { registry, workerWaitMs } = this.o;
    if (registry.size === 0) {
      this.o.io.err(`no live workers; waiting up to ${Math.round(workerWaitMs / 1000)} s for one to join`);
      await registry.waitFor(1, workerWaitMs, () => new TimeoutError(`no worker joined within ${Math.round(workerWaitMs / 1000)} s`));
    }
    return registry.live();
  }

  private request(w: WorkerInfo, subject: string, data: Uint8Array, seq: number, timeoutMs: number): Promise<Uint8Array> {
    const { nc, s, job, io, hooks } = this.o;
    return requestWorker({ nc, s, job: job.job, io, ...(hooks.onBytes ? { onBytes: hooks.onBytes } : {}) }, { worker: w, subject, data, seq, timeoutMs });
  }

  private lose(w: WorkerInfo, why: string): void {
    if (!this.o.registry.has(w.rank, w.id)) return;
    this.o.registry.leave(w.rank);
    this.o.cutter.forget(w.id);
    this.o.hooks.onWorkerLost(w, why);
    // If it is alive after all (a partition), it rejoins with a fresh replica.
    this.o.nc.publish(this.o.s.control, encode(pb.Control, { job: this.o.job.job, kind: pb.Control.Kind.EVICT, reason: why, workerId: w.id }));
  }

  /**
   * Sends one shard to `w` and returns its validated result; the gradient stays on the worker.
   * With `reduce`, the worker all-reduces it with the ranks listed and answers with its new weights.
   */
  private async commandStep(w: WorkerInfo, indices: number[], epoch: number, dropoutSeed: number, reduce?: { ranks: number[]; exchange: number }): Promise<pb.StepResult> {
    const { job, s } = this.o;
    const seq = ++this.seq;
    const cmd = encode(pb.StepCommand, {
      job: job.job, step: seq, epoch, paramsVersion: this.version, paramsChecksum: this.sum, indices, dropoutSeed, rank: w.rank,
      reduceRanks: reduce?.ranks ?? [], exchange: reduce?.exchange ?? 0, adamStep: this.o.optimizer.step,
    });
    this.o.hooks.onBytes?.('out', cmd.length);
    const bytes = await this.request(w, s.step(w.rank), cmd, seq, this.o.stepTimeoutMs);
    const r = this.checked(() => decode(pb.StepResult, bytes, 'StepResult'));
    if (r.error) throw workerError(w, r);
    this.check([
      [r.step === seq && r.rank === w.rank && r.job === job.job, 'stale', `result for step ${r.step} rank ${r.rank}, expected ${seq} rank ${w.rank}`, `rank ${w.rank} answered for another step`],
      [r.total === this.paramCount, 'wrong-length', `rank ${w.rank} gradient has ${r.total} values, expected ${this.paramCount}`, `rank ${w.rank} sent a gradient of the wrong length`],
    ]);
    return r;
  }

  /**
   * The result checks, as one table: each row is (holds, reason, what is logged and counted, what
   * the thrown ProtocolError says). The first row that does not hold is counted and thrown.
   */
  private check(rows: [holds: boolean, reason: RejectReason, detail: string, message: string][]): void {
    for (const [holds, reason, detail, message] of rows) {
      if (holds) continue;
      this.o.hooks.onReject(reason, detail);
      throw new ProtocolError(reason, message);
    }
  }

  /** Runs `f`; a ProtocolError it throws (a decode, a finiteness check) is counted under its reason first. */
  private checked<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof ProtocolError) this.o.hooks.onReject(e.reason, e.message);
      throw e;
    }
  }

  /** commandStep, then pulls the whole gradient here (the star exchange). */
  private async gradientOf(w: WorkerInfo, indices: number[], epoch: number, dropoutSeed: number): Promise<{ c: Contribution; r: pb.StepResult }> {
    const { job, s } = this.o;
    const r = await this.commandStep(w, indices, epoch, dropoutSeed);
    const seq = r.step;
    let pulled = 0;
    const gradient = await pullTensor({
      nc: this.o.nc,
      subject: s.grad(w.rank),
      job: job.job,
      version: seq,
      rank: w.rank,
      total: this.paramCount,
      codec: job.gradientCodec,
      chunkBytes: job.chunkBytes,
      onReject: this.o.hooks.onReject,
      onBytes: (b) => {
        pulled += b;
        this.o.hooks.onBytes?.('in', b);
      },
    }).catch((e: unknown) => {
      throw e instanceof TimeoutError ? new WorkerLost(w, e.message) : e;
    });
    this.check([[job.gradientCodec !== pb.Codec.FP32 || checksum(gradient) === r.checksum, 'checksum', `rank ${w.rank} gradient checksum mismatch`, `rank ${w.rank} gradient arrived corrupted`]]);
    this.checked(() => assertFinite(gradient, `gradient from rank ${w.rank}`));
    this.o.hooks.onWorkerStep?.({ rank: w.rank, count: r.count, computeSeconds: r.computeSeconds, bytes: pulled });
    return { c: { rank: w.rank, count: r.count, gradient }, r };
  }

  async trainEpoch(epoch: number, order: number[], onStep: (s: StepStats) => void | Promise<void>): Promise<void> {
    for (let start = 0; start < order.length; start += this.o.batchSize) {
      await onStep(await this.step(epoch, order.slice(start, start + this.o.batchSize)));
    }
  }

  /** Runs `count` steps over the first batch of the train split, outside any epoch: `bench exchange`. */
  async runSteps(count: number): Promise<StepStats[]> {
    const batch = Array.from({ length: Math.min(this.o.batchSize, this.o.job.trainCount) }, (_, i) => i);
    const out: StepStats[] = [];
    for (let i = 0; i < count; i++) out.push(await this.step(1, batch));
    return out;
  }

  /**
   * This step's workers and their shards, in rank order: the journal's cut when a resumed run
   * redoes a step the original had cut (and enough workers are live), else the cutter's. The cut
   * is journaled before any command goes out.
   */
  private async cutStep(live: readonly WorkerInfo[], global: number[]): Promise<{ workers: WorkerInfo[]; shards: number[][] }> {
    const step = this.o.optimizer.step + 1;
    let sizes = this.o.journal?.cutFor(step);
    if (sizes && (sizes.length > live.length || sizes.reduce((a, x) => a + x, 0) !== global.length)) {
      if (!this.replayWarned) {
        this.replayWarned = true;
        this.o.io.err(`resume: the original run cut step ${step} into ${sizes.length} shard(s) and ${live.length} worker(s) are live; cutting afresh from here, so the weights will not be bit-identical to the original run's`);
      }
      sizes = undefined;
    }
    const workers = live.slice(0, sizes?.length ?? Math.min(live.length, global.length));
    sizes ??= this.o.cutter.cut(workers, global.length);
    await this.o.journal?.record(step, sizes);
    this.o.hooks.onPlan?.(sharesOf(workers, sizes, (id, images) => this.o.cutter.rateOf(id, images)));
    return { workers, shards: cutBySizes(global, sizes) };
  }

  /** One synchronous step over `global` (indices into the train split). */
  async step(epoch: number, global: number[]): Promise<StepStats> {
    const dropoutSeed = this.o.rng.nextU32();
    if (this.o.job.shardedExchange) {
      const t0 = performance.now();
      try {
        return await this.shardedStep(epoch, global, dropoutSeed, t0);
      } catch (e) {
        if (e instanceof OutOfMemoryError || e instanceof InterruptedError) throw e;
        // Nothing was committed: recompute the step through the star path, which drops and
        // evicts a faulty worker exactly as before, from the version every survivor still holds.
        this.o.io.err(`coordinator: sharded exchange of a step failed (${(e as Error).message}); recomputing it through the coordinator`);
        await this.refreshMaster();
      }
    }
    return this.starStep(epoch, global, dropoutSeed);
  }

  /**
   * The sharded exchange (docs/cluster.md): every live worker computes one shard, then the step's
   * ranks all-reduce their gradients among themselves (rank i reduces slice i and fans it out) and
   * each applies Adam to its whole replica. The coordinator moves no tensor: it checks that every
   * replica reports the same new weights and counts the version. Any failure throws before the
   * version moves, and every replica still holds the one before.
   */
  private async shardedStep(epoch: number, global: number[], dropoutSeed: number, t0: number): Promise<StepStats> {
    const live = [...(await this.liveWorkers())].sort((a, b) => a.rank - b.rank);
    const { workers, shards } = await this.cutStep(live, global);
    this.maxWorkers = Math.max(this.maxWorkers, workers.length);
    // A replica without the current version (a new worker) pulls it from here: hold it first.
    if (workers.some((w) => !this.holders.has(w.id))) await this.refreshMaster();
    const exchange = ++this.seq;
    const ranks = workers.map((w) => w.rank);
    let aborted = false;
    const settled = await Promise.allSettled(
      shards.map((sh, i) =>
        this.commandStep(workers[i]!, sh, epoch, dropoutSeed, { ranks, exchange }).catch((e: unknown) => {
          // The other ranks wait for this one's parts: tell them to stop now.
          if (!aborted) this.o.nc.publish(this.o.s.control, encode(pb.Control, { job: this.o.job.job, kind: pb.Control.Kind.ABORT, reason: (e as Error).message, exchange }));
          aborted = true;
          throw e;
        }),
      ),
    );
    const errors = settled.flatMap((x) => (x.status === 'rejected' ? [x.reason as Error] : []));
    for (const e of errors) if (e instanceof WorkerLost) this.lose(e.worker, e.message);
    if (errors.length > 0) throw errors.find((e) => e instanceof OutOfMemoryError) ?? errors.find((e) => !(e instanceof WorkerLost)) ?? errors[0]!;
    const results = settled.map((x) => (x as PromiseFulfilledResult<pb.StepResult>).value);
    const sums = new Set(results.map((r) => r.weightsChecksum));
    this.check([[sums.size === 1, 'checksum', `replicas disagree on weights v${this.version + 1}: ${results.map((r) => `rank ${r.rank} ${r.weightsChecksum}`).join(', ')}`, 'the replicas computed different weights']]);
    results.forEach((r, i) => this.o.cutter.observe(workers[i]!, r.count, r.computeSeconds));
    this.o.cutter.review?.(workers, global.length);
    results.forEach((r) => this.o.hooks.onWorkerStep?.({ rank: r.rank, count: r.count, computeSeconds: r.computeSeconds, bytes: 0, repairs: r.repairs }));
    const total = results.reduce((a, r) => a + r.count, 0);
    this.version += 1;
    this.sum = results[0]!.weightsChecksum;
    this.o.optimizer.commit();
    this.holders = new Set(workers.map((w) => w.id));
    this.o.hooks.onStepResults?.(results);
    this.skippedImages += results.reduce((a, r) => a + r.skipped, 0);
    const computeSeconds = Math.max(0, ...results.map((r) => r.computeSeconds));
    const wall = (performance.now() - t0) / 1000;
    return {
      loss: results.reduce((a, r) => a + r.loss * r.count, 0) / total,
      correct: results.reduce((a, r) => a + r.correct, 0),
      count: total,
      computeSeconds,
      // Everything but the slowest shard's compute: the command round trip, the all-reduce, Adam.
      exchangeSeconds: Math.max(0, wall - computeSeconds),
      shards: shards.map((sh) => sh.length),
    };
  }

  /**
   * Makes the master hold `version` again after sharded steps: takes the [weights | m | v] of a
   * replica that holds it, checks the weights against the checksum every replica reported, and
   * serves them. With no such replica left, the steps since the last checkpoint are gone, and the
   * run stops rather than continue from older weights.
   */
  private async refreshMaster(): Promise<void> {
    if (this.masterVersion === this.version) return;
    const { job, s } = this.o;
    const P = this.paramCount;
    const holders = this.o.registry.live().filter((w) => this.holders.has(w.id));
    for (const w of holders) {
      try {
        const state = await pullTensor({
          nc: this.o.nc, subject: s.state(w.rank), job: job.job, version: this.version, rank: w.rank, total: 3 * P, codec: pb.Codec.FP32,
          chunkBytes: job.chunkBytes, onReject: this.o.hooks.onReject, onBytes: (b) => this.o.hooks.onBytes?.('in', b),
        });
        const weights = state.subarray(0, P);
        if (checksum(weights) !== this.sum) {
          this.o.hooks.onReject('checksum', `rank ${w.rank}'s state of v${this.version} fails the replicas' checksum`);
          continue;
        }
        const next = 1 - this.current;
        this.buffers[next].set(weights);
        this.current = next;
        this.o.optimizer.state.set(state.subarray(P));
        await this.publishWeights(this.version);
        return;
      } catch (e) {
        this.o.io.err(`coordinator: could not take the state of v${this.version} from rank ${w.rank} (${(e as Error).message})`);
      }
    }
    throw new InterruptedError(`every replica that held weights v${this.version} is gone; the run stops at its last checkpoint (resume it with --resume)`);
  }

  /** The star exchange: the coordinator pulls every gradient, reduces, applies Adam and serves the weights. */
  private async starStep(epoch: number, global: number[], dropoutSeed: number): Promise<StepStats> {
    const t0 = performance.now();
    const results: { c: Contribution; r: pb.StepResult; position: number }[] = [];
    const attempts = new Map<number[], number>();
    const badResults = new Map<number[], number>();
    let queue: number[][] = [];
    let stepShards: number[][] = [];
    let stepWorkers: WorkerInfo[] = [];
    let first = true;
    while (first || queue.length > 0) {
      const live = await this.liveWorkers();
      if (first) {
        ({ shards: stepShards, workers: stepWorkers } = await this.cutStep(live, global));
        queue = [...stepShards];
        first = false;
      }
      // Each worker runs its shards one after another: it holds one step's gradients at a time.
      const perWorker = new Map<WorkerInfo, number[][]>();
      queue.forEach((sh, i) => {
        const w = live[i % live.length]!;
        perWorker.set(w, [...(perWorker.get(w) ?? []), sh]);
      });
      queue = [];
      this.maxWorkers = Math.max(this.maxWorkers, perWorker.size);
      await Promise.all(
        [...perWorker].map(async ([w, shards]) => {
          for (const sh of shards) {
            try {
              const got = await this.gradientOf(w, sh, epoch, dropoutSeed);
              this.o.cutter.observe(w, got.r.count, got.r.computeSeconds);
              results.push({ ...got, position: stepShards.indexOf(sh) });
            } catch (e) {
              const failure = classifyShardFailure(e, (x) => x instanceof WorkerLost);
              const d = decideShardFailure(failure, attempts.get(sh) ?? 0, badResults.get(sh) ?? 0);
              attempts.set(sh, (attempts.get(sh) ?? 0) + 1);
              if (failure.kind === 'protocol' && MISBEHAVIOUR.has(failure.error.reason)) badResults.set(sh, (badResults.get(sh) ?? 0) + 1);
              if (d.action === 'stop') throw d.error;
              if (d.action === 'drop-worker-and-retry') this.lose(e instanceof WorkerLost ? e.worker : w, d.why);
              else this.o.io.err(`step: shard of ${sh.length} on rank ${w.rank} failed (${d.why}); retrying`);
              queue.push(sh);
              // This worker is out of the step; its remaining shards move on with the queue.
              if (!this.o.registry.has(w.rank, w.id)) {
                queue.push(...shards.slice(shards.indexOf(sh) + 1));
                return;
              }
            }
          }
        }),
      );
    }

    // Shard order, not arrival order: sums (gradient and loss) come out the same whoever computed what.
    results.sort((a, b) => a.position - b.position);
    this.o.cutter.review?.(stepWorkers.filter((w) => this.o.registry.has(w.rank, w.id)), global.length);
    this.skippedImages += results.reduce((a, x) => a + x.r.skipped, 0);
    const computeSeconds = Math.max(0, ...results.map((x) => x.r.computeSeconds));
    const count = results.reduce((a, x) => a + x.r.count, 0);
    const tApply = performance.now();
    if (count > 0) {
      const mean = reduceMean(results.map((x) => x.c), this.paramCount, this.mean);
      assertFinite(mean, 'reduced gradient');
      const next = 1 - this.current;
      this.o.optimizer.apply(this.buffers[this.current], mean, this.buffers[next]);
      this.current = next;
      await this.publishWeights();
      // A version only this process holds: sharded replicas pull it from here.
      this.holders.clear();
    }
    this.o.hooks.onStepResults?.(results.map((x) => x.r));
    const applySeconds = (performance.now() - tApply) / 1000;
    const wall = (performance.now() - t0) / 1000;
    const loss = count > 0 ? results.reduce((a, x) => a + x.r.loss * x.r.count, 0) / count : 0;
    return {
      loss,
      correct: results.reduce((a, x) => a + x.r.correct, 0),
      count,
      computeSeconds,
      exchangeSeconds: Math.max(0, wall - computeSeconds - applySeconds),
      shards: stepShards.map((sh) => sh.length),
    };
  }

  async evaluate(split: SplitName, fpsBatches: number, onBatch: (done: number) => void): Promise<EvalStats> {
    // Replicas that hold the version evaluate it; one that does not pulls it from here.
    if (this.o.registry.live().some((w) => !this.holders.has(w.id))) await this.refreshMaster();
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
        const seq = ++this.seq;
        const cmd = encode(pb.EvalCommand, { job: this.o.job.job, paramsVersion: this.version, paramsChecksum: this.sum, split: splitOf(split), indices: piece.indices, batchSize: this.o.batchSize, fpsBatches: piece.k < fpsBatches ? 1 : 0, seq });
        try {
          const r = decode(pb.EvalResult, await this.request(w, this.o.s.eval(w.rank), cmd, seq, this.o.stepTimeoutMs), 'EvalResult');
          if (r.error) throw workerError(w, r);
          if (r.labels.length !== r.count || r.predictions.length !== r.count) throw new ProtocolError('wrong-length', `rank ${w.rank} eval result lists ${r.labels.length} labels for ${r.count} samples`);
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
  async snapshot(): Promise<EngineSnapshot> {
    // The master at the current version: after sharded steps the replicas hold it.
    await this.refreshMaster();
    const copy = (a: Float32Array[]) => a.map((x) => x.slice());
    const st = this.o.optimizer.exportState(this.o.sizes);
    return { weights: copy(unflatten(this.buffers[this.current], this.o.sizes)), optimizer: { step: st.step, m: copy(st.m), v: copy(st.v) } };
  }

  async close(): Promise<void> {
    // Nothing to free: plain arrays, and no transfer of this engine's outlives its step.
  }
}
