// How a worker gets at the images: the coordinator's sample lists (fetched once at join), then
// either a path this machine can read, or the bytes themselves over NATS, cached on local disk.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import type { Sample } from '../common/data/dataset.js';
import { writeFileAtomic } from '../common/atomic-write.js';
import { decodeImageBuffer, type Channels } from '../common/data/decode.js';
import { ImageDecodeError, ProtocolError, TimeoutError } from '../common/errors.js';
import { decode, encode, pb, SPLIT_NAMES, splitOf } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { indexHash } from '../common/wire/index-hash.js';

export type SplitLists = Record<(typeof SPLIT_NAMES)[number], Sample[]>;

/** A small request answers in ~1 ms; 10 s is a coordinator busy applying a 16M-param Adam step. */
const REQUEST_TIMEOUT_MS = 10_000;
const REQUEST_RETRIES = 3;
/** close() waits this long for fetches in flight; one past the network wait finishes in milliseconds. */
const CLOSE_WAIT_MS = 2000;

async function requestWithRetry(nc: NatsConnection, subject: string, data: Uint8Array): Promise<Uint8Array> {
  let last: unknown;
  for (let i = 0; i <= REQUEST_RETRIES; i++) {
    try {
      return (await nc.request(subject, data, { timeout: REQUEST_TIMEOUT_MS })).data;
    } catch (e) {
      last = e;
    }
  }
  throw new TimeoutError(`no answer on ${subject}`, { cause: last });
}

/** Fetches every split's sample list (paths relative to the dataset root) and checks its fingerprint. */
export async function fetchIndex(nc: NatsConnection, s: Subjects, job: pb.JobSpec): Promise<SplitLists> {
  const lists = { train: [], val: [], test: [] } as SplitLists;
  for (const name of SPLIT_NAMES) {
    const expected = name === 'train' ? job.trainCount : name === 'val' ? job.valCount : job.testCount;
    while (lists[name].length < expected) {
      const bytes = await requestWithRetry(nc, s.index, encode(pb.IndexRequest, { job: job.job, split: splitOf(name), offset: lists[name].length }));
      const page = decode(pb.IndexReply, bytes, 'IndexReply');
      if (page.paths.length === 0 || page.paths.length !== page.labels.length)
        throw new ProtocolError('malformed', `index page for ${name} at ${lists[name].length} is empty or ragged`);
      page.paths.forEach((p, i) => lists[name].push({ path: p, label: page.labels[i]! }));
    }
  }
  const got = indexHash(lists);
  if (got !== job.indexHash) throw new ProtocolError('index-mismatch', `sample index fingerprint ${got} differs from the coordinator's ${job.indexHash}`);
  return lists;
}

export function withRoot(lists: SplitLists, root: string): SplitLists {
  const map = (xs: Sample[]) => xs.map((x) => ({ path: join(root, x.path), label: x.label }));
  return { train: map(lists.train), val: map(lists.val), test: map(lists.test) };
}

/** Image bytes fetched from the coordinator, cached on disk for later epochs. */
export class RemoteImages implements AsyncDisposable {
  // A promise, so concurrent first fetches share one directory.
  private cacheDir?: Promise<string>;
  private closed = false;
  /** Fetches in flight: close() waits for them, or one finishing late would recreate the directory it removed. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly job: string,
    private readonly cacheRoot: string = tmpdir(),
  ) {}

  private async dir(): Promise<string> {
    if (this.closed) throw new ImageDecodeError('<image cache>', { cause: new Error('worker is closing') });
    this.cacheDir ??= mkdtemp(join(this.cacheRoot, 'syncgrad-cache-'));
    return this.cacheDir;
  }

  async bytes(path: string): Promise<Buffer> {
    const p = this.fetch(path);
    this.inflight.add(p);
    try {
      return await p;
    } finally {
      this.inflight.delete(p);
    }
  }

  private async fetch(path: string): Promise<Buffer> {
    const file = join(await this.dir(), createHash('sha1').update(path).digest('hex'));
    try {
      return await readFile(file);
    } catch {
      // not cached yet
    }
    const parts: Uint8Array[] = [];
    let offset = 0;
    let total = Infinity;
    while (offset < total) {
      const reply = decode(pb.DataReply, await requestWithRetry(this.nc, this.subject, encode(pb.DataRequest, { job: this.job, path, offset })), 'DataReply');
      if (reply.error) throw new ImageDecodeError(path, { cause: new Error(reply.error) });
      if (reply.data.length === 0 && reply.total > offset) throw new ProtocolError('malformed', `empty data reply for ${path} at ${offset}`);
      parts.push(reply.data);
      offset += reply.data.length;
      total = reply.total;
    }
    const buf = Buffer.concat(parts);
    // Closing: the bytes are still good for this caller, but nothing may be cached any more.
    if (this.closed) return buf;
    await writeFileAtomic(file, buf);
    return buf;
  }

  readonly decode = async (path: string, size: number, channels: Channels): Promise<Float32Array> => {
    let buf: Buffer;
    try {
      buf = await this.bytes(path);
    } catch (e) {
      if (e instanceof ImageDecodeError) throw e;
      throw new ImageDecodeError(path, { cause: e });
    }
    return decodeImageBuffer(buf, size, channels, path);
  };

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Bounded: a fetch waiting on a gone server (up to 4 × 10 s) must not hold up the exit.
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    if (this.cacheDir) await rm(await this.cacheDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
