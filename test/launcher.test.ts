// The local launcher and real worker processes: `syncgrad cluster` end to end, and a worker
// process killed with SIGKILL mid-run (no goodbye, no drain).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIo } from '../common/io.js';
import { HEAP_LIMIT_ENV } from '../common/backend/memory.js';
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

test('launcher - a worker out of memory stops the run with its one line, reaps every worker and leaves the last checkpoint intact', async () => {
  const out = join(tmp.path, 'oom');
  const job = `oom${process.pid}`;
  const first = await cli('train', '--data', data, '--image-size', '16', '--epochs', '1', '--max-steps', '1', '--batch-size', '8', '--backend', 'wasm', '--out', out, '--progress', 'none', '--no-audit', '--fps-batches', '1');
  assert.equal(first.code, 0, first.err.join('\n'));
  const checkpoint = await readFile(join(out, 'checkpoint.sgck'));
  const saved = { nats: process.env.NATS_URL, heap: process.env[HEAP_LIMIT_ENV] };
  process.env.NATS_URL = nats.url;
  // The worker processes inherit this: their wasm heap stops at 160 MB (this process's is already guarded at 4 GB).
  process.env[HEAP_LIMIT_ENV] = '160';
  try {
    const r = await cli('cluster', '--data', data, '--image-size', '64', '--epochs', '1', '--batch-size', '12', '--micro-batch', '6', '--workers', '2', '--job', job, '--backend', 'wasm', '--out', out, '--progress', 'none', '--no-audit');
    assert.equal(r.code, 1, r.err.join('\n'));
    const last = r.err[r.err.length - 1]!;
    assert.match(last, /^syncgrad: worker rank [01]: out of memory on wasm computing 6 image\(s\) at 64×64 in passes of 6 \(.*\); use --micro-batch 3, or more workers$/);
    assert.ok(!r.err.some((l) => /internal error|^\s+at /.test(l)), r.err.join('\n'));
    assert.deepEqual(workerProcesses(job), []);
    assert.deepEqual(await readFile(join(out, 'checkpoint.sgck')), checkpoint, 'the checkpoint is untouched');
  } finally {
    for (const [k, v] of [['NATS_URL', saved.nats], [HEAP_LIMIT_ENV, saved.heap]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('bench - exchange runs the production step with synthetic gradients and accounts each process\'s bytes, star and sharded', async () => {
  const saved = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  try {
    // The 64² seed CNN: 1,212,742 params, a 4.85 MB fp32 gradient (five ~1 MB chunks).
    const bench = async (design: string) => {
      const r = await cli('bench', 'exchange', '--params', '1212742', '--workers', '2', '--steps', '2', '--warmup', '1', '--no-torch', '--json', '--backend', 'wasm', '--exchange', design);
      assert.equal(r.code, 0, r.err.join('\n'));
      const j = JSON.parse(r.out[r.out.length - 1]!);
      assert.equal(j.design, design);
      assert.equal(j.gradientBytes, 1212742 * 4);
      assert.equal(j.exchange.stepsSeconds.length, 2);
      assert.ok(j.exchange.medianSeconds > 0);
      assert.ok(j.nats.pubSubMBps > 0 && j.nats.pullMBps > 0);
      assert.equal(j.gloo, null);
      return { j, by: Object.fromEntries(j.exchange.perProcess.map((p: { process: string }) => [p.process, p])) };
    };
    const near = (x: number, want: number, what: string) => assert.ok(Math.abs(x - want) / want < 0.01, `${what}: ${x} vs ${want}`);
    // The star: the coordinator pulls every gradient and serves every replica the weights.
    const star = await bench('star');
    const G = star.j.gradientBytes;
    near(star.by.coordinator.bytesInPerStep, 2 * G, 'star coordinator in');
    near(star.by.coordinator.bytesOutPerStep, 2 * G, 'star coordinator out');
    for (const w of ['worker rank 0', 'worker rank 1']) {
      near(star.by[w].bytesInPerStep, G, `star ${w} in`);
      near(star.by[w].bytesOutPerStep, G, `star ${w} out`);
    }
    assert.equal(star.j.exchange.busiestProcess, 'coordinator');
    // Sharded: the coordinator takes only the reduced slices (G); the workers trade slices.
    const sharded = await bench('sharded');
    near(sharded.by.coordinator.bytesInPerStep, G, 'sharded coordinator in');
    assert.ok(sharded.by.coordinator.bytesOutPerStep < 0.01 * G, 'sharded coordinator sends only commands');
    // Each worker receives the other's half of its slice and the other's weights slice: (N−1)/N·G twice.
    near(sharded.by['worker rank 0'].bytesInPerStep + sharded.by['worker rank 1'].bytesInPerStep, 2 * G, 'sharded workers in');
    assert.ok(sharded.j.exchange.busiestBytesPerStep <= 2.2 * G, `busiest ${sharded.j.exchange.busiestBytesPerStep / G} G`);
  } finally {
    if (saved === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = saved;
  }
});
