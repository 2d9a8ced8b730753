// The wasm heap's ceiling, apart from the guard (which needs tfjs): planning a micro-batch does not.
import { ConfigError } from '../errors.js';

/** emscripten's getHeapMax() in tfjs-backend-wasm 4.22: 65536 pages less one, just under 4 GiB. */
export const WASM_HEAP_MAX_BYTES = 4294901760;
/**
 * Test and capacity-planning hook: pretend the wasm heap stops at this many MB. The guard refuses
 * any allocation that leaves the heap larger, and `--micro-batch auto` plans for it.
 */
export const HEAP_LIMIT_ENV = 'SYNCGRAD_WASM_HEAP_LIMIT_MB';

/** The wasm heap's ceiling for this process: the env override, or wasm32's 4 GB. */
export function wasmHeapLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[HEAP_LIMIT_ENV];
  if (raw === undefined || raw === '') return WASM_HEAP_MAX_BYTES;
  const mb = Number(raw);
  if (!(mb > 0)) throw new ConfigError(`${HEAP_LIMIT_ENV} must be a positive number of MB, got ${JSON.stringify(raw)}`);
  return Math.min(WASM_HEAP_MAX_BYTES, Math.floor(mb * 2 ** 20));
}
