// The cluster against a real NATS server (a container via testcontainers, or the nats-server
// binary where no Docker engine runs): exact equivalence with single-process training, report
// format, images over NATS, and a worker dying mid-run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { watch } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { connect, type NatsConnection } from 'nats';
import { memoryIo } from '../common/console/io.js';
import { parseTrainOptions, type TrainOptions } from '../common/train/options.js';
import { runTrain } from '../trainer/run.js';
import { loadCheckpoint } from '../common/run/checkpoint.js';
import { encode, pb } from '../common/wire/messages.js';
import { subjects } from '../common/wire/subjects.js';
import { ChunkSource, pullTensor } from '../common/wire/chunks.js';
import { CODECS } from '../common/wire/codec.js';
import { checksum } from '../common/wire/flat.js';
import { planExchange } from '../common/wire/exchange-plan.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions, resolveExchange } from '../coordinator/options.js';
import { Worker } from '../worker/worker.js';
import { natsModeBanner, startNats, type StartedNats } from './helpers/nats-server.js';
import { shapesFixture, tinyShapes, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';
import { ClusterRuns, equivalenceTests, maxAbsDiff } from './helpers/cluster-runs.js';

let nats: StartedNats;
let tmp: TempDir;
let data: string;

before(async () => {
  // 25 per class at 16 px: 120 training images, ten global batches of 12.
  ({ tmp, data } = await shapesFixture(25, 16));
  nats = await startNats();
  console.log(natsModeBanner(nats.mode));
  runs = new ClusterRuns(nats.url, tmp.path, data, TEST_BACKEND);
  BASE = runs.base;
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

let runs: ClusterRuns;
let BASE: Partial<TrainOptions>;
const runCluster = (...args: Parameters<ClusterRuns['run']>) => runs.run(...args);
const singleRun = () => runs.single();

equivalenceTests('cluster', () => runs);

/** Two workers (a, b) on `exchange`; the hook closes b when it has fired `at` times. Checks every step landed once and the single-process weights. */
async function runKillingB(name: string, exchange: 'star' | 'sharded', hook: 'onWorkerStep' | 'onStepResults', at: number): Promise<string[]> {
  const job = `t${process.pid}-${name}`;
  const io = memoryIo();
  const out = join(tmp.path, name);
  let fired = 0;
  const c = await Coordinator.start(
    { train: parseTrainOptions({ ...BASE, data, out }), cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange }) },
    io,
    {
      [hook]: () => {
        if (++fired === at) void b.close('killed by test');
      },
    },
  );
  const a = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  const b = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  try {
    await c.run();
    assert.ok(
      io.errors.some((l) => /lost worker rank 1/.test(l)),
      io.errors.join('\n'),
    );
    assert.equal((await loadCheckpoint(out)).optimizer.step, 10, 'every step applied exactly once');
    assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5);
    return io.errors;
  } finally {
    await c.close();
    await a.close();
    await b.close();
  }
}

test('cluster - sharded exchange: a worker that dies mid-run costs its step a recomputation, not correctness', async () => {
  // After four shard results (two steps), worker b goes away without a goodbye.
  await runKillingB('sharded-die', 'sharded', 'onWorkerStep', 4);
});

test('cluster - sharded exchange: a worker whose connection dies mid-all-reduce (its parts pushed, its slice not reduced) loses no step', async () => {
  const job = `t${process.pid}-sharded-midway`;
  const io = memoryIo();
  const out = join(tmp.path, 'sharded-midway');
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ ...BASE, data, out }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange: 'sharded' }),
    },
    io,
  );
  // b's own connection, closed without a drain the moment b has pushed its parts of the third
  // exchange: no reply, no goodbye, its slice never reduced, as a process killed there.
  const ncB = await connect({ servers: nats.url });
  let pushes = 0;
  const a = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  const b = await Worker.start(
    { nats: nats.url, job, joinTimeoutMs: 30_000 },
    io,
    TEST_BACKEND,
    { onExchangePushed: () => void (++pushes === 3 && ncB.close()) },
    ncB,
  );
  try {
    await c.run();
    assert.equal(pushes, 3, 'b died in its third exchange');
    assert.ok(
      io.errors.some((l) => /lost worker rank 1/.test(l)),
      io.errors.join('\n'),
    );
    assert.ok(
      io.errors.some((l) => /sharded exchange of a step failed/.test(l)),
      io.errors.join('\n'),
    );
    assert.equal((await loadCheckpoint(out)).optimizer.step, 10, 'every step applied exactly once');
    assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5);
  } finally {
    await c.close();
    await a.close();
    await b.close();
  }
});

