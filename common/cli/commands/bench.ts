import { Option } from 'commander';
import { BACKEND_CHOICES, initBackend, type BackendChoice } from '../../backend/select.js';
import { benchModelConfig, formatProfile, profileStep, runBench, type BenchMode, type BenchResult, type StepProfile } from '../../bench/harness.js';
import { runTorchReference, torchAvailable, type TorchResult } from '../../bench/torch.js';
import { ConfigError } from '../../errors.js';
import { MIN_IMAGE_SIZE } from '../../model/spec.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../parse.js';
import { withMemoryContext } from '../../backend/memory.js';
import { parseMicroBatch, planMicroBatch } from '../../train/micro-batch.js';

interface BenchFlags {
  imageSize: string;
  batchSize: string;
  steps: string;
  repeats: string;
  warmup: string;
  backend: BackendChoice;
  microBatch?: string;
  torch: boolean;
  profile?: boolean;
  json?: boolean;
}

export interface BenchRow {
  ours: BenchResult;
  torch: TorchResult | null;
  /** ours / PyTorch img/s; null without a PyTorch figure. */
  ratio: number | null;
  torchSkipped?: string;
  profile?: StepProfile;
}

export const benchCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('bench')
    .description('training or inference throughput on synthetic data: img/s (median of repeats), GFLOP/s, peak RSS, and the ratio to PyTorch on one thread')
    .argument('<mode>', 'train or infer')
    .option('--image-size <n>', 'input height and width', '64')
    .option('--batch-size <n>', 'images per step', '16')
    .option('--steps <n>', 'steps (or inference batches) per timed repeat', '5')
    .option('--repeats <n>', 'timed repeats; the median is reported', '3')
    .option('--warmup <n>', 'untimed steps first', '1')
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--micro-batch <n>', 'images per pass (N or auto); a batch is computed as several passes', 'auto')
    .option('--no-torch', 'skip the PyTorch reference (bench/torch_reference.py)')
    .option('--profile', 'also print a per-kernel profile of one step (tf.profile)')
    .option('--json', 'print JSON')
    .action(async (mode: string, flags: BenchFlags) => {
      if (mode !== 'train' && mode !== 'infer') throw new ConfigError(`bench mode must be train or infer, got ${JSON.stringify(mode)}`);
      const imageSize = parseIntFlag(flags.imageSize, '--image-size', MIN_IMAGE_SIZE);
      const batchSize = parseIntFlag(flags.batchSize, '--batch-size');
      const steps = parseIntFlag(flags.steps, '--steps');
      const repeats = parseIntFlag(flags.repeats, '--repeats');
      const warmup = parseIntFlag(flags.warmup, '--warmup', 0);
      const choice = parseMicroBatch(flags.microBatch);
      const backend = await initBackend(flags.backend);
      const plan = planMicroBatch(choice, backend.kind, benchModelConfig(imageSize), 'train');
      const microBatch = Math.min(batchSize, mode === 'train' ? plan.train : plan.infer);
      const common = { mode: mode as BenchMode, imageSize, batchSize, warmup, backend: flags.backend, microBatch };
      const ours = await withMemoryContext({ who: `bench ${mode}`, imageSize, batch: batchSize, microBatch, backend: backend.kind }, () => runBench({ ...common, steps, repeats }, backend));
      const row: BenchRow = { ours, torch: null, ratio: null };
      if (flags.torch) {
        const avail = torchAvailable();
        if (avail.ok) {
          row.torch = runTorchReference({ mode: common.mode, imageSize, batchSize, steps, repeats, warmup });
          row.ratio = ours.imgPerSec / row.torch.imgPerSec;
        } else {
          row.torchSkipped = avail.reason;
        }
      }
      if (flags.profile) row.profile = await profileStep(common, backend);
      if (flags.json) {
        io.out(JSON.stringify(row));
      } else {
        io.out(
          `${mode} ${imageSize}² batch ${batchSize} on ${ours.backend} (${ours.threads} thread${ours.threads === 1 ? '' : 's'}): ` +
            `${ours.imgPerSec.toFixed(2)} img/s (median of ${repeats} × ${steps} steps; ${ours.repeatImgPerSec.map((r) => r.toFixed(2)).join(', ')}), ` +
            `${ours.gflops.toFixed(2)} GFLOP/s, peak RSS ${ours.peakRssMb.toFixed(0)} MB` +
            `${ours.microBatch < batchSize ? ` (micro-batches of ${ours.microBatch})` : ''}${ours.wasmHeapMb !== null ? `, wasm heap ${ours.wasmHeapMb.toFixed(0)} MB` : ''}`,
        );
        if (row.torch) {
          io.out(
            `PyTorch ${row.torch.torchVersion} (${row.torch.threads} thread): ${row.torch.imgPerSec.toFixed(2)} img/s ` +
              `(${row.torch.repeatImgPerSec.map((r) => r.toFixed(2)).join(', ')}), peak RSS ${row.torch.peakRssMb.toFixed(0)} MB; ` +
              `ours/PyTorch = ${row.ratio!.toFixed(2)}`,
          );
        } else if (row.torchSkipped) {
          io.err(`PyTorch reference skipped: ${row.torchSkipped}`);
        }
        if (row.profile) for (const line of formatProfile(row.profile)) io.out(line);
      }
      exit(0);
    });
};
