// A worker: joins a job (membership.ts), keeps a replica of the model's weights (weights.ts),
// computes the gradient of each shard it is sent (compute.ts), and either hands it to the
// coordinator (the star) or all-reduces it with its peers and steps its own replica (allreduce.ts).
// It answers eval, chunk (serving.ts) and ping requests too. Work is serialised through one queue,
// so a step and an eval never interleave on the replica.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { SkipLog } from '../common/data/loader.js';
import { OutOfMemoryError, ProtocolError, isSyncgradError, type RejectReason } from '../common/errors.js';
import { connectNats } from '../common/wire/connect.js';
import { within } from '../common/deadline.js';
import type { Io } from '../common/console/io.js';
import { ChunkSource } from '../common/wire/chunks.js';
import { codecFor } from '../common/wire/codec.js';
import { checksum } from '../common/wire/flat.js';
import { decodeOrReject, encode, pb } from '../common/wire/messages.js';
import { subjects, type Subjects } from '../common/wire/subjects.js';
import { fetchIndex } from './data.js';
import { announceReady, CoordinatorWatch, knock, WATCHDOG_MS, COORDINATOR_SILENT_MS } from './membership.js';
import { gradientChunk, reducedChunk, stateChunk, type ServedState } from './serving.js';
import { openSession, type Held, type Session } from './session.js';
import { exchangeStep, shardGradient, wallMs } from './step.js';
import type { WorkerEnd, WorkerHooks, WorkerOptions } from './options.js';

/** close(): a step in progress and the connection's drain each get this long; the sum stays under the 5 s docker/k8s expect. */
const CLOSE_STEP_MS = 1500;
const CLOSE_DRAIN_MS = 1500;

export class Worker implements AsyncDisposable {
  readonly id: string;
  rank = -1;
  private nc!: NatsConnection;
  private ownsConnection = false;
  private s!: Subjects;
  private session?: Session;
  /** What outlives a rejoin: the model, and the sharded exchange's memory. */
  private readonly held: Held = {};
  private lastResult?: { step: number; bytes: Uint8Array };
  private subs: Subscription[] = [];
  private controlSub?: Subscription;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing?: Promise<void>;
  private readonly watch = new CoordinatorWatch();
  private rejoining = false;
  private watchdog?: NodeJS.Timeout;
  private currentSeq = 0;
  private lastSeq = 0;
  /** Payload bytes received and sent over NATS (weights pulled, gradient chunks served). */
  private bytesIn = 0;
  private bytesOut = 0;
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

  private reject(reason: RejectReason, detail: string): void {
    this.hooks.onReject?.(reason, detail);
    this.io.err(`worker ${this.rank}: rejected message (${reason}): ${detail}`);
  }

  /** Decodes a request, or counts and logs it as malformed and returns undefined (the caller answers with an error). */
  private decode<T>(type: { decode(bytes: Uint8Array): T }, data: Uint8Array, what: string): T | undefined {
    return decodeOrReject(type, data, what, (r, d) => this.reject(r, d));
  }

  /** Knocks until a coordinator answers, then sets up this join's session and subscribes as its rank. */
  private async join(): Promise<void> {
    const reply = await knock(this.nc, this.s, { workerId: this.id, backend: this.backend, joinTimeoutMs: this.o.joinTimeoutMs });
    this.watch.joined(reply.coordinatorId);
    // Sequence numbers and versions are the coordinator's: a restarted one counts from 1 again, so
    // nothing answered to the old one may be replayed to it.
    this.lastResult = undefined;
    this.lastSeq = 0;
    this.currentSeq = 0;
    // Decoded nested messages are full instances (defaults filled), not the loose $Properties type.
    const spec = reply.job as pb.JobSpec;
    this.rank = reply.rank;
    const lists = await fetchIndex(this.nc, this.s, spec);
    this.session?.allreduce?.abort('the worker is rejoining');
    await this.session?.remote?.close();
    this.session = await openSession({
      nc: this.nc,
      s: this.s,
      spec,
      rank: this.rank,
      lists,
      backend: this.backend,
      options: this.o,
      held: this.held,
      onReject: (r, d) => this.reject(r, d),
      onBytes: (d, b) => (d === 'in' ? (this.bytesIn += b) : (this.bytesOut += b)),
      onPushed: this.hooks.onExchangePushed,
      rankNow: () => this.rank,
    });
    this.subscribe();
    await announceReady(this.nc, this.s, spec.job, this.id, this.rank);
    const plan = this.session.compute.plan;
    this.io.err(
      `worker ${this.id}: joined job ${spec.job} as rank ${this.rank} (${this.backend}, ${this.session.remote ? 'images over NATS' : `images from ${this.o.dataRoot ?? spec.dataRoot}`}; ` +
        `micro-batch ${Number.isFinite(plan.train) ? plan.train : 'unlimited'}, ${plan.reason})`,
    );
  }

