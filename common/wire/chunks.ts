// Moving a flat tensor as numbered chunks that each fit the server's max_payload. Both ends derive
// the same plan from (elements, codec, chunk bytes), so the receiver knows what it is owed and can
// ask again for exactly the chunks that went missing. Transfers are pulled: the receiver keeps a
// small window of requests in flight, which is also the back-pressure nats.js lacks.
import type { NatsConnection } from 'nats';
import { ProtocolError, TimeoutError, type RejectReason } from '../errors.js';
import { codecFor, type TensorCodec } from './codec.js';
import { decode, encode, pb, type Codec } from './messages.js';

/** Room left in each message for the protobuf envelope and NATS headers (measured: < 100 bytes). */
export const ENVELOPE_BYTES = 1024;
/** Requests in flight per transfer. 4 × 1 MB keeps loopback busy (~250 MB/s) without queueing. */
export const DEFAULT_WINDOW = 4;
/** A chunk of 1 MB answers in ~5 ms on loopback; 5 s means the peer is busy, gone, or the server is. */
export const DEFAULT_CHUNK_TIMEOUT_MS = 5000;
export const DEFAULT_CHUNK_RETRIES = 5;

/** TensorChunk.data's field tag: field 8, length-delimited. */
const DATA_TAG = (8 << 3) | 2;

/**
 * A TensorChunk with `data`, in one allocation and one copy of the data: the other fields through
 * protobufjs, then the data field appended (protobuf fields may come in any order, and every
 * decoder reads this as the message encode() would make). encode() copies 8 MiB of data twice
 * (its writer, then finish()), which profiled at ~2 s of copying and collection per 13 seed-scale
 * exchange steps in each worker. `alloc` gives the message its memory (send-buffers.ts reuses it).
 */
export function encodeTensorChunk(
  fields: Omit<pb.ITensorChunk, 'data'>,
  data: Uint8Array,
  alloc: (bytes: number) => Uint8Array = (n) => new Uint8Array(n),
): Uint8Array {
  const head = encode(pb.TensorChunk, fields);
  // proto3 leaves an empty field out, as encode() does.
  if (data.length === 0) return head;
  let n = data.length;
  let varint = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    varint++;
  }
  const out = alloc(head.length + 1 + varint + data.length);
  out.set(head, 0);
  let at = head.length;
  out[at++] = DATA_TAG;
  for (n = data.length; n >= 0x80; n = Math.floor(n / 128)) out[at++] = (n % 128) | 0x80;
  out[at++] = n;
  out.set(data, at);
  return out;
}

export interface ChunkPlan {
  count: number;
  perChunk: number;
  total: number;
}

export function chunkBytesFor(maxPayload: number): number {
  return Math.max(4096, maxPayload - ENVELOPE_BYTES);
}

export function planChunks(total: number, codec: TensorCodec, chunkBytes: number): ChunkPlan {
  const perChunk = Math.max(1, Math.floor(chunkBytes / codec.bytesPerElement));
  return { count: Math.max(1, Math.ceil(total / perChunk)), perChunk, total };
}

/**
 * Serves chunks of one tensor version. With `cache`, each chunk is encoded once and the bytes are
 * reused for every request: the coordinator serves the same weights to every replica (N encodes
 * of 65 MB per step at the seed's size otherwise). The source must not change while served.
 */
export class ChunkSource {
  readonly plan: ChunkPlan;
  private readonly encoded?: (Uint8Array | undefined)[];
  constructor(
    readonly job: string,
    readonly version: number,
    readonly flat: Float32Array,
    readonly codec: TensorCodec,
    chunkBytes: number,
    cache = false,
  ) {
    this.plan = planChunks(flat.length, codec, chunkBytes);
    if (cache) this.encoded = new Array(this.plan.count);
  }

  chunk(index: number): Uint8Array {
    const { count } = this.plan;
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      return encode(pb.TensorChunk, { job: this.job, version: this.version, index, error: `chunk ${index} out of range 0..${count - 1}` });
    }
    if (this.encoded) return (this.encoded[index] ??= this.encodeChunk(index));
    return this.encodeChunk(index);
  }

  private encodeChunk(index: number): Uint8Array {
    const { perChunk, count, total } = this.plan;
    const start = index * perChunk;
    const end = Math.min(total, start + perChunk);
    return encodeTensorChunk(
      { job: this.job, version: this.version, index, count, offset: start, total, codec: this.codec.codec },
      this.codec.encode(this.flat, start, end),
    );
  }
}

export interface PullOptions {
  nc: NatsConnection;
  subject: string;
  job: string;
  version: number;
  rank: number;
  total: number;
  codec: Codec;
  chunkBytes: number;
  window?: number;
  timeoutMs?: number;
  retries?: number;
  /** Called for every rejected reply (malformed, stale, wrong length, duplicate). */
  onReject?: (reason: RejectReason, detail: string) => void;
  /** Receives bytes moved, for metrics. */
  onBytes?: (bytes: number) => void;
  /** Only chunks [first, end) of the plan (the sharded exchange pulls one slice of a gradient). */
  chunks?: { first: number; end: number };
  /** Decode into this full-length array instead of a new one. */
  into?: Float32Array;
}

