// The worker's half of the sharded exchange (docs/cluster.md): a reduce-scatter, then an
// all-gather, both pushed. Rank i of the step owns slice i of the flat vector. Every rank
// publishes each chunk of its gradient once, to the chunk's owner. An owner sums a chunk as soon as
// it holds every rank's part, in the step's rank order, so the sum does not depend on arrival. It
// publishes the reduced chunk once, and the server fans it out to every other rank. Every replica
// applies the same optimizer step (common/optim) to the whole vector, chunk by chunk as the reduced
// chunks arrive, summed by the reducer (common/reduce/chunk.ts): replicas
// stay bit-identical, as DDP's do, and no rank holds state another lacks. A chunk that does not
// arrive is asked for again from its sender (request/reply on the sender's grad or rgrad subject).
// A sender with no subscriber there, three rounds running, is gone, and the exchange fails.
import type { NatsConnection, Subscription } from 'nats';
import { ProtocolError, TimeoutError, type RejectReason } from '../common/errors.js';
import type { ChecksumCursor, FlatMemory } from '../common/kernels/flat-kernels.js';
import type { ChunkStep } from '../common/optim/adam.js';
import { reduceChunk } from '../common/reduce/chunk.js';
import { DEAD_AFTER_MISSES, DEFAULT_CHUNK_TIMEOUT_MS, encodeTensorChunk, isNoResponders } from '../common/wire/chunks.js';
import { codecFor, type TensorCodec } from '../common/wire/codec.js';
import { planExchange, type ExchangePlan } from '../common/wire/exchange-plan.js';
import { decode, encode, pb } from '../common/wire/messages.js';
import { SendBuffers } from '../common/wire/send-buffers.js';
import { releaseMessage } from '../common/wire/transport.js';
import type { Subjects } from '../common/wire/subjects.js';

/**
 * The shortest silence (no new chunk) that starts a repair round. An 8 MiB chunk crosses loopback
 * in ~30 ms. A repair request to a peer still computing is answered "not yet", or times out if wasm
 * blocks its event loop; neither counts against it.
 */
export const REPAIR_AFTER_MS = 1000;
/**
 * A silence must also outlast this many times the time the bytes still owed would take at the
 * rate this exchange has received so far (or the last one did): a chunk merely queued behind
 * others on a saturated link then never looks lost. With a fixed 1 s, 4 workers on one server at
 * 1 Gbit/s asked for about one 8 MiB chunk a step again (the network issue's measurement).
 */
export const REPAIR_SLACK = 3;
/** Before any rate is known (the first exchange): what the owed bytes would take at 100 Mbit/s. */
export const REPAIR_FLOOR_BYTES_PER_MS = 12_500;
/** However much is owed, a lost chunk is asked for again within this long. */
export const REPAIR_MAX_WAIT_MS = 30_000;

/** How long a silence must last before a repair round, with `owedBytes` still to come at `bytesPerMs`. */
export function repairAfterMs(owedBytes: number, bytesPerMs: number | undefined): number {
  const rate = bytesPerMs !== undefined && bytesPerMs > 0 ? bytesPerMs : REPAIR_FLOOR_BYTES_PER_MS;
  return Math.min(REPAIR_MAX_WAIT_MS, Math.max(REPAIR_AFTER_MS, (REPAIR_SLACK * owedBytes) / rate));
}
const REPAIR_CHECK_MS = 250;
/** Repair requests in flight per round: enough to refill a lost window, few enough not to flood a busy peer. */
const REPAIR_WINDOW = 4;
/** Reduce-scatter chunks kept for exchanges this worker has not started: its peers are at most one step ahead. */
const EARLY_EXCHANGES = 2;

export interface AllReduceContext {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  rank: () => number;
  onReject: (reason: RejectReason, detail: string) => void;
  onBytes: (direction: 'in' | 'out', bytes: number) => void;
  /** After this rank has published its reduce-scatter parts (tests stop a worker here, mid-exchange). */
  onPushed?: (exchange: number) => void;
}

