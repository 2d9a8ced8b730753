// The local launcher and real worker processes: `syncgrad cluster` end to end, and a worker
// process killed with SIGKILL mid-run (no goodbye, no drain); the benches that start worker
// processes (bench exchange, bench shards).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { memoryIo } from '../common/console/io.js';
import { HEAP_LIMIT_ENV } from '../common/backend/memory.js';
import { parseTrainOptions } from '../common/train/options.js';
import { loadCheckpoint, loadLatestCheckpoint } from '../common/run/checkpoint.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { cli, shapesFixture, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';
import type { ShardBenchResult } from '../bench/shards.js';
import type { ExchangeBenchResult } from '../bench/exchange.js';
import type { TrainReport } from '../common/run/report.js';

const BIN = fileURLToPath(new URL('../bin/syncgrad.mjs', import.meta.url));
let nats: StartedNats;
let tmp: TempDir;
let data: string;

before(async () => {
  ({ tmp, data } = await shapesFixture(12, 16));
  nats = await startNats();
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

// Which processes run is read from /proc, and only for processes this test started: its own
// descendants, or pids it saw while their parent (a launcher it spawned) was alive. A host-wide
// pgrep would also see other test files' servers and workers, and other runs'.

/** A process: its pid, its start time (with the pid, it names one process for good: a reused pid is not it) and its command line. */
interface Proc {
  pid: number;
  start: string;
  cmd: string;
}

/** /proc/<pid>/stat's state, parent and start time; undefined when there is no such process. */
function procStat(pid: number): { state: string; ppid: number; start: string } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // After the command name in parentheses: state, ppid, ..., starttime (the 22nd field).
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: f[0]!, ppid: Number(f[1]), start: f[19]! };
}

function procOf(pid: number): Proc | undefined {
  const st = procStat(pid);
  if (!st || st.state === 'Z') return undefined;
  try {
    return { pid, start: st.start, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() };
  } catch {
    return undefined;
  }
}

/** Whether `p` still runs (a zombie, dead but not yet reaped, does not). */
function running(p: Proc): boolean {
  const st = procStat(p.pid);
  return st !== undefined && st.start === p.start && st.state !== 'Z';
}

