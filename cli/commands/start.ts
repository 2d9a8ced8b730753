import { Command } from 'commander';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PER_CLASS, DEFAULT_SEED, DEFAULT_SIZE, SHAPE_CLASSES, SHAPES_MARKER, SHAPES_VERSION, makeShapesDataset, readShapesMarker } from '../../common/data/shapes.js';
import type { CommandModule } from '../command.js';
import { addClusterFlags, clusterOptionsFromFlags } from '../cluster-flags.js';
import { addTrainFlags, trainOptionsFromFlags } from '../flags.js';
import { parseIntFlag } from '../parse.js';
import { DEFAULT_LOCAL_WORKERS } from './cluster.js';

export const DEFAULT_DEMO_DATA = 'data/shapes';
/** 500 images per class at 64 px (3,000 images), what the demo preset is tuned on. */
export const DEMO_PER_CLASS = DEFAULT_PER_CLASS;
export const DEMO_IMAGE_PX = DEFAULT_SIZE;

export const DEMO_SEED = DEFAULT_SEED;

/**
 * What to do with the default demo folder: make it when absent, keep it when its marker matches
 * this version's demo set, remake it when it is a shapes set of another version (or one made
 * before markers existed: only the six shape folders). Anything else is the user's: keep it.
 */
export async function demoDatasetState(dir: string): Promise<'missing' | 'current' | 'stale' | 'foreign'> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch {
    return 'missing';
  }
  if (names.length === 0) return 'missing';
  const m = await readShapesMarker(dir);
  if (m) return m.version === SHAPES_VERSION && m.perClass === DEMO_PER_CLASS && m.size === DEMO_IMAGE_PX && m.seed === DEMO_SEED ? 'current' : 'stale';
  const shapeDirs = new Set<string>(SHAPE_CLASSES);
  return names.every((n) => shapeDirs.has(n)) ? 'stale' : 'foreign';
}

export const startCommand: CommandModule = (program, { io, exit }) => {
  const cmd = new Command('start').description('the quick start: make the shapes dataset if missing, then train it on a local 2-worker cluster (demo preset)');
  addClusterFlags(addTrainFlags(cmd, { dataRequired: false }))
    .option('--workers <n>', `local worker processes (default ${DEFAULT_LOCAL_WORKERS}); 0 trains in this process`)
    .action(async (flags: Record<string, unknown>) => {
      const { initBackend } = await import('../../common/backend/select.js');
      const { runTrain } = await import('../../common/train/run.js');
      const { launchCluster } = await import('../../coordinator/launcher.js');
      const data = (flags.data as string | undefined) ?? DEFAULT_DEMO_DATA;
      const state = flags.data === undefined ? await demoDatasetState(data) : 'foreign';
      if (state === 'missing' || state === 'stale') {
        if (state === 'stale') {
          io.err(`${data} was made by another version of the shapes generator; making it again`);
          await Promise.all([...SHAPE_CLASSES, SHAPES_MARKER].map((n) => rm(join(data, n), { recursive: true, force: true })));
        }
        io.err(`making the shapes demo dataset in ${data} ...`);
        const r = await makeShapesDataset({ out: data, perClass: DEMO_PER_CLASS, size: DEMO_IMAGE_PX, seed: DEMO_SEED });
        io.err(`wrote ${r.count} images`);
      }
      const train = trainOptionsFromFlags({ preset: 'demo', ...flags, data }, { out: 'runs/demo' });
      const workers = flags.workers === undefined ? DEFAULT_LOCAL_WORKERS : parseIntFlag(String(flags.workers), '--workers', 0);
      io.err(`training: preset ${String(flags.preset ?? 'demo')}, ${train.epochs} epochs, ${train.imageSize}px, batch ${train.batchSize}, lr ${train.lr}, ${workers} worker(s)`);
      let report;
      if (workers > 0) {
        const backend = await initBackend(train.backend);
        report = await launchCluster({ workers, train, cluster: clusterOptionsFromFlags(flags, { job: `demo-${process.pid}` }), workerBackend: train.backend, workerThreads: train.threads, allowInstall: true, maxRestarts: 0 }, io, backend.kind);
        if (!report) io.err('warning: no NATS server could be found or installed (set NATS_URL, or apt-get install nats-server); training in this process instead');
      }
      report ??= await runTrain(train, io);
      io.err(`checkpoint and report.json in ${train.out}`);
      exit(0);
    });
  program.addCommand(cmd);
};
