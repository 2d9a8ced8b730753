import { Option } from 'commander';
import { existsSync } from 'node:fs';
import { BACKEND_CHOICES, type BackendChoice } from '../../common/backend/choices.js';
import { ConfigError } from '../../common/errors.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../common/export/safetensors.js';
import type { CommandModule } from '../command.js';

export const exportCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('export')
    .description("write a trained run as a TensorFlow.js LayersModel (tf.loadLayersModel) or as the seed module's PyTorch state_dict in safetensors")
    .requiredOption('--model <run>', 'run directory (or .sgck checkpoint file)')
    // Checked here rather than by commander's choices(): a wrong name is then one "syncgrad:" line like every user error.
    .requiredOption('--format <name>', `${EXPORT_FORMATS.join(' or ')}; tfjs: a directory with model.json and its weights, safetensors: one file`)
    .requiredOption('--out <path>', 'the directory (tfjs) or file (safetensors) to write')
    .option('--force', 'replace --out if it exists')
    .addOption(new Option('--backend <name>', 'compute backend for building the tfjs model').choices(BACKEND_CHOICES).default('cpu'))
    .action(async (flags: { model: string; format: ExportFormat; out: string; force?: boolean; backend: BackendChoice }) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format))
        throw new ConfigError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(flags.format)}`);
      if (existsSync(flags.out) && !flags.force) throw new ConfigError(`--out ${flags.out} exists (add --force to replace it)`);
      const { loadLatestCheckpoint } = await import('../../common/run/checkpoint.js');
      const { CheckpointError } = await import('../../common/errors.js');
      const { exportRun } = await import('../../common/export/write.js');
      const found = await loadLatestCheckpoint(flags.model, io.err);
      if (!found) throw new CheckpointError(flags.model, 'no checkpoint in this run directory');
      const written = await exportRun(found.checkpoint, flags.format, flags.out, flags.backend);
      io.out(`wrote ${written.join(', ')} (${flags.format}, from ${found.path})`);
      exit(0);
    });
};
