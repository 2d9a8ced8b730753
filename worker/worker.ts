// A worker: joins a job, keeps a model replica in step with the coordinator's master weights,
// and answers step (gradients), eval, chunk and ping requests. Work is serialised through one
// queue so a step and an eval never interleave on the replica.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { NatsConnection, Subscription } from 'nats';
import { SkipLog, loadBatches, DEFAULT_DECODE_CONCURRENCY, type LoaderOptions, type Batch } from '../common/data/loader.js';
import type { Sample } from '../common/data/dataset.js';
import { OutOfMemoryError, ProtocolError, TimeoutError, isSyncgradError, type RejectReason } from '../common/errors.js';
import { connectNats } from '../common/wire/connect.js';
import { within } from '../common/deadline.js';
import type { Io } from '../common/io.js';
import { Cnn, initialWeights } from '../common/model/cnn.js';
import type { ModelConfig } from '../common/model/spec.js';
import { batchTensors } from '../common/train/local-engine.js';
import { computeGradients, evalBatch } from '../common/train/step.js';
import { microBatchFromWire, planMicroBatch, type MicroBatchPlan } from '../common/train/micro-batch.js';
import { withMemoryContext } from '../common/backend/memory.js';
import { ChunkSource, pullTensor } from '../common/wire/chunks.js';
import { CODECS, codecFor } from '../common/wire/codec.js';
import { checksum, flatten, unflatten } from '../common/wire/flat.js';
import { DataMode, decode, decodeOrReject, encode, pb, splitName } from '../common/wire/messages.js';
import { subjects, type Subjects } from '../common/wire/subjects.js';
import { fetchIndex, RemoteImages, withRoot, type SplitLists } from './data.js';
import { AllReduce, type ExchangeBuffers } from './allreduce.js';
import { FlatMemory } from '../common/kernels/flat-kernels.js';
import { ReplicaState } from './replica.js';
import { JOIN_RETRY_MS, type WorkerOptions } from './options.js';

/** The coordinator heartbeats every second; this much silence means it is gone (a GC pause or a checkpoint write is < 2 s). */
const COORDINATOR_SILENT_MS = 10_000;
/** A foreign coordinator's heartbeat wins once ours has been silent this long (two heartbeats missed). */
const FOREIGN_HEARTBEAT_MS = 2500;
const WATCHDOG_MS = 1000;
/** close(): a step in progress and the connection's drain each get this long; the sum stays under the 5 s docker/k8s expect. */
const CLOSE_STEP_MS = 1500;
const CLOSE_DRAIN_MS = 1500;

const VERSION = '0.1.0';

export interface WorkerEnd {
  reason: string;
  failed: boolean;
}

export interface WorkerHooks {
  /** Called for each message the worker refuses. */
  onReject?: (reason: RejectReason, detail: string) => void;
  /** Called after each computed shard. */
  onStep?: (s: { rank: number; count: number; computeSeconds: number; repairs: number }) => void;
  /** Sharded exchange: called once this worker has pushed its gradient's parts of an exchange. */
  onExchangePushed?: (exchange: number) => void;
}

