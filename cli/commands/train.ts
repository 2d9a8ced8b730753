import { Command } from 'commander';
import type { CommandModule } from '../command.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';
import { parseIntFlag } from '../../common/zod-options.js';

export const trainCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('train').description('train the seed CNN in this process (Adam, softmax cross-entropy)');
  addTrainFlags(cmd, { dataRequired: true })
    .option('--metrics-port <port>', 'serve Prometheus /metrics and the live page (/, /status.json) on this port')
    .action(async (flags: Record<string, unknown> & { metricsPort?: string }) => {
      const { runTrain } = await import('../../trainer/run.js');
      const o = trainOptionsFromFlags(flags);
      await runTrain(o, io, flags.metricsPort === undefined ? {} : { metricsPort: parseIntFlag(flags.metricsPort, '--metrics-port', 0) });
      exit(0);
    });
  program.addCommand(cmd);
};
