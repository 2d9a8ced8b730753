// The demo dataset: six kinds of shape, drawn as SVG and rendered by sharp, so `syncgrad demo`
// needs no download. It is meant to be learnable in minutes by a small CNN on one core (large,
// high-contrast shapes) while still exercising the real input path: random placement, scale,
// rotation and colours, pixel noise, and a mix of file kinds the decoder must handle (RGB PNG,
// single-channel PNG/JPEG, RGBA PNG with transparency, JPEG).
// Every image draws from its own stream, Rng.derive(seed, class, index), so the output is the
// same byte for byte whatever the concurrency, and image k does not change when perClass does.
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError } from '../common/errors.js';
import { Rng } from '../common/rng.js';
import { writeFileAtomic } from '../common/atomic-write.js';

export const SHAPE_CLASSES = ['circle', 'cross', 'ring', 'square', 'stripes', 'triangle'] as const;
export type ShapeClass = (typeof SHAPE_CLASSES)[number];

export interface ShapesOptions {
  out: string;
  perClass: number;
  /** Side in pixels. */
  size: number;
  seed: number;
}

/** 3,000 images: a 300-image test set, so accuracy is read to ±2%, and enough variety that 3 epochs generalise. */
export const DEFAULT_PER_CLASS = 500;
export const DEFAULT_SIZE = 64;
export const DEFAULT_SEED = 7;

/** Share of images written in each form. Grey and JPEG are common in real datasets; RGBA is rare but is where decoders go wrong. */
const P_RGBA = 0.05;
const P_GREY = 0.25;
const P_JPEG = 0.2;

/**
 * Bumped whenever the drawing changes, so a dataset made by an older generator is recognised
 * (`start` remakes its default one). 2: shapes at 0.55–0.85 of the side, 500 per class by default.
 */
export const SHAPES_VERSION = 2;
/** Written at the dataset root when generation completes; dot-files are not indexed as data. */
export const SHAPES_MARKER = '.syncgrad-shapes.json';

export interface ShapesMarker {
  version: number;
  perClass: number;
  size: number;
  seed: number;
}

const CONCURRENCY = 4;
const EXTENT_MIN = 0.55;
const EXTENT_MAX = 0.85;

export async function makeShapesDataset(options: ShapesOptions, onProgress?: (done: number, total: number) => void): Promise<{ out: string; count: number }> {
  const { perClass, size, seed } = options;
  if (!Number.isInteger(perClass) || perClass < 1) throw new ConfigError(`perClass must be a positive integer, got ${perClass}`);
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw new ConfigError(`size must be an integer in [8, 4096], got ${size}`);
  if (!Number.isSafeInteger(seed)) throw new ConfigError(`seed must be an integer, got ${seed}`);
  const out = resolve(options.out);
  for (const cls of SHAPE_CLASSES) await mkdir(join(out, cls), { recursive: true });

  const jobs = SHAPE_CLASSES.flatMap((cls) => Array.from({ length: perClass }, (_, i) => ({ cls, i })));
  const digits = Math.max(4, String(perClass).length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { cls, i } = jobs[next++]!;
      const image = await renderShape(cls, size, Rng.derive(seed, 'shapes', cls, i));
      const stem = join(out, cls, `${cls}_${String(i + 1).padStart(digits, '0')}`);
      await writeAtomically(`${stem}.${image.ext}`, image.bytes);
      // A rerun with another seed may pick the other format for this index; drop the stale twin
      // so the folder holds exactly perClass images.
      await unlink(`${stem}.${image.ext === 'png' ? 'jpg' : 'png'}`).catch(() => undefined);
      onProgress?.(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
  const marker: ShapesMarker = { version: SHAPES_VERSION, perClass, size, seed };
  await writeAtomically(join(out, SHAPES_MARKER), Buffer.from(JSON.stringify(marker) + '\n'));
  return { out, count: jobs.length };
}

/** The marker of a completed shapes dataset at `dir`, or undefined if there is none or it is unreadable. */
export async function readShapesMarker(dir: string): Promise<ShapesMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(resolve(dir), SHAPES_MARKER), 'utf8')) as Partial<ShapesMarker>;
    if ([m.version, m.perClass, m.size, m.seed].every((v) => typeof v === 'number')) return m as ShapesMarker;
  } catch {
    // missing or corrupt: the caller treats it as no marker
  }
  return undefined;
}

/** `.tmp` is not an image extension, so a file cut short by an interrupted run is never indexed. */
const writeAtomically = (path: string, bytes: Buffer | string) => writeFileAtomic(path, bytes);

interface Rendered {
  ext: 'png' | 'jpg';
  bytes: Buffer;
}

