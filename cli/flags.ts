// Flag definitions shared by every command that trains (train, start, coordinator, cluster), so
// they spell and validate options the same way.
import { Command, Option } from 'commander';
import { BACKEND_CHOICES } from '../common/backend/choices.js';
import { PROGRESS_MODES } from '../common/console/progress.js';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_EPOCHS,
  DEFAULT_FPS_BATCHES,
  DEFAULT_LR,
  DEFAULT_OUT,
  DEFAULT_PREFETCH,
  DEFAULT_SEED,
  PRESETS,
  parseTrainOptions,
  type TrainOptions,
} from '../common/train/options.js';
import { DEFAULT_TEST_FRACTION, DEFAULT_VAL_FRACTION } from '../common/data/dataset.js';
import { DEFAULT_CHANNELS, DEFAULT_IMAGE_SIZE } from '../common/model/spec.js';
import { DEFAULT_MODEL, MODEL_NAMES } from '../common/model/choice.js';

export function addTrainFlags(cmd: Command, opts: { dataRequired: boolean }): Command {
  return cmd
    .addOption(new Option('--data <dir>', 'dataset directory (ImageFolder, or train/val/test subfolders)').makeOptionMandatory(opts.dataRequired))
    .addOption(new Option('--preset <name>', 'start from a named configuration').choices(Object.keys(PRESETS)))
    .option(
      '--model <name|file>',
      `the network: ${MODEL_NAMES.join(', ')}, or a .js/.mjs/.ts file whose default export builds a tfjs-layers model, or a model.json (default ${DEFAULT_MODEL})`,
    )
    .option('--epochs <n>', `epochs to train (default ${DEFAULT_EPOCHS})`)
    .option('--batch-size <n>', `global batch size (default ${DEFAULT_BATCH_SIZE})`)
    .option('--lr <rate>', `Adam learning rate (default ${DEFAULT_LR.toExponential()}, the seed's)`)
    .option('--image-size <n>', `input height and width (default ${DEFAULT_IMAGE_SIZE}; 224 for the zoo's models)`)
    .option('--channels <n>', `input channels, 1 or 3 (default ${DEFAULT_CHANNELS})`)
    .addOption(new Option('--backend <name>', 'compute backend (default auto)').choices(BACKEND_CHOICES))
    .option('--seed <n>', `seed for init, split, shuffling and dropout (default ${DEFAULT_SEED})`)
    .option('--out <dir>', `run directory for checkpoints and report.json (default ${DEFAULT_OUT})`)
    .option('--report <file>', 'also write the JSON report here')
    .option('--no-dropout', 'disable dropout (exact equivalence checks)')
    .option('--val-fraction <f>', `validation share of each class (default ${DEFAULT_VAL_FRACTION})`)
    .option('--test-fraction <f>', `test share of each class (default ${DEFAULT_TEST_FRACTION})`)
    .option('--no-audit', 'skip the duplicate-image leak audit')
    .option('--prefetch <n>', `batches decoded ahead of compute (default ${DEFAULT_PREFETCH})`)
    .option('--fps-batches <n>', `test batches timed for FPS (default ${DEFAULT_FPS_BATCHES})`)
    .addOption(new Option('--progress <mode>', 'progress display (default auto: bars on a TTY)').choices(PROGRESS_MODES))
    .option('--max-steps <n>', 'stop each epoch after n steps (smoke tests)')
    .option(
      '--checkpoint-every <steps>',
      'also checkpoint every n steps (default: each epoch end and at most every 5 minutes of training); the last two checkpoints are kept',
    )
    .option('--resume', "continue from the run directory's (--out) newest valid checkpoint; starts fresh, saying so, when there is none")
    .option(
      '--threads <n>',
      "native TensorFlow's intra-op and inter-op threads in each process that computes: this one (train), each local worker (cluster, start: default the cores divided among them); default every core",
    )
    .option(
      '--micro-batch <n>',
      "images per forward/backward pass, N or auto: a batch (or a worker's shard) is computed in passes of this size and their gradients summed (default auto: what fits the backend's memory)",
    );
}

/** Commander's parsed flags → validated TrainOptions. Flags the user did not give stay undefined so presets apply. */
export function trainOptionsFromFlags(flags: Record<string, unknown>, overrides: Partial<TrainOptions> = {}): TrainOptions {
  return parseTrainOptions(
    {
      data: flags.data ?? overrides.data,
      model: flags.model,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      lr: flags.lr,
      imageSize: flags.imageSize,
      channels: flags.channels,
      backend: flags.backend,
      seed: flags.seed,
      out: flags.out ?? overrides.out,
      report: flags.report,
      dropout: flags.dropout === false ? false : undefined,
      valFraction: flags.valFraction,
      testFraction: flags.testFraction,
      audit: flags.audit === false ? false : undefined,
      prefetch: flags.prefetch,
      fpsBatches: flags.fpsBatches,
      progress: flags.progress,
      maxStepsPerEpoch: flags.maxSteps,
      microBatch: flags.microBatch,
      checkpointEvery: flags.checkpointEvery,
      resume: flags.resume === true ? true : undefined,
      threads: flags.threads,
    },
    (flags.preset as string | undefined) ?? (overrides as { preset?: string }).preset,
  );
}
