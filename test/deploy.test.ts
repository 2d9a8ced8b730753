// The deployment files under deploy/: the compose file passes `docker-compose config` (Debian's 1.29),
// every Kubernetes manifest validates against the API schemas (kubernetes-models), both Prometheus
// configurations pass `promtool check config`, and the Grafana dashboard is wired to the provisioned
// datasource and only asks for series the exporter has (common/metrics/training.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { PROVIDED_MAX_PAYLOAD, PROVIDED_MAX_PENDING, providedNatsConfig } from '../launcher/nats-provider.js';
import { which } from '../common/host.js';
import { DEFAULT_WINDOW } from '../common/wire/chunks.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const deploy = join(root, 'deploy');
const COMPOSE = join(deploy, 'docker-compose.yml');
const PROMETHEUS = join(deploy, 'prometheus/prometheus.yml');
const DASHBOARD = join(deploy, 'grafana/dashboards/syncgrad.json');
const DATASOURCE = join(deploy, 'grafana/provisioning/datasources/prometheus.yaml');
const PROVIDER = join(deploy, 'grafana/provisioning/dashboards/syncgrad.yaml');
const K8S = join(deploy, 'k8s');

/** What the coordinator and workers export (common/metrics/training.ts), by type. */
const GAUGES = [
  'syncgrad_loss',
  'syncgrad_step_loss',
  'syncgrad_accuracy_ratio',
  'syncgrad_images_per_second',
  'syncgrad_inference_fps',
  'syncgrad_workers_connected',
  'syncgrad_epoch',
  'syncgrad_step',
  'syncgrad_worker_batch_share_ratio',
  'syncgrad_worker_images_per_second',
  'syncgrad_worker_slow',
];
const COUNTERS = ['syncgrad_samples_processed_total', 'syncgrad_exchange_bytes_total', 'syncgrad_rejected_messages_total', 'syncgrad_exchange_repairs_total'];
const HISTOGRAMS = [
  'syncgrad_step_duration_seconds',
  'syncgrad_exchange_duration_seconds',
  'syncgrad_checkpoint_duration_seconds',
  'syncgrad_compute_duration_seconds',
];
const EXPORTED = new Set([...GAUGES, ...COUNTERS, ...HISTOGRAMS.flatMap((h) => ['_bucket', '_sum', '_count'].map((s) => h + s))]);

/** PromQL words that are not metric names. */
const PROMQL_WORDS = new Set([
  ...['sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group'],
  ...['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan'],
  ...['rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'histogram_quantile', 'abs', 'clamp_min', 'clamp_max', 'round', 'vector', 'scalar', 'time'],
  ...['avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'last_over_time', 'label_replace', 'absent', 'changes', 'resets'],
]);

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  schemaVersion: number;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; definition?: string; query?: unknown; datasource?: { uid?: string } }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const allPanels = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

/** Metric names an expression selects: what is left once labels, ranges, strings, grouping and functions are removed. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w.toLowerCase()));
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; out: string; missing: boolean } {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 60_000, env });
  const error: NodeJS.ErrnoException | undefined = r.error;
  const missing = error?.code === 'ENOENT';
  if (r.error && !missing) throw r.error;
  return { status: r.status, stdout: r.stdout ?? '', out: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing };
}

/** The environment without the compose file's own variables, so its defaults are what is checked. */
function composeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SYNCGRAD_') && k !== 'GRAFANA_ADMIN_PASSWORD'));
}

function promtoolCheckConfig(file: string): { status: number | null; out: string } {
  const r = run('promtool', ['check', 'config', file]);
  if (r.missing) throw new Error('promtool is required (apt-get install prometheus)');
  return r;
}

