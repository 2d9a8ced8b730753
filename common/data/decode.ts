// Turns image files into the float tensors the model eats. Every choice here changes what the
// network sees, so training, evaluation and prediction must all come through this one function.
//
// - Size: squashed to size×size (`fit: 'fill'`), like torchvision's Resize((s, s)). Cropping
//   could cut the object out; padding would teach the net about letterbox bars.
// - Orientation: EXIF rotation is applied, so a phone photo looks the way its owner saw it.
// - Alpha: flattened onto black. Dropping alpha instead would expose whatever colour happens to
//   sit under transparent pixels, which differs between encoders for the same visible image.
// - Colour: grey images are replicated to three equal channels for an RGB model; colour images
//   become luma for a one-channel model, ITU-R 601 weights on the sRGB values as in PIL's
//   convert('L') and torchvision's Grayscale. libvips' own b-w conversion computes linear-light
//   luminance instead (pure red gives 0.50, not 0.30), so we fold the channels ourselves.
// - Values: HWC row-major float32, x / 255, in [0, 1]. No mean/std subtraction: that belongs to
//   the model, so the same bytes serve any architecture.
// - Strictness: sharp's default `failOn: 'warning'`, so a truncated file is skipped rather than
//   trained on with a grey lower half. Animated GIFs contribute their first frame.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { ConfigError, ImageDecodeError } from '../errors.js';

export type Channels = 1 | 3;

/** Decodes a file to size×size×channels float32 in [0, 1]. Any failure, reading included, is an ImageDecodeError naming the path. */
export async function decodeImage(path: string, size: number, channels: Channels): Promise<Float32Array> {
  checkArgs(size, channels);
  return decodeImageBuffer(await readImageFile(path), size, channels, path);
}

/**
 * Same as decodeImage for bytes already in memory (images shipped over the network).
 * `source` names the image in the error; the path when there is one.
 */
export async function decodeImageBuffer(
  buf: Buffer | Uint8Array,
  size: number,
  channels: Channels,
  source = '<buffer>',
): Promise<Float32Array> {
  checkArgs(size, channels);
  let raw: RawImage;
  try {
    raw = await decodeRaw(
      sharp(buf, { failOn: 'warning' })
        .autoOrient()
        .flatten({ background: { r: 0, g: 0, b: 0 } })
        .resize(size, size, { fit: 'fill' }),
      channels,
    );
  } catch (e) {
    throw new ImageDecodeError(source, { cause: e });
  }
  if (raw.width !== size || raw.height !== size) {
    throw new ImageDecodeError(source, { cause: new Error(`decoded ${raw.width}x${raw.height}, expected ${size}x${size}`) });
  }
  const out = new Float32Array(raw.data.length);
  for (let i = 0; i < out.length; i++) out[i] = raw.data[i]! / 255;
  return out;
}

/**
 * sha256 of the pixels at native size, as RGB uint8 after orientation and alpha flattening, with
 * the dimensions mixed in. Two files with the same hash look identical to the model however
 * differently they are encoded (PNG vs lossless WebP, grey vs equal-channel RGB, metadata).
 */
export async function decodedPixelHash(path: string): Promise<string> {
  const buf = await readImageFile(path);
  let raw: RawImage;
  try {
    raw = await decodeRaw(sharp(buf, { failOn: 'warning' }).autoOrient().flatten({ background: { r: 0, g: 0, b: 0 } }), 3);
  } catch (e) {
    throw new ImageDecodeError(path, { cause: e });
  }
  return createHash('sha256').update(`${raw.width}x${raw.height}\n`).update(raw.data).digest('hex');
}

function checkArgs(size: number, channels: number): void {
  if (!Number.isInteger(size) || size < 1) throw new ConfigError(`image size must be a positive integer, got ${size}`);
  if (channels !== 1 && channels !== 3) throw new ConfigError(`channels must be 1 or 3, got ${channels}`);
}

async function readImageFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new ImageDecodeError(path, { cause: e });
  }
}

interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Raw uint8 with exactly `channels` channels. libvips usually returns the asked colourspace, but
 * the band count of raw output follows the image, not the request, in some corners (grey inputs,
 * alpha kept by odd formats), so every count is folded into the wanted one here rather than
 * trusting it.
 */
async function decodeRaw(pipeline: sharp.Sharp, channels: Channels): Promise<RawImage> {
  const { data, info } = await pipeline
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data: toChannels(data, info.channels, channels), width: info.width, height: info.height };
}

/** Converts interleaved uint8 pixels with `from` channels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) to 1 or 3, compositing any alpha onto black. Exported for tests. */
export function toChannels(src: Uint8Array, from: number, to: Channels): Uint8Array {
  if (from === to) return src;
  if (from < 1 || from > 4) throw new Error(`unsupported channel count ${from}`);
  const n = src.length / from;
  const out = new Uint8Array(n * to);
  const hasAlpha = from === 2 || from === 4;
  const colour = from >= 3;
  for (let p = 0; p < n; p++) {
    const s = p * from;
    const a = hasAlpha ? src[s + from - 1]! / 255 : 1;
    let r: number, g: number, b: number;
    if (colour) {
      r = src[s]! * a;
      g = src[s + 1]! * a;
      b = src[s + 2]! * a;
    } else {
      r = g = b = src[s]! * a;
    }
    if (to === 3) {
      out[p * 3] = Math.round(r);
      out[p * 3 + 1] = Math.round(g);
      out[p * 3 + 2] = Math.round(b);
    } else {
      // Rec. 601 luma, what PIL's convert('L') uses.
      out[p] = Math.round(colour ? 0.299 * r + 0.587 * g + 0.114 * b : r);
    }
  }
  return out;
}
