// `syncgrad bench MODE`: runs one benchmark and prints its figures (or JSON). The modes: train and
// infer (harness.ts, beside PyTorch: torch.ts), exchange (exchange.ts, beside gloo and raw NATS),
// exchange over emulated hosts (network.ts) and shards (shards.ts). The CLI's command only parses.
import type { BenchMode, BenchResult, StepProfile } from './harness.js';
import type { TorchResult } from './torch.js';
import { ConfigError } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import { MIN_IMAGE_SIZE, SEED_CNN } from '../common/model/spec.js';
import { checkModelChoice, MODEL_NAMES } from '../common/model/choice.js';
import type { BackendChoice } from '../common/backend/choices.js';
import type { ExchangeDesign } from '../coordinator/options.js';
import type { ExchangeBenchResult } from './exchange.js';
import type { NetworkBenchResult } from './network.js';
import { parseMicroBatch, planMicroBatch } from '../common/train/micro-batch.js';
import { parseIntFlag } from '../common/zod-options.js';

export interface BenchFlags {
  model?: string;
  imageSize: string;
  batchSize?: string;
  steps?: string;
  repeats: string;
  warmup?: string;
  params: string;
  workers: string;
  codec: string;
  exchange: ExchangeDesign;
  backend: BackendChoice;
  microBatch?: string;
  threads?: string;
  probeMib?: string;
  hosts?: string;
  link: string;
  layout: string;
  workersPerHost: string;
  torch: boolean;
  profile?: boolean;
  json?: boolean;
}

export interface BenchRow {
  ours: BenchResult;
  torch: TorchResult | null;
  /** ours / PyTorch img/s; null without a PyTorch figure. */
  ratio: number | null;
  torchSkipped?: string;
  profile?: StepProfile;
}

