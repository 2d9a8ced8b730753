// Liveness while the coordinator waits on a worker, apart from what it waits for. NATS core has no
// delivery guarantee and a busy wasm worker cannot heartbeat (it blocks its event loop while it
// computes), so a request is watched from the outside: "no responders" on the worker's ping subject
// three times running means the worker is gone; an idle worker that never started the request, or
// already answered it, means a message was lost (a server restart) and the request is sent again.
import type { NatsConnection } from 'nats';
import type { Io } from '../common/console/io.js';
import { DEAD_AFTER_MISSES, isNoResponders } from '../common/wire/chunks.js';
import { decode, encode, pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { PROBE_INTERVAL_MS } from './options.js';
import type { WorkerInfo } from './registry.js';

export { DEAD_AFTER_MISSES };

/** The worker is gone, or the request to it cannot be answered: its shard moves elsewhere. */
export class WorkerLost extends Error {
  constructor(
    readonly worker: WorkerInfo,
    why: string,
  ) {
    super(why);
    this.name = 'WorkerLost';
  }
}

export interface LivenessContext {
  nc: NatsConnection;
  s: Subjects;
  job: string;
  io: Io;
  onBytes?: (direction: 'in' | 'out', bytes: number) => void;
}

export interface WorkerRequest {
  worker: WorkerInfo;
  subject: string;
  data: Uint8Array;
  /** The command's sequence number: the ping's answer says whether the worker has it. */
  seq: number;
  timeoutMs: number;
}

/**
 * A request that fails fast when its worker disappears, and survives a lost message. While it
 * waits it pings the worker: "no responders" three times running means the worker is gone; an
 * idle worker that never started `seq`, or already answered it, means the command or the reply
 * was lost (a server restart), so the request is sent again (workers answer a repeated seq from
 * cache).
 */
export async function requestWorker(ctx: LivenessContext, r: WorkerRequest): Promise<Uint8Array> {
  const { nc, s } = ctx;
  const { worker: w, subject, data, seq, timeoutMs } = r;
  let stopped = false;
  const attempts: Promise<{ data: Uint8Array }>[] = [nc.request(subject, data, { timeout: timeoutMs })];
  let resend: () => void = () => {};
  const watch = (async (): Promise<never> => {
    let misses = 0;
    let lost = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
      if (stopped) return new Promise<never>(() => {});
      try {
        const pong = decode(
          pb.Pong,
          (await nc.request(s.ping(w.rank), encode(pb.Ping, { job: ctx.job, sentMs: Date.now() }), { timeout: PROBE_INTERVAL_MS })).data,
          'Pong',
        );
        misses = 0;
        // Two idle answers in a row rule out a reply that is merely in flight.
        lost = pong.currentSeq !== seq && (pong.lastSeq === seq || pong.lastSeq < seq) ? lost + 1 : 0;
        if (lost >= 2 && !stopped) {
          lost = 0;
          ctx.io.err(`coordinator: request ${seq} to rank ${w.rank} was lost in transit; sending it again`);
          resend();
        }
      } catch (e) {
        // A busy worker times out (its subscription exists); a gone one has no responders.
        if (isNoResponders(e) && ++misses >= DEAD_AFTER_MISSES) throw new WorkerLost(w, 'stopped answering (no responders)');
      }
    }
  })();
  try {
    const msg = await new Promise<{ data: Uint8Array }>((resolve, reject) => {
      let failures = 0;
      let absent = 0;
      // nc.request rejects with a NatsError.
      const track = (p: Promise<{ data: Uint8Array }>) =>
        p.then(resolve, (e: Error) => {
          // No responders can be a worker between two servers of a NATS cluster (its server died,
          // it reconnects within ~1 s): ask again, and count it gone only as the probe would.
          if (isNoResponders(e) && ++absent < DEAD_AFTER_MISSES && !stopped) {
            failures++;
            setTimeout(() => resend(), PROBE_INTERVAL_MS);
            return;
          }
          // The first attempt's failure only counts once every resend has failed too.
          if (++failures >= attempts.length) reject(e);
        });
      resend = () => {
        const p = nc.request(subject, data, { timeout: timeoutMs });
        attempts.push(p);
        void track(p);
      };
      void track(attempts[0]!);
      watch.catch(reject);
    });
    ctx.onBytes?.('in', msg.data.length);
    return msg.data;
  } catch (e) {
    if (e instanceof WorkerLost) throw e;
    if (isNoResponders(e)) throw new WorkerLost(w, 'has no subscription (gone)');
    if (nc.isClosed()) throw new WorkerLost(w, 'the coordinator closed its connection (shutting down)');
    throw new WorkerLost(w, `did not answer within ${Math.round(timeoutMs / 1000)} s`);
  } finally {
    stopped = true;
  }
}
