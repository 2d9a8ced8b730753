// The cluster on wasm, the fallback and the browser's engine: the equivalence tests that
// test/cluster.test.ts runs on the suite's backend (native TensorFlow), here on wasm; and a mixed
// cluster, one native TensorFlow worker process beside one wasm worker process, against a
// single process on either backend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../common/console/io.js';
import { parseTrainOptions } from '../common/train/options.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { shapesFixture, useBackend, type TempDir } from './helpers/fixtures.js';
import { ClusterRuns, equivalenceTests, maxAbsDiff } from './helpers/cluster-runs.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));

let nats: StartedNats;
let tmp: TempDir;
let data: string;
let runs: ClusterRuns;

before(async () => {
  ({ tmp, data } = await shapesFixture(25, 16));
  await useBackend('wasm');
  nats = await startNats();
  runs = new ClusterRuns(nats.url, tmp.path, data, 'wasm');
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

equivalenceTests('cluster on wasm', () => runs);

function exited(c: ChildProcess): Promise<number | null> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code)));
}

/** `syncgrad train` on native TensorFlow in its own process (this one computes on wasm). */
async function nativeSingle(out: string): Promise<void> {
  const b = runs.base;
  const args = [
    'train',
    '--data',
    data,
    '--out',
    out,
    '--backend',
    'tensorflow',
    '--image-size',
    String(b.imageSize),
    '--epochs',
    '1',
    '--batch-size',
    String(b.batchSize),
    '--lr',
    String(b.lr),
    '--max-steps',
    String(b.maxStepsPerEpoch),
    '--no-dropout',
    '--no-audit',
    '--progress',
    'none',
    '--fps-batches',
    '1',
  ];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  assert.equal(await exited(child), 0, err);
  assert.match(err, /backend: tensorflow /, 'the reference ran on native TensorFlow');
}

for (const exchange of ['star', 'sharded'] as const) {
  test(`cluster across backends - ${exchange} exchange: a native TensorFlow worker and a wasm worker reach the single-process weights of either backend within 1e-5`, async () => {
    const native = join(tmp.path, `native-single-${exchange}`);
    await nativeSingle(native);
    const job = `mixed-${exchange}-${process.pid}`;
    const io = memoryIo();
    const out = join(tmp.path, `mixed-${exchange}`);
    const c = await Coordinator.start(
      {
        train: parseTrainOptions({ ...runs.base, data, out }),
        cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 60_000, exchange }),
      },
      io,
    );
    const children = (['tensorflow', 'wasm'] as const).map((backend) =>
      spawn(process.execPath, [BIN, 'worker', '--nats', nats.url, '--job', job, '--backend', backend], { stdio: 'ignore' }),
    );
    try {
      const report = await c.run();
      assert.equal(report.workers, 2);
      assert.match(report.backend, /tensorflow/);
      assert.match(report.backend, /wasm/);
      for (const b of ['tensorflow', 'wasm'])
        assert.ok(
          io.errors.some((l) => new RegExp(`joined as rank \\d \\(${b}\\)`).test(l)),
          `a ${b} worker joined: ${io.errors.join('\n')}`,
        );
    } finally {
      await c.close();
      await Promise.all(children.map(exited));
    }
    const toNative = await maxAbsDiff(native, out);
    const toWasm = await maxAbsDiff((await runs.single()).path, out);
    assert.ok(toNative <= 1e-5, `mixed vs native single process: max |Δw| = ${toNative}`);
    assert.ok(toWasm <= 1e-5, `mixed vs wasm single process: max |Δw| = ${toWasm}`);
  });
}