test('deploy - docker-compose config accepts the compose file, with and without the cpu profile', (t) => {
  const r = run('docker-compose', ['-f', COMPOSE, 'config'], composeEnv());
  if (r.missing) {
    if (process.env.CI === 'true') assert.fail('docker-compose is required in CI (apt-get install docker-compose)');
    t.skip('docker-compose not installed (apt-get install docker-compose); compose file not validated');
    return;
  }
  assert.equal(r.status, 0, r.out);
  const cfg = parse(r.stdout) as { services: Record<string, Record<string, unknown>> };
  assert.deepEqual(Object.keys(cfg.services).sort(), ['coordinator', 'grafana', 'nats', 'nats-2', 'nats-3', 'prometheus', 'worker-cpu', 'worker-gpu']);
  const coordinator = cfg.services.coordinator!.command as string[];
  assert.equal(coordinator[0], 'coordinator');
  assert.equal(coordinator[coordinator.indexOf('--metrics-port') + 1], '9464');
  assert.ok(coordinator.includes('--resume'), 'a restarted coordinator resumes');
  assert.equal(cfg.services.coordinator!.restart, 'on-failure:3');
  // A 3-server NATS cluster: every server routes to the other two, and every syncgrad process lists all three.
  const servers = ['nats', 'nats-2', 'nats-3'];
  const urls = servers.map((n) => `nats://${n}:4222`).join(',');
  assert.equal(coordinator[coordinator.indexOf('--nats') + 1], urls);
  for (const w of ['worker-gpu', 'worker-cpu']) {
    const cmd = cfg.services[w]!.command as string[];
    assert.equal(cmd[cmd.indexOf('--nats') + 1], urls, w);
  }
  for (const n of servers) {
    const cmd = cfg.services[n]!.command as string[];
    assert.ok(cmd.includes('-js'), `${n}: JetStream`);
    assert.equal(cmd[cmd.indexOf('--cluster_name') + 1], 'syncgrad', `${n}: cluster name`);
    const routes = cmd[cmd.indexOf('--routes') + 1]!.split(',');
    assert.deepEqual(
      routes.sort(),
      servers
        .filter((x) => x !== n)
        .map((x) => `nats-route://${x}:6222`)
        .sort(),
      `${n}: routes to the others`,
    );
    assert.equal(cmd[cmd.indexOf('-c') + 1], '/etc/nats/syncgrad.conf', `${n}: loads the chunk-size config`);
    assert.ok(
      (cfg.services[n]!.volumes as string[]).some((v) => v.endsWith('nats/nats.conf:/etc/nats/syncgrad.conf:ro')),
      `${n}: mounts deploy/nats/nats.conf`,
    );
  }
  const gpu = cfg.services['worker-gpu'] as {
    deploy: { resources: { reservations: { devices: { driver: string; count: number; capabilities: string[] }[] } } };
    build: { dockerfile: string };
  };
  assert.deepEqual(gpu.deploy.resources.reservations.devices, [{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
  assert.equal(gpu.build.dockerfile, 'deploy/docker/Dockerfile.gpu');
  assert.deepEqual(cfg.services['worker-cpu']!.profiles, ['cpu']);
  const grafana = (cfg.services.grafana!.environment ?? {}) as Record<string, string>;
  assert.equal(grafana.GF_AUTH_ANONYMOUS_ENABLED, 'true');
  assert.equal(grafana.GF_AUTH_ANONYMOUS_ORG_ROLE, 'Viewer');
  const withCpu = run('docker-compose', ['-f', COMPOSE, '--profile', 'cpu', 'config', '-q'], composeEnv());
  assert.equal(withCpu.status, 0, withCpu.out);

  // Every file and folder the services bind-mount from the repository exists (compose does not
  // check); the dataset is the user's to provide.
  for (const [name, svc] of Object.entries(cfg.services)) {
    for (const v of (svc.volumes ?? []) as string[]) {
      const source = v.split(':')[0]!;
      if (!source.startsWith('/') || source.startsWith(join(root, 'data'))) continue;
      assert.ok(existsSync(source), `${name}: bind mount ${source} does not exist`);
    }
    const build = svc.build as { context: string; dockerfile: string } | undefined;
    if (build) assert.ok(existsSync(join(build.context, build.dockerfile)), `${name}: ${build.dockerfile}`);
  }

  // And the validator bites: a misspelt key is an error.
  const dir = mkdtempSync(join(tmpdir(), 'syncgrad-compose-'));
  try {
    const bad = join(dir, 'docker-compose.yml');
    writeFileSync(bad, 'version: "3.8"\nservices:\n  nats:\n    image: nats\n    comand: ["-js"]\n');
    const b = run('docker-compose', ['-f', bad, 'config', '-q'], composeEnv());
    assert.notEqual(b.status, 0, b.out);
    assert.match(b.out, /comand/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deploy - the per-machine compose file: one command per machine starts a NATS server routed to the others, and its workers on that server', () => {
  const HOST = join(deploy, 'docker-compose.host.yml');
  const routes = 'nats-route://hostA:6222,nats-route://hostB:6222,nats-route://hostC:6222';
  const missing = run('docker-compose', ['-f', HOST, 'config', '-q'], composeEnv());
  if (missing.missing) {
    if (process.env.CI === 'true') assert.fail('docker-compose is required in CI (apt-get install docker-compose)');
    return;
  }
  // Without the route list it refuses, naming the variable.
  assert.notEqual(missing.status, 0);
  assert.match(missing.out, /SYNCGRAD_ROUTES/);
  const r = run('docker-compose', ['-f', HOST, '--profile', 'coordinator', '--profile', 'cpu', 'config'], { ...composeEnv(), SYNCGRAD_ROUTES: routes });
  assert.equal(r.status, 0, r.out);
  const cfg = parse(r.stdout) as { services: Record<string, { command: string[]; network_mode?: string; profiles?: string[] }> };
  assert.deepEqual(Object.keys(cfg.services).sort(), ['coordinator', 'nats', 'worker-cpu', 'worker-gpu']);
  const nats = cfg.services.nats!.command;
  assert.equal(nats[nats.indexOf('--routes') + 1], routes, 'the same list on every machine');
  assert.equal(nats[nats.indexOf('--cluster_name') + 1], 'syncgrad');
  for (const [name, svc] of Object.entries(cfg.services)) {
    assert.equal(svc.network_mode, 'host', `${name}: the machine's own addresses`);
    if (name !== 'nats') assert.equal(svc.command[svc.command.indexOf('--nats') + 1], 'nats://127.0.0.1:4222', `${name}: this machine's server`);
  }
  assert.deepEqual(cfg.services.coordinator!.profiles, ['coordinator'], 'the coordinator only where asked');
});

test('deploy - the Dockerfiles: base images, GPU settings, and sources that the build context holds', () => {
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const p of ['node_modules', 'runs', 'data', '.scratch']) assert.ok(ignore.includes(p), `.dockerignore lacks ${p}`);

  const files = { cpu: join(deploy, 'docker/Dockerfile.cpu'), gpu: join(deploy, 'docker/Dockerfile.gpu') };
  const text = Object.fromEntries(Object.entries(files).map(([k, f]) => [k, readFileSync(f, 'utf8')])) as Record<keyof typeof files, string>;
  assert.match(text.cpu, /^FROM node:20-bookworm-slim$/m);
  assert.match(text.gpu, /^FROM node:20-bookworm-slim$/m);
  // Native TensorFlow from the wheels, through syncgrad's own set-up: the CPU build, or the CUDA 12 one.
  assert.match(text.cpu, /node bin\/syncgrad\.mjs setup \\$/m);
  assert.match(text.gpu, /node bin\/syncgrad\.mjs setup --gpu \\$/m);
  for (const t of [text.cpu, text.gpu]) {
    assert.match(t, /python3-pip/);
    assert.match(t, /^ENV SYNCGRAD_CACHE_DIR=\/opt\/syncgrad-cache$/m);
    assert.doesNotMatch(t, /tfjs-node-gpu|cuda:11/);
  }
  assert.match(text.gpu, /^ENV TF_FORCE_GPU_ALLOW_GROWTH=true$/m);
  assert.match(text.gpu, /^ENV CUDA_CACHE_PATH=\/cache\/cuda$/m);
  assert.match(text.gpu, /^ENV CUDA_CACHE_MAXSIZE=4294967296$/m);
  assert.match(text.gpu, /^VOLUME \[.*"\/cache\/cuda".*\]$/m);
  for (const [kind, t] of Object.entries(text)) {
    let copies = 0;
    assert.match(t, /^ENTRYPOINT \["node", "bin\/syncgrad\.mjs"\]$/m, kind);
    assert.match(t, /^RUN npm ci\b/m, kind);
    for (const m of t.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)) {
      for (const src of m[1]!.trim().split(/\s+/)) {
        assert.ok(existsSync(join(root, src)), `${kind}: COPY ${src} does not exist`);
        assert.ok(!ignore.includes(src), `${kind}: COPY ${src} is excluded by .dockerignore`);
        copies++;
      }
    }
    assert.ok(copies >= 7, `${kind}: ${copies} COPY sources`);
  }
});

test('deploy - every Kubernetes manifest validates against the API schema', () => {
  const classes: Record<string, { new (data: never): { validate(): void } }> = {
    'v1/PersistentVolumeClaim': PersistentVolumeClaim,
    'v1/Service': Service,
    'v1/ConfigMap': ConfigMap,
    'batch/v1/Job': Job,
    'apps/v1/Deployment': Deployment,
    'apps/v1/DaemonSet': DaemonSet,
  };
  const seen: Record<string, Record<string, unknown>> = {};
  const files = readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.length >= 4, files.join(', '));
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(join(K8S, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], file);
      const m = doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string } } | null;
      if (m === null) continue;
      const Cls = classes[`${m.apiVersion}/${m.kind}`];
      assert.ok(Cls, `${file}: no validator for ${m.apiVersion} ${m.kind}`);
      assert.doesNotThrow(() => new Cls(m as never).validate(), `${file}: ${m.kind} ${m.metadata?.name}`);
      seen[`${m.kind}/${m.metadata.name}`] = m;
    }
  }
  assert.deepEqual(Object.keys(seen).sort(), [
    'ConfigMap/syncgrad-nats',
    'ConfigMap/syncgrad-prometheus',
    'DaemonSet/syncgrad-nats',
    'Deployment/syncgrad-worker',
    'Job/syncgrad-coordinator',
    'PersistentVolumeClaim/syncgrad-data',
    'PersistentVolumeClaim/syncgrad-runs',
    'Service/nats',
    'Service/nats-routes',
    'Service/syncgrad-coordinator',
  ]);
  // The validator bites: a wrong type is an error.
  const broken = structuredClone(seen['Deployment/syncgrad-worker']!) as { spec: { replicas: unknown } };
  broken.spec.replicas = 'four';
  assert.throws(() => new Deployment(broken as never).validate(), /replicas/);

  type PodSpec = {
    containers: { args: string[]; resources: { limits: Record<string, unknown> } }[];
    volumes: { persistentVolumeClaim?: { claimName: string } }[];
  };
  const job = seen['Job/syncgrad-coordinator'] as { spec: { template: { spec: PodSpec } } };
  const workers = seen['Deployment/syncgrad-worker'] as { spec: { template: { metadata: { annotations: Record<string, string> }; spec: PodSpec } } };
  const service = seen['Service/syncgrad-coordinator'] as { metadata: { annotations: Record<string, string> }; spec: { ports: { port: number }[] } };
  const args = job.spec.template.spec.containers[0]!.args;
  assert.equal(args[args.indexOf('--metrics-port') + 1], '9464');
  // Restarted in place by Kubernetes, it resumes from the runs PVC.
  const jobSpec = job.spec as unknown as { backoffLimit: number; template: { spec: { restartPolicy: string } } };
  assert.ok(args.includes('--resume'), 'the coordinator resumes');
  assert.equal(jobSpec.template.spec.restartPolicy, 'OnFailure');
  assert.ok(jobSpec.backoffLimit >= 1);
  assert.ok(args[args.indexOf('--out') + 1]!.startsWith('/runs/'), 'checkpoints on the runs volume');
  assert.equal(service.spec.ports[0]!.port, 9464);
  assert.equal(service.metadata.annotations['prometheus.io/scrape'], 'true');
  assert.equal(service.metadata.annotations['prometheus.io/port'], '9464');
  assert.equal(workers.spec.template.spec.containers[0]!.resources.limits['nvidia.com/gpu'], 1);
  const wargs = workers.spec.template.spec.containers[0]!.args;
  assert.equal(workers.spec.template.metadata.annotations['prometheus.io/port'], wargs[wargs.indexOf('--metrics-port') + 1]);
  assert.equal(wargs[wargs.indexOf('--job') + 1], args[args.indexOf('--job') + 1], "workers join the coordinator's job");
  for (const spec of [job.spec.template.spec, workers.spec.template.spec]) {
    for (const v of spec.volumes)
      if (v.persistentVolumeClaim) assert.ok(seen[`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`], v.persistentVolumeClaim.claimName);
  }
});

