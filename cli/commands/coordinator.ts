import { Command } from 'commander';
import type { CommandModule } from '../command.js';
import { addClusterFlags, clusterOptionsFromFlags } from '../cluster-flags.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';
import { parseIntFlag } from '../../common/zod-options.js';
import { handleShutdownSignals } from '../../common/signals.js';

export const coordinatorCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('coordinator').description(
    "run a job's coordinator: cut each batch among the workers, have their gradients reduced and Adam applied (among the workers, or here for small models), check the replicas agree",
  );
  addClusterFlags(addTrainFlags(cmd, { dataRequired: true }))
    .option('--workers <n>', 'workers to wait for before the first step (default 1)')
    .action(async (flags: Record<string, unknown> & { workers?: string }) => {
      const { Coordinator } = await import('../../coordinator/coordinator.js');
      const train = trainOptionsFromFlags(flags);
      const cluster = clusterOptionsFromFlags(flags, flags.workers === undefined ? {} : { minWorkers: parseIntFlag(flags.workers, '--workers') });
      await using c = await Coordinator.start({ train, cluster }, io);
      const release = handleShutdownSignals({ what: 'coordinator', io, stop: (sig) => c.close(`interrupted (${sig})`) });
      try {
        await c.run();
      } finally {
        release();
      }
      exit(0);
    });
  program.addCommand(cmd);
};
