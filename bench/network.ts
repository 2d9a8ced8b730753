// `syncgrad bench exchange --hosts N --link RATE`: the exchange where links bound it. N emulated
// hosts (common/bench/netns.ts: a network namespace each, its link shaped with tbf), one
// `syncgrad worker` per host (or --workers-per-host), and NATS laid out as users run it:
// `per-host`, a server on every host joined by routes, each worker on its own host's server; or
// `single`, one server on a host of its own. The production coordinator drives synthetic-gradient
// steps over the management port. gloo's all-reduce then runs in the same namespaces over the same
// links. Beside the median step: every host link's bytes per step (its interface counters), the
// ring all-reduce's ideal, the chunks the workers asked for again (repairs), and the CPU-seconds
// per step of every process.
import { type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackendError, ConfigError } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import { memoryIo } from '../common/console/io.js';
import { cpuSeconds, EmulatedNetwork } from './netns.js';
import { median, p90 } from './stats.js';
import { SYSTEM_PYTHON, torchAvailable } from './torch.js';
import { makeShapesDataset } from '../demo/shapes.js';
import { LOCAL_WORKERS_ENV } from '../common/backend/host-memory.js';
import { parseTrainOptions } from '../common/train/options.js';
import { SYNCGRAD_BIN } from '../common/paths.js';
import type { pb } from '../common/wire/messages.js';
import { CODECS } from '../common/wire/codec.js';
import { GLOO_SCRIPT, imageSizeForParams } from './exchange.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { runSteps } from './steps.js';
import { parseClusterOptions } from '../coordinator/options.js';
import { providedNatsConfig } from '../launcher/nats-provider.js';
import { which } from '../common/host.js';

export const LAYOUTS = ['per-host', 'single'] as const;
export type NetworkLayout = (typeof LAYOUTS)[number];

export interface NetworkBenchOptions {
  hosts: number;
  workersPerHost: number;
  rateBitsPerSec: number;
  layout: NetworkLayout;
  codec: string;
  params: number;
  steps: number;
  warmup: number;
  gloo: boolean;
}

export interface HostBytes {
  host: string;
  txBytesPerStep: number;
  rxBytesPerStep: number;
}

export interface NetworkRun {
  medianSeconds: number;
  p90Seconds: number;
  stepsSeconds: number[];
  perHost: HostBytes[];
  /** The busiest host link's larger direction, per step. */
  maxHostBytesPerStep: number;
  /** CPU-seconds per timed step, by process. */
  cpuSecondsPerStep: Record<string, number>;
}

export interface NetworkBenchResult {
  hosts: number;
  workersPerHost: number;
  linkBitsPerSec: number;
  layout: NetworkLayout;
  codec: string;
  params: number;
  /** params × the codec's bytes per element: what one replica's gradient weighs on the wire. */
  wireBytes: number;
  /** Ring all-reduce over the hosts: each host link carries 2(H−1)/H of the wire bytes each way, at link rate. */
  ring: { bytesPerHost: number; seconds: number };
  /** phasesSeconds: the median step split at the latest reduced_ms: the all-reduce and Adam, then the result, the next command and the replica taking the weights. */
  syncgrad: NetworkRun & { repairs: number; phasesSeconds: { reduce: number; handOff: number } };
  gloo: (NetworkRun & { torchVersion: string }) | null;
  glooSkipped?: string;
  ratioToGloo: number | null;
}

/** What one host link carries each way in a ring all-reduce of `bytes` over `hosts` hosts (workers per host reduce locally first). */
export function ringBytesPerHost(bytes: number, hosts: number, workersPerHost = 1): number {
  const ranks = hosts * workersPerHost;
  // A ring over all ranks, placed host by host: one edge in and one out per host, each carrying 2(R−1)/R of the bytes.
  return hosts === 1 ? 0 : (2 * (ranks - 1) * bytes) / ranks;
}

const NATS_PORT = 4222;
const ROUTE_PORT = 6222;
const MONITOR_PORT = 8222;

function hostNames(o: NetworkBenchOptions): string[] {
  const hosts = Array.from({ length: o.hosts }, (_, i) => `h${i}`);
  return o.layout === 'single' ? [...hosts, 'nats'] : hosts;
}

