// The coordinator's requests to its workers, and the checks on what they answer: one table of
// (holds, reason, what is logged, what is thrown) per result, each refusal counted by its reason.
import type { NatsConnection } from 'nats';
import { OutOfMemoryError, ProtocolError, type RejectReason } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import { decode, encode, pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { requestWorker } from './liveness.js';
import type { WorkerInfo } from './registry.js';

export interface CommandsContext {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  io: Io;
  stepTimeoutMs: number;
  onReject: (reason: RejectReason, detail: string) => void;
  onBytes?: (direction: 'in' | 'out', bytes: number) => void;
}

/** Where a step starts: the weights every worker must hold (by checksum) and the optimizer's step count. */
export interface StepOrigin {
  version: number;
  checksum: number;
  optimizerStep: number;
}

/** A worker's refusal: out of memory stops the run with the worker's own line; anything else is retried. */
export function workerError(w: WorkerInfo, r: { error: string; errorKind: pb.ErrorKind }): Error {
  if (r.errorKind === pb.ErrorKind.OUT_OF_MEMORY) return new OutOfMemoryError(r.error);
  return new ProtocolError('worker-error', `rank ${w.rank}: ${r.error}`);
}

export class WorkerCommands {
  private seq = 0;

  constructor(private readonly c: CommandsContext) {}

  /** A new command sequence number (steps and evaluation pieces share one count). */
  nextSeq(): number {
    return ++this.seq;
  }

  request(w: WorkerInfo, subject: string, data: Uint8Array, seq: number, timeoutMs = this.c.stepTimeoutMs): Promise<Uint8Array> {
    const { nc, s, job, io, onBytes } = this.c;
    return requestWorker({ nc, s, job: job.job, io, ...(onBytes ? { onBytes } : {}) }, { worker: w, subject, data, seq, timeoutMs });
  }

  /**
   * Sends one shard to `w` and returns its validated result; the gradient stays on the worker.
   * With `reduce`, the worker all-reduces it with the ranks listed and answers with its new weights.
   */
  async step(
    w: WorkerInfo,
    origin: StepOrigin,
    shard: { indices: number[]; epoch: number; dropoutSeed: number },
    reduce?: { ranks: number[]; exchange: number },
  ): Promise<pb.StepResult> {
    const { job, s } = this.c;
    const seq = this.nextSeq();
    const cmd = encode(pb.StepCommand, {
      job: job.job,
      step: seq,
      epoch: shard.epoch,
      paramsVersion: origin.version,
      paramsChecksum: origin.checksum,
      indices: shard.indices,
      dropoutSeed: shard.dropoutSeed,
      rank: w.rank,
      reduceRanks: reduce?.ranks ?? [],
      exchange: reduce?.exchange ?? 0,
      adamStep: origin.optimizerStep,
    });
    this.c.onBytes?.('out', cmd.length);
    const bytes = await this.request(w, s.step(w.rank), cmd, seq);
    const r = this.checked(() => decode(pb.StepResult, bytes, 'StepResult'));
    if (r.error) throw workerError(w, r);
    this.check([
      [
        r.step === seq && r.rank === w.rank && r.job === job.job,
        'stale',
        `result for step ${r.step} rank ${r.rank}, expected ${seq} rank ${w.rank}`,
        `rank ${w.rank} answered for another step`,
      ],
      [
        r.total === job.paramCount,
        'wrong-length',
        `rank ${w.rank} gradient has ${r.total} values, expected ${job.paramCount}`,
        `rank ${w.rank} sent a gradient of the wrong length`,
      ],
    ]);
    return r;
  }

  /** Tells the ranks of a sharded exchange to stop waiting for each other's parts. */
  abortExchange(exchange: number, reason: string): void {
    this.c.nc.publish(this.c.s.control, encode(pb.Control, { job: this.c.job.job, kind: pb.Control.Kind.ABORT, reason, exchange }));
  }

  /**
   * The result checks, as one table: each row is (holds, reason, what is logged and counted, what
   * the thrown ProtocolError says). The first row that does not hold is counted and thrown.
   */
  check(rows: [holds: boolean, reason: RejectReason, detail: string, message: string][]): void {
    for (const [holds, reason, detail, message] of rows) {
      if (holds) continue;
      this.c.onReject(reason, detail);
      throw new ProtocolError(reason, message);
    }
  }

  /** Runs `f`; a ProtocolError it throws (a decode, a finiteness check) is counted under its reason first. */
  checked<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof ProtocolError) this.c.onReject(e.reason, e.message);
      throw e;
    }
  }
}