/** Runs the benchmark `mode` with the bench command's flags, writing its figures to `io`. */
export async function runBenchMode(mode: string, flags: BenchFlags, io: Io): Promise<void> {
  const { initBackend } = await import('../common/backend/select.js');
  const { benchModelConfig, formatProfile, profileStep, runBench } = await import('./harness.js');
  const { runTorchReference, torchAvailable } = await import('./torch.js');
  const { imageSizeForParams, runExchangeBench } = await import('./exchange.js');
  const { withMemoryContext } = await import('../common/backend/memory.js');
  if (mode !== 'train' && mode !== 'infer' && mode !== 'exchange' && mode !== 'shards')
    throw new ConfigError(`bench mode must be train, infer, exchange or shards, got ${JSON.stringify(mode)}`);
  if (mode === 'shards') {
    const { runShardBench, formatShardBench } = await import('./shards.js');
    const backend = await initBackend(flags.backend);
    const r = await runShardBench(
      {
        imageSize: parseIntFlag(flags.imageSize, '--image-size', MIN_IMAGE_SIZE),
        batchSize: parseIntFlag(flags.batchSize ?? '32', '--batch-size'),
        steps: parseIntFlag(flags.steps ?? '8', '--steps'),
        warmup: parseIntFlag(flags.warmup ?? '3', '--warmup', 0),
      },
      backend.kind,
      io,
    );
    if (flags.json) io.out(JSON.stringify(r));
    else for (const line of formatShardBench(r)) io.out(line);
    return;
  }
  if (mode === 'exchange' && flags.hosts !== undefined) {
    const { runNetworkBench } = await import('./network.js');
    const { parseRate } = await import('./netns.js');
    const r = await runNetworkBench(
      {
        hosts: parseIntFlag(flags.hosts, '--hosts'),
        workersPerHost: parseIntFlag(flags.workersPerHost, '--workers-per-host'),
        rateBitsPerSec: parseRate(flags.link),
        layout: flags.layout as 'per-host' | 'single',
        codec: flags.codec,
        params: parseIntFlag(flags.params, '--params'),
        steps: parseIntFlag(flags.steps ?? '8', '--steps'),
        warmup: parseIntFlag(flags.warmup ?? '2', '--warmup', 0),
        gloo: flags.torch,
      },
      io,
    );
    if (flags.json) io.out(JSON.stringify(r));
    else for (const line of formatNetwork(r)) io.out(line);
    return;
  }
  if (mode === 'exchange') {
    const o = {
      params: parseIntFlag(flags.params, '--params'),
      workers: parseIntFlag(flags.workers, '--workers'),
      codec: flags.codec,
      exchange: flags.exchange,
      steps: parseIntFlag(flags.steps ?? '10', '--steps'),
      warmup: parseIntFlag(flags.warmup ?? '2', '--warmup', 0),
      torch: flags.torch,
      probeBytes: parseIntFlag(flags.probeMib ?? '512', '--probe-mib') * 2 ** 20,
    };
    imageSizeForParams(o.params);
    const backend = await initBackend(flags.backend);
    const r = await runExchangeBench(o, backend.kind, io);
    if (flags.json) io.out(JSON.stringify(r));
    else for (const line of formatExchange(r)) io.out(line);
    return;
  }
  const imageSize = parseIntFlag(flags.imageSize, '--image-size', MIN_IMAGE_SIZE);
  const batchSize = parseIntFlag(flags.batchSize ?? '16', '--batch-size');
  const steps = parseIntFlag(flags.steps ?? '5', '--steps');
  const repeats = parseIntFlag(flags.repeats, '--repeats');
  const warmup = parseIntFlag(flags.warmup ?? '1', '--warmup', 0);
  const choice = parseMicroBatch(flags.microBatch);
  const { parseThreads } = await import('../common/backend/native/env.js');
  const threads = parseThreads(flags.threads);
  const backend = await initBackend(flags.backend, { threads });
  const model = flags.model === undefined ? SEED_CNN : checkModelChoice(flags.model);
  const { describeChoice } = await import('../common/model/build.js');
  const plan = planMicroBatch(choice, backend.kind, await describeChoice(model, benchModelConfig(imageSize)), 'train');
  const microBatch = Math.min(batchSize, mode === 'train' ? plan.train : plan.infer);
  const benchMode: BenchMode = mode;
  const common = { mode: benchMode, model, imageSize, batchSize, warmup, backend: flags.backend, microBatch };
  const ours = await withMemoryContext({ who: `bench ${mode}`, imageSize, batch: batchSize, microBatch, backend: backend.kind }, () =>
    runBench({ ...common, steps, repeats }, backend),
  );
  const row: BenchRow = { ours, torch: null, ratio: null };
  if (flags.torch) {
    const avail = torchAvailable();
    if (!MODEL_NAMES.includes(model)) row.torchSkipped = `${model} has no PyTorch twin`;
    else if (avail.ok) {
      row.torch = runTorchReference({ mode: common.mode, model, imageSize, batchSize, steps, repeats, warmup, threads: threads ?? 1 });
      row.ratio = ours.imgPerSec / row.torch.imgPerSec;
    } else {
      row.torchSkipped = avail.reason;
    }
  }
  if (flags.profile) row.profile = await profileStep(common, backend);
  if (flags.json) {
    io.out(JSON.stringify(row));
  } else {
    io.out(
      `${model === SEED_CNN ? '' : `${model} `}${mode} ${imageSize}² batch ${batchSize} on ${ours.backend} (${ours.threads} thread${ours.threads === 1 ? '' : 's'}): ` +
        `${ours.imgPerSec.toFixed(2)} img/s (median of ${repeats} × ${steps} steps; ${ours.repeatImgPerSec.map((r) => r.toFixed(2)).join(', ')}), ` +
        `${ours.gflops.toFixed(2)} GFLOP/s, peak RSS ${ours.peakRssMb.toFixed(0)} MB` +
        `${ours.microBatch < batchSize ? ` (micro-batches of ${ours.microBatch})` : ''}${ours.wasmHeapMb !== null ? `, wasm heap ${ours.wasmHeapMb.toFixed(0)} MB` : ''}`,
    );
    if (row.torch) {
      io.out(
        `PyTorch ${row.torch.torchVersion} (${row.torch.threads} thread${row.torch.threads === 1 ? '' : 's'}): ${row.torch.imgPerSec.toFixed(2)} img/s ` +
          `(${row.torch.repeatImgPerSec.map((r) => r.toFixed(2)).join(', ')}), peak RSS ${row.torch.peakRssMb.toFixed(0)} MB; ` +
          `ours/PyTorch = ${row.ratio!.toFixed(2)}`,
      );
    } else if (row.torchSkipped) {
      io.err(`PyTorch reference skipped: ${row.torchSkipped}`);
    }
    if (row.profile) for (const line of formatProfile(row.profile)) io.out(line);
  }
}

