// The local launcher and real worker processes: `syncgrad cluster` end to end, and a worker
// process killed with SIGKILL mid-run (no goodbye, no drain).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../common/io.js';
import { parseTrainOptions } from '../common/train/options.js';
import { loadCheckpoint } from '../common/train/checkpoint.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { cli, tempDir, tinyShapes, useBackend, type TempDir } from './helpers/fixtures.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
let nats: StartedNats;
let tmp: TempDir;
let data: string;

before(async () => {
  await useBackend('wasm');
  tmp = await tempDir();
  data = await tinyShapes(join(tmp.path, 'shapes'), 12, 16);
  nats = await startNats();
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

function workerProcesses(job: string): string[] {
  const r = spawnSync('pgrep', ['-af', `worker .*--job ${job}`], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes(BIN));
}

test('launcher - cluster runs worker processes, writes the report and leaves none running', async () => {
  const out = join(tmp.path, 'launch');
  const job = `launch${process.pid}`;
  const saved = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  try {
    const r = await cli('cluster', '--data', data, '--image-size', '16', '--epochs', '1', '--batch-size', '8', '--lr', '1e-3', '--workers', '2', '--job', job, '--backend', 'wasm', '--out', out, '--progress', 'none', '--no-audit');
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.ok(r.err.some((l) => l.startsWith('[worker 0]')) && r.err.some((l) => l.startsWith('[worker 1]')), 'output of both worker processes');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    assert.equal(report.workers, 2);
    assert.match(report.backend, /^cluster\(wasm×2\)$/);
    assert.deepEqual(workerProcesses(job), []);
  } finally {
    if (saved === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = saved;
  }
});

test('launcher - a worker process killed with SIGKILL is dropped and training completes', async () => {
  const job = `kill${process.pid}`;
  const io = memoryIo();
  const out = join(tmp.path, 'kill');
  const o = parseTrainOptions({ data, out, imageSize: 16, epochs: 1, batchSize: 8, lr: 1e-3, dropout: false, audit: false, progress: 'none', backend: 'wasm', fpsBatches: 1 });
  const children: ChildProcess[] = [];
  let shards = 0;
  const c = await Coordinator.start({ train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 60_000 }) }, io, 'wasm', {
    onWorkerStep: () => {
      if (++shards === 4) children[1]!.kill('SIGKILL');
    },
  });
  try {
    for (let i = 0; i < 2; i++) children.push(spawn(process.execPath, [BIN, 'worker', '--nats', nats.url, '--job', job, '--backend', 'wasm'], { stdio: 'ignore' }));
    const report = await c.run();
    assert.equal(children[1]!.signalCode, 'SIGKILL');
    assert.ok(io.errors.some((l) => /lost worker rank/.test(l)), io.errors.join('\n'));
    const steps = Math.ceil(report.dataset.train / 8);
    assert.equal((await loadCheckpoint(out)).optimizer.step, steps, 'every step applied exactly once');
  } finally {
    await c.close();
    await Promise.all(children.map((ch) => (ch.exitCode !== null || ch.signalCode !== null ? undefined : new Promise((r) => ch.once('exit', r)))));
  }
  assert.deepEqual(workerProcesses(job), []);
});
