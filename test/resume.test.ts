// Resuming: a run killed with SIGKILL mid-epoch and started again with --resume ends with the
// uninterrupted run's weights, bit for bit, with dropout on (train and a cluster whose workers
// outlive their coordinator); with weighted shards the run's shard journal makes the resumed run
// cut as the original did; bad checkpoints fall back or are refused in one line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { copyFile, readFile, truncate } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_FILE, loadCheckpoint, loadLatestCheckpoint, PREVIOUS_CHECKPOINT_FILE } from '../common/run/checkpoint.js';
import type { TrainReport } from '../common/run/report.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { cli, shapesFixture, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';
import { unequalCutter } from './helpers/cluster-runs.js';
import { memoryIo } from '../common/console/io.js';
import { parseTrainOptions } from '../common/train/options.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { SHARD_JOURNAL_FILE } from '../coordinator/shard-journal.js';
import type { ShardCutter } from '../coordinator/shard-planner.js';
import { Worker } from '../worker/worker.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
let tmp: TempDir;
let data: string;
let nats: StartedNats;
const children: ChildProcess[] = [];

before(async () => {
  // 12 per class at 16 px: 60 training images, 8 steps of 8 per epoch.
  ({ tmp, data } = await shapesFixture(12, 16));
  nats = await startNats();
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

/** 3 epochs with dropout on and a checkpoint every 2 steps. */
const RUN = [
  '--image-size',
  '16',
  '--epochs',
  '3',
  '--batch-size',
  '8',
  '--lr',
  '1e-3',
  '--backend',
  TEST_BACKEND,
  '--progress',
  'none',
  '--no-audit',
  '--fps-batches',
  '1',
  '--checkpoint-every',
  '2',
];
const run = (out: string, ...more: string[]) => ['--data', data, ...RUN, '--out', out, ...more];

function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  c.stdout.resume();
  c.stderr.resume();
  children.push(c);
  return c;
}

const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));

