// Several NATS servers: a real 3-server cluster joined by routes, the coordinator on one server and
// each worker on another. Killing a worker's server mid-run (SIGKILL, as a crashed host) costs
// time, not correctness: the worker fails over to a surviving server (nats.js learns the cluster's
// other servers from INFO) and the run ends with the undisturbed run's per-epoch losses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { memoryIo } from '../common/console/io.js';
import { parseTrainOptions } from '../common/train/options.js';
import { loadCheckpoint } from '../common/run/checkpoint.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { Worker } from '../worker/worker.js';
import { startNatsCluster, type StartedNatsCluster } from './helpers/nats-cluster.js';
import { shapesFixture, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

let cluster: StartedNatsCluster;
let tmp: TempDir;
let data: string;

before(async () => {
  ({ tmp, data } = await shapesFixture(25, 16));
  cluster = await startNatsCluster(3);
});
after(async () => {
  await cluster?.close();
  await tmp?.[Symbol.asyncDispose]();
});

const TRAIN = {
  imageSize: 16,
  epochs: 2,
  batchSize: 12,
  lr: 1e-5,
  dropout: false,
  audit: false,
  progress: 'none' as const,
  maxStepsPerEpoch: 5,
  backend: TEST_BACKEND,
  fpsBatches: 1,
};

/** Coordinator on server 0, worker a on server 1, worker b on server 2 (each given only its own server's URL). */
async function run(name: string, exchange: 'star' | 'sharded', onWorkerStep?: (n: number) => void) {
  const io = memoryIo();
  const out = join(tmp.path, name);
  const job = `nc${process.pid}-${name}`;
  const [s0, s1, s2] = cluster.servers;
  let steps = 0;
  /** Shard results per worker id, after the kill (steps > 3). */
  const late = new Map<string, number>();
  const c = await Coordinator.start(
    { train: parseTrainOptions({ ...TRAIN, data, out }), cluster: parseClusterOptions({ nats: s0!.url, job, minWorkers: 2, workerWaitMs: 60_000, exchange }) },
    io,
    {
      onWorkerStep: (st) => {
        onWorkerStep?.(++steps);
        if (steps > 3) {
          const id = c.registry.live().find((w) => w.rank === st.rank)?.id ?? '?';
          late.set(id, (late.get(id) ?? 0) + 1);
        }
      },
    },
  );
  const ws: Worker[] = [];
  try {
    ws.push(await Worker.start({ nats: s1!.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND));
    ws.push(await Worker.start({ nats: s2!.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND));
    const report = await c.run();
    return { report, out, io, late, ids: ws.map((w) => w.id) };
  } finally {
    await c.close();
    await Promise.all(ws.map((w) => w.close()));
  }
}

for (const exchange of ['sharded', 'star'] as const) {
  test(`nats cluster - ${exchange} exchange: workers on other servers of a 3-server cluster; killing one worker's server mid-run keeps the undisturbed losses`, async () => {
    if (cluster.servers[2]!.child.exitCode !== null || cluster.servers[2]!.child.signalCode !== null) await cluster.restart(2);
    const calm = await run(`calm-${exchange}`, exchange);
    let killed: Promise<void> | undefined;
    // After three shard results (mid step 2 of epoch 1), server 2 — worker b's — dies.
    const rough = await run(`rough-${exchange}`, exchange, (n) => {
      if (n === 3) killed = cluster.kill(2);
    });
    assert.ok(killed, 'the server was killed during the run');
    await killed;
    // Worker b failed over to a surviving server and kept computing shards (it was not merely dropped).
    assert.ok((rough.late.get(rough.ids[1]!) ?? 0) > 0, `worker b computed after the kill: ${JSON.stringify([...rough.late])}\n${rough.io.errors.join('\n')}`);
    assert.equal(rough.report.epochs.length, 2);
    rough.report.epochs.forEach((e, i) => {
      const want = calm.report.epochs[i]!.trainLoss;
      assert.ok(Math.abs(e.trainLoss - want) <= 1e-5, `epoch ${i + 1}: train loss ${e.trainLoss} vs ${want}`);
    });
    const [a, b] = await Promise.all([loadCheckpoint(calm.out), loadCheckpoint(rough.out)]);
    assert.equal(b.optimizer.step, a.optimizer.step, 'every step applied exactly once');
    let d = 0;
    a.weights.forEach((w, i) => w.forEach((v, j) => (d = Math.max(d, Math.abs(v - b.weights[i]![j]!)))));
    assert.ok(d <= 1e-5, `max |Δw| = ${d}`);
  });
}

test('nats cluster - the coordinator warns once, with the bytes, when 3 workers share one server, and not when each has its own', async () => {
  const [s0, s1, s2] = cluster.servers;
  if (s2!.child.exitCode !== null || s2!.child.signalCode !== null) await cluster.restart(2);
  const runWith = async (name: string, urls: string[]) => {
    const io = memoryIo();
    const job = `nc${process.pid}-${name}`;
    const c = await Coordinator.start(
      {
        train: parseTrainOptions({ ...TRAIN, epochs: 1, maxStepsPerEpoch: 2, data, out: join(tmp.path, name) }),
        cluster: parseClusterOptions({ nats: s0!.url, job, minWorkers: 3, workerWaitMs: 60_000, exchange: 'sharded' }),
      },
      io,
    );
    const ws: Worker[] = [];
    try {
      for (const url of urls) ws.push(await Worker.start({ nats: url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND));
      await c.run();
    } finally {
      await c.close();
      await Promise.all(ws.map((w) => w.close()));
    }
    return io.errors.filter((l) => /connected to one NATS server/.test(l));
  };
  const shared = await runWith('one-server', [s1!.url, s1!.url, s1!.url]);
  assert.equal(shared.length, 1, 'logged once');
  assert.match(
    shared[0]!,
    /^coordinator: all 3 workers are connected to one NATS server \(\w+\): its link carries about 2\(N−1\)·M = \d+ MB out and N·M = \d+ MB in per step, where a server on every worker machine, joined by routes, carries \d+ MB each way per link; see docs\/deploy\.md#a-nats-server-on-every-machine$/,
  );
  assert.deepEqual(await runWith('own-servers', [s0!.url, s1!.url, s2!.url]), []);
});