function formatNetwork(r: NetworkBenchResult): string[] {
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const run = (name: string, x: NetworkBenchResult['syncgrad'] | NonNullable<NetworkBenchResult['gloo']>) => [
    `  ${name}: median ${x.medianSeconds.toFixed(3)} s (p90 ${x.p90Seconds.toFixed(3)}), busiest link ${mb(x.maxHostBytesPerStep)} per step (${(x.maxHostBytesPerStep / r.ring.bytesPerHost).toFixed(3)} × ring)`,
    ...x.perHost.map((h) => `    ${h.host.padEnd(5)} tx ${mb(h.txBytesPerStep).padStart(9)}  rx ${mb(h.rxBytesPerStep).padStart(9)}`),
    ...(Object.keys(x.cpuSecondsPerStep).length
      ? [
          `    CPU-s per step: ${Object.entries(x.cpuSecondsPerStep)
            .map(([k, v]) => `${k} ${v.toFixed(3)}`)
            .join(', ')}`,
        ]
      : []),
  ];
  return [
    `network exchange: ${r.hosts} hosts × ${r.workersPerHost} worker(s), ${(r.linkBitsPerSec / 1e9).toFixed(2)} Gbit/s links, ${r.layout} NATS, ${r.codec}, ${r.params.toLocaleString('en-US')} params (${mb(r.wireBytes)} on the wire)`,
    `  ring ideal: ${mb(r.ring.bytesPerHost)} each way per host link, ${r.ring.seconds.toFixed(3)} s`,
    ...run(
      `syncgrad (${r.syncgrad.repairs} repairs; all-reduce ${r.syncgrad.phasesSeconds.reduce.toFixed(3)} s + hand-off ${r.syncgrad.phasesSeconds.handOff.toFixed(3)} s)`,
      r.syncgrad,
    ),
    ...(r.gloo ? run(`gloo (torch ${r.gloo.torchVersion})`, r.gloo) : [`  gloo skipped: ${r.glooSkipped}`]),
    ...(r.ratioToGloo !== null ? [`  syncgrad / gloo = ${r.ratioToGloo.toFixed(2)}`] : []),
  ];
}

function formatExchange(r: ExchangeBenchResult): string[] {
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const lines = [
    `exchange (${r.design}): ${r.params.toLocaleString('en-US')} params (${mb(r.gradientBytes)} fp32), ${r.workers} workers, ${r.codec}: median ${r.exchange.medianSeconds.toFixed(3)} s, p90 ${r.exchange.p90Seconds.toFixed(3)} s per step`,
    `  busiest process: ${r.exchange.busiestProcess}, ${mb(r.exchange.busiestBytesPerStep)} per step (${(r.exchange.busiestBytesPerStep / r.gradientBytes).toFixed(2)} × the gradient); in + out ${r.exchange.busiestInOutMBps.toFixed(0)} MB/s, ${(100 * r.exchange.busiestShareOfRaw).toFixed(0)}% of raw (${(100 * r.exchange.busiestShareOfStockRaw).toFixed(0)}% of raw nats.js as shipped)`,
    ...r.exchange.perProcess.map((p) => `    ${p.process.padEnd(16)} in ${mb(p.bytesInPerStep).padStart(9)}  out ${mb(p.bytesOutPerStep).padStart(9)}`),
    `  raw nats.js (${r.nats.server}), two processes, ${r.nats.messages} messages of ${mb(r.nats.messageBytes)}, ${r.nats.inFlight} in flight: pub/sub ${r.nats.pubSubMBps.toFixed(0)} MB/s, pull ${r.nats.pullMBps.toFixed(0)} MB/s with syncgrad's transport; ${r.nats.stock.pubSubMBps.toFixed(0)} and ${r.nats.stock.pullMBps.toFixed(0)} MB/s with nats.js as shipped`,
  ];
  if (r.gloo)
    lines.push(`  gloo all_reduce (torch ${r.gloo.torchVersion}): median ${r.gloo.medianSeconds.toFixed(3)} s; ours / gloo = ${r.ratioToGloo!.toFixed(1)}`);
  else lines.push(`  gloo skipped: ${r.glooSkipped}`);
  return lines;
}