async function waitFor(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if (await ok()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new BackendError(`emulated network: ${what} not ready within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** nats-server per host (routes between all of them) or one on the `nats` host; returns each worker host's URL. */
async function startServers(
  net: EmulatedNetwork,
  o: NetworkBenchOptions,
  dir: string,
  server: string,
  io: Io,
): Promise<{ urls: Map<string, string>; pids: Map<string, number> }> {
  const conf = join(dir, 'nats.conf');
  await writeFile(conf, providedNatsConfig());
  const serverHosts = o.layout === 'per-host' ? Array.from({ length: o.hosts }, (_, i) => `h${i}`) : ['nats'];
  const pids = new Map<string, number>();
  for (const h of serverHosts) {
    const ip = net.ip(h);
    const args = ['-c', conf, '-a', ip, '-p', String(NATS_PORT), '-m', String(MONITOR_PORT)];
    if (serverHosts.length > 1) {
      const routes = serverHosts.filter((x) => x !== h).map((x) => `nats://${net.ip(x)}:${ROUTE_PORT}`);
      args.push('--cluster_name', 'bench', '--cluster', `nats://${ip}:${ROUTE_PORT}`, '--routes', routes.join(','));
    }
    const child = net.spawn(h, server, args);
    child.stderr!.resume();
    child.stdout!.resume();
    pids.set(`nats-server ${h}`, child.pid!);
  }
  for (const h of serverHosts) {
    await waitFor(`nats-server on ${h}`, 20_000, async () => {
      const r = (await (await fetch(`http://${net.ip(h)}:${MONITOR_PORT}/routez`)).json()) as { num_routes: number };
      return r.num_routes >= serverHosts.length - 1;
    });
  }
  io.err(`bench network: ${serverHosts.length} nats-server(s) up${serverHosts.length > 1 ? ', fully routed' : ''}`);
  const urls = new Map<string, string>();
  for (let i = 0; i < o.hosts; i++) urls.set(`h${i}`, `nats://${net.ip(o.layout === 'per-host' ? `h${i}` : 'nats')}:${NATS_PORT}`);
  return { urls, pids };
}

function snapshot(
  net: EmulatedNetwork,
  hosts: string[],
  pids: Map<string, number>,
): { bytes: Map<string, { tx: number; rx: number }>; cpu: Map<string, number>; at: number } {
  return {
    bytes: new Map(hosts.map((h) => [h, net.linkBytes(h)])),
    cpu: new Map([...pids].map(([k, pid]) => [k, pid === process.pid ? process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6 : cpuSeconds(pid)])),
    at: performance.now(),
  };
}

function perStep(
  a: ReturnType<typeof snapshot>,
  b: ReturnType<typeof snapshot>,
  steps: number,
  hosts: string[],
): Pick<NetworkRun, 'perHost' | 'maxHostBytesPerStep' | 'cpuSecondsPerStep'> {
  const perHost = hosts.map((h) => ({
    host: h,
    txBytesPerStep: (b.bytes.get(h)!.tx - a.bytes.get(h)!.tx) / steps,
    rxBytesPerStep: (b.bytes.get(h)!.rx - a.bytes.get(h)!.rx) / steps,
  }));
  const cpuSecondsPerStep: Record<string, number> = {};
  for (const [k, v] of b.cpu) cpuSecondsPerStep[k] = (v - (a.cpu.get(k) ?? 0)) / steps;
  return { perHost, maxHostBytesPerStep: Math.max(...perHost.map((p) => Math.max(p.txBytesPerStep, p.rxBytesPerStep))), cpuSecondsPerStep };
}

