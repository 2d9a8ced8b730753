// Finds the images of a dataset directory and decides which belong to train, val and test.
// Two layouts are understood:
//   folder:   DIR/<class>/<image>                  (torchvision ImageFolder)
//   presplit: DIR/{train,val,test}/<class>/<image> (the user already split it)
// Splits must be reproducible across machines and runs, because every worker indexes the same
// directory on its own and must agree on the split without talking to the others. So nothing
// here depends on readdir order, the locale or the clock: names are sorted by code point and
// every random choice comes from the seed.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { ConfigError, DataError } from '../errors.js';
import { Rng } from '../rng.js';

/** Lower-case extensions scanned. `.bmp` is listed although sharp cannot decode it: such files are indexed and then skipped as unreadable by the loader, which says so, rather than vanishing silently. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.bmp'];

export interface Sample {
  path: string;
  label: number;
}

export interface DatasetIndex {
  /** Absolute path of the dataset directory. */
  root: string;
  /** Class names sorted by code point; a label is an index into this. */
  classes: string[];
  train: Sample[];
  val: Sample[];
  test: Sample[];
  layout: 'folder' | 'presplit';
}

export interface SplitOptions {
  /** Fraction of each class held out for validation. */
  valFraction: number;
  /** Fraction of each class held out for test. */
  testFraction: number;
  seed: number;
}

export const DEFAULT_VAL_FRACTION = 0.1;
export const DEFAULT_TEST_FRACTION = 0.1;
export const DEFAULT_SPLIT_SEED = 42;

export function defaultSplitOptions(): SplitOptions {
  return { valFraction: DEFAULT_VAL_FRACTION, testFraction: DEFAULT_TEST_FRACTION, seed: DEFAULT_SPLIT_SEED };
}

/** Folder names accepted for each split in the presplit layout. `valid` and `validation` are common in downloaded datasets; without them such a dataset would be read as three classes named train/valid/test. */
const SPLIT_DIR_NAMES = {
  train: ['train'],
  val: ['val', 'valid', 'validation'],
  test: ['test'],
} as const;

type SplitName = keyof typeof SPLIT_DIR_NAMES;

const IMAGE_EXTENSION_SET = new Set(IMAGE_EXTENSIONS);

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSION_SET.has(extname(name).toLowerCase());
}

/**
 * Indexes `dir` and splits it. In the folder layout every class is split on its own (stratified),
 * so small classes are represented in val and test in proportion and always keep a train sample.
 */
export async function indexDataset(dir: string, options?: Partial<SplitOptions>): Promise<DatasetIndex> {
  const opts = resolveSplitOptions(options);
  const root = resolve(dir);
  await assertDirectory(root);

  const entries = await listVisible(root);
  const subdirs = entries.filter((e) => e.kind === 'dir').map((e) => e.name);
  const splitDirs = detectPresplit(root, subdirs);

  if (splitDirs === null) {
    const byClass = await readClassFolders(root);
    const classes = [...byClass.keys()];
    return { root, classes, layout: 'folder', ...stratifiedSplit(byClass, classes, opts.valFraction, opts.testFraction, opts.seed) };
  }

  const trainDir = join(root, splitDirs.train);
  const trainByClass = await readClassFolders(trainDir);
  const classes = [...trainByClass.keys()];
  const given: Partial<Record<'val' | 'test', Map<string, string[]>>> = {};
  for (const split of ['val', 'test'] as const) {
    const name = splitDirs[split];
    if (name === undefined) continue;
    const splitDir = join(root, name);
    const byClass = await readClassFolders(splitDir);
    assertSameClasses(splitDir, [...byClass.keys()], trainDir, classes);
    given[split] = byClass;
  }

  // A missing val or test split is carved out of train, stratified and seeded exactly like the
  // folder layout, with the fractions taken of the train folder. The alternative, an empty split,
  // would make validation-based early stopping or the final test report silently meaningless;
  // users who want all of train to train on can pass a fraction of 0.
  const carved = stratifiedSplit(
    trainByClass,
    classes,
    given.val ? 0 : opts.valFraction,
    given.test ? 0 : opts.testFraction,
    opts.seed,
  );
  return {
    root,
    classes,
    layout: 'presplit',
    train: carved.train,
    val: given.val ? toSamples(given.val, classes) : carved.val,
    test: given.test ? toSamples(given.test, classes) : carved.test,
  };
}

function resolveSplitOptions(options: Partial<SplitOptions> | undefined): SplitOptions {
  const opts = { ...defaultSplitOptions(), ...stripUndefined(options ?? {}) };
  for (const key of ['valFraction', 'testFraction'] as const) {
    const v = opts[key];
    if (!Number.isFinite(v) || v < 0 || v >= 1) throw new ConfigError(`${key} must be in [0, 1), got ${v}`);
  }
  if (opts.valFraction + opts.testFraction >= 1) {
    throw new ConfigError(`valFraction + testFraction must be below 1, got ${opts.valFraction} + ${opts.testFraction}`);
  }
  if (!Number.isSafeInteger(opts.seed)) throw new ConfigError(`split seed must be an integer, got ${opts.seed}`);
  return opts;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function assertDirectory(path: string): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new DataError(path, 'dataset directory not found', { cause: e });
    throw new DataError(path, 'cannot read dataset directory', { cause: e });
  }
  if (!st.isDirectory()) throw new DataError(path, 'dataset path is a file, not a directory');
}

