// Reused buffers for outgoing chunk messages. A fresh 8 MiB Uint8Array per message costs the
// kernel's page clearing, V8's zero fill and, every 64 MB of new buffers, a full collection: with
// ~65 MB published per worker and step at the seed's size, that is work the raw probe does not do.
//
// nats.js keeps a reference to a published payload until it packs its outbound queue into one
// copy: in the microtask after publish(), at once when more than 32 KiB is queued, or, while
// disconnected, not at all (a reconnect drops the queue). A flush() issued after the publish only
// resolves on the server's PONG, which follows the message on the wire, so by then nats.js has
// copied it; a flush that rejects (disconnect, close) leaves the buffer to the collector instead.
import type { NatsConnection } from 'nats';

export class SendBuffers {
  private readonly free: ArrayBuffer[] = [];
  private pending: ArrayBuffer[] = [];
  private readonly mine = new WeakSet<ArrayBuffer>();
  private flushing = false;
  /** Free buffers kept for reuse; the exchange sets it to what one of its steps publishes. */
  keep = 0;

  constructor(private readonly nc: NatsConnection) {}

  /**
   * A buffer of exactly `bytes`: a free one of at most twice that size when there is one (a
   * step's messages are all about one chunk long), else a new one of that size.
   */
  take(bytes: number): Uint8Array {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const n = this.free[i]!.byteLength;
      if (n >= bytes && n <= 2 * bytes && (best < 0 || n < this.free[best]!.byteLength)) best = i;
    }
    if (best >= 0) return new Uint8Array(this.free.splice(best, 1)[0]!, 0, bytes);
    const buffer = new ArrayBuffer(bytes);
    this.mine.add(buffer);
    return new Uint8Array(buffer);
  }

  /** Published, or no longer served: reusable once a flush issued from now on is answered. */
  release(bytes: Uint8Array): void {
    const buffer = bytes.buffer as ArrayBuffer;
    // Not one of ours: an empty chunk's message is protobufjs's own bytes.
    if (!this.mine.has(buffer)) return;
    this.pending.push(buffer);
    this.flushSoon();
  }

  /** Buffers free now (tests). */
  get idle(): number {
    return this.free.length;
  }

  private flushSoon(): void {
    if (this.flushing || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.flushing = true;
    // A closed connection answers with a rejected promise, as a disconnect does.
    this.nc
      .flush()
      .then(
        () => {
          this.free.push(...batch);
          // The oldest go first: a step whose chunks shrank (more ranks) leaves its larger buffers behind.
          if (this.free.length > this.keep) this.free.splice(0, this.free.length - this.keep);
        },
        () => undefined,
      )
      .finally(() => {
        this.flushing = false;
        this.flushSoon();
      });
  }
}