/** Draws one image. Exported for tests and for previews. */
export async function renderShape(cls: ShapeClass, size: number, rng: Rng): Promise<Rendered> {
  const kind = rng.next();
  const rgba = kind < P_RGBA;
  const grey = !rgba && kind < P_RGBA + P_GREY;
  const jpeg = !rgba && rng.next() < P_JPEG;

  const { fg, bg } = pickColours(rng, rgba);
  // Extent: the shape's diameter as a share of the side. Placement keeps it inside the frame.
  // At 0.4–0.7 a 32 px model confused squares, circles and triangles (test 90% only after ~20k
  // images seen); at 0.55–0.85 the demo preset passes 90% after ~5k (measured with the same CNN
  // in PyTorch on 500 per class, 3 seeds).
  const extent = rng.uniform(EXTENT_MIN, EXTENT_MAX) * size;
  const r = extent / 2;
  const cx = rng.uniform(r, size - r);
  const cy = rng.uniform(r, size - r);
  const angle = rng.uniform(0, 360);
  const body = shapeSvg(cls, r, fg, rng);
  // RGBA images get a mostly transparent background: decoding flattens it onto black, which is
  // why pickColours gives them a light foreground.
  const background = rgba
    ? `<rect width="${size}" height="${size}" fill="${hex(bg)}" fill-opacity="${rng.uniform(0, 0.4).toFixed(3)}"/>`
    : `<rect width="${size}" height="${size}" fill="${hex(bg)}"/>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">` +
    background +
    `<g transform="translate(${cx.toFixed(3)} ${cy.toFixed(3)}) rotate(${angle.toFixed(3)})">${body}</g></svg>`;

  const channels = rgba ? 4 : 3;
  // Loaded here, not at the top: `start` and `make-dataset` read this module's defaults for --help.
  const { default: sharp } = await import('sharp');
  const rendered = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (rendered.info.channels !== 4) throw new Error(`svg rendered with ${rendered.info.channels} channels, expected 4`);
  const src = rendered.data;
  const pixels = Buffer.alloc(size * size * channels);
  const sigma = rng.uniform(3, 10);
  for (let p = 0; p < size * size; p++) {
    for (let c = 0; c < 3; c++) pixels[p * channels + c] = clampByte(src[p * 4 + c]! + sigma * rng.normal());
    if (rgba) pixels[p * 4 + 3] = src[p * 4 + 3]!;
  }

  let img = sharp(pixels, { raw: { width: size, height: size, channels } });
  if (grey) img = img.toColourspace('b-w');
  if (jpeg) return { ext: 'jpg', bytes: await img.jpeg({ quality: 92 }).toBuffer() };
  return { ext: 'png', bytes: await img.png().toBuffer() };
}

function shapeSvg(cls: ShapeClass, r: number, fg: Rgb, rng: Rng): string {
  const fill = `fill="${hex(fg)}"`;
  const f = (v: number) => v.toFixed(3);
  switch (cls) {
    case 'circle':
      return `<circle r="${f(r)}" ${fill}/>`;
    case 'ring': {
      // A thick band, so the hole stays a few pixels wide even at 32 px.
      const band = r * rng.uniform(0.3, 0.45);
      return `<circle r="${f(r - band / 2)}" fill="none" stroke="${hex(fg)}" stroke-width="${f(band)}"/>`;
    }
    case 'square': {
      const s = r * 1.5;
      return `<rect x="${f(-s / 2)}" y="${f(-s / 2)}" width="${f(s)}" height="${f(s)}" ${fill}/>`;
    }
    case 'cross': {
      const w = r * rng.uniform(0.45, 0.6);
      return (
        `<rect x="${f(-r)}" y="${f(-w / 2)}" width="${f(2 * r)}" height="${f(w)}" ${fill}/>` +
        `<rect x="${f(-w / 2)}" y="${f(-r)}" width="${f(w)}" height="${f(2 * r)}" ${fill}/>`
      );
    }
    case 'stripes': {
      // Three bars with gaps as wide as the bars, filling a square like `square` does, so the
      // gaps are what tells them apart.
      const s = r * 1.6;
      const w = s / 5;
      return [0, 2, 4].map((k) => `<rect x="${f(-s / 2 + k * w)}" y="${f(-s / 2)}" width="${f(w)}" height="${f(s)}" ${fill}/>`).join('');
    }
    case 'triangle': {
      const pts = [-90, 30, 150].map((deg) => {
        const a = (deg * Math.PI) / 180;
        return `${f(r * Math.cos(a))},${f(r * Math.sin(a))}`;
      });
      return `<polygon points="${pts.join(' ')}" ${fill}/>`;
    }
  }
}

type Rgb = [number, number, number];

/**
 * A foreground and background at least 0.35 apart in luma, so the shape stays plain after
 * conversion to grey and after noise. Which one is light is random, except for RGBA images,
 * whose background ends up near black.
 */
function pickColours(rng: Rng, rgba: boolean): { fg: Rgb; bg: Rgb } {
  for (;;) {
    const darkBg = rgba || rng.next() < 0.5;
    const bg = hsl(rng.uniform(0, 360), rng.uniform(0, 0.7), darkBg ? rng.uniform(0.05, 0.35) : rng.uniform(0.65, 0.95));
    const fg = hsl(rng.uniform(0, 360), rng.uniform(0, 0.7), darkBg ? rng.uniform(0.65, 0.95) : rng.uniform(0.05, 0.35));
    if (Math.abs(luma(fg) - luma(bg)) >= 0.35 * 255) return { fg, bg };
  }
}

function hsl(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

function luma([r, g, b]: Rgb): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

function hex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function clampByte(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
