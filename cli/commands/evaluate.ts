import { Option } from 'commander';
import type { DatasetIndex, Sample } from '../../common/data/dataset.js';
import { DataError } from '../../common/errors.js';
import { planMicroBatch } from '../../common/train/micro-batch.js';
import { BACKEND_CHOICES, type BackendChoice } from '../../common/backend/choices.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

const SPLITS = ['test', 'val', 'train', 'all'] as const;

export const evaluateCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('evaluate')
    .description('accuracy and confusion matrix of a trained run on a dataset split')
    .requiredOption('--model <run>', 'run directory (or .sgck checkpoint file)')
    .requiredOption('--data <dir>', 'dataset directory')
    .addOption(new Option('--split <name>', "which split to evaluate (the run's seed and fractions recreate it)").choices(SPLITS).default('test'))
    .option('--batch-size <n>', 'inference batch size', '32')
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--json', 'print JSON')
    .action(async (flags: { model: string; data: string; split: (typeof SPLITS)[number]; batchSize: string; backend: BackendChoice; json?: boolean }) => {
      const tf = await import('@tensorflow/tfjs-core');
      const { initBackend } = await import('../../common/backend/select.js');
      const { DEFAULT_TEST_FRACTION, DEFAULT_VAL_FRACTION, indexDataset } = await import('../../common/data/dataset.js');
      const { SkipLog, loadBatches, DEFAULT_DECODE_CONCURRENCY } = await import('../../common/data/loader.js');
      const { batchTensors } = await import('../../common/train/step.js');
      const { evalBatch } = await import('../../common/train/step.js');
      const { emptyConfusion, tally } = await import('../../common/train/engine.js');
      const { loadTrainedModel } = await import('../../common/run/restore.js');
      const batchSize = parseIntFlag(flags.batchSize, '--batch-size');
      const backend = await initBackend(flags.backend);
      const { model, meta } = await loadTrainedModel(flags.model, io.err, { inference: true });
      const passImages = planMicroBatch('auto', backend.kind, model.config, 'worker').infer;
      try {
        const cfg = meta.config as { valFraction?: number; testFraction?: number; seed?: number };
        const index: DatasetIndex = await indexDataset(flags.data, {
          valFraction: cfg.valFraction ?? DEFAULT_VAL_FRACTION,
          testFraction: cfg.testFraction ?? DEFAULT_TEST_FRACTION,
          seed: cfg.seed ?? meta.seed,
        });
        if (index.classes.join('\u0000') !== meta.classes.join('\u0000')) {
          throw new DataError(index.root, `classes differ from the model's (${meta.classes.join(', ')})`);
        }
        const samples: Sample[] = flags.split === 'all' ? [...index.train, ...index.val, ...index.test] : index[flags.split];
        const stats = { correct: 0, count: 0, confusion: emptyConfusion(meta.classes.length) };
        const skip = new SkipLog();
        const { imageSize, channels } = meta.model;
        let lossSum = 0;
        const loader = { imageSize, channels, batchSize, prefetch: 2, concurrency: DEFAULT_DECODE_CONCURRENCY };
        for await (const batch of loadBatches(
          samples,
          samples.map((_, i) => i),
          loader,
          skip,
        )) {
          const { x, y } = batchTensors(batch, imageSize, channels);
          let r: ReturnType<typeof evalBatch>;
          try {
            r = evalBatch(model, x, y, passImages);
          } finally {
            tf.dispose([x, y]);
          }
          lossSum += r.lossSum;
          tally(stats, batch.y, r.predictions);
        }
        const { correct, count, confusion } = stats;
        const accuracy = count > 0 ? correct / count : 0;
        if (skip.summary()) io.err(`warning: ${skip.summary()}`);
        if (flags.json) {
          io.out(JSON.stringify({ split: flags.split, accuracy, loss: lossSum / Math.max(1, count), count, classes: meta.classes, confusion }, null, 2));
        } else {
          io.out(`${flags.split} accuracy: ${(100 * accuracy).toFixed(2)}% (${correct}/${count}), loss ${(lossSum / Math.max(1, count)).toFixed(4)}`);
          io.out('confusion (rows: true, columns: predicted):');
          const w = Math.max(...meta.classes.map((c) => c.length), 5);
          io.out(`${''.padEnd(w)} ${meta.classes.map((c) => c.slice(0, 6).padStart(6)).join(' ')}`);
          confusion.forEach((row, i) => io.out(`${meta.classes[i]!.padEnd(w)} ${row.map((v) => String(v).padStart(6)).join(' ')}`));
        }
        exit(0);
      } finally {
        model.dispose();
      }
    });
};
