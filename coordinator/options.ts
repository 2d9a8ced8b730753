// Coordinator options: the training options plus the cluster's own, validated in one place.
import { z } from 'zod';
import type { TrainOptions } from '../common/train/options.js';
import { choiceFlag, intFlag, parseOptions } from '../common/zod-options.js';
import { CODEC_NAMES } from '../common/wire/codec-names.js';
import { DEFAULT_JOB, DEFAULT_NATS_URL, validateJobName } from '../common/wire/subjects.js';
import { DEFAULT_SHARD_MODE, SHARD_MODES, type ShardMode } from './shard-planner.js';

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
/** star: the coordinator reduces and serves the weights; sharded: the workers all-reduce and every replica steps Adam (docs/cluster.md); auto: by gradient size. */
export const EXCHANGES = ['auto', 'star', 'sharded'] as const;
export type ExchangeDesign = (typeof EXCHANGES)[number];
export const DEFAULT_EXCHANGE: ExchangeDesign = 'auto';
/**
 * `auto` picks sharded from this gradient size up. Chosen for the earlier, pull-based sharded
 * design, whose extra round-trip phase made it slower than the star at the demo's 32 px (1.7 MB
 * of gradient: 36–42 img/s against 43–46). The pushed all-reduce has no such phase: `bench
 * exchange` at 32² now measures 0.016 s a step against the star's 0.040 s (2026-12-03), so the
 * threshold is due to come down once the demo's accuracy is re-measured on it.
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
  codec: (typeof CODEC_NAMES)[number];
  metricsPort?: number;
  exchange: ExchangeDesign;
  /** How each step's batch is cut: weighted by each worker's measured speed, or equal (shard-planner.ts). */
  shards: ShardMode;
  /** Workers send a fixed synthetic gradient instead of computing (`bench exchange`). */
  syntheticGradients?: boolean;
}

export interface CoordinatorOptions {
  train: TrainOptions;
  cluster: ClusterOptions;
}

export function defaultClusterOptions(): ClusterOptions {
  return {
    nats: process.env.NATS_URL ?? DEFAULT_NATS_URL,
    job: DEFAULT_JOB,
    minWorkers: DEFAULT_MIN_WORKERS,
    workerWaitMs: DEFAULT_WORKER_WAIT_MS,
    stepTimeoutMs: DEFAULT_STEP_TIMEOUT_MS,
    dataMode: 'shared',
    codec: 'fp32',
    exchange: DEFAULT_EXCHANGE,
    shards: DEFAULT_SHARD_MODE,
  };
}

const clusterSchema = z.object({
  nats: z.string().min(1, '--nats must name a server'),
  job: z.string(),
  minWorkers: intFlag('--workers', 1),
  workerWaitMs: intFlag('--worker-wait', 1),
  stepTimeoutMs: intFlag('--step-timeout', 1),
  dataMode: choiceFlag('--data-mode', DATA_MODES),
  codec: choiceFlag('--codec', CODEC_NAMES),
  metricsPort: intFlag('--metrics-port', 0).optional(),
  exchange: choiceFlag('--exchange', EXCHANGES),
  shards: choiceFlag('--shards', SHARD_MODES),
  syntheticGradients: z.boolean().optional(),
});

export function parseClusterOptions(input: Partial<Record<keyof ClusterOptions, unknown>>): ClusterOptions {
  const o = parseOptions<ClusterOptions>(clusterSchema, defaultClusterOptions(), input);
  validateJobName(o.job);
  return o;
}

/** `cluster --max-restarts`: 0 keeps the coordinator in the launcher's own process. */
export const DEFAULT_MAX_RESTARTS = 0;
