// Worker options: one typed object, defaults, one validating parse.
import { ConfigError } from '../common/errors.js';
import { validateJobName } from '../common/wire/subjects.js';
import { parseMicroBatch, type MicroBatchChoice } from '../common/train/micro-batch.js';

export const DEFAULT_JOB = 'default';
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
}

export function defaultWorkerOptions(): WorkerOptions {
  return { nats: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', job: DEFAULT_JOB, joinTimeoutMs: DEFAULT_JOIN_TIMEOUT_MS };
}

export function parseWorkerOptions(input: Partial<WorkerOptions>): WorkerOptions {
  const o: WorkerOptions = { ...defaultWorkerOptions() };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  // One URL, or a comma-separated list of one NATS cluster's servers.
  for (const url of o.nats.split(',')) {
    if (!/^(nats|tls|ws|wss):\/\/|^[\w.-]+:\d+$/.test(url.trim())) throw new ConfigError(`--nats must be a URL like nats://host:4222 (or a comma-separated list of them), got ${JSON.stringify(o.nats)}`);
  }
  validateJobName(o.job);
  if (!(o.joinTimeoutMs > 0)) throw new ConfigError('--join-timeout must be positive');
  if (o.microBatch !== undefined) o.microBatch = parseMicroBatch(o.microBatch);
  return o;
}
