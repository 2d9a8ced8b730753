// Every user error the CLI can meet prints one clean line naming the thing, with no stack trace,
// and a non-zero exit code. Runs `main(argv)` in-process against real files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, tempDir, tinyShapes, type CliResult, type TempDir } from './helpers/fixtures.js';
import { TEST_BACKEND } from './helpers/backend.js';

let tmp: TempDir;
let shapes: string;

before(async () => {
  tmp = await tempDir();
  shapes = await tinyShapes(join(tmp.path, 'shapes'), 4, 16);
});
after(async () => {
  await tmp[Symbol.asyncDispose]();
});

/** One line on stderr starting `syncgrad:` that contains `needle`, no stack frames, exit != 0. */
function assertCleanError(r: CliResult, needle: string | RegExp): void {
  assert.notEqual(r.code, 0, 'non-zero exit');
  const text = r.err.join('\n');
  assert.doesNotMatch(text, /^\s+at /m, `no stack trace in:\n${text}`);
  assert.doesNotMatch(text, /internal error/);
  const lines = r.err.filter((l) => l.startsWith('syncgrad:') || l.startsWith('error:'));
  assert.equal(lines.length, 1, `exactly one error line in:\n${text}`);
  if (typeof needle === 'string') assert.ok(lines[0]!.includes(needle), `${lines[0]} should name ${needle}`);
  else assert.match(lines[0]!, needle);
}

const train = (...args: string[]) =>
  cli('train', '--backend', TEST_BACKEND, '--image-size', '16', '--epochs', '1', '--progress', 'none', '--out', join(tmp.path, 'out'), ...args);

test('cli - missing dataset directory is named', async () => {
  const missing = join(tmp.path, 'does-not-exist');
  assertCleanError(await train('--data', missing), missing);
});

test('cli - a file given as the dataset directory is named', async () => {
  const file = join(tmp.path, 'file.txt');
  await writeFile(file, 'x');
  assertCleanError(await train('--data', file), file);
});

test('cli - an empty dataset is named', async () => {
  const empty = join(tmp.path, 'empty');
  await mkdir(empty, { recursive: true });
  assertCleanError(await train('--data', empty), empty);
});

test('cli - an empty class folder is named', async () => {
  const dir = join(tmp.path, 'emptyclass');
  await cp(shapes, dir, { recursive: true });
  await mkdir(join(dir, 'zebra'));
  assertCleanError(await train('--data', dir), join(dir, 'zebra'));
});

test('cli - class sets that differ between splits are named', async () => {
  const dir = join(tmp.path, 'presplit');
  await cp(shapes, join(dir, 'train'), { recursive: true });
  await cp(join(shapes, 'circle'), join(dir, 'test', 'circle'), { recursive: true });
  await cp(join(shapes, 'ring'), join(dir, 'test', 'hexagon'), { recursive: true });
  assertCleanError(await train('--data', dir), join(dir, 'test'));
});

test('cli - invalid flag values are rejected with the flag name', async () => {
  assertCleanError(await train('--data', shapes, '--channels', '2'), '--channels');
  assertCleanError(await train('--data', shapes, '--lr', '-1'), '--lr');
  assertCleanError(await train('--data', shapes, '--batch-size', '0'), '--batch-size');
  assertCleanError(await train('--data', shapes, '--image-size', '8'), '--image-size');
  assertCleanError(await train('--data', shapes, '--val-fraction', '0.6', '--test-fraction', '0.5'), '--val-fraction');
  assertCleanError(await cli('train', '--data', shapes, '--backend', 'tpu'), '--backend');
  assertCleanError(await cli('summary', '--image-size', 'big'), '--image-size');
});

test('cli - a missing required flag and an unknown command are one line each', async () => {
  assertCleanError(await cli('train'), '--data');
  assertCleanError(await cli('frobnicate'), 'frobnicate');
});

test('cli - evaluate and predict name a missing or corrupt checkpoint', async () => {
  const run = join(tmp.path, 'no-run');
  assertCleanError(await cli('evaluate', '--model', run, '--data', shapes, '--backend', TEST_BACKEND), run);
  const bad = join(tmp.path, 'bad-run');
  await mkdir(bad, { recursive: true });
  await writeFile(join(bad, 'checkpoint.sgck'), 'garbage');
  assertCleanError(await cli('predict', '--model', bad, '--backend', TEST_BACKEND, 'x.png'), join(bad, 'checkpoint.sgck'));
  assertCleanError(await cli('fps', '--model', bad, '--backend', TEST_BACKEND), join(bad, 'checkpoint.sgck'));
});

