// How many images one forward/backward pass holds. A worker (or `train`) computes its shard in
// micro-batches of this size and sums their gradients, so a step's batch is set by the job and a
// process's memory only sets how it is cut. `auto` plans from the model's activation size per image
// and the backend's memory: on wasm the 4 GB heap; on native TensorFlow the host's memory (or the
// GPU's) divided among the workers that share it.
import { ConfigError } from '../errors.js';
import { HEAP_LIMIT_ENV, WASM_HEAP_MAX_BYTES, wasmHeapLimitBytes } from '../backend/heap-limit.js';
import { nativeMemoryBudget, type MemoryBudget } from '../backend/host-memory.js';
import { describeLayers, hasRunningStats, paramSpecs, type ModelConfig } from '../model/spec.js';

export type MicroBatchChoice = number | 'auto';
export const DEFAULT_MICRO_BATCH: MicroBatchChoice = 'auto';

/**
 * Peak wasm heap per image of a training pass, per float of the layer outputs (describeLayers).
 * Measured on the seed CNN (tfjs-backend-wasm 4.22, our kernels and model/ops.ts): 475 MB per
 * image at 256² (heap 558/987/1590/2031/2484/2949 MB after 1–6 images) over 28.7 M output floats
 * = 16.6 bytes; 32 MB per image at 64² (231/998 MB for 8/32) over 1.79 M = 17.9 bytes. Saved
 * activations, the backward pass's dy and relu gradients at conv1's width, and kernel workspaces
 * all scale with the images.
 */
export const TRAIN_BYTES_PER_OUTPUT = 19;
/** Inference keeps only the live layer: 100 MB per image at 256² (heap 264/554/959 MB for 1/4/8), 3.4 bytes; planned at 6. */
export const INFER_BYTES_PER_OUTPUT = 6;
/**
 * Heap not planned for: emscripten grows the heap by up to 96 MB past a request, and freed blocks
 * fragment. At 256² the plan then allows 6 images (heap measured 2.95 GB).
 */
export const HEAP_PLAN_FRACTION = 0.85;
/** Weights, gradients and their sum (2.5 × params measured: 165 MB at 256² for 64.6 MB of weights); a process that applies Adam adds its moments and update. */
const FIXED_PARAM_COPIES = { worker: 2.5, train: 5.5 } as const;

/**
 * Native TensorFlow (tfjs-node over TF 2.21's CPU library, with common/backend/native/kernels.ts),
 * peak RSS of `bench train` at 256², batch 16, 1 thread, by pass size: 1.87 / 2.44 / 3.82 / 7.14 GB
 * for passes of 2 / 4 / 8 / 16 images. From 8 to 16 that is 415 MB an image over 28.7 M output
 * floats = 14.5 bytes; planned at 16. Inference, `bench infer` at 256²: 2.08 GB for 8 images,
 * 6.92 GB for 32, 202 MB an image = 7.0 bytes; planned at 8. The pass size does not change the
 * training speed here (2.0 img/s for passes of 2 to 16). docs/performance.md has the table.
 */
export const NATIVE_TRAIN_BYTES_PER_OUTPUT = 16;
export const NATIVE_INFER_BYTES_PER_OUTPUT = 8;
/** TensorFlow's runtime, oneDNN's primitive caches and Node itself before any tensor: ~0.6 GB measured (64² runs peak at 0.9 GB). */
export const NATIVE_RUNTIME_BYTES = 768 * 2 ** 20;
/**
 * The share of a worker's part of the machine that its passes may plan for: the rest is for the
 * coordinator, the page cache and the allocator's fragmentation. On this 23.5 GiB host with 2
 * workers that is 8.2 GiB each: the seed's 16-image shards as single passes; each worker's peak
 * RSS over 2 seed steps and the validation pass was 7.6 GiB.
 */
export const NATIVE_PLAN_FRACTION = 0.7;

export type PassKind = 'train' | 'infer';
export type MemoryRole = keyof typeof FIXED_PARAM_COPIES;

/** Floats of every layer's output for one image: what a pass's memory scales with. */
export function outputFloatsPerImage(config: ModelConfig): number {
  return describeLayers(config).reduce((a, l) => a + l.outputShape.slice(1).reduce((x, y) => x * y, 1), 0);
}

export function paramBytes(config: ModelConfig): number {
  return 4 * paramSpecs(config).reduce((a, s) => a + s.size, 0);
}

/** Planned peak heap for a pass of `images` images. */
export function planBytes(config: ModelConfig, images: number, pass: PassKind, role: MemoryRole): number {
  const perImage = outputFloatsPerImage(config) * (pass === 'train' ? TRAIN_BYTES_PER_OUTPUT : INFER_BYTES_PER_OUTPUT);
  return FIXED_PARAM_COPIES[role] * paramBytes(config) + images * perImage;
}

/** Largest pass that fits in `heapBytes`, at least 1 (a single image that does not fit fails with a clear error). */
export function fittingImages(config: ModelConfig, heapBytes: number, pass: PassKind, role: MemoryRole): number {
  const perImage = planBytes(config, 1, pass, role) - planBytes(config, 0, pass, role);
  const room = heapBytes * HEAP_PLAN_FRACTION - planBytes(config, 0, pass, role);
  return Math.max(1, Math.floor(room / perImage));
}

