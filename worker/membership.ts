// How a worker belongs to a job: it knocks on the coordinator until one answers (JoinRequest), is
// given a rank and the job, and says when it is ready for commands; then it watches the
// coordinator's heartbeat, so that a coordinator that died (which says nothing) or was restarted
// (another id) sends it knocking again. Times come from an injectable clock.
import os from 'node:os';
import type { NatsConnection } from 'nats';
import { ProtocolError, TimeoutError } from '../common/errors.js';
import { decode, encode, pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { JOIN_RETRY_MS } from './options.js';

/** The coordinator heartbeats every second; this much silence means it is gone (a GC pause or a checkpoint write is < 2 s). */
export const COORDINATOR_SILENT_MS = 10_000;
/** A foreign coordinator's heartbeat wins once ours has been silent this long (two heartbeats missed). */
export const FOREIGN_HEARTBEAT_MS = 2500;
export const WATCHDOG_MS = 1000;
/** A join request waits this long for an answer before the next knock. */
const JOIN_REQUEST_MS = 5000;
/** The coordinator answers readiness at once; this is a server that lost the request. */
const READY_REQUEST_MS = 10_000;

export const WORKER_VERSION = '0.2.0';

export interface Hello {
  workerId: string;
  backend: string;
  joinTimeoutMs: number;
}

/** Knocks on the coordinator until it answers (up to joinTimeoutMs), and returns the job it was given. */
export async function knock(nc: NatsConnection, s: Subjects, h: Hello): Promise<pb.JoinReply> {
  const deadline = Date.now() + h.joinTimeoutMs;
  const request = encode(pb.JoinRequest, {
    workerId: h.workerId,
    host: os.hostname(),
    pid: process.pid,
    backend: h.backend,
    version: WORKER_VERSION,
    natsServer: nc.info?.server_id ?? '',
  });
  for (;;) {
    let reply: pb.JoinReply;
    try {
      reply = decode(pb.JoinReply, (await nc.request(s.join, request, { timeout: JOIN_REQUEST_MS })).data, 'JoinReply');
    } catch (e) {
      if (Date.now() > deadline) throw new TimeoutError(`no coordinator answered on ${s.join} within ${Math.round(h.joinTimeoutMs / 1000)} s`, { cause: e });
      await new Promise((r) => setTimeout(r, JOIN_RETRY_MS));
      continue;
    }
    if (!reply.accepted) throw new ProtocolError('refused', `coordinator refused to join: ${reply.reason}`);
    return reply;
  }
}

/** Tells the coordinator this worker's subscriptions are in place: it may send commands now. */
export async function announceReady(nc: NatsConnection, s: Subjects, job: string, workerId: string, rank: number): Promise<void> {
  // The server must know our subscriptions before the coordinator may send us work.
  await nc.flush();
  const ready = decode(
    pb.ReadyReply,
    (await nc.request(s.ready, encode(pb.ReadyRequest, { job, workerId, rank }), { timeout: READY_REQUEST_MS })).data,
    'ReadyReply',
  );
  if (!ready.accepted) throw new ProtocolError('refused', `coordinator refused readiness: ${ready.reason}`);
}

/** What a heartbeat means to this worker. */
export type HeartbeatVerdict = 'ours' | 'restarted' | 'ignored';

/**
 * The coordinator's heartbeat, watched. Silence counts only while the worker is idle and its own
 * timer runs on time: a step in progress (a wasm compute blocks the process for up to a minute at
 * 256²) holds back the heartbeats queued on the socket, and this timer can run before they are read.
 */
export class CoordinatorWatch {
  private coordinatorId = '';
  private heard: number;
  private lastTick: number;

  constructor(private readonly now: () => number = Date.now) {
    this.heard = now();
    this.lastTick = this.heard;
  }

  /** A coordinator accepted this worker: its heartbeats are the ones that count. */
  joined(coordinatorId: string): void {
    this.coordinatorId = coordinatorId;
    this.heard = this.now();
  }

  heartbeat(coordinatorId: string): HeartbeatVerdict {
    const now = this.now();
    if (coordinatorId === this.coordinatorId) {
      this.heard = now;
      return 'ours';
    }
    // Another coordinator while ours is silent: it was restarted (--resume, --max-restarts).
    return now - this.heard > FOREIGN_HEARTBEAT_MS ? 'restarted' : 'ignored';
  }

  /** One watchdog tick; true when the coordinator has been silent too long while this worker was idle. */
  tick(busy: boolean): boolean {
    const now = this.now();
    const stalled = now - this.lastTick > 2 * WATCHDOG_MS;
    this.lastTick = now;
    if (stalled || busy) this.heard = now;
    return now - this.heard >= COORDINATOR_SILENT_MS;
  }
}