test('cluster - --exchange auto takes the star below 4 MB of gradient and the sharded exchange from there; other names are refused', () => {
  assert.equal(parseClusterOptions({}).exchange, 'auto');
  assert.equal(resolveExchange('auto', 426_310), 'star');
  assert.equal(resolveExchange('auto', 1_048_576), 'sharded');
  assert.equal(resolveExchange('auto', 16_154_950), 'sharded');
  assert.equal(resolveExchange('star', 16_154_950), 'star');
  assert.throws(() => parseClusterOptions({ exchange: 'ring' }), /--exchange must be one of auto, star, sharded, got "ring"/);
});

test('cluster - the report has the single-process fields plus workers and per-step timings', async () => {
  const ref = (await loadCheckpoint((await singleRun()).path)).meta;
  const out = join(tmp.path, 'report-run');
  const { report } = await runCluster(2, { out, maxStepsPerEpoch: 3 });
  const keys = [
    'config',
    'backend',
    'params',
    'classes',
    'dataset',
    'epochs',
    'testLoss',
    'testAccuracy',
    'fps',
    'confusion',
    'skippedImages',
    'startedAt',
    'finishedAt',
  ];
  for (const k of keys) assert.ok(k in report, k);
  assert.deepEqual(
    Object.keys(report.epochs[0]!).sort(),
    ['epoch', 'imagesPerSecond', 'seconds', 'trainAccuracy', 'trainLoss', 'valAccuracy', 'valLoss'].sort(),
  );
  assert.equal(report.workers, 2);
  assert.equal(report.steps!.length, 3);
  assert.ok(report.steps!.every((s) => s.computeSeconds > 0 && s.exchangeSeconds >= 0));
  assert.equal(report.classes.length, ref.classes.length);
  // Test coverage is exact: every test sample evaluated once.
  assert.equal(
    report.confusion.flat().reduce((a, b) => a + b, 0),
    report.dataset.test,
  );
});

test('cluster - the report carries the leak audit and the images the workers skipped, as one process reports them', async () => {
  const dirty = await tinyShapes(join(tmp.path, 'dirty'), 25, 16);
  // Three files that are not images any more, wherever the split put them.
  const files = (await readdir(dirty, { recursive: true })).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  for (const f of files.slice(0, 3)) await writeFile(join(dirty, f), 'not an image');
  const train = { data: dirty, audit: true };
  const single = await runTrain(parseTrainOptions({ ...BASE, ...train, out: join(tmp.path, 'dirty-single') }), memoryIo());
  const io = memoryIo();
  const { report } = await runCluster(2, { ...train, out: join(tmp.path, 'dirty-cluster') }, {}, io);
  assert.ok(single.skippedImages > 0, 'the single-process run skipped the broken files');
  assert.equal(report.skippedImages, single.skippedImages);
  assert.ok(report.audit, 'the audit is in the cluster report');
  assert.deepEqual(report.audit, single.audit);
  assert.ok(
    io.errors.some((l) => /^warning: workers skipped \d+ unreadable image/.test(l)),
    io.errors.join('\n'),
  );
});

test('cluster - images over NATS train the same weights as a shared path', async () => {
  const shared = join(tmp.path, 'mode-shared');
  const remote = join(tmp.path, 'mode-nats');
  // Equal shards: two runs compared bit for bit must cut alike, and weighted cuts follow timing.
  await runCluster(2, { out: shared, maxStepsPerEpoch: 3 }, { shards: 'equal' });
  // The workers' image caches go to a folder of this test's own, so other processes' caches do not count.
  const cacheRoot = join(tmp.path, 'image-caches');
  await mkdir(cacheRoot);
  // Seen while the run goes on: the caches are made there (so this checks the right folder). The
  // kernel reports each entry made (inotify), where sampling the folder on a timer could miss one.
  let seen = 0;
  const watcher = watch(cacheRoot, (_event, name) => {
    if (name?.startsWith('syncgrad-cache-')) seen++;
  });
  try {
    const { workers } = await runCluster(2, { out: remote, maxStepsPerEpoch: 3 }, { dataMode: 'nats', shards: 'equal' }, memoryIo(), { cacheRoot });
    // A worker told to shut down closes by itself, and a close() called while that one runs returns
    // at once: the caches are gone when each worker is done, not when the run's cleanup returns.
    await Promise.all(workers.map((w) => w.done));
  } finally {
    watcher.close();
  }
  assert.equal(await maxAbsDiff(shared, remote), 0);
  assert.ok(seen > 0, 'the workers cached images under cacheRoot');
  assert.deepEqual(await readdir(cacheRoot), [], 'workers removed their image caches');
});