export class Worker implements AsyncDisposable {
  readonly id: string;
  rank = -1;
  private nc!: NatsConnection;
  private ownsConnection = false;
  private s!: Subjects;
  private job!: pb.JobSpec;
  private get modelSpec(): pb.ModelSpec {
    return this.job.model as pb.ModelSpec;
  }
  private lists!: SplitLists;
  private model?: Cnn;
  /** Images per pass on this worker's backend, planned at join from the job's model and --micro-batch. */
  private plan!: MicroBatchPlan;
  private sizes: number[] = [];
  private version = -1;
  private gradSource?: ChunkSource;
  private lastResult?: { step: number; bytes: Uint8Array };
  private remote?: RemoteImages;
  private subs: Subscription[] = [];
  private controlSub?: Subscription;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** The coordinator process this worker joined (JoinReply), and when it last heard it. */
  private coordinatorId = '';
  private heardCoordinator = Date.now();
  private rejoining = false;
  private watchdog?: NodeJS.Timeout;
  private currentSeq = 0;
  private lastSeq = 0;
  /** Payload bytes received and sent over NATS (weights pulled, gradient chunks served). */
  private bytesIn = 0;
  private bytesOut = 0;
  /** The fixed gradient of a synthetic (bench exchange) job, made once. */
  private synthetic?: Float32Array;
  /** Star exchange: the replica's weights as one flat vector at `version`. */
  private flat?: Float32Array;
  /** Sharded exchange: the all-reduce, and the replica's weights and moments at two versions. */
  private allreduce?: AllReduce;
  private replica?: ReplicaState;
  private sharded?: { replica: ReplicaState; bufs: ExchangeBuffers; gradient: Float32Array };
  /** The (version, checksum) whose weights the model's tensors hold. */
  private modelHolds?: { version: number; checksum: number };
  /** The version the model must hold before it next computes (a sharded replica's; syncModel). */
  private modelWanted?: { version: number; checksum: number };
  private resolveDone!: (end: WorkerEnd) => void;
  /** Resolves when the job ends or the worker is closed: why, and whether it failed (the command's exit code). */
  readonly done: Promise<WorkerEnd>;
  private failed = false;

