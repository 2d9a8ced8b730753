// The coordinator's pure parts on their own, without NATS: the reducer, sharding, the shard planner
// and its journal, the registry, the shard retry policy and the option parsers. The end-to-end runs in cluster.test.ts reach them too,
// but a wrong branch here should fail a test that names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, OutOfMemoryError, ProtocolError } from '../common/errors.js';
import { shard } from '../coordinator/shard-planner.js';
import { parseClusterOptions, resolveExchange, SHARDED_FROM_BYTES } from '../coordinator/options.js';
import { assertFinite, reduceMean } from '../common/reduce/mean.js';
import { Registry } from '../coordinator/registry.js';
import { classifyShardFailure, decideShardFailure, MAX_SHARD_ATTEMPTS } from '../coordinator/retry-policy.js';
import { parseWorkerOptions } from '../worker/options.js';
import { sharedServerWarning } from '../coordinator/nats-layout.js';
import {
  bestSizes,
  fitTimeModel,
  PER_IMAGE_FLOOR,
  proportionalSizes,
  RECUT_GAIN,
  ShardPlanner,
  SLOW_REPORT_STEPS,
  timeOf,
  WARMUP_STEPS,
} from '../coordinator/shard-planner.js';
import { parseJournal, SHARD_JOURNAL_FILE, ShardJournal } from '../coordinator/shard-journal.js';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/fixtures.js';
import { BATCH_NORM_MIN_PASS, planMicroBatch } from '../common/train/micro-batch.js';

test('reducer - the mean weights each contribution by its sample count, in the order given', () => {
  const a = { rank: 0, count: 3, gradient: Float32Array.from([1, 2, 0.1]) };
  const b = { rank: 1, count: 1, gradient: Float32Array.from([5, -2, 0.7]) };
  const out = reduceMean([a, b], 3);
  // Σ (n_i / N) g_i, each term rounded to float32 as it is added.
  const f = Math.fround;
  assert.deepEqual([...out], [f(f(0.75 * 1) + f(0.25 * 5)), f(f(0.75 * 2) + f(0.25 * -2)), f(f(f(0.75) * f(0.1)) + f(0.25 * f(0.7)))].map(f));
  // Another order may round differently: the engine passes shard order, so this is what it relies on.
  const c = { rank: 2, count: 1, gradient: Float32Array.from([0.1, 1e-8, 3]) };
  const d = { rank: 0, count: 2, gradient: Float32Array.from([0.7, 1, 1e-8]) };
  const x = reduceMean([c, d, b], 3);
  const y = reduceMean([c, d, b], 3);
  assert.deepEqual([...x], [...y], 'deterministic');
  // A zero-count contribution adds nothing; no samples at all is a zero gradient.
  assert.deepEqual([...reduceMean([a, { rank: 3, count: 0, gradient: Float32Array.from([9, 9, 9]) }], 3)], [...reduceMean([a], 3)]);
  assert.deepEqual([...reduceMean([], 3)], [0, 0, 0]);
  assert.throws(
    () => reduceMean([{ rank: 0, count: 1, gradient: new Float32Array(2) }], 3),
    (e: unknown) => e instanceof ProtocolError && e.reason === 'wrong-length',
  );
  assert.throws(
    () => assertFinite(Float32Array.from([0, Number.NaN]), 'g'),
    (e: unknown) => e instanceof ProtocolError && e.reason === 'non-finite' && /element 1/.test(e.message),
  );
});

