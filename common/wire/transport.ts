// nats.js's Node transport with two changes for large messages; dialling, TLS, reconnects and
// the protocol are nats.js's own.
//
// Reading: what the socket reads goes through MessageFramer (frames.ts) before the protocol
// parser sees it, so a message that spans socket reads reaches the parser whole. Its memory comes
// from a pool that a subscriber may hand a message back to (releaseMessage), once it has copied
// out what it needs: the exchange does, so its ~65 MB a step of incoming chunks reuse the same
// few buffers instead of driving V8's external-memory collections.
//
// Writing: nats.js queues a PUB line, its payload and a CRLF, then joins them into one new
// zero-filled buffer before the socket write. For an 8 MiB payload that is an 8 MiB allocation
// (it drives V8's external-memory GCs), a memset and a copy. Here the queue is handed to the
// socket as it is, in one corked write: the kernel copies straight from the caller's buffers,
// and runs of small commands between large payloads are joined as before.
// The cost of that: a payload of GATHER_MIN_BYTES or more is read from the caller's memory
// after publish() returns, until the socket has written it. Change it only after a flush()
// issued after the publish has resolved: SendBuffers (send-buffers.ts) waits for exactly that, and
// every other large payload syncgrad sends is a fresh buffer, never written again.
//
// nats.js picks its transport through a process-wide factory that its `connect()` sets;
// `connectWhole` sets ours, and connects the same way. The factory is asked again at every
// reconnect. A later plain `connect()` elsewhere in the process makes this connection's next
// socket a stock one, which is slower but speaks the same protocol.
import { NatsConnectionImpl, setTransportFactory, type DataBuffer } from 'nats/lib/nats-base-client/internal_mod.js';
import { NodeTransport, nodeResolveHost } from 'nats/lib/src/node_transport.js';
import type { ConnectionOptions, NatsConnection } from 'nats';
import { BufferPool } from './buffer-pool.js';
import { MessageFramer } from './frames.js';

/**
 * Payloads this large are written from the caller's memory. Below it the copy costs less than
 * the extra iovec: the exchange's chunks are 8 MiB, and its control messages under 1 KiB.
 */
export const GATHER_MIN_BYTES = 64 * 1024;

/** What the outbound queue hands the transport instead of one joined buffer: the parts, in order. */
interface Gathered extends Uint8Array {
  parts: Uint8Array[];
}

/**
 * The parts of an outbound queue, ready for one vectored write: each part of GATHER_MIN_BYTES
 * or more as it is, each run of smaller ones joined into one buffer.
 */
export function gatherParts(queue: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let run: Uint8Array[] = [];
  const endRun = () => {
    if (run.length === 1) out.push(run[0]!);
    else if (run.length > 1) out.push(Buffer.concat(run));
    run = [];
  };
  for (const p of queue) {
    if (p.length >= GATHER_MIN_BYTES) {
      endRun();
      out.push(p);
    } else if (p.length > 0) run.push(p);
  }
  endRun();
  return out;
}

/**
 * Memory for gathered incoming messages, shared by every connection of the process. Four: at
 * N=2 a worker holds at most one incoming chunk at a time, and a few arrive while it reduces.
 * New buffers are rounded up to 64 KiB so that chunks a few header bytes apart share them.
 */
const receiveBuffers = new BufferPool({ keep: 4, roundTo: 64 * 1024 });

/**
 * Hands an incoming message's memory back for the next large message to be gathered into. Call
 * it only from the subscription callback that received `data`, once nothing keeps a view of it
 * (the callback has copied out what it needs, and stores neither `data` nor anything decoded
 * from it). Messages this transport did not gather are left alone.
 */
export function releaseMessage(data: Uint8Array): void {
  receiveBuffers.give(data.buffer);
}

/** Free receive buffers now (tests). */
export const idleReceiveBuffers = (): number => receiveBuffers.idle;

export class WholeMessageTransport extends NodeTransport {
  override setupHandlers(): void {
    super.setupHandlers();
    const framer = new MessageFramer(
      (frame) => {
        this.yields.push(frame);
        this.signal.resolve();
      },
      (n) => receiveBuffers.take(n),
    );
    // What peekInfo read (the server's INFO) is the start of the stream: it goes through the framer too.
    const early = this.yields.splice(0);
    for (const f of early) framer.push(f);
    // nats.js's own data handler is the only one on the socket; ours replaces it.
    this.socket.removeAllListeners('data');
    this.socket.on('data', (frame: Uint8Array) => framer.push(frame));
  }

  override send(frame: Uint8Array): void {
    const parts = (frame as Partial<Gathered>).parts;
    if (!parts) return super.send(frame);
    if (this.isClosed || this.socket === undefined) return;
    // A write error closes the socket, and nats.js reconnects, as it does for its own writes.
    this.socket.cork();
    for (const p of parts) this.socket.write(p);
    this.socket.uncork();
  }
}

/**
 * Makes the connection's outbound queue hand WholeMessageTransport its parts when one is large.
 * nats 2.29.3 (pinned: the last 2.x) keeps that queue at `protocol.outbound` and drains it
 * whole in flushPending(); where that shape is missing this returns false and nothing changes.
 */
export function gatherOutbound(nc: NatsConnection): boolean {
  const protocol = (nc as { protocol?: { outbound?: DataBuffer; transport?: unknown } }).protocol;
  const ob = protocol?.outbound;
  if (!protocol || !ob || typeof ob.drain !== 'function' || !Array.isArray(ob.buffers) || typeof ob.byteLength !== 'number') return false;
  const drain = ob.drain.bind(ob);
  ob.drain = (n?: number): Uint8Array => {
    // Only our transport writes parts; a stock one (after a plain connect() elsewhere) gets the joined buffer.
    if (n !== undefined || !(protocol.transport instanceof WholeMessageTransport) || !ob.buffers.some((p) => p.length >= GATHER_MIN_BYTES)) return drain(n);
    const parts = gatherParts(ob.buffers.splice(0));
    ob.byteLength = 0;
    return Object.assign(new Uint8Array(0), { parts });
  };
  return true;
}

/** nats.js `connect()`, through WholeMessageTransport, with gathered writes. */
export async function connectWhole(opts: ConnectionOptions): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new WholeMessageTransport(), dnsResolveFn: nodeResolveHost });
  const nc = await NatsConnectionImpl.connect(opts);
  gatherOutbound(nc);
  return nc;
}