  private constructor(
    private readonly o: WorkerOptions,
    private readonly io: Io,
    private readonly backend: string,
    private readonly hooks: WorkerHooks,
  ) {
    this.id = o.name ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  /** Connects (or uses `nc`), joins the job and starts serving. The backend must already be initialised. */
  static async start(o: WorkerOptions, io: Io, backend: string, hooks: WorkerHooks = {}, nc?: NatsConnection): Promise<Worker> {
    const w = new Worker(o, io, backend, hooks);
    try {
      if (nc) w.nc = nc;
      else {
        w.nc = await connectNats(o.nats, `syncgrad-worker-${w.id}`);
        w.ownsConnection = true;
      }
      w.s = subjects(o.job);
      await w.join();
      w.listenControl();
    } catch (e) {
      await w.close();
      throw e;
    }
    return w;
  }

  /** Decodes a request, or counts and logs it as malformed and returns undefined (the caller answers with an error). */
  private decodeOrReject<T>(type: { decode(bytes: Uint8Array): T }, data: Uint8Array, what: string): T | undefined {
    return decodeOrReject(type, data, what, (r, d) => this.reject(r, d));
  }

  private reject(reason: RejectReason, detail: string): void {
    this.hooks.onReject?.(reason, detail);
    this.io.err(`worker ${this.rank}: rejected message (${reason}): ${detail}`);
  }

  /** Knocks on the coordinator until it answers, then loads the index and subscribes as `rank`. */
  private async join(): Promise<void> {
    const deadline = Date.now() + this.o.joinTimeoutMs;
    let reply: pb.JoinReply | undefined;
    while (!reply) {
      try {
        const msg = await this.nc.request(this.s.join, encode(pb.JoinRequest, { workerId: this.id, host: os.hostname(), pid: process.pid, backend: this.backend, version: VERSION, natsServer: this.nc.info?.server_id ?? '' }), { timeout: 5000 });
        reply = decode(pb.JoinReply, msg.data, 'JoinReply');
      } catch (e) {
        if (Date.now() > deadline) throw new TimeoutError(`no coordinator answered on ${this.s.join} within ${Math.round(this.o.joinTimeoutMs / 1000)} s`, { cause: e });
        await new Promise((r) => setTimeout(r, JOIN_RETRY_MS));
      }
    }
    if (!reply.accepted) throw new ProtocolError('refused', `coordinator refused to join: ${reply.reason}`);
    this.coordinatorId = reply.coordinatorId;
    this.heardCoordinator = Date.now();
    // Sequence numbers and versions are the coordinator's: a restarted one counts from 1 again, so
    // nothing answered to the old one may be replayed to it.
    this.lastResult = undefined;
    this.gradSource = undefined;
    this.lastSeq = 0;
    this.currentSeq = 0;
    // Decoded nested messages are full instances (defaults filled), not the loose $Properties type.
    this.job = reply.job as pb.JobSpec;
    this.rank = reply.rank;
    const lists = await fetchIndex(this.nc, this.s, this.job);
    await this.remote?.close();
    this.remote = undefined;
    if (this.job.dataMode === DataMode.OVER_NATS) {
      this.remote = new RemoteImages(this.nc, this.s.data, this.job.job, this.o.cacheRoot);
      this.lists = lists;
    } else {
      this.lists = withRoot(lists, this.o.dataRoot ?? this.job.dataRoot);
    }
    const m = this.modelSpec;
    const config: ModelConfig = { imageSize: m.imageSize, channels: m.channels as 1 | 3, classes: m.classes, dropout: m.dropout };
    if (!this.model) {
      // Placeholder weights: the first command makes the replica pull the master's.
      this.model = Cnn.fromWeights(config, initialWeights(config, 0));
      this.sizes = this.model.specs.map((s) => s.size);
    }
    this.flat = undefined;
    this.modelHolds = undefined;
    this.modelWanted = undefined;
    this.allreduce?.abort('the worker is rejoining');
    // The sharded exchange's vectors, in one wasm memory, made once for a parameter count:
    // [w | m | v] twice, the reduced gradient, a decoded part and this worker's gradient (9 P).
    const P = this.job.paramCount;
    if (this.job.shardedExchange && this.sharded?.replica.size !== P) {
      const mem = new FlatMemory(9 * P, this.job.chunkBytes);
      this.sharded = { replica: new ReplicaState(P, mem), bufs: { mem, reduced: mem.alloc(P), scratch: mem.alloc(P) }, gradient: mem.alloc(P) };
      this.synthetic = undefined;
    }
    this.replica = this.job.shardedExchange ? this.sharded!.replica : undefined;
    this.allreduce = this.job.shardedExchange
      ? new AllReduce({
          nc: this.nc,
          s: this.s,
          job: this.job,
          rank: () => this.rank,
          onReject: (r, d) => this.reject(r, d),
          onBytes: (d, b) => (d === 'in' ? (this.bytesIn += b) : (this.bytesOut += b)),
          ...(this.hooks.onExchangePushed ? { onPushed: this.hooks.onExchangePushed } : {}),
        }, this.sharded!.bufs)
      : undefined;
    // Versions are the coordinator's, and it may be another one now: nothing held counts.
    this.replica?.reset();
    // This worker's own --micro-batch wins over the job's: it knows its machine.
    this.plan = planMicroBatch(this.o.microBatch ?? microBatchFromWire(this.job.microBatch), this.backend, config, 'worker');
    this.version = -1;
    this.subscribe();
    // The server must know our subscriptions before the coordinator may send us work.
    await this.nc.flush();
    const ready = decode(pb.ReadyReply, (await this.nc.request(this.s.ready, encode(pb.ReadyRequest, { job: this.job.job, workerId: this.id, rank: this.rank }), { timeout: 10_000 })).data, 'ReadyReply');
    if (!ready.accepted) throw new ProtocolError('refused', `coordinator refused readiness: ${ready.reason}`);
    this.io.err(
      `worker ${this.id}: joined job ${this.job.job} as rank ${this.rank} (${this.backend}, ${this.job.dataMode === DataMode.OVER_NATS ? 'images over NATS' : `images from ${this.o.dataRoot ?? this.job.dataRoot}`}; ` +
        `micro-batch ${Number.isFinite(this.plan.train) ? this.plan.train : 'unlimited'}, ${this.plan.reason})`,
    );
  }

  private subscribe(): void {
    for (const sub of this.subs) sub.unsubscribe();
    const r = this.rank;
    this.subs = [
      this.nc.subscribe(this.s.step(r), { callback: (_e, m) => this.serial(() => this.onStep(m.data)).then((b) => m.respond(b)) }),
      this.nc.subscribe(this.s.eval(r), { callback: (_e, m) => this.serial(() => this.onEval(m.data)).then((b) => m.respond(b)) }),
      this.nc.subscribe(this.s.grad(r), {
        callback: (_e, m) => {
          const chunk = this.onGradChunk(m.data);
          this.bytesOut += chunk.length;
          m.respond(chunk);
        },
      }),
      // Not through the serial queue: peers push and repair while this worker computes or exchanges.
      this.nc.subscribe(this.s.rs(r), { callback: (_e, m) => this.allreduce?.onScatter(m.data) }),
      this.nc.subscribe(this.s.rgrad(r), { callback: (_e, m) => this.respondCounted(m, this.onReducedChunk(m.data)) }),
      this.nc.subscribe(this.s.state(r), { callback: (_e, m) => this.respondCounted(m, this.onStateChunk(m.data)) }),
      this.nc.subscribe(this.s.ping(r), { callback: (_e, m) => m.respond(encode(pb.Pong, { workerId: this.id, rank: this.rank, paramsVersion: Math.max(0, this.version), currentSeq: this.currentSeq, lastSeq: this.lastSeq })) }),
    ];
  }

  private listenControl(): void {
    // Kept apart from `subs` (a rejoin replaces those), and ended by close() like them.
    this.controlSub = this.nc.subscribe(this.s.control, {
      callback: (_e, m) => {
        const c = this.decodeOrReject(pb.Control, m.data, 'Control');
        if (!c) return;
        if (c.job !== this.o.job) return;
        if (c.kind === pb.Control.Kind.SHUTDOWN) {
          this.io.err(`worker ${this.rank}: job finished (${c.reason})`);
          void this.close(c.reason);
        } else if (c.kind === pb.Control.Kind.EVICT && c.workerId === this.id) {
          this.io.err(`worker ${this.rank}: evicted (${c.reason}); rejoining`);
          this.rejoin();
        } else if (c.kind === pb.Control.Kind.ABORT) {
          this.allreduce?.abort(c.reason, c.exchange);
        } else if (c.kind === pb.Control.Kind.HEARTBEAT) {
          if (c.coordinatorId === this.coordinatorId) this.heardCoordinator = Date.now();
          // Another coordinator while ours is silent: it was restarted (--resume, --max-restarts).
          else if (Date.now() - this.heardCoordinator > FOREIGN_HEARTBEAT_MS) {
            this.io.err(`worker ${this.rank}: the coordinator was restarted (${c.coordinatorId}); rejoining`);
            this.rejoin();
          }
        }
      },
    });
    // A coordinator that died says nothing: after this long without a heartbeat, knock until one
    // answers (up to --join-timeout), as a worker started before its coordinator does.
    let lastTick = Date.now();
    this.watchdog = setInterval(() => {
      const now = Date.now();
      const stalled = now - lastTick > 2 * WATCHDOG_MS;
      lastTick = now;
      // Silence counts only while idle: a step in progress (a wasm compute blocks this process for
      // up to a minute at 256²) holds back the heartbeats queued on the socket, and this timer
      // can run before they are read.
      if (stalled || this.currentSeq !== 0) this.heardCoordinator = now;
      if (this.closed || this.rejoining || now - this.heardCoordinator < COORDINATOR_SILENT_MS) return;
      this.io.err(`worker ${this.rank}: no heartbeat from the coordinator for ${COORDINATOR_SILENT_MS / 1000} s; knocking until one answers`);
      this.rejoin();
    }, WATCHDOG_MS);
    this.watchdog.unref();
  }

  private rejoin(): void {
    if (this.rejoining || this.closed) return;
    this.rejoining = true;
    void this.serial(() => this.join())
      .catch((e) => this.fail(e))
      .finally(() => (this.rejoining = false));
  }

  private fail(e: unknown): void {
    this.io.err(`worker ${this.rank}: ${e instanceof Error ? e.message : String(e)}`);
    this.failed = this.failed || !this.closed;
    void this.close(`failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Makes the replica hold exactly weights `version`, proven by checksum: it holds them already
   * (the sharded exchange made them here), or it pulls them from the coordinator. A sharded
   * replica pulls Adam's moments with them, so its next step's update is every other replica's.
   */
  private async ensureWeights(version: number, sum: number, adamStep: number, use: 'train' | 'eval'): Promise<void> {
    const rep = this.replica;
    // Evaluation needs only the weights: a sharded replica that lacks them does not take them into
    // its training state, whose moments would be missing.
    if (rep && use === 'eval' && !rep.holds(version, sum)) {
      if (this.modelHolds?.version === version && this.modelHolds.checksum === sum) return;
      this.model!.setWeights(unflatten(await this.pullWeights(version, sum, new Float32Array(this.job.paramCount)), this.sizes));
      this.modelHolds = { version, checksum: sum };
      this.modelWanted = this.modelHolds;
      return;
    }
    if (!rep) {
      if (this.version === version) return;
      const flat = await this.pullWeights(version, sum, new Float32Array(this.job.paramCount));
      this.model!.setWeights(unflatten(flat, this.sizes));
      this.flat = flat;
      this.version = version;
      return;
    }
    if (!rep.holds(version, sum)) {
      const to = rep.next();
      await this.pullWeights(version, sum, to.w);
      if (adamStep > 0) {
        const P = this.job.paramCount;
        const moments = await pullTensor({
          nc: this.nc, subject: this.s.adam, job: this.job.job, version, rank: this.rank, total: 2 * P, codec: pb.Codec.FP32,
          chunkBytes: this.job.chunkBytes, onReject: (r, d) => this.reject(r, d), onBytes: (b) => (this.bytesIn += b),
        });
        to.m.set(moments.subarray(0, P));
        to.v.set(moments.subarray(P));
      } else {
        to.m.fill(0);
        to.v.fill(0);
      }
      rep.commit({ version, checksum: sum, adamStep });
    }
    this.modelWanted = { version, checksum: sum };
    this.version = version;
  }

  /**
   * The tfjs model takes the replica's weights when it is about to compute with them, not when the
   * exchange makes them: a real step pays for the copy in its compute (64.6 MB at the seed's size:
   * 84 ms a step on wasm), and a synthetic-gradient step (bench exchange) never does.
   */
  private syncModel(): void {
    const want = this.modelWanted;
    if (!want || !this.replica || (this.modelHolds?.version === want.version && this.modelHolds.checksum === want.checksum)) return;
    if (!this.replica.holds(want.version, want.checksum)) throw new ProtocolError('refused', `the replica no longer holds weights ${want.version}`);
    this.model!.setWeights(unflatten(this.replica.state.w, this.sizes));
    this.modelHolds = want;
  }

  /** The coordinator's weights `version` into `into`, checked against `sum` (one retry on a mismatch). */
  private async pullWeights(version: number, sum: number, into: Float32Array): Promise<Float32Array> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const flat = await pullTensor({
        nc: this.nc,
        subject: this.s.weights,
        job: this.job.job,
        version,
        rank: this.rank,
        total: this.job.paramCount,
        codec: pb.Codec.FP32,
        chunkBytes: this.job.chunkBytes,
        into,
        onReject: (r, d) => this.reject(r, d),
        onBytes: (b) => (this.bytesIn += b),
      });
      if (checksum(flat) === sum) return flat;
      this.reject('checksum', `weights v${version} checksum ${checksum(flat)} != ${sum}; resyncing`);
    }
    throw new ProtocolError('checksum', `weights v${version} failed their checksum twice`);
  }

  private loader(batchSize: number): LoaderOptions {
    const m = this.modelSpec;
    const o: LoaderOptions = { imageSize: m.imageSize, channels: m.channels as 1 | 3, batchSize, prefetch: 1, concurrency: DEFAULT_DECODE_CONCURRENCY };
    if (this.remote) o.decode = this.remote.decode;
    return o;
  }

  private async onStep(data: Uint8Array): Promise<Uint8Array> {
    const cmd = this.decodeOrReject(pb.StepCommand, data, 'StepCommand');
    if (!cmd) return encode(pb.StepResult, { error: 'malformed StepCommand' });
    if (cmd.job !== this.job.job) {
      this.reject('unknown-job', `step for job ${cmd.job}`);
      return encode(pb.StepResult, { job: cmd.job, step: cmd.step, error: `unknown job ${cmd.job}` });
    }
    // A retried command for a step already computed gets the same answer, not a second computation.
    if (this.lastResult && this.lastResult.step === cmd.step) return this.lastResult.bytes;
    this.currentSeq = cmd.step;
    const skip = new SkipLog();
    // Decoding the shard (sharp, off the main thread) overlaps the weight pull: at the demo's
    // 32 px, 8 images take ~20 ms to decode, ~6% of a 2-worker step.
    const loading = this.job.syntheticGradients ? Promise.resolve(undefined) : this.loadOne(this.lists.train, cmd.indices, skip);
    loading.catch(() => {}); // observed below; this only keeps an early failure from being unhandled
    try {
      await this.ensureWeights(cmd.paramsVersion, cmd.paramsChecksum, cmd.adamStep, 'train');
      const weightsHeldMs = wallMs();
      const t0 = performance.now();
      const batch = await loading;
      const codec = codecFor(this.job.gradientCodec);
      let flat: Float32Array;
      let loss = 0;
      let correct = 0;
      let count = 0;
      if (batch) {
        const m = this.modelSpec;
        this.syncModel();
        const tensors = batchTensors(batch, m.imageSize, m.channels);
        const microBatch = Math.min(batch.size, this.plan.train);
        let r: ReturnType<typeof computeGradients>;
        try {
          r = withMemoryContext({ who: `worker rank ${this.rank}`, imageSize: m.imageSize, batch: batch.size, microBatch, backend: this.backend }, () =>
            computeGradients(this.model!, tensors, { dropoutSeed: cmd.dropoutSeed, microBatch }),
          );
        } finally {
          tf.dispose([tensors.x, tensors.y]);
        }
        try {
          // Sharded: into the buffer the exchange's kernels read, the same one every step.
          flat = flatten(await Promise.all(r.grads.map((g) => g.data() as Promise<Float32Array>)), this.job.shardedExchange ? this.sharded!.gradient : undefined);
        } finally {
          tf.dispose(r.grads);
        }
        ({ loss, correct, count } = r);
      } else if (this.job.syntheticGradients) {
        flat = this.syntheticGradient();
        count = cmd.indices.length;
      } else {
        flat = new Float32Array(this.job.paramCount);
      }
      const readyMs = wallMs();
      const computeSeconds = (performance.now() - t0) / 1000;
      let after: { weightsChecksum: number; reducedMs: number; repairs: number } | undefined;
      if (cmd.reduceRanks.length > 0) after = await this.exchange(cmd, flat, count);
      else this.gradSource = new ChunkSource(this.job.job, cmd.step, flat, codec, this.job.chunkBytes);
      const bytes = encode(pb.StepResult, {
        job: this.job.job,
        step: cmd.step,
        rank: this.rank,
        loss,
        correct,
        count,
        computeSeconds,
        chunkCount: this.gradSource?.plan.count ?? 0,
        total: flat.length,
        // The star checks the gradient it pulls; the sharded exchange's replicas prove agreement by their weights instead.
        checksum: after ? 0 : checksum(flat),
        skipped: skip.count,
        skippedPaths: skip.first,
        readyMs,
        weightsHeldMs,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        ...after,
      });
      this.lastResult = { step: cmd.step, bytes };
      this.hooks.onStep?.({ rank: this.rank, count, computeSeconds, repairs: after?.repairs ?? 0 });
      return bytes;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.io.err(`worker ${this.rank}: step ${cmd.step} failed: ${message}`);
      if (!isSyncgradError(e)) this.io.err(e instanceof Error ? (e.stack ?? '') : '');
      return encode(pb.StepResult, { job: this.job.job, step: cmd.step, rank: this.rank, error: message, errorKind: errorKindOf(e) });
    } finally {
      this.currentSeq = 0;
      this.lastSeq = cmd.step;
    }
  }

  /** Small, finite, non-constant values (so checksums and reductions do real work), the same every step. */
  private syntheticGradient(): Float32Array {
    if (!this.synthetic) {
      const g = this.sharded?.gradient ?? new Float32Array(this.job.paramCount);
      let h = (this.rank + 1) * 0x9e3779b9;
      for (let i = 0; i < g.length; i++) {
        h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
        g[i] = (h / 4294967296 - 0.5) * 1e-3;
      }
      this.synthetic = g;
    }
    return this.synthetic;
  }

  /** One batch of exactly these indices (corrupt images left out), or undefined if none decoded. */
  private async loadOne(samples: Sample[], indices: number[], skip: SkipLog): Promise<Batch | undefined> {
    for (const i of indices) if (!(i >= 0 && i < samples.length)) throw new ProtocolError('bad-index', `sample index ${i} outside 0..${samples.length - 1}`);
    let out: Batch | undefined;
    for await (const b of loadBatches(samples, indices, this.loader(Math.max(1, indices.length)), skip)) out = b;
    return out;
  }

  /**
   * The sharded exchange of this step's gradient: when it returns, the replica holds weights
   * params_version + 1 (with the moments), and the previous version stays held beside them.
   */
  private async exchange(cmd: pb.StepCommand, gradient: Float32Array, samples: number): Promise<{ weightsChecksum: number; reducedMs: number; repairs: number }> {
    const rep = this.replica;
    if (!this.allreduce || !rep) throw new ProtocolError('refused', 'this job does not use the sharded exchange');
    const from = rep.state;
    const to = rep.next();
    const { checksum: sum, repairs } = await this.allreduce.run({ id: cmd.exchange, ranks: cmd.reduceRanks, gradient, samples, from, to, adamStep: cmd.adamStep });
    rep.commit({ version: cmd.paramsVersion + 1, checksum: sum, adamStep: cmd.adamStep + 1 });
    return { weightsChecksum: sum, reducedMs: wallMs(), repairs };
  }

  private respondCounted(m: { respond: (d: Uint8Array) => boolean }, bytes: Uint8Array): void {
    this.bytesOut += bytes.length;
    m.respond(bytes);
  }

  /** A peer repairing its all-gather: a reduced chunk this worker published. */
  private onReducedChunk(data: Uint8Array): Uint8Array {
    const req = this.decodeOrReject(pb.ChunkRequest, data, 'ChunkRequest');
    if (!req) return encode(pb.TensorChunk, { error: 'malformed ChunkRequest' });
    return this.allreduce ? this.allreduce.serveReduced(req) : encode(pb.TensorChunk, { job: req.job, version: req.version, index: req.index, errorKind: pb.ErrorKind.STALE, error: 'stale: this job does not use the sharded exchange' });
  }

  /** The coordinator taking a snapshot: this replica's [weights | m | v] at the version asked for. */
  private onStateChunk(data: Uint8Array): Uint8Array {
    const req = this.decodeOrReject(pb.ChunkRequest, data, 'ChunkRequest');
    if (!req) return encode(pb.TensorChunk, { error: 'malformed ChunkRequest' });
    const held = req.job === this.job.job ? this.replica?.buffer(req.version) : undefined;
    if (!held) return encode(pb.TensorChunk, { job: req.job, version: req.version, index: req.index, errorKind: pb.ErrorKind.STALE, error: `stale: no state of v${req.version} here` });
    return new ChunkSource(this.job.job, req.version, held.flat, CODECS.fp32!, this.job.chunkBytes).chunk(req.index);
  }

  private onGradChunk(data: Uint8Array): Uint8Array {
    const req = this.decodeOrReject(pb.ChunkRequest, data, 'ChunkRequest');
    if (!req) return encode(pb.TensorChunk, { error: 'malformed ChunkRequest' });
    if (req.job === this.job.job && this.allreduce?.serves(req.version)) return this.allreduce.serveGradient(req);
    if (!this.gradSource || this.gradSource.version !== req.version || req.job !== this.job.job) {
      return encode(pb.TensorChunk, { job: req.job, version: req.version, index: req.index, errorKind: pb.ErrorKind.STALE, error: `stale: no gradients for step ${req.version}` });
    }
    return this.gradSource.chunk(req.index);
  }

  private async onEval(data: Uint8Array): Promise<Uint8Array> {
    const cmd = this.decodeOrReject(pb.EvalCommand, data, 'EvalCommand');
    if (!cmd) return encode(pb.EvalResult, { error: 'malformed EvalCommand' });
    this.currentSeq = cmd.seq;
    try {
      if (cmd.job !== this.job.job) throw new ProtocolError('unknown-job', `eval for job ${cmd.job}`);
      await this.ensureWeights(cmd.paramsVersion, cmd.paramsChecksum, 0, 'eval');
      const samples = this.lists[splitName(cmd.split)];
      for (const i of cmd.indices) if (!(i >= 0 && i < samples.length)) throw new ProtocolError('bad-index', `sample index ${i} outside 0..${samples.length - 1}`);
      const m = this.modelSpec;
      this.syncModel();
      const skip = new SkipLog();
      const labels: number[] = [];
      const predictions: number[] = [];
      let lossSum = 0;
      let fpsSeconds = 0;
      let fpsImages = 0;
      let batches = 0;
      for await (const batch of loadBatches(samples, cmd.indices, this.loader(Math.max(1, cmd.batchSize)), skip)) {
        const { x, y } = batchTensors(batch, m.imageSize, m.channels);
        const t0 = performance.now();
        let r: ReturnType<typeof evalBatch>;
        try {
          const passImages = Math.min(batch.size, this.plan.infer);
          r = withMemoryContext({ who: `worker rank ${this.rank} (evaluation)`, imageSize: m.imageSize, batch: batch.size, microBatch: passImages, backend: this.backend }, () => evalBatch(this.model!, x, y, passImages));
        } finally {
          tf.dispose([x, y]);
        }
        const seconds = (performance.now() - t0) / 1000;
        if (batches++ < cmd.fpsBatches) {
          fpsSeconds += seconds;
          fpsImages += batch.size;
        }
        lossSum += r.lossSum;
        for (let i = 0; i < batch.size; i++) {
          labels.push(batch.y[i]!);
          predictions.push(r.predictions[i]!);
        }
      }
      const correct = labels.reduce((a, l, i) => a + (l === predictions[i] ? 1 : 0), 0);
      return encode(pb.EvalResult, { job: this.job.job, rank: this.rank, correct, count: labels.length, lossSum, fpsSeconds, fpsImages, labels, predictions, skipped: skip.count });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.io.err(`worker ${this.rank}: eval failed: ${message}`);
      return encode(pb.EvalResult, { job: cmd.job, rank: this.rank, error: message, errorKind: errorKindOf(e) });
    } finally {
      this.currentSeq = 0;
      this.lastSeq = cmd.seq;
    }
  }

  /**
   * Drains the connection it opened, frees the replica and the image cache. Idempotent, and
   * bounded even with NATS unreachable: the step in progress and the drain each get a deadline,
   * then the connection is closed without draining.
   */
  async close(reason = 'closed'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchdog);
    this.allreduce?.abort('the worker is closing');
    for (const sub of this.subs) sub.unsubscribe();
    this.controlSub?.unsubscribe();
    const idle = await within(this.queue.catch(() => {}), CLOSE_STEP_MS);
    if (this.ownsConnection && this.nc && !this.nc.isClosed()) {
      await within(this.nc.drain().catch(() => {}), CLOSE_DRAIN_MS);
      // A drain refused or cut short (no server to drain to) leaves the client reconnecting forever.
      if (!this.nc.isClosed()) await this.nc.close().catch(() => {});
    }
    await this.remote?.close();
    // A step still computing owns the replica's tensors; the process is about to end anyway.
    if (idle) this.model?.dispose();
    this.model = undefined;
    this.resolveDone({ reason, failed: this.failed });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function errorKindOf(e: unknown): pb.ErrorKind {
  return e instanceof OutOfMemoryError ? pb.ErrorKind.OUT_OF_MEMORY : pb.ErrorKind.ERROR_OTHER;
}

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
