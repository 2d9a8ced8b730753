// Raw nats.js throughput through one server, at its best, for `bench exchange` to hold our
// exchange against: messages of the server's chunk size (8 MiB with deploy/nats/nats.conf), a
// few in flight, and the sending and receiving ends in two processes, as our workers are. It runs
// with either client: nats.js as shipped ('stock'), or with the transport syncgrad connects
// through ('whole', common/wire/transport.ts), so the exchange is held against the transport it
// really has. Run as a script, this file is the peer process:
// `node nats-probe.js <url> sub|reply <bytes> <messages> stock|whole`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, type ConnectionOptions, type NatsConnection } from 'nats';
import { connectWhole } from '../common/wire/transport.js';
import { tuneHeapGrowth } from '../common/heap-growth.js';
import { median } from './stats.js';

/** Bytes each probe moves: 512 MiB takes 1–3 s on loopback, long enough for a steady rate. */
export const PROBE_BYTES = 512 * 1024 * 1024;
/** Messages in flight: 4 × 8 MiB kept the server and both clients busy in the measurement (365–380 MB/s). */
export const PROBE_IN_FLIGHT = 4;
/**
 * Each probe runs this many times and reports its median. One 512 MiB run read anywhere from 426
 * to 647 MB/s within a session here, a wider spread than the 10-step exchange median it is held against.
 */
export const PROBE_REPEATS = 3;
const PEER_TIMEOUT_MS = 30_000;

/** The nats.js client as shipped, or with syncgrad's whole-message transport. */
export type ProbeClient = 'stock' | 'whole';

const connectWith = (client: ProbeClient, opts: ConnectionOptions): Promise<NatsConnection> => (client === 'whole' ? connectWhole(opts) : connect(opts));

export interface RawThroughput {
  client: ProbeClient;
  /** One publisher process to one subscriber process, MB/s from the first publish to the last delivery (median of the runs). */
  pubSubMBps: number;
  /** One requester keeping PROBE_IN_FLIGHT requests in flight to a responder process, MB/s of replies (median of the runs). */
  pullMBps: number;
  /** Messages per run. */
  messages: number;
  repeats: number;
}

/** Starts the peer process and waits until its subscription is in place. */
async function peer(
  url: string,
  role: 'sub' | 'reply',
  bytes: number,
  messages: number,
  client: ProbeClient,
): Promise<{ child: ChildProcess; lines: AsyncIterator<string> }> {
  const self = fileURLToPath(import.meta.url);
  // From the sources (tests run them through tsx) the peer needs the same loader.
  const loader = self.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, self, url, role, String(bytes), String(messages), client], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await Promise.race([
    lines.next(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the NATS probe peer did not start')), PEER_TIMEOUT_MS)),
  ]);
  if (first.done || first.value !== 'ready') throw new Error(`the NATS probe peer said ${JSON.stringify(first.value)}`);
  return { child, lines };
}

function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.kill('SIGTERM');
  return new Promise((r) => child.once('exit', () => r()));
}

/** Both probes through `url` with messages of `messageBytes`, every end using `client`. */
export async function natsThroughput(url: string, messageBytes: number, client: ProbeClient, probeBytes = PROBE_BYTES): Promise<RawThroughput> {
  const messages = Math.max(16, Math.round(probeBytes / messageBytes));
  const payload = new Uint8Array(messageBytes).fill(7);
  const nc = await connectWith(client, { servers: url, name: 'bench-probe' });
  try {
    // pub/sub: flush (a round trip to the server) every PROBE_IN_FLIGHT messages bounds what is queued.
    const sub = await peer(url, 'sub', messageBytes, messages, client);
    const pubSub: number[] = [];
    try {
      for (let run = 0; run < PROBE_REPEATS; run++) {
        const t0 = performance.timeOrigin + performance.now();
        for (let i = 0; i < messages; i++) {
          nc.publish('bench.pubsub', payload);
          if (i % PROBE_IN_FLIGHT === PROBE_IN_FLIGHT - 1) await nc.flush();
        }
        const last = await sub.lines.next();
        const t1 = Number(last.value);
        pubSub.push((messages * messageBytes) / 1e6 / ((t1 - t0) / 1000));
      }
    } finally {
      await end(sub.child);
    }
    const rep = await peer(url, 'reply', messageBytes, messages, client);
    const pull: number[] = [];
    try {
      for (let run = 0; run < PROBE_REPEATS; run++) {
        let next = 0;
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: PROBE_IN_FLIGHT }, async () => {
            while (next++ < messages) await nc.request('bench.pull', new Uint8Array(8), { timeout: 10_000 });
          }),
        );
        pull.push((messages * messageBytes) / 1e6 / ((performance.now() - t0) / 1000));
      }
    } finally {
      await end(rep.child);
    }
    return { client, pubSubMBps: median(pubSub), pullMBps: median(pull), messages, repeats: PROBE_REPEATS };
  } finally {
    await nc.close();
  }
}

async function runPeer(url: string, role: string, bytes: number, messages: number, client: ProbeClient): Promise<void> {
  // The same V8 settings as every syncgrad process, so the probe and the exchange compare alike.
  tuneHeapGrowth();
  const nc = await connectWith(client, { servers: url, name: `bench-probe-${role}` });
  if (role === 'sub') {
    let received = 0;
    nc.subscribe('bench.pubsub', {
      callback: () => {
        // The wall clock of each run's last delivery: comparable with the publisher's on one machine.
        if (++received % messages === 0) process.stdout.write(`${performance.timeOrigin + performance.now()}\n`);
      },
    });
  } else {
    const payload = new Uint8Array(bytes).fill(7);
    nc.subscribe('bench.pull', { callback: (_e, m) => m.respond(payload) });
  }
  await nc.flush();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void nc.close().then(() => process.exit(0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [url, role, bytes, messages, client] = process.argv.slice(2);
  await runPeer(url!, role!, Number(bytes), Number(messages), client === 'whole' ? 'whole' : 'stock');
}
