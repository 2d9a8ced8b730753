// The quick start's dataset folder (`syncgrad start`): the shapes set made when it is missing,
// kept when it is this version's, remade when an older generator made it, and never touched when
// it holds anything else.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Io } from '../common/console/io.js';
import { DEFAULT_PER_CLASS, DEFAULT_SEED, DEFAULT_SIZE, SHAPE_CLASSES, SHAPES_MARKER, SHAPES_VERSION, makeShapesDataset, readShapesMarker } from './shapes.js';

export const DEFAULT_DEMO_DATA = 'data/shapes';
/** 500 images per class at 64 px (3,000 images), what the demo preset is tuned on. */
export const DEMO_PER_CLASS = DEFAULT_PER_CLASS;
export const DEMO_IMAGE_PX = DEFAULT_SIZE;
export const DEMO_SEED = DEFAULT_SEED;

export type DemoDataState = 'missing' | 'current' | 'stale' | 'foreign';

/**
 * What to do with the default demo folder: make it when absent, keep it when its marker matches
 * this version's demo set, remake it when it is a shapes set of another version (or one made
 * before markers existed: only the six shape folders). Anything else is the user's: keep it.
 */
export async function demoDatasetState(dir: string): Promise<DemoDataState> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.'));
  } catch {
    return 'missing';
  }
  if (names.length === 0) return 'missing';
  const m = await readShapesMarker(dir);
  if (m) return m.version === SHAPES_VERSION && m.perClass === DEMO_PER_CLASS && m.size === DEMO_IMAGE_PX && m.seed === DEMO_SEED ? 'current' : 'stale';
  const shapeDirs = new Set<string>(SHAPE_CLASSES);
  return names.every((n) => shapeDirs.has(n)) ? 'stale' : 'foreign';
}

/** Makes (or remakes) the demo set in `dir` when its state asks for it. */
export async function ensureDemoDataset(dir: string, state: DemoDataState, io: Io): Promise<void> {
  if (state !== 'missing' && state !== 'stale') return;
  if (state === 'stale') {
    io.err(`${dir} was made by another version of the shapes generator; making it again`);
    await Promise.all([...SHAPE_CLASSES, SHAPES_MARKER].map((n) => rm(join(dir, n), { recursive: true, force: true })));
  }
  io.err(`making the shapes demo dataset in ${dir} ...`);
  const r = await makeShapesDataset({ out: dir, perClass: DEMO_PER_CLASS, size: DEMO_IMAGE_PX, seed: DEMO_SEED });
  io.err(`wrote ${r.count} images`);
}
