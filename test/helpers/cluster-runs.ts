// Cluster runs against one NATS server, and the single-process run they must equal: shared by the
// cluster tests on the suite's backend (test/cluster.test.ts) and on wasm (test/cross-backend.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { memoryIo, type Io } from '../../common/console/io.js';
import { parseTrainOptions, type TrainOptions } from '../../common/train/options.js';
import { runTrain } from '../../trainer/run.js';
import { loadCheckpoint } from '../../common/run/checkpoint.js';
import { Coordinator, type CoordinatorHooks } from '../../coordinator/coordinator.js';
import { parseClusterOptions, type ClusterOptions } from '../../coordinator/options.js';
import { Worker } from '../../worker/worker.js';
import type { WorkerOptions } from '../../worker/options.js';
import type { BackendChoice } from '../../common/backend/choices.js';
import type { ShardCutter } from '../../coordinator/shard-planner.js';

export type TrainReport = Awaited<ReturnType<typeof runTrain>>;

/** 10 global batches of 12 at 16 px, dropout off: what every equivalence check trains. */
export function baseOptions(backend: BackendChoice): Partial<TrainOptions> {
  return {
    imageSize: 16,
    epochs: 1,
    batchSize: 12,
    // The seed's lr. Adam maps float-rounding differences in near-zero gradients to steps of up to
    // lr, so the equivalence bound is met with margin only at small learning rates.
    lr: 1e-5,
    dropout: false,
    audit: false,
    progress: 'none',
    maxStepsPerEpoch: 10,
    backend,
    fpsBatches: 1,
  };
}

export async function maxAbsDiff(runA: string, runB: string): Promise<number> {
  const [a, b] = await Promise.all([loadCheckpoint(runA), loadCheckpoint(runB)]);
  assert.equal(a.optimizer.step, b.optimizer.step, 'same number of steps');
  let d = 0;
  a.weights.forEach((w, i) => w.forEach((v, j) => (d = Math.max(d, Math.abs(v - b.weights[i]![j]!)))));
  return d;
}

/** In-process coordinator and workers on `backend` (the process's active backend). */
export class ClusterRuns {
  readonly base: Partial<TrainOptions>;
  private jobs = 0;
  private reference?: Promise<{ path: string; report: TrainReport }>;

  constructor(
    readonly natsUrl: string,
    readonly dir: string,
    readonly data: string,
    readonly backend: Exclude<BackendChoice, 'auto'>,
  ) {
    this.base = baseOptions(backend);
  }

  async run(
    workers: number,
    train: Partial<TrainOptions>,
    cluster: Partial<ClusterOptions> = {},
    io: Io = memoryIo(),
    worker: Partial<WorkerOptions> = {},
    hooks: CoordinatorHooks = {},
  ) {
    const job = `t${process.pid}-${++this.jobs}`;
    const o = parseTrainOptions({ ...this.base, data: this.data, ...train });
    const c = await Coordinator.start(
      { train: o, cluster: parseClusterOptions({ nats: this.natsUrl, job, minWorkers: workers, workerWaitMs: 30_000, ...cluster }) },
      io,
      hooks,
    );
    const ws: Worker[] = [];
    try {
      for (let i = 0; i < workers; i++) ws.push(await Worker.start({ nats: this.natsUrl, job, joinTimeoutMs: 30_000, ...worker }, io, this.backend));
      const report = await c.run();
      return { report, coordinator: c, workers: ws };
    } finally {
      await c.close();
      await Promise.all(ws.map((w) => w.close()));
    }
  }

  /** The single-process run every equivalence check compares with: trained once, by whichever test asks first, so each test runs alone too. */
  single(): Promise<{ path: string; report: TrainReport }> {
    const path = join(this.dir, 'single');
    return (this.reference ??= runTrain(parseTrainOptions({ ...this.base, data: this.data, out: path }), memoryIo()).then((report) => ({ path, report })));
  }
}

