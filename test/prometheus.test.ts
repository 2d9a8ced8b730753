// The Grafana dashboard against a real Prometheus: Prometheus (Debian's package) scrapes the
// coordinator and both workers of a short real cluster run every second, labelled the way
// deploy/prometheus/prometheus.yml labels them, and every panel query of
// deploy/grafana/dashboards/syncgrad.json must return data for the run — what an empty panel in
// Grafana would otherwise tell someone only after a deployment. The exposition text itself must
// pass `promtool check metrics`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { freePort } from '../common/host.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'nats';
import { memoryIo } from '../common/console/io.js';
import { MetricsServer } from '../monitor/server.js';
import { WorkerMetrics } from '../monitor/metrics.js';
import { parseTrainOptions } from '../common/train/options.js';
import { subjects } from '../common/wire/subjects.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { Worker } from '../worker/worker.js';
import { startNats, type StartedNats } from './helpers/nats-server.js';
import { tempDir, tinyShapes, useBackend, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

const PROMETHEUS = process.env.SYNCGRAD_PROMETHEUS ?? '/usr/bin/prometheus';
const PROMTOOL = process.env.SYNCGRAD_PROMTOOL ?? 'promtool';
const DASHBOARD = fileURLToPath(new URL('../deploy/grafana/dashboards/syncgrad.json', import.meta.url));
/** What Grafana would put for $__rate_interval: well over 4 scrape intervals, and covers the whole run. */
const RATE_INTERVAL = '30s';
/** 30 images at 16 px, batch 8: about 3 steps an epoch, so 8 epochs are some 24 steps over several scrapes. */
const EPOCHS = 8;

interface Panel {
  title: string;
  targets?: { refId: string; expr: string }[];
  panels?: Panel[];
}
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface Series {
  metric: Record<string, string>;
  values: [number, string][];
}

const job = `p${process.pid}`;
let tmp: TempDir | undefined;
let nats: StartedNats | undefined;
let prometheus: ChildProcess | undefined;
let prometheusLog = '';
let api = '';
let coordinator: Coordinator | undefined;
let workers: Worker[] = [];
let workerServers: MetricsServer[] = [];
let trainingMs = 0;
/** syncgrad_step at the end of the run, as the coordinator has it. */
let finalStep = 0;

async function api1<T>(path: string, expr: string, time?: number): Promise<T> {
  const res = await fetch(`${api}/api/v1/${path}?query=${encodeURIComponent(expr)}${time === undefined ? '' : `&time=${time}`}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: T } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
  return body.data!.result;
}

/** An instant query (at `time`, Unix seconds, or now); the dashboard's expressions all give vectors. */
const query = (expr: string, time?: number) => api1<Sample[]>('query', expr, time);
/** Every raw sample of a range selector such as `x[5m]`. */
const rawSamples = (expr: string) => api1<Series[]>('query', expr);

/** Polls until `ok` holds, failing with what Prometheus logged if it never does. */
async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (prometheus?.exitCode !== null && prometheus?.exitCode !== undefined) throw new Error(`prometheus exited (${prometheus.exitCode}):\n${prometheusLog}`);
    if (await ok().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${prometheusLog.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  await useBackend(TEST_BACKEND);
  tmp = await tempDir();
  nats = await startNats();
  const data = await tinyShapes(join(tmp.path, 'shapes'), 5, 16);
  const io = memoryIo();
  coordinator = await Coordinator.start(
    {
      train: parseTrainOptions({
        data,
        out: join(tmp.path, 'run'),
        imageSize: 16,
        epochs: EPOCHS,
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
  // Each worker with its own /metrics, wired the way `syncgrad worker --metrics-port` wires it.
  const workerMetrics = [0, 1].map(() => new WorkerMetrics({ run: job, processMetrics: true }));
  workerServers = await Promise.all(workerMetrics.map((m) => MetricsServer.start(m.registry, 0, '127.0.0.1')));

  // Prometheus scraping every second from before the first step, with the role labels of
  // deploy/prometheus/prometheus.yml (the dashboard counts worker-exported samples only once).
  const port = await freePort();
  api = `http://127.0.0.1:${port}`;
  const config = join(tmp.path, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: syncgrad-coordinator',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${coordinator.metricsPort}']`,
      '        labels: {role: coordinator}',
      '  - job_name: syncgrad-workers',
      '    static_configs:',
      `      - targets: [${workerServers.map((s) => `'127.0.0.1:${s.port}'`).join(', ')}]`,
      '        labels: {role: worker}',
      '',
    ].join('\n'),
  );
  prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(tmp.path, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const spawned = new Promise<void>((resolve, reject) => {
    prometheus!.once('spawn', resolve);
    prometheus!.once('error', (e) => reject(new Error(`${PROMETHEUS} could not be started (apt-get install prometheus): ${e.message}`)));
  });
  for (const s of [prometheus.stdout!, prometheus.stderr!]) s.on('data', (b: Buffer) => (prometheusLog = (prometheusLog + b.toString()).slice(-20_000)));
  await spawned;
  await waitFor('Prometheus to be ready', async () => (await fetch(`${api}/-/ready`)).ok, 20_000);
  await waitFor('the first scrape of all three targets', async () => (await query('up == 1')).length === 3, 20_000);

  // One malformed message, so the rejected-messages series exists (as in test/cluster.test.ts).
  const nc = await connect({ servers: nats.url });
  try {
    await nc.request(subjects(job).weights, new Uint8Array([0xff, 0xff, 0xff, 0x0f, 0x01]), { timeout: 2000 });
  } finally {
    await nc.drain();
  }
  assert.equal(coordinator.rejects.get('malformed'), 1);

  workers = await Promise.all(
    workerMetrics.map((m) =>
      Worker.start({ nats: nats!.url, job, joinTimeoutMs: 30_000 }, io, TEST_BACKEND, {
        onReject: (reason) => m.rejected.inc({ reason }),
        onStep: (s) => {
          m.samples.inc({ worker: String(s.rank) }, s.count);
          m.computeDuration.observe({ worker: String(s.rank) }, s.computeSeconds);
        },
      }),
    ),
  );
  const t0 = Date.now();
  await coordinator.run();
  trainingMs = Date.now() - t0;
  // The metrics servers stay up until close(): wait until Prometheus has the end of the run, and
  // two samples of the last counters, so rate() over them is defined.
  finalStep = (await coordinator.metrics!.step.get()).values[0]!.value;
  await waitFor(
    'the final values to be scraped',
    async () =>
      (await query(`syncgrad_accuracy_ratio{run="${job}", split="test"}`)).length === 1 &&
      (await query(`syncgrad_inference_fps{run="${job}"}`)).length === 1 &&
      ((await rawSamples(`syncgrad_step{run="${job}"}[1m]`))[0]?.values.filter(([, v]) => Number(v) === finalStep).length ?? 0) >= 2,
    20_000,
  );
});

after(async () => {
  await coordinator?.close();
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(workerServers.map((s) => s.close()));
  if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
    const exited = new Promise<void>((r) => prometheus!.once('exit', () => r()));
    prometheus.kill('SIGTERM');
    const timer = setTimeout(() => prometheus!.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  await nats?.close();
  await tmp?.[Symbol.asyncDispose]();
});

test('prometheus - Prometheus scraped the run during training and after it', async (t) => {
  t.diagnostic(`training took ${trainingMs} ms`);
  const [series] = await rawSamples(`syncgrad_step{run="${job}"}[5m]`);
  assert.ok(series, 'syncgrad_step was scraped');
  const values = series.values.map(([, v]) => Number(v));
  const final = Math.max(...values);
  assert.ok(finalStep >= EPOCHS * 2, `${finalStep} steps`);
  assert.equal(final, finalStep, 'the last step was scraped');
  assert.ok(values.includes(0), `scraped before the first step: ${values.join(' ')}`);
  assert.ok(
    values.some((v) => v > 0 && v < final),
    `scraped mid-training: ${values.join(' ')}`,
  );
});

test('prometheus - the run variable lists the job from syncgrad_step', async () => {
  const res = await fetch(`${api}/api/v1/label/run/values?match[]=syncgrad_step`);
  const body = (await res.json()) as { status: string; data: string[] };
  assert.equal(body.status, 'success');
  assert.ok(body.data.includes(job), body.data.join(', '));
});

test('prometheus - every dashboard panel query returns data for a real run', async () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  const panels = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...panels(p.panels ?? [])]);
  const empty: string[] = [];
  let count = 0;
  for (const p of panels(dashboard.panels)) {
    for (const t of p.targets ?? []) {
      const expr = t.expr.replaceAll('$run', job).replaceAll('$__rate_interval', RATE_INTERVAL);
      const result = await query(expr);
      count++;
      // histogram_quantile over a window with no observations is NaN: that is an empty panel too.
      if (!result.some((s) => Number.isFinite(Number(s.value[1])))) empty.push(`${p.title} ${t.refId}: ${expr} → ${JSON.stringify(result)}`);
    }
  }
  assert.ok(count >= 20, `${count} queries`);
  assert.deepEqual(empty, [], `panels without data:\n${empty.join('\n')}`);
});

test('prometheus - per-worker throughput shows both workers, counted once', async () => {
  const rate = `rate(syncgrad_samples_processed_total{run="${job}"}[${RATE_INTERVAL}])`;
  // Both the coordinator and each worker export the samples counter: one worker label each.
  const byRole = await query(`sum by (role, worker) (${rate})`);
  assert.deepEqual(byRole.map((s) => `${s.metric.role}/${s.metric.worker}`).sort(), ['coordinator/0', 'coordinator/1', 'worker/0', 'worker/1']);
  // The dashboard's total (role!="worker") equals the coordinator's own count, not twice it.
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  const total = dashboard.panels.flatMap((p) => p.targets ?? []).find((t) => /^sum\(rate\(syncgrad_samples_processed_total/.test(t.expr));
  assert.ok(total, 'a total-throughput query');
  const at = Date.now() / 1000;
  const [dash] = await query(total.expr.replaceAll('$run', job).replaceAll('$__rate_interval', RATE_INTERVAL), at);
  const [coord] = await query(`sum(rate(syncgrad_samples_processed_total{run="${job}", role="coordinator"}[${RATE_INTERVAL}]))`, at);
  const [all] = await query(`sum(${rate})`, at);
  assert.ok(Number(dash!.value[1]) > 0);
  assert.equal(Number(dash!.value[1]), Number(coord!.value[1]));
  assert.ok(Number(all!.value[1]) > 1.5 * Number(dash!.value[1]), 'without the role filter it would count twice');
  const [rejected] = await query(`syncgrad_rejected_messages_total{run="${job}", reason="malformed"}`);
  assert.equal(rejected?.value[1], '1');
});

test("prometheus - promtool check metrics accepts the coordinator's and a worker's exposition", async () => {
  for (const [who, port] of [
    ['coordinator', coordinator!.metricsPort],
    ['worker', workerServers[0]!.port],
  ] as const) {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^syncgrad_/m, who);
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 30_000 });
    const error: NodeJS.ErrnoException | undefined = r.error;
    if (error?.code === 'ENOENT') assert.fail(`${PROMTOOL} is required (apt-get install prometheus)`);
    assert.equal(r.status, 0, `${who}: promtool check metrics:\n${r.stdout}${r.stderr}`);
  }
});
