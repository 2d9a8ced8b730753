// A fingerprint of the sample lists, so coordinator and worker can prove they index the same data.
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { DatasetIndex, Sample } from '../data/dataset.js';

/** The split lists with paths relative to the dataset root, '/'-separated: what travels and what is hashed. */
export function relativeLists(index: DatasetIndex): Record<'train' | 'val' | 'test', Sample[]> {
  const rel = (xs: Sample[]) => xs.map((x) => ({ path: relative(index.root, x.path).split(sep).join('/'), label: x.label }));
  return { train: rel(index.train), val: rel(index.val), test: rel(index.test) };
}

export function indexHash(lists: { train: Sample[]; val: Sample[]; test: Sample[] }): string {
  const h = createHash('sha256');
  for (const split of ['train', 'val', 'test'] as const) {
    h.update(`#${split}\n`);
    for (const s of lists[split]) h.update(`${s.label}\t${s.path}\n`);
  }
  return h.digest('hex').slice(0, 16);
}
