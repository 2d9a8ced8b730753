#!/usr/bin/env node
// `npm run bench`: the standard benchmark matrix into bench/results/compute.json: native TensorFlow (1 and 2
// threads), wasm and PyTorch at 64² and 256², training and inference; alternating native/PyTorch
// pairs at 64² batch 16 on one thread; peak RSS at 256² against PyTorch. Every figure comes from a
// fresh process. About 10 minutes on a 2-core Xeon. `--only exchange` runs the exchange matrix at
// the seed's 16,154,950 parameters instead (syncgrad bench exchange, beside gloo and raw NATS)
// into bench/results/exchange.json, about 5 minutes.
// `--only network` (root) runs the exchange on emulated hosts beside gloo into bench/results/network.json, ~10 minutes.
// `--only models` runs the zoo (resnet18 and mobilenet-v2 at 128² batch 16, resnet50 at 224² batch 8),
// training and inference on one thread, native and torchvision's twin alternating, into
// bench/results/models.json, about 10 minutes.
// `--only shards` runs a mixed pair (a native and a wasm worker, a core each) with equal and
// weighted shards against the ideal, three times, into bench/results/shards.json, ~5 minutes.
//   node bench/matrix.mjs [--only train|infer|pairs|memory|exchange|network|shards|models] [--out FILE]
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, only: { type: 'string' }, out: { type: 'string' } },
});
const { backend } = flags;
const only = flags.only ?? null;
const out = flags.out ?? join(root, 'bench', 'results', only === 'exchange' ? 'exchange.json' : only === 'models' ? 'models.json' : 'compute.json');
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version };