test('cluster - a worker that dies mid-run loses its shard to the survivors and the weights stay exact', async () => {
  const job = `t${process.pid}-die`;
  const io = memoryIo();
  const out = join(tmp.path, 'die');
  const o = parseTrainOptions({ ...BASE, data, out });
  let workerSteps = 0;
  const c = await Coordinator.start({ train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000 }) }, io, {
    // After four shard results (two steps), worker b goes away without a goodbye to the coordinator.
    onWorkerStep: () => {
      if (++workerSteps === 4) void b.close('killed by test');
    },
  });
  const a = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  const b = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  try {
    const report = await c.run();
    assert.equal(report.epochs.length, 1);
    assert.ok(
      io.errors.some((l) => /lost worker rank 1/.test(l)),
      io.errors.join('\n'),
    );
    const ck = await loadCheckpoint(out);
    assert.equal(ck.optimizer.step, 10, 'every step applied exactly once');
    // Losing a worker changes who computes, not what: still the single-process result.
    assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5);
  } finally {
    await c.close();
    await a.close();
    await b.close();
  }
});

test('cluster - with dropout on, a shard recomputed by another worker keeps its masks: the step is bit-identical to the undisturbed one', async () => {
  // Three steps; worker b vanishes after step 2, so step 3's second shard is computed by a instead.
  const train = { dropout: true, maxStepsPerEpoch: 3 };
  const calm = join(tmp.path, 'moved-calm');
  // Equal shards in both runs: weighted cuts follow timing, and this compares two runs bit for bit.
  await runCluster(2, { ...train, out: calm }, { shards: 'equal' });
  const job = `t${process.pid}-moved`;
  const io = memoryIo();
  const out = join(tmp.path, 'moved');
  let shards = 0;
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ ...BASE, ...train, data, out }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, shards: 'equal' }),
    },
    io,
    {
      onWorkerStep: () => {
        if (++shards === 4) void b.close('killed by test');
      },
    },
  );
  const a = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  const b = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
  try {
    await c.run();
    assert.ok(
      io.errors.some((l) => /lost worker rank 1/.test(l)),
      io.errors.join('\n'),
    );
    assert.equal(shards, 6, 'step 3 still had two shards, both computed by rank 0');
    const [x, y] = await Promise.all([loadCheckpoint(calm), loadCheckpoint(out)]);
    assert.equal(y.optimizer.step, 3);
    x.weights.forEach((w, i) =>
      assert.ok(
        Buffer.from(w.buffer, w.byteOffset, w.byteLength).equals(Buffer.from(y.weights[i]!.buffer, y.weights[i]!.byteOffset, y.weights[i]!.byteLength)),
        `parameter ${i} bit-identical`,
      ),
    );
  } finally {
    await c.close();
    await a.close();
    await b.close();
  }
});

