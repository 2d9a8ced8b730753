// `syncgrad bench exchange`, our nccl-tests: the cost of one synchronous step's gradient exchange
// at a given model size, with no model compute. It starts a real nats-server (the launcher's
// provider), the production Coordinator (ClusterEngine: step commands, and the star's or the
// sharded exchange's transfers, reduction and Adam) and N real `syncgrad worker` processes whose
// job spec says to send a fixed synthetic gradient instead of computing one. Beside it, in the
// same run: gloo's all-reduce of the same element count over the same process count
// (bench/python/gloo_allreduce.py), and raw nats.js throughput through the same server (nats-probe.ts).
//
// A step's exchange runs from the moment every worker holds its gradient (the latest ready_ms) to
// the moment every replica holds the next weights (the latest weights_held_ms of the following
// step's results): reduction and Adam are inside it, as they are in our design.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../common/paths.js';
import { connect } from 'nats';
import { natsThroughput, PROBE_IN_FLIGHT } from './nats-probe.js';
import { Coordinator } from '../coordinator/coordinator.js';
import { runSteps } from './steps.js';
import { provideNats } from '../launcher/nats-provider.js';
import { parseClusterOptions, resolveExchange, type ExchangeDesign } from '../coordinator/options.js';
import { reap, spawnWorker } from '../launcher/launcher.js';
import { makeShapesDataset } from '../demo/shapes.js';
import { BackendError, ConfigError } from '../common/errors.js';
import { memoryIo, type Io } from '../common/console/io.js';
import { DEFAULT_CHANNELS, DEFAULT_CLASSES, DEFAULT_DROPOUT, MIN_IMAGE_SIZE, paramSpecs } from '../common/model/spec.js';
import { parseTrainOptions } from '../common/train/options.js';
import type { pb } from '../common/wire/messages.js';
import { chunkBytesFor } from '../common/wire/chunks.js';
import { median, p90 } from './stats.js';
import { SYSTEM_PYTHON, torchAvailable } from './torch.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

export const GLOO_SCRIPT = join(PACKAGE_ROOT, 'bench', 'python', 'gloo_allreduce.py');

export interface ExchangeBenchOptions {
  params: number;
  workers: number;
  codec: string;
  exchange: ExchangeDesign;
  steps: number;
  warmup: number;
  torch: boolean;
  /** Bytes each raw NATS probe moves (default 512 MiB; the test of the bench itself uses less). */
  probeBytes?: number;
}

export interface ProcessBytes {
  process: string;
  bytesInPerStep: number;
  bytesOutPerStep: number;
}

export interface ExchangeBenchResult {
  params: number;
  workers: number;
  codec: string;
  design: 'star' | 'sharded';
  /** The choice given (`auto` resolves by gradient size). */
  choice: ExchangeDesign;
  /** params × 4: one fp32 gradient. */
  gradientBytes: number;
  imageSize: number;
  exchange: {
    medianSeconds: number;
    p90Seconds: number;
    stepsSeconds: number[];
    /**
     * The median step split in two: from the latest ready_ms to the latest reduced_ms (the
     * all-reduce and Adam proper, sharded only), and from there to the latest weights_held_ms (the
     * step result, the next command and the model taking the new weights).
     */
    phasesSeconds: { reduce: number; handOff: number } | null;
    /** The larger of bytes sent and received in one step by the busiest syncgrad process (median over steps). */
    busiestBytesPerStep: number;
    busiestProcess: string;
    /**
     * The busiest process's bytes sent plus received per second of a median step. Both directions
     * cost a nats.js client the same CPU (~1.4 CPU-s per GB each way), so this is the rate to hold
     * against raw NATS, where the publisher only sends and the subscriber only receives.
     */
    busiestInOutMBps: number;
    /** busiestInOutMBps over the best raw NATS figure of the same run, either client. */
    busiestShareOfRaw: number;
    /** busiestInOutMBps over the better raw figure of nats.js as shipped (the reference before syncgrad had its own transport). */
    busiestShareOfStockRaw: number;
    perProcess: ProcessBytes[];
  };
  gloo: { medianSeconds: number; p90Seconds: number; torchVersion: string } | null;
  glooSkipped?: string;
  /**
   * Raw NATS through the same server: each figure the median of `repeats` runs of `messages`
   * messages. The top-level figures use the transport the exchange runs on (nats.js with
   * syncgrad's whole-message framing); `stock` is nats.js as shipped.
   */
  nats: {
    pubSubMBps: number;
    pullMBps: number;
    stock: { pubSubMBps: number; pullMBps: number };
    server: string;
    messageBytes: number;
    messages: number;
    inFlight: number;
    repeats: number;
  };
  /** exchange median / gloo median; null without gloo. */
  ratioToGloo: number | null;
}