/** Consecutive "no responders" answers before a peer counts as gone (a server restart gives one). */
export const DEAD_AFTER_MISSES = 3;

export function isNoResponders(e: unknown): boolean {
  return (e as { code?: string })?.code === '503';
}

/** Pulls every chunk of a tensor and returns it assembled. Throws TimeoutError when a chunk stays unanswerable. */
export async function pullTensor(o: PullOptions): Promise<Float32Array> {
  const codec = codecFor(o.codec);
  const plan = planChunks(o.total, codec, o.chunkBytes);
  const out = o.into ?? new Float32Array(o.total);
  if (out.length !== o.total) throw new Error(`pull target has ${out.length} values, expected ${o.total}`);
  const first = o.chunks?.first ?? 0;
  const end = Math.min(plan.count, o.chunks?.end ?? plan.count);
  const have = new Uint8Array(plan.count);
  const window = o.window ?? DEFAULT_WINDOW;
  const timeout = o.timeoutMs ?? DEFAULT_CHUNK_TIMEOUT_MS;
  const retries = o.retries ?? DEFAULT_CHUNK_RETRIES;
  const reject = (reason: RejectReason, detail: string) => o.onReject?.(reason, detail);

  const fetchOne = async (index: number): Promise<void> => {
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      let bytes: Uint8Array;
      try {
        const msg = await o.nc.request(o.subject, encode(pb.ChunkRequest, { job: o.job, version: o.version, index, rank: o.rank }), { timeout });
        bytes = msg.data;
      } catch (e) {
        if (isNoResponders(e)) throw new TimeoutError(`no one answers ${o.subject}`, { cause: e });
        lastError = e;
        continue;
      }
      o.onBytes?.(bytes.length);
      let c: ReturnType<typeof pb.TensorChunk.decode>;
      try {
        c = decode(pb.TensorChunk, bytes, 'TensorChunk');
      } catch (e) {
        reject('malformed', (e as Error).message);
        lastError = e;
        continue;
      }
      // A chunk this transfer already holds, answered for another request (a responder replaying
      // an old reply): reject it as a duplicate and ask again; it must not overwrite or count.
      if (c.index !== index && !c.error && c.job === o.job && c.version === o.version && c.index < plan.count && have[c.index]) {
        reject('duplicate', `${o.subject} chunk ${c.index} arrived again in reply to a request for chunk ${index}`);
        lastError = new ProtocolError('duplicate', `chunk ${c.index} again`);
        continue;
      }
      const problem = checkChunk(c, o, plan, index, codec);
      if (problem) {
        reject(problem.reason, problem.detail);
        lastError = new ProtocolError(problem.reason, problem.detail);
        // A stale version will not become fresh by asking again: give up on it now.
        if (problem.reason === 'stale') throw lastError;
        continue;
      }
      codec.decode(c.data, out, c.offset);
      have[index] = 1;
      return;
    }
    throw new TimeoutError(`chunk ${index}/${plan.count} of ${o.subject} v${o.version} failed after ${retries + 1} tries`, { cause: lastError });
  };

  let next = first;
  const lanes = Array.from({ length: Math.max(0, Math.min(window, end - first)) }, async () => {
    while (next < end) await fetchOne(next++);
  });
  await Promise.all(lanes);
  return out;
}

function checkChunk(
  c: ReturnType<typeof pb.TensorChunk.decode>,
  o: PullOptions,
  plan: ChunkPlan,
  index: number,
  codec: TensorCodec,
): { reason: RejectReason; detail: string } | undefined {
  if (c.error) return { reason: c.errorKind === pb.ErrorKind.STALE ? 'stale' : 'refused', detail: `${o.subject}: ${c.error}` };
  if (c.job !== o.job) return { reason: 'unknown-job', detail: `chunk for job ${c.job}, expected ${o.job}` };
  if (c.version !== o.version) return { reason: 'stale', detail: `chunk v${c.version}, expected v${o.version}` };
  if (c.index !== index || c.count !== plan.count) return { reason: 'wrong-index', detail: `chunk ${c.index}/${c.count}, expected ${index}/${plan.count}` };
  const start = index * plan.perChunk;
  const n = Math.min(plan.total, start + plan.perChunk) - start;
  if (c.offset !== start || c.total !== plan.total || c.codec !== codec.codec || c.data.length !== n * codec.bytesPerElement) {
    return {
      reason: 'wrong-length',
      detail: `chunk ${index}: ${c.data.length} bytes at ${c.offset} of ${c.total}, expected ${n * codec.bytesPerElement} at ${start} of ${plan.total}`,
    };
  }
  return undefined;
}