// The exchange at the seed's scale: design x workers x codec, each in a fresh process with its own NATS server.
const EXCHANGE = [
  { workers: 2, codec: 'fp32', exchange: 'star' },
  { workers: 2, codec: 'fp32', exchange: 'sharded' },
  { workers: 2, codec: 'bf16', exchange: 'sharded' },
  { workers: 3, codec: 'fp32', exchange: 'sharded' },
  { workers: 4, codec: 'fp32', exchange: 'sharded' },
  { workers: 4, codec: 'bf16', exchange: 'sharded' },
];
if (only === 'exchange') {
  const rows = [];
  for (const e of EXCHANGE) {
    const cmd = [
      join(root, 'bin', 'syncgrad.mjs'),
      'bench',
      'exchange',
      '--params',
      '16154950',
      '--workers',
      String(e.workers),
      '--codec',
      e.codec,
      '--exchange',
      e.exchange,
      '--steps',
      '10',
      '--warmup',
      '2',
      '--backend',
      backend,
      '--json',
    ];
    const r = spawnSync(process.execPath, cmd, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(
        `exchange ${e.exchange} N=${e.workers} ${e.codec} failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ').slice(0, 500)}`,
      );
      rows.push({ ...e, error: `exit ${r.status}` });
      continue;
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    rows.push(j);
    const gloo = j.gloo ? `gloo ${j.gloo.medianSeconds.toFixed(3)} s, ratio ${j.ratioToGloo.toFixed(1)}` : `gloo skipped (${j.glooSkipped})`;
    console.log(
      `exchange ${e.exchange.padEnd(7)} N=${e.workers} ${e.codec.padEnd(4)} median ${j.exchange.medianSeconds.toFixed(3)} s, busiest ${j.exchange.busiestProcess} ${(j.exchange.busiestBytesPerStep / 1e6).toFixed(0)} MB/step (${(j.exchange.busiestBytesPerStep / j.gradientBytes).toFixed(2)}x), in+out ${j.exchange.busiestInOutMBps.toFixed(0)} MB/s = ${(100 * j.exchange.busiestShareOfRaw).toFixed(0)}% of raw (${(100 * j.exchange.busiestShareOfStockRaw).toFixed(0)}% of stock) | ${gloo} | NATS pub/sub ${j.nats.pubSubMBps.toFixed(0)} MB/s, pull ${j.nats.pullMBps.toFixed(0)} MB/s (stock nats.js ${j.nats.stock.pubSubMBps.toFixed(0)}, ${j.nats.stock.pullMBps.toFixed(0)})`,
    );
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, note: 'syncgrad bench exchange: exchange = latest gradient ready -> latest replica holding the next weights; gloo = torch.distributed all_reduce of the same floats, same process count, this run', rows }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
  process.exit(0);
}

// The exchange on emulated hosts (root): N hosts in network namespaces with tbf-shaped links, a
// NATS server per host or one for all, beside gloo in the same namespaces, into
// bench/results/network.json. gloo does not depend on the layout or our codec, so it runs once per
// host count and link rate (in the per-host fp32 row) and the other rows take its figure.
if (only === 'network') {
  const NETWORK = [];
  for (const hosts of [2, 4]) {
    for (const link of ['1gbit', '2.5gbit']) {
      for (const layout of ['per-host', 'single']) {
        for (const codec of ['fp32', 'bf16']) NETWORK.push({ hosts, link, layout, codec, workersPerHost: 1, gloo: layout === 'per-host' && codec === 'fp32' });
      }
    }
  }
  NETWORK.push({ hosts: 2, link: '1gbit', layout: 'per-host', codec: 'fp32', workersPerHost: 2, gloo: true });
  const rows = [];
  const glooOf = new Map();
  for (const e of NETWORK) {
    const args = [
      join(root, 'bin', 'syncgrad.mjs'),
      'bench',
      'exchange',
      '--hosts',
      String(e.hosts),
      '--workers-per-host',
      String(e.workersPerHost),
      '--link',
      e.link,
      '--layout',
      e.layout,
      '--codec',
      e.codec,
      '--params',
      '16154950',
      '--steps',
      '8',
      '--warmup',
      '2',
      '--json',
      ...(e.gloo ? [] : ['--no-torch']),
    ];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(`network ${JSON.stringify(e)} failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ').slice(0, 500)}`);
      rows.push({ ...e, error: `exit ${r.status}` });
      continue;
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    const key = `${e.hosts}x${e.workersPerHost}@${e.link}`;
    if (j.gloo) glooOf.set(key, j.gloo);
    const gloo = j.gloo ?? glooOf.get(key) ?? null;
    const row = {
      ...j,
      glooFromRow: j.gloo ? null : gloo ? 'per-host fp32' : null,
      gloo,
      ratioToGloo: gloo ? j.syncgrad.medianSeconds / gloo.medianSeconds : null,
    };
    rows.push(row);
    const cpu = Object.values(j.syncgrad.cpuSecondsPerStep).reduce((a, b) => a + b, 0);
    console.log(
      `network N=${e.hosts}${e.workersPerHost > 1 ? `×${e.workersPerHost}` : ''} ${e.link.padEnd(7)} ${e.layout.padEnd(8)} ${e.codec}: ${j.syncgrad.medianSeconds.toFixed(3)} s, busiest link ${(j.syncgrad.maxHostBytesPerStep / 1e6).toFixed(1)} MB (${(j.syncgrad.maxHostBytesPerStep / j.ring.bytesPerHost).toFixed(3)}× ring), ${j.syncgrad.repairs} repairs, ${cpu.toFixed(2)} CPU-s/step | ring ${j.ring.seconds.toFixed(3)} s | gloo ${gloo ? gloo.medianSeconds.toFixed(3) : '-'} s, ratio ${row.ratioToGloo ? row.ratioToGloo.toFixed(2) : '-'}`,
    );
  }
  const file = flags.out ?? join(root, 'bench', 'results', 'network.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, note: 'syncgrad bench exchange --hosts: emulated hosts (network namespaces, tbf at the link rate, burst max(128 KiB, rate x 2 ms), 10 ms queue, both directions); step = latest gradient ready -> latest replica holding the next weights; gloo = torch.distributed all_reduce of the same fp32 floats, one rank per worker, in the same namespaces; bytes per host from the interface counters', rows }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
  process.exit(0);
}

// A mixed cluster (syncgrad bench shards): equal and weighted shards against the ideal, each
// sitting in a fresh process, three sittings.
if (only === 'shards') {
  const rows = [];
  for (let i = 0; i < 3; i++) {
    const j = syncgrad(['bench', 'shards', '--steps', '8', '--warmup', '3']);
    if (j.error) {
      console.error(`shards sitting ${i + 1} failed (${j.error})`);
      process.exit(1);
    }
    rows.push(j);
    console.log(
      `shards sitting ${i + 1}: ${j.workers.map((w) => `${w.name} ${w.aloneImagesPerSecond.toFixed(1)} img/s`).join(', ')} (${j.speedRatio.toFixed(2)}x apart), ideal ${j.idealSeconds.toFixed(3)} s | equal ${j.equal.medianStepSeconds.toFixed(3)} s (${j.equal.ratioToIdeal.toFixed(2)}x) | weighted ${j.weighted.medianStepSeconds.toFixed(3)} s (${j.weighted.ratioToIdeal.toFixed(2)}x), cut ${j.weighted.commonCut.join('/')}`,
    );
  }
  const file = flags.out ?? join(root, 'bench', 'results', 'shards.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, note: 'syncgrad bench shards: a native-TensorFlow and a wasm worker, --threads 1 and one core (taskset) each, 64² batch 32; rates alone = batch / median compute seconds of the whole batch on that worker alone; ideal = batch / sum of rates; step = slowest shard compute + exchange, median of 8 after 3 warm-up steps', rows }, null, 2)}\n`,
  );
  console.log(`wrote ${file}`);
  process.exit(0);
}

// The compute matrix: native TensorFlow at 1 and 2 threads, wasm (1 thread), and PyTorch at the
// same thread counts with its fastest allocator settings, at 64² and 256², training and inference.
// Each row runs `syncgrad bench` in a fresh process (peak RSS is per process); the PyTorch
// reference runs inside the same row, right after ours.
const SIZES = [
  { imageSize: 64, batchSize: 16, train: { steps: 3, repeats: 3, warmup: 1 }, infer: { steps: 6, repeats: 3, warmup: 1 } },
  { imageSize: 256, batchSize: 4, train: { steps: 1, repeats: 3, warmup: 1 }, infer: { steps: 2, repeats: 3, warmup: 1 } },
];
const ENGINES = [
  { backend: 'tensorflow', threads: 1, torch: true },
  { backend: 'tensorflow', threads: 2, torch: true },
  { backend: 'wasm', threads: 1, torch: false },
];
/** Alternating head-to-head pairs, native and PyTorch at 64² batch 16 on one thread (the issue's bar). */
const PAIRS = 5;
/** Batches whose peak RSS at 256² is compared with PyTorch's, each in its own process. */
const MEMORY_BATCHES = [2, 4, 8];

function syncgrad(args) {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'syncgrad.mjs'), ...args, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: `exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ').slice(0, 500)}` };
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const { runTorchReference } = await import(new URL('../dist/bench/torch.js', import.meta.url).href);

// The zoo beside torchvision (Debian's torch 1.13 with its torchvision 0.14), one thread each, in
// alternating pairs: each pair is a fresh syncgrad process, then a fresh PyTorch one. With
// SYNCGRAD_PIP_TORCH=/path/to/python (a venv with pip's torch==2.13.0+cpu, which runs the same
// models from bench/python/zoo_models.py), that PyTorch runs too, and the faster one is the reference.
const PIP_TORCH = process.env.SYNCGRAD_PIP_TORCH ?? null;
const MODELS = [
  { model: 'resnet18', imageSize: 128, batchSize: 16, steps: 3, repeats: 3, pairs: 3 },
  { model: 'mobilenet-v2', imageSize: 128, batchSize: 16, steps: 3, repeats: 3, pairs: 2 },
  { model: 'resnet50', imageSize: 224, batchSize: 8, steps: 2, repeats: 2, pairs: 1 },
];
if (only === 'models') {
  const t0 = Date.now();
  const results = [];
  for (const m of MODELS) {
    for (const mode of ['train', 'infer']) {
      const runs = [];
      for (let i = 0; i < m.pairs; i++) {
        const common = [
          '--image-size',
          String(m.imageSize),
          '--batch-size',
          String(m.batchSize),
          '--steps',
          String(m.steps),
          '--repeats',
          String(m.repeats),
          '--warmup',
          '1',
          '--threads',
          '1',
        ];
        const ours = syncgrad(['bench', mode, '--model', m.model, ...common, '--backend', 'tensorflow', '--no-torch']);
        if (ours.error) {
          console.error(`${m.model} ${mode} failed: ${ours.error}`);
          break;
        }
        const ref = { mode, model: m.model, imageSize: m.imageSize, batchSize: m.batchSize, steps: m.steps, repeats: m.repeats, warmup: 1, threads: 1 };
        const torch = runTorchReference(ref);
        const pip = PIP_TORCH ? runTorchReference({ ...ref, python: PIP_TORCH }) : null;
        runs.push({
          ours: ours.ours.imgPerSec,
          oursRssMb: ours.ours.peakRssMb,
          torch: torch.imgPerSec,
          torchRssMb: torch.peakRssMb,
          torchVersion: torch.torchVersion,
          ...(pip ? { pipTorch: pip.imgPerSec, pipTorchRssMb: pip.peakRssMb, pipTorchVersion: pip.torchVersion } : {}),
        });
        console.log(
          `${m.model} ${mode} ${m.imageSize}² b${m.batchSize} pair ${i + 1}: native ${ours.ours.imgPerSec.toFixed(2)} img/s (${ours.ours.peakRssMb.toFixed(0)} MB), PyTorch ${torch.torchVersion} ${torch.imgPerSec.toFixed(2)} img/s (${torch.peakRssMb.toFixed(0)} MB)` +
            (pip ? `, PyTorch ${pip.torchVersion} ${pip.imgPerSec.toFixed(2)} img/s (${pip.peakRssMb.toFixed(0)} MB)` : ''),
        );
      }
      if (runs.length === 0) continue;
      const med = (xs) => {
        const s = [...xs].sort((a, b) => a - b);
        return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
      };
      const row = { ...m, mode, runs, nativeMedian: med(runs.map((r) => r.ours)), torchMedian: med(runs.map((r) => r.torch)) };
      if (PIP_TORCH) row.pipTorchMedian = med(runs.map((r) => r.pipTorch));
      // The reference is the faster of the two PyTorch builds.
      row.referenceMedian = Math.max(row.torchMedian, row.pipTorchMedian ?? 0);
      row.ratio = row.nativeMedian / row.referenceMedian;
      results.push(row);
      console.log(
        `${m.model} ${mode}: native/PyTorch ${row.ratio.toFixed(2)} (medians ${row.nativeMedian.toFixed(2)} / ${row.referenceMedian.toFixed(2)} img/s, the faster PyTorch)`,
      );
    }
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, note: 'syncgrad bench train|infer --model: native TensorFlow on 1 thread against torchvision (Debian torch 1.13, torchvision 0.14) and, with SYNCGRAD_PIP_TORCH, pip torch 2.13 (bench/python/zoo_models.py), each on 1 thread with its fastest allocator settings; ratio = native / the faster PyTorch; pairs alternate, each a fresh process', seconds: (Date.now() - t0) / 1000, rows: results }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
  process.exit(0);
}
const t0 = Date.now();
const rows = [];
if (!only || only === 'train' || only === 'infer') {
  for (const m of SIZES) {
    for (const mode of ['train', 'infer']) {
      if (only && only !== mode) continue;
      const p = m[mode];
      for (const e of ENGINES) {
        const t = Date.now();
        const args = [
          'bench',
          mode,
          '--image-size',
          String(m.imageSize),
          '--batch-size',
          String(m.batchSize),
          '--steps',
          String(p.steps),
          '--repeats',
          String(p.repeats),
          '--warmup',
          String(p.warmup),
          '--backend',
          e.backend,
          '--threads',
          String(e.threads),
          ...(e.torch ? [] : ['--no-torch']),
        ];
        const row = syncgrad(args);
        const base = { mode, imageSize: m.imageSize, batchSize: m.batchSize, backend: e.backend, threads: e.threads, steps: p.steps, repeats: p.repeats };
        if (row.error) {
          console.error(`${mode} ${m.imageSize}² ${e.backend} ${e.threads}t failed (${row.error})`);
          rows.push({ ...base, error: row.error });
          continue;
        }
        const o = row.ours;
        rows.push({
          ...base,
          ours: { imgPerSec: o.imgPerSec, repeats: o.repeatImgPerSec, gflops: o.gflops, peakRssMb: o.peakRssMb, backend: o.backend, threads: o.threads },
          torch: row.torch
            ? {
                imgPerSec: row.torch.imgPerSec,
                repeats: row.torch.repeatImgPerSec,
                peakRssMb: row.torch.peakRssMb,
                version: row.torch.torchVersion,
                threads: row.torch.threads,
              }
            : null,
          ratio: row.ratio,
          torchSkipped: row.torchSkipped,
          seconds: (Date.now() - t) / 1000,
        });
        const torchText = row.torch
          ? `PyTorch ${row.torch.imgPerSec.toFixed(2)} img/s (${row.torch.peakRssMb.toFixed(0)} MB), ratio ${row.ratio.toFixed(2)}`
          : row.torchSkipped
            ? `PyTorch skipped (${row.torchSkipped})`
            : '';
        console.log(
          `${mode.padEnd(5)} ${String(m.imageSize).padStart(3)}² b${String(m.batchSize).padEnd(2)} ${e.backend.padEnd(10)} ${e.threads}t  ${o.imgPerSec.toFixed(2).padStart(7)} img/s  RSS ${o.peakRssMb.toFixed(0).padStart(5)} MB | ${torchText}  (${((Date.now() - t) / 1000).toFixed(0)} s)`,
        );
      }
    }
  }
}

// Head-to-head: native and PyTorch alternate, so both see the same drift of a shared machine.
const pairs = [];
if (!only || only === 'pairs') {
  const args = ['bench', 'train', '--image-size', '64', '--batch-size', '16', '--steps', '3', '--repeats', '3', '--warmup', '1', '--threads', '1'];
  for (let i = 0; i < PAIRS; i++) {
    const native = syncgrad([...args, '--backend', 'tensorflow', '--no-torch']);
    if (native.error) {
      console.error(`pair ${i + 1} failed: ${native.error}`);
      continue;
    }
    const torch = runTorchReference({ mode: 'train', imageSize: 64, batchSize: 16, steps: 3, repeats: 3, warmup: 1, threads: 1 });
    pairs.push({ native: native.ours.imgPerSec, torch: torch.imgPerSec });
    console.log(`pair ${i + 1}: native ${native.ours.imgPerSec.toFixed(2)} img/s, PyTorch ${torch.imgPerSec.toFixed(2)} img/s (64² b16, 1 thread)`);
  }
}

// Peak RSS at 256², native against PyTorch, one process per figure.
const memory = [];
if (!only || only === 'memory') {
  for (const b of MEMORY_BATCHES) {
    const row = syncgrad([
      'bench',
      'train',
      '--image-size',
      '256',
      '--batch-size',
      String(b),
      '--steps',
      '1',
      '--repeats',
      '1',
      '--warmup',
      '1',
      '--backend',
      'tensorflow',
      '--threads',
      '2',
    ]);
    if (row.error) {
      console.error(`memory 256² b${b} failed (${row.error})`);
      memory.push({ batchSize: b, error: row.error });
      continue;
    }
    const entry = {
      batchSize: b,
      nativeMb: row.ours.peakRssMb,
      torchMb: row.torch?.peakRssMb ?? null,
      nativeImgPerSec: row.ours.imgPerSec,
      torchImgPerSec: row.torch?.imgPerSec ?? null,
    };
    memory.push(entry);
    console.log(
      `memory 256² b${b}: native ${entry.nativeMb.toFixed(0)} MB, PyTorch ${entry.torchMb?.toFixed(0) ?? '-'} MB${entry.torchMb ? ` (${(entry.nativeMb / entry.torchMb).toFixed(2)}x)` : ''} (2 threads each)`,
    );
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = pairs.length ? { nativeMedian: median(pairs.map((p) => p.native)), torchMedian: median(pairs.map((p) => p.torch)) } : null;
if (summary) {
  summary.ratio = summary.nativeMedian / summary.torchMedian;
  console.log(
    `head-to-head (64² b16, 1 thread, ${pairs.length} alternating pairs): native ${summary.nativeMedian.toFixed(2)} img/s, PyTorch ${summary.torchMedian.toFixed(2)} img/s, native/PyTorch ${summary.ratio.toFixed(2)}`,
  );
}

const result = {
  date: new Date().toISOString(),
  machine,
  note: 'img/s = median over repeats of (steps x batch) / wall time; train = forward + backward + Adam; ratio = ours / PyTorch at the same thread count, run right after ours in the same row; PyTorch runs with MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=100000000000 (its fastest here); pairs alternate native and PyTorch; memory = peak RSS of one training process',
  seconds: (Date.now() - t0) / 1000,
  rows,
  pairs: { runs: pairs, ...summary },
  memory,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
