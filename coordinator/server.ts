// The coordinator's request handlers: join, the sample index, the chunks of its weights, and image
// bytes for workers without the shared filesystem. Each reply is built from immutable state, so a
// handler never sees a half-updated version.
import { readFile, stat } from 'node:fs/promises';
import type { RejectReason } from '../common/errors.js';
import { join } from 'node:path';
import type { NatsConnection, Subscription } from 'nats';
import type { DatasetIndex, Sample } from '../common/data/dataset.js';
import { ChunkSource } from '../common/wire/chunks.js';
import { relativeLists } from '../common/wire/index-hash.js';
import { CODECS } from '../common/wire/codec.js';
import { decodeOrReject, encode, pb, splitName } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import type { Registry, WorkerInfo } from './registry.js';

export interface ServerHooks {
  onReject: (reason: RejectReason, detail: string) => void;
  onJoin: (w: WorkerInfo) => void;
  onBytesOut?: (bytes: number) => void;
}

/** A split number a request may name; anything else is reported as malformed. */
function validSplit(split: number, onReject: (reason: RejectReason, detail: string) => void): boolean {
  try {
    splitName(split);
    return true;
  } catch (e) {
    onReject('malformed', (e as Error).message);
    return false;
  }
}

export class CoordinatorServer {
  private subs: Subscription[] = [];
  private weights?: ChunkSource;
  private moments?: ChunkSource;
  private readonly lists: Record<'train' | 'val' | 'test', Sample[]>;
  private readonly known: Set<string>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly s: Subjects,
    private readonly job: pb.JobSpec,
    private readonly index: DatasetIndex,
    private readonly registry: Registry,
    private readonly hooks: ServerHooks,
    /** This coordinator process's identity, told to every worker that joins. */
    private readonly coordinatorId: string,
  ) {
    this.lists = relativeLists(index);
    this.known = new Set([...this.lists.train, ...this.lists.val, ...this.lists.test].map((x) => x.path));
  }

  get weightsVersion(): number {
    return this.weights?.version ?? -1;
  }

  /** Adam's moments [m | v] at `version`, for a sharded replica that takes that version from here (a new worker, a recomputed step). */
  setMoments(version: number, state: Float32Array): void {
    this.moments = new ChunkSource(this.job.job, version, state, CODECS.fp32, this.job.chunkBytes);
  }

  /** Publishes a new weights version for replicas to pull (master.ts). */
  setWeights(version: number, flat: Float32Array): void {
    this.weights = new ChunkSource(this.job.job, version, flat, CODECS.fp32, this.job.chunkBytes, true);
  }

  start(): void {
    const reply = (bytes: Uint8Array, m: { respond: (d: Uint8Array) => boolean }) => {
      this.hooks.onBytesOut?.(bytes.length);
      m.respond(bytes);
    };
    this.subs = [
      this.nc.subscribe(this.s.join, { callback: (_e, m) => reply(this.onJoin(m.data), m) }),
      this.nc.subscribe(this.s.ready, { callback: (_e, m) => reply(this.onReady(m.data), m) }),
      this.nc.subscribe(this.s.index, { callback: (_e, m) => reply(this.onIndex(m.data), m) }),
      this.nc.subscribe(this.s.weights, { callback: (_e, m) => reply(this.onWeights(m.data, this.weights, 'weights'), m) }),
      this.nc.subscribe(this.s.adam, { callback: (_e, m) => reply(this.onWeights(m.data, this.moments, 'moments'), m) }),
      this.nc.subscribe(this.s.data, { callback: (_e, m) => void this.onData(m.data).then((b) => reply(b, m)) }),
    ];
  }

  private onJoin(data: Uint8Array): Uint8Array {
    const req = decodeOrReject(pb.JoinRequest, data, 'JoinRequest', this.hooks.onReject);
    if (!req) return encode(pb.JoinReply, { accepted: false, reason: 'malformed JoinRequest' });
    if (!req.workerId) return encode(pb.JoinReply, { accepted: false, reason: 'worker_id is required' });
    const w = this.registry.join({
      id: req.workerId,
      host: req.host,
      pid: req.pid,
      backend: req.backend,
      ...(req.natsServer ? { natsServer: req.natsServer } : {}),
    });
    return encode(pb.JoinReply, { accepted: true, rank: w.rank, job: this.job, coordinatorId: this.coordinatorId });
  }

  private onReady(data: Uint8Array): Uint8Array {
    const req = decodeOrReject(pb.ReadyRequest, data, 'ReadyRequest', this.hooks.onReject);
    if (!req) return encode(pb.ReadyReply, { accepted: false, reason: 'malformed ReadyRequest' });
    const w = req.job === this.job.job ? this.registry.markReady(req.rank, req.workerId) : undefined;
    if (!w) {
      this.hooks.onReject('unknown-worker', `ready from ${req.workerId} as rank ${req.rank} of job ${req.job}`);
      return encode(pb.ReadyReply, { accepted: false, reason: 'join first' });
    }
    this.hooks.onJoin(w);
    return encode(pb.ReadyReply, { accepted: true });
  }

  private onIndex(data: Uint8Array): Uint8Array {
    const req = decodeOrReject(pb.IndexRequest, data, 'IndexRequest', this.hooks.onReject);
    if (!req || !validSplit(req.split, this.hooks.onReject)) return encode(pb.IndexReply, {});
    if (req.job !== this.job.job) {
      this.hooks.onReject('unknown-job', `index request for job ${req.job}`);
      return encode(pb.IndexReply, {});
    }
    const list = this.lists[splitName(req.split)];
    const paths: string[] = [];
    const labels: number[] = [];
    let bytes = 0;
    // Pages stay under the chunk budget: ~8 bytes of framing per entry plus the path.
    for (let i = req.offset; i < list.length; i++) {
      const cost = Buffer.byteLength(list[i]!.path) + 8;
      if (bytes + cost > this.job.chunkBytes && paths.length > 0) break;
      bytes += cost;
      paths.push(list[i]!.path);
      labels.push(list[i]!.label);
    }
    return encode(pb.IndexReply, { paths, labels, total: list.length });
  }

  private onWeights(data: Uint8Array, source: ChunkSource | undefined, what: string): Uint8Array {
    const req = decodeOrReject(pb.ChunkRequest, data, 'ChunkRequest', this.hooks.onReject);
    if (!req) return encode(pb.TensorChunk, { error: 'malformed ChunkRequest' });
    if (req.job !== this.job.job) {
      this.hooks.onReject('unknown-job', `${what} request for job ${req.job}`);
      return encode(pb.TensorChunk, { job: req.job, error: `unknown job ${req.job}` });
    }
    if (!source || source.version !== req.version) {
      this.hooks.onReject('stale', `${what} v${req.version} requested, current is v${source?.version ?? -1}`);
      return encode(pb.TensorChunk, {
        job: req.job,
        version: req.version,
        index: req.index,
        errorKind: pb.ErrorKind.STALE,
        error: `stale: current ${what} are v${source?.version ?? -1}`,
      });
    }
    return source.chunk(req.index);
  }

  private async onData(data: Uint8Array): Promise<Uint8Array> {
    const req = decodeOrReject(pb.DataRequest, data, 'DataRequest', this.hooks.onReject);
    if (!req) return encode(pb.DataReply, { error: 'malformed DataRequest' });
    // Only files the index lists are served: a worker cannot read anything else off this disk.
    if (req.job !== this.job.job || !this.known.has(req.path)) {
      this.hooks.onReject('unknown-path', `data request for ${req.job}:${req.path}`);
      return encode(pb.DataReply, { error: `not in the dataset: ${req.path}` });
    }
    const file = join(this.index.root, ...req.path.split('/'));
    try {
      const total = (await stat(file)).size;
      const buf = await readFile(file);
      const end = Math.min(total, req.offset + this.job.chunkBytes);
      return encode(pb.DataReply, { data: buf.subarray(req.offset, end), total });
    } catch (e) {
      return encode(pb.DataReply, { error: `cannot read ${req.path}: ${(e as Error).message}` });
    }
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
  }
}