/** The exchange's vectors, in the memory its kernels run over (allocated once per worker). */
export interface ExchangeBuffers {
  mem: FlatMemory;
  /** The reduced gradient, filled chunk by chunk. */
  reduced: Float32Array;
  /** A peer's part, decoded before it is summed. */
  scratch: Float32Array;
}

export interface ExchangeInput {
  /** The exchange's id (StepCommand.exchange): the version of every chunk it moves. */
  id: number;
  /** The step's ranks in reduction order; ranks[i] owns slice i. */
  ranks: number[];
  gradient: Float32Array;
  /** Images this rank's gradient averages over: its weight in the mean. */
  samples: number;
  /** The optimizer's step, applied to each chunk of the mean gradient as it is reduced or arrives. */
  step: ChunkStep;
}

interface Running {
  input: ExchangeInput;
  me: number;
  plan: ExchangePlan;
  /** Parts of this rank's own chunks, by chunk index, then by rank position. */
  parts: Map<number, (pb.TensorChunk | undefined)[]>;
  samplesOf: (number | undefined)[];
  applied: Uint8Array;
  /** The new weights' checksum, taken chunk by chunk in index order as the optimizer finishes them. */
  hash: ChecksumCursor;
  /** Chunks before this one are hashed. */
  hashed: number;
  remaining: number;
  lastProgress: number;
  /** Per rank position: repair rounds in a row that found no subscriber. */
  misses: number[];
  /** Chunks asked for again and received with data: lost messages, or ones the timer judged lost. */
  repairs: number;
  /** Bytes of chunk data this rank is owed in this exchange, and has received so far. */
  owed: number;
  received: number;
  /** When the first of them arrived. */
  firstByteAt?: number;
  repairing: boolean;
  subs: Subscription[];
  timer?: NodeJS.Timeout;
  resolve: () => void;
  reject: (e: Error) => void;
  failed: boolean;
}

/** What a finished (or failed) exchange leaves to serve peers that still repair. */
interface Served {
  id: number;
  plan: ExchangePlan;
  gradient: Float32Array;
  samples: number;
  /** The encoded all-gather message of each chunk this rank reduced. */
  reduced: Map<number, Uint8Array>;
}

export class AllReduce {
  private readonly codec: TensorCodec;
  private readonly perChunk: number;
  private readonly mem: FlatMemory;
  private readonly reduced: Float32Array;
  private readonly scratch: Float32Array;
  private readonly early = new Map<number, pb.TensorChunk[]>();
  private readonly sendBuffers: SendBuffers;
  private running?: Running;
  private served?: Served;
  /** Highest exchange id run here: chunks for it or older that are not being awaited are stale. */
  private lastId = 0;
  /** Set by abort() without an id: the worker is closing or rejoining, and runs nothing more. */
  private closed?: string;
  /** Bytes per ms the last exchange received at, first byte to last: the repair timer's rate before this one has its own. */
  private lastRate?: number;

  constructor(
    private readonly c: AllReduceContext,
    bufs: ExchangeBuffers,
  ) {
    this.codec = codecFor(c.job.gradientCodec);
    this.perChunk = Math.max(1, Math.floor(c.job.chunkBytes / this.codec.bytesPerElement));
    ({ mem: this.mem, reduced: this.reduced, scratch: this.scratch } = bufs);
    this.sendBuffers = new SendBuffers(c.nc);
  }

  /** The exchange's layout for `owners` ranks. */
  planFor(owners: number): ExchangePlan {
    return planExchange(this.c.job.paramCount, owners, this.perChunk);
  }

  /** Whether a gradient request for `version` is this exchange's (else it is a star step's). */
  serves(version: number): boolean {
    return this.served?.id === version;
  }