for (const exchange of ['star', 'sharded'] as const) {
  test(`cluster - ${exchange} exchange: a worker sending NaN gradients is rejected and evicted, and its shard is recomputed`, async () => {
    const job = `t${process.pid}-nan-${exchange}`;
    const io = memoryIo();
    const out = join(tmp.path, `nan-${exchange}`);
    const o = parseTrainOptions({ ...BASE, data, out });
    const c = await Coordinator.start({ train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange }) }, io);
    const good = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
    // A real protocol peer that joins properly but answers every step with NaN gradients.
    const nc = await connect({ servers: nats.url });
    try {
      const s = subjects(job);
      const joined = pb.JoinReply.decode((await nc.request(s.join, encode(pb.JoinRequest, { workerId: 'rogue', backend: 'rogue' }), { timeout: 5000 })).data);
      const spec = joined.job as pb.JobSpec;
      const nan = new Float32Array(spec.paramCount).fill(Number.NaN);
      let source: ChunkSource | undefined;
      nc.subscribe(s.step(joined.rank), {
        callback: (_e, m) => {
          const cmd = pb.StepCommand.decode(m.data);
          if (cmd.reduceRanks.length > 0) {
            // The sharded exchange: push NaN parts to the other owners, as a real rank pushes its own.
            const plan = planExchange(spec.paramCount, cmd.reduceRanks.length, Math.floor(spec.chunkBytes / 4));
            for (const ch of plan.chunks) {
              if (cmd.reduceRanks[ch.owner] === joined.rank) continue;
              const data = CODECS.fp32.encode(nan, ch.start, ch.end);
              nc.publish(
                s.rs(cmd.reduceRanks[ch.owner]!),
                encode(pb.TensorChunk, {
                  job,
                  version: cmd.exchange,
                  index: ch.index,
                  count: plan.chunks.length,
                  offset: ch.start,
                  total: spec.paramCount,
                  codec: pb.Codec.FP32,
                  data,
                  fromRank: joined.rank,
                  samples: cmd.indices.length,
                }),
              );
            }
          }
          source = new ChunkSource(job, cmd.step, nan, CODECS.fp32, spec.chunkBytes);
          m.respond(
            encode(pb.StepResult, {
              job,
              step: cmd.step,
              rank: joined.rank,
              loss: 1,
              count: cmd.indices.length,
              computeSeconds: 0.01,
              chunkCount: source.plan.count,
              total: nan.length,
              checksum: checksum(nan),
            }),
          );
        },
      });
      nc.subscribe(s.grad(joined.rank), { callback: (_e, m) => m.respond(source!.chunk(pb.ChunkRequest.decode(m.data).index)) });
      nc.subscribe(s.ping(joined.rank), { callback: (_e, m) => m.respond(encode(pb.Pong, { workerId: 'rogue' })) });
      await nc.flush();
      await nc.request(s.ready, encode(pb.ReadyRequest, { job, workerId: 'rogue', rank: joined.rank }), { timeout: 5000 });
      await c.run();
      assert.ok((c.rejects.get('non-finite') ?? 0) >= 1);
      // The sharded path: the slice owner found the NaN parts in its sum, before any Adam.
      if (exchange === 'sharded')
        assert.ok(
          io.errors.some((l) => /non-finite gradient from rank \d at element/.test(l)),
          io.errors.join('\n'),
        );
      assert.ok(
        io.errors.some((l) => /lost worker rank \d \(rogue\)/.test(l)),
        io.errors.join('\n'),
      );
      assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5, 'no NaN reached the master weights');
    } finally {
      await nc.drain();
      await c.close();
      await good.close();
    }
  });
}

for (const exchange of ['star', 'sharded'] as const) {
  test(`cluster - ${exchange} exchange: a NATS server restart mid-run costs time, not correctness`, async () => {
    const job = `t${process.pid}-restart-${exchange}`;
    const io = memoryIo();
    const out = join(tmp.path, `restart-${exchange}`);
    const o = parseTrainOptions({ ...BASE, data, out });
    let workerSteps = 0;
    let restarted: Promise<void> | undefined;
    const c = await Coordinator.start({ train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 60_000, exchange }) }, io, {
      onWorkerStep: () => {
        // Take the server down between step 3 and 4, with requests in flight.
        if (++workerSteps === 6) restarted = nats.restart();
      },
    });
    const ws = [
      await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND),
      await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND),
    ];
    try {
      await c.run();
      await restarted;
      assert.ok(restarted, 'the server was restarted during the run');
      const ck = await loadCheckpoint(out);
      assert.equal(ck.optimizer.step, 10, 'every step applied exactly once');
      assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5);
    } finally {
      await c.close();
      await Promise.all(ws.map((w) => w.close()));
    }
  });
}

test('cluster - malformed, unknown-job and stale messages are rejected and counted, weights untouched', async () => {
  const job = `t${process.pid}-bad`;
  const io = memoryIo();
  const out = join(tmp.path, 'bad');
  const o = parseTrainOptions({ ...BASE, data, out });
  const c = await Coordinator.start({ train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 1, workerWaitMs: 30_000 }) }, io);
  const nc = await connect({ servers: nats.url });
  let w: Worker | undefined;
  try {
    const s = subjects(job);
    const before = await masterWeights(nc, s.weights, job, c);
    await nc.request(s.weights, new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]), { timeout: 2000 });
    await nc.request(s.weights, encode(pb.ChunkRequest, { job: 'someone-else', version: 0, index: 0 }), { timeout: 2000 });
    await nc.request(s.weights, encode(pb.ChunkRequest, { job, version: 99, index: 0 }), { timeout: 2000 });
    await nc.request(s.join, new Uint8Array([0x0a, 0xff]), { timeout: 2000 });
    assert.equal(c.rejects.get('malformed'), 2);
    assert.equal(c.rejects.get('unknown-job'), 1);
    assert.equal(c.rejects.get('stale'), 1);
    // Every value of the master, not a prefix of one chunk.
    assert.equal(checksum(await masterWeights(nc, s.weights, job, c)), checksum(before));
    // And the run that follows trains from them to the single-process result.
    w = await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND);
    await c.run();
    assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5);
  } finally {
    await nc.drain();
    await c.close();
    await w?.close();
  }
});

