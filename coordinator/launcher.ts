// `syncgrad cluster`, the local launcher (like torchrun --standalone): a NATS server, the
// coordinator in this process, and N worker processes. Worker output is prefixed with its rank
// slot; every child is reaped on the way out, error or not.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { ConfigError } from '../common/errors.js';
import type { Io } from '../common/io.js';
import type { TrainReport } from '../common/train/report.js';
import { Coordinator } from './coordinator.js';
import type { ClusterOptions } from './options.js';
import type { TrainOptions } from '../common/train/options.js';
import { provideNats } from './nats-provider.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
/** Workers get this long to exit after SHUTDOWN before SIGTERM (they finish at most one request). */
const WORKER_EXIT_GRACE_MS = 10_000;

export interface LaunchOptions {
  workers: number;
  train: TrainOptions;
  cluster: ClusterOptions;
  /** Backend the workers use (the coordinator's Adam runs on this process's backend). */
  workerBackend: string;
  allowInstall: boolean;
}

/** One `syncgrad worker` process on this machine; its output goes to `io` prefixed with its slot. */
export function spawnWorker(slot: number, url: string, o: { job: string; backend: string }, io: Io): ChildProcess {
  const args = [BIN, 'worker', '--nats', url, '--job', o.job, '--backend', o.backend];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NATS_URL: url } });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => io.err(`[worker ${slot}] ${line}`));
  }
  return child;
}

/** Waits for every child to exit, SIGTERM after the grace period. */
export async function reap(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      const timer = setTimeout(() => c.kill('SIGTERM'), WORKER_EXIT_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** Returns the report, or undefined when no NATS server could be had (the caller may fall back). */
export async function launchCluster(o: LaunchOptions, io: Io, backend: string): Promise<TrainReport | undefined> {
  if (!Number.isInteger(o.workers) || o.workers < 1) throw new ConfigError(`--workers must be an integer >= 1, got ${o.workers}`);
  const nats = await provideNats(io, { allowInstall: o.allowInstall });
  if (!nats) return undefined;
  io.err(`launcher: NATS at ${nats.url} (${nats.source}); starting ${o.workers} worker process(es)`);
  const children: ChildProcess[] = [];
  let coordinator: Coordinator | undefined;
  const stop = () => void coordinator?.close('interrupted');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    coordinator = await Coordinator.start({ train: o.train, cluster: { ...o.cluster, nats: nats.url, minWorkers: o.workers } }, io, backend);
    for (let i = 0; i < o.workers; i++) children.push(spawnWorker(i, nats.url, { job: o.cluster.job, backend: o.workerBackend }, io));
    return await coordinator.run();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await coordinator?.close();
    await reap(children);
    await nats.close();
  }
}