/** The seed CNN's image size whose parameter count is `params` (16,154,950 at 256²). */
export function imageSizeForParams(params: number): number {
  const count = (s: number) =>
    paramSpecs({ imageSize: s, channels: DEFAULT_CHANNELS, classes: DEFAULT_CLASSES, dropout: DEFAULT_DROPOUT }).reduce((a, p) => a + p.size, 0);
  for (let s = MIN_IMAGE_SIZE; s <= 2048; s++) if (count(s) === params) return s;
  throw new ConfigError(
    `--params must be a parameter count of the seed CNN (3 channels, 6 classes), e.g. 16154950 (256²) or ${count(64)} (64²); got ${params}`,
  );
}

/** gloo all_reduce of `params` floats over `world` processes, or the reason it cannot run here. */
export function glooAllReduce(
  params: number,
  world: number,
  steps: number,
  warmup: number,
): { ok: true; medianSeconds: number; p90Seconds: number; torchVersion: string } | { ok: false; reason: string } {
  const avail = torchAvailable();
  if (!avail.ok) return { ok: false, reason: avail.reason };
  if (!existsSync(GLOO_SCRIPT)) return { ok: false, reason: `${GLOO_SCRIPT} is missing` };
  const r = spawnSync(
    SYSTEM_PYTHON,
    [GLOO_SCRIPT, '--params', String(params), '--world', String(world), '--steps', String(steps), '--warmup', String(warmup)],
    { encoding: 'utf8', timeout: 600_000, maxBuffer: 1 << 20 },
  );
  if (r.status !== 0)
    return { ok: false, reason: `gloo all-reduce failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' | ')}` };
  const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { median_seconds: number; p90_seconds: number; torch_version: string };
  return { ok: true, medianSeconds: j.median_seconds, p90Seconds: j.p90_seconds, torchVersion: j.torch_version };
}

interface StepRecord {
  results: pb.StepResult[];
  coordinatorIn: number;
  coordinatorOut: number;
}

