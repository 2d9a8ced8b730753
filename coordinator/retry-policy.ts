// What a star step does when one shard fails: the decision table, apart from the engine so that it
// can be read and tested on its own. A shard is a fixed set of samples; the worker that computed it
// is an accident, so most failures move the shard to another worker in the same step.
import { OutOfMemoryError, ProtocolError, type RejectReason } from '../common/errors.js';

/** A shard that failed this often on live workers is not the workers' fault: stop the run. */
export const MAX_SHARD_ATTEMPTS = 4;
/** Results that convict the worker that sent them, not the samples. */
export const MISBEHAVIOUR: ReadonlySet<RejectReason> = new Set(['non-finite', 'checksum', 'wrong-length', 'malformed', 'stale']);

/** How the failure looked from the engine. */
export type ShardFailure =
  | { kind: 'out-of-memory'; error: Error }
  | { kind: 'worker-lost'; error: Error }
  | { kind: 'protocol'; error: ProtocolError }
  | { kind: 'other'; error: Error };

export type ShardDecision =
  /** The run stops with this error; nothing of the step is applied. */
  | { action: 'stop'; error: Error }
  /** Drop (evict) the worker and give the shard to another one. */
  | { action: 'drop-worker-and-retry'; why: string }
  /** Give the shard to a worker again (the same one may take it). */
  | { action: 'retry'; why: string };

export function classifyShardFailure(e: unknown, isWorkerLost: (e: unknown) => boolean): ShardFailure {
  if (e instanceof OutOfMemoryError) return { kind: 'out-of-memory', error: e };
  if (isWorkerLost(e)) return { kind: 'worker-lost', error: e as Error };
  if (e instanceof ProtocolError) return { kind: 'protocol', error: e };
  return { kind: 'other', error: e instanceof Error ? e : new Error(String(e)) };
}

/**
 * `attempts` and `misbehaved` count this shard's failures before this one, in this step.
 * - Out of memory: the same samples fit no other worker either; stop.
 * - A lost worker: drop it, retry the shard elsewhere (no limit: the step waits for workers).
 * - Bad data (MISBEHAVIOUR): drop the worker (it rejoins with a fresh replica) and retry; the same
 *   shard failing so twice is the model diverging or the data being bad, so stop before anything
 *   reaches the weights.
 * - Anything else (a worker's own error): retry, up to MAX_SHARD_ATTEMPTS tries.
 */
export function decideShardFailure(f: ShardFailure, attempts: number, misbehaved: number): ShardDecision {
  switch (f.kind) {
    case 'out-of-memory':
      return { action: 'stop', error: f.error };
    case 'worker-lost':
      return { action: 'drop-worker-and-retry', why: f.error.message };
    case 'protocol':
      if (MISBEHAVIOUR.has(f.error.reason)) {
        if (misbehaved + 1 >= 2)
          return {
            action: 'stop',
            error: new ProtocolError(f.error.reason, `training diverged or data is bad: ${f.error.message} (twice for the same samples)`, { cause: f.error }),
          };
        return { action: 'drop-worker-and-retry', why: f.error.message };
      }
      break;
    case 'other':
      break;
  }
  if (attempts + 1 >= MAX_SHARD_ATTEMPTS) return { action: 'stop', error: f.error };
  return { action: 'retry', why: f.error.message };
}