export interface MicroBatchPlan {
  choice: MicroBatchChoice;
  /** Images per training pass. */
  train: number;
  /** Images per inference pass (evaluation, FPS). */
  infer: number;
  /** Why, for the log line. */
  reason: string;
}

/** Largest pass that fits this process's share of a native device's memory, at least 1. */
export function nativeFittingImages(config: ModelConfig, budget: MemoryBudget, pass: PassKind, role: MemoryRole): number {
  const perImage = outputFloatsPerImage(config) * (pass === 'train' ? NATIVE_TRAIN_BYTES_PER_OUTPUT : NATIVE_INFER_BYTES_PER_OUTPUT);
  const room = (budget.bytes * NATIVE_PLAN_FRACTION) / budget.sharers - NATIVE_RUNTIME_BYTES - FIXED_PARAM_COPIES[role] * paramBytes(config);
  return Math.max(1, Math.floor(room / perImage));
}

const isNative = (backend: string) => backend === 'tensorflow' || backend === 'tensorflow-gpu';

/**
 * Resolves `--micro-batch` for this process's backend. A number is used as given (for inference
 * too, unless the plan allows more); `auto` plans from the wasm heap on wasm, from the device's
 * memory (`budget`, by default the host's or the GPU's, shared by SYNCGRAD_LOCAL_WORKERS) on native
 * TensorFlow, and is unlimited on the cpu backend.
 */
export function planMicroBatch(choice: MicroBatchChoice, backend: string, config: ModelConfig, role: MemoryRole, budget?: MemoryBudget): MicroBatchPlan {
  let fitTrain = Infinity;
  let fitInfer = Infinity;
  let reason = `auto: no limit on ${backend}`;
  if (backend === 'wasm') {
    const heap = wasmHeapLimitBytes();
    fitTrain = fittingImages(config, heap, 'train', role);
    fitInfer = fittingImages(config, heap, 'infer', role);
    reason = `auto: ${fitTrain} image(s) per training pass at ${config.imageSize}² fit the ${Math.round(heap / 2 ** 20)} MB wasm heap${heap < WASM_HEAP_MAX_BYTES ? ` (${HEAP_LIMIT_ENV})` : ''}`;
  } else if (isNative(backend)) {
    const b = budget ?? nativeMemoryBudget(backend);
    fitTrain = nativeFittingImages(config, b, 'train', role);
    fitInfer = nativeFittingImages(config, b, 'infer', role);
    const share = b.sharers > 1 ? ` shared by ${b.sharers} workers` : '';
    reason = `auto: ${fitTrain} image(s) per training pass at ${config.imageSize}² fit ${Math.round(NATIVE_PLAN_FRACTION * 100)}% of ${(b.bytes / 2 ** 30).toFixed(1)} GiB, ${b.source}${share}`;
  }
  if (choice === 'auto') return withBatchNormFloor({ choice, train: fitTrain, infer: fitInfer, reason }, config);
  return withBatchNormFloor(
    { choice, train: choice, infer: Math.max(choice, fitInfer === Infinity ? choice : fitInfer), reason: `--micro-batch ${choice}` },
    config,
  );
}

/**
 * With BatchNorm, a pass normalises by its own batch statistics; below this many images they are
 * too noisy to train on (one image gives a variance of 0). Micro-batch plans do not go below it,
 * and weighted shards keep at least this many images per worker where the batch allows.
 */
export const BATCH_NORM_MIN_PASS = 8;

/** The plan, raised to BATCH_NORM_MIN_PASS for a network with running statistics. */
function withBatchNormFloor(plan: MicroBatchPlan, config: ModelConfig): MicroBatchPlan {
  if (!hasRunningStats(config) || plan.train >= BATCH_NORM_MIN_PASS) return plan;
  return { ...plan, train: BATCH_NORM_MIN_PASS, reason: `${plan.reason}; raised to ${BATCH_NORM_MIN_PASS}, BatchNorm's minimum pass` };
}

/** Images per pass when `n` images are cut into passes of at most `max`: as even as possible (16 at most 15 each: 8 and 8, not 15 and 1). */
export function passSize(n: number, max: number): number {
  const m = Math.max(1, Math.min(n, max));
  return Math.ceil(n / Math.ceil(n / m));
}

/** `--micro-batch` value: a positive integer or `auto`. */
export function parseMicroBatch(value: unknown, flag = '--micro-batch'): MicroBatchChoice {
  if (value === undefined || value === 'auto') return 'auto';
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${flag} must be a positive integer or auto, got ${JSON.stringify(value)}`);
  return n;
}

/** The wire form: 0 means auto. */
export function microBatchToWire(choice: MicroBatchChoice): number {
  return choice === 'auto' ? 0 : choice;
}

export function microBatchFromWire(n: number): MicroBatchChoice {
  return n > 0 ? n : 'auto';
}
