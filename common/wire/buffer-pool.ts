// Reused message memory, for the exchange's outgoing chunks (send-buffers.ts) and for large
// incoming messages (transport.ts). A fresh 8 MiB buffer per message costs the kernel's page
// clearing and, every 64 MB of new ArrayBuffers, one of V8's full collections (its
// external-memory trigger, which no flag moves); the exchange moves ~65 MB each way per worker
// and step at the seed's size. The pool only hands memory out and takes it back: when a buffer
// is safe to reuse is its user's rule.

export interface BufferPoolOptions {
  /** Free buffers kept; the oldest go first beyond it. */
  keep: number;
  /** New buffers are this many bytes rounded up, so messages a few bytes apart share them (1: exact). */
  roundTo: number;
}

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  /** Handed out and not given back: only these are taken back, each once. */
  private readonly out = new WeakSet<ArrayBuffer>();
  keep: number;
  private readonly roundTo: number;

  constructor(o: BufferPoolOptions) {
    this.keep = o.keep;
    this.roundTo = o.roundTo;
  }

  /**
   * A view of exactly `bytes`: on a free buffer of at most twice that size when there is one
   * (a step's messages are all about one chunk long), else on a new one.
   */
  take(bytes: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const n = this.free[i]!.byteLength;
      if (n >= bytes && n <= 2 * bytes && (best < 0 || n < this.free[best]!.byteLength)) best = i;
    }
    const buffer = best >= 0 ? this.free.splice(best, 1)[0]! : new ArrayBuffer(Math.ceil(bytes / this.roundTo) * this.roundTo);
    this.out.add(buffer);
    return new Uint8Array(buffer, 0, bytes);
  }

  /** Whether `buffer` is out of this pool now. */
  lent(buffer: ArrayBufferLike): boolean {
    return this.out.has(buffer as ArrayBuffer);
  }

  /** Takes a lent buffer back for reuse; anything else (foreign memory, a second give) is ignored. */
  give(buffer: ArrayBufferLike): void {
    if (!this.out.delete(buffer as ArrayBuffer)) return;
    this.free.push(buffer as ArrayBuffer);
    // A step whose chunks shrank (more ranks) leaves its larger buffers behind.
    if (this.free.length > this.keep) this.free.splice(0, this.free.length - this.keep);
  }

  /** Buffers free now (tests). */
  get idle(): number {
    return this.free.length;
  }
}
