// Run-time backend selection. `auto` prefers the native TensorFlow bindings (GPU, then CPU), then
// wasm, then the pure-JS cpu backend. Native bindings are optional dependencies: their install
// script downloads libtensorflow, so on offline machines they are absent and we say why.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, ConfigError } from '../errors.js';
import { guardWasmHeap, wasmHeapLimitBytes } from './memory.js';

import { BACKEND_CHOICES, type BackendChoice } from './choices.js';
export { BACKEND_CHOICES, type BackendChoice };

/** What actually runs: `tensorflow-gpu` / `tensorflow` are tfjs-node(-gpu), both named 'tensorflow' in tfjs. */
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

const PACKAGES: Record<BackendKind, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

const AUTO_ORDER: BackendKind[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

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

/** Loads the package that registers a backend. Throws BackendError with the reason when it cannot. */
async function load(kind: BackendKind): Promise<void> {
  try {
    switch (kind) {
      case 'tensorflow-gpu':
        await import('@tensorflow/tfjs-node-gpu' as string);
        break;
      case 'tensorflow':
        await import('@tensorflow/tfjs-node' as string);
        break;
      case 'wasm': {
        await import('@tensorflow/tfjs-backend-wasm');
        const { registerWasmKernels } = await import('./wasm-kernels.js');
        registerWasmKernels();
        break;
      }
      case 'cpu':
        await import('@tensorflow/tfjs-backend-cpu');
        break;
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && firstLine(e).includes(`'${PACKAGES[kind]}'`)) {
      throw new BackendError(`${PACKAGES[kind]} is not installed (optional dependency; its install script downloads libtensorflow)`, { cause: e });
    }
    throw new BackendError(`${PACKAGES[kind]} does not load: ${firstLine(e)}`, { cause: e });
  }
}

async function activate(kind: BackendKind): Promise<BackendInfo> {
  await load(kind);
  const tfName = kind === 'tensorflow-gpu' || kind === 'tensorflow' ? 'tensorflow' : kind;
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfName);
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
  if (kind === 'wasm') {
    guardWasmHeap();
    details.heapLimitMb = Math.round(wasmHeapLimitBytes() / 2 ** 20);
    details.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    details.multithread = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  if (kind === 'tensorflow-gpu' || kind === 'tensorflow') {
    const backend = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
    details.usingGpu = Boolean(backend.isUsingGpuDevice);
    threads = (await import('node:os')).availableParallelism();
  }
  return { kind, tfBackend: tf.getBackend(), package: `${PACKAGES[kind]}@${await packageVersion(PACKAGES[kind])}`, threads, details };
}

/** Selects and initialises a backend. `auto` falls through the preference order. */
export async function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  if (choice === 'auto') {
    const reasons: string[] = [];
    for (const kind of AUTO_ORDER) {
      try {
        return await activate(kind);
      } catch (e) {
        reasons.push(firstLine(e));
      }
    }
    throw new BackendError(`no backend could be loaded:\n  ${reasons.join('\n  ')}`);
  }
  if (choice === 'tensorflow') {
    // Prefer the GPU build when both are installed, as `auto` does.
    try {
      return await activate('tensorflow-gpu');
    } catch {
      return activate('tensorflow');
    }
  }
  return activate(choice);
}

/** For `doctor`: which backend packages load, and why the others do not. Does not change the active backend. */
export async function probeBackends(): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const kind of AUTO_ORDER) {
    const version = await packageVersion(PACKAGES[kind]);
    const pkg = version === 'unknown' ? PACKAGES[kind] : `${PACKAGES[kind]}@${version}`;
    try {
      await load(kind);
      results.push({ kind, ok: true, package: pkg });
    } catch (e) {
      results.push({ kind, ok: false, package: pkg, reason: firstLine(e) });
    }
  }
  return results;
}
