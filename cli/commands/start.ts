// `syncgrad start`: the quick start. The demo dataset when it is missing, then the demo preset (or,
// with another --model, demo-zoo) on a local cluster of 2 workers (or in this process with --workers 0).
import { Command } from 'commander';
import { DEFAULT_DEMO_DATA, demoDatasetState, ensureDemoDataset } from '../../demo/demo-data.js';
import type { CommandModule } from '../command.js';
import type { TrainReport } from '../../common/run/report.js';
import { addClusterFlags, clusterOptionsFromFlags } from '../cluster-flags.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';
import { parseIntFlag } from '../../common/zod-options.js';
import { DEFAULT_LOCAL_WORKERS } from '../../launcher/defaults.js';
import { SEED_CNN } from '../../common/model/spec.js';

/**
 * The quick start's exchange unless --exchange says otherwise. `auto` takes the star below 4 MiB of
 * gradient; at the demo's 557,382 parameters (2.2 MB) the sharded all-reduce made an epoch of 2
 * workers take 13.4–14.4 s against the star's 18–20 s here, which pays for the preset's extra
 * epochs (docs/performance.md, "The demo").
 */
export const DEMO_EXCHANGE = 'sharded';

export const startCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('start').description(
    'the quick start: make the shapes dataset if missing, then train it on a local 2-worker cluster (demo preset, sharded exchange)',
  );
  addClusterFlags(addTrainFlags(cmd, { dataRequired: false }))
    .option('--workers <n>', `local worker processes (default ${DEFAULT_LOCAL_WORKERS}); 0 trains in this process`)
    .action(async (flags: Record<string, unknown> & { workers?: string; preset?: string; data?: string; job?: string; exchange?: string }) => {
      const { runTrain } = await import('../../trainer/run.js');
      const { launchCluster } = await import('../../launcher/launcher.js');
      const data = flags.data ?? DEFAULT_DEMO_DATA;
      await ensureDemoDataset(data, flags.data === undefined ? await demoDatasetState(data) : 'foreign', io);
      // The zoo's networks (BatchNorm, 11 M parameters and more) train on the demo data with larger batches.
      const preset = flags.preset ?? (flags.model === undefined || flags.model === SEED_CNN ? 'demo' : 'demo-zoo');
      const train = trainOptionsFromFlags({ ...flags, preset, data }, { out: 'runs/demo' });
      const workers = flags.workers === undefined ? DEFAULT_LOCAL_WORKERS : parseIntFlag(flags.workers, '--workers', 0);
      io.err(
        `training: preset ${preset}, model ${typeof train.model === 'string' ? train.model : 'custom'}, ${train.epochs} epochs, ${train.imageSize}px, batch ${train.batchSize}, lr ${train.lr}, ${workers} worker(s)`,
      );
      let report: TrainReport | undefined;
      if (workers > 0) {
        report = await launchCluster(
          {
            workers,
            train,
            cluster: clusterOptionsFromFlags({ ...flags, job: flags.job ?? `demo-${process.pid}`, exchange: flags.exchange ?? DEMO_EXCHANGE }),
            workerBackend: train.backend,
            workerThreads: train.threads,
            allowInstall: true,
            maxRestarts: 0,
          },
          io,
        );
        if (!report)
          io.err('warning: no NATS server could be found or installed (set NATS_URL, or apt-get install nats-server); training in this process instead');
      }
      if (!report) await runTrain(train, io);
      io.err(`checkpoint and report.json in ${train.out}`);
      exit(0);
    });
  program.addCommand(cmd);
};
