// The exposition itself: every documented series is there after a short cluster run, the worker
// label stays the rank, and promtool (Debian's prometheus package) accepts both the coordinator's
// and a worker's output.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { memoryIo } from '../common/console/io.js';
import { WorkerMetrics } from '../monitor/metrics.js';
import { parseTrainOptions } from '../common/train/options.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { Worker } from '../worker/worker.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { tempDir, tinyShapes, useBackend, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

const SERIES = [
  'syncgrad_loss',
  'syncgrad_step_loss',
  'syncgrad_accuracy_ratio',
  'syncgrad_samples_processed_total',
  'syncgrad_images_per_second',
  'syncgrad_inference_fps',
  'syncgrad_step_duration_seconds_bucket',
  'syncgrad_compute_duration_seconds_bucket',
  'syncgrad_exchange_duration_seconds_bucket',
  'syncgrad_exchange_bytes_total',
  'syncgrad_workers_connected',
  'syncgrad_epoch',
  'syncgrad_step',
  'syncgrad_checkpoint_duration_seconds_bucket',
  'syncgrad_worker_batch_share_ratio',
  'syncgrad_worker_images_per_second',
  'syncgrad_worker_slow',
];

let nats: StartedNats;
let tmp: TempDir;
let exposition = '';

before(async () => {
  await useBackend(TEST_BACKEND);
  tmp = await tempDir();
  nats = await startNats();
  const data = await tinyShapes(join(tmp.path, 'shapes'), 5, 16);
  const job = `m${process.pid}`;
  const io = memoryIo();
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({
        data,
        out: join(tmp.path, 'run'),
        imageSize: 16,
        epochs: 1,
        batchSize: 8,
        lr: 1e-3,
        audit: false,
        progress: 'none',
        backend: TEST_BACKEND,
        fpsBatches: 1,
      }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, metricsPort: 0 }),
    },
    io,
  );
  const ws = [
    await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND),
    await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND),
  ];
  try {
    await c.run();
    exposition = await (await fetch(`http://127.0.0.1:${c.metricsPort}/metrics`)).text();
  } finally {
    await c.close();
    await Promise.all(ws.map((w) => w.close()));
  }
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

function promtool(text: string): { status: number | null; out: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is required (apt-get install prometheus): ${r.error.message}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('metrics - the coordinator exports every documented series with run and rank labels', () => {
  for (const name of SERIES) assert.match(exposition, new RegExp(`^${name}\\{`, 'm'), name);
  for (const split of ['train', 'val', 'test']) assert.match(exposition, new RegExp(`^syncgrad_accuracy_ratio\\{split="${split}"`, 'm'));
  const workers = [...exposition.matchAll(/^syncgrad_samples_processed_total\{worker="([^"]+)"/gm)].map((m) => m[1]).sort();
  assert.deepEqual(workers, ['0', '1']);
  assert.match(exposition, /^syncgrad_workers_connected\{run="m\d+"\} 2$/m);
  // Each worker's share of the last step's batch: two of them, summing to the whole batch.
  const shares = [...exposition.matchAll(/^syncgrad_worker_batch_share_ratio\{worker="(\d)",run="m\d+"\} ([\d.e-]+)$/gm)].map((m) => Number(m[2]));
  assert.equal(
    shares.length,
    2,
    exposition
      .split('\n')
      .filter((l) => l.includes('share'))
      .join('\n'),
  );
  assert.ok(Math.abs(shares[0]! + shares[1]! - 1) < 1e-9);
});

test('metrics - promtool check metrics passes on the coordinator exposition', () => {
  const r = promtool(exposition);
  assert.equal(r.status, 0, r.out);
});

test("metrics - promtool passes on a worker exposition, and rejects prom-client's raw defaults", async () => {
  const m = new WorkerMetrics({ run: 'w', processMetrics: true });
  m.samples.inc({ worker: '0' }, 8);
  m.rejected.inc({ reason: 'stale' });
  const r = promtool(await m.registry.metrics());
  assert.equal(r.status, 0, r.out);
  // The check can fail: a gauge named like a counter is what we drop from the defaults.
  const bad = promtool('# HELP nodejs_active_handles_total x\n# TYPE nodejs_active_handles_total gauge\nnodejs_active_handles_total 3\n');
  assert.notEqual(bad.status, 0);
});