  /**
   * syncgrad.<job>.w.<rank>.rs: a peer's gradient chunk for a slice this rank owns. Its memory
   * goes back to the transport (releaseMessage) unless the chunk is kept: a part that waits for
   * other ranks' parts, or one for an exchange not started yet.
   */
  onScatter(data: Uint8Array): void {
    this.c.onBytes('in', data.length);
    const chunk = this.decodeChunk(data, 'reduce-scatter');
    if (!chunk) return releaseMessage(data);
    const r = this.running;
    if (r && chunk.version === r.input.id) {
      this.takePart(r, chunk);
      // Summed at once (every part was here), or rejected: nothing holds a view of it now.
      if (!r.parts.get(chunk.index)?.includes(chunk)) releaseMessage(data);
      return;
    }
    if (chunk.version <= this.lastId) {
      releaseMessage(data);
      return this.c.onReject('stale', `reduce-scatter chunk of exchange ${chunk.version} from rank ${chunk.fromRank}; this rank is past it`);
    }
    // A peer that computed faster: keep it for the exchange this rank has not started yet.
    const list = this.early.get(chunk.version) ?? [];
    list.push(chunk);
    this.early.set(chunk.version, list);
    while (this.early.size > EARLY_EXCHANGES) this.early.delete(Math.min(...this.early.keys()));
  }

  /** A repair request for a chunk of this rank's gradient (on its grad subject). */
  serveGradient(req: pb.ChunkRequest): Uint8Array {
    const sv = this.served;
    const chunk = sv?.id === req.version ? sv.plan.chunks[req.index] : undefined;
    if (!sv || !chunk) return this.stale(req, `no gradient chunk ${req.index} of exchange ${req.version} here`);
    return this.message(sv.id, sv.plan, chunk.index, this.codec.encode(sv.gradient, chunk.start, chunk.end), sv.samples);
  }

  /** A repair request for a reduced chunk this rank published (on its rgrad subject). */
  serveReduced(req: pb.ChunkRequest): Uint8Array {
    const bytes = this.served?.id === req.version ? this.served.reduced.get(req.index) : undefined;
    return bytes ?? this.stale(req, `reduced chunk ${req.index} of exchange ${req.version} is not (yet) here`);
  }

  /** Fails the running exchange (the coordinator gave up on the step, or the worker is closing). */
  abort(why: string, id?: number): void {
    if (id === undefined) this.closed = why;
    const r = this.running;
    if (r && (id === undefined || r.input.id === id)) this.fail(r, new ProtocolError('refused', `exchange ${r.input.id} aborted: ${why}`));
  }