/** Returns the split folder names when `root` is in the presplit layout, else null. It is presplit only when `train/` exists and every visible folder is a split name, so a folder-layout dataset that has a class called "train" (vehicles) is still read as classes. */
function detectPresplit(root: string, subdirs: string[]): { train: string; val?: string; test?: string } | null {
  if (!subdirs.includes('train')) return null;
  const found: Partial<Record<SplitName, string>> = {};
  for (const name of subdirs) {
    const split = (Object.keys(SPLIT_DIR_NAMES) as SplitName[]).find((s) =>
      (SPLIT_DIR_NAMES[s] as readonly string[]).includes(name),
    );
    if (split === undefined) return null;
    if (found[split] !== undefined) {
      throw new DataError(root, `both ${found[split]}/ and ${name}/ are present; keep one ${split} folder`);
    }
    found[split] = name;
  }
  return { train: 'train', val: found.val, test: found.test };
}

interface Entry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
}

/** Non-hidden entries, sorted by code point, with symlinks followed (datasets are often assembled from links). Broken links and sockets and the like are dropped. */
async function listVisible(dir: string): Promise<Entry[]> {
  let dirents;
  try {
    dirents = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new DataError(dir, 'cannot read directory', { cause: e });
  }
  const out: Entry[] = [];
  for (const d of dirents) {
    if (d.name.startsWith('.')) continue;
    const path = join(dir, d.name);
    let isDir = d.isDirectory();
    let isFile = d.isFile();
    if (d.isSymbolicLink()) {
      try {
        const st = await stat(path);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue;
      }
    }
    if (isDir) out.push({ name: d.name, path, kind: 'dir' });
    else if (isFile) out.push({ name: d.name, path, kind: 'file' });
  }
  return out.sort((a, b) => compareCodePoints(a.name, b.name));
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Images under a class folder. Recursive, like torchvision's ImageFolder, so `cat/2019/x.jpg` and
 * `cat/x.jpg` are both cats; the nesting carries no meaning. `depth` caps runaway symlink loops.
 */
async function listImages(dir: string, depth = 0): Promise<string[]> {
  if (depth > 32) throw new DataError(dir, 'folders nested too deeply (symlink loop?)');
  const out: string[] = [];
  for (const e of await listVisible(dir)) {
    if (e.kind === 'dir') out.push(...(await listImages(e.path, depth + 1)));
    else if (isImageFile(e.name)) out.push(e.path);
  }
  return out;
}

/** Class name → sorted image paths, classes in code-point order. */
async function readClassFolders(dir: string): Promise<Map<string, string[]>> {
  const entries = await listVisible(dir);
  const classDirs = entries.filter((e) => e.kind === 'dir');
  if (classDirs.length === 0) {
    const loose = entries.some((e) => e.kind === 'file' && isImageFile(e.name));
    throw new DataError(
      dir,
      loose
        ? 'no images found in class folders (images lying directly in the directory must go into one folder per class)'
        : 'no images found (expected one folder per class)',
    );
  }
  const byClass = new Map<string, string[]>();
  for (const c of classDirs) byClass.set(c.name, (await listImages(c.path)).sort(compareCodePoints));
  // One empty class is a mistake in that folder; all of them empty means the wrong directory.
  if ([...byClass.values()].every((files) => files.length === 0)) {
    throw new DataError(dir, `no images found (looked for ${IMAGE_EXTENSIONS.join(' ')} in ${classDirs.length} class folders)`);
  }
  const empty = classDirs.find((c) => byClass.get(c.name)!.length === 0);
  if (empty) throw new DataError(empty.path, 'class folder has no images');
  return byClass;
}

function assertSameClasses(splitDir: string, got: string[], trainDir: string, want: string[]): void {
  const missing = want.filter((c) => !got.includes(c));
  const extra = got.filter((c) => !want.includes(c));
  if (missing.length === 0 && extra.length === 0) return;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing: ${missing.join(', ')}`);
  if (extra.length > 0) parts.push(`extra: ${extra.join(', ')}`);
  throw new DataError(splitDir, `class folders differ from ${trainDir} (${parts.join('; ')})`);
}

function toSamples(byClass: Map<string, string[]>, classes: string[]): Sample[] {
  return classes.flatMap((c, label) => (byClass.get(c) ?? []).map((path) => ({ path, label })));
}

/**
 * Per class: sorted paths, shuffled by a stream derived from (seed, class name), then the first
 * round(n*test) go to test, the next round(n*val) to val, the rest to train. Deriving the stream
 * from the class name keeps a class's split unchanged when another class gains or loses images.
 * Each split is returned class by class, paths sorted, so it reads the same however it was drawn.
 */
function stratifiedSplit(
  byClass: Map<string, string[]>,
  classes: string[],
  valFraction: number,
  testFraction: number,
  seed: number,
): { train: Sample[]; val: Sample[]; test: Sample[] } {
  const train: Sample[] = [];
  const val: Sample[] = [];
  const test: Sample[] = [];
  classes.forEach((className, label) => {
    const files = [...(byClass.get(className) ?? [])].sort(compareCodePoints);
    const n = files.length;
    let nTest = Math.round(n * testFraction);
    let nVal = Math.round(n * valFraction);
    // Training needs every class: give back val first, since test is the number people report.
    while (n >= 1 && nTest + nVal > n - 1) {
      if (nVal > 0) nVal--;
      else nTest--;
    }
    Rng.derive(seed, 'split', className).shuffle(files);
    const take = (from: number, to: number) => files.slice(from, to).sort(compareCodePoints).map((path) => ({ path, label }));
    test.push(...take(0, nTest));
    val.push(...take(nTest, nTest + nVal));
    train.push(...take(nTest + nVal, n));
  });
  return { train, val, test };
}
