#!/usr/bin/env node
// `npm run bench`: the standard benchmark matrix. Each row runs `syncgrad bench` in a fresh process
// (so peak RSS is per row), ours and PyTorch (bench/torch_reference.py, one thread) side by side,
// and everything lands in bench/results.json. About 5 minutes on a 2-core Xeon.
//   node scripts/bench.mjs [--backend wasm] [--only train|infer] [--out bench/results.json]
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, only: { type: 'string' }, out: { type: 'string', default: join(root, 'bench', 'results.json') } },
});
const { backend, out } = flags;
const only = flags.only ?? null;

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
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version },
  backend,
  note: 'img/s = median over repeats of (steps x batch) / wall time; train = forward + backward + Adam; ratio = ours / PyTorch 1-thread, measured back to back in this run',
  rows,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out}`);