test('cluster - sharded exchange: duplicated, replayed-late, malformed and foreign chunks on the all-reduce subjects are rejected and counted by the workers, weights exact', async () => {
  const job = `t${process.pid}-replay`;
  const io = memoryIo();
  const out = join(tmp.path, 'replay');
  const rejects = new Map<string, number>();
  const hooks = { onReject: (r: string) => rejects.set(r, (rejects.get(r) ?? 0) + 1) };
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ ...BASE, data, out }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange: 'sharded' }),
    },
    io,
  );
  const ws = [
    await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND, hooks),
    await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND, hooks),
  ];
  // A peer on the wire that sends every all-reduce message again at once, and each
  // reduce-scatter part once more during the next exchange. noEcho: it does not hear itself.
  const spy = await connect({ servers: nats.url, noEcho: true });
  try {
    const s = subjects(job);
    let late: { subject: string; data: Uint8Array; exchange: number }[] = [];
    for (const kind of ['rs', 'ag']) {
      spy.subscribe(`syncgrad.${job}.w.*.${kind}`, {
        callback: (_e, m) => {
          spy.publish(m.subject, m.data);
          if (kind !== 'rs') return;
          const exchange = pb.TensorChunk.decode(m.data).version;
          for (const x of late.filter((x) => x.exchange < exchange)) spy.publish(x.subject, x.data);
          late = [...late.filter((x) => x.exchange >= exchange), { subject: m.subject, data: m.data.slice(), exchange }];
        },
      });
    }
    spy.publish(s.rs(0), new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]));
    spy.publish(s.rs(0), encode(pb.TensorChunk, { job: 'someone-else', version: 1, index: 0, fromRank: 1 }));
    await spy.flush();
    await c.run();
    for (const reason of ['duplicate', 'stale', 'malformed', 'unknown-job'])
      assert.ok((rejects.get(reason) ?? 0) >= 1, `${reason}: ${JSON.stringify([...rejects])}`);
    assert.ok(!io.errors.some((l) => /sharded exchange of a step failed/.test(l)), io.errors.filter((l) => !/rejected message/.test(l)).join('\n'));
    assert.equal((await loadCheckpoint(out)).optimizer.step, 10);
    assert.ok((await maxAbsDiff((await singleRun()).path, out)) <= 1e-5);
  } finally {
    await spy.drain();
    await c.close();
    await Promise.all(ws.map((w) => w.close()));
  }
});

/** The coordinator's whole master weights vector, pulled like a replica pulls it. */
async function masterWeights(nc: Awaited<ReturnType<typeof connect>>, subject: string, job: string, c: Coordinator): Promise<Float32Array> {
  const m = pb.TensorChunk.decode((await nc.request(subject, encode(pb.ChunkRequest, { job, version: 0, index: 0 }), { timeout: 2000 })).data);
  return pullTensor({
    nc,
    subject,
    job,
    version: 0,
    rank: 0,
    total: m.total,
    codec: pb.Codec.FP32,
    chunkBytes: m.data.length || 1,
    onReject: (r, d) => assert.fail(`${r}: ${d} (${c.rejects.size})`),
  });
}

/**
 * A protocol peer on a connection of its own: joins `job`, then answers every command at once with a
 * zero gradient, reporting `secondsFor(images)` as the shard's compute time. The coordinator sizes
 * shards from the computeSeconds its workers report, so what the planner sees is chosen here, not
 * raced against a clock.
 */
