// What native TensorFlow reads from the environment when its library loads, set before tfjs-node is
// imported: TensorFlow creates its thread pools once, from TF_NUM_INTRAOP_THREADS and
// TF_NUM_INTEROP_THREADS (0 or unset: one thread per core), and stops logging below
// TF_CPP_MIN_LOG_LEVEL. A process's own settings win over ours.
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../errors.js';

export const INTRA_OP_ENV = 'TF_NUM_INTRAOP_THREADS';
export const INTER_OP_ENV = 'TF_NUM_INTEROP_THREADS';
export const LOG_LEVEL_ENV = 'TF_CPP_MIN_LOG_LEVEL';
export const ONEDNN_ENV = 'TF_ENABLE_ONEDNN_OPTS';
/**
 * Warnings and errors only: at level 0 TensorFlow prints a line per device and per XLA client at
 * start. One line still comes through at any level: "oneDNN custom operations are on", which
 * TensorFlow writes before its logging is configured (it goes with TF_ENABLE_ONEDNN_OPTS=0, which
 * costs 1.4-1.9x in training speed here).
 */
export const DEFAULT_LOG_LEVEL = '2';

/** The two lines TensorFlow writes at load whatever the log level (see DEFAULT_LOG_LEVEL); the launcher drops them from its workers' output. */
const BANNER = [
  /^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/,
  /^I\d{4} [\d:.]+\s+\d+ port\.cc:\d+\] oneDNN custom operations are on\./,
];

export function isTensorFlowBanner(line: string): boolean {
  return BANNER.some((re) => re.test(line));
}

export interface NativeEnvOptions {
  /** Threads for TensorFlow's intra-op and inter-op pools; undefined: TensorFlow's default (every core). */
  threads?: number;
}

/** `--threads N`: a positive integer. */
export function parseThreads(value: unknown, flag = '--threads'): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** Sets what TensorFlow reads at load. An explicit thread count overrides the environment's. */
export function applyNativeEnv(o: NativeEnvOptions, env: NodeJS.ProcessEnv = process.env): void {
  if (o.threads !== undefined) {
    env[INTRA_OP_ENV] = String(o.threads);
    env[INTER_OP_ENV] = String(o.threads);
  }
  if (env[LOG_LEVEL_ENV] === undefined) env[LOG_LEVEL_ENV] = DEFAULT_LOG_LEVEL;
}

/** The thread counts TensorFlow took from `env` (0 or unset means one per core). */
export function nativeThreads(env: NodeJS.ProcessEnv = process.env): { intraOp: number; interOp: number } {
  const read = (name: string) => {
    const n = Number(env[name]);
    return Number.isInteger(n) && n > 0 ? n : availableParallelism();
  };
  return { intraOp: read(INTRA_OP_ENV), interOp: read(INTER_OP_ENV) };
}

/** oneDNN is on in TensorFlow's x86-64 builds unless TF_ENABLE_ONEDNN_OPTS is 0 or false. */
export function oneDnnEnabled(env: NodeJS.ProcessEnv = process.env, arch = process.arch): boolean {
  const v = env[ONEDNN_ENV]?.toLowerCase();
  if (v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  return arch === 'x64';
}

/**
 * Threads for each of `workers` processes sharing this host: its cores divided evenly, at least
 * one (torchrun sets OMP_NUM_THREADS=1 for several local processes; we give each its share).
 */
export function threadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}