export async function runExchangeBench(o: ExchangeBenchOptions, backend: string, io: Io): Promise<ExchangeBenchResult> {
  const imageSize = imageSizeForParams(o.params);
  const quiet = memoryIo();
  const nats = await provideNats(io, { allowInstall: true });
  if (!nats) throw new BackendError('no NATS server: set NATS_URL, put nats-server on PATH (apt-get install nats-server), or run Docker');
  const dir = await mkdtemp(join(tmpdir(), 'syncgrad-bench-exchange-'));
  const children: ChildProcess[] = [];
  let coordinator: Coordinator | undefined;
  try {
    const info = await connect({ servers: nats.url });
    const messageBytes = chunkBytesFor(info.info?.max_payload ?? 1024 * 1024);
    await info.close();
    io.err(`bench exchange: raw nats.js throughput through ${nats.url} (${nats.source})`);
    const stock = await natsThroughput(nats.url, messageBytes, 'stock', o.probeBytes);
    const raw = await natsThroughput(nats.url, messageBytes, 'whole', o.probeBytes);
    const bestRaw = Math.max(raw.pubSubMBps, raw.pullMBps, stock.pubSubMBps, stock.pullMBps);

    // The coordinator needs a dataset index; the workers never decode it (synthetic gradients).
    await makeShapesDataset({ out: join(dir, 'data'), perClass: Math.max(4, Math.ceil(o.workers / 3) + 2), size: 16, seed: 1 });
    const job = `bench-exchange-${process.pid}`;
    const records: StepRecord[] = [];
    let inBytes = 0;
    let outBytes = 0;
    coordinator = await Coordinator.start(
      {
        train: parseTrainOptions({
          data: join(dir, 'data'),
          imageSize,
          batchSize: o.workers,
          audit: false,
          progress: 'none',
          out: join(dir, 'run'),
          backend: backend,
        }),
        cluster: parseClusterOptions({
          nats: nats.url,
          job,
          minWorkers: o.workers,
          codec: o.codec,
          exchange: o.exchange,
          syntheticGradients: true,
          workerWaitMs: 120_000,
        }),
      },
      quiet,
      {
        onBytes: (d, b) => (d === 'in' ? (inBytes += b) : (outBytes += b)),
        onStepResults: (results) => {
          records.push({ results: [...results].sort((a, b) => a.rank - b.rank), coordinatorIn: inBytes, coordinatorOut: outBytes });
        },
      },
    );
    for (let i = 0; i < o.workers; i++) children.push(spawnWorker(i, nats.url, { job, backend: 'wasm', localWorkers: o.workers }, quiet));
    io.err(
      `bench exchange: ${o.params.toLocaleString('en-US')} params (${imageSize}²), ${o.workers} worker process(es), ${o.codec}, ${o.exchange} exchange, ${o.warmup} + ${o.steps} steps`,
    );
    // One step more than measured: a step's exchange ends in the next step's weight pulls.
    await runSteps(coordinator, o.warmup + o.steps + 1);

    const measured = records.slice(o.warmup, o.warmup + o.steps + 1);
    const stepsSeconds: number[] = [];
    const reduceSeconds: number[] = [];
    for (let k = 0; k + 1 < measured.length; k++) {
      const ready = Math.max(...measured[k]!.results.map((r) => r.readyMs));
      const held = Math.max(...measured[k + 1]!.results.map((r) => r.weightsHeldMs));
      stepsSeconds.push((held - ready) / 1000);
      const reduced = Math.max(...measured[k]!.results.map((r) => r.reducedMs));
      if (reduced > 0) reduceSeconds.push((reduced - ready) / 1000);
    }
    // Bytes per step: deltas between consecutive records (each holds one weights pull and one gradient pull per worker).
    const perProcess: ProcessBytes[] = [];
    const deltas = (f: (r: StepRecord) => number) => median(measured.slice(1).map((r, k) => f(r) - f(measured[k]!)));
    perProcess.push({ process: 'coordinator', bytesInPerStep: deltas((r) => r.coordinatorIn), bytesOutPerStep: deltas((r) => r.coordinatorOut) });
    for (const first of measured[0]!.results) {
      const of = (r: StepRecord) => r.results.find((x) => x.rank === first.rank);
      if (!measured.every((r) => of(r))) continue;
      perProcess.push({ process: `worker rank ${first.rank}`, bytesInPerStep: deltas((r) => of(r)!.bytesIn), bytesOutPerStep: deltas((r) => of(r)!.bytesOut) });
    }
    const busiest = perProcess.reduce((a, p) => (Math.max(p.bytesInPerStep, p.bytesOutPerStep) > Math.max(a.bytesInPerStep, a.bytesOutPerStep) ? p : a));
    await coordinator.close('bench finished');
    await reap(children);

    let gloo: ExchangeBenchResult['gloo'] = null;
    let glooSkipped: string | undefined;
    if (o.torch) {
      io.err(`bench exchange: gloo all_reduce of ${o.params.toLocaleString('en-US')} floats over ${o.workers} processes`);
      const g = glooAllReduce(o.params, o.workers, o.steps, o.warmup);
      if (g.ok) gloo = { medianSeconds: g.medianSeconds, p90Seconds: g.p90Seconds, torchVersion: g.torchVersion };
      else glooSkipped = g.reason;
    } else glooSkipped = '--no-torch';
    const medianSeconds = median(stepsSeconds);
    const busiestInOutMBps = (busiest.bytesInPerStep + busiest.bytesOutPerStep) / 1e6 / medianSeconds;
    return {
      params: o.params,
      workers: o.workers,
      codec: o.codec,
      design: resolveExchange(o.exchange, o.params),
      choice: o.exchange,
      gradientBytes: o.params * 4,
      imageSize,
      exchange: {
        medianSeconds,
        p90Seconds: p90(stepsSeconds),
        stepsSeconds,
        phasesSeconds:
          reduceSeconds.length === stepsSeconds.length
            ? { reduce: median(reduceSeconds), handOff: median(stepsSeconds.map((x, i) => x - reduceSeconds[i]!)) }
            : null,
        busiestBytesPerStep: Math.max(busiest.bytesInPerStep, busiest.bytesOutPerStep),
        busiestProcess: busiest.process,
        busiestInOutMBps,
        busiestShareOfRaw: busiestInOutMBps / bestRaw,
        busiestShareOfStockRaw: busiestInOutMBps / Math.max(stock.pubSubMBps, stock.pullMBps),
        perProcess,
      },
      gloo,
      ...(glooSkipped !== undefined ? { glooSkipped } : {}),
      nats: {
        pubSubMBps: raw.pubSubMBps,
        pullMBps: raw.pullMBps,
        stock: { pubSubMBps: stock.pubSubMBps, pullMBps: stock.pullMBps },
        server: nats.source,
        messageBytes,
        messages: raw.messages,
        inFlight: PROBE_IN_FLIGHT,
        repeats: raw.repeats,
      },
      ratioToGloo: gloo ? medianSeconds / gloo.medianSeconds : null,
    };
  } finally {
    await coordinator?.close('bench finished');
    await reap(children);
    await nats.close();
    await rm(dir, { recursive: true, force: true });
  }
}
