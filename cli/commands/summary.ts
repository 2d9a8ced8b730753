import { Option } from 'commander';
import { ConfigError } from '../../common/errors.js';
import { describeChoice } from '../../common/model/build.js';
import { checkModelChoice, DEFAULT_MODEL, defaultImageSizeFor, MODEL_NAMES } from '../../common/model/choice.js';
import { DEFAULT_CHANNELS, DEFAULT_CLASSES, DEFAULT_DROPOUT, DEFAULT_IMAGE_SIZE } from '../../common/model/spec.js';
import { formatSummary, summarize } from '../../common/model/summary.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

export const summaryCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('summary')
    .description('print the model table like torchsummary (NCHW shapes, params, MB estimates)')
    .option('--model <name|file>', `the network: ${MODEL_NAMES.join(', ')}, or a model file`, DEFAULT_MODEL)
    .option('--image-size <n>', `input height and width (default ${DEFAULT_IMAGE_SIZE}; 224 for the zoo's models)`)
    .addOption(new Option('--channels <n>', 'input channels').choices(['1', '3']).default(String(DEFAULT_CHANNELS)))
    .option('--classes <k>', 'output classes', String(DEFAULT_CLASSES))
    .option('--json', 'print JSON instead of the table')
    .action(async (flags: { model: string; imageSize?: string; channels: string; classes: string; json?: boolean }) => {
      const channels = Number(flags.channels);
      if (channels !== 1 && channels !== 3) throw new ConfigError('--channels must be 1 or 3');
      const model = checkModelChoice(flags.model);
      const imageSize = flags.imageSize === undefined ? (defaultImageSizeFor(model) ?? DEFAULT_IMAGE_SIZE) : parseIntFlag(flags.imageSize, '--image-size');
      const config = await describeChoice(model, { imageSize, channels, classes: parseIntFlag(flags.classes, '--classes'), dropout: DEFAULT_DROPOUT });
      const s = summarize(config);
      io.out(flags.json ? JSON.stringify(s, null, 2) : formatSummary(s));
      exit(0);
    });
};
