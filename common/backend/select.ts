// Run-time backend selection. `auto` prefers native TensorFlow (tfjs-node's binding over the C
// library of TensorFlow's own wheel, which `syncgrad setup` lays out: on a GPU host with the CUDA
// build it computes on the GPU), then wasm, then the pure-JS cpu backend. Where native TensorFlow
// is not set up, we say why and fall through.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, ConfigError } from '../errors.js';
import { guardWasmHeap, wasmHeapLimitBytes } from './memory.js';
import { restoreLegacyUtil } from './native/compat.js';
import { applyNativeEnv, nativeThreads, oneDnnEnabled } from './native/env.js';
import { loadQuietly } from './native/quiet.js';

import { BACKEND_CHOICES, type BackendChoice } from './choices.js';
export { BACKEND_CHOICES, type BackendChoice };

/** What actually runs: native TensorFlow on a GPU or on the CPU (both 'tensorflow' in tfjs), wasm, or cpu. */
export type BackendKind = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  kind: BackendKind;
  /** tf.getBackend() after initialisation. */
  tfBackend: string;
  /** Package that supplied it, with version. */
  package: string;
  /** Threads the backend computes with. */
  threads: number;
  /** Extra facts for `doctor`: SIMD, GPU use, ... */
  details: Record<string, string | number | boolean>;
}

export interface ProbeResult {
  kind: BackendKind;
  ok: boolean;
  package: string;
  reason?: string;
}

export interface BackendOptions {
  /** Native TensorFlow's intra-op and inter-op threads (--threads); undefined: every core. Only takes effect before tfjs-node loads. */
  threads?: number;
}

type Loadable = 'tensorflow' | 'wasm' | 'cpu';

const PACKAGES: Record<Loadable, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const AUTO_ORDER: Loadable[] = ['tensorflow', 'wasm', 'cpu'];

export function parseBackendChoice(value: string): BackendChoice {
  if ((BACKEND_CHOICES as readonly string[]).includes(value)) return value as BackendChoice;
  throw new ConfigError(`unknown backend "${value}" (choose one of ${BACKEND_CHOICES.join(', ')})`);
}

async function packageVersion(pkg: string): Promise<string> {
  try {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0]!.slice(0, 300);
}

/** Why tfjs-node does not load, in words a user can act on. */
function nativeReason(e: unknown): string {
  const line = firstLine(e);
  if (/can not be found at path|tfjs_binding\.node/.test(line))
    return `${PACKAGES.tensorflow} has no binding: native TensorFlow is not set up here (\`npx syncgrad setup\`)`;
  if (/libtensorflow\S* cannot open shared object/.test(line))
    return `${PACKAGES.tensorflow}'s binding cannot find TensorFlow's library (${line}); \`npx syncgrad setup\` lays it out again`;
  return `${PACKAGES.tensorflow} does not load: ${line}`;
}

/**
 * A package that failed to load is not imported again: tfjs-node registers its 150 kernels before
 * it looks for its binding, so a second import would log "kernel already registered" for each.
 */
const failures = new Map<Loadable, BackendError>();

/** Loads the package that registers a backend. Throws BackendError with the reason when it cannot. */
async function load(kind: Loadable, o: BackendOptions): Promise<void> {
  const failed = failures.get(kind);
  if (failed) throw failed;
  try {
    await importBackend(kind, o);
  } catch (e) {
    const error = e instanceof BackendError ? e : new BackendError(firstLine(e), { cause: e });
    failures.set(kind, error);
    throw error;
  }
}

async function importBackend(kind: Loadable, o: BackendOptions): Promise<void> {
  try {
    switch (kind) {
      case 'tensorflow':
        applyNativeEnv({ threads: o.threads });
        restoreLegacyUtil();
        await loadQuietly(() => import('@tensorflow/tfjs-node'));
        break;
      case 'wasm': {
        await import('@tensorflow/tfjs-backend-wasm');
        const { registerWasmKernels } = await import('./wasm/kernels.js');
        registerWasmKernels();
        break;
      }
      case 'cpu':
        await import('@tensorflow/tfjs-backend-cpu');
        break;
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && firstLine(e).includes(`'${PACKAGES[kind]}'`)) {
      throw new BackendError(`${PACKAGES[kind]} is not installed${kind === 'tensorflow' ? ' (an optional dependency; npm ci installs it)' : ''}`, { cause: e });
    }
    if (kind === 'tensorflow') throw new BackendError(nativeReason(e), { cause: e });
    throw new BackendError(`${PACKAGES[kind]} does not load: ${firstLine(e)}`, { cause: e });
  }
}

async function activate(kind: Loadable, o: BackendOptions): Promise<BackendInfo> {
  await load(kind, o);
  let ok: boolean;
  try {
    ok = await tf.setBackend(kind);
    await tf.ready();
  } catch (e) {
    throw new BackendError(`backend ${kind} failed to initialise: ${firstLine(e)}`, { cause: e });
  }
  if (!ok) throw new BackendError(`backend ${kind} failed to initialise`);
  // PROD silences tfjs's console nags (the cpu backend's "install tfjs-node" banner) and skips
  // debug-only checks; our own validation does not depend on them.
  tf.env().set('PROD', true);
  const details: BackendInfo['details'] = {};
  let threads = 1;
  let reported: BackendKind = kind;
  if (kind === 'wasm') {
    guardWasmHeap();
    details.heapLimitMb = Math.round(wasmHeapLimitBytes() / 2 ** 20);
    details.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    details.multithread = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  if (kind === 'tensorflow') {
    const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean; binding?: { TF_Version?: string } };
    details.usingGpu = Boolean(backend.isUsingGpuDevice);
    details.tensorflow = backend.binding?.TF_Version ?? 'unknown';
    const t = nativeThreads();
    threads = t.intraOp;
    details.interOpThreads = t.interOp;
    details.oneDnn = oneDnnEnabled();
    const { registerNativeKernels } = await import('./native/kernels.js');
    details.kernels = registerNativeKernels().installed.join(' ');
    if (details.usingGpu) reported = 'tensorflow-gpu';
  }
  return { kind: reported, tfBackend: tf.getBackend(), package: `${PACKAGES[kind]}@${await packageVersion(PACKAGES[kind])}`, threads, details };
}

/** Selects and initialises a backend. `auto` falls through the preference order. */
export async function initBackend(choice: BackendChoice, o: BackendOptions = {}): Promise<BackendInfo> {
  if (choice === 'auto') {
    const reasons: string[] = [];
    for (const kind of AUTO_ORDER) {
      try {
        return await activate(kind, o);
      } catch (e) {
        reasons.push(firstLine(e));
      }
    }
    throw new BackendError(`no backend could be loaded:\n  ${reasons.join('\n  ')}`);
  }
  return activate(choice, o);
}

/** For `doctor`: which backend packages load, and why the others do not. Does not change the active backend. */
export async function probeBackends(o: BackendOptions = {}): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const kind of AUTO_ORDER) {
    const version = await packageVersion(PACKAGES[kind]);
    const pkg = version === 'unknown' ? PACKAGES[kind] : `${PACKAGES[kind]}@${version}`;
    try {
      await load(kind, o);
      results.push({ kind, ok: true, package: pkg });
    } catch (e) {
      results.push({ kind, ok: false, package: pkg, reason: firstLine(e) });
    }
  }
  return results;
}
