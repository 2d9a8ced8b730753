import { Command, Option } from 'commander';
import { BackendError } from '../../common/errors.js';
import { BACKEND_CHOICES } from '../../common/backend/choices.js';
import { DEFAULT_MAX_RESTARTS } from '../../coordinator/options.js';
import type { CommandModule } from '../command.js';
import { addClusterFlags, clusterOptionsFromFlags } from '../cluster-flags.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';
import { parseIntFlag } from '../../common/zod-options.js';
import { DEFAULT_LOCAL_WORKERS } from '../../launcher/defaults.js';

export const clusterCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('cluster').description('local launcher (like torchrun): NATS + coordinator + N worker processes on this machine');
  addClusterFlags(addTrainFlags(cmd, { dataRequired: true }))
    .option('--workers <n>', `worker processes (default ${DEFAULT_LOCAL_WORKERS})`)
    .addOption(new Option('--worker-backend <name>', 'backend for the workers (default: --backend)').choices(BACKEND_CHOICES))
    .option(
      '--max-restarts <k>',
      `restart a dead coordinator (with --resume) or worker up to k times in all, like torchrun (default ${DEFAULT_MAX_RESTARTS}: the coordinator runs in this process)`,
    )
    .action(async (flags: Record<string, unknown> & { workers?: string; workerBackend?: string; maxRestarts?: string }, self: Command) => {
      const { coordinatorArgsFrom, launchCluster } = await import('../../launcher/launcher.js');
      const train = trainOptionsFromFlags(flags);
      // Commander keeps the argv it parsed (untyped): the child coordinator gets the user's own flags.
      const raw = (self.parent as unknown as { rawArgs?: string[] } | null)?.rawArgs ?? [];
      const report = await launchCluster(
        {
          workers: flags.workers === undefined ? DEFAULT_LOCAL_WORKERS : parseIntFlag(flags.workers, '--workers'),
          train,
          cluster: clusterOptionsFromFlags(flags),
          workerBackend: flags.workerBackend ?? train.backend,
          workerThreads: train.threads,
          allowInstall: true,
          maxRestarts: flags.maxRestarts === undefined ? DEFAULT_MAX_RESTARTS : parseIntFlag(flags.maxRestarts, '--max-restarts', 0),
          coordinatorArgs: coordinatorArgsFrom(raw.slice(raw.indexOf('cluster') + 1)),
        },
        io,
      );
      if (!report) throw new BackendError('no NATS server: set NATS_URL, put nats-server on PATH (apt-get install nats-server), or run Docker');
      exit(0);
    });
  program.addCommand(cmd);
};