  /**
   * Runs one exchange: when it resolves, the optimizer's step (input.step) has been applied to
   * every chunk of the step's mean gradient, and the checksum of the new weights is returned.
   */
  async run(input: ExchangeInput): Promise<{ checksum: number; repairs: number }> {
    if (this.closed) throw new ProtocolError('refused', `exchange ${input.id} not started: ${this.closed}`);
    if (this.running) throw new ProtocolError('refused', `exchange ${input.id} started while ${this.running.input.id} runs`);
    const me = input.ranks.indexOf(this.c.rank());
    if (me < 0) throw new ProtocolError('malformed', `exchange ${input.id} does not list this rank (${this.c.rank()})`);
    if (new Set(input.ranks).size !== input.ranks.length)
      throw new ProtocolError('malformed', `exchange ${input.id} lists a rank twice: ${input.ranks.join(', ')}`);
    const plan = this.planFor(input.ranks.length);
    const mine = plan.slices[me]!;
    const parts = new Map<number, (pb.TensorChunk | undefined)[]>();
    for (let k = mine.firstChunk; k < mine.endChunk; k++) parts.set(k, new Array<pb.TensorChunk | undefined>(input.ranks.length));
    this.lastId = Math.max(this.lastId, input.id);
    for (const bytes of this.served?.reduced.values() ?? []) this.sendBuffers.release(bytes);
    // A step publishes one message per chunk of the vector, and its all-gather messages stay
    // served until the next step starts: that many buffers are worth keeping.
    this.sendBuffers.keep = plan.chunks.length + (mine.endChunk - mine.firstChunk);
    this.served = { id: input.id, plan, gradient: input.gradient, samples: input.samples, reduced: new Map() };
    const done = new Promise<void>((resolve, reject) => {
      this.running = {
        input,
        me,
        plan,
        parts,
        samplesOf: new Array<number | undefined>(input.ranks.length),
        applied: new Uint8Array(plan.chunks.length),
        hash: this.mem.checksumCursor(input.step.weights),
        hashed: 0,
        remaining: plan.chunks.length,
        lastProgress: Date.now(),
        misses: new Array<number>(input.ranks.length).fill(0),
        repairs: 0,
        owed: this.owedBytes(plan, me, input.ranks.length),
        received: 0,
        repairing: false,
        subs: [],
        resolve,
        reject,
        failed: false,
      };
    });
    const r = this.running!;
    r.samplesOf[me] = input.samples;
    try {
      // Subscribed before this rank's first push: no owner can publish a reduced chunk before it
      // holds this rank's part of it, and one connection keeps SUB and PUB in order.
      r.subs = input.ranks
        .map((rank, o) => ({ rank, o }))
        .filter((x) => x.o !== me)
        .map((x) => this.c.nc.subscribe(this.c.s.ag(x.rank), { callback: (_e, m) => this.onGather(r, x.o, m.data) }));
      r.timer = setInterval(() => void this.repairRound(r), REPAIR_CHECK_MS);
      for (const chunk of this.early.get(input.id) ?? []) this.takePart(r, chunk);
      for (const id of [...this.early.keys()]) if (id <= input.id) this.early.delete(id);
      // Own chunks first: with one rank, or a part from every peer already here, they reduce at once.
      for (let k = mine.firstChunk; k < mine.endChunk; k++) this.maybeReduce(r, k);
      this.push(r);
      this.c.onPushed?.(input.id);
      await done;
      if (r.firstByteAt !== undefined && r.received > 0) this.lastRate = r.received / Math.max(1, Date.now() - r.firstByteAt);
      return { checksum: r.hash.finish(), repairs: r.repairs };
    } finally {
      clearInterval(r.timer);
      for (const s of r.subs) s.unsubscribe();
      this.running = undefined;
    }
  }

  /** Chunk bytes this rank receives in an exchange: every peer's part of its own chunks, and every other owner's reduced chunks. */
  private owedBytes(plan: ExchangePlan, me: number, ranks: number): number {
    const b = this.codec.bytesPerElement;
    let owed = 0;
    for (const ch of plan.chunks) owed += (ch.owner === me ? ranks - 1 : 1) * (ch.end - ch.start) * b;
    return owed;
  }

  private arrived(r: Running, bytes: number): void {
    r.received += bytes;
    r.firstByteAt ??= Date.now();
    r.lastProgress = Date.now();
  }

  /** Publishes every chunk of this rank's gradient that another rank owns, owners taken in turn. */
  private push(r: Running): void {
    const { plan, input } = r;
    const queues = plan.slices.map((sl, o) => (o === r.me ? [] : Array.from({ length: sl.endChunk - sl.firstChunk }, (_, i) => sl.firstChunk + i)));
    for (let i = 0; queues.some((q) => i < q.length); i++) {
      for (let o = 0; o < queues.length; o++) {
        const k = queues[o]![i];
        if (k === undefined || r.failed) continue;
        const ch = plan.chunks[k]!;
        const bytes = this.message(input.id, plan, k, this.mem.encode(this.codec, input.gradient, ch.start, ch.end), input.samples, true);
        this.c.onBytes('out', bytes.length);
        this.c.nc.publish(this.c.s.rs(input.ranks[o]!), bytes);
        this.sendBuffers.release(bytes);
      }
    }
  }

  /** A chunk message; `pooled` puts it in a reused buffer, which the caller must release. */
  private message(id: number, plan: ExchangePlan, index: number, data: Uint8Array, samples: number, pooled = false): Uint8Array {
    const ch = plan.chunks[index]!;
    const { job } = this.c;
    const fields = {
      job: job.job,
      version: id,
      index,
      count: plan.chunks.length,
      offset: ch.start,
      total: plan.total,
      codec: job.gradientCodec,
      fromRank: this.c.rank(),
      samples,
    };
    return encodeTensorChunk(fields, data, pooled ? (n) => this.sendBuffers.take(n) : undefined);
  }

