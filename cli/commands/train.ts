import { Command } from 'commander';
import type { CommandModule } from '../command.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';

export const trainCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('train').description('train the seed CNN in this process (Adam, softmax cross-entropy)');
  addTrainFlags(cmd, { dataRequired: true }).action(async (flags: Record<string, unknown>) => {
    const { runTrain } = await import('../../common/train/run.js');
    await runTrain(trainOptionsFromFlags(flags), io);
    exit(0);
  });
  program.addCommand(cmd);
};
