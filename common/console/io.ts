// Where commands write. The CLI binds it to the process streams; tests capture lines in memory.
export interface Io {
  /** Results: tables, epoch lines, JSON. */
  out: (line: string) => void;
  /** Warnings and diagnostics. */
  err: (line: string) => void;
  /** Stream live progress bars render to. */
  progressStream: NodeJS.WritableStream & { isTTY?: boolean };
}

export function processIo(): Io {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    progressStream: process.stderr,
  };
}

/** An Io that records everything, for tests. */
export function memoryIo(): Io & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const sink = { write: () => true, isTTY: false } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), progressStream: sink };
}
