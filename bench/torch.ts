// Runs bench/python/torch_reference.py (the same model in PyTorch, one thread unless asked) with Debian's
// system python, so every benchmark row can carry a side-by-side ratio measured on the same
// machine at the same time. PyTorch runs with the glibc allocator settings that make it fastest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../common/paths.js';
import type { BenchMode } from './harness.js';

export const SYSTEM_PYTHON = '/usr/bin/python3';
export const TORCH_SCRIPT = join(PACKAGE_ROOT, 'bench', 'python', 'torch_reference.py');

/**
 * glibc malloc never returns big blocks to the kernel with these, so PyTorch's per-step tensors
 * reuse pages instead of faulting in fresh zeroed ones: 1.35-1.4x faster training at 64² batch 16
 * on one thread here (25.4-25.9 -> 34.8-35.6 img/s, PyTorch 1.13); docs/performance.md.
 */
export const TORCH_ALLOCATOR_ENV = { MALLOC_MMAP_MAX_: '0', MALLOC_TRIM_THRESHOLD_: '100000000000' };

export interface TorchResult {
  imgPerSec: number;
  repeatImgPerSec: number[];
  threads: number;
  torchVersion: string;
  peakRssMb: number;
}

export interface TorchOptions {
  mode: BenchMode;
  /** seed-cnn (default) or a zoo name: torchvision's model of that name. */
  model?: string;
  /** The Python that runs it (default: Debian's, SYSTEM_PYTHON); e.g. a venv with pip's torch. */
  python?: string;
  imageSize: number;
  batchSize: number;
  steps: number;
  repeats: number;
  warmup: number;
  threads?: number;
  /** Leave glibc's allocator as it is (default: TORCH_ALLOCATOR_ENV). */
  defaultAllocator?: boolean;
}

/** The torch version when `/usr/bin/python3 -c 'import torch'` works, else null with the reason. */
export function torchAvailable(): { ok: true; version: string } | { ok: false; reason: string } {
  if (!existsSync(SYSTEM_PYTHON)) return { ok: false, reason: `${SYSTEM_PYTHON} not found` };
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').pop() ?? 'unknown error';
    return { ok: false, reason: `${SYSTEM_PYTHON} cannot import torch (${why}); apt-get install -y python3-torch` };
  }
  return { ok: true, version: r.stdout.trim() };
}

export function runTorchReference(o: TorchOptions): TorchResult {
  const args = [
    TORCH_SCRIPT,
    '--mode',
    o.mode,
    '--model',
    o.model ?? 'seed-cnn',
    '--image-size',
    String(o.imageSize),
    '--batch-size',
    String(o.batchSize),
    '--steps',
    String(o.steps),
    '--repeats',
    String(o.repeats),
    '--warmup',
    String(o.warmup),
    '--threads',
    String(o.threads ?? 1),
  ];
  const env = o.defaultAllocator ? process.env : { ...process.env, ...TORCH_ALLOCATOR_ENV };
  const r = spawnSync(o.python ?? SYSTEM_PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20, env });
  if (r.status !== 0) {
    throw new Error(`torch reference failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' | ')}`);
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const j = JSON.parse(line) as { img_per_sec: number; repeat_img_per_sec: number[]; threads: number; torch_version: string; peak_rss_mb: number };
  return { imgPerSec: j.img_per_sec, repeatImgPerSec: j.repeat_img_per_sec, threads: j.threads, torchVersion: j.torch_version, peakRssMb: j.peak_rss_mb };
}
