// How much memory a native process may plan its passes for: the host's (or its container's)
// memory, or the GPU's, shared by the workers on it. The wasm heap's own ceiling is heap-limit.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { ConfigError } from '../errors.js';

/**
 * Environment: how many worker processes share this host's memory (and its GPU). `syncgrad
 * cluster` sets it for the workers it starts (torchrun's LOCAL_WORLD_SIZE is read too); a host
 * where you start several workers by hand should set it as well. Default 1.
 */
export const LOCAL_WORKERS_ENV = 'SYNCGRAD_LOCAL_WORKERS';

export interface MemoryBudget {
  /** Bytes of the whole device (host RAM or GPU memory). */
  bytes: number;
  /** Processes planning on the same bytes. */
  sharers: number;
  /** Where the figure came from, for the plan's log line. */
  source: string;
}

function readNumber(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    const n = Number(text);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The host's memory, or the container's limit when that is lower (cgroup v2, then v1). */
export function hostMemoryBytes(): { bytes: number; source: string } {
  const total = totalmem();
  const limit = readNumber('/sys/fs/cgroup/memory.max') ?? readNumber('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  if (limit !== undefined && limit < total) return { bytes: limit, source: 'the cgroup memory limit' };
  return { bytes: total, source: "the host's memory" };
}

export function localWorkers(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[LOCAL_WORKERS_ENV] ?? env.LOCAL_WORLD_SIZE;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new ConfigError(
      `${env[LOCAL_WORKERS_ENV] !== undefined ? LOCAL_WORKERS_ENV : 'LOCAL_WORLD_SIZE'} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  return n;
}

/**
 * Memory of the GPU this process computes on, from the driver (nvidia-smi): the first device
 * CUDA_VISIBLE_DEVICES names, else GPU 0. undefined when the driver does not answer.
 */
export function gpuMemoryBytes(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const device = (env.CUDA_VISIBLE_DEVICES ?? '0').split(',')[0]!.trim() || '0';
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=memory.total', '--format=csv,noheader,nounits', `--id=${device}`], {
      timeout: 5000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const mib = Number(out.trim().split('\n')[0]);
    return Number.isFinite(mib) && mib > 0 ? mib * 2 ** 20 : undefined;
  } catch {
    return undefined;
  }
}

/** What a native backend plans from: the GPU's memory on tensorflow-gpu, else the host's, shared by the local workers. */
export function nativeMemoryBudget(backend: string, env: NodeJS.ProcessEnv = process.env): MemoryBudget {
  const sharers = localWorkers(env);
  if (backend === 'tensorflow-gpu') {
    const gpu = gpuMemoryBytes(env);
    if (gpu !== undefined) return { bytes: gpu, sharers, source: "the GPU's memory" };
  }
  return { ...hostMemoryBytes(), sharers };
}
