// `syncgrad bench shards`: a mixed cluster of two workers whose speeds differ about 3×, trained
// with equal shards and with weighted ones in the same sitting, against the ideal step: the global
// batch over the sum of the workers' rates, each measured alone on the same core. The pair is a
// native-TensorFlow worker and a wasm worker, one thread and one core (taskset) each. (A native
// worker under a CFS quota of a third of a core was tried as the slow one and dropped: its rate
// alone was not linear in the images, 18.6 s for 32 images against at most 0.91 s for 5 in the
// pair, so no ideal follows from it.)
// Every worker is a real `syncgrad worker` process computing real images; the coordinator is the
// production one (steps.ts: the same batch each step). A step = the slowest shard's compute plus
// the exchange after it (StepStats), medians over the steps after the warm-up.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../coordinator/coordinator.js';
import { provideNats } from '../launcher/nats-provider.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { reap } from '../launcher/launcher.js';
import type { ShardMode } from '../coordinator/shard-planner.js';
import type { WorkerStepStats } from '../coordinator/exchange/context.js';
import { runSteps } from './steps.js';
import { makeShapesDataset } from '../demo/shapes.js';
import { BackendError } from '../common/errors.js';
import { memoryIo, type Io } from '../common/console/io.js';
import { SYNCGRAD_BIN } from '../common/paths.js';
import { median } from './stats.js';
import { parseTrainOptions } from '../common/train/options.js';
import type { StepStats } from '../common/train/engine.js';
import { isTensorFlowBanner } from '../common/backend/native/env.js';

export interface ShardBenchOptions {
  imageSize: number;
  batchSize: number;
  /** Timed steps of the pair runs (the runs alone take half as many). */
  steps: number;
  /** Untimed steps first: the planner's own warm-up and its first cuts. */
  warmup: number;
}

interface WorkerSpec {
  name: string;
  backend: 'tensorflow' | 'wasm';
  core: number;
}

export interface ShardBenchRun {
  label: string;
  shards: ShardMode | 'alone';
  medianStepSeconds: number;
  medianComputeSeconds: number;
  stepsSeconds: number[];
  /** Each timed step's cut, images per worker in rank order. */
  cuts: number[][];
  /** Each worker's compute over the timed steps, by rank: how evenly a cut spread the work. */
  workers: { rank: number; backend: string; medianImages: number; medianComputeSeconds: number; imagesPerSecond: number }[];
}

export interface ShardBenchResult {
  imageSize: number;
  batchSize: number;
  workers: { name: string; backend: string; core: number; aloneImagesPerSecond: number }[];
  /** The faster's rate alone ÷ the slower's: how far apart they are. */
  speedRatio: number;
  /** batch ÷ (sum of the rates alone). */
  idealSeconds: number;
  runs: ShardBenchRun[];
  equal: { medianStepSeconds: number; ratioToIdeal: number };
  weighted: { medianStepSeconds: number; ratioToIdeal: number; commonCut: number[] };
}

const PAIR: [WorkerSpec, WorkerSpec] = [
  { name: 'native', backend: 'tensorflow', core: 0 },
  { name: 'wasm', backend: 'wasm', core: 1 },
];

