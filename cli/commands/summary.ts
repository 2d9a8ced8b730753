import { Option } from 'commander';
import { ConfigError } from '../../common/errors.js';
import { DEFAULT_CHANNELS, DEFAULT_CLASSES, DEFAULT_DROPOUT, DEFAULT_IMAGE_SIZE } from '../../common/model/spec.js';
import { formatSummary, summarize } from '../../common/model/summary.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

export const summaryCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('summary')
    .description('print the model table like torchsummary (NCHW shapes, params, MB estimates)')
    .option('--image-size <n>', 'input height and width', String(DEFAULT_IMAGE_SIZE))
    .addOption(new Option('--channels <n>', 'input channels').choices(['1', '3']).default(String(DEFAULT_CHANNELS)))
    .option('--classes <k>', 'output classes', String(DEFAULT_CLASSES))
    .option('--json', 'print JSON instead of the table')
    .action((flags: { imageSize: string; channels: string; classes: string; json?: boolean }) => {
      const channels = Number(flags.channels);
      if (channels !== 1 && channels !== 3) throw new ConfigError('--channels must be 1 or 3');
      const s = summarize({
        imageSize: parseIntFlag(flags.imageSize, '--image-size'),
        channels,
        classes: parseIntFlag(flags.classes, '--classes'),
        dropout: DEFAULT_DROPOUT,
      });
      io.out(flags.json ? JSON.stringify(s, null, 2) : formatSummary(s));
      exit(0);
    });
};
