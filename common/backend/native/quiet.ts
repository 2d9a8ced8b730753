// Loading native TensorFlow without its start-up banner. TensorFlow writes two lines to fd 2 as its
// library loads, whatever TF_CPP_MIN_LOG_LEVEL says (env.ts, BANNER): absl's "All log messages
// before absl::InitializeLog()" and "oneDNN custom operations are on". They are not the user's
// business. While the library loads, the stderr gate (stderr-gate/, a small Node-API addon that
// `syncgrad setup` builds beside tfjs-node) holds fd 2; what was written meanwhile is replayed
// without the banner. --verbose (SYNCGRAD_VERBOSE=1) lets everything through, and where the gate
// was not built the banner shows, as before.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isTensorFlowBanner } from './env.js';

/** Set by --verbose (cli/main.ts) for this process and the workers it starts. */
export const VERBOSE_ENV = 'SYNCGRAD_VERBOSE';
/** Where `syncgrad setup` installs the gate: beside tfjs-node's own binding folder. */
export const GATE_FILE = 'syncgrad_stderr_gate.node';

interface Gate {
  hold(): [number, number];
  release(saved: number, capture: number): string;
}

export function verbose(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[VERBOSE_ENV] === '1';
}

/** The gate's path for the tfjs-node package resolved from here, or undefined when tfjs-node is not installed. */
export function gatePath(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-node/package.json')), 'lib', GATE_FILE);
  } catch {
    return undefined;
  }
}

function loadGate(): Gate | undefined {
  const path = gatePath();
  if (!path) return undefined;
  try {
    return createRequire(import.meta.url)(path) as Gate;
  } catch {
    return undefined;
  }
}

/** The text with TensorFlow's banner lines taken out. */
export function withoutBanner(text: string): string {
  return text
    .split('\n')
    .filter((line) => !isTensorFlowBanner(line))
    .join('\n');
}

/** Runs `load` (the import of tfjs-node) with fd 2 held, then replays what it wrote, less the banner. */
export async function loadQuietly<T>(load: () => Promise<T>): Promise<T> {
  const gate = verbose() ? undefined : loadGate();
  if (!gate) return load();
  const [saved, capture] = gate.hold();
  try {
    return await load();
  } finally {
    const rest = withoutBanner(gate.release(saved, capture));
    if (rest.trim() !== '') process.stderr.write(rest);
  }
}
