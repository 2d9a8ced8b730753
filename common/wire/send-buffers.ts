// Reused buffers for outgoing chunk messages (the pool: buffer-pool.ts), and the rule for when
// one may be written again.
//
// A published payload is still read after publish() returns: nats.js queues it until the
// microtask after publish(), or at once past 32 KiB, and then syncgrad's transport
// (transport.ts) hands it to the socket, which reads it until the kernel has taken it all; while
// disconnected it stays queued, and a reconnect drops the queue. A flush() issued after the
// publish only resolves on the server's PONG, which follows the message on the wire, so by then
// the message has been written; a flush that rejects (disconnect, close) leaves the buffer to the
// collector instead.
import type { NatsConnection } from 'nats';
import { BufferPool } from './buffer-pool.js';

export class SendBuffers {
  private readonly pool = new BufferPool({ keep: 0, roundTo: 1 });
  private pending: ArrayBuffer[] = [];
  private flushing = false;

  constructor(private readonly nc: NatsConnection) {}

  /** Free buffers kept for reuse; the exchange sets it to what one of its steps publishes. */
  get keep(): number {
    return this.pool.keep;
  }
  set keep(n: number) {
    this.pool.keep = n;
  }

  /** A buffer of exactly `bytes`, reused when a free one fits (BufferPool.take). */
  take(bytes: number): Uint8Array {
    return this.pool.take(bytes);
  }

  /** Published, or no longer served: reusable once a flush issued from now on is answered. */
  release(bytes: Uint8Array): void {
    // Not one of ours: an empty chunk's message is protobufjs's own bytes.
    if (!this.pool.lent(bytes.buffer)) return;
    this.pending.push(bytes.buffer as ArrayBuffer);
    this.flushSoon();
  }

  /** Buffers free now (tests). */
  get idle(): number {
    return this.pool.idle;
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
          for (const b of batch) this.pool.give(b);
        },
        () => undefined,
      )
      .finally(() => {
        this.flushing = false;
        this.flushSoon();
      });
  }
}