/** The running descendants of `root` (by default this test process): its children, theirs, and so on. */
function descendants(root = process.pid): Proc[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = procStat(Number(name));
    if (st) children.set(st.ppid, [...(children.get(st.ppid) ?? []), Number(name)]);
  }
  const out: Proc[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    const p = procOf(pid);
    if (p) out.push(p);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `syncgrad worker` processes of `job` among `procs`, as command lines. */
function workersOf(procs: Proc[], job: string): string[] {
  const re = new RegExp(`(^| )${escape(BIN)} worker .*--job ${escape(job)}( |$)`);
  return procs.filter((p) => re.test(p.cmd)).map((p) => p.cmd);
}

/** This test process's worker processes of `job` (the in-process launcher's children, or workers it spawned itself). */
function workerProcesses(job: string): string[] {
  return workersOf(descendants(), job);
}

/** Waits until none of `procs` runs, for at most `ms` (a forced exit does not wait for what it kills); returns those still running. */
async function stillRunning(procs: Proc[], ms = 10_000): Promise<Proc[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = procs.filter(running);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const isNatsServer = (p: Proc) => /(^|\/)nats-server -c /.test(p.cmd);

test('launcher - cluster runs worker processes, writes the report and leaves none running', async () => {
  const out = join(tmp.path, 'launch');
  const job = `launch${process.pid}`;
  const saved = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  try {
    const r = await cli(
      'cluster',
      '--data',
      data,
      '--image-size',
      '16',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--lr',
      '1e-3',
      '--workers',
      '2',
      '--job',
      job,
      '--backend',
      TEST_BACKEND,
      '--out',
      out,
      '--progress',
      'none',
      '--no-audit',
    );
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.ok(r.err.some((l) => l.startsWith('[worker 0]')) && r.err.some((l) => l.startsWith('[worker 1]')), 'output of both worker processes');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as TrainReport;
    assert.equal(report.workers, 2);
    assert.equal(report.backend, `cluster(${TEST_BACKEND}×2)`);
    assert.deepEqual(workerProcesses(job), []);
  } finally {
    if (saved === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = saved;
  }
});

for (const exchange of ['star', 'sharded'] as const) {
  test(`launcher - ${exchange} exchange: a worker process killed with SIGKILL is dropped and training completes`, async () => {
    const job = `kill${exchange}${process.pid}`;
    const io = memoryIo();
    const out = join(tmp.path, `kill-${exchange}`);
    const o = parseTrainOptions({
      data,
      out,
      imageSize: 16,
      epochs: 1,
      batchSize: 8,
      lr: 1e-3,
      dropout: false,
      audit: false,
      progress: 'none',
      backend: TEST_BACKEND,
      fpsBatches: 1,
    });
    const children: ChildProcess[] = [];
    let shards = 0;
    const c = await Coordinator.start({ train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 60_000, exchange }) }, io, {
      onWorkerStep: () => {
        if (++shards === 4) children[1]!.kill('SIGKILL');
      },
    });
    try {
      for (let i = 0; i < 2; i++)
        children.push(spawn(process.execPath, [BIN, 'worker', '--nats', nats.url, '--job', job, '--backend', TEST_BACKEND], { stdio: 'ignore' }));
      const report = await c.run();
      assert.equal(children[1]!.signalCode, 'SIGKILL');
      assert.ok(
        io.errors.some((l) => /lost worker rank/.test(l)),
        io.errors.join('\n'),
      );
      const steps = Math.ceil(report.dataset.train / 8);
      assert.equal((await loadCheckpoint(out)).optimizer.step, steps, 'every step applied exactly once');
    } finally {
      await c.close();
      await Promise.all(children.map((ch) => (ch.exitCode !== null || ch.signalCode !== null ? Promise.resolve() : new Promise((r) => ch.once('exit', r)))));
    }
    assert.deepEqual(workerProcesses(job), []);
  });
}

test('launcher - a wasm worker out of memory stops the run with its one line, reaps every worker and leaves the last checkpoint intact', async () => {
  const out = join(tmp.path, 'oom');
  const job = `oom${process.pid}`;
  const first = await cli(
    'train',
    '--data',
    data,
    '--image-size',
    '16',
    '--epochs',
    '1',
    '--max-steps',
    '1',
    '--batch-size',
    '8',
    '--backend',
    'wasm',
    '--out',
    out,
    '--progress',
    'none',
    '--no-audit',
    '--fps-batches',
    '1',
  );
  assert.equal(first.code, 0, first.err.join('\n'));
  const checkpoint = await readFile(join(out, 'checkpoint.sgck'));
  const saved = { nats: process.env.NATS_URL, heap: process.env[HEAP_LIMIT_ENV] };
  process.env.NATS_URL = nats.url;
  // The worker processes inherit this: their wasm heap stops at 160 MB (this process's is already guarded at 4 GB).
  process.env[HEAP_LIMIT_ENV] = '160';
  try {
    const r = await cli(
      'cluster',
      '--data',
      data,
      '--image-size',
      '64',
      '--epochs',
      '1',
      '--batch-size',
      '12',
      '--micro-batch',
      '6',
      '--workers',
      '2',
      '--job',
      job,
      '--backend',
      'wasm',
      '--out',
      out,
      '--progress',
      'none',
      '--no-audit',
    );
    assert.equal(r.code, 1, r.err.join('\n'));
    const last = r.err[r.err.length - 1]!;
    assert.match(
      last,
      /^syncgrad: worker rank [01]: out of memory on wasm computing 6 image\(s\) at 64×64 in passes of 6 \(.*\); use --micro-batch 3, or more workers$/,
    );
    assert.ok(!r.err.some((l) => /internal error|^\s+at /.test(l)), r.err.join('\n'));
    assert.deepEqual(workerProcesses(job), []);
    assert.deepEqual(await readFile(join(out, 'checkpoint.sgck')), checkpoint, 'the checkpoint is untouched');
  } finally {
    for (const [k, v] of [
      ['NATS_URL', saved.nats],
      [HEAP_LIMIT_ENV, saved.heap],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('bench - shards times a native and a wasm worker alone, then together with equal and with weighted shards, against the ideal', async (t) => {
  if (TEST_BACKEND !== 'tensorflow') return t.skip('the pair needs native TensorFlow beside wasm');
  const saved = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  try {
    const r = await cli('bench', 'shards', '--image-size', '16', '--batch-size', '8', '--steps', '2', '--warmup', '3', '--json', '--backend', TEST_BACKEND);
    assert.equal(r.code, 0, r.err.join('\n'));
    const j = JSON.parse(r.out[r.out.length - 1]!) as ShardBenchResult;
    assert.deepEqual(
      j.workers.map((w) => [w.backend, w.core]),
      [
        ['tensorflow', 0],
        ['wasm', 1],
      ],
    );
    assert.deepEqual(
      j.runs.map((x) => [x.label, x.stepsSeconds.length]),
      [
        ['native alone', 2],
        ['wasm alone', 2],
        ['equal shards', 2],
        ['weighted shards', 2],
      ],
    );
    // Alone: the whole batch; equal: halves; weighted: any cut of the 8 images, one at least each.
    for (const x of j.runs.slice(0, 2))
      assert.ok(
        x.cuts.every((c) => c.join() === '8'),
        JSON.stringify(x.cuts),
      );
    assert.ok(
      j.runs[2]!.cuts.every((c) => c.join() === '4,4'),
      JSON.stringify(j.runs[2]!.cuts),
    );
    assert.ok(
      j.runs[3]!.cuts.every((c) => c.length === 2 && c[0]! + c[1]! === 8 && Math.min(...c) >= 1),
      JSON.stringify(j.runs[3]!.cuts),
    );
    // The ideal is the batch over the sum of the rates alone, and each ratio is a step over it.
    const rates = j.workers.map((w) => w.aloneImagesPerSecond);
    assert.ok(rates.every((x) => x > 0));
    assert.ok(Math.abs(j.idealSeconds - 8 / (rates[0]! + rates[1]!)) < 1e-12);
    assert.ok(Math.abs(j.weighted.ratioToIdeal - j.weighted.medianStepSeconds / j.idealSeconds) < 1e-12 && j.weighted.medianStepSeconds > 0);
    assert.ok(Math.abs(j.equal.ratioToIdeal - j.equal.medianStepSeconds / j.idealSeconds) < 1e-12 && j.equal.medianStepSeconds > 0);
  } finally {
    if (saved === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = saved;
  }
});

test("bench - exchange runs the production step with synthetic gradients and accounts each process's bytes, star and sharded", async () => {
  const saved = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  try {
    // The 64² seed CNN: 1,212,742 params, a 4.85 MB fp32 gradient (five ~1 MB chunks).
    const bench = async (design: string) => {
      const r = await cli(
        'bench',
        'exchange',
        '--params',
        '1212742',
        '--workers',
        '2',
        '--steps',
        '2',
        '--warmup',
        '1',
        '--probe-mib',
        '16',
        '--no-torch',
        '--json',
        '--backend',
        TEST_BACKEND,
        '--exchange',
        design,
      );
      assert.equal(r.code, 0, r.err.join('\n'));
      const j = JSON.parse(r.out[r.out.length - 1]!) as ExchangeBenchResult;
      assert.equal(j.design, design);
      assert.equal(j.gradientBytes, 1212742 * 4);
      assert.equal(j.exchange.stepsSeconds.length, 2);
      assert.ok(j.exchange.medianSeconds > 0);
      assert.ok(j.nats.pubSubMBps > 0 && j.nats.pullMBps > 0 && j.nats.stock.pubSubMBps > 0 && j.nats.stock.pullMBps > 0);
      assert.equal(j.gloo, null);
      const by = new Map(j.exchange.perProcess.map((p) => [p.process, p]));
      const of = (name: string) => by.get(name) ?? assert.fail(`no ${name} in ${JSON.stringify(j.exchange.perProcess)}`);
      return { j, of };
    };
    const near = (x: number, want: number, what: string) => assert.ok(Math.abs(x - want) / want < 0.01, `${what}: ${x} vs ${want}`);
    // The star: the coordinator pulls every gradient and serves every replica the weights.
    const star = await bench('star');
    const G = star.j.gradientBytes;
    near(star.of('coordinator').bytesInPerStep, 2 * G, 'star coordinator in');
    near(star.of('coordinator').bytesOutPerStep, 2 * G, 'star coordinator out');
    for (const w of ['worker rank 0', 'worker rank 1']) {
      near(star.of(w).bytesInPerStep, G, `star ${w} in`);
      near(star.of(w).bytesOutPerStep, G, `star ${w} out`);
    }
    assert.equal(star.j.exchange.busiestProcess, 'coordinator');
    // The star has no reduce phase of the workers' own to split off.
    assert.equal(star.j.exchange.phasesSeconds, null);
    // Sharded: the coordinator moves no tensor. Each worker pushes the other's half of its
    // gradient and publishes its reduced half once: (N−1)/N·G + G/N out, 2·(N−1)/N·G in.
    const sharded = await bench('sharded');
    assert.ok(
      sharded.of('coordinator').bytesInPerStep < 0.01 * G && sharded.of('coordinator').bytesOutPerStep < 0.01 * G,
      'sharded coordinator sends only commands',
    );
    for (const w of ['worker rank 0', 'worker rank 1']) {
      near(sharded.of(w).bytesInPerStep, G, `sharded ${w} in`);
      near(sharded.of(w).bytesOutPerStep, G, `sharded ${w} out`);
    }
    assert.ok(sharded.j.exchange.busiestShareOfRaw > 0 && sharded.j.exchange.busiestShareOfStockRaw >= sharded.j.exchange.busiestShareOfRaw);
    // The all-reduce proper ends before the next step's replicas hold their weights.
    const ph = sharded.j.exchange.phasesSeconds;
    assert.ok(ph && ph.reduce > 0 && ph.handOff > 0 && ph.reduce < Math.max(...sharded.j.exchange.stepsSeconds), JSON.stringify(ph));
    assert.ok(sharded.j.exchange.busiestBytesPerStep <= 2.2 * G, `busiest ${sharded.j.exchange.busiestBytesPerStep / G} G`);
  } finally {
    if (saved === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = saved;
  }
});

/** This test process's `syncgrad coordinator` processes for `job` (the supervising launcher's children). */
function coordinatorProcesses(job: string): Proc[] {
  const re = new RegExp(`(^| )${escape(BIN)} coordinator .*--job ${escape(job)}( |$)`);
  return descendants().filter((p) => re.test(p.cmd));
}

test("launcher - cluster --max-restarts 2 survives a killed coordinator and ends with the uninterrupted run's weights", async () => {
  // Equal shards: the reference is a separate run, and weighted cuts follow each run's timing.
  const args = (out: string, job: string) => [
    '--data',
    data,
    '--image-size',
    '16',
    '--epochs',
    '3',
    '--batch-size',
    '8',
    '--lr',
    '1e-3',
    '--workers',
    '2',
    '--job',
    job,
    '--backend',
    TEST_BACKEND,
    '--out',
    out,
    '--progress',
    'none',
    '--no-audit',
    '--fps-batches',
    '1',
    '--checkpoint-every',
    '2',
    '--shards',
    'equal',
  ];
  const saved = process.env.NATS_URL;
  process.env.NATS_URL = nats.url;
  try {
    const ref = join(tmp.path, 'restart-ref');
    const r = await cli('cluster', ...args(ref, `rref${process.pid}`));
    assert.equal(r.code, 0, r.err.join('\n'));

    const out = join(tmp.path, 'restart');
    const job = `rkill${process.pid}`;
    const running = cli('cluster', ...args(out, job), '--max-restarts', '2');
    // Once the run is inside epoch 2, SIGKILL the coordinator process (the launcher's child).
    let killed = 0;
    for (let i = 0; i < 6000 && killed === 0; i++) {
      const p = (await loadLatestCheckpoint(out).catch(() => undefined))?.checkpoint.meta.progress;
      if (p && p.epochsDone === 1 && p.stepInEpoch > 0) {
        const victims = coordinatorProcesses(job);
        for (const v of victims) process.kill(v.pid, 'SIGKILL');
        // Gone before anything else happens: until it has died, the launcher cannot have started another.
        assert.deepEqual(await stillRunning(victims), [], 'the killed coordinator died');
        killed = victims.length;
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    assert.equal(killed, 1, 'the coordinator was killed in epoch 2');
    const done = await running;
    assert.equal(done.code, 0, done.err.join('\n'));
    assert.ok(
      done.err.some((l) =>
        /^launcher: the coordinator was killed by SIGKILL, the signal the kernel's OOM killer sends \(dmesg tells whether it did\); starting it again with --resume \(restart 1 of 2\)$/.test(
          l,
        ),
      ),
      done.err.join('\n'),
    );
    assert.ok(
      done.err.some((l) => /\[coordinator\] resume: continuing from .*epoch 2/.test(l)),
      done.err.join('\n'),
    );
    const [x, y] = await Promise.all([loadCheckpoint(ref), loadCheckpoint(out)]);
    assert.equal(y.optimizer.step, x.optimizer.step);
    x.weights.forEach((w, i) =>
      assert.ok(
        Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(y.weights[i]!.buffer, y.weights[i]!.byteOffset, y.weights[i]!.byteLength)),
        `parameter ${i} bit-identical`,
      ),
    );
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as TrainReport;
    assert.deepEqual(
      report.epochs.map((e) => e.epoch),
      [1, 2, 3],
    );
    assert.deepEqual(workerProcesses(job), []);
    assert.deepEqual(
      coordinatorProcesses(job).map((p) => p.cmd),
      [],
    );
  } finally {
    if (saved === undefined) delete process.env.NATS_URL;
    else process.env.NATS_URL = saved;
  }
});

test("launcher - a worker process killed with SIGKILL is named with its pid and the OOM killer's signal, the coordinator says so, and the run stops once no worker is left", async () => {
  const job = `killed${process.pid}`;
  const out = join(tmp.path, 'killed');
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const seen = lines.map((l) => re.exec(l)).find((m) => m);
      if (seen) return resolve(seen);
      waiters.push({ re, resolve });
      setTimeout(() => reject(new Error(`no line matching ${re} within 60 s:\n${lines.join('\n')}`)), 60_000).unref();
    });
  const c = spawn(
    process.execPath,
    [
      BIN,
      'cluster',
      '--data',
      data,
      '--image-size',
      '16',
      '--epochs',
      '50',
      '--batch-size',
      '4',
      '--workers',
      '2',
      '--job',
      job,
      '--backend',
      TEST_BACKEND,
      '--out',
      out,
      '--progress',
      'none',
      '--no-audit',
      '--checkpoint-every',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NATS_URL: nats.url } },
  );
  const exit = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
  /** The launcher's children seen while it ran. */
  const started: Proc[] = [];
  const onLine = (l: string) => {
    lines.push(l);
    for (const w of [...waiters]) {
      const m = w.re.exec(l);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  createInterface({ input: c.stdout }).on('line', onLine);
  createInterface({ input: c.stderr }).on('line', onLine);
  try {
    const pid = async (slot: number) => Number((await waitFor(new RegExp(`^\\[worker ${slot}\\] worker [^:]+:(\\d+):\\S*: joined job`)))[1]);
    const [p0, p1] = [await pid(0), await pid(1)];
    for (const p of [p0, p1]) {
      const proc = procOf(p);
      assert.ok(proc, `worker pid ${p} runs once it has joined`);
      started.push(proc);
    }
    await waitFor(/^Epoch 1\/50: train loss/);
    process.kill(p1, 'SIGKILL');
    await waitFor(
      new RegExp(
        `^launcher: worker 1 \\(pid ${p1}\\) was killed by SIGKILL, the signal the kernel's OOM killer sends \\(dmesg tells whether it did\\); if memory ran out, a smaller --micro-batch than its passes of \\d+, or fewer workers on this host, needs less$`,
      ),
    );
    await waitFor(
      new RegExp(
        `^coordinator: lost worker rank \\d \\([^)]*:${p1}:[^)]*\\): .*; its process ${p1} was killed by SIGKILL, the signal the kernel's OOM killer sends`,
      ),
    );
    // Whatever the launcher runs now (the last worker) is this test's to check on once it has exited.
    started.push(...descendants(c.pid));
    // The other worker carries on alone; when it dies too, the run ends at once, not after --worker-wait.
    const t0 = performance.now();
    process.kill(p0, 'SIGKILL');
    assert.equal(await exit, 1, lines.join('\n'));
    assert.ok(performance.now() - t0 < 30_000, `the launcher stopped ${Math.round(performance.now() - t0)} ms after its last worker died`);
    assert.match(
      lines[lines.length - 1]!,
      new RegExp(
        `^syncgrad: coordinator stopped: every worker process died, the last one \\(worker 0, pid ${p0}\\) was killed by SIGKILL, .*; ${out} holds the last checkpoint \\(continue with --resume\\)$`,
      ),
    );
    assert.ok((await loadLatestCheckpoint(out)) !== undefined, 'a checkpoint was left');
  } finally {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  }
  assert.deepEqual(
    (await stillRunning(started)).map((p) => `${p.pid} ${p.cmd}`),
    [],
    'no worker of the launcher left behind',
  );
});

test('launcher - SIGTERM ends a worker and a coordinator within 5 s with their NATS server gone, and the launcher with its workers; a second signal ends a worker at once', async () => {
  const own = await startNats();
  const job = `sig${process.pid}`;
  const procs: { c: ChildProcess; err: string[] }[] = [];
  const start = (args: string[], ready: RegExp) =>
    new Promise<{ c: ChildProcess; err: string[] }>((resolve, reject) => {
      const c = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      const p = { c, err: [] as string[] };
      procs.push(p);
      createInterface({ input: c.stderr }).on('line', (l) => {
        p.err.push(l);
        if (ready.test(l)) resolve(p);
      });
      c.once('exit', (code) => reject(new Error(`${args[0]} exited (${code}) before it was ready: ${p.err.join(' | ')}`)));
    });
  const saidReceived = async (p: { c: ChildProcess; err: string[] }, signal: NodeJS.Signals) => {
    const deadline = Date.now() + 5000;
    while (!p.err.some((l) => l.includes(`${signal} received; shutting down`))) {
      if (p.c.exitCode !== null || p.c.signalCode !== null || Date.now() > deadline) assert.fail(`no "${signal} received" line: ${p.err.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const io = memoryIo();
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ data, imageSize: 16, audit: false, progress: 'none', backend: TEST_BACKEND, out: join(tmp.path, 'sig') }),
      cluster: parseClusterOptions({ nats: own.url, job, minWorkers: 9, workerWaitMs: 120_000 }),
    },
    io,
  );
  try {
    const worker = () => start(['worker', '--nats', own.url, '--job', job, '--backend', TEST_BACKEND], /joined job/);
    const [w1, w2] = [await worker(), await worker()];
    const coord = await start(
      [
        'coordinator',
        '--data',
        data,
        '--image-size',
        '16',
        '--no-audit',
        '--progress',
        'none',
        '--nats',
        own.url,
        '--job',
        `${job}b`,
        '--workers',
        '5',
        '--out',
        join(tmp.path, 'sig-b'),
      ],
      /waiting for 5 worker/,
    );
    await own.close();
    // Gives the clients a moment to see the server gone, so the shutdowns below take the no-server
    // path; the bounds asserted hold whether or not they have seen it yet, so this is no race.
    await new Promise((r) => setTimeout(r, 500));
    const timed = async (p: { c: ChildProcess; err: string[] }, signals: NodeJS.Signals[]) => {
      const t0 = performance.now();
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => p.c.once('exit', (code, signal) => r({ code, signal })));
      for (const [i, s] of signals.entries()) {
        // A further signal only once the process has said it is handling the one before (its shutdown
        // has begun); a fixed pause would race the shutdown itself.
        if (i > 0) await saidReceived(p, signals[i - 1]!);
        p.c.kill(s);
      }
      return { ...(await exit), ms: performance.now() - t0 };
    };
    const one = await timed(w1, ['SIGTERM']);
    assert.ok(one.ms < 5000, `worker exited ${Math.round(one.ms)} ms after SIGTERM`);
    assert.equal(one.signal, null, 'it exited by itself, not by the signal');
    assert.ok(
      w1.err.some((l) => /SIGTERM received; shutting down/.test(l)),
      w1.err.join('\n'),
    );
    const two = await timed(w2, ['SIGTERM', 'SIGINT']);
    assert.equal(two.code, 130, `a second signal forces the exit (SIGINT: 130): ${w2.err.join(' | ')}`);
    assert.ok(
      w2.err.some((l) => /second signal \(SIGINT\); exiting now/.test(l)),
      w2.err.join('\n'),
    );
    const three = await timed(coord, ['SIGTERM']);
    assert.ok(three.ms < 5000, `coordinator exited ${Math.round(three.ms)} ms after SIGTERM`);
    assert.equal(three.signal, null);
    // The launcher: its server is the gone one too; SIGTERM ends it and reaps its workers.
    const launched = await start(
      [
        'cluster',
        '--data',
        data,
        '--image-size',
        '16',
        '--epochs',
        '50',
        '--batch-size',
        '4',
        '--workers',
        '2',
        '--job',
        `${job}c`,
        '--backend',
        TEST_BACKEND,
        '--out',
        join(tmp.path, 'sig-c'),
        '--progress',
        'none',
        '--no-audit',
      ],
      /\[worker 1\].*joined job/,
    );
    // What the launcher runs now, seen while it is alive (once it has gone its orphans have another
    // parent): its two workers and, when it started one, its NATS server.
    const started = descendants(launched.c.pid);
    assert.equal(workersOf(started, `${job}c`).length, 2, started.map((p) => p.cmd).join('\n'));
    if (launched.err.some((l) => /^launcher: NATS at \S+ \(nats-server/.test(l)))
      assert.equal(started.filter(isNatsServer).length, 1, started.map((p) => p.cmd).join('\n'));
    const four = await timed(launched, ['SIGTERM']);
    assert.ok(four.ms < 5000, `launcher exited ${Math.round(four.ms)} ms after SIGTERM`);
    assert.equal(four.signal, null);
    assert.ok(
      launched.err.some((l) => /^launcher: SIGTERM received/.test(l)),
      launched.err.join('\n'),
    );
    const left = await stillRunning(started);
    assert.deepEqual(workersOf(left, `${job}c`), [], 'no worker left behind');
    // Nor the NATS server it started, forced exit or not.
    assert.deepEqual(
      left.filter(isNatsServer).map((p) => p.cmd),
      [],
      'no NATS server left behind',
    );
    assert.deepEqual(
      left.map((p) => p.cmd),
      [],
      'nothing it started is left',
    );
  } finally {
    for (const p of procs) if (p.c.exitCode === null && p.c.signalCode === null) p.c.kill('SIGKILL');
    await c.close();
    await own.close();
  }
});