  private subscribe(): void {
    for (const sub of this.subs) sub.unsubscribe();
    const r = this.rank;
    const on = (subject: string, callback: (m: Msg) => void) => this.nc.subscribe(subject, { callback: (_e, m) => callback(m) });
    const chunk = (serve: (st: ServedState, req: pb.ChunkRequest) => Uint8Array) => (m: Msg) => {
      const req = this.decode(pb.ChunkRequest, m.data, 'ChunkRequest');
      const bytes = req && this.session ? serve(this.session, req) : encode(pb.TensorChunk, { error: 'malformed ChunkRequest' });
      this.bytesOut += bytes.length;
      m.respond(bytes);
    };
    this.subs = [
      on(this.s.step(r), (m) => void this.serial(() => this.onStep(m.data)).then((b) => m.respond(b))),
      on(this.s.eval(r), (m) => void this.serial(() => this.onEval(m.data)).then((b) => m.respond(b))),
      on(this.s.grad(r), chunk(gradientChunk)),
      // Not through the serial queue: peers push and repair while this worker computes or exchanges.
      on(this.s.rs(r), (m) => this.session?.allreduce?.onScatter(m.data)),
      on(this.s.rgrad(r), chunk(reducedChunk)),
      on(this.s.state(r), chunk(stateChunk)),
      on(this.s.ping(r), (m) =>
        m.respond(
          encode(pb.Pong, {
            workerId: this.id,
            rank: this.rank,
            paramsVersion: this.session?.weights.paramsVersion ?? 0,
            currentSeq: this.currentSeq,
            lastSeq: this.lastSeq,
          }),
        ),
      ),
    ];
  }

  private listenControl(): void {
    // Kept apart from `subs` (a rejoin replaces those), and ended by close() like them.
    this.controlSub = this.nc.subscribe(this.s.control, {
      callback: (_e, m) => {
        const c = this.decode(pb.Control, m.data, 'Control');
        if (!c || c.job !== this.o.job) return;
        if (c.kind === pb.Control.Kind.SHUTDOWN) {
          this.io.err(`worker ${this.rank}: job finished (${c.reason})`);
          void this.close(c.reason);
        } else if (c.kind === pb.Control.Kind.EVICT && c.workerId === this.id) {
          this.io.err(`worker ${this.rank}: evicted (${c.reason}); rejoining`);
          this.rejoin();
        } else if (c.kind === pb.Control.Kind.ABORT) {
          this.session?.allreduce?.abort(c.reason, c.exchange);
        } else if (c.kind === pb.Control.Kind.HEARTBEAT && this.watch.heartbeat(c.coordinatorId) === 'restarted') {
          this.io.err(`worker ${this.rank}: the coordinator was restarted (${c.coordinatorId}); rejoining`);
          this.rejoin();
        }
      },
    });
    // A coordinator that died says nothing: after this long without a heartbeat, knock until one
    // answers (up to --join-timeout), as a worker started before its coordinator does.
    this.watchdog = setInterval(() => {
      if (!this.watch.tick(this.currentSeq !== 0) || this.closed || this.rejoining) return;
      this.io.err(`worker ${this.rank}: no heartbeat from the coordinator for ${COORDINATOR_SILENT_MS / 1000} s; knocking until one answers`);
      this.rejoin();
    }, WATCHDOG_MS);
    this.watchdog.unref();
  }

  private rejoin(): void {
    if (this.rejoining || this.closed) return;
    this.rejoining = true;
    void this.serial(() => this.join())
      .catch((e: unknown) => this.fail(e))
      .finally(() => (this.rejoining = false));
  }