test('cli - predict names a corrupt image and still classifies the good ones', async () => {
  const run = join(tmp.path, 'run-ok');
  const t = await cli(
    'train',
    '--data',
    shapes,
    '--backend',
    TEST_BACKEND,
    '--image-size',
    '16',
    '--epochs',
    '1',
    '--progress',
    'none',
    '--out',
    run,
    '--no-audit',
  );
  assert.equal(t.code, 0, t.err.join('\n'));
  const corrupt = join(tmp.path, 'corrupt.jpg');
  await writeFile(corrupt, Buffer.from('definitely not a jpeg'));
  const good = join(shapes, 'square', (await readdir(join(shapes, 'square')))[0]!);
  const r = await cli('predict', '--model', run, '--backend', TEST_BACKEND, corrupt, good);
  assertCleanError(r, corrupt);
  assert.equal(r.out.length, 1);
  assert.ok(r.out[0]!.startsWith(good));
});

test('cli - a corrupt image in the dataset is skipped, counted and named in one warning', async () => {
  const dir = join(tmp.path, 'with-corrupt');
  await cp(shapes, dir, { recursive: true });
  const bad = join(dir, 'circle', 'zz_broken.png');
  await writeFile(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  const r = await train('--data', dir, '--no-audit');
  assert.equal(r.code, 0, r.err.join('\n'));
  const warnings = r.err.filter((l) => l.includes('unreadable'));
  assert.equal(warnings.length, 1, r.err.join('\n'));
  assert.ok(warnings[0]!.includes(bad));
});

test('cli - conv-demo shows both convolutions agree', async () => {
  const r = await cli('conv-demo', '--seed', '3');
  assert.equal(r.code, 0, r.err.join('\n'));
  const line = r.out.find((l) => l.startsWith('im2col vs tf.conv2d:'));
  assert.ok(line, r.out.join('\n'));
  // The figure itself, not only the verdict's wording ("DO NOT agree" also contains "agree").
  const m = /max \|diff\| = (\S+) \(agree to 1e-6\)$/.exec(line);
  assert.ok(m, line);
  assert.ok(Number(m[1]) <= 1e-6, line);
});

test('start - the default demo folder is made when missing, remade when another generator made it, and a user folder is kept', async () => {
  const { demoDatasetState, DEMO_IMAGE_PX, DEMO_PER_CLASS, DEMO_SEED } = await import('../demo/demo-data.js');
  const { SHAPES_MARKER, SHAPES_VERSION, readShapesMarker } = await import('../demo/shapes.js');
  assert.equal(await demoDatasetState(join(tmp.path, 'absent')), 'missing');
  // tinyShapes wrote a marker for its own (small) parameters: a shapes set, but not the demo's.
  assert.deepEqual(await readShapesMarker(shapes), { version: SHAPES_VERSION, perClass: 4, size: 16, seed: 3 });
  assert.equal(await demoDatasetState(shapes), 'stale');

  const old = join(tmp.path, 'old-shapes');
  await cp(shapes, old, { recursive: true });
  await writeFile(join(old, SHAPES_MARKER), '');
  assert.equal(await demoDatasetState(old), 'stale', 'the six shape folders without a readable marker: made before markers');

  const current = join(tmp.path, 'current-shapes');
  await cp(shapes, current, { recursive: true });
  await writeFile(join(current, SHAPES_MARKER), JSON.stringify({ version: SHAPES_VERSION, perClass: DEMO_PER_CLASS, size: DEMO_IMAGE_PX, seed: DEMO_SEED }));
  assert.equal(await demoDatasetState(current), 'current');

  const mine = join(tmp.path, 'mine');
  await mkdir(join(mine, 'cats'), { recursive: true });
  await cp(join(shapes, 'circle'), join(mine, 'circle'), { recursive: true });
  assert.equal(await demoDatasetState(mine), 'foreign');
});

test("cli - main sets V8's heap growing factor once per process, and a user's own setting wins", async () => {
  const { heapGrowthFlag, tuneHeapGrowth, HEAP_GROWING_PERCENT } = await import('../common/heap-growth.js');
  assert.equal(heapGrowthFlag([], ''), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  assert.equal(heapGrowthFlag(['--heap-growing-percent=50'], ''), undefined);
  assert.equal(heapGrowthFlag([], '--max-old-space-size=4096 --heap_growing_percent=20'), undefined);
  assert.equal(heapGrowthFlag(['--max-old-space-size=4096'], '--trace-gc'), `--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // The suite's earlier cli() calls went through main(), which already set it.
  await cli('--help');
  assert.equal(tuneHeapGrowth(), false);
});