test('shard - contiguous shards whose sizes differ by at most one cover the batch in order', () => {
  for (const [len, n] of [
    [32, 2],
    [32, 3],
    [7, 4],
    [3, 5],
    [16, 1],
  ] as const) {
    const items = Array.from({ length: len }, (_, i) => i);
    const parts = shard(items, n);
    assert.equal(parts.length, n);
    assert.deepEqual(parts.flat(), items, `${len} over ${n}`);
    const sizes = parts.map((p) => p.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${len} over ${n}: ${sizes.join(',')}`);
    // Larger shards first, so the same batch always splits the same way.
    assert.deepEqual(
      sizes,
      [...sizes].sort((a, b) => b - a),
    );
  }
});

test('registry - ranks are handed out lowest-free-first, a rejoin keeps one rank, only ready workers are live', async () => {
  const r = new Registry();
  const info = (id: string) => ({ id, host: 'h', pid: 1, backend: 'wasm' });
  const a = r.join(info('a'));
  const b = r.join(info('b'));
  const c = r.join(info('c'));
  assert.deepEqual([a.rank, b.rank, c.rank], [0, 1, 2]);
  assert.equal(r.size, 0, 'nobody is ready yet');
  for (const w of [a, b, c]) assert.ok(r.markReady(w.rank, w.id));
  assert.equal(r.markReady(0, 'someone-else'), undefined, 'a rank is only marked ready by its worker');
  r.leave(1);
  assert.deepEqual(
    r.live().map((w) => w.id),
    ['a', 'c'],
  );
  assert.equal(r.join(info('d')).rank, 1, 'the lowest free rank');
  const again = r.join(info('a'));
  assert.equal(again.rank, 0, 'a rejoining worker takes the lowest free rank, once');
  assert.equal([...r.live()].filter((w) => w.id === 'a').length, 0, 'and is not live until ready again');
  // waitFor wakes on readiness and gives up with the caller's error.
  const waiting = r.waitFor(2, 5000, () => new Error('timeout'));
  r.markReady(again.rank, 'a');
  await waiting;
  await assert.rejects(
    r.waitFor(9, 30, () => new Error('only some')),
    /only some/,
  );
});

test('retry policy - out of memory stops, a lost worker moves its shard, bad data twice stops, other errors retry up to the limit', () => {
  const lost = new Error('stopped answering');
  const isLost = (e: unknown) => e === lost;
  const decide = (e: unknown, attempts = 0, bad = 0) => decideShardFailure(classifyShardFailure(e, isLost), attempts, bad);
  assert.equal(decide(new OutOfMemoryError('too big')).action, 'stop');
  assert.equal(decide(lost).action, 'drop-worker-and-retry');
  assert.equal(decide(lost, 100).action, 'drop-worker-and-retry', 'lost workers never exhaust a shard');
  const nan = new ProtocolError('non-finite', 'NaN at 3');
  assert.equal(decide(nan).action, 'drop-worker-and-retry');
  const twice = decide(nan, 1, 1);
  assert.equal(twice.action, 'stop');
  assert.match((twice as { error: Error }).error.message, /training diverged or data is bad: NaN at 3 \(twice for the same samples\)/);
  // A refusal is not misbehaviour: it is retried like any worker error.
  assert.equal(decide(new ProtocolError('refused', 'busy')).action, 'retry');
  const other = new Error('decoder crashed');
  assert.equal(decide(other, MAX_SHARD_ATTEMPTS - 2).action, 'retry');
  const last = decide(other, MAX_SHARD_ATTEMPTS - 1);
  assert.equal(last.action, 'stop');
  assert.equal((last as { error: Error }).error, other);
});

test('options - cluster and worker options: defaults, coercion from flag strings, one line per mistake', () => {
  const c = parseClusterOptions({ minWorkers: '3', workerWaitMs: 5000, metricsPort: '0' });
  assert.equal(c.minWorkers, 3);
  assert.equal(c.metricsPort, 0);
  assert.equal(c.exchange, 'auto');
  for (const [input, message] of [
    [{ minWorkers: 0 }, /^--workers must be an integer >= 1, got 0$/],
    [{ minWorkers: 'two' }, /^--workers must be an integer >= 1, got "two"$/],
    [{ codec: 'int8' }, /^--codec must be one of fp32, fp16, bf16, got "int8"$/],
    [{ dataMode: 'nfs' }, /^--data-mode must be one of shared, nats, got "nfs"$/],
    [{ job: 'a.b' }, /^--job must be/],
  ] as const) {
    assert.throws(
      () => parseClusterOptions(input),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(input),
    );
  }
  assert.equal(resolveExchange('auto', SHARDED_FROM_BYTES / 4), 'sharded');
  assert.equal(resolveExchange('auto', SHARDED_FROM_BYTES / 4 - 1), 'star');
  const w = parseWorkerOptions({ nats: 'nats://a:4222, nats://b:4222' });
  assert.equal(w.job, 'default');
  assert.throws(
    () => parseWorkerOptions({ nats: 'http://a:4222' }),
    (e: unknown) => e instanceof ConfigError && /^--nats must be a URL/.test(e.message),
  );
  assert.throws(
    () => parseWorkerOptions({ joinTimeoutMs: -1 }),
    (e: unknown) => e instanceof ConfigError && /^--join-timeout must be an integer >= 1/.test(e.message),
  );
});

test('nats layout - one shared server is reported from 3 workers on, with the bytes its link carries, and not for mixed or unknown servers', () => {
  const M = 64.6e6;
  assert.equal(sharedServerWarning([{ natsServer: 'A' }, { natsServer: 'A' }], M), undefined, 'two workers: the same bytes either way');
  const line = sharedServerWarning([{ natsServer: 'A' }, { natsServer: 'A' }, { natsServer: 'A' }, { natsServer: 'A' }], M)!;
  assert.match(
    line,
    /all 4 workers are connected to one NATS server \(A\): its link carries about 2\(N−1\)·M = 388 MB out and N·M = 258 MB in per step, where a server on every worker machine, joined by routes, carries 97 MB each way per link/,
  );
  assert.equal(sharedServerWarning([{ natsServer: 'A' }, { natsServer: 'B' }, { natsServer: 'A' }], M), undefined);
  assert.equal(sharedServerWarning([{}, {}, {}], M), undefined, 'workers that did not say');
});

test('shard planner - equal mode and unmeasured workers cut sizes that differ by at most one; weighted cuts follow the measured rates', () => {
  const ws = [
    { id: 'a', rank: 0 },
    { id: 'b', rank: 1 },
  ];
  const equal = new ShardPlanner({ mode: 'equal' });
  const weighted = new ShardPlanner({ mode: 'weighted' });
  for (const p of [equal, weighted]) {
    assert.deepEqual(p.cut(ws, 32), [16, 16]);
    assert.deepEqual(p.cut(ws, 7), [4, 3]);
    for (let i = 0; i < 1 + WARMUP_STEPS; i++) {
      p.observe(ws[0]!, 16, 1); // 16 img/s
      p.observe(ws[1]!, 16, 3); // 5.33 img/s
    }
  }
  assert.deepEqual(equal.cut(ws, 32), [16, 16], 'equal ignores the rates');
  assert.deepEqual(weighted.cut(ws, 32), [24, 8], '3:1 rates, 3:1 shards');
  assert.equal(weighted.rateOf('a'), 16);
  // Every worker keeps an image however slow, and the cut always covers the batch.
  assert.deepEqual(proportionalSizes(5, [1000, 1, 1]), [3, 1, 1]);
  assert.throws(() => weighted.cut(ws, 1), RangeError);
  // The first WARMUP_STEPS measurements are skipped: a fresh worker is cut at the others' mean until measured.
  const p = new ShardPlanner({ mode: 'weighted' });
  for (let i = 0; i < 1 + WARMUP_STEPS; i++) p.observe(ws[0]!, 8, 1);
  p.observe(ws[1]!, 1, 100);
  assert.equal(p.rateOf('b'), undefined, 'warm-up not counted');
  assert.deepEqual(p.cut(ws, 16), [8, 8]);
});

test('shard planner - noise keeps the cut; a 3x straggler is re-cut from the next step; a worker not worth waiting for is reported once', () => {
  const ws = [
    { id: 'a', rank: 0 },
    { id: 'b', rank: 1 },
  ];
  const slow: [number, boolean][] = [];
  const p = new ShardPlanner({ mode: 'weighted', onSlow: (w, s) => slow.push([w.rank, s]) });
  const step = (ra: number, rb: number, n = 32) => {
    const sizes = p.cut(ws, n);
    p.observe(ws[0]!, sizes[0]!, sizes[0]! / ra);
    p.observe(ws[1]!, sizes[1]!, sizes[1]! / rb);
    p.review(ws, n);
    return sizes;
  };
  for (let i = 0; i <= WARMUP_STEPS; i++) step(10, 10);
  assert.deepEqual(step(10, 10), [16, 16]);
  // ±5% jitter moves the ideal sizes by less than an image: the cut stays.
  for (const [ra, rb] of [
    [10.5, 9.6],
    [9.6, 10.4],
    [10.2, 9.8],
  ] as const)
    assert.deepEqual(step(ra, rb), [16, 16]);
  // b becomes 3x slower: the next step's cut gives it a quarter, not over several steps.
  step(10, 10 / 3);
  assert.deepEqual(step(10, 10 / 3), [24, 8]);
  assert.ok(Math.abs(p.rateOf('b')! - 10 / 3) < 0.2, `estimate ${p.rateOf('b')}`);
  // b crawls: even one image (10 s) takes longer than a's whole batch (3.2 s). Reported after SLOW_REPORT_STEPS, once, and kept.
  assert.deepEqual(step(10, 0.1), [24, 8], 'the step it slowed down in was cut before');
  for (let i = 0; i < SLOW_REPORT_STEPS + 1; i++) assert.deepEqual(step(10, 0.1), [31, 1]);
  assert.deepEqual(slow, [[1, true]]);
  for (let i = 0; i < 3; i++) step(10, 10);
  assert.deepEqual(
    slow,
    [
      [1, true],
      [1, false],
    ],
    'recovered: said once',
  );
  assert.deepEqual(step(10, 10), [16, 16]);
  // Forgetting a worker (it left) drops its estimate.
  p.forget('b');
  assert.equal(p.rateOf('b'), undefined);
});

test('shard journal - a fresh run empties it, a resumed one replays its cuts, the last line for a step wins, a torn line is skipped', async () => {
  await using dir = await tempDir('journal');
  const j = await ShardJournal.open(dir.path, false);
  await j.record(1, [3, 5]);
  await j.record(2, [4, 4]);
  await j.record(2, [4, 4]); // the same cut again is not a second line
  await j.record(2, [8]); // step 2 recomputed with one worker
  await appendFile(join(dir.path, SHARD_JOURNAL_FILE), '{"step":3,"si');
  assert.equal((await readFile(join(dir.path, SHARD_JOURNAL_FILE), 'utf8')).split('\n').length, 4, 'three whole lines and a torn one');
  const again = await ShardJournal.open(dir.path, true);
  assert.deepEqual([again.cutFor(1), again.cutFor(2), again.cutFor(3)], [[3, 5], [8], undefined]);
  assert.deepEqual(parseJournal('{"step":1,"sizes":[0,2]}\n{"step":"x","sizes":[1]}\nnot json\n'), [], 'malformed entries are skipped');
  const fresh = await ShardJournal.open(dir.path, false);
  assert.equal(fresh.cutFor(1), undefined);
  assert.equal(await readFile(join(dir.path, SHARD_JOURNAL_FILE), 'utf8'), '');
});

test('shard planner - a cut predicted under RECUT_GAIN faster is not taken, one past it is, even within an image of the ideal sizes', () => {
  const ws = [
    { id: 'wasm', rank: 0 },
    { id: 'native', rank: 1 },
  ];
  const p = new ShardPlanner({ mode: 'weighted' });
  const feed = (rw: number, rn: number) => {
    const sizes = p.cut(ws, 32);
    p.observe(ws[0]!, sizes[0]!, sizes[0]! / rw);
    p.observe(ws[1]!, sizes[1]!, sizes[1]! / rn);
    return sizes;
  };
  for (let i = 0; i < WARMUP_STEPS; i++) feed(11.5, 42);
  feed(11.5, 42);
  assert.deepEqual(p.cut(ws, 32), [7, 25], 'best at 11.5 and 42 img/s');
  // The wasm worker settles at 10.3 img/s (the bench's figure). Its ideal size, 6.3, stays within
  // an image of 7, but 6/26 is predicted 9% faster (0.62 s against 0.68 s): the cut moves once.
  const cuts = Array.from({ length: 8 }, () => feed(10.3, 42).join('/'));
  assert.equal(cuts[cuts.length - 1], '6/26', cuts.join(' '));
  assert.equal(new Set(cuts).size, 2, `one change, no flapping: ${cuts.join(' ')}`);
  // Noise of a few percent predicts less than RECUT_GAIN: the cut stays.
  for (const [rw, rn] of [
    [10.6, 41],
    [10.1, 43.5],
    [10.4, 42.5],
  ] as const)
    assert.deepEqual(feed(rw, rn), [6, 26]);
  assert.ok(RECUT_GAIN > 0 && RECUT_GAIN < 0.15);
});

test('shard planner - with a fixed cost per step, a pause that knocks a worker to one image costs under RECUT_GAIN, and noise never reports an equal worker slow', () => {
  // Two identical workers at 16 px: 25 ms a step whatever the shard, 0.5 ms an image, ±20% noise.
  const ws = [
    { id: 'a', rank: 0 },
    { id: 'b', rank: 1 },
  ];
  const slow: number[] = [];
  const p = new ShardPlanner({ mode: 'weighted', onSlow: (w) => slow.push(w.rank) });
  const time = (images: number) => 0.025 + 0.0005 * images;
  const noise = [1, 1.2, 0.8, 1.1, 0.9, 1.15, 0.85];
  let k = 0;
  const step = (pauseA = 0) => {
    const sizes = p.cut(ws, 4);
    p.observe(ws[0]!, sizes[0]!, time(sizes[0]!) * noise[k++ % noise.length]! + pauseA);
    p.observe(ws[1]!, sizes[1]!, time(sizes[1]!) * noise[k++ % noise.length]!);
    p.review(ws, 4);
    return sizes;
  };
  for (let i = 0; i < 3; i++) step();
  step(0.05); // a garbage-collection pause: a's step takes 3× its usual
  const best = Math.max(time(2), time(2));
  for (let i = 0; i < 30; i++) {
    const sizes = step();
    const actual = Math.max(time(sizes[0]!), time(sizes[1]!));
    assert.ok(actual <= best * (1 + RECUT_GAIN), `step ${i}: ${sizes.join('/')} takes ${actual} against ${best}`);
  }
  assert.deepEqual(slow, [], 'an equal worker is never reported too slow');
});

test('shard planner - the time model: a fixed cost once sizes differ, proportional before, never negative or free', () => {
  const sums = (points: [number, number][]) =>
    points.reduce((x, [s, t]) => ({ w: x.w + 1, s: x.s + s, t: x.t + t, ss: x.ss + s * s, st: x.st + s * t }), { w: 0, s: 0, t: 0, ss: 0, st: 0 });
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-12;
  const affine = fitTimeModel(
    sums([
      [2, 0.026],
      [1, 0.0255],
      [3, 0.0265],
    ]),
  );
  assert.ok(near(affine.fixed, 0.025) && near(affine.perImage, 0.0005), JSON.stringify(affine));
  assert.ok(near(timeOf(affine, 4), 0.027));
  const same = fitTimeModel(
    sums([
      [2, 0.026],
      [2, 0.028],
    ]),
  );
  assert.deepEqual(same, { fixed: 0, perImage: (2 * 0.026 + 2 * 0.028) / 8 }, 'one size: proportional');
  const flat = fitTimeModel(
    sums([
      [6, 0.4],
      [1, 0.4],
    ]),
  );
  assert.ok(flat.perImage > 0 && near(flat.perImage, (PER_IMAGE_FLOOR * 0.4) / 3.5) && flat.fixed > 0.3, JSON.stringify(flat));
  const steep = fitTimeModel(
    sums([
      [1, 0.01],
      [2, 0.05],
    ]),
  );
  assert.equal(steep.fixed, 0, 'a negative fixed cost falls back to proportional');
});

test('shard planner - with BatchNorm (a minimum shard), a weighted cut keeps every worker at the minimum where the batch allows, and cuts a smaller batch evenly', () => {
  const ws = [
    { id: 'a', rank: 0 },
    { id: 'b', rank: 1 },
  ];
  const p = new ShardPlanner({ mode: 'weighted', minShard: BATCH_NORM_MIN_PASS });
  for (let i = 0; i < 1 + WARMUP_STEPS; i++) {
    p.observe(ws[0]!, 16, 1); // 16 img/s
    p.observe(ws[1]!, 16, 16); // 1 img/s: unbounded, the cut would give it 1 of 32
  }
  assert.deepEqual(p.cut(ws, 32), [32 - BATCH_NORM_MIN_PASS, BATCH_NORM_MIN_PASS]);
  assert.deepEqual(
    bestSizes(32, [
      { fixed: 0, perImage: 1 / 16 },
      { fixed: 0, perImage: 1 },
    ]),
    [31, 1],
    'without the minimum',
  );
  assert.deepEqual(
    bestSizes(
      10,
      [
        { fixed: 0, perImage: 1 / 16 },
        { fixed: 0, perImage: 1 },
      ],
      BATCH_NORM_MIN_PASS,
    ),
    [5, 5],
    'a batch under twice the minimum: even',
  );
});

test('micro-batch - a network with BatchNorm never plans passes under the minimum; one without keeps its plan', () => {
  const bn = {
    imageSize: 16,
    channels: 3 as const,
    classes: 2,
    dropout: 0,
    arch: 'x',
    layers: { topology: {}, layers: [], params: [{ name: 'bn/moving_mean', shape: [4], fanIn: 1, size: 4, buffer: true }] },
  };
  assert.equal(planMicroBatch(2, 'cpu', bn, 'worker').train, BATCH_NORM_MIN_PASS);
  assert.match(planMicroBatch(2, 'cpu', bn, 'worker').reason, /BatchNorm's minimum pass/);
  assert.equal(planMicroBatch(2, 'cpu', { ...bn, layers: { ...bn.layers, params: [] } }, 'worker').train, 2);
});
