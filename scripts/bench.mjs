#!/usr/bin/env node
// `npm run bench`: the standard benchmark matrix. Each row runs `syncgrad bench` in a fresh process
// (so peak RSS is per row), ours and PyTorch (bench/torch_reference.py, one thread) side by side,
// and everything lands in bench/results.json. About 5 minutes on a 2-core Xeon. `--only exchange`
// runs the exchange matrix at the seed's 16,154,950 parameters instead (syncgrad bench exchange,
// beside gloo and raw NATS) into bench/exchange-results.json, about 5 minutes.
//   node scripts/bench.mjs [--backend wasm] [--only train|infer|exchange] [--out FILE]
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
const out = flags.out ?? join(root, 'bench', only === 'exchange' ? 'exchange-results.json' : 'results.json');
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
    const cmd = [join(root, 'bin', 'syncgrad.mjs'), 'bench', 'exchange', '--params', '16154950', '--workers', String(e.workers), '--codec', e.codec, '--exchange', e.exchange, '--steps', '10', '--warmup', '2', '--backend', backend, '--json'];
    const r = spawnSync(process.execPath, cmd, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(`exchange ${e.exchange} N=${e.workers} ${e.codec} failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ').slice(0, 500)}`);
      rows.push({ ...e, error: `exit ${r.status}` });
      continue;
    }
    const j = JSON.parse(r.stdout.trim().split('\n').pop());
    rows.push(j);
    const gloo = j.gloo ? `gloo ${j.gloo.medianSeconds.toFixed(3)} s, ratio ${j.ratioToGloo.toFixed(1)}` : `gloo skipped (${j.glooSkipped})`;
    console.log(`exchange ${e.exchange.padEnd(7)} N=${e.workers} ${e.codec.padEnd(4)} median ${j.exchange.medianSeconds.toFixed(3)} s, busiest ${j.exchange.busiestProcess} ${(j.exchange.busiestBytesPerStep / 1e6).toFixed(0)} MB/step (${(j.exchange.busiestBytesPerStep / j.gradientBytes).toFixed(2)}x), in+out ${j.exchange.busiestInOutMBps.toFixed(0)} MB/s = ${(100 * j.exchange.busiestShareOfRaw).toFixed(0)}% of raw (${(100 * j.exchange.busiestShareOfStockRaw).toFixed(0)}% of stock) | ${gloo} | NATS pub/sub ${j.nats.pubSubMBps.toFixed(0)} MB/s, pull ${j.nats.pullMBps.toFixed(0)} MB/s (stock nats.js ${j.nats.stock.pubSubMBps.toFixed(0)}, ${j.nats.stock.pullMBps.toFixed(0)})`);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, note: 'syncgrad bench exchange: exchange = latest gradient ready -> latest replica holding the next weights; gloo = torch.distributed all_reduce of the same floats, same process count, this run', rows }, null, 2)}\n`);
  console.log(`wrote ${out}`);
  process.exit(0);
}

// image size, batch size, steps per repeat, repeats, warm-up steps (per mode).
const MATRIX = [
  { imageSize: 32, batchSize: 16, train: { steps: 4, repeats: 3, warmup: 1 }, infer: { steps: 8, repeats: 3, warmup: 1 } },
  { imageSize: 64, batchSize: 16, train: { steps: 2, repeats: 3, warmup: 1 }, infer: { steps: 4, repeats: 3, warmup: 1 } },
  { imageSize: 128, batchSize: 4, train: { steps: 2, repeats: 3, warmup: 2 }, infer: { steps: 4, repeats: 3, warmup: 1 } },
  { imageSize: 256, batchSize: 4, train: { steps: 1, repeats: 3, warmup: 2 }, infer: { steps: 2, repeats: 3, warmup: 1 } },
];

const rows = [];
for (const m of MATRIX) {
  for (const mode of ['train', 'infer']) {
    if (only && only !== mode) continue;
    const p = m[mode];
    const cmd = [
      join(root, 'bin', 'syncgrad.mjs'), 'bench', mode,
      '--image-size', String(m.imageSize), '--batch-size', String(m.batchSize),
      '--steps', String(p.steps), '--repeats', String(p.repeats), '--warmup', String(p.warmup),
      '--backend', backend, '--json',
    ];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, cmd, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) {
      console.error(`${mode} ${m.imageSize}² failed (exit ${r.status}): ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ').slice(0, 500)}`);
      rows.push({ mode, imageSize: m.imageSize, batchSize: m.batchSize, error: `exit ${r.status}` });
      continue;
    }
    const row = JSON.parse(r.stdout.trim().split('\n').pop());
    const o = row.ours;
    rows.push({
      mode, imageSize: m.imageSize, batchSize: m.batchSize, steps: p.steps, repeats: p.repeats,
      ours: { imgPerSec: o.imgPerSec, repeats: o.repeatImgPerSec, gflops: o.gflops, peakRssMb: o.peakRssMb, backend: o.backend, threads: o.threads },
      torch: row.torch ? { imgPerSec: row.torch.imgPerSec, repeats: row.torch.repeatImgPerSec, peakRssMb: row.torch.peakRssMb, version: row.torch.torchVersion, threads: row.torch.threads } : null,
      ratio: row.ratio,
      torchSkipped: row.torchSkipped,
      flopsPerImage: o.flopsPerImage,
      seconds: (Date.now() - t0) / 1000,
    });
    const last = rows[rows.length - 1];
    const torchText = last.torch ? `PyTorch ${last.torch.imgPerSec.toFixed(2)} img/s, ratio ${last.ratio.toFixed(2)}` : `PyTorch skipped (${last.torchSkipped ?? 'n/a'})`;
    console.log(
      `${mode.padEnd(5)} ${String(m.imageSize).padStart(3)}² b${String(m.batchSize).padEnd(2)}  ours ${o.imgPerSec.toFixed(2).padStart(7)} img/s ` +
        `${o.gflops.toFixed(1).padStart(5)} GFLOP/s  RSS ${o.peakRssMb.toFixed(0).padStart(5)} MB | ${torchText}  (${last.seconds.toFixed(0)} s)`,
    );
  }
}

const result = {
  date: new Date().toISOString(),
  machine,
  backend,
  note: 'img/s = median over repeats of (steps x batch) / wall time; train = forward + backward + Adam; ratio = ours / PyTorch 1-thread, measured back to back in this run',
  rows,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
