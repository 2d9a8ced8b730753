// The benchmark harness behind `syncgrad bench`: times training steps (forward, backward, Adam) or
// inference batches of a network (the seed CNN unless --model says) on synthetic data, and profiles one step per kernel.
//
// Figures: img/s is the median over `repeats` timed runs of `steps` steps each (after `warmup`
// untimed steps, which pay for XNNPACK operator creation and the first allocations); GFLOP/s is
// img/s × the model's analytic FLOPs per image (flops.ts); peak RSS is the process's maxRSS, so run
// one configuration per process (scripts/bench.mjs does) for a per-row figure.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendChoice, type BackendInfo } from '../common/backend/select.js';
import { Cnn } from '../common/model/cnn.js';
import { buildModel, createNet } from '../common/model/build.js';
import type { Net } from '../common/model/net.js';
import { DEFAULT_CHANNELS, DEFAULT_CLASSES, DEFAULT_DROPOUT, SEED_CNN, type ModelConfig } from '../common/model/spec.js';
import { Adam } from '../common/optim/tf-adam.js';
import { evalBatch, trainStep, type BatchTensors } from '../common/train/step.js';
import { wasmHeapBytes } from '../common/backend/memory.js';
import { Rng } from '../common/rng.js';
import { flopsPerImage } from './flops.js';
import { median } from './stats.js';

export type BenchMode = 'train' | 'infer';

export interface BenchOptions {
  mode: BenchMode;
  /** The network (`--model`): seed-cnn (default), a zoo name, or a model file. */
  model?: string;
  imageSize: number;
  batchSize: number;
  /** Steps (train) or batches (infer) per timed repeat. */
  steps: number;
  repeats: number;
  warmup: number;
  backend: BackendChoice;
  seed?: number;
  /** Images per forward/backward pass (train) or forward pass (infer); default: the whole batch. */
  microBatch?: number;
}

export interface BenchResult {
  mode: BenchMode;
  imageSize: number;
  batchSize: number;
  steps: number;
  backend: string;
  threads: number;
  /** Median img/s over the repeats. */
  imgPerSec: number;
  /** img/s of every repeat, in order. */
  repeatImgPerSec: number[];
  /** Median seconds per step. */
  secondsPerStep: number;
  flopsPerImage: number;
  gflops: number;
  peakRssMb: number;
  /** Images per pass. */
  microBatch: number;
  /** The wasm heap's size at the end (its high-water mark); null off wasm. */
  wasmHeapMb: number | null;
}

export interface KernelTime {
  name: string;
  calls: number;
  ms: number;
}

export interface StepProfile {
  mode: BenchMode;
  imageSize: number;
  batchSize: number;
  backend: string;
  /** Wall time of the profiled step (profiling adds a little per kernel). */
  wallMs: number;
  /** Kernels the model code called directly, by total time (inclusive of anything they call). */
  kernels: KernelTime[];
  /** Kernels that ran inside other kernels (our composite kernels call tf ops), by total time. */
  nested: KernelTime[];
}

export const LEARNING_RATE = 1e-5;

export function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS / 1024;
}

export function benchModelConfig(imageSize: number): ModelConfig {
  return { imageSize, channels: DEFAULT_CHANNELS, classes: DEFAULT_CLASSES, dropout: DEFAULT_DROPOUT };
}

/** The benchmarked network at `imageSize`, built as a run builds it, and its starting weights. */
export async function benchModel(model: string | undefined, imageSize: number, seed = 42): Promise<{ config: ModelConfig; net: Net }> {
  const { config, initial } = await buildModel(model ?? SEED_CNN, benchModelConfig(imageSize), seed);
  return { config, net: await createNet(config, initial) };
}

/** A model, its optimizer and one synthetic batch (uniform pixels, uniform labels) on the active backend. */
export class Workload {
  readonly model: Net;
  readonly optimizer: Adam;
  readonly batch: BatchTensors;
  private step = 0;

  constructor(
    readonly mode: BenchMode,
    readonly config: ModelConfig,
    readonly batchSize: number,
    seed = 42,
    readonly microBatch = batchSize,
    net?: Net,
  ) {
    this.model = net ?? Cnn.create(config, seed);
    this.optimizer = new Adam(LEARNING_RATE, this.model.params, this.model.buffers);
    const rng = Rng.derive(seed, 'bench');
    const s = config.imageSize;
    const x = new Float32Array(batchSize * s * s * config.channels);
    for (let i = 0; i < x.length; i++) x[i] = rng.next();
    const y = new Int32Array(batchSize);
    for (let i = 0; i < batchSize; i++) y[i] = Math.floor(rng.next() * config.classes);
    this.batch = { x: tf.tensor4d(x, [batchSize, s, s, config.channels]), y: tf.tensor1d(y, 'int32'), ids: Array.from({ length: batchSize }, (_, i) => i) };
  }

  /** One training step or one inference batch, synchronous to the result (loss / logits read back). */
  run(): void {
    if (this.mode === 'train') {
      trainStep(this.model, this.optimizer, this.batch, { dropoutSeed: 1000 + this.step++, microBatch: this.microBatch });
    } else {
      evalBatch(this.model, this.batch.x, this.batch.y, this.microBatch);
    }
  }

  dispose(): void {
    tf.dispose([this.batch.x, this.batch.y]);
    this.optimizer.dispose();
    this.model.dispose();
  }
}

