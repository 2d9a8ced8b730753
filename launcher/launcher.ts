// `syncgrad cluster`, the local launcher (like torchrun --standalone): a NATS server, the
// coordinator, and N worker processes. Worker output is prefixed with its rank slot; every child is
// reaped on the way out, error or not. With --max-restarts K (torchrun's flag) the coordinator runs
// as a child process too, so that it can die alone: a dead coordinator is started again with
// --resume and the workers rejoin it by themselves; a dead worker is started again. K restarts in
// all, then the run fails. Each worker gets its share of this host's cores as native TensorFlow
// threads (--threads) and learns how many workers share the host's memory (SYNCGRAD_LOCAL_WORKERS),
// which --micro-batch auto plans from. A worker process that dies is named with its exit code or
// signal; without restarts, the run stops once no worker is left.

import { spawn, type ChildProcess } from 'node:child_process';
import { SYNCGRAD_BIN } from '../common/paths.js';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { handleShutdownSignals } from '../common/signals.js';
import { ConfigError, InterruptedError } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import type { TrainReport } from '../common/run/report.js';
import { Coordinator } from '../coordinator/coordinator.js';
import type { ClusterOptions } from '../coordinator/options.js';
import type { TrainOptions } from '../common/train/options.js';
import { provideNats } from './nats-provider.js';
import { LOCAL_WORKERS_ENV } from '../common/backend/host-memory.js';
import { isTensorFlowBanner, threadsPerWorker } from '../common/backend/native/env.js';
import { verbose } from '../common/backend/native/quiet.js';

const BIN = SYNCGRAD_BIN;
/** Workers get this long to exit after SHUTDOWN before SIGTERM (they finish at most one request). */
const WORKER_EXIT_GRACE_MS = 10_000;

export interface LaunchOptions {
  workers: number;
  train: TrainOptions;
  cluster: ClusterOptions;
  /** Backend the workers use (the coordinator, in this process or a child, computes no tensor). */
  workerBackend: string;
  /** Native TensorFlow threads per worker; default: this host's cores divided among the workers. */
  workerThreads?: number;
  allowInstall: boolean;
  /** Restarts of dead processes (coordinator or workers) before the run fails; 0: the coordinator runs in this process. */
  maxRestarts: number;
  /** With maxRestarts > 0: the `syncgrad coordinator` arguments for this run (the user's flags, launcher-only ones removed). */
  coordinatorArgs?: string[];
}

export { DEFAULT_MAX_RESTARTS } from '../coordinator/options.js';

/** The cluster command's flags that only the launcher understands, each with its value. */
const LAUNCHER_ONLY_FLAGS = new Set(['--workers', '--worker-backend', '--max-restarts', '--nats']);

/** `argv` (what followed `cluster`) without the launcher's own flags: the coordinator's arguments. */
export function coordinatorArgsFrom(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=')[0]!;
    if (LAUNCHER_ONLY_FLAGS.has(name)) {
      if (!a.includes('=')) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

function spawnCoordinator(args: string[], url: string, workers: number, io: Io): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'coordinator', ...args, '--nats', url, '--workers', String(workers)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATS_URL: url },
  });
  createInterface({ input: child.stdout }).on('line', (line) => io.out(line));
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (verbose() || !isTensorFlowBanner(line)) io.err(`[coordinator] ${line}`);
  });
  return child;
}

const exitOf = (c: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve({ code: c.exitCode, signal: c.signalCode })
    : new Promise((r) => c.once('exit', (code, signal) => r({ code, signal })));
type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * How a child ended, in words. SIGKILL is named for what usually sends it: a process killed for
 * memory prints nothing of its own, and before this a user saw only "stopped answering".
 */
export function describeExit(e: Exit, passes?: string): string {
  if (e.signal === 'SIGKILL') {
    const remedy = passes ? `; if memory ran out, a smaller --micro-batch than its passes of ${passes}, or fewer workers on this host, needs less` : '';
    return `was killed by SIGKILL, the signal the kernel's OOM killer sends (dmesg tells whether it did)${remedy}`;
  }
  return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
}

/** Options of one local worker process. */
export interface LocalWorker {
  job: string;
  backend: string;
  /** --threads for it. */
  threads?: number;
  /** Workers sharing this host (SYNCGRAD_LOCAL_WORKERS). */
  localWorkers: number;
}

/** One `syncgrad worker` process on this machine; its output goes to `io` prefixed with its slot. */
export function spawnWorker(slot: number, url: string, o: LocalWorker, io: Io): ChildProcess & { passes?: string } {
  const args = [BIN, 'worker', '--nats', url, '--job', o.job, '--backend', o.backend, ...(o.threads !== undefined ? ['--threads', String(o.threads)] : [])];
  const child: ChildProcess & { passes?: string } = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NATS_URL: url, [LOCAL_WORKERS_ENV]: String(o.localWorkers) },
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      // The size of its passes, from its join line, for the OOM remedy (describeExit).
      const plan = /micro-batch (\d+|unlimited)/.exec(line);
      if (plan) child.passes = plan[1];
      if (verbose() || !isTensorFlowBanner(line)) io.err(`[worker ${slot}] ${line}`);
    });
  }
  return child;
}