  private stale(req: pb.ChunkRequest, why: string): Uint8Array {
    return encode(pb.TensorChunk, {
      job: req.job,
      version: req.version,
      index: req.index,
      errorKind: pb.ErrorKind.STALE,
      error: `stale: ${why}`,
      fromRank: this.c.rank(),
    });
  }

  private decodeChunk(data: Uint8Array, what: string): pb.TensorChunk | undefined {
    let chunk: pb.TensorChunk;
    try {
      chunk = decode(pb.TensorChunk, data, 'TensorChunk');
    } catch (e) {
      this.c.onReject('malformed', `${what}: ${(e as Error).message}`);
      return undefined;
    }
    if (chunk.job !== this.c.job.job) {
      this.c.onReject('unknown-job', `${what} chunk for job ${chunk.job}`);
      return undefined;
    }
    return chunk;
  }

  /** Why `chunk` cannot be chunk `k` of the running exchange from the rank at `from`, or undefined if it can. */
  private problem(r: Running, chunk: pb.TensorChunk, from: number, owner: number): { reason: RejectReason; detail: string } | undefined {
    const ch = r.plan.chunks[chunk.index];
    const n = ch ? ch.end - ch.start : 0;
    if (!ch || chunk.count !== r.plan.chunks.length || ch.owner !== owner)
      return {
        reason: 'wrong-index',
        detail: `chunk ${chunk.index}/${chunk.count} from rank ${chunk.fromRank} is not one of rank ${r.input.ranks[owner]}'s ${r.plan.chunks.length}`,
      };
    if (r.input.ranks[from] !== chunk.fromRank)
      return { reason: 'malformed', detail: `chunk ${chunk.index} says it is from rank ${chunk.fromRank}, expected rank ${r.input.ranks[from]}` };
    if (
      chunk.offset !== ch.start ||
      chunk.total !== r.plan.total ||
      chunk.codec !== this.c.job.gradientCodec ||
      chunk.data.length !== n * this.codec.bytesPerElement
    ) {
      return {
        reason: 'wrong-length',
        detail: `chunk ${chunk.index} from rank ${chunk.fromRank}: ${chunk.data.length} bytes at ${chunk.offset} of ${chunk.total}, expected ${n * this.codec.bytesPerElement} at ${ch.start} of ${r.plan.total}`,
      };
    }
    return undefined;
  }

  /** A reduce-scatter part of one of this rank's chunks (pushed, or answered to a repair request). */
  private takePart(r: Running, chunk: pb.TensorChunk): void {
    if (chunk.error) return this.c.onReject('refused', `reduce-scatter chunk ${chunk.index} from rank ${chunk.fromRank}: ${chunk.error}`);
    const from = r.input.ranks.indexOf(chunk.fromRank);
    if (from < 0 || from === r.me)
      return this.c.onReject('malformed', `reduce-scatter chunk ${chunk.index} from rank ${chunk.fromRank}, which is not a peer of exchange ${r.input.id}`);
    const bad = this.problem(r, chunk, from, r.me);
    if (bad) return this.c.onReject(bad.reason, bad.detail);
    const slot = r.parts.get(chunk.index);
    if (!slot) return this.c.onReject('duplicate', `reduce-scatter chunk ${chunk.index} from rank ${chunk.fromRank} arrived after its chunk was reduced`);
    if (slot[from]) return this.c.onReject('duplicate', `reduce-scatter chunk ${chunk.index} from rank ${chunk.fromRank} arrived twice`);
    if (r.samplesOf[from] !== undefined && r.samplesOf[from] !== chunk.samples)
      return this.c.onReject('malformed', `rank ${chunk.fromRank} sent chunks weighted by ${r.samplesOf[from]} and ${chunk.samples} samples`);
    r.samplesOf[from] = chunk.samples;
    slot[from] = chunk;
    this.arrived(r, chunk.data.length);
    r.misses[from] = 0;
    this.maybeReduce(r, chunk.index);
  }

