// The live page in a real browser: Debian's chromium driven by playwright-core opens the
// coordinator's HTTP port during a short cluster run; the charts hold data points, the worker
// table shows each worker's share and rate, and /status.json carries the documented fields. The screenshot is the README's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { which } from '../common/host.js';
import { memoryIo } from '../common/console/io.js';
import type { StatusJson } from '../monitor/status.js';
import { parseTrainOptions } from '../common/train/options.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { Worker } from '../worker/worker.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { shapesFixture, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

/** The part of the DOM the page callbacks below touch (the project compiles without the DOM lib). */
interface DomElement {
  textContent: string | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}

let tmp: TempDir;
let data: string;
let nats: StartedNats;

before(async () => {
  ({ tmp, data } = await shapesFixture(20, 16));
  nats = await startNats();
});
after(async () => {
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

/** Debian's chromium (playwright's own browser downloads are not reachable here); in CI its absence fails, elsewhere the test skips. */
function browserOrSkip(t: { skip(message: string): void }): string | undefined {
  const path = which('chromium') ?? which('chromium-browser');
  if (!path) {
    if (process.env.CI === 'true') assert.fail("the browser tests need Debian's chromium in CI (apt-get install chromium)");
    t.skip('chromium not installed (apt-get install chromium)');
  }
  return path;
}

test('live page - a browser shows live curves and the worker table during a cluster run, from /status.json', async (t) => {
  const executablePath = browserOrSkip(t);
  if (!executablePath) return;
  const job = `live${process.pid}`;
  const io = memoryIo();
  const o = parseTrainOptions({
    data,
    out: join(tmp.path, 'live'),
    imageSize: 16,
    epochs: 4,
    batchSize: 4,
    lr: 1e-3,
    audit: false,
    progress: 'none',
    backend: TEST_BACKEND,
    fpsBatches: 1,
  });
  const c = await Coordinator.start(
    { train: o, cluster: parseClusterOptions({ nats: nats.url, job, minWorkers: 2, workerWaitMs: 30_000, metricsPort: 0 }) },
    io,
  );
  const workers = [
    await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND),
    await Worker.start({ nats: nats.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND),
  ];
  const base = `http://127.0.0.1:${c.metricsPort}`;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-proxy-server'] });
  try {
    const running = c.run();
    const status = async () => (await (await fetch(`${base}/status.json`)).json()) as StatusJson;
    // Live: past two epochs (so the accuracy chart has a line) and still training.
    for (let i = 0; i < 900 && (await status()).history.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    const s = await status();
    assert.equal(s.finished, false, 'the page is read while the run is live');
    for (const k of ['job', 'epoch', 'step', 'stepsPerEpoch', 'loss', 'workers', 'history'] as const) assert.ok(k in s, `status.json has ${k}`);
    assert.equal(s.job, job);
    assert.ok(s.step > 0 && s.stepsPerEpoch > 0 && typeof s.loss === 'number');
    assert.deepEqual(
      s.workers.map((w) => w.rank),
      [0, 1],
    );
    for (const w of s.workers) assert.ok(w.host && w.backend === TEST_BACKEND && w.imagesPerSecond > 0, JSON.stringify(w));
    // Each worker's share of the batch (weighted shards) and the rate it was sized by, measured after its warm-up step.
    for (const w of s.workers) assert.ok(w.shard >= 1 && w.share > 0 && w.share < 1 && w.rate !== null && w.rate > 0 && w.slow === false, JSON.stringify(w));
    assert.ok(Math.abs(s.workers.reduce((a, w) => a + w.share, 0) - 1) < 1e-9, 'the shares cover the batch');
    assert.ok(s.history[0]!.trainLoss > 0 && s.history[0]!.valAccuracy >= 0);

    const page = await browser.newPage({ viewport: { width: 1300, height: 760 } });
    const blocked: string[] = [];
    // Nothing but this server: a CDN request would fail offline.
    page.on('request', (r) => {
      if (!r.url().startsWith(base)) blocked.push(r.url());
    });
    await page.goto(`${base}/`);
    // Browser-side code as text: the test is compiled without the DOM's types.
    await page.waitForFunction(
      'window.syncgradCharts && window.syncgradCharts.loss.data[0].length > 2 && window.syncgradCharts.acc.data[0].length >= 2 && document.querySelectorAll("#workers tbody tr").length === 2',
      undefined,
      { timeout: 30_000 },
    );
    const points = await page.evaluate<Record<string, number[]>>(
      'Object.fromEntries(Object.entries(window.syncgradCharts).map(([k, v]) => [k, v.data.slice(1).map((series) => series.filter((x) => x !== null && Number.isFinite(x)).length)]))',
    );
    assert.ok(points.loss![0]! > 2, `loss points: ${JSON.stringify(points)}`);
    assert.ok(points.ips![0]! > 2 && points.exchange![0]! > 2, JSON.stringify(points));
    assert.ok(points.acc![0]! >= 1 && points.acc![1]! >= 1, JSON.stringify(points));
    assert.match((await page.textContent('#summary')) ?? '', /^epoch \d+\/4, step \d+/);
    // The worker table shows each one's share and estimated rate.
    const headers = (await page.$$eval('#workers thead th', (ths: DomElement[]) => ths.map((th) => th.textContent))) as string[];
    assert.deepEqual(headers.slice(3, 6), ['share', 'shard', 'est. img/s']);
    const rows = (await page.$$eval('#workers tbody tr', (trs: DomElement[]) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    )) as string[][];
    for (const row of rows) {
      assert.match(row[3]!, /^\d+\.\d%$/, `share cell: ${JSON.stringify(row)}`);
      assert.match(row[4]!, /^[1-9]\d*$/, `shard cell: ${JSON.stringify(row)}`);
      assert.match(row[5]!, /^\d+\.\d$/, `rate cell: ${JSON.stringify(row)}`);
    }
    assert.deepEqual(blocked, []);
    const shot = join(tmp.path, 'live.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.SYNCGRAD_SCREENSHOT_OUT) await copyFile(shot, process.env.SYNCGRAD_SCREENSHOT_OUT);
    await running;
    assert.equal((await status()).finished, true);
  } finally {
    await browser.close();
    await c.close();
    await Promise.all(workers.map((w) => w.close()));
  }
});

test("export - the tfjs export loads in a browser with the README's tf.loadLayersModel line and gives our logits", async (t) => {
  const executablePath = browserOrSkip(t);
  if (!executablePath) return;
  const { saveCheckpoint, loadCheckpoint } = await import('../common/run/checkpoint.js');
  const { Cnn, initialWeights } = await import('../common/model/cnn.js');
  const { cli } = await import('./helpers/fixtures.js');
  const config = { imageSize: 24, channels: 3 as const, classes: 6, dropout: 0.2 };
  const run = join(tmp.path, 'browser-run');
  await saveCheckpoint(run, {
    meta: {
      model: config,
      classes: ['a', 'b', 'c', 'd', 'e', 'f'],
      epoch: 1,
      step: 0,
      learningRate: 1e-5,
      seed: 1,
      rng: [1, 2, 3, 4],
      config: {},
      createdAt: new Date().toISOString(),
    },
    weights: initialWeights(config, 5).map((w) => w.map((v) => v * 3)),
    optimizer: { step: 0, m: [], v: [] },
  });
  const dir = join(tmp.path, 'browser-model');
  const r = await cli('export', '--model', run, '--format', 'tfjs', '--out', dir);
  assert.equal(r.code, 0, r.err.join('\n'));
  // A static server, as a user would put the directory behind one: the page, tfjs's browser build from node_modules, the model.
  const { createServer } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const { createRequire } = await import('node:module');
  const tfjs = createRequire(import.meta.url).resolve('@tensorflow/tfjs/dist/tf.min.js');
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = path === '/tf.min.js' ? tfjs : path.startsWith('/model/') ? join(dir, path.slice('/model/'.length)) : undefined;
    if (path === '/') return void res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><script src="/tf.min.js"></script>');
    if (!file) return void res.writeHead(404).end();
    readFile(file).then(
      (b) => res.writeHead(200).end(b),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-proxy-server'] });
  const model = Cnn.fromWeights(config, (await loadCheckpoint(run)).weights);
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const x = Array.from({ length: 2 * 24 * 24 * 3 }, (_, i) => Math.sin(i * 0.37));
    // The README's line, then one prediction (the cpu backend: no GPU in this browser).
    const theirs = await page.evaluate<number[][]>(
      `(async (x) => { await tf.setBackend('cpu'); const model = await tf.loadLayersModel('/model/model.json'); return model.predict(tf.tensor4d(x, [2, 24, 24, 3])).arraySync(); })(${JSON.stringify(x)})`,
    );
    const tf = await import('@tensorflow/tfjs-core');
    const ours = tf.tidy(() => model.forward(tf.tensor4d(x, [2, 24, 24, 3]), { training: false }).arraySync());
    const d = Math.max(...ours.flatMap((row, i) => row.map((v, j) => Math.abs(v - theirs[i]![j]!))));
    assert.ok(d <= 1e-4, `max |Δlogit| browser vs ours = ${d}`);
    assert.ok(Math.max(...ours.flat().map(Math.abs)) > 0.1, 'logits are not all near zero');
  } finally {
    model.dispose();
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('live page - train --metrics-port serves the page and a live /status.json for one process', async () => {
  const { runTrain } = await import('../trainer/run.js');
  const seen: StatusJson[] = [];
  let page = '';
  let port = 0;
  let polling: Promise<void> | undefined;
  const report = await runTrain(
    parseTrainOptions({
      data,
      out: join(tmp.path, 'train-live'),
      imageSize: 16,
      epochs: 2,
      batchSize: 4,
      lr: 1e-3,
      audit: false,
      progress: 'none',
      backend: TEST_BACKEND,
      fpsBatches: 1,
    }),
    memoryIo(),
    {
      metricsPort: 0,
      onMetricsPort: (p) => {
        port = p;
        polling = (async () => {
          page = await (await fetch(`http://127.0.0.1:${p}/`)).text();
          // Until the server closes with the run.
          for (;;) {
            try {
              seen.push((await (await fetch(`http://127.0.0.1:${p}/status.json`)).json()) as StatusJson);
            } catch {
              return;
            }
            await new Promise((r) => setTimeout(r, 50));
          }
        })();
      },
    },
  );
  await polling;
  assert.ok(port > 0);
  assert.match(page, /<script src="\/assets\/uPlot\.iife\.min\.js"><\/script>/);
  const live = seen.filter((s) => !s.finished && s.step > 0);
  assert.ok(live.length > 0, `status while training (${seen.length} reads)`);
  assert.equal(live[0]!.kind, 'train');
  assert.equal(live[0]!.stepsPerEpoch, Math.ceil(report.dataset.train / 4));
  const last = seen[seen.length - 1]!;
  assert.ok(last.history.length >= 1 && last.history.length <= 2);
  assert.deepEqual(last.workers, [], 'one process, no workers');
});
