// nats.js's Node transport with one change: what the socket reads goes through MessageFramer
// (frames.ts) before the protocol parser sees it, so a large message reaches the parser whole.
// Everything else (dialling, TLS, reconnects, writes) is nats.js's own. nats.js picks its
// transport through a process-wide factory that its `connect()` sets; `connectWhole` sets ours
// and connects the same way. The factory is asked again at every reconnect: a later plain
// `connect()` elsewhere in the process makes this connection's next socket a stock one, which
// is slower but the same protocol.
import { NatsConnectionImpl, setTransportFactory } from 'nats/lib/nats-base-client/internal_mod.js';
import { NodeTransport, nodeResolveHost } from 'nats/lib/src/node_transport.js';
import type { ConnectionOptions, NatsConnection } from 'nats';
import { MessageFramer } from './frames.js';

export class WholeMessageTransport extends NodeTransport {
  override setupHandlers(): void {
    super.setupHandlers();
    const framer = new MessageFramer((frame) => {
      this.yields.push(frame);
      this.signal.resolve();
    });
    // What peekInfo read (the server's INFO) is the start of the stream: it goes through the framer too.
    const early = this.yields.splice(0);
    for (const f of early) framer.push(f);
    // nats.js's own data handler is the only one on the socket; ours replaces it.
    this.socket.removeAllListeners('data');
    this.socket.on('data', (frame: Uint8Array) => framer.push(frame));
  }
}

/** nats.js `connect()`, through WholeMessageTransport. */
export function connectWhole(opts: ConnectionOptions): Promise<NatsConnection> {
  setTransportFactory({ factory: () => new WholeMessageTransport(), dnsResolveFn: nodeResolveHost });
  return NatsConnectionImpl.connect(opts);
}