  /** Sums chunk k once every rank's part is here, publishes it, and applies it here. */
  private maybeReduce(r: Running, k: number): void {
    const slot = r.parts.get(k);
    if (!slot || r.failed) return;
    const n = r.input.ranks.length;
    for (let p = 0; p < n; p++) if (p !== r.me && !slot[p]) return;
    r.parts.delete(k);
    const { start, end } = r.plan.chunks[k]!;
    const total = r.samplesOf.reduce<number>((a, x) => a + (x ?? 0), 0);
    if (total === 0) return this.fail(r, new ProtocolError('refused', 'no image of the step decoded'), k);
    const out = this.reduced;
    const terms = r.samplesOf.map((count, p) => ({
      count: count!,
      values: () => {
        if (p === r.me) return r.input.gradient;
        this.mem.decode(this.codec, slot[p]!.data, this.scratch, start);
        return this.scratch;
      },
    }));
    const bad = reduceChunk(this.mem, terms, out, start, end);
    if (bad) return this.fail(r, new ProtocolError('non-finite', `non-finite gradient from rank ${r.input.ranks[bad.term]} at element ${bad.element}`), k);
    const data = this.mem.encode(this.codec, out, start, end);
    // Every replica applies what the wire carries: the owner too, when the codec rounds.
    if (this.codec.bytesPerElement !== 4) this.mem.decode(this.codec, data, out, start);
    if (n > 1) {
      // Served to repair requests until the next exchange starts, then released.
      const bytes = this.message(r.input.id, r.plan, k, data, 0, true);
      this.served?.reduced.set(k, bytes);
      this.c.onBytes('out', bytes.length);
      this.c.nc.publish(this.c.s.ag(this.c.rank()), bytes);
    }
    this.apply(r, k);
  }

  /** A reduced chunk from the rank at position `owner`: decoded into `reduced` at once, so its memory goes back to the transport. */
  private onGather(r: Running, owner: number, data: Uint8Array): void {
    this.c.onBytes('in', data.length);
    const chunk = r.failed ? undefined : this.decodeChunk(data, 'all-gather');
    if (chunk) this.takeReduced(r, owner, chunk);
    releaseMessage(data);
  }

  private takeReduced(r: Running, owner: number, chunk: pb.TensorChunk): void {
    if (r.failed) return;
    if (chunk.version !== r.input.id)
      return this.c.onReject('stale', `all-gather chunk of exchange ${chunk.version} from rank ${chunk.fromRank}, expected ${r.input.id}`);
    if (chunk.error)
      return this.fail(
        r,
        new ProtocolError(
          chunk.errorKind === pb.ErrorKind.STALE ? 'stale' : 'worker-error',
          `rank ${r.input.ranks[owner]} could not reduce its slice: ${chunk.error}`,
        ),
      );
    const bad = this.problem(r, chunk, owner, owner);
    if (bad) return this.c.onReject(bad.reason, bad.detail);
    if (r.applied[chunk.index]) return this.c.onReject('duplicate', `all-gather chunk ${chunk.index} from rank ${chunk.fromRank} arrived twice`);
    this.mem.decode(this.codec, chunk.data, this.reduced, chunk.offset);
    this.arrived(r, chunk.data.length);
    r.misses[owner] = 0;
    this.apply(r, chunk.index);
  }

  private apply(r: Running, k: number): void {
    const { start, end } = r.plan.chunks[k]!;
    r.input.step.apply(this.reduced, start, end);
    r.applied[k] = 1;
    // While the chunk is still in cache, and the transfer still runs.
    while (r.hashed < r.plan.chunks.length && r.applied[r.hashed]) r.hash.advance(r.plan.chunks[r.hashed++]!.end);
    r.lastProgress = Date.now();
    if (--r.remaining === 0) r.resolve();
  }

