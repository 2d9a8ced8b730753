// The data pipeline against real files written by sharp into a temp dir: indexing and splitting,
// decoding every pixel layout we expect to meet, the prefetching loader, and the demo dataset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import sharp from 'sharp';
import { ConfigError, DataError, ImageDecodeError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import { indexDataset, IMAGE_EXTENSIONS, type DatasetIndex, type Sample } from '../common/data/dataset.js';
import { decodeImage, decodeImageBuffer, decodedPixelHash, toChannels } from '../common/data/decode.js';
import { loadBatches, SkipLog, type Batch, type LoaderOptions } from '../common/data/loader.js';
import { makeShapesDataset, renderShape, SHAPE_CLASSES, SHAPES_MARKER } from '../demo/shapes.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncgrad-data-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes raw interleaved pixels as an image file; 1- and 2-channel data is stored as grey. */
async function writeRaw(
  path: string,
  data: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  format: 'png' | 'jpeg' | 'webp' = 'png',
): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  let img = sharp(Buffer.from(data), { raw: { width, height, channels } });
  if (channels <= 2) img = img.toColourspace('b-w');
  img = format === 'png' ? img.png() : format === 'jpeg' ? img.jpeg({ quality: 95 }) : img.webp({ lossless: true });
  await img.toFile(path);
  return path;
}

function noise(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

async function touch(path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '');
  return path;
}