async function runSyncgrad(
  net: EmulatedNetwork,
  o: NetworkBenchOptions,
  dir: string,
  urls: Map<string, string>,
  serverPids: Map<string, number>,
  io: Io,
): Promise<NetworkBenchResult['syncgrad']> {
  const imageSize = imageSizeForParams(o.params);
  const workers = o.hosts * o.workersPerHost;
  await makeShapesDataset({ out: join(dir, 'data'), perClass: Math.max(4, Math.ceil(workers / 3) + 2), size: 16, seed: 1 });
  const job = `bench-network-${process.pid}`;
  const records: pb.StepResult[][] = [];
  const coordinator = await Coordinator.start(
    {
      train: parseTrainOptions({
        data: join(dir, 'data'),
        imageSize,
        batchSize: workers,
        audit: false,
        progress: 'none',
        out: join(dir, 'run'),
        backend: 'wasm',
      }),
      cluster: parseClusterOptions({
        nats: urls.get('h0')!,
        job,
        minWorkers: workers,
        codec: o.codec,
        exchange: 'sharded',
        syntheticGradients: true,
        workerWaitMs: 120_000,
      }),
    },
    memoryIo(),
    { onStepResults: (results) => void records.push([...results]) },
  );
  const children: ChildProcess[] = [];
  const pids = new Map(serverPids);
  try {
    for (let i = 0; i < o.hosts; i++) {
      for (let w = 0; w < o.workersPerHost; w++) {
        const h = `h${i}`;
        const child = net.spawn(
          h,
          process.execPath,
          [SYNCGRAD_BIN, 'worker', '--nats', urls.get(h)!, '--job', job, '--backend', 'wasm', '--name', `${h}-w${w}`],
          { env: { ...process.env, [LOCAL_WORKERS_ENV]: String(o.workersPerHost) } },
        );
        createInterface({ input: child.stderr! }).on('line', () => {});
        child.stdout!.resume();
        children.push(child);
        pids.set(`worker ${h}-w${w}`, child.pid!);
      }
    }
    pids.set('coordinator', process.pid);
    io.err(`bench network: ${workers} worker(s) on ${o.hosts} host(s), ${o.codec}, ${o.warmup} + ${o.steps} steps`);
    const hosts = hostNames(o);
    await runSteps(coordinator, o.warmup);
    const a = snapshot(net, hosts, pids);
    await runSteps(coordinator, o.steps);
    const b = snapshot(net, hosts, pids);
    // One step more: a step's exchange ends in the next step's results.
    await runSteps(coordinator, 1);
    const measured = records.slice(o.warmup, o.warmup + o.steps + 1);
    const stepsSeconds: number[] = [];
    const reduceSeconds: number[] = [];
    for (let k = 0; k + 1 < measured.length; k++) {
      const ready = Math.max(...measured[k]!.map((r) => r.readyMs));
      const held = Math.max(...measured[k + 1]!.map((r) => r.weightsHeldMs));
      stepsSeconds.push((held - ready) / 1000);
      reduceSeconds.push((Math.max(...measured[k]!.map((r) => r.reducedMs)) - ready) / 1000);
    }
    const repairs = records.slice(o.warmup, o.warmup + o.steps).reduce((n, rs) => n + rs.reduce((m, r) => m + (r.repairs ?? 0), 0), 0);
    const phasesSeconds = { reduce: median(reduceSeconds), handOff: median(stepsSeconds.map((x, i) => x - reduceSeconds[i]!)) };
    return { medianSeconds: median(stepsSeconds), p90Seconds: p90(stepsSeconds), stepsSeconds, phasesSeconds, ...perStep(a, b, o.steps, hosts), repairs };
  } finally {
    await coordinator.close('bench finished');
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)))));
  }
}