export async function runShardBench(o: ShardBenchOptions, backend: string, io: Io): Promise<ShardBenchResult> {
  const quiet = memoryIo();
  const nats = await provideNats(io, { allowInstall: true });
  if (!nats) throw new BackendError('no NATS server: set NATS_URL, put nats-server on PATH (apt-get install nats-server), or run Docker');
  const dir = await mkdtemp(join(tmpdir(), 'syncgrad-bench-shards-'));
  let runs = 0;
  try {
    // Enough images for one batch in the train split (the default split keeps ~70%).
    await makeShapesDataset({ out: join(dir, 'data'), perClass: Math.ceil(o.batchSize / 3) + 2, size: o.imageSize, seed: 1 });

    /** One run: a fresh coordinator, `workers` fresh worker processes, `warmup + steps` steps. */
    const run = async (label: string, shards: ShardMode | 'alone', workers: WorkerSpec[], steps: number): Promise<ShardBenchRun> => {
      const job = `bench-shards-${process.pid}-${++runs}`;
      const steps_: WorkerStepStats[] = [];
      const backends = new Map<number, string>();
      const coordinator = await Coordinator.start(
        {
          train: parseTrainOptions({
            data: join(dir, 'data'),
            imageSize: o.imageSize,
            batchSize: o.batchSize,
            audit: false,
            progress: 'none',
            out: join(dir, `run-${runs}`),
            backend: backend,
          }),
          cluster: parseClusterOptions({
            nats: nats.url,
            job,
            minWorkers: workers.length,
            shards: shards === 'alone' ? 'equal' : shards,
            workerWaitMs: 120_000,
          }),
        },
        quiet,
        { onWorkerStep: (x) => steps_.push(x), onJoin: (w) => backends.set(w.rank, w.backend) },
      );
      const children: ChildProcess[] = [];
      try {
        for (const w of workers) {
          const child = spawn(
            'taskset',
            ['-c', String(w.core), process.execPath, SYNCGRAD_BIN, 'worker', '--nats', nats.url, '--job', job, '--backend', w.backend, '--threads', '1'],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          );
          children.push(child);
          for (const s of [child.stdout, child.stderr])
            createInterface({ input: s }).on('line', (l) => (isTensorFlowBanner(l) ? undefined : quiet.err(`[${w.name}] ${l}`)));
        }
        io.err(`bench shards: ${label}: ${workers.map((w) => w.name).join(' + ')}, ${o.warmup} + ${steps} steps of ${o.batchSize} at ${o.imageSize}²`);
        const all: StepStats[] = await runSteps(coordinator, o.warmup + steps);
        const timed = all.slice(o.warmup);
        const stepsSeconds = timed.map((s) => s.computeSeconds + s.exchangeSeconds);
        const timedResults = steps_.slice(o.warmup * workers.length);
        const perWorker = [...backends]
          .sort((a, b) => a[0] - b[0])
          .map(([rank, b]) => {
            const mine = timedResults.filter((x) => x.rank === rank);
            const images = median(mine.map((x) => x.count));
            const seconds = median(mine.map((x) => x.computeSeconds));
            return {
              rank,
              backend: b,
              medianImages: images,
              medianComputeSeconds: seconds,
              imagesPerSecond: median(mine.map((x) => x.count / x.computeSeconds)),
            };
          });
        const r = {
          label,
          shards,
          medianStepSeconds: median(stepsSeconds),
          medianComputeSeconds: median(timed.map((s) => s.computeSeconds)),
          stepsSeconds,
          cuts: timed.map((s) => s.shards ?? []),
          workers: perWorker,
        };
        io.err(
          `bench shards: ${label}: median step ${r.medianStepSeconds.toFixed(3)} s (compute ${r.medianComputeSeconds.toFixed(3)} s), cuts ${[...new Set(r.cuts.map((c) => c.join('/')))].join(', ')}; ${perWorker.map((w) => `rank ${w.rank} ${w.backend} ${w.medianImages} images in ${w.medianComputeSeconds.toFixed(3)} s`).join(', ')}`,
        );
        return r;
      } finally {
        await coordinator.close('bench finished');
        await reap(children);
      }
    };

    const alone = [];
    for (const w of PAIR) alone.push(await run(`${w.name} alone`, 'alone', [w], Math.max(2, Math.ceil(o.steps / 2))));
    const rates = alone.map((r) => o.batchSize / r.medianComputeSeconds);
    const idealSeconds = o.batchSize / (rates[0]! + rates[1]!);
    const equal = await run('equal shards', 'equal', PAIR, o.steps);
    const weighted = await run('weighted shards', 'weighted', PAIR, o.steps);
    const counts = new Map<string, number>();
    for (const c of weighted.cuts) counts.set(c.join(), (counts.get(c.join()) ?? 0) + 1);
    const [commonKey = ''] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
    const commonCut = commonKey.split(',').filter(Boolean).map(Number);
    return {
      imageSize: o.imageSize,
      batchSize: o.batchSize,
      workers: PAIR.map((w, i) => ({ name: w.name, backend: w.backend, core: w.core, aloneImagesPerSecond: rates[i]! })),
      speedRatio: Math.max(...rates) / Math.min(...rates),
      idealSeconds,
      runs: [...alone, equal, weighted],
      equal: { medianStepSeconds: equal.medianStepSeconds, ratioToIdeal: equal.medianStepSeconds / idealSeconds },
      weighted: { medianStepSeconds: weighted.medianStepSeconds, ratioToIdeal: weighted.medianStepSeconds / idealSeconds, commonCut },
    };
  } finally {
    await nats.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatShardBench(r: ShardBenchResult): string[] {
  return [
    `mixed pair at ${r.imageSize}², batch ${r.batchSize}: ${r.workers.map((w) => `${w.name} ${w.aloneImagesPerSecond.toFixed(1)} img/s alone`).join(', ')} (${r.speedRatio.toFixed(2)}× apart)`,
    `ideal step (batch ÷ sum of rates): ${r.idealSeconds.toFixed(3)} s`,
    `equal shards:    ${r.equal.medianStepSeconds.toFixed(3)} s (${r.equal.ratioToIdeal.toFixed(2)}× ideal)`,
    `weighted shards: ${r.weighted.medianStepSeconds.toFixed(3)} s (${r.weighted.ratioToIdeal.toFixed(2)}× ideal), most common cut ${r.weighted.commonCut.join('/')}`,
  ];
}