/** Polls the run's newest checkpoint until it is inside epoch 2, then SIGKILLs `victim`. */
async function killInEpoch2(out: string, victim: ChildProcess): Promise<void> {
  for (;;) {
    if (victim.exitCode !== null) assert.fail(`the run ended (exit ${victim.exitCode}) before it could be killed in epoch 2`);
    const found = await loadLatestCheckpoint(out).catch(() => undefined);
    const p = found?.checkpoint.meta.progress;
    if (p && p.epochsDone === 1 && p.stepInEpoch > 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  victim.kill('SIGKILL');
  await exited(victim);
  const p = (await loadLatestCheckpoint(out))!.checkpoint.meta.progress!;
  assert.equal(p.epochsDone, 1, 'killed in epoch 2');
  assert.ok(p.stepInEpoch > 0, 'mid-epoch');
}

/** The same weights and Adam state, bit for bit, and `evaluate --json` printing the same loss and confusion matrix. */
async function assertSameRun(a: string, b: string): Promise<void> {
  const [x, y] = await Promise.all([loadCheckpoint(a), loadCheckpoint(b)]);
  assert.equal(y.optimizer.step, x.optimizer.step, 'total steps');
  const bits = (arrs: Float32Array[]) => Buffer.concat(arrs.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
  assert.ok(bits(x.weights).equals(bits(y.weights)), 'weights bit-identical');
  assert.ok(bits([...x.optimizer.m, ...x.optimizer.v]).equals(bits([...y.optimizer.m, ...y.optimizer.v])), 'Adam moments bit-identical');
  const ev = async (run: string) => {
    const r = await cli('evaluate', '--model', run, '--data', data, '--json');
    assert.equal(r.code, 0, r.err.join('\n'));
    return JSON.parse(r.out.join('\n')) as { loss: number; confusion: number[][] };
  };
  const [ea, eb] = await Promise.all([ev(a), ev(b)]);
  assert.equal(eb.loss, ea.loss, 'evaluate loss to the last digit');
  assert.deepEqual(eb.confusion, ea.confusion);
  const readReport = async (r: string) => JSON.parse(await readFile(join(r, 'report.json'), 'utf8')) as TrainReport;
  const [ra, rb] = await Promise.all([readReport(a), readReport(b)]);
  assert.deepEqual(
    rb.epochs.map((e: { epoch: number }) => e.epoch),
    [1, 2, 3],
    'every epoch once',
  );
  assert.equal(rb.totalSteps, ra.totalSteps);
  assert.deepEqual(
    rb.epochs.map((e: { trainLoss: number }) => e.trainLoss),
    ra.epochs.map((e: { trainLoss: number }) => e.trainLoss),
    'train losses',
  );
}

test("resume - train --resume after SIGKILL mid-epoch ends with the uninterrupted run's weights, bit for bit, dropout on", async () => {
  const ref = join(tmp.path, 'train-ref');
  const r = await cli('train', ...run(ref));
  assert.equal(r.code, 0, r.err.join('\n'));

  const out = join(tmp.path, 'train-killed');
  await killInEpoch2(out, spawnCli(['train', ...run(out)]));
  const again = await cli('train', ...run(out, '--resume'));
  assert.equal(again.code, 0, again.err.join('\n'));
  assert.ok(
    again.err.some((l) => /^resume: continuing from .*epoch 2, step [1-9]/.test(l)),
    again.err.join('\n'),
  );
  await assertSameRun(ref, out);
});

test('resume - a truncated newest checkpoint falls back to the previous one with a warning; a mismatched config is refused in one line', async () => {
  const out = join(tmp.path, 'train-torn');
  const r = await cli('train', ...run(out, '--epochs', '1'));
  assert.equal(r.code, 0, r.err.join('\n'));
  const prev = await loadCheckpoint(join(out, PREVIOUS_CHECKPOINT_FILE));
  await truncate(join(out, CHECKPOINT_FILE), 5000);
  const warned: string[] = [];
  const found = await loadLatestCheckpoint(out, (l) => warned.push(l));
  assert.equal(found?.path, join(out, PREVIOUS_CHECKPOINT_FILE));
  assert.equal(found?.checkpoint.meta.progress?.globalStep, prev.meta.progress?.globalStep);
  assert.equal(warned.length, 1);
  assert.match(warned[0]!, /^warning: checkpoint .*truncated.*falling back to the previous checkpoint/);

  // A body flipped in place (same length) is caught by its checksum, not trained on.
  const body = await readFile(join(out, PREVIOUS_CHECKPOINT_FILE));
  body[body.length - 3] = body[body.length - 3]! ^ 0xff;
  const { writeFile } = await import('node:fs/promises');
  const flipped = join(tmp.path, 'flipped.sgck');
  await writeFile(flipped, body);
  await assert.rejects(loadCheckpoint(flipped), /fails its checksum/);

  // Resuming from the fallback: one warning, then training goes on from its position.
  const resumed = await cli('train', ...run(out, '--epochs', '2', '--resume'));
  assert.equal(resumed.code, 0, resumed.err.join('\n'));
  assert.ok(resumed.err.some((l) => /falling back to the previous checkpoint/.test(l)));
  assert.ok(
    resumed.err.some((l) => /^resume: continuing from .*checkpoint\.prev\.sgck/.test(l)),
    resumed.err.join('\n'),
  );

  // Another batch size, seed or image size: one line naming the mismatch, exit 2, nothing written.
  for (const [flag, value, pattern] of [
    ['--batch-size', '4', /--batch-size 8; this run has --batch-size 4/],
    ['--seed', '7', /--seed 42; this run has --seed 7/],
    ['--image-size', '24', /model of 16×16×3.*this run's is 24×24×3/],
  ] as const) {
    const before = await readFile(join(out, CHECKPOINT_FILE));
    const bad = await cli('train', ...run(out, '--epochs', '3', '--resume', flag, value));
    assert.equal(bad.code, 2, `${flag}: ${bad.err.join('\n')}`);
    const line = bad.err.filter((l) => l.startsWith('syncgrad:'));
    assert.equal(line.length, 1, bad.err.join('\n'));
    assert.match(line[0]!, pattern);
    assert.ok(!bad.err.some((l) => /\n\s+at /.test(l)), 'no stack trace');
    assert.ok((await readFile(join(out, CHECKPOINT_FILE))).equals(before), 'checkpoint untouched');
  }

  // --resume with nothing to resume: starts fresh and says so.
  const fresh = await cli('train', ...run(join(tmp.path, 'train-none'), '--epochs', '1', '--resume'));
  assert.equal(fresh.code, 0, fresh.err.join('\n'));
  assert.ok(
    fresh.err.some((l) => /^resume: no checkpoint in .*train-none; starting fresh$/.test(l)),
    fresh.err.join('\n'),
  );
});

test('resume - a cluster whose coordinator is SIGKILLed in epoch 2 resumes with its workers still running and ends bit-identical', async () => {
  const job = `resume${process.pid}`;
  // Equal shards: the reference is another run, and weighted cuts follow each run's timing (the
  // weighted-shards resume is the next test's, against the original run itself).
  const cluster = ['--nats', nats.url, '--workers', '2', '--exchange', 'sharded', '--worker-wait', '60', '--shards', 'equal'];
  const worker = (j: string) => spawnCli(['worker', '--nats', nats.url, '--job', j, '--backend', TEST_BACKEND]);

  const ref = join(tmp.path, 'cluster-ref');
  const refJob = `${job}ref`;
  const refWorkers = [worker(refJob), worker(refJob)];
  const r = await cli('coordinator', ...run(ref, ...cluster, '--job', refJob));
  assert.equal(r.code, 0, r.err.join('\n'));
  await Promise.all(refWorkers.map(exited));

  const out = join(tmp.path, 'cluster-killed');
  const workers = [worker(job), worker(job)];
  await killInEpoch2(out, spawnCli(['coordinator', ...run(out, ...cluster, '--job', job)]));
  assert.ok(
    workers.every((w) => w.exitCode === null),
    'the workers outlive their coordinator',
  );
  const again = await cli('coordinator', ...run(out, ...cluster, '--job', job, '--resume'));
  assert.equal(again.code, 0, again.err.join('\n'));
  assert.ok(!again.err.some((l) => /sharded exchange of a step failed/.test(l)), again.err.join('\n'));
  await Promise.all(workers.map(exited));
  assert.deepEqual(
    workers.map((w) => w.exitCode),
    [0, 0],
    'the same worker processes finished the job',
  );
  await assertSameRun(ref, out);
});

test('resume - with weighted shards, a resumed run cuts the steps it redoes as the original did (its shard journal) and ends bit-identical to it; without the journal it does not', async () => {
  // The cutter stands in for weighted shards at their most timing-dependent: a random unequal cut
  // every step, drawn afresh by each process, so only the journal can make a resumed run cut alike.
  const o = (out: string, resume = false) =>
    parseTrainOptions({
      data,
      out,
      imageSize: 16,
      epochs: 3,
      batchSize: 8,
      lr: 1e-3,
      backend: TEST_BACKEND,
      progress: 'none',
      audit: false,
      fpsBatches: 1,
      checkpointEvery: 2,
      resume,
    });
  const original = join(tmp.path, 'weighted-original');
  const copies = [join(tmp.path, 'weighted-resumed'), join(tmp.path, 'weighted-no-journal')];
  const runCluster = async (out: string, resume: boolean, cutter: ShardCutter) => {
    const job = `wres${process.pid}${basename(out)}`;
    const c = await Coordinator.start(
      { train: o(out, resume), cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange: 'sharded' }) },
      memoryIo(),
      { cutter },
    );
    const ws = [
      await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, memoryIo(), TEST_BACKEND),
      await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, memoryIo(), TEST_BACKEND),
    ];
    try {
      await c.run();
    } finally {
      await c.close();
      await Promise.all(ws.map((w) => w.close()));
    }
  };
  // The original: as its 11th step is cut, its newest checkpoint is step 10's (epoch 2, mid-epoch): keep a copy, as a crash would.
  const cutter = unequalCutter(Math.floor(Math.random() * 1e6));
  let cuts = 0;
  await runCluster(original, false, {
    ...cutter,
    cut: (ws, n) => {
      if (++cuts === 11) {
        for (const dir of copies) {
          mkdirSync(dir, { recursive: true });
          copyFileSync(join(original, CHECKPOINT_FILE), join(dir, CHECKPOINT_FILE));
        }
      }
      return cutter.cut(ws, n);
    },
  });
  assert.equal(cuts, 24);
  const journal = await readFile(join(original, SHARD_JOURNAL_FILE), 'utf8');
  assert.equal(journal.trim().split('\n').length, 24, 'one line a step');
  await copyFile(join(original, SHARD_JOURNAL_FILE), join(copies[0]!, SHARD_JOURNAL_FILE));
  // Resumed with the journal: steps 11..24 replay its cuts, whatever this process's cutter would draw.
  await runCluster(copies[0]!, true, unequalCutter(Math.floor(Math.random() * 1e6) + 1));
  assert.equal(await readFile(join(copies[0]!, SHARD_JOURNAL_FILE), 'utf8'), journal, 'the journal is unchanged: every cut was replayed');
  await assertSameRun(original, copies[0]!);
  // The control: the same checkpoint without the journal cuts afresh, and the run differs.
  await runCluster(copies[1]!, true, unequalCutter(Math.floor(Math.random() * 1e6) + 2));
  const [x, y] = await Promise.all([loadCheckpoint(original), loadCheckpoint(copies[1]!)]);
  assert.equal(y.optimizer.step, x.optimizer.step);
  const bits = (arrs: Float32Array[]) => Buffer.concat(arrs.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength)));
  assert.ok(!bits([...x.optimizer.m, ...x.optimizer.v]).equals(bits([...y.optimizer.m, ...y.optimizer.v])), 'other cuts, other rounding: the test can fail');
});
