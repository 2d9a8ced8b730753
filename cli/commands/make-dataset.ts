import { Command } from 'commander';
import { DEFAULT_PER_CLASS, DEFAULT_SEED, DEFAULT_SIZE, SHAPE_CLASSES, makeShapesDataset } from '../../demo/shapes.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

export const makeDatasetCommand: CommandModule = (program, { io, exit }) => {
  const make = new Command('make-dataset').description('generate a demo dataset');
  make
    .command('shapes')
    .description(`${SHAPE_CLASSES.length} classes of drawn shapes (${SHAPE_CLASSES.join(', ')}) with colour, grayscale and alpha images`)
    .requiredOption('--out <dir>', 'output directory (ImageFolder layout)')
    .option('--per-class <n>', 'images per class', String(DEFAULT_PER_CLASS))
    .option('--size <px>', 'image size', String(DEFAULT_SIZE))
    .option('--seed <n>', 'generator seed', String(DEFAULT_SEED))
    .action(async (flags: { out: string; perClass: string; size: string; seed: string }) => {
      const r = await makeShapesDataset({
        out: flags.out,
        perClass: parseIntFlag(flags.perClass, '--per-class'),
        size: parseIntFlag(flags.size, '--size', 8),
        seed: parseIntFlag(flags.seed, '--seed', 0),
      });
      io.out(`wrote ${r.count} images to ${r.out}`);
      exit(0);
    });
  program.addCommand(make);
};
