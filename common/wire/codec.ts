// Tensor codecs for the wire: fp32 is exact; fp16 and bf16 halve gradient traffic at a precision
// cost (the equivalence guarantee holds for fp32 only). Pluggable like DDP's comm hooks: the
// reducer and transport see only bytes per element and encode/decode.
import { Codec } from './messages.js';
import { CODEC_NAMES, type CodecName } from './codec-names.js';

export interface TensorCodec {
  readonly codec: Codec;
  readonly name: string;
  readonly bytesPerElement: number;
  /** Encodes src[start, end) to little-endian bytes. */
  encode(src: Float32Array, start: number, end: number): Uint8Array;
  /** Decodes bytes into dst starting at element `offset`. */
  decode(bytes: Uint8Array, dst: Float32Array, offset: number): void;
}

const fp32: TensorCodec = {
  codec: Codec.FP32,
  name: 'fp32',
  bytesPerElement: 4,
  encode(src, start, end) {
    // A view, not a copy: every caller encodes it into a protobuf message at once, which copies.
    // (The copy here cost 166 ms per 65 MB served at the seed's size.)
    return new Uint8Array(src.buffer, src.byteOffset + start * 4, (end - start) * 4);
  },
  decode(bytes, dst, offset) {
    // protobufjs hands out views at arbitrary offsets; copy via bytes to stay aligned.
    new Uint8Array(dst.buffer, dst.byteOffset + offset * 4, bytes.length).set(bytes);
  },
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Round-to-nearest-even fp32 → fp16 bits, with overflow to Inf and subnormals. */
function toHalf(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rem > mid || (rem === mid && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  return sign | (half + (rem > 0x1000 || (rem === 0x1000 && half & 1) ? 1 : 0));
}

function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

const fp16: TensorCodec = {
  codec: Codec.FP16,
  name: 'fp16',
  bytesPerElement: 2,
  encode(src, start, end) {
    const out = new Uint16Array(end - start);
    for (let i = start; i < end; i++) out[i - start] = toHalf(src[i]!);
    return new Uint8Array(out.buffer);
  },
  decode(bytes, dst, offset) {
    const n = bytes.length / 2;
    for (let i = 0; i < n; i++) dst[offset + i] = fromHalf(bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
  },
};

const bf16: TensorCodec = {
  codec: Codec.BF16,
  name: 'bf16',
  bytesPerElement: 2,
  encode(src, start, end) {
    const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
    const out = new Uint16Array(end - start);
    for (let i = start; i < end; i++) {
      const b = bits[i]!;
      // Round to nearest even on the dropped 16 bits; NaN stays NaN.
      out[i - start] = (b & 0x7fffffff) > 0x7f800000 ? (b >>> 16) | 0x40 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
    }
    return new Uint8Array(out.buffer);
  },
  decode(bytes, dst, offset) {
    const bits = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
    const n = bytes.length / 2;
    for (let i = 0; i < n; i++) bits[offset + i] = (bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16;
  },
};

export const CODECS: Record<string, TensorCodec> & Record<CodecName, TensorCodec> = { fp32, fp16, bf16 };
export { CODEC_NAMES };

export function codecFor(c: Codec): TensorCodec {
  const found = Object.values(CODECS).find((x) => x.codec === c);
  if (!found) throw new Error(`unknown codec ${String(c)}`);
  return found;
}