  /**
   * Fails the exchange here and, for an owner whose chunk `k` cannot be reduced, tells every
   * other rank at once on its all-gather subject, rather than leaving them to time out.
   */
  private fail(r: Running, e: Error, k?: number): void {
    if (r.failed) return;
    r.failed = true;
    if (k !== undefined && r.input.ranks.length > 1) {
      const bytes = encode(pb.TensorChunk, { job: this.c.job.job, version: r.input.id, index: k, error: e.message, fromRank: this.c.rank() });
      this.c.nc.publish(this.c.s.ag(this.c.rank()), bytes);
    }
    r.reject(e);
  }

  /** After a silence longer than repairAfterMs (what is still owed, at the rate seen): ask each sender for what has not arrived. */
  private async repairRound(r: Running): Promise<void> {
    if (r.failed || r.repairing) return;
    const now = Date.now();
    const seen = r.firstByteAt !== undefined && now > r.firstByteAt && r.received > 0 ? r.received / (now - r.firstByteAt) : undefined;
    const wait = repairAfterMs(r.owed - r.received, seen ?? this.lastRate);
    if (now - r.lastProgress < wait) return;
    if (this.c.nc.isClosed()) return this.fail(r, new ProtocolError('refused', `exchange ${r.input.id}: this worker's NATS connection is closed`));
    r.repairing = true;
    try {
      const wanted: { from: number; subject: string; index: number; scatter: boolean }[] = [];
      for (const [k, slot] of r.parts) {
        for (let p = 0; p < slot.length; p++)
          if (p !== r.me && !slot[p]) wanted.push({ from: p, subject: this.c.s.grad(r.input.ranks[p]!), index: k, scatter: true });
      }
      r.plan.chunks.forEach((ch) => {
        if (ch.owner !== r.me && !r.applied[ch.index])
          wanted.push({ from: ch.owner, subject: this.c.s.rgrad(r.input.ranks[ch.owner]!), index: ch.index, scatter: false });
      });
      const absent = new Set<number>();
      let next = 0;
      const lane = async (): Promise<void> => {
        while (next < wanted.length && !r.failed) {
          const x = wanted[next++]!;
          if (absent.has(x.from)) continue;
          let data: Uint8Array;
          try {
            const req = encode(pb.ChunkRequest, { job: this.c.job.job, version: r.input.id, index: x.index, rank: this.c.rank() });
            data = (await this.c.nc.request(x.subject, req, { timeout: DEFAULT_CHUNK_TIMEOUT_MS })).data;
          } catch (e) {
            // A busy peer times out (wasm blocks its event loop); a gone one has no subscriber.
            if (isNoResponders(e)) absent.add(x.from);
            continue;
          }
          this.c.onBytes('in', data.length);
          const chunk = this.decodeChunk(data, x.scatter ? 'reduce-scatter repair' : 'all-gather repair');
          if (!chunk) continue;
          // "Not yet": a peer still computing, or an owner still waiting for parts. It is alive.
          if (chunk.errorKind === pb.ErrorKind.STALE) {
            r.misses[x.from] = 0;
            continue;
          }
          // What arrived meanwhile by push is not taken twice.
          if (x.scatter) {
            if (r.parts.get(x.index)?.[x.from] === undefined && r.parts.has(x.index)) {
              r.repairs++;
              this.takePart(r, chunk);
            }
          } else if (!r.applied[x.index]) {
            r.repairs++;
            this.takeReduced(r, x.from, chunk);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(REPAIR_WINDOW, wanted.length) }, lane));
      for (const p of absent) {
        if (++r.misses[p]! >= DEAD_AFTER_MISSES) {
          this.fail(
            r,
            new TimeoutError(
              `rank ${r.input.ranks[p]} is gone: no subscriber for its chunks of exchange ${r.input.id}, ${DEAD_AFTER_MISSES} repair rounds running`,
            ),
          );
        }
      }
      // The next round, if nothing comes, half a wait from now.
      r.lastProgress = Math.max(r.lastProgress, Date.now() - wait / 2);
    } finally {
      r.repairing = false;
    }
  }
}
