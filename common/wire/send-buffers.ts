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
  private flushing = false;

  /**
   * @param capacity the largest message: bigger ones get a buffer of their own.
   * @param keep buffers kept for reuse (what one exchange step publishes).
   */
  constructor(
    private readonly nc: NatsConnection,
    readonly capacity: number,
    private readonly keep: number,
  ) {}

  /** A buffer of exactly `bytes`, reused when one is free. */
  take(bytes: number): Uint8Array {
    if (bytes > this.capacity) return new Uint8Array(bytes);
    return new Uint8Array(this.free.pop() ?? new ArrayBuffer(this.capacity), 0, bytes);
  }

  /** Published, or no longer served: reusable once a flush issued from now on is answered. */
  release(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength !== this.capacity || !(bytes.buffer instanceof ArrayBuffer)) return;
    this.pending.push(bytes.buffer);
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
    let flushed: Promise<void>;
    try {
      flushed = this.nc.flush();
    } catch {
      flushed = Promise.reject(new Error('closed'));
    }
    flushed
      .then(
        () => {
          for (const b of batch) if (this.free.length < this.keep) this.free.push(b);
        },
        () => undefined,
      )
      .finally(() => {
        this.flushing = false;
        this.flushSoon();
      });
  }
}