/** The Kubernetes NATS layout: its documents by kind/name. */
function k8sNats(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const doc of parseAllDocuments(readFileSync(join(K8S, 'nats.yaml'), 'utf8'))) {
    const m = doc.toJS() as { kind: string; metadata: { name: string } };
    out[`${m.kind}/${m.metadata.name}`] = m;
  }
  return out;
}

test("deploy - Kubernetes runs a NATS server on every worker node, routed into one cluster, and each worker uses its own node's", () => {
  const n = k8sNats();
  type Pod = {
    tolerations?: unknown[];
    containers: {
      ports: { name: string; containerPort: number; hostPort?: number }[];
      args?: string[];
      env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
    }[];
  };
  const ds = n['DaemonSet/syncgrad-nats'] as { spec: { template: { spec: Pod } } };
  const client = ds.spec.template.spec.containers[0]!.ports.find((p) => p.name === 'client')!;
  assert.deepEqual([client.containerPort, client.hostPort], [4222, 4222], "the node's port 4222");
  const conf = (n['ConfigMap/syncgrad-nats'] as { data: Record<string, string> }).data['nats.conf']!;
  assert.match(conf, /cluster \{[^}]*routes: \[ "nats-route:\/\/nats-routes:6222" \]/s);
  assert.equal((n['Service/nats-routes'] as { spec: { clusterIP: string } }).spec.clusterIP, 'None', "headless: every server's address");
  const workers = parseAllDocuments(readFileSync(join(K8S, 'workers.yaml'), 'utf8'))
    .map((d) => d.toJS() as { kind?: string; spec: { template: { spec: Pod } } } | null)
    .find((m) => m?.kind === 'Deployment')!;
  const w = workers.spec.template.spec.containers[0]!;
  assert.equal(w.args![w.args!.indexOf('--nats') + 1], 'nats://$(NODE_IP):4222');
  assert.equal(w.env!.find((e) => e.name === 'NODE_IP')?.valueFrom?.fieldRef?.fieldPath, 'status.hostIP');
  // The servers run wherever workers may: the same tolerations.
  assert.deepEqual(ds.spec.template.spec.tolerations, workers.spec.template.spec.tolerations);
});

