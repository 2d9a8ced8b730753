// The cluster's TrainEngine: one synchronous step = split the global batch across live workers,
// collect each worker's gradient of its mean loss, reduce to the exact global mean, apply Adam
// once to the master weights, and publish them as the next version. A worker that dies mid-step
// loses its shard to the survivors; the step's result is the same mean either way.
import type { NatsConnection } from 'nats';
import { OutOfMemoryError, ProtocolError, TimeoutError, type RejectReason } from '../common/errors.js';
import type { Io } from '../common/io.js';
import type { Rng } from '../common/rng.js';
import { emptyConfusion, tally, type EngineSnapshot, type EvalStats, type SplitName, type StepStats, type TrainEngine } from '../common/train/engine.js';
import type { FlatAdam } from '../common/train/flat-adam.js';
import { planChunks, pullTensor } from '../common/wire/chunks.js';
import { codecFor } from '../common/wire/codec.js';
import { checksum, unflatten } from '../common/wire/flat.js';
import { decode, encode, pb, splitOf } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { assertFinite, reduceMean, type Contribution } from './reducer.js';
import { requestWorker, WorkerLost } from './liveness.js';
import { classifyShardFailure, decideShardFailure, MAX_SHARD_ATTEMPTS, MISBEHAVIOUR } from './retry-policy.js';
import type { Registry, WorkerInfo } from './registry.js';
import type { CoordinatorServer } from './server.js';

/** Reduced slices the mirror pulls at once (see mirrorStep: the server's per-client buffer bounds it). */
const MIRROR_PULLS = 2;

export interface WorkerStepStats {
  rank: number;
  count: number;
  computeSeconds: number;
  bytes: number;
}

export interface ClusterEngineHooks {
  onReject: (reason: RejectReason, detail: string) => void;
  onWorkerLost: (w: WorkerInfo, why: string) => void;
  onWorkerStep?: (s: WorkerStepStats) => void;
  onBytes?: (direction: 'in' | 'out', bytes: number) => void;
  /** After a step is applied and its weights published: every shard's result (bench exchange reads their timings). */
  onStepResults?: (results: pb.StepResult[]) => void;
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
  hooks: ClusterEngineHooks;
}

/** A worker's refusal: out of memory stops the run with the worker's own line; anything else is retried. */
function workerError(w: WorkerInfo, r: { error: string; errorKind: pb.ErrorKind }): Error {
  if (r.errorKind === pb.ErrorKind.OUT_OF_MEMORY) return new OutOfMemoryError(r.error);
  return new ProtocolError('worker-error', `rank ${w.rank}: ${r.error}`);
}