function localWorker(o: LaunchOptions): LocalWorker {
  return { job: o.cluster.job, backend: o.workerBackend, threads: o.workerThreads ?? threadsPerWorker(o.workers), localWorkers: o.workers };
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
export async function launchCluster(o: LaunchOptions, io: Io): Promise<TrainReport | undefined> {
  if (!Number.isInteger(o.workers) || o.workers < 1) throw new ConfigError(`--workers must be an integer >= 1, got ${o.workers}`);
  if (!Number.isInteger(o.maxRestarts) || o.maxRestarts < 0) throw new ConfigError(`--max-restarts must be an integer >= 0, got ${o.maxRestarts}`);
  const nats = await provideNats(io, { allowInstall: o.allowInstall });
  if (!nats) return undefined;
  io.err(`launcher: NATS at ${nats.url} (${nats.source}); starting ${o.workers} worker process(es)`);
  const children: ChildProcess[] = [];
  let coordinator: Coordinator | undefined;
  let stopping = false;
  const release = handleShutdownSignals({
    what: 'launcher',
    io,
    stop: async (sig) => {
      stopping = true;
      // Everyone hears it at once: workers and a child coordinator bound their own shutdown.
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
      await coordinator?.close(`interrupted (${sig})`);
    },
    // A forced exit does not reach the finally below: the server this launcher started goes too.
    onForce: () => {
      children.forEach((c) => c.kill('SIGKILL'));
      nats.killNow();
    },
  });
  try {
    if (o.maxRestarts === 0) {
      const c = await Coordinator.start({ train: o.train, cluster: { ...o.cluster, nats: nats.url, minWorkers: o.workers } }, io);
      coordinator = c;
      const w = localWorker(o);
      io.err(`launcher: each worker computes on ${w.threads} thread(s) (--threads; native TensorFlow)`);
      let finished = false;
      let alive = o.workers;
      for (let i = 0; i < o.workers; i++) {
        const child = spawnWorker(i, nats.url, w, io);
        children.push(child);
        void exitOf(child).then((e) => {
          alive--;
          if (finished || stopping || (e.code === 0 && !e.signal)) return;
          const how = describeExit(e, child.passes);
          io.err(`launcher: worker ${i} (pid ${child.pid}) ${how}`);
          c.noteWorkerExit(child.pid!, how);
          if (alive === 0) void c.close(`stopped: every worker process died, the last one (worker ${i}, pid ${child.pid}) ${how}`);
        });
      }
      try {
        return await c.run();
      } finally {
        finished = true;
      }
    }
    return await supervise(o, nats.url, children, io, () => stopping);
  } finally {
    release();
    await coordinator?.close();
    await reap(children);
    await nats.close();
  }
}

/** Runs the coordinator and the workers as children and restarts whichever dies, up to o.maxRestarts times. */
async function supervise(o: LaunchOptions, url: string, children: ChildProcess[], io: Io, stopping: () => boolean): Promise<TrainReport> {
  const base = o.coordinatorArgs ?? [];
  let restarts = 0;
  let finished = false;
  const budget = (what: string, e: Exit, how = describeExit(e)) => {
    if (restarts >= o.maxRestarts)
      throw new InterruptedError(
        `${what} ${how} and --max-restarts ${o.maxRestarts} is used up; ${o.train.out} holds the last checkpoint (continue with --resume)`,
      );
    restarts++;
  };
  let workerFailure: Error | undefined;
  const startWorker = (slot: number) => {
    const w = spawnWorker(slot, url, localWorker(o), io);
    children.push(w);
    void exitOf(w).then((e) => {
      if (finished || stopping() || (e.code === 0 && !e.signal)) return;
      const how = describeExit(e, w.passes);
      try {
        budget(`worker ${slot} (pid ${w.pid})`, e, how);
      } catch (err) {
        workerFailure = err as Error;
        return;
      }
      io.err(`launcher: worker ${slot} (pid ${w.pid}) ${how}; starting it again (restart ${restarts} of ${o.maxRestarts})`);
      startWorker(slot);
    });
  };
  for (let i = 0; i < o.workers; i++) startWorker(i);
  let args = base;
  for (;;) {
    const child = spawnCoordinator(args, url, o.workers, io);
    children.push(child);
    const e = await exitOf(child);
    if (e.code === 0 && !e.signal) break;
    if (stopping()) throw new InterruptedError(`launcher interrupted; ${o.train.out} holds the last checkpoint (continue with --resume)`);
    if (workerFailure) throw workerFailure;
    // A configuration error does not go away by trying again: the coordinator said which.
    if (e.code === 2) throw new ConfigError('the coordinator refused its configuration (its line is above)');
    budget('the coordinator', e);
    io.err(`launcher: the coordinator ${describeExit(e)}; starting it again with --resume (restart ${restarts} of ${o.maxRestarts})`);
    args = base.includes('--resume') ? base : [...base, '--resume'];
  }
  finished = true;
  return JSON.parse(await readFile(join(o.train.out, 'report.json'), 'utf8')) as TrainReport;
}
