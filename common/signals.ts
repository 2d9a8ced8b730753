// SIGTERM and SIGINT for long-running commands (worker, coordinator, cluster). `docker stop` and
// Kubernetes send SIGTERM and kill 10–30 s later; users press Ctrl-C twice when once seems slow.
// The first signal starts a clean shutdown that is forced after SHUTDOWN_GRACE_MS even when it
// waits on an unreachable NATS server; the second ends the process at once.
import { constants } from 'node:os';
import type { Io } from './console/io.js';

/** Under the 5 s a shutdown may take: close() paths are bounded below this (1–1.5 s per wait). */
export const SHUTDOWN_GRACE_MS = 4000;

export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

/** The shell's convention: 128 + the signal's number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: ShutdownSignal): number {
  return 128 + constants.signals[signal];
}

export interface ShutdownOptions {
  /** What shuts down, for the log line ("worker", "coordinator", "launcher"). */
  what: string;
  io: Io;
  /** The clean shutdown; it may take time, the grace period bounds it. */
  stop: (signal: ShutdownSignal) => void | Promise<void>;
  /** Last words before a forced exit (SIGKILL children, say). */
  onForce?: () => void;
}

/** Installs the handlers; the returned function removes them (call it once the command is done). */
export function handleShutdownSignals(o: ShutdownOptions): () => void {
  let first: ShutdownSignal | undefined;
  const force = (signal: ShutdownSignal, why: string) => {
    o.onForce?.();
    o.io.err(`${o.what}: ${why}; exiting now`);
    process.exit(signalExitCode(signal));
  };
  const onSignal = (signal: ShutdownSignal) => {
    if (first) return force(signal, `second signal (${signal})`);
    first = signal;
    o.io.err(`${o.what}: ${signal} received; shutting down (send it again to stop at once)`);
    const timer = setTimeout(() => force(signal, `still shutting down ${SHUTDOWN_GRACE_MS / 1000} s after ${signal}`), SHUTDOWN_GRACE_MS);
    timer.unref();
    void Promise.resolve()
      .then(() => o.stop(signal))
      .catch((e: unknown) => o.io.err(`${o.what}: shutdown: ${(e as Error).message}`));
  };
  const term = () => onSignal('SIGTERM');
  const int = () => onSignal('SIGINT');
  process.on('SIGTERM', term);
  process.on('SIGINT', int);
  // The force timer stays armed after a signal (unref'd, it holds nothing open): should a handle
  // keep the process alive after the command returns, the grace period still ends it.
  return () => {
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
  };
}