/** Splits `items` into `n` contiguous shards whose sizes differ by at most one. */
export function shard<T>(items: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  const base = Math.floor(items.length / n);
  const extra = items.length % n;
  let off = 0;
  for (let i = 0; i < n; i++) {
    const len = base + (i < extra ? 1 : 0);
    out.push(items.slice(off, off + len));
    off += len;
  }
  return out;
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
  /** Where the slices of the current weights version live (sharded exchange); empty: pull them from here. */
  private slices: { rank: number; start: number; end: number; checksum: number }[] = [];
  /** The running mirror of the last sharded step (settleMirror observes it), the step it carries, and whether it applied it. */
  private mirror?: Promise<void>;
  private mirrorOf?: { epoch: number; global: number[]; dropoutSeed: number };
  private mirrorApplied = false;
  private seq = 0;
  /** Largest number of workers that took part in one step. */
  maxWorkers = 0;
  /** Images the workers could not decode, over every applied step and evaluation (the report's skippedImages). */
  skippedImages = 0;

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
   * publications, not Adam steps: a sharded step's owners name version v+1 before the mirror
   * confirms it, and a mirror that disagrees publishes its own result as a newer version.
   */
  private async publishWeights(version = this.version + 1): Promise<void> {
    const flat = this.buffers[this.current];
    this.version = version;
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
    this.o.hooks.onWorkerLost(w, why);
    // If it is alive after all (a partition), it rejoins with a fresh replica.
    this.o.nc.publish(this.o.s.control, encode(pb.Control, { job: this.o.job.job, kind: pb.Control.Kind.EVICT, reason: why, workerId: w.id }));
  }

  /** Sends one shard to `w` and returns its validated result; the gradient stays on the worker. */
  private async commandStep(w: WorkerInfo, indices: number[], epoch: number, dropoutSeed: number): Promise<pb.StepResult> {
    const { job, s } = this.o;
    const seq = ++this.seq;
    const cmd = encode(pb.StepCommand, { job: job.job, step: seq, epoch, paramsVersion: this.version, paramsChecksum: this.sum, indices, dropoutSeed, rank: w.rank, slices: this.slices });
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
    await this.settleSharded();
    return out;
  }

  /** One synchronous step over `global` (indices into the train split). */
  async step(epoch: number, global: number[]): Promise<StepStats> {
    const dropoutSeed = this.o.rng.nextU32();
    if (this.o.job.shardedExchange) {
      const t0 = performance.now();
      try {
        return await this.shardedStep(epoch, global, dropoutSeed, t0);
      } catch (e) {
        if (e instanceof OutOfMemoryError) throw e;
        // Nothing was applied: recompute the step through the star path, which drops and
        // evicts a faulty worker exactly as before, and have every replica pull the whole result.
        if (e instanceof WorkerLost) this.lose(e.worker, e.message);
        this.o.io.err(`coordinator: sharded exchange of a step failed (${(e as Error).message}); recomputing it through the coordinator`);
        this.slices = [];
        // A mirror still running (the failure came before its verdict) must land before the star step reads the master.
        await this.settleMirror().catch(() => {});
        // Replicas may hold the owners' copy of this version: a new version makes them pull the master's.
        await this.publishWeights();
      }
    }
    return this.starStep(epoch, global, dropoutSeed);
  }

  /**
   * The sharded exchange (docs/cluster.md): every live worker computes one shard and keeps its
   * gradient; each owns one chunk-aligned slice of the vector, pulls that slice from its peers,
   * reduces it and applies Adam to it; the coordinator pulls the reduced slices, applies the same
   * Adam to its mirror, checks every owner's new weights by checksum and only then commits. Any
   * failure throws before the mirror changes.
   */
  private async shardedStep(epoch: number, global: number[], dropoutSeed: number, t0: number): Promise<StepStats> {
    const { job, s } = this.o;
    const live = [...(await this.liveWorkers())].sort((a, b) => a.rank - b.rank);
    const shards = shard(global, Math.min(live.length, global.length)).filter((x) => x.length > 0);
    const workers = live.slice(0, shards.length);
    this.maxWorkers = Math.max(this.maxWorkers, workers.length);
    const results = await Promise.all(shards.map((sh, i) => this.commandStep(workers[i]!, sh, epoch, dropoutSeed)));
    results.forEach((r) => this.o.hooks.onWorkerStep?.({ rank: r.rank, count: r.count, computeSeconds: r.computeSeconds, bytes: 0 }));
    // The previous step's mirror ran while these shards computed; its verdict is needed now.
    await this.settleMirror();
    const total = results.reduce((a, r) => a + r.count, 0);
    const computeSeconds = Math.max(0, ...results.map((r) => r.computeSeconds));
    if (total === 0) throw new ProtocolError('refused', 'no image of the step decoded');
    const plan = planChunks(this.paramCount, codecFor(job.gradientCodec), job.chunkBytes);
    const per = Math.ceil(plan.count / workers.length);
    const slices = workers
      .map((w, i) => ({ w, start: Math.min(this.paramCount, i * per * plan.perChunk), end: Math.min(this.paramCount, (i + 1) * per * plan.perChunk) }))
      .filter((x) => x.end > x.start);
    const peers = results.map((r) => ({ rank: r.rank, gradVersion: r.step, count: r.count }));
    const version = this.version;
    const adamStep = this.o.optimizer.step;
    const reduced = await Promise.all(
      slices.map(async (sl) => {
        const seq = ++this.seq;
        const cmd = encode(pb.ReduceCommand, { job: job.job, seq, start: sl.start, end: sl.end, version, peers, total, adamStep });
        this.o.hooks.onBytes?.('out', cmd.length);
        const rr = decode(pb.ReduceResult, await this.request(sl.w, s.reduce(sl.w.rank), cmd, seq, this.o.stepTimeoutMs), 'ReduceResult');
        if (rr.error) throw new ProtocolError(rr.badPeer > 0 ? 'non-finite' : 'worker-error', `rank ${sl.w.rank} could not reduce its slice: ${rr.error}`);
        if (rr.seq !== seq || rr.rank !== sl.w.rank) throw new ProtocolError('stale', `rank ${sl.w.rank} answered reduce ${rr.seq} for ${seq}`);
        return { ...sl, gradChecksum: rr.gradChecksum, weightsChecksum: rr.weightsChecksum };
      }),
    );
    // The owners hold version + 1 now; replicas may pull it from them at once (each slice checked
    // against its owner's checksum) while the mirror confirms it off the critical path.
    this.version = version + 1;
    this.slices = reduced.map((sl) => ({ rank: sl.w.rank, start: sl.start, end: sl.end, checksum: sl.weightsChecksum }));
    this.mirrorOf = { epoch, global, dropoutSeed };
    this.mirror = this.mirrorStep(reduced, version + 1);
    this.mirror.catch(() => {}); // observed by settleMirror
    this.o.hooks.onStepResults?.(results);
    this.skippedImages += results.reduce((a, r) => a + r.skipped, 0);
    const wall = (performance.now() - t0) / 1000;
    return {
      loss: results.reduce((a, r) => a + r.loss * r.count, 0) / total,
      correct: results.reduce((a, r) => a + r.correct, 0),
      count: total,
      computeSeconds,
      // Everything but the slowest shard's compute: command round trips, slices, Adam at the owners.
      exchangeSeconds: Math.max(0, wall - computeSeconds),
    };
  }

  /**
   * The coordinator's copy of a sharded step: pulls every reduced slice, checks it, applies the same
   * JS Adam to the master and compares each owner's new slice with its own. The master is the truth:
   * on any disagreement it is published as a newer version and replicas pull it from here.
   */
  private async mirrorStep(reduced: { w: WorkerInfo; start: number; end: number; gradChecksum: number; weightsChecksum: number }[], version: number): Promise<void> {
    const { job, s } = this.o;
    this.mirrorApplied = false;
    // Two slices at a time: each pull keeps 4 chunks in flight, and the server queues what this
    // client has not read yet (max_pending, 256 MB in deploy/nats/nats.conf) or cuts it off.
    let nextSlice = 0;
    const pullOne = async (sl: (typeof reduced)[number]): Promise<void> => {
        const got = this.mean.subarray(sl.start, sl.end);
        await pullTensor({
          nc: this.o.nc, subject: s.rgrad(sl.w.rank), job: job.job, version, rank: sl.w.rank, total: sl.end - sl.start,
          codec: pb.Codec.FP32, chunkBytes: job.chunkBytes, into: got, onReject: this.o.hooks.onReject, onBytes: (b) => this.o.hooks.onBytes?.('in', b),
        }).catch((e: unknown) => {
          throw e instanceof TimeoutError ? new WorkerLost(sl.w, e.message) : e;
        });
        this.check([[checksum(got) === sl.gradChecksum, 'checksum', `rank ${sl.w.rank} reduced slice checksum mismatch`, `rank ${sl.w.rank}'s reduced slice arrived corrupted`]]);
        assertFinite(got, `reduced slice of rank ${sl.w.rank}`);
    };
    await Promise.all(
      Array.from({ length: Math.min(MIRROR_PULLS, reduced.length) }, async () => {
        while (nextSlice < reduced.length) await pullOne(reduced[nextSlice++]!);
      }),
    );
    const next = 1 - this.current;
    const cur = this.buffers[this.current];
    const out = this.buffers[next];
    for (const sl of reduced) this.o.optimizer.applySlice(cur, this.mean, out, sl.start, sl.end);
    this.o.optimizer.commit();
    this.current = next;
    this.mirrorApplied = true;
    const wrong = reduced.filter((sl) => checksum(out.subarray(sl.start, sl.end)) !== sl.weightsChecksum);
    if (wrong.length === 0) {
      await this.publishWeights(version);
      return;
    }
    for (const sl of wrong) {
      this.o.hooks.onReject('checksum', `rank ${sl.w.rank}'s updated slice differs from the coordinator's`);
      this.lose(sl.w, "its updated weights slice differs from the coordinator's");
    }
    this.slices = [];
    await this.publishWeights(version + 1);
    throw new ProtocolError('checksum', `slice owner(s) ${wrong.map((x) => x.w.rank).join(', ')} computed other weights than the coordinator; republished the coordinator's as v${this.version}`);
  }

  /**
   * Waits for the last sharded step's mirror; a failed mirror fails the step that waits (it is
   * recomputed). A mirror that failed before it applied its step (an owner died before its
   * reduced slice was pulled) would lose that step from the master: it is recomputed here first,
   * through the star path, from the master's weights.
   */
  private async settleMirror(recover = true): Promise<void> {
    const m = this.mirror;
    const of = this.mirrorOf;
    this.mirror = undefined;
    this.mirrorOf = undefined;
    if (!m) return;
    try {
      await m;
    } catch (e) {
      if (recover && !this.mirrorApplied && of) {
        this.o.io.err(`coordinator: the mirror of a sharded step failed before applying it (${(e as Error).message}); recomputing that step through the coordinator`);
        if (e instanceof WorkerLost) this.lose(e.worker, e.message);
        this.slices = [];
        await this.publishWeights();
        await this.starStep(of.epoch, of.global, of.dropoutSeed, true);
      }
      throw e;
    }
  }

  /** The star exchange: the coordinator pulls every gradient, reduces, applies Adam and serves the weights. */
  /** `recount`: the step was applied once already (a failed mirror's recomputation); its skips are counted. */
  private async starStep(epoch: number, global: number[], dropoutSeed: number, recount = false): Promise<StepStats> {
    const t0 = performance.now();
    const results: { c: Contribution; r: pb.StepResult; position: number }[] = [];
    const attempts = new Map<number[], number>();
    const badResults = new Map<number[], number>();
    let queue: number[][] = [];
    let stepShards: number[][] = [];
    let first = true;
    while (first || queue.length > 0) {
      const live = await this.liveWorkers();
      if (first) {
        stepShards = shard(global, Math.min(live.length, global.length)).filter((x) => x.length > 0);
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
              results.push({ ...(await this.gradientOf(w, sh, epoch, dropoutSeed)), position: stepShards.indexOf(sh) });
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
    if (!recount) this.skippedImages += results.reduce((a, x) => a + x.r.skipped, 0);
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
    };
  }

  async evaluate(split: SplitName, fpsBatches: number, onBatch: (done: number) => void): Promise<EvalStats> {
    await this.settleSharded();
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

  /** The master after the last sharded step's mirror; a failed mirror has already republished the master. */
  private async settleSharded(): Promise<void> {
    await this.settleMirror().catch((e: unknown) => this.o.io.err(`coordinator: ${(e as Error).message}`));
    // Evaluation and checkpoints read the master: replicas must pull it, not the owners' slices.
    if (this.slices.length > 0) {
      this.slices = [];
    }
  }

  /** Copies: the checkpoint is written while the next steps may already update the buffers. */
  async snapshot(): Promise<EngineSnapshot> {
    await this.settleSharded();
    const copy = (a: Float32Array[]) => a.map((x) => x.slice());
    const st = this.o.optimizer.exportState(this.o.sizes);
    return { weights: copy(unflatten(this.buffers[this.current], this.o.sizes)), optimizer: { step: st.step, m: copy(st.m), v: copy(st.v) } };
  }

  async close(): Promise<void> {
    // Nothing to free (plain arrays); only a mirror still pulling must end first.
    await this.settleMirror(false).catch(() => {});
  }
}