/** The equivalence tests: star and sharded clusters of 1-3 workers, and dropout with micro-batches, against one process on the same backend. */
export function equivalenceTests(area: string, runs: () => ClusterRuns): void {
  test(`${area} - star exchange: 1, 2 and 3 workers reach the single-process weights within 1e-5 after 10 steps`, async () => {
    const r = runs();
    const { path: single, report: ref } = await r.single();
    assert.equal(ref.epochs.length, 1);
    for (const n of [1, 2, 3]) {
      const out = join(r.dir, `cluster-${n}`);
      const { report } = await r.run(n, { out }, { exchange: 'star' });
      assert.equal(report.workers, n);
      const d = await maxAbsDiff(single, out);
      assert.ok(d <= 1e-5, `${n} worker(s): max |Δw| = ${d}`);
      // The same data went through: identical loss to float precision and identical counts.
      assert.ok(Math.abs(report.epochs[0]!.trainLoss - ref.epochs[0]!.trainLoss) < 1e-5);
      assert.equal(report.dataset.train, ref.dataset.train);
    }
  });

  test(`${area} - with dropout on, 2 workers computing in micro-batches of 2 reach the single-process weights within 1e-5`, async () => {
    const r = runs();
    // Masks follow the sample ids, so neither the sharding nor the micro-batches change them.
    const single = join(r.dir, 'single-dropout');
    await runTrain(parseTrainOptions({ ...r.base, data: r.data, out: single, dropout: true }), memoryIo());
    const out = join(r.dir, 'cluster-dropout');
    await r.run(2, { out, dropout: true, microBatch: 2 });
    const d = await maxAbsDiff(single, out);
    assert.ok(d <= 1e-5, `max |Δw| = ${d}`);
    // And dropout did act: without it the weights differ.
    assert.ok((await maxAbsDiff((await r.single()).path, single)) > 1e-5, 'dropout changed the run');
  });

  test(`${area} - sharded exchange: 1, 2 and 3 workers reach the single-process weights within 1e-5, with no fallback to the star`, async () => {
    const r = runs();
    const single = (await r.single()).path;
    for (const n of [1, 2, 3]) {
      const out = join(r.dir, `sharded-${n}`);
      const io = memoryIo();
      const { report } = await r.run(n, { out }, { exchange: 'sharded' }, io);
      assert.equal(report.workers, n);
      assert.ok(!io.errors.some((l) => /sharded exchange of a step failed/.test(l)), io.errors.join('\n'));
      const d = await maxAbsDiff(single, out);
      assert.ok(d <= 1e-5, `${n} worker(s), sharded: max |Δw| = ${d}`);
    }
  });

  test(`${area} - shards cut unequally and differently every step (star and sharded, 2 and 3 workers) reach the single-process weights within 1e-5`, async () => {
    const r = runs();
    const single = (await r.single()).path;
    for (const exchange of ['star', 'sharded'] as const) {
      for (const n of [2, 3]) {
        const out = join(r.dir, `unequal-${exchange}-${n}`);
        const cutter = unequalCutter(n);
        const { report } = await r.run(n, { out }, { exchange }, memoryIo(), {}, { cutter });
        // The cut the report records is the cutter's, step by step: 1..11 of 12 images, never equal.
        assert.deepEqual(
          report.steps?.map((x) => x.shards),
          cutter.cuts,
        );
        assert.ok(
          cutter.cuts.every((c) => c.length === n && Math.max(...c) > Math.min(...c)),
          JSON.stringify(cutter.cuts),
        );
        assert.ok(new Set(cutter.cuts.map((c) => c.join())).size >= 5, 'the cut changes from step to step');
        const d = await maxAbsDiff(single, out);
        assert.ok(d <= 1e-5, `${exchange}, ${n} workers: max |Δw| = ${d}`);
        assert.ok(Math.abs(report.epochs[0]!.trainLoss - (await r.single()).report.epochs[0]!.trainLoss) < 1e-5);
      }
    }
  });
}

/**
 * A cutter that never cuts equally and changes its cut every step: sizes drawn at random (a seeded
 * stream, so a failure reproduces), each worker at least one image. What the weighted planner
 * does under changing speeds, at its most extreme.
 */
export function unequalCutter(seed = 7): ShardCutter & { cuts: number[][] } {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const cuts: number[][] = [];
  return {
    cuts,
    cut(workers, n) {
      let sizes: number[];
      do {
        const cutsAt = new Set<number>();
        while (cutsAt.size < workers.length - 1) cutsAt.add(1 + Math.floor(next() * (n - 1)));
        const at = [0, ...[...cutsAt].sort((a, b) => a - b), n];
        sizes = at.slice(1).map((x, i) => x - at[i]!);
      } while (workers.length > 1 && sizes.every((x) => x === sizes[0]));
      cuts.push(sizes);
      return sizes;
    },
    observe() {},
    forget() {},
    rateOf: () => undefined,
  };
}
