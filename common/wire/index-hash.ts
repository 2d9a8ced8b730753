// A fingerprint of the sample lists, so coordinator and worker can prove they index the same data.
import { createHash } from 'node:crypto';
import type { Sample } from '../data/dataset.js';

export function indexHash(lists: { train: Sample[]; val: Sample[]; test: Sample[] }): string {
  const h = createHash('sha256');
  for (const split of ['train', 'val', 'test'] as const) {
    h.update(`#${split}\n`);
    for (const s of lists[split]) h.update(`${s.label}\t${s.path}\n`);
  }
  return h.digest('hex').slice(0, 16);
}