export async function runBench(o: BenchOptions, backendInfo?: BackendInfo): Promise<BenchResult> {
  const info = backendInfo ?? (await initBackend(o.backend));
  const { config, net } = await benchModel(o.model, o.imageSize, o.seed);
  // Inference runs as `fps` and `evaluate` do: BatchNorm folded into its convs.
  if (o.mode === 'infer') await net.foldForInference?.();
  const w = new Workload(o.mode, config, o.batchSize, o.seed, o.microBatch, net);
  try {
    for (let i = 0; i < o.warmup; i++) w.run();
    const rates: number[] = [];
    for (let r = 0; r < o.repeats; r++) {
      const t0 = performance.now();
      for (let i = 0; i < o.steps; i++) w.run();
      const seconds = (performance.now() - t0) / 1000;
      rates.push((o.steps * o.batchSize) / seconds);
    }
    const imgPerSec = median(rates);
    const fpi = flopsPerImage(config, o.mode);
    return {
      mode: o.mode,
      imageSize: o.imageSize,
      batchSize: o.batchSize,
      steps: o.steps,
      backend: info.kind,
      threads: info.threads,
      imgPerSec,
      repeatImgPerSec: rates,
      secondsPerStep: o.batchSize / imgPerSec,
      flopsPerImage: fpi,
      gflops: (imgPerSec * fpi) / 1e9,
      peakRssMb: peakRssMb(),
      microBatch: Math.min(o.batchSize, o.microBatch ?? o.batchSize),
      wasmHeapMb: info.kind === 'wasm' ? (wasmHeapBytes() ?? 0) / 2 ** 20 : null,
    };
  } finally {
    w.dispose();
  }
}

interface ProfiledKernel {
  name: string;
  kernelTimeMs: number | { error: string } | Promise<number | { error: string }>;
  depth?: number;
}

/**
 * tf.profile records every kernel, including the ones our composite wasm kernels run inside
 * themselves, with inclusive times and no nesting information. To split them we tag each record
 * with the engine's kernel depth at the moment it is pushed (0 for kernels the model called).
 */
async function profileWithDepth(f: () => void): Promise<ProfiledKernel[]> {
  const state = (tf.engine() as unknown as { state: { kernelDepth: number; activeProfile: { kernels: ProfiledKernel[] } } }).state;
  const prof = state.activeProfile;
  const original = prof.kernels;
  let current: ProfiledKernel[] = original;
  Object.defineProperty(prof, 'kernels', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (arr: ProfiledKernel[]) => {
      const push = arr.push.bind(arr);
      arr.push = (...items: ProfiledKernel[]) => {
        for (const item of items) item.depth = state.kernelDepth;
        return push(...items);
      };
      current = arr;
    },
  });
  try {
    const info = await tf.profile(f);
    return info.kernels;
  } finally {
    delete (prof as { kernels?: unknown }).kernels;
    prof.kernels = current;
  }
}

function aggregate(records: { name: string; ms: number }[]): KernelTime[] {
  const by = new Map<string, KernelTime>();
  for (const r of records) {
    const k = by.get(r.name) ?? { name: r.name, calls: 0, ms: 0 };
    k.calls++;
    k.ms += r.ms;
    by.set(r.name, k);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms);
}

/** Per-kernel times of one step (after `warmup` untimed steps), via tf.profile. */
export async function profileStep(o: Omit<BenchOptions, 'steps' | 'repeats'>, backendInfo?: BackendInfo): Promise<StepProfile> {
  const info = backendInfo ?? (await initBackend(o.backend));
  const { config, net } = await benchModel(o.model, o.imageSize, o.seed);
  // Inference runs as `fps` and `evaluate` do: BatchNorm folded into its convs.
  if (o.mode === 'infer') await net.foldForInference?.();
  const w = new Workload(o.mode, config, o.batchSize, o.seed, o.microBatch, net);
  try {
    for (let i = 0; i < Math.max(1, o.warmup); i++) w.run();
    const t0 = performance.now();
    const kernels = await profileWithDepth(() => w.run());
    const wallMs = performance.now() - t0;
    const timed = await Promise.all(
      kernels.map(async (k) => {
        const t = await k.kernelTimeMs;
        return { name: k.name, depth: k.depth ?? 0, ms: typeof t === 'number' ? t : 0 };
      }),
    );
    return {
      mode: o.mode,
      imageSize: o.imageSize,
      batchSize: o.batchSize,
      backend: info.kind,
      wallMs,
      kernels: aggregate(timed.filter((k) => k.depth === 0)),
      nested: aggregate(timed.filter((k) => k.depth > 0)),
    };
  } finally {
    w.dispose();
  }
}

export function formatProfile(p: StepProfile, top = 12): string[] {
  const total = p.kernels.reduce((a, k) => a + k.ms, 0);
  const lines = [
    `profile: ${p.mode} ${p.imageSize}² batch ${p.batchSize} on ${p.backend}: step ${p.wallMs.toFixed(0)} ms wall, ${total.toFixed(0)} ms in kernels`,
  ];
  for (const k of p.kernels.slice(0, top)) {
    lines.push(`  ${k.name.padEnd(24)} ${k.ms.toFixed(1).padStart(9)} ms  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  ×${k.calls}`);
  }
  if (p.kernels.length > top) {
    const rest = p.kernels.slice(top);
    lines.push(
      `  ${`(${rest.length} others)`.padEnd(24)} ${rest
        .reduce((a, k) => a + k.ms, 0)
        .toFixed(1)
        .padStart(9)} ms`,
    );
  }
  if (p.nested.length > 0) {
    lines.push('  inside composite kernels:');
    for (const k of p.nested.slice(0, 8)) lines.push(`    ${k.name.padEnd(22)} ${k.ms.toFixed(1).padStart(9)} ms  ×${k.calls}`);
  }
  return lines;
}