/** gloo's all-reduce, one rank per worker slot, each in its host's namespace, rendezvous on h0. */
async function runGloo(net: EmulatedNetwork, o: NetworkBenchOptions): Promise<NetworkBenchResult['gloo']> {
  const world = o.hosts * o.workersPerHost;
  const master = `${net.ip('h0')}:29511`;
  const children: ChildProcess[] = [];
  const pids = new Map<string, number>();
  let out = '';
  let err = '';
  const hosts = hostNames(o);
  const a = snapshot(net, hosts, pids);
  for (let r = 0; r < world; r++) {
    const h = `h${Math.floor(r / o.workersPerHost)}`;
    const child = net.spawn(
      h,
      SYSTEM_PYTHON,
      [
        GLOO_SCRIPT,
        '--params',
        String(o.params),
        '--world',
        String(world),
        '--steps',
        String(o.steps),
        '--warmup',
        String(o.warmup),
        '--rank',
        String(r),
        '--master',
        master,
      ],
      {
        env: { ...process.env, GLOO_SOCKET_IFNAME: 'eth0', OMP_NUM_THREADS: '1' },
      },
    );
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    children.push(child);
    pids.set(`gloo rank ${r}`, child.pid!);
  }
  // CPU is read once the ranks are up and again as rank 0 finishes; bytes over the whole run (the rendezvous is a few KB).
  const codes = await Promise.all(children.map((c) => new Promise<number | null>((res) => c.once('exit', (code) => res(code)))));
  const b = snapshot(net, hosts, pids);
  if (codes.some((c) => c !== 0)) throw new BackendError(`gloo all-reduce failed: ${err.trim().split('\n').slice(-2).join(' | ')}`);
  const j = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { median_seconds: number; p90_seconds: number; steps_seconds: number[]; torch_version: string };
  const run = perStep(a, b, o.warmup + o.steps, hosts);
  return {
    medianSeconds: j.median_seconds,
    p90Seconds: j.p90_seconds,
    stepsSeconds: j.steps_seconds,
    ...run,
    cpuSecondsPerStep: {},
    torchVersion: j.torch_version,
  };
}

export function validateNetworkBench(o: NetworkBenchOptions): void {
  if (!(Number.isInteger(o.hosts) && o.hosts >= 2 && o.hosts <= 16)) throw new ConfigError(`--hosts must be an integer from 2 to 16, got ${o.hosts}`);
  if (!(Number.isInteger(o.workersPerHost) && o.workersPerHost >= 1 && o.workersPerHost <= 8))
    throw new ConfigError(`--workers-per-host must be an integer from 1 to 8, got ${o.workersPerHost}`);
  if (!(o.rateBitsPerSec >= 1e6 && o.rateBitsPerSec <= 1e11)) throw new ConfigError(`--link must be between 1mbit and 100gbit, got ${o.rateBitsPerSec} bit/s`);
  if (!(LAYOUTS as readonly string[]).includes(o.layout)) throw new ConfigError(`--layout must be per-host or single, got ${JSON.stringify(o.layout)}`);
}

export async function runNetworkBench(o: NetworkBenchOptions, io: Io): Promise<NetworkBenchResult> {
  validateNetworkBench(o);
  imageSizeForParams(o.params);
  const server = which('nats-server');
  if (!server) throw new BackendError('no nats-server binary on PATH (apt-get install nats-server): every emulated host runs its own');
  const dir = await mkdtemp(join(tmpdir(), 'syncgrad-bench-network-'));
  await using net = await EmulatedNetwork.create({ hosts: hostNames(o), rateBitsPerSec: o.rateBitsPerSec });
  try {
    io.err(`bench network: ${o.hosts} emulated hosts, links shaped to ${(o.rateBitsPerSec / 1e9).toFixed(2)} Gbit/s, ${o.layout} NATS`);
    const { urls, pids } = await startServers(net, o, dir, server, io);
    const syncgrad = await runSyncgrad(net, o, dir, urls, pids, io);
    let gloo: NetworkBenchResult['gloo'] = null;
    let glooSkipped: string | undefined;
    if (o.gloo) {
      const avail = torchAvailable();
      if (avail.ok) {
        io.err(`bench network: gloo all_reduce over the same links`);
        gloo = await runGloo(net, o);
      } else glooSkipped = avail.reason;
    } else glooSkipped = '--no-torch';
    const wireBytes = o.params * CODECS[o.codec]!.bytesPerElement;
    const ringBytes = ringBytesPerHost(wireBytes, o.hosts, o.workersPerHost);
    return {
      hosts: o.hosts,
      workersPerHost: o.workersPerHost,
      linkBitsPerSec: o.rateBitsPerSec,
      layout: o.layout,
      codec: o.codec,
      params: o.params,
      wireBytes,
      ring: { bytesPerHost: ringBytes, seconds: (ringBytes * 8) / o.rateBitsPerSec },
      syncgrad,
      gloo,
      ...(glooSkipped !== undefined ? { glooSkipped } : {}),
      ratioToGloo: gloo ? syncgrad.medianSeconds / gloo.medianSeconds : null,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
