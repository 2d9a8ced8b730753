import { Option } from 'commander';
import { DEFAULT_FPS_BATCHES } from '../../common/train/options.js';
import { planMicroBatch } from '../../common/train/micro-batch.js';
import { BACKEND_CHOICES, type BackendChoice } from '../../common/backend/choices.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

export const fpsCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('fps')
    .description("inference FPS: images / summed forward time of N batches (the seed's definition)")
    .requiredOption('--model <run>', 'run directory (or .sgck checkpoint file)')
    .option('--batches <n>', 'timed batches', String(DEFAULT_FPS_BATCHES))
    .option('--batch-size <n>', 'images per batch', '32')
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--json', 'print JSON')
    .action(async (flags: { model: string; batches: string; batchSize: string; backend: BackendChoice; json?: boolean }) => {
      const { initBackend } = await import('../../common/backend/select.js');
      const { measureFps } = await import('../../common/train/fps.js');
      const { loadTrainedModel } = await import('../../common/run/restore.js');
      const batches = parseIntFlag(flags.batches, '--batches');
      const batchSize = parseIntFlag(flags.batchSize, '--batch-size');
      const backend = await initBackend(flags.backend);
      const { model } = await loadTrainedModel(flags.model, io.err, { inference: true });
      try {
        const r = measureFps(model, batches, batchSize, planMicroBatch('auto', backend.kind, model.config, 'worker').infer);
        if (flags.json) io.out(JSON.stringify({ ...r, batches, batchSize, backend: backend.kind }));
        else
          io.out(
            `FPS: ${r.fps.toFixed(1)} (${r.images} images in ${r.seconds.toFixed(3)} s of forward time, ${batches} batches of ${batchSize}, ${backend.kind})`,
          );
      } finally {
        model.dispose();
      }
      exit(0);
    });
};