async function timedPeer(job: string, workerId: string, secondsFor: (images: number) => number): Promise<NatsConnection> {
  const nc = await connect({ servers: nats.url });
  const s = subjects(job);
  const joined = pb.JoinReply.decode((await nc.request(s.join, encode(pb.JoinRequest, { workerId, backend: workerId }), { timeout: 5000 })).data);
  const spec = joined.job as pb.JobSpec;
  const zero = new Float32Array(spec.paramCount);
  let source: ChunkSource | undefined;
  nc.subscribe(s.step(joined.rank), {
    callback: (_e, m) => {
      const cmd = pb.StepCommand.decode(m.data);
      source = new ChunkSource(job, cmd.step, zero, CODECS.fp32, spec.chunkBytes);
      m.respond(
        encode(pb.StepResult, {
          job,
          step: cmd.step,
          rank: joined.rank,
          loss: 1,
          count: cmd.indices.length,
          computeSeconds: secondsFor(cmd.indices.length),
          chunkCount: source.plan.count,
          total: zero.length,
          checksum: checksum(zero),
        }),
      );
    },
  });
  nc.subscribe(s.eval(joined.rank), {
    callback: (_e, m) => {
      const cmd = pb.EvalCommand.decode(m.data);
      const n = cmd.indices.length;
      m.respond(encode(pb.EvalResult, { job, rank: joined.rank, count: n, lossSum: n, labels: new Array(n).fill(0), predictions: new Array(n).fill(0) }));
    },
  });
  nc.subscribe(s.grad(joined.rank), { callback: (_e, m) => m.respond(source!.chunk(pb.ChunkRequest.decode(m.data).index)) });
  nc.subscribe(s.ping(joined.rank), { callback: (_e, m) => m.respond(encode(pb.Pong, { workerId, rank: joined.rank })) });
  await nc.flush();
  await nc.request(s.ready, encode(pb.ReadyRequest, { job, workerId, rank: joined.rank }), { timeout: 5000 });
  return nc;
}

test('cluster - weighted shards: a worker too slow to be worth waiting for keeps one image a step, is reported once with its rate (log, metric, page) and is not dropped', async () => {
  const job = `t${process.pid}-slow`;
  const io = memoryIo();
  const out = join(tmp.path, 'slow');
  const c = await Coordinator.start(
    {
      train: parseTrainOptions({ ...BASE, data, out }),
      cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, exchange: 'star', metricsPort: 0 }),
    },
    io,
  );
  // Two protocol peers whose compute times are chosen (this test is about the cut, not the
  // weights): rank 0 takes 10 ms an image, rank 1 (a worker on a crawling machine) 0.4 s for any
  // shard, even one image. Nothing here waits on a clock, so the planner's inputs, and with them
  // every cut, are the same on any machine.
  const peers: NatsConnection[] = [];
  try {
    peers.push(await timedPeer(job, 'steady', (images) => 0.01 * images));
    peers.push(await timedPeer(job, 'crawler', () => 0.4));
    const report = await c.run();
    const cuts = report.steps!.map((x) => x.shards);
    // Both unmeasured for the warm-up step and the next; then the crawler's share falls to one image
    // and stays there, the last batch (what is left of the split's images) included.
    const last = report.dataset.train - 9 * 12;
    assert.deepEqual(cuts, [[6, 6], [6, 6], ...Array.from({ length: 7 }, () => [11, 1]), [last - 1, 1]]);
    const said = io.errors.filter((l) =>
      /worker rank 1 \(crawler\) is too slow to be worth waiting for: 2\.50 img\/s, so even its one image takes 0\.40 s where the other workers need 0\.12 s for the whole batch/.test(
        l,
      ),
    );
    assert.equal(said.length, 1, io.errors.join('\n'));
    assert.ok(!io.errors.some((l) => /lost worker rank 1/.test(l)), 'kept while it makes progress');
    assert.equal(report.totalSteps, 10);
    const exposition = await c.metrics!.exposition();
    assert.match(exposition, /^syncgrad_worker_slow\{worker="1",run="[^"]+"\} 1$/m);
    assert.match(exposition, /^syncgrad_worker_slow\{worker="0",run="[^"]+"\} 0$/m);
    assert.match(exposition, /^syncgrad_worker_images_per_second\{worker="1",run="[^"]+"\} 2\.5$/m, 'one image in 0.4 s');
    const rows = c.status!.toJSON().workers;
    assert.deepEqual(
      rows.map((w) => [w.rank, w.slow]),
      [
        [0, false],
        [1, true],
      ],
    );
    assert.equal(rows[1]!.shard, 1);
  } finally {
    await Promise.all(peers.map((nc) => nc.drain()));
    await c.close();
  }
});