  private fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.io.err(`worker ${this.rank}: ${message}`);
    this.failed = this.failed || !this.closed;
    void this.close(`failed: ${message}`);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private async onStep(data: Uint8Array): Promise<Uint8Array> {
    const cmd = this.decode(pb.StepCommand, data, 'StepCommand');
    const ses = this.session;
    if (!cmd || !ses) return encode(pb.StepResult, { error: 'malformed StepCommand' });
    if (cmd.job !== ses.job) {
      this.reject('unknown-job', `step for job ${cmd.job}`);
      return encode(pb.StepResult, { job: cmd.job, step: cmd.step, error: `unknown job ${cmd.job}` });
    }
    // A retried command for a step already computed gets the same answer, not a second computation.
    if (this.lastResult && this.lastResult.step === cmd.step) return this.lastResult.bytes;
    this.currentSeq = cmd.step;
    const skip = new SkipLog();
    // Decoding the shard (sharp, off the main thread) overlaps the weight pull: at the demo's
    // 32 px, 8 images take ~20 ms to decode, ~6% of a 2-worker step.
    const loading = ses.spec.syntheticGradients ? Promise.resolve(undefined) : ses.compute.loadShard(cmd.indices, skip);
    loading.catch(() => {}); // observed below; this only keeps an early failure from being unhandled
    try {
      await ses.weights.ensure(cmd.paramsVersion, cmd.paramsChecksum, cmd.adamStep, 'train');
      const weightsHeldMs = wallMs();
      const t0 = performance.now();
      const batch = await loading;
      const g = await shardGradient(ses, cmd, batch);
      const readyMs = wallMs();
      const computeSeconds = (performance.now() - t0) / 1000;
      let after: { weightsChecksum: number; reducedMs: number; repairs: number } | undefined;
      if (cmd.reduceRanks.length > 0) after = { ...(await exchangeStep(ses, this.held, cmd, g)), reducedMs: wallMs() };
      else ses.gradSource = new ChunkSource(ses.job, cmd.step, g.flat, codecFor(ses.spec.gradientCodec), ses.spec.chunkBytes);
      const bytes = encode(pb.StepResult, {
        job: ses.job,
        step: cmd.step,
        rank: this.rank,
        loss: g.loss,
        correct: g.correct,
        count: g.count,
        computeSeconds,
        chunkCount: ses.gradSource?.plan.count ?? 0,
        total: g.flat.length,
        // The star checks the gradient it pulls; the sharded exchange's replicas prove agreement by their weights instead.
        checksum: after ? 0 : checksum(g.flat),
        skipped: skip.count,
        skippedPaths: skip.first,
        readyMs,
        weightsHeldMs,
        bytesIn: this.bytesIn,
        bytesOut: this.bytesOut,
        ...after,
      });
      this.lastResult = { step: cmd.step, bytes };
      this.hooks.onStep?.({ rank: this.rank, count: g.count, computeSeconds, repairs: after?.repairs ?? 0 });
      return bytes;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.io.err(`worker ${this.rank}: step ${cmd.step} failed: ${message}`);
      if (!isSyncgradError(e)) this.io.err(e instanceof Error ? (e.stack ?? '') : '');
      return encode(pb.StepResult, { job: ses.job, step: cmd.step, rank: this.rank, error: message, errorKind: errorKindOf(e) });
    } finally {
      this.currentSeq = 0;
      this.lastSeq = cmd.step;
    }
  }

  private async onEval(data: Uint8Array): Promise<Uint8Array> {
    const cmd = this.decode(pb.EvalCommand, data, 'EvalCommand');
    const ses = this.session;
    if (!cmd || !ses) return encode(pb.EvalResult, { error: 'malformed EvalCommand' });
    this.currentSeq = cmd.seq;
    try {
      if (cmd.job !== ses.job) throw new ProtocolError('unknown-job', `eval for job ${cmd.job}`);
      await ses.weights.ensure(cmd.paramsVersion, cmd.paramsChecksum, 0, 'eval');
      ses.weights.syncModel();
      return encode(pb.EvalResult, { job: ses.job, rank: this.rank, ...(await ses.compute.evaluate(cmd)) });
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
  close(reason = 'closed'): Promise<void> {
    // A second call (a signal during a shutdown the job already started) waits for the first.
    this.closing ??= this.shutDown(reason);
    return this.closing;
  }

  private async shutDown(reason: string): Promise<void> {
    this.closed = true;
    clearInterval(this.watchdog);
    this.session?.allreduce?.abort('the worker is closing');
    for (const sub of this.subs) sub.unsubscribe();
    this.controlSub?.unsubscribe();
    const idle = await within(
      this.queue.catch(() => {}),
      CLOSE_STEP_MS,
    );
    if (this.ownsConnection && this.nc && !this.nc.isClosed()) {
      await within(
        this.nc.drain().catch(() => {}),
        CLOSE_DRAIN_MS,
      );
      // A drain refused or cut short (no server to drain to) leaves the client reconnecting forever.
      if (!this.nc.isClosed()) await this.nc.close().catch(() => {});
    }
    await this.session?.remote?.close();
    // A step still computing owns the replica's tensors; the process is about to end anyway.
    if (idle) this.held.model?.model.dispose();
    this.held.model = undefined;
    this.resolveDone({ reason, failed: this.failed });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function errorKindOf(e: unknown): pb.ErrorKind {
  return e instanceof OutOfMemoryError ? pb.ErrorKind.OUT_OF_MEMORY : pb.ErrorKind.ERROR_OTHER;
}
