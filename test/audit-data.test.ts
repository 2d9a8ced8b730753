// The leak audit against real files: copies planted across and within splits, re-encoded so
// their bytes differ, must be found by their pixels; a clean dataset must report nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '../common/rng.js';
import { indexDataset } from '../common/data/dataset.js';
import { auditDataset, formatAudit } from '../common/data/audit.js';
import { decodedPixelHash } from '../common/data/decode.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'syncgrad-audit-data-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

type Format = 'png' | 'webp' | 'tiff';

async function write(path: string, pixels: Uint8Array, width: number, height: number, channels: 1 | 3, format: Format = 'png') {
  await mkdir(dirname(path), { recursive: true });
  let img = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace('b-w');
  if (format === 'png') img = img.png({ compressionLevel: 9 });
  else if (format === 'webp') img = img.webp({ lossless: true });
  else img = img.tiff({ compression: 'lzw' });
  await img.toFile(path);
  return path;
}

function noise(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

/** A presplit dataset of distinct noise images: 3 train, 1 val and 1 test per class. */
async function cleanDataset(root: string): Promise<void> {
  let seed = 100;
  for (const [split, n] of [
    ['train', 3],
    ['val', 1],
    ['test', 1],
  ] as const) {
    for (const cls of ['a', 'b']) {
      for (let i = 0; i < n; i++) await write(join(root, split, cls, `${i}.png`), noise(16 * 16 * 3, seed++), 16, 16, 3);
    }
  }
}

describe('audit', () => {
  test('audit - decodedPixelHash matches across formats and grey/RGB, and differs with shape', async () => {
    const rgb = noise(16 * 16 * 3, 1);
    const png = await write(join(tmp, 'hash', 'x.png'), rgb, 16, 16, 3);
    const webp = await write(join(tmp, 'hash', 'x.webp'), rgb, 16, 16, 3, 'webp');
    assert.equal(await decodedPixelHash(png), await decodedPixelHash(webp));

    const grey = noise(16 * 16, 2);
    const greyPng = await write(join(tmp, 'hash', 'g.png'), grey, 16, 16, 1);
    const asRgb = Uint8Array.from({ length: grey.length * 3 }, (_, i) => grey[Math.floor(i / 3)]!);
    const rgbPng = await write(join(tmp, 'hash', 'g-rgb.png'), asRgb, 16, 16, 3);
    assert.equal((await sharp(greyPng).metadata()).channels, 1);
    assert.equal(await decodedPixelHash(greyPng), await decodedPixelHash(rgbPng));

    // Same bytes of black, other dimensions: not the same image.
    const a = await write(join(tmp, 'hash', 'black-16x16.png'), new Uint8Array(16 * 16 * 3), 16, 16, 3);
    const b = await write(join(tmp, 'hash', 'black-8x32.png'), new Uint8Array(16 * 16 * 3), 8, 32, 3);
    assert.notEqual(await decodedPixelHash(a), await decodedPixelHash(b));
  });

  test('audit - a clean dataset reports no duplicates', async () => {
    const root = join(tmp, 'clean');
    await cleanDataset(root);
    const report = await auditDataset(await indexDataset(root));
    assert.equal(report.totalImages, 10);
    assert.deepEqual(report.unreadable, []);
    assert.deepEqual(report.crossSplit, []);
    assert.deepEqual(report.withinSplit, []);
    const lines = formatAudit(report);
    assert.equal(lines[0], 'audited 10 images');
    assert.ok(lines.includes('duplicates across splits: none'));
    assert.ok(lines.includes('duplicates within a split: none'));
  });

  test('audit - finds re-encoded copies across train/test and within train, and unreadable files', async () => {
    const root = join(tmp, 'leaky');
    await cleanDataset(root);
    // Leak: a train image copied into test as lossless WebP.
    const leaked = noise(16 * 16 * 3, 7);
    const trainCopy = await write(join(root, 'train', 'a', 'leak.png'), leaked, 16, 16, 3);
    const testCopy = await write(join(root, 'test', 'b', 'leak.webp'), leaked, 16, 16, 3, 'webp');
    // Duplicate inside train: PNG and TIFF of the same pixels, in different classes.
    const dup = noise(16 * 16 * 3, 8);
    const dupA = await write(join(root, 'train', 'a', 'dup.png'), dup, 16, 16, 3);
    const dupB = await write(join(root, 'train', 'b', 'dup.tiff'), dup, 16, 16, 3, 'tiff');
    // Three copies, two in train and one in val: one cross-split group, not also a within one.
    const tri = noise(16 * 16, 9);
    const triPaths = [
      await write(join(root, 'train', 'a', 'tri1.png'), tri, 16, 16, 1),
      await write(join(root, 'train', 'b', 'tri2.webp'), tri, 16, 16, 1, 'webp'),
      await write(
        join(root, 'val', 'a', 'tri3.png'),
        Uint8Array.from({ length: tri.length * 3 }, (_, i) => tri[Math.floor(i / 3)]!),
        16,
        16,
        3,
      ),
    ];
    const broken = join(root, 'val', 'b', 'broken.jpg');
    await writeFile(broken, Buffer.from(noise(200, 10)));

    const index = await indexDataset(root);
    const report = await auditDataset(index, { concurrency: 2 });
    assert.equal(report.totalImages, 10 + 2 + 2 + 3 + 1);
    assert.deepEqual(report.unreadable, [broken]);

    const membersOf = (g: { members: { split: string; path: string }[] }) => g.members.map((m) => `${m.split}:${m.path}`).sort();
    assert.equal(report.crossSplit.length, 2);
    const cross = report.crossSplit.map(membersOf).sort((x, y) => x.length - y.length);
    assert.deepEqual(cross[0], [`test:${testCopy}`, `train:${trainCopy}`]);
    assert.deepEqual(cross[1], [`train:${triPaths[0]}`, `train:${triPaths[1]}`, `val:${triPaths[2]}`]);

    assert.equal(report.withinSplit.length, 1);
    assert.deepEqual(membersOf(report.withinSplit[0]!), [`train:${dupA}`, `train:${dupB}`]);
    assert.match(report.withinSplit[0]!.hash, /^[0-9a-f]{64}$/);

    const text = formatAudit(report).join('\n');
    assert.match(text, /unreadable: 1\n\s+.*broken\.jpg/);
    assert.match(text, /duplicates across splits: 2 groups, 5 images/);
    assert.match(text, /duplicates within a split: 1 group, 2 images/);
    assert.ok(text.includes(testCopy) && text.includes(dupB));
  });
});
