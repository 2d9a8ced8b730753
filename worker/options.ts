// Worker options: one typed object, defaults, one validating parse.
import { z } from 'zod';
import type { RejectReason } from '../common/errors.js';
import { intFlag, parseOptions } from '../common/zod-options.js';
import { DEFAULT_JOB, DEFAULT_NATS_URL, validateJobName } from '../common/wire/subjects.js';
import { parseMicroBatch, type MicroBatchChoice } from '../common/train/micro-batch.js';

export { DEFAULT_JOB };
/** How long a worker keeps knocking before giving up on a coordinator that never answers. */
export const DEFAULT_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
/** Between join attempts: short enough that a worker started first joins ~1 s after the coordinator. */
export const JOIN_RETRY_MS = 1000;

export interface WorkerOptions {
  nats: string;
  job: string;
  /** Overrides the coordinator's dataset root when this machine mounts it elsewhere. */
  dataRoot?: string;
  joinTimeoutMs: number;
  /** Stable identity for logs; defaults to host:pid. */
  name?: string;
  /** Images per forward/backward pass here; unset: the job's choice (auto by default). */
  microBatch?: MicroBatchChoice;
  /** Where --data-mode nats caches fetched images (a syncgrad-cache-* folder, removed at close); default the OS temp dir. */
  cacheRoot?: string;
}

export function defaultWorkerOptions(): WorkerOptions {
  return { nats: process.env.NATS_URL ?? DEFAULT_NATS_URL, job: DEFAULT_JOB, joinTimeoutMs: DEFAULT_JOIN_TIMEOUT_MS };
}

/** One URL, or a comma-separated list of one NATS cluster's servers. */
const NATS_URLS = /^((nats|tls|ws|wss):\/\/\S+|[\w.-]+:\d+)(\s*,\s*((nats|tls|ws|wss):\/\/\S+|[\w.-]+:\d+))*$/;

const workerSchema = z.object({
  nats: z.string().regex(NATS_URLS, { message: '--nats must be a URL like nats://host:4222 (or a comma-separated list of them)' }),
  job: z.string(),
  dataRoot: z.string().min(1).optional(),
  joinTimeoutMs: intFlag('--join-timeout', 1),
  name: z.string().min(1).optional(),
  microBatch: z.unknown().optional(),
  cacheRoot: z.string().min(1).optional(),
});

export function parseWorkerOptions(input: Partial<WorkerOptions>): WorkerOptions {
  const o = parseOptions(workerSchema, defaultWorkerOptions(), input) as WorkerOptions;
  validateJobName(o.job);
  if (o.microBatch !== undefined) o.microBatch = parseMicroBatch(o.microBatch);
  return o;
}

export interface WorkerEnd {
  reason: string;
  failed: boolean;
}

export interface WorkerHooks {
  /** Called for each message the worker refuses. */
  onReject?: (reason: RejectReason, detail: string) => void;
  /** Called after each computed shard. */
  onStep?: (s: { rank: number; count: number; computeSeconds: number; repairs: number }) => void;
  /** Sharded exchange: called once this worker has pushed its gradient's parts of an exchange. */
  onExchangePushed?: (exchange: number) => void;
}
