// Decode + resize rate of the training loader (sharp), to compare with the training rate:
//   node dist/bench/decode-rate.js DATASET_DIR   (ImageFolder layout; npm run build first)
// Prints img/s per output size with 1 and 4 (the default) decodes in flight.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadBatches, SkipLog } from '../common/data/loader.js';
const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: decode-rate.ts DATASET_DIR');
const samples: { path: string; label: number }[] = [];
readdirSync(dir)
  .sort()
  .forEach((cls, label) => readdirSync(join(dir, cls)).forEach((f) => samples.push({ path: join(dir, cls, f), label })));
for (const size of [32, 64, 128, 256]) {
  for (const concurrency of [1, 4]) {
    const order = samples.map((_, i) => i);
    const t0 = performance.now();
    let n = 0;
    for await (const b of loadBatches(samples, order, { imageSize: size, channels: 3, batchSize: 16, prefetch: 2, concurrency }, new SkipLog())) n += b.size;
    const s = (performance.now() - t0) / 1000;
    console.log(JSON.stringify({ size, concurrency, images: n, imgPerSec: +(n / s).toFixed(1) }));
  }
}
