// Feeds training with batches decoded in the background. Two limits keep a run's memory flat
// however large the dataset: at most `concurrency` decodes in flight, and nothing is decoded for
// a batch more than `prefetch` batches past the one the consumer last asked for. A file that
// will not decode costs one image, not the run: it is left out of its batch and counted.
import { ConfigError, ImageDecodeError } from '../errors.js';
import { decodeImage, type Channels } from './decode.js';
import type { Sample } from './dataset.js';

export interface Batch {
  /** [size, H, W, C] row-major. */
  x: Float32Array;
  y: Int32Array;
  size: number;
  /** Positions into the samples array of the images in this batch, in batch order. */
  indices: number[];
}

export type DecodeFn = (path: string, size: number, channels: Channels) => Promise<Float32Array>;

export interface LoaderOptions {
  imageSize: number;
  channels: Channels;
  batchSize: number;
  /** Batches decoded ahead of the one the consumer holds. 0: decode a batch only when asked for. */
  prefetch: number;
  /** Images decoded at once. sharp runs each on its own libuv thread, so more than the thread pool (4 by default) only queues. */
  concurrency: number;
  /** Replaces decodeImage: bytes fetched from elsewhere, or instrumented decoding in tests. Must throw ImageDecodeError for a bad image. */
  decode?: DecodeFn;
}

export const DEFAULT_PREFETCH = 2;
export const DEFAULT_DECODE_CONCURRENCY = 4;

export function defaultLoaderOptions(): LoaderOptions {
  return { imageSize: 64, channels: 3, batchSize: 32, prefetch: DEFAULT_PREFETCH, concurrency: DEFAULT_DECODE_CONCURRENCY };
}

const SKIP_EXAMPLES = 5;

/** Counts images that could not be decoded and keeps the first few, so one summary line at the end of an epoch says what was lost without flooding the log. */
export class SkipLog {
  count = 0;
  /** "path: reason" for the first five. */
  first: string[] = [];

  record(path: string, err: unknown): void {
    this.count++;
    if (this.first.length < SKIP_EXAMPLES) this.first.push(`${path}: ${skipReason(err)}`);
  }

  summary(): string | null {
    if (this.count === 0) return null;
    const more = this.count > this.first.length ? ', …' : '';
    const noun = this.count === 1 ? 'image' : 'images';
    return `skipped ${this.count} unreadable ${noun} (${this.first.join(', ')}${more})`;
  }
}

/** sharp's own message is the useful part of an ImageDecodeError; our wrapper only repeats the path. */
function skipReason(err: unknown): string {
  const inner = err instanceof ImageDecodeError && err.cause !== undefined ? err.cause : err;
  const text = inner instanceof Error ? inner.message : String(inner);
  return text.split('\n')[0]!.trim() || 'unknown error';
}

/**
 * Yields `order` (indices into `samples`) in chunks of batchSize, each decoded and in order.
 * Bad images are recorded in `skipLog` when their batch is delivered and left out; a batch with
 * none left is not yielded. Options are checked now, not at the first `next()`.
 * Stopping early (`break`) waits for decodes already started, so none outlive the loop.
 */
export function loadBatches(samples: Sample[], order: number[], options: LoaderOptions, skipLog: SkipLog): AsyncGenerator<Batch> {
  checkOptions(options);
  for (const i of order) {
    if (!Number.isInteger(i) || i < 0 || i >= samples.length) {
      throw new RangeError(`order holds ${i}, not an index into ${samples.length} samples`);
    }
  }
  return batches(samples, order, options, skipLog);
}

function checkOptions(o: LoaderOptions): void {
  const positive = (name: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got ${v}`);
  };
  positive('imageSize', o.imageSize, 1);
  positive('batchSize', o.batchSize, 1);
  positive('prefetch', o.prefetch, 0);
  positive('concurrency', o.concurrency, 1);
  if (o.channels !== 1 && o.channels !== 3) throw new ConfigError(`channels must be 1 or 3, got ${String(o.channels)}`);
}

type Slot = { state: 'pending' } | { state: 'ok'; pixels: Float32Array } | { state: 'failed'; err: unknown };

async function* batches(samples: Sample[], order: number[], options: LoaderOptions, skipLog: SkipLog): AsyncGenerator<Batch> {
  const { imageSize, channels, batchSize, prefetch, concurrency } = options;
  const decode = options.decode ?? decodeImage;
  const pixelsPerImage = imageSize * imageSize * channels;
  const batchCount = Math.ceil(order.length / batchSize);

  const slots: Slot[] = order.map(() => ({ state: 'pending' }));
  /** Settled slots per batch; a batch is ready when this reaches its length. */
  const settled = new Array<number>(batchCount).fill(0);
  /** Position in `order` of the next image to start decoding. */
  let cursor = 0;
  /** Batches the consumer has asked for; decoding may run up to `prefetch` batches past them. */
  let requested = 0;
  let closed = false;
  const inFlight = new Set<Promise<void>>();
  let wake: (() => void) | null = null;

  const batchLength = (b: number) => Math.min(batchSize, order.length - b * batchSize);

  const pump = () => {
    while (!closed && inFlight.size < concurrency && cursor < order.length) {
      const pos = cursor;
      const b = Math.floor(pos / batchSize);
      if (b >= requested + prefetch) break;
      cursor++;
      const sample = samples[order[pos]!]!;
      // Never rejects: the outcome lands in the slot, so an abandoned decode cannot become an
      // unhandled rejection.
      const p = Promise.resolve()
        .then(() => decode(sample.path, imageSize, channels))
        .then(
          (pixels) => {
            slots[pos] = { state: 'ok', pixels };
          },
          (err: unknown) => {
            slots[pos] = { state: 'failed', err };
          },
        )
        .then(() => {
          inFlight.delete(p);
          settled[b] = settled[b]! + 1;
          pump();
          wake?.();
        });
      inFlight.add(p);
    }
  };

  try {
    for (let b = 0; b < batchCount; b++) {
      requested = b + 1;
      pump();
      while (settled[b]! < batchLength(b)) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
      const batch = assemble(b);
      if (batch !== null) yield batch;
    }
  } finally {
    closed = true;
    await Promise.all(inFlight);
  }

  function assemble(b: number): Batch | null {
    const from = b * batchSize;
    const to = from + batchLength(b);
    const good: number[] = [];
    for (let pos = from; pos < to; pos++) {
      const slot = slots[pos]!;
      if (slot.state === 'ok') {
        if (slot.pixels.length !== pixelsPerImage) {
          throw new Error(`decoder returned ${slot.pixels.length} values for ${samples[order[pos]!]!.path}, expected ${pixelsPerImage}`);
        }
        good.push(pos);
      } else if (slot.state === 'failed') {
        if (!(slot.err instanceof ImageDecodeError)) throw slot.err;
        skipLog.record(samples[order[pos]!]!.path, slot.err);
      }
    }
    const x = new Float32Array(good.length * pixelsPerImage);
    const y = new Int32Array(good.length);
    const indices: number[] = [];
    good.forEach((pos, k) => {
      const slot = slots[pos] as { state: 'ok'; pixels: Float32Array };
      x.set(slot.pixels, k * pixelsPerImage);
      const idx = order[pos]!;
      y[k] = samples[idx]!.label;
      indices.push(idx);
    });
    // Release the decoded pixels now that they live in `x`.
    for (let pos = from; pos < to; pos++) slots[pos] = { state: 'pending' };
    return good.length === 0 ? null : { x, y, size: good.length, indices };
  }
}
