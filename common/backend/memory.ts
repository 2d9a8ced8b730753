// What a backend can hold, and what happens when it cannot. The wasm backend's heap is one
// WebAssembly memory that stops at 4 GB (wasm32). When it cannot grow, emscripten's malloc
// returns 0 and tfjs-backend-wasm would write the tensor at address 0, corrupting the heap; the
// kernel then dies later with "memory access out of bounds" or Aborted(). The guard below turns
// the failed allocation into an OutOfMemoryError at the moment it happens, and isOutOfMemory()
// recognises the messages of the failures that happen inside a kernel, out of the guard's sight.
import * as tf from '@tensorflow/tfjs-core';
import { OutOfMemoryError } from '../errors.js';
import { HEAP_LIMIT_ENV, WASM_HEAP_MAX_BYTES, wasmHeapLimitBytes } from './heap-limit.js';
export { HEAP_LIMIT_ENV, WASM_HEAP_MAX_BYTES, wasmHeapLimitBytes };

interface WasmModuleLike {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** Bytes the wasm heap holds now (its high-water mark: a WebAssembly memory never shrinks), or undefined off wasm. */
export function wasmHeapBytes(): number | undefined {
  const b = tf.backend() as unknown as { wasm?: WasmModuleLike };
  return b.wasm?.HEAPU8.length;
}

const GUARDED = Symbol.for('syncgrad.mallocGuard');

/** Wraps the wasm module's malloc so that a failed or over-limit allocation throws. Idempotent. */
export function guardWasmHeap(limitBytes = wasmHeapLimitBytes()): void {
  const m = (tf.backend() as unknown as { wasm?: WasmModuleLike & { [GUARDED]?: true } }).wasm;
  if (!m || m[GUARDED]) return;
  // Module._malloc replaces itself with the raw export on its first call; take the raw one.
  m._free(m._malloc(8));
  const raw = m._malloc.bind(m);
  m._malloc = (bytes: number): number => {
    const ptr = raw(bytes);
    if ((ptr === 0 && bytes > 0) || m.HEAPU8.length > limitBytes) {
      if (ptr !== 0) m._free(ptr);
      throw new OutOfMemoryError(
        `the wasm heap cannot hold another ${(bytes / 2 ** 20).toFixed(1)} MB (heap ${(m.HEAPU8.length / 2 ** 20).toFixed(0)} MB, limit ${(limitBytes / 2 ** 20).toFixed(0)} MB)`,
      );
    }
    return ptr;
  };
  m[GUARDED] = true;
}

/** Messages of allocation failures inside kernels, on wasm (RuntimeError, Aborted()) and on native backends. */
const OOM_PATTERNS = [
  /memory access out of bounds/i,
  /\bAborted\(/,
  /out of memory/i,
  /\bOOM\b/,
  /failed to allocate/i,
  /cannot allocate/i,
  /Array buffer allocation failed/i,
  /Invalid typed array length/i,
  /ResourceExhausted/i,
];

export function isOutOfMemory(e: unknown): boolean {
  if (e instanceof OutOfMemoryError) return true;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return OOM_PATTERNS.some((p) => p.test(text));
}

export interface MemoryContext {
  /** `train` or `worker rank 1`. */
  who: string;
  imageSize: number;
  /** Images the step (or shard) held. */
  batch: number;
  microBatch: number;
  backend: string;
}

/** Runs `fn` (sync or async); an allocation failure comes out as one OutOfMemoryError line naming the process, the shape and the remedy. */
export function withMemoryContext<T>(ctx: MemoryContext, fn: () => T): T {
  let out: T;
  try {
    out = fn();
  } catch (e) {
    throw inContext(ctx, e);
  }
  if (out instanceof Promise) {
    return out.catch((e: unknown) => {
      throw inContext(ctx, e);
    }) as T;
  }
  return out;
}

function inContext(ctx: MemoryContext, e: unknown): unknown {
  if (!isOutOfMemory(e)) return e;
  const smaller = Math.max(1, Math.floor(ctx.microBatch / 2));
  const detail = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return new OutOfMemoryError(
    `${ctx.who}: out of memory on ${ctx.backend} computing ${ctx.batch} image(s) at ${ctx.imageSize}×${ctx.imageSize} in passes of ${ctx.microBatch} (${detail}); ` +
      `use --micro-batch ${smaller}${ctx.microBatch > 1 ? '' : ' with a smaller --image-size'}, or more workers`,
    { cause: e, context: ctx },
  );
}
