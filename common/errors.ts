// The small set of error classes syncgrad throws. Every class sets `name` and carries `cause`,
// and `isUserError` tells the CLI to print one clean line instead of a stack trace.

export interface ErrorOptions {
  cause?: unknown;
}

/** Base class: anything syncgrad throws on purpose. */
export class SyncgradError extends Error {
  /** True when the fault is in what the user asked for (a path, a flag, a file), not in syncgrad. */
  readonly isUserError: boolean = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SyncgradError';
  }
}

/** A flag, option or config value is invalid. */
export class ConfigError extends SyncgradError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** A dataset problem: missing directory, empty class, mismatched splits. Names the path. */
export class DataError extends SyncgradError {
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${message}: ${path}`, options);
    this.name = 'DataError';
    this.path = path;
  }
}

/** One image could not be decoded. The loader counts these and skips the file. */
export class ImageDecodeError extends SyncgradError {
  readonly path: string;
  constructor(path: string, options?: ErrorOptions) {
    super(`cannot decode image: ${path}`, options);
    this.name = 'ImageDecodeError';
    this.path = path;
  }
}

/** A checkpoint is missing, truncated, or does not match the model it is loaded into. */
export class CheckpointError extends SyncgradError {
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(`${message}: ${path}`, options);
    this.name = 'CheckpointError';
    this.path = path;
  }
}

/** A compute backend is unavailable or failed to initialise. */
export class BackendError extends SyncgradError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BackendError';
  }
}

/**
 * Why a message was refused: the label of syncgrad_rejected_messages_total and of every "rejected
 * message (reason)" log line, so one closed set.
 */
export const REJECT_REASONS = [
  'malformed', // does not decode, or decodes to nonsense (a ragged page, an empty reply)
  'unknown-job', // for another job
  'unknown-worker', // from a worker that has not joined
  'unknown-path', // a data request for a file the index does not list
  'stale', // for another version or step than the current one
  'duplicate', // a chunk already held, sent again
  'wrong-index', // a chunk other than the one asked for
  'wrong-length', // a tensor or chunk of the wrong size
  'checksum', // bytes that fail their checksum
  'non-finite', // NaN or ±Inf in a gradient or weights
  'bad-index', // a sample index outside the split
  'index-mismatch', // a worker's index differs from the coordinator's
  'refused', // the peer answered with an error
  'worker-error', // a worker failed the step for its own reasons
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A malformed or unexpected message on the wire. Never a user error: it is logged and counted. */
export class ProtocolError extends SyncgradError {
  override readonly isUserError = false;
  readonly reason: RejectReason;
  constructor(reason: RejectReason, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProtocolError';
    this.reason = reason;
  }
}

/** Something did not answer in time (a worker, a server). */
export class TimeoutError extends SyncgradError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TimeoutError';
  }
}

/**
 * A step did not fit in the backend's memory (the wasm heap stops at 4 GB). A user error: the
 * remedy is the job's shape (--micro-batch, more workers, a smaller image), not a bug.
 */
export class OutOfMemoryError extends SyncgradError {
  /** Where it happened, once known: the process, the image size and the batch it tried. */
  readonly context?: unknown;
  constructor(message: string, options?: ErrorOptions & { context?: unknown }) {
    super(message, options);
    this.name = 'OutOfMemoryError';
    this.context = options?.context;
  }
}

/** A run stopped before it finished (a signal, a launcher out of restarts): its last checkpoint holds it. */
export class InterruptedError extends SyncgradError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InterruptedError';
  }
}

export function isSyncgradError(e: unknown): e is SyncgradError {
  return e instanceof SyncgradError;
}
