import { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { makeShapesDataset } from '../../data/shapes.js';
import { runTrain } from '../../train/run.js';
import type { CommandModule } from '../command.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';

export const DEFAULT_DEMO_DATA = 'data/shapes';
/** 150 images per class at 64 px: 900 images, enough for >90% test accuracy on the demo preset. */
export const DEMO_PER_CLASS = 150;
export const DEMO_IMAGE_PX = 64;

async function hasDataset(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => !n.startsWith('.'));
  } catch {
    return false;
  }
}

export const startCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('start').description('the quick start: make the shapes dataset if missing, then train with the demo preset');
  addTrainFlags(cmd, { dataRequired: false }).action(async (flags: Record<string, unknown>) => {
    const data = (flags.data as string | undefined) ?? DEFAULT_DEMO_DATA;
    if (flags.data === undefined && !(await hasDataset(data))) {
      io.err(`making the shapes demo dataset in ${data} ...`);
      const r = await makeShapesDataset({ out: data, perClass: DEMO_PER_CLASS, size: DEMO_IMAGE_PX, seed: 7 });
      io.err(`wrote ${r.count} images`);
    }
    const options = trainOptionsFromFlags({ preset: 'demo', ...flags, data }, { out: 'runs/demo' });
    io.err(`training: preset ${String(flags.preset ?? 'demo')}, ${options.epochs} epochs, ${options.imageSize}px, batch ${options.batchSize}, lr ${options.lr}`);
    await runTrain(options, io);
    io.err(`checkpoint and report.json in ${options.out}`);
    exit(0);
  });
  program.addCommand(cmd);
};