test('deploy - every NATS server we ship or start allows 8 MiB chunks with room to queue them', () => {
  const conf = Object.fromEntries(
    readFileSync(join(root, 'deploy/nats/nats.conf'), 'utf8')
      .split('\n')
      .filter((l) => /^\w+:/.test(l))
      .map((l) => l.split(':').map((x) => x.trim()) as [string, string]),
  );
  assert.deepEqual(conf, { max_payload: String(PROVIDED_MAX_PAYLOAD), max_pending: String(PROVIDED_MAX_PENDING) });
  assert.equal(providedNatsConfig(), `max_payload: ${PROVIDED_MAX_PAYLOAD}\nmax_pending: ${PROVIDED_MAX_PENDING}\n`);
  const k8s = (k8sNats()['ConfigMap/syncgrad-nats'] as { data: Record<string, string> }).data['nats.conf']!;
  assert.match(k8s, new RegExp(`^max_payload: ${PROVIDED_MAX_PAYLOAD}$`, 'm'));
  assert.match(k8s, new RegExp(`^max_pending: ${PROVIDED_MAX_PENDING}$`, 'm'));
  // A busy worker's queued parts (up to one seed gradient, 64.6 MB) and a pull's window of chunks must fit the outbound buffer.
  assert.ok(PROVIDED_MAX_PENDING >= 16_154_950 * 4 + DEFAULT_WINDOW * PROVIDED_MAX_PAYLOAD);
  const bin = which('nats-server');
  if (bin) {
    const r = spawnSync(bin, ['-c', join(root, 'deploy/nats/nats.conf'), '-t'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // The Kubernetes servers' config, cluster block included, as nats-server reads it.
    const dir = mkdtempSync(join(tmpdir(), 'syncgrad-k8s-nats-'));
    try {
      writeFileSync(join(dir, 'nats.conf'), k8s);
      const t = spawnSync(bin, ['-c', join(dir, 'nats.conf'), '-t'], { encoding: 'utf8' });
      assert.equal(t.status, 0, t.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('deploy - promtool check config passes on both Prometheus configurations', () => {
  const r = promtoolCheckConfig(PROMETHEUS);
  assert.equal(r.status, 0, r.out);
  const cfg = parse(readFileSync(PROMETHEUS, 'utf8')) as {
    global: { scrape_interval: string };
    scrape_configs: { static_configs?: { targets: string[] }[] }[];
  };
  assert.equal(cfg.global.scrape_interval, '5s');
  assert.ok(cfg.scrape_configs.some((s) => s.static_configs?.some((c) => c.targets.includes('coordinator:9464'))));

  // The Kubernetes one: Debian's Prometheus is built without Kubernetes service discovery, so its
  // kubernetes_sd_configs are swapped for a static target; everything else (relabel regexes
  // included) is checked as written.
  const cm = parse(readFileSync(join(K8S, 'prometheus-scrape.yaml'), 'utf8')) as { data: Record<string, string> };
  const k8s = parse(cm.data['prometheus.yml']!) as { global: { scrape_interval: string }; scrape_configs: Record<string, unknown>[] };
  assert.equal(k8s.global.scrape_interval, '5s');
  assert.deepEqual(
    k8s.scrape_configs.map((s) => s.job_name),
    ['kubernetes-service-endpoints', 'kubernetes-pods'],
  );
  for (const s of k8s.scrape_configs) {
    assert.ok(s.kubernetes_sd_configs, String(s.job_name));
    delete s.kubernetes_sd_configs;
    s.static_configs = [{ targets: ['127.0.0.1:9464'] }];
  }
  const dir = mkdtempSync(join(tmpdir(), 'syncgrad-promtool-'));
  try {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, JSON.stringify(k8s));
    const k = promtoolCheckConfig(file);
    assert.equal(k.status, 0, k.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deploy - Grafana provisioning: the dashboard uses the provisioned datasource and a run variable', () => {
  const ds = parse(readFileSync(DATASOURCE, 'utf8')) as { datasources: { uid: string; type: string; url: string }[] };
  assert.deepEqual(
    ds.datasources.map((d) => [d.uid, d.type, d.url]),
    [['syncgrad-prometheus', 'prometheus', 'http://prometheus:9090']],
  );
  const provider = parse(readFileSync(PROVIDER, 'utf8')) as { providers: { type: string; options: { path: string } }[] };
  assert.equal(provider.providers[0]!.options.path, '/var/lib/grafana/dashboards');

  assert.equal(dashboard.uid, 'syncgrad');
  assert.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
  const v = dashboard.templating.list.find((x) => x.name === 'run');
  assert.ok(v, 'template variable run');
  assert.equal(v.type, 'query');
  assert.equal(v.definition, 'label_values(syncgrad_step, run)');
  assert.equal(v.datasource?.uid, 'syncgrad-prometheus');
});

test('deploy - every dashboard panel queries exported series through the provisioned datasource', () => {
  const panels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
  assert.ok(panels.length >= 15, `${panels.length} panels`);
  assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'panel ids are unique');
  const used = new Set<string>();
  for (const p of panels) {
    assert.deepEqual(p.datasource, { type: 'prometheus', uid: 'syncgrad-prometheus' }, p.title);
    assert.ok(p.targets && p.targets.length > 0, `${p.title}: no targets`);
    assert.equal(new Set(p.targets.map((t) => t.refId)).size, p.targets.length, `${p.title}: refIds are unique`);
    for (const t of p.targets) {
      assert.ok(t.refId, `${p.title}: a target without refId`);
      assert.ok(t.expr && t.expr.trim(), `${p.title} ${t.refId}: no expr`);
      if (t.datasource) assert.equal(t.datasource.uid, 'syncgrad-prometheus', `${p.title} ${t.refId}`);
      assert.match(t.expr, /run="\$run"/, `${p.title} ${t.refId}: not filtered by $run`);
      const names = metricNames(t.expr);
      assert.ok(names.length > 0, `${p.title} ${t.refId}: no metric in ${t.expr}`);
      for (const n of names) {
        assert.ok(EXPORTED.has(n), `${p.title} ${t.refId}: ${n} is not exported (${t.expr})`);
        used.add(n.replace(/_(bucket|sum|count)$/, ''));
      }
    }
  }
  // The dashboard shows every series there is.
  for (const m of [...GAUGES, ...COUNTERS, ...HISTOGRAMS]) assert.ok(used.has(m), `no panel shows ${m}`);
  // And the name check itself works.
  assert.deepEqual(metricNames('histogram_quantile(0.9, sum by (le, worker) (rate(syncgrad_x_bucket{run="$run", a=~"b|c"}[$__rate_interval])))'), [
    'syncgrad_x_bucket',
  ]);
});
