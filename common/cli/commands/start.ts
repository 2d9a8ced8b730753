import { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { initBackend } from '../../backend/select.js';
import { DEFAULT_PER_CLASS, makeShapesDataset } from '../../data/shapes.js';
import { runTrain } from '../../train/run.js';
import { launchCluster } from '../../../coordinator/launcher.js';
import type { CommandModule } from '../command.js';
import { addClusterFlags, clusterOptionsFromFlags } from '../cluster-flags.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';
import { parseIntFlag } from '../parse.js';
import { DEFAULT_LOCAL_WORKERS } from './cluster.js';

export const DEFAULT_DEMO_DATA = 'data/shapes';
/** 500 images per class at 64 px (3,000 images), what the demo preset is tuned on. */
export const DEMO_PER_CLASS = DEFAULT_PER_CLASS;
export const DEMO_IMAGE_PX = 64;

async function hasDataset(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => !n.startsWith('.'));
  } catch {
    return false;
  }
}

export const startCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('start').description('the quick start: make the shapes dataset if missing, then train it on a local 2-worker cluster (demo preset)');
  addClusterFlags(addTrainFlags(cmd, { dataRequired: false }))
    .option('--workers <n>', `local worker processes (default ${DEFAULT_LOCAL_WORKERS}); 0 trains in this process`)
    .action(async (flags: Record<string, unknown>) => {
      const data = (flags.data as string | undefined) ?? DEFAULT_DEMO_DATA;
      if (flags.data === undefined && !(await hasDataset(data))) {
        io.err(`making the shapes demo dataset in ${data} ...`);
        const r = await makeShapesDataset({ out: data, perClass: DEMO_PER_CLASS, size: DEMO_IMAGE_PX, seed: 7 });
        io.err(`wrote ${r.count} images`);
      }
      const train = trainOptionsFromFlags({ preset: 'demo', ...flags, data }, { out: 'runs/demo' });
      const workers = flags.workers === undefined ? DEFAULT_LOCAL_WORKERS : parseIntFlag(String(flags.workers), '--workers', 0);
      io.err(`training: preset ${String(flags.preset ?? 'demo')}, ${train.epochs} epochs, ${train.imageSize}px, batch ${train.batchSize}, lr ${train.lr}, ${workers} worker(s)`);
      let report;
      if (workers > 0) {
        const backend = await initBackend(train.backend);
        report = await launchCluster({ workers, train, cluster: clusterOptionsFromFlags(flags, { job: `demo-${process.pid}` }), workerBackend: train.backend, allowInstall: true }, io, backend.kind);
        if (!report) io.err('warning: no NATS server could be found or installed (set NATS_URL, or apt-get install nats-server); training in this process instead');
      }
      report ??= await runTrain(train, io);
      io.err(`checkpoint and report.json in ${train.out}`);
      exit(0);
    });
  program.addCommand(cmd);
};
