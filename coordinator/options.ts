// Coordinator options: the training options plus the cluster's own, validated in one place.
import { ConfigError } from '../common/errors.js';
import type { TrainOptions } from '../common/train/options.js';
import { CODEC_NAMES } from '../common/wire/codec-names.js';
import { validateJobName } from '../common/wire/subjects.js';

export const DEFAULT_MIN_WORKERS = 1;
/** Workers usually join within seconds of the coordinator; two minutes covers a slow image pull. */
export const DEFAULT_WORKER_WAIT_MS = 120_000;
/**
 * Longest a step may take before its worker counts as a straggler and its shard moves. A wasm
 * worker computes a 256² batch-32 step in ~60 s here; 10 minutes leaves room for slower machines.
 */
export const DEFAULT_STEP_TIMEOUT_MS = 600_000;
/** Liveness probe period while waiting on a worker: a dead one is noticed within ~2 periods. */
export const PROBE_INTERVAL_MS = 1000;
export const DATA_MODES = ['shared', 'nats'] as const;
/** star: the coordinator reduces and serves the weights; sharded: each worker reduces and updates one slice (docs/cluster.md); auto: by gradient size. */
export const EXCHANGES = ['auto', 'star', 'sharded'] as const;
export type ExchangeDesign = (typeof EXCHANGES)[number];
export const DEFAULT_EXCHANGE: ExchangeDesign = 'auto';
/**
 * `auto` picks sharded from this gradient size up. The sharded step adds one round-trip phase
 * (reduce commands) and saves bytes: at the demo's 32 px (1.7 MB of gradient) the star trained
 * 43–46 img/s against the sharded's 36–42; at 64² (4.9 MB) the sharded exchange took 0.19 s a
 * step against the star's 0.40 s, and at the seed's 64.6 MB 1.9 s against 2.9 s.
 */
export const SHARDED_FROM_BYTES = 4 * 2 ** 20;

/** The design a job of `paramCount` parameters uses. */
export function resolveExchange(choice: ExchangeDesign, paramCount: number): 'star' | 'sharded' {
  if (choice !== 'auto') return choice;
  return paramCount * 4 >= SHARDED_FROM_BYTES ? 'sharded' : 'star';
}

export interface ClusterOptions {
  nats: string;
  job: string;
  /** Workers to wait for before the first step. */
  minWorkers: number;
  workerWaitMs: number;
  stepTimeoutMs: number;
  /** shared: workers read the dataset path; nats: workers fetch image bytes from the coordinator. */
  dataMode: (typeof DATA_MODES)[number];
  codec: string;
  metricsPort?: number;
  exchange: ExchangeDesign;
  /** Workers send a fixed synthetic gradient instead of computing (`bench exchange`). */
  syntheticGradients?: boolean;
}

export interface CoordinatorOptions {
  train: TrainOptions;
  cluster: ClusterOptions;
}

export function defaultClusterOptions(): ClusterOptions {
  return {
    nats: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    job: 'default',
    minWorkers: DEFAULT_MIN_WORKERS,
    workerWaitMs: DEFAULT_WORKER_WAIT_MS,
    stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS,
    dataMode: 'shared',
    codec: 'fp32',
    exchange: DEFAULT_EXCHANGE,
  };
}

export function parseClusterOptions(input: Partial<Record<keyof ClusterOptions, unknown>>): ClusterOptions {
  const o = defaultClusterOptions() as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(input)) if (v !== undefined) o[k] = v;
  const int = (key: string, flag: string, min: number) => {
    const n = Number(o[key]);
    if (!Number.isInteger(n) || n < min) throw new ConfigError(`${flag} must be an integer >= ${min}, got ${JSON.stringify(o[key])}`);
    o[key] = n;
  };
  int('minWorkers', '--workers', 1);
  int('workerWaitMs', '--worker-wait', 1);
  int('stepTimeoutMs', '--step-timeout', 1);
  if (o.metricsPort !== undefined) int('metricsPort', '--metrics-port', 0);
  validateJobName(String(o.job));
  if (!(DATA_MODES as readonly string[]).includes(String(o.dataMode))) throw new ConfigError(`--data-mode must be one of ${DATA_MODES.join(', ')}`);
  if (!(EXCHANGES as readonly string[]).includes(String(o.exchange))) throw new ConfigError(`--exchange must be one of ${EXCHANGES.join(', ')}, got ${JSON.stringify(o.exchange)}`);
  if (!(CODEC_NAMES as readonly string[]).includes(String(o.codec))) throw new ConfigError(`--codec must be one of ${CODEC_NAMES.join(', ')}`);
  return o as unknown as ClusterOptions;
}

/** `cluster --max-restarts`: 0 keeps the coordinator in the launcher's own process. */
export const DEFAULT_MAX_RESTARTS = 0;