// ---------------------------------------------------------------------------------------------
describe('decode', () => {
  test('decode - grayscale png becomes 3 identical RGB channels', async () => {
    const grey = Uint8Array.from({ length: 64 }, (_, i) => i * 4);
    const path = await writeRaw(join(tmp, 'dec', 'grey.png'), grey, 8, 8, 1);
    assert.equal((await sharp(path).metadata()).channels, 1);
    const px = await decodeImage(path, 8, 3);
    assert.equal(px.length, 8 * 8 * 3);
    for (let p = 0; p < 64; p++) {
      assert.equal(px[p * 3], px[p * 3 + 1]);
      assert.equal(px[p * 3], px[p * 3 + 2]);
      assert.ok(Math.abs(px[p * 3]! - grey[p]! / 255) <= 1 / 255, `pixel ${p}`);
    }
  });

  test('decode - grey+alpha png is flattened onto black and replicated to RGB', async () => {
    // grey 200 at alpha 255, 128, 0
    const data = Uint8Array.from([200, 255, 200, 128, 200, 0, 200, 255]);
    const path = await writeRaw(join(tmp, 'dec', 'grey-alpha.png'), data, 2, 2, 2);
    const meta = await sharp(path).metadata();
    assert.equal(meta.channels, 2);
    const px = await decodeImage(path, 2, 3);
    const expected = [200, 200 * (128 / 255), 0, 200].map((v) => v / 255);
    for (let p = 0; p < 4; p++) {
      for (let c = 0; c < 3; c++) assert.ok(Math.abs(px[p * 3 + c]! - expected[p]!) <= 2 / 255, `pixel ${p} channel ${c}: ${px[p * 3 + c]}`);
    }
  });

  test('decode - RGBA png: transparent pixels become black, opaque ones keep their colour', async () => {
    const data = Uint8Array.from([255, 0, 0, 0, 0, 255, 0, 255, 10, 20, 30, 255, 255, 255, 255, 0]);
    const path = await writeRaw(join(tmp, 'dec', 'rgba.png'), data, 2, 2, 4);
    assert.equal((await sharp(path).metadata()).channels, 4);
    const px = Array.from(await decodeImage(path, 2, 3), (v) => Math.round(v * 255));
    assert.deepEqual(px, [0, 0, 0, 0, 255, 0, 10, 20, 30, 0, 0, 0]);
  });

  test('decode - 1-channel model gets luminance from colour and the grey value from grey', async () => {
    const red = new Uint8Array(4 * 4 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0));
    const redPath = await writeRaw(join(tmp, 'dec', 'red.png'), red, 4, 4, 3);
    const fromRed = await decodeImage(redPath, 4, 1);
    assert.equal(fromRed.length, 16);
    // Rec. 601 luma of sRGB red, as PIL computes it: round(0.299 * 255) = 76.
    assert.ok(
      fromRed.every((v) => v === Math.fround(76 / 255)),
      `luma of red: ${fromRed[0]}`,
    );

    const grey = new Uint8Array(16).fill(77);
    const greyPath = await writeRaw(join(tmp, 'dec', 'grey77.png'), grey, 4, 4, 1);
    const fromGrey = await decodeImage(greyPath, 4, 1);
    assert.ok(fromGrey.every((v) => Math.abs(v - 77 / 255) < 1e-6));

    const rgba = Uint8Array.from({ length: 16 * 4 }, (_, i) => (i % 4 === 3 ? 255 : 120));
    const rgbaPath = await writeRaw(join(tmp, 'dec', 'rgba-grey.png'), rgba, 4, 4, 4);
    const fromRgba = await decodeImage(rgbaPath, 4, 1);
    assert.equal(fromRgba.length, 16);
    assert.ok(fromRgba.every((v) => Math.abs(v - 120 / 255) <= 1 / 255));
  });

  test('decode - output is size*size*C in [0,1], squashed from any aspect ratio', async () => {
    const path = await writeRaw(join(tmp, 'dec', 'wide.jpg'), noise(40 * 10 * 3, 1), 40, 10, 3, 'jpeg');
    for (const channels of [1, 3] as const) {
      const px = await decodeImage(path, 16, channels);
      assert.equal(px.length, 16 * 16 * channels);
      assert.ok(px.every((v) => v >= 0 && v <= 1));
      assert.ok(new Set(px).size > 10, 'noise should survive resizing');
    }
  });

  test('decode - webp, gif and tiff decode like png', async () => {
    const data = noise(6 * 6 * 3, 2);
    const png = await decodeImage(await writeRaw(join(tmp, 'dec', 'n.png'), data, 6, 6, 3), 6, 3);
    const webp = await decodeImage(await writeRaw(join(tmp, 'dec', 'n.webp'), data, 6, 6, 3, 'webp'), 6, 3);
    assert.deepEqual(webp, png);
    const tiff = join(tmp, 'dec', 'n.tiff');
    // sharp's TIFF default is JPEG compression; LZW keeps the pixels exact.
    await sharp(Buffer.from(data), { raw: { width: 6, height: 6, channels: 3 } })
      .tiff({ compression: 'lzw' })
      .toFile(tiff);
    assert.deepEqual(await decodeImage(tiff, 6, 3), png);
    const gif = join(tmp, 'dec', 'n.gif');
    await sharp(Buffer.from(data), { raw: { width: 6, height: 6, channels: 3 } })
      .gif()
      .toFile(gif);
    assert.equal((await decodeImage(gif, 6, 3)).length, 6 * 6 * 3);
  });

  test('decode - decodeImageBuffer gives the same pixels as decodeImage', async () => {
    const path = await writeRaw(join(tmp, 'dec', 'buf.png'), noise(12 * 9 * 3, 3), 12, 9, 3);
    assert.deepEqual(await decodeImageBuffer(await readFile(path), 8, 3), await decodeImage(path, 8, 3));
  });

  test('decode - random bytes with a .jpg extension throw ImageDecodeError naming the path', async () => {
    const path = join(tmp, 'dec', 'garbage.jpg');
    await writeFile(path, Buffer.from(noise(500, 4)));
    await assert.rejects(decodeImage(path, 8, 3), (e: unknown) => {
      assert.ok(e instanceof ImageDecodeError);
      assert.equal(e.path, path);
      assert.match(e.message, /garbage\.jpg/);
      assert.ok(e.cause instanceof Error);
      return true;
    });
  });

  test('decode - truncated png throws ImageDecodeError naming the path', async () => {
    const good = await writeRaw(join(tmp, 'dec', 'whole.png'), noise(32 * 32 * 3, 5), 32, 32, 3);
    const bytes = await readFile(good);
    const path = join(tmp, 'dec', 'truncated.png');
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(decodeImage(path, 8, 3), (e: unknown) => e instanceof ImageDecodeError && e.path === path);
    await assert.rejects(decodedPixelHash(path), ImageDecodeError);
  });

  test('decode - missing file and unsupported bmp are ImageDecodeErrors too', async () => {
    const missing = join(tmp, 'dec', 'nope.png');
    await assert.rejects(decodeImage(missing, 8, 3), (e: unknown) => e instanceof ImageDecodeError && e.path === missing);
    const bmp = join(tmp, 'dec', 'x.bmp');
    // A valid 1x1 24-bit BMP: sharp has no BMP loader, so this must be reported, not crash.
    const header = Buffer.from('424d3a0000000000000036000000280000000100000001000000010018000000000004000000130b0000130b00000000000000000000', 'hex');
    await writeFile(bmp, Buffer.concat([header, Buffer.from([0, 0, 255, 0])]));
    await assert.rejects(decodeImage(bmp, 8, 3), ImageDecodeError);
    await assert.rejects(decodeImageBuffer(Buffer.from('nope'), 8, 3, 'net://img7'), /net:\/\/img7/);
  });

  test('decode - bad size or channel count is a ConfigError', async () => {
    await assert.rejects(decodeImage(join(tmp, 'dec', 'grey.png'), 0, 3), ConfigError);
    await assert.rejects(decodeImage(join(tmp, 'dec', 'grey.png'), 8, 2 as 3), ConfigError);
  });

  test('decode - toChannels folds every channel count into 1 or 3', () => {
    assert.deepEqual([...toChannels(Uint8Array.from([9]), 1, 3)], [9, 9, 9]);
    assert.deepEqual([...toChannels(Uint8Array.from([200, 0, 100, 255]), 2, 3)], [0, 0, 0, 100, 100, 100]);
    assert.deepEqual([...toChannels(Uint8Array.from([10, 20, 30, 0, 10, 20, 30, 255]), 4, 3)], [0, 0, 0, 10, 20, 30]);
    assert.deepEqual([...toChannels(Uint8Array.from([100, 100, 100]), 3, 1)], [100]);
    assert.deepEqual([...toChannels(Uint8Array.from([100, 100, 100, 255]), 4, 1)], [100]);
  });
});

// ---------------------------------------------------------------------------------------------
describe('loader', () => {
  const size = 8;
  let samples: Sample[];
  let corruptIndex: number;
  const pixelsPer = size * size * 3;
  const opts = (o: Partial<LoaderOptions> = {}): LoaderOptions => ({
    imageSize: size,
    channels: 3,
    batchSize: 4,
    prefetch: 2,
    concurrency: 3,
    ...o,
  });

  before(async () => {
    samples = [];
    for (let i = 0; i < 10; i++) {
      // Each image is one flat grey level, so a decoded pixel says which file it came from.
      const path = await writeRaw(join(tmp, 'load', `img${i}.png`), new Uint8Array(16 * 16).fill(i * 20), 16, 16, 1);
      samples.push({ path, label: i % 3 });
    }
    const bad = join(tmp, 'load', 'bad.jpg');
    await writeFile(bad, Buffer.from(noise(300, 6)));
    corruptIndex = samples.length;
    samples.push({ path: bad, label: 1 });
  });

  async function collect(gen: AsyncGenerator<Batch>): Promise<Batch[]> {
    const out: Batch[] = [];
    for await (const b of gen) out.push(b);
    return out;
  }

  test('loader - delivers every good image once, in order, skipping and counting the corrupt one', async () => {
    const order = new Rng(11).permutation(samples.length);
    const skip = new SkipLog();
    const batches = await collect(loadBatches(samples, order, opts(), skip));
    const expected = order.filter((i) => i !== corruptIndex);
    assert.deepEqual(
      batches.flatMap((b) => b.indices),
      expected,
    );
    // 11 images in chunks of 4 = 4,4,3, less the corrupt one wherever it fell.
    const chunks = [order.slice(0, 4), order.slice(4, 8), order.slice(8)];
    assert.deepEqual(
      batches.map((b) => b.size),
      chunks.map((c) => c.filter((i) => i !== corruptIndex).length),
    );
    for (const b of batches) {
      assert.equal(b.x.length, b.size * pixelsPer);
      assert.equal(b.y.length, b.size);
      b.indices.forEach((idx, k) => {
        assert.equal(b.y[k], samples[idx]!.label);
        assert.ok(Math.abs(b.x[k * pixelsPer]! - (idx * 20) / 255) < 1e-6, `image ${idx} landed at row ${k}`);
      });
    }
    assert.equal(skip.count, 1);
    assert.equal(skip.first.length, 1);
    assert.ok(skip.first[0]!.startsWith(samples[corruptIndex]!.path + ': '));
    assert.match(skip.summary()!, /^skipped 1 unreadable image \(.*bad\.jpg: .+\)$/);
  });

  test('loader - a batch whose images all fail is not yielded', async () => {
    const bad2 = join(tmp, 'load', 'bad2.png');
    await writeFile(bad2, 'not a png');
    const all = [...samples, { path: bad2, label: 0 }];
    const skip = new SkipLog();
    const batches = await collect(loadBatches(all, [0, 1, corruptIndex, all.length - 1, 2], opts({ batchSize: 2 }), skip));
    assert.deepEqual(
      batches.map((b) => b.indices),
      [[0, 1], [2]],
    );
    assert.equal(skip.count, 2);
  });

  test('loader - SkipLog keeps five examples and summarises the rest', () => {
    const log = new SkipLog();
    assert.equal(log.summary(), null);
    for (let i = 0; i < 7; i++) log.record(`f${i}.jpg`, new ImageDecodeError(`f${i}.jpg`, { cause: new Error('bad header\nmore') }));
    assert.equal(log.count, 7);
    assert.deepEqual(log.first, ['f0.jpg: bad header', 'f1.jpg: bad header', 'f2.jpg: bad header', 'f3.jpg: bad header', 'f4.jpg: bad header']);
    assert.match(log.summary()!, /^skipped 7 unreadable images \(f0\.jpg: bad header, .*f4\.jpg: bad header, …\)$/);
  });

  /**
   * A decoder whose decodes finish only when the test says so. It records how many were started
   * and how many ran at once; `finishAll()` settles every decode started so far (a failure where
   * `fail` names one) and then lets the loader react. The loader's bookkeeping is promise
   * callbacks only, and all of them have run before a setImmediate callback does, so what the
   * loader started in response is in `stats` by construction, not after a long enough sleep.
   */
  function gatedDecoder(fail: (path: string) => Error | null = () => null) {
    const stats = { started: 0, active: 0, maxActive: 0 };
    const pending: (() => void)[] = [];
    const decode = (path: string, s: number, c: number) =>
      new Promise<Float32Array>((resolve, reject) => {
        stats.started++;
        stats.active++;
        stats.maxActive = Math.max(stats.maxActive, stats.active);
        pending.push(() => {
          stats.active--;
          const err = fail(path);
          if (err) reject(err);
          else resolve(new Float32Array(s * s * c));
        });
      });
    const settle = () => new Promise((r) => setImmediate(r));
    const finishAll = async () => {
      for (const finish of pending.splice(0)) finish();
      await settle();
    };
    return { stats, decode, pending, settle, finishAll };
  }

  /** Finishes decodes, round by round, until `p` has settled; fails if the loader waits on nothing. */
  async function driveUntil<T>(gate: ReturnType<typeof gatedDecoder>, p: Promise<T>, check: () => void = () => {}): Promise<T> {
    let done = false;
    void p.then(
      () => (done = true),
      () => (done = true),
    );
    await gate.settle();
    check();
    while (!done) {
      assert.ok(gate.pending.length > 0, 'the loader waits, but no decode is in flight');
      await gate.finishAll();
      check();
    }
    return p;
  }

  test('loader - decodes at most prefetch batches ahead of a slow consumer, with bounded concurrency', async () => {
    const many: Sample[] = Array.from({ length: 40 }, (_, i) => ({ path: `img${i}`, label: 0 }));
    const order = many.map((_, i) => i);
    for (const prefetch of [0, 1, 2]) {
      const gate = gatedDecoder();
      const { stats } = gate;
      const gen = loadBatches(many, order, opts({ prefetch, concurrency: 3, decode: gate.decode }), new SkipLog());
      const bounded = () => assert.ok(stats.active <= 3, `prefetch ${prefetch}: ${stats.active} decodes at once`);
      let consumed = 0;
      for (;;) {
        const r = await driveUntil(gate, gen.next(), bounded);
        if (r.done) break;
        assert.equal(r.value.size, 4);
        consumed++;
        // The consumer holds this batch: let the loader run ahead as far as it will go.
        const limit = Math.min(40, (consumed + prefetch) * 4);
        while (gate.pending.length > 0) {
          await gate.finishAll();
          bounded();
          assert.ok(stats.started <= limit, `prefetch ${prefetch}: ${stats.started} started after ${consumed} batches (limit ${limit})`);
        }
        assert.equal(stats.started, limit, 'prefetch should fill its window, and no more');
      }
      assert.equal(consumed, 10);
      assert.equal(stats.started, 40);
      assert.ok(stats.maxActive <= 3, `concurrency ${stats.maxActive}`);
      assert.ok(stats.maxActive >= 2, 'decodes should overlap');
    }
  });

  test('loader - stopping early leaves no decode running and no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const many: Sample[] = Array.from({ length: 40 }, (_, i) => ({ path: `img${i}`, label: 0 }));
      // Odd images fail, some with errors the loader would rethrow if it ever got to them.
      const gate = gatedDecoder((p) =>
        Number(p.slice(3)) % 2 === 0 ? null : Number(p.slice(3)) % 4 === 1 ? new ImageDecodeError(p) : new TypeError(`boom ${p}`),
      );
      const { stats } = gate;
      const order = many.map((_, i) => i);
      // Concurrency, not the prefetch window, holds the loader back when the consumer stops: a
      // decode it started after return() would show.
      const options = opts({ batchSize: 2, prefetch: 3, concurrency: 2, decode: gate.decode });

      // What `break` in a for-await does: return() once the first batch is in hand.
      const gen = loadBatches(many, order, options, new SkipLog());
      const first = await driveUntil(gate, gen.next());
      assert.ok(!first.done);
      assert.deepEqual(first.value.indices, [0]);
      assert.ok(gate.pending.length > 0, 'decodes of later batches are in flight when the consumer stops');
      let returned = false;
      const stopping = gen.return(undefined).then(() => (returned = true));
      await gate.settle();
      assert.equal(returned, false, 'return() should wait for decodes in flight');
      const startedAtBreak = stats.started;
      await gate.finishAll();
      await stopping;
      assert.equal(stats.active, 0, 'return() should wait for decodes in flight');
      assert.equal(stats.started, startedAtBreak, 'no decode starts after return()');
      assert.ok(startedAtBreak < 40, 'the first loop should have stopped early');

      const gen2 = loadBatches(many, order, options, new SkipLog());
      await driveUntil(gate, gen2.next());
      const startedAtReturn = stats.started;
      await driveUntil(gate, gen2.return(undefined));
      assert.equal(stats.active, 0);
      await gate.settle();
      assert.equal(stats.started, startedAtReturn, 'no decode starts after return()');
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('loader - an error that is not a decode failure is thrown, not skipped', async () => {
    const decode = (path: string, s: number, c: number) =>
      path === 'img1' ? Promise.reject(new TypeError('bug')) : Promise.resolve(new Float32Array(s * s * c));
    const many: Sample[] = Array.from({ length: 4 }, (_, i) => ({ path: `img${i}`, label: 0 }));
    await assert.rejects(collect(loadBatches(many, [0, 1, 2, 3], opts({ batchSize: 2, decode }), new SkipLog())), TypeError);
  });

  test('loader - bad options and out-of-range order are rejected up front', () => {
    assert.throws(() => loadBatches(samples, [0], opts({ batchSize: 0 }), new SkipLog()), ConfigError);
    assert.throws(() => loadBatches(samples, [0], opts({ concurrency: 0 }), new SkipLog()), ConfigError);
    assert.throws(() => loadBatches(samples, [0], opts({ prefetch: -1 }), new SkipLog()), ConfigError);
    assert.throws(() => loadBatches(samples, [samples.length], opts(), new SkipLog()), RangeError);
  });
});

// ---------------------------------------------------------------------------------------------
describe('split', () => {
  let folder: string;
  const counts: Record<string, number> = { ant: 20, bee: 40, cat: 7, dog: 1 };
  const allFiles: string[] = [];

  before(async () => {
    // indexDataset never opens the files, so empty ones keep this fast.
    folder = join(tmp, 'folder');
    for (const [cls, n] of Object.entries(counts)) {
      for (let i = 0; i < n; i++) {
        // Some in a subfolder: class folders are scanned recursively.
        const ext = IMAGE_EXTENSIONS[i % IMAGE_EXTENSIONS.length]!.toUpperCase();
        allFiles.push(await touch(join(folder, cls, i % 5 === 4 ? 'sub' : '', `${cls}${i}${ext}`)));
      }
    }
    await touch(join(folder, 'ant', 'notes.txt'));
    await touch(join(folder, 'ant', '.hidden.png'));
    await touch(join(folder, '.cache', 'x.png'));
    await touch(join(folder, 'README.png'));
    allFiles.sort();
  });

  const all = (ix: DatasetIndex) => [...ix.train, ...ix.val, ...ix.test];

  test('split - classes sorted, labels follow folder names, hidden and non-image files ignored', async () => {
    const ix = await indexDataset(folder);
    assert.equal(ix.layout, 'folder');
    assert.equal(ix.root, folder);
    assert.deepEqual(ix.classes, ['ant', 'bee', 'cat', 'dog']);
    for (const s of all(ix)) assert.equal(ix.classes[s.label], s.path.slice(folder.length + 1).split(sep)[0]);
    assert.deepEqual(
      all(ix)
        .map((s) => s.path)
        .sort(),
      allFiles,
    );
  });

  test('split - stratified: every class split by the fractions and kept in train', async () => {
    const ix = await indexDataset(folder, { valFraction: 0.2, testFraction: 0.1, seed: 1 });
    ix.classes.forEach((cls, label) => {
      const n = counts[cls]!;
      const count = (split: Sample[]) => split.filter((s) => s.label === label).length;
      const nTest = Math.round(n * 0.1);
      const nVal = n === 1 ? 0 : Math.round(n * 0.2);
      assert.equal(count(ix.test), nTest, `${cls} test`);
      assert.equal(count(ix.val), nVal, `${cls} val`);
      assert.equal(count(ix.train), n - nTest - nVal, `${cls} train`);
      assert.ok(count(ix.train) >= 1);
    });
  });

  test('split - a class too small for its fractions keeps one train sample', async () => {
    const ix = await indexDataset(folder, { valFraction: 0.45, testFraction: 0.45 });
    const dog = ix.classes.indexOf('dog');
    assert.equal(ix.train.filter((s) => s.label === dog).length, 1);
    const cat = ix.classes.indexOf('cat');
    assert.ok(ix.train.filter((s) => s.label === cat).length >= 1);
  });

  test('split - same seed gives the same split, another seed another one', async () => {
    const a = await indexDataset(folder, { seed: 5 });
    const b = await indexDataset(folder, { seed: 5 });
    const c = await indexDataset(folder, { seed: 6 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.test, c.test);
    assert.equal(a.test.length, c.test.length);
  });

  test('split - no sample in two splits and the union is every image', async () => {
    const ix = await indexDataset(folder);
    const paths = all(ix).map((s) => s.path);
    assert.equal(new Set(paths).size, paths.length);
    assert.deepEqual([...paths].sort(), allFiles);
  });

  test('split - zero fractions put everything in train', async () => {
    const ix = await indexDataset(folder, { valFraction: 0, testFraction: 0 });
    assert.equal(ix.train.length, allFiles.length);
    assert.equal(ix.val.length + ix.test.length, 0);
  });

  test('split - invalid fractions are a ConfigError', async () => {
    await assert.rejects(indexDataset(folder, { valFraction: -0.1 }), ConfigError);
    await assert.rejects(indexDataset(folder, { valFraction: 0.6, testFraction: 0.4 }), ConfigError);
  });

  async function presplit(name: string, splits: Record<string, Record<string, number>>): Promise<string> {
    const root = join(tmp, name);
    for (const [split, classes] of Object.entries(splits)) {
      for (const [cls, n] of Object.entries(classes)) {
        for (let i = 0; i < n; i++) await touch(join(root, split, cls, `${i}.png`));
      }
    }
    return root;
  }

  test('split - presplit layout is used as given', async () => {
    const root = await presplit('pre-full', { train: { x: 6, y: 5 }, val: { x: 2, y: 1 }, test: { x: 3, y: 2 } });
    const ix = await indexDataset(root);
    assert.equal(ix.layout, 'presplit');
    assert.deepEqual(ix.classes, ['x', 'y']);
    assert.equal(ix.train.length, 11);
    assert.equal(ix.val.length, 3);
    assert.equal(ix.test.length, 5);
    for (const split of ['train', 'val', 'test'] as const) {
      for (const s of ix[split]) {
        assert.ok(s.path.startsWith(join(root, split, ix.classes[s.label]!) + sep), `${s.path} in ${split}`);
      }
    }
  });

  test('split - presplit without val carves val out of train, stratified; test stays as given', async () => {
    const root = await presplit('pre-noval', { train: { x: 20, y: 10 }, test: { x: 2, y: 2 } });
    const ix = await indexDataset(root, { valFraction: 0.2 });
    assert.equal(ix.layout, 'presplit');
    assert.deepEqual(ix.val.map((s) => s.label).sort(), [0, 0, 0, 0, 1, 1]);
    assert.equal(ix.train.length, 24);
    assert.equal(ix.test.length, 4);
    assert.ok(ix.val.every((s) => s.path.includes(`${sep}train${sep}`)));
    assert.ok(ix.test.every((s) => s.path.includes(`${sep}test${sep}`)));
  });

  test('split - presplit with only train carves both val and test; "valid" is accepted as val', async () => {
    const onlyTrain = await indexDataset(await presplit('pre-train', { train: { x: 10, y: 10 } }));
    assert.equal(onlyTrain.layout, 'presplit');
    assert.deepEqual([onlyTrain.train.length, onlyTrain.val.length, onlyTrain.test.length], [16, 2, 2]);
    const valid = await indexDataset(await presplit('pre-valid', { train: { x: 3 }, valid: { x: 2 }, test: { x: 1 } }));
    assert.equal(valid.layout, 'presplit');
    assert.equal(valid.val.length, 2);
  });

  test('split - a class named "train" among others is still the folder layout', async () => {
    const root = await presplit('vehicles', { train: { a: 1 }, bus: { b: 1 } });
    const ix = await indexDataset(root, { valFraction: 0, testFraction: 0 });
    assert.equal(ix.layout, 'folder');
    assert.deepEqual(ix.classes, ['bus', 'train']);
  });

  test('split - class sets that differ across splits are a DataError naming the split and classes', async () => {
    const root = await presplit('pre-mismatch', { train: { x: 2, y: 2, z: 2 }, val: { x: 1, y: 1, z: 1 }, test: { x: 1, w: 1 } });
    await assert.rejects(indexDataset(root), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.equal(e.path, join(root, 'test'));
      assert.ok(e.message.includes(join(root, 'test')));
      assert.match(e.message, /missing: y, z/);
      assert.match(e.message, /extra: w/);
      return true;
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('dataset errors', () => {
  const rejectsWith = (dir: string, path: string, message: RegExp) =>
    assert.rejects(indexDataset(dir), (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.path, path);
      assert.ok(e.message.includes(path), e.message);
      assert.match(e.message, message);
      return true;
    });

  test('dataset errors - missing directory', async () => {
    const dir = join(tmp, 'does-not-exist');
    await rejectsWith(dir, dir, /dataset directory not found/);
  });

  test('dataset errors - a file instead of a directory', async () => {
    const file = await touch(join(tmp, 'errs', 'file.png'));
    await rejectsWith(file, file, /is a file/);
  });

  test('dataset errors - empty class folder names that folder', async () => {
    const root = join(tmp, 'errs', 'one-empty');
    await touch(join(root, 'a', '1.png'));
    await touch(join(root, 'b', 'readme.txt'));
    await rejectsWith(root, join(root, 'b'), /class folder has no images/);
  });

  test('dataset errors - empty dataset: no folders, or folders without images', async () => {
    const empty = join(tmp, 'errs', 'empty');
    await mkdir(empty, { recursive: true });
    await rejectsWith(empty, empty, /no images found/);
    const loose = join(tmp, 'errs', 'loose');
    await touch(join(loose, 'a.png'));
    await rejectsWith(loose, loose, /no images found.*one folder per class/);
    const hollow = join(tmp, 'errs', 'hollow');
    await touch(join(hollow, 'a', 'x.txt'));
    await mkdir(join(hollow, 'b'), { recursive: true });
    await rejectsWith(hollow, hollow, /no images found/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('shapes', () => {
  test('shapes - writes perClass images of the requested size per class, in ImageFolder layout', async () => {
    const out = join(tmp, 'shapes-a');
    let last: [number, number] = [0, 0];
    const result = await makeShapesDataset({ out, perClass: 5, size: 20, seed: 3 }, (done, total) => (last = [done, total]));
    assert.equal(result.count, 30);
    assert.deepEqual(last, [30, 30]);
    assert.deepEqual((await readdir(out)).sort(), [SHAPES_MARKER, ...SHAPE_CLASSES], 'the class folders and the generator marker');
    const ix = await indexDataset(out, { valFraction: 0, testFraction: 0 });
    assert.deepEqual(ix.classes, [...SHAPE_CLASSES]);
    assert.equal(ix.train.length, 30);
    const channels = new Set<number>();
    for (const cls of SHAPE_CLASSES) {
      const files = await readdir(join(out, cls));
      assert.equal(files.length, 5);
      assert.ok(
        files.every((f) => /^[a-z]+_000[1-5]\.(png|jpg)$/.test(f) && f.startsWith(cls)),
        files.join(),
      );
    }
    for (const s of ix.train) {
      const meta = await sharp(s.path).metadata();
      assert.equal(meta.width, 20);
      assert.equal(meta.height, 20);
      channels.add(meta.channels);
      assert.equal((await decodeImage(s.path, 16, 3)).length, 16 * 16 * 3);
    }
    assert.ok(channels.has(1), 'some images should be single-channel');
    assert.ok(channels.has(3));
  });

  test('shapes - same seed gives identical bytes, another seed different ones', async () => {
    const a = join(tmp, 'shapes-a');
    const b = join(tmp, 'shapes-b');
    const c = join(tmp, 'shapes-c');
    await makeShapesDataset({ out: b, perClass: 5, size: 20, seed: 3 });
    await makeShapesDataset({ out: c, perClass: 5, size: 20, seed: 4 });
    let differ = 0;
    for (const cls of SHAPE_CLASSES) {
      const files = (await readdir(join(a, cls))).sort();
      assert.deepEqual((await readdir(join(b, cls))).sort(), files);
      for (const f of files) assert.ok((await readFile(join(a, cls, f))).equals(await readFile(join(b, cls, f))), f);
      const cFiles = (await readdir(join(c, cls))).sort();
      for (let i = 0; i < files.length; i++) {
        const ha = await decodedPixelHash(join(a, cls, files[i]!));
        const hc = await decodedPixelHash(join(c, cls, cFiles[i]!));
        if (ha !== hc) differ++;
      }
    }
    assert.equal(differ, 30);
  });

  test('shapes - the mix includes grey PNG and JPEG, RGBA PNG and colour JPEG', async () => {
    const kinds = new Set<string>();
    // RGBA is 1 in 20; draw until every kind has shown up, which takes ~140 images for this seed.
    for (let i = 0; i < 1000 && kinds.size < 5; i++) {
      const img = await renderShape(SHAPE_CLASSES[i % 6]!, 16, Rng.derive(9, 'mix', i));
      const meta = await sharp(img.bytes).metadata();
      assert.equal(meta.format, img.ext === 'jpg' ? 'jpeg' : 'png');
      kinds.add(`${img.ext}/${meta.channels}`);
    }
    assert.deepEqual([...kinds].sort(), ['jpg/1', 'jpg/3', 'png/1', 'png/3', 'png/4']);
  });

  test('shapes - rerunning with another seed leaves exactly perClass files and no temp files', async () => {
    const out = join(tmp, 'shapes-d');
    await makeShapesDataset({ out, perClass: 6, size: 16, seed: 1 });
    await makeShapesDataset({ out, perClass: 6, size: 16, seed: 2 });
    for (const cls of SHAPE_CLASSES) {
      const files = await readdir(join(out, cls));
      assert.equal(files.length, 6, files.join());
      assert.ok(files.every((f) => !f.endsWith('.tmp')));
    }
  });

  test('shapes - invalid options are a ConfigError', async () => {
    await assert.rejects(makeShapesDataset({ out: join(tmp, 'shapes-x'), perClass: 0, size: 16, seed: 1 }), ConfigError);
    await assert.rejects(makeShapesDataset({ out: join(tmp, 'shapes-x'), perClass: 1, size: 2, seed: 1 }), ConfigError);
  });
});
